/*
 * The command line as one configuration struct: argv in, typed values out
 * (ports, addresses, seconds, rates parsed once, here).  Usage errors end
 * the program with a one-line message naming the option.
 */
#ifndef SMTPSCOPE_CONF_H
#define SMTPSCOPE_CONF_H

#include <stdio.h>

#include "core/track.h"
#include "io/live.h"
#include "maillog/parse.h"
#include "probe/prober.h"
#include "report/sink.h"
#include "util/portset.h"

#define SMTPSCOPE_VERSION "0.1.0"

/* Exit statuses (documented in smtpscope(8)). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* verify: an expectation failed; diff: differences */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_INPUT = 3,		/* unreadable, corrupt or truncated input */
	EXIT_INTERNAL = 4,	/* out of memory, output error */
};

#define CONF_MAX_READ_FILES 64

enum output { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_SUMMARY };

/* --resolve and --dnsbl: what is looked up for the scope report when a run ends. */
struct scope_dns {
	int resolve;			/* PTR names */
	const char *zones[8];		/* DNS blocklist zones */
	int nzones;
	const char *server;		/* --dns-server, or NULL */
};

struct config {
	enum output output;
	struct portset ports;
	int ports_given;		/* -p was given (read: else a -w file's) */
	struct track_config track;
	struct live_config live;
	struct probe_config probe;
	struct probe_spec spec;		/* probe's one set of probes */
	uint64_t spoofed;		/* bit i: spec.sources[i] came from
					 * --spoofed-source (PROBE_MAX_ARGS 64) */
	int scope, evidence;		/* --scope, --evidence */
	int findings;			/* --findings */
	int64_t window_us;		/* --window */
	struct scope_dns dns;		/* --resolve, --dnsbl */
	const char *filter_file;
	const char *sensor;		/* --sensor, else the host name */
	int greet;			/* probe --greet: SMTP conversations */
	const char *helo;		/* --helo, else the host name */
	struct sink *scope_sink;	/* set by setup_sinks; NULL: none */
	struct sink *findings_sink;	/* --findings, the same way */
	const char *read_files[CONF_MAX_READ_FILES];	/* read -r FILE */
	int nread_files;
	int no_names;			/* -n: the default, said */
	int line_buffered;		/* -l */
	int localtime;			/* --localtime */
	int top;			/* --top: summary rows, 0: all */
	const char *command;		/* "read", "watch" ...: conf_parse's cmd */
	const char *html_path;		/* --html */
	FILE *html;			/* opened by conf_parse, before any
					 * privilege is dropped */
	int no_sandbox;			/* --no-sandbox */
	struct lookups *lookups;	/* --resolve, --dnsbl: made before the sandbox */
	struct ml_clock log_clock;	/* --log-tz, --log-year */
	const char *maillog;		/* read/watch --maillog; NULL: none */
	struct addr metrics_addr;	/* watch --metrics-listen */
	uint16_t metrics_port;		/* 0: no endpoint */
	const char *metrics_file;	/* --metrics-file; NULL: none */
};

extern const char *progname;

/* The defaults every command starts from. */
void conf_defaults(struct config *cfg);
/* Parses cmd's options (argv[0] is the command); optind is left at the
 * first operand.  A bad option ends the program (EXIT_USAGE). */
void conf_parse(const char *cmd, int argc, char **argv, struct config *cfg);
/* The capture filter template: bpf/smtp.bpf built in, or --filter-file,
 * checked for its placeholders. */
const char *conf_filter_template(const struct config *cfg);

void usage(FILE *out);
/* Each option of cmd ("read" ...; NULL: every command) with its line of
 * meaning, from the option table. */
void usage_options(FILE *out, const char *cmd);
/* "smtpscope: message" on stderr, then exit(status). */
void die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

#endif

/*
 * smtpscope: what answered each SMTP connection attempt.
 * Options, phase order and exit statuses; only this file prints errors.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "pipeline.h"
#include "sink.h"

#define SMTPSCOPE_VERSION "0.1.0"

/* Exit statuses (documented in smtpscope(8)). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_INPUT = 3,		/* unreadable, corrupt or truncated input */
	EXIT_INTERNAL = 4,	/* out of memory, output error */
};

enum output { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_SUMMARY };

struct config {
	enum output output;
	uint8_t ports[65536 / 8];
	struct track_config track;
};

static const char *progname = "smtpscope";

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: %s read [--json | --csv | --summary] [-p ports] [--timeout sec]\n"
	    "                 [--greet-wait sec] [--max-attempts n] file ...\n"
	    "       %s --version\n", progname, progname);
}

static void __attribute__((format(printf, 2, 3), noreturn))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* strtonum(3) in spirit: a whole number in [min, max] or a usage error. */
static long long
parse_num(const char *opt, const char *s, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno == ERANGE)
		die(EXIT_USAGE, "%s: '%s' is not a number", opt, s);
	if (v < min || v > max)
		die(EXIT_USAGE, "%s: %s is out of range (%lld-%lld)", opt, s,
		    min, max);
	return v;
}

/* Seconds with an optional fraction ("10", "0.5"), as microseconds. */
static int64_t
parse_seconds(const char *opt, const char *s, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno == ERANGE || !(v > 0) || v > max)
		die(EXIT_USAGE, "%s: '%s' is not a number of seconds in (0, %g]",
		    opt, s, max);
	return (int64_t)(v * 1e6 + 0.5);
}

/* "25,587", "2525-2530": a list of ports and ranges. */
static void
parse_ports(const char *s, uint8_t set[65536 / 8])
{
	char buf[1024], *tok, *save, *dash;
	long long lo, hi, p;

	if (strlen(s) >= sizeof buf)
		die(EXIT_USAGE, "-p: port list too long");
	strcpy(buf, s);
	memset(set, 0, 65536 / 8);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((dash = strchr(tok, '-')) != NULL) {
			*dash = '\0';
			lo = parse_num("-p", tok, 1, 65535);
			hi = parse_num("-p", dash + 1, 1, 65535);
			if (lo > hi)
				die(EXIT_USAGE, "-p: empty range %s-%s", tok, dash + 1);
		} else
			lo = hi = parse_num("-p", tok, 1, 65535);
		for (p = lo; p <= hi; p++)
			set[p >> 3] |= (uint8_t)(1u << (p & 7));
	}
	for (p = 0; p < 65536 / 8; p++)
		if (set[p])
			return;
	die(EXIT_USAGE, "-p: no ports in '%s'", s);
}

enum { OPT_JSON = 256, OPT_CSV, OPT_SUMMARY, OPT_TIMEOUT, OPT_GREET,
	OPT_MAX_ATTEMPTS };

static const struct option read_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "ports", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "greet-wait", required_argument, NULL, OPT_GREET },
	{ "max-attempts", required_argument, NULL, OPT_MAX_ATTEMPTS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
parse_read_options(int argc, char **argv, struct config *cfg)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hp:", read_opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: cfg->output = OUT_JSON; break;
		case OPT_CSV: cfg->output = OUT_CSV; break;
		case OPT_SUMMARY: cfg->output = OUT_SUMMARY; break;
		case 'p': parse_ports(optarg, cfg->ports); break;
		case OPT_TIMEOUT:
			cfg->track.timeout_us = parse_seconds("--timeout", optarg, 86400);
			break;
		case OPT_GREET:
			cfg->track.greet_wait_us = parse_seconds("--greet-wait", optarg, 3600);
			break;
		case OPT_MAX_ATTEMPTS:
			cfg->track.max_attempts = (uint32_t)parse_num("--max-attempts",
			    optarg, 16, 1 << 24);
			break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':':
			die(EXIT_USAGE, "%s: option needs a value (see smtpscope -h)",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				die(EXIT_USAGE, "unknown option '-%c' (see smtpscope -h)",
				    optopt);
			die(EXIT_USAGE, "unknown option '%s' (see smtpscope -h)",
			    argv[optind - 1]);
		}
	}
}

static void
add_sink(struct pipeline *pl, struct sink *s)
{
	if (s == NULL)
		die(EXIT_INTERNAL, "out of memory");
	pipeline_add_sink(pl, s);
}

/* Records to stdout in the chosen format; the summary after text records,
 * on stderr beside machine formats so stdout stays parseable. */
static void
setup_sinks(struct pipeline *pl, enum output o)
{
	switch (o) {
	case OUT_TEXT:
		add_sink(pl, sink_text_new(stdout));
		add_sink(pl, sink_summary_new(stdout));
		break;
	case OUT_JSON:
		add_sink(pl, sink_json_new(stdout));
		add_sink(pl, sink_summary_new(stderr));
		break;
	case OUT_CSV:
		add_sink(pl, sink_csv_new(stdout));
		add_sink(pl, sink_summary_new(stderr));
		break;
	case OUT_SUMMARY:
		add_sink(pl, sink_summary_new(stdout));
		break;
	}
}

static int
cmd_read(int argc, char **argv, struct config *cfg)
{
	static char outbuf[1 << 16];
	struct pipeline pl;
	char err[512];
	int i, rc, status = EXIT_OK;

	parse_read_options(argc, argv, cfg);
	cfg->track.linger_us = cfg->track.timeout_us;
	if (optind >= argc)
		die(EXIT_USAGE, "read: no capture file given (use - for standard input)");
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	if (pipeline_init(&pl, &cfg->track, cfg->ports) != 0)
		die(EXIT_INTERNAL, "cannot allocate the attempt table (%u entries)",
		    cfg->track.max_attempts);
	setup_sinks(&pl, cfg->output);
	for (i = optind; i < argc && status == EXIT_OK; i++) {
		rc = capture_read_offline(argv[i], &pl, err, sizeof err);
		if (rc == CAPTURE_OK)
			continue;
		/* A file cut short: report what was read, then the error. */
		if (rc == CAPTURE_READ_ERROR || pl.st.packets > 0)
			pipeline_finish(&pl);
		fflush(stdout);
		fprintf(stderr, "%s: %s: %s\n", progname,
		    strcmp(argv[i], "-") == 0 ? "(stdin)" : argv[i], err);
		status = EXIT_INPUT;
	}
	if (status == EXIT_OK)
		pipeline_finish(&pl);
	pipeline_free(&pl);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EXIT_INTERNAL, "write error on standard output");
	return status;
}

int
main(int argc, char **argv)
{
	struct config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.output = OUT_TEXT;
	parse_ports("25,587", cfg.ports);
	cfg.track.max_attempts = 100000;
	cfg.track.timeout_us = 10 * 1000000LL;
	cfg.track.greet_wait_us = 5 * 1000000LL;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("smtpscope %s\n", SMTPSCOPE_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "read") == 0)
		return cmd_read(argc - 1, argv + 1, &cfg);
	die(EXIT_USAGE, "unknown command '%s' (see smtpscope -h)", argv[1]);
}

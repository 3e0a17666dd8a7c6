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

#include "io/capture.h"
#include "verify/diff.h"
#include "io/filter.h"
#include "io/live.h"
#include "io/loop.h"
#include "core/pipeline.h"
#include "io/privs.h"
#include "io/signals.h"
#include "probe/prober.h"
#include "verify/verify.h"
#include "report/sink.h"

#define SMTPSCOPE_VERSION "0.1.0"

/* Exit statuses (documented in smtpscope(8)). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* verify: an expectation failed; diff: differences */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_INPUT = 3,		/* unreadable, corrupt or truncated input */
	EXIT_INTERNAL = 4,	/* out of memory, output error */
};

enum output { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_SUMMARY };

struct config {
	enum output output;
	struct portset ports;
	struct track_config track;
	struct live_config live;
	struct probe_config probe;
	struct probe_spec spec;		/* probe's one set of probes */
	int scope, evidence;		/* --scope, --evidence */
	struct scope_dns dns;		/* -r, --dnsbl */
	const char *filter_file;
};

static const char *progname = "smtpscope";

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: %s read [--json | --csv | --summary] [-p ports] [--timeout sec]\n"
	    "                 [--greet-wait sec] [--max-attempts n] [--scope] [--evidence]\n"
	    "                 [-r] [--dnsbl zone[,zone ...]] [--dns-server addr[:port]]\n"
	    "                 [-Z user] file ...\n"
	    "       %s watch [-d] [--json | --csv | --summary] [-B kib] [-c count]\n"
	    "                 [--duration sec] [--filter-file file] [-i interface]\n"
	    "                 [-p ports] [-s snaplen] [--timeout sec] [--greet-wait sec]\n"
	    "                 [--max-attempts n] [-w file] [-Z user] [--scope] [--evidence]\n"
	    "                 [-r] [--dnsbl zone[,zone ...]] [--dns-server addr[:port]]\n"
	    "       %s probe [-46] [--json | --csv | --summary] [--dns-server addr[:port]]\n"
	    "                 [-i interface] [--max-probes n] [--mx domain] [-p ports]\n"
	    "                 [--rate pps] [--retries n] [--source addr] [--target host]\n"
	    "                 [--timeout sec] [--ttl n] [-w file] [-Z user] [-B kib]\n"
	    "                 [-s snaplen] [--max-attempts n] [--scope] [--evidence] [-r]\n"
	    "                 [--dnsbl zone[,zone ...]]\n"
	    "       %s verify [-46] [--json] [--dns-server addr[:port]] [-i interface]\n"
	    "                 [--max-probes n] [-p ports] [--rate pps] [--retries n]\n"
	    "                 [--timeout sec] [--ttl n] [-w file] [-Z user] [-B kib]\n"
	    "                 [-s snaplen] file\n"
	    "       %s diff before.json after.json\n"
	    "       %s --version\n", progname, progname, progname, progname,
	    progname, progname);
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
parse_ports(const char *s, struct portset *set)
{
	const char *w = s, *end, *bad;

	portset_clear(set);
	for (; *w != '\0'; w = *end ? end + 1 : end) {
		size_t n = strcspn(w, ",");

		end = w + n;
		if (n == 0)
			continue;
		switch (portset_parse_item(set, w, n, &bad)) {
		case PORTSET_OK:
			break;
		case PORTSET_NOT_NUMBER:
			die(EXIT_USAGE, "-p: '%.*s' is not a number",
			    (int)strcspn(bad, ",-"), bad);
		case PORTSET_OUT_OF_RANGE:
			die(EXIT_USAGE, "-p: %.*s is out of range (1-65535)",
			    (int)strcspn(bad, ",-"), bad);
		case PORTSET_EMPTY_RANGE:
			die(EXIT_USAGE, "-p: empty range %.*s", (int)n, w);
		}
	}
	if (portset_empty(set))
		die(EXIT_USAGE, "-p: no ports in '%s'", s);
}

enum { OPT_JSON = 256, OPT_CSV, OPT_SUMMARY, OPT_TIMEOUT, OPT_GREET,
	OPT_MAX_ATTEMPTS, OPT_DURATION, OPT_FILTER_FILE, OPT_MX, OPT_TARGET,
	OPT_SOURCE, OPT_DNS_SERVER, OPT_RETRIES, OPT_RATE, OPT_TTL,
	OPT_MAX_PROBES, OPT_SCOPE, OPT_EVIDENCE, OPT_DNSBL };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "ports", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "greet-wait", required_argument, NULL, OPT_GREET },
	{ "max-attempts", required_argument, NULL, OPT_MAX_ATTEMPTS },
	{ "interface", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "write", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'Z' },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "snaplen", required_argument, NULL, 's' },
	{ "filter-file", required_argument, NULL, OPT_FILTER_FILE },
	{ "mx", required_argument, NULL, OPT_MX },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "dns-server", required_argument, NULL, OPT_DNS_SERVER },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "max-probes", required_argument, NULL, OPT_MAX_PROBES },
	{ "scope", no_argument, NULL, OPT_SCOPE },
	{ "evidence", no_argument, NULL, OPT_EVIDENCE },
	{ "resolve", no_argument, NULL, 'r' },
	{ "dnsbl", required_argument, NULL, OPT_DNSBL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Which commands take an option: (r)ead, (w)atch, (p)robe, (v)erify. */
static const char *
option_commands(int c)
{
	switch (c) {
	case 'c': case 'd': case OPT_DURATION: case OPT_FILTER_FILE:
		return "w";
	case 'Z':
		return "rwpv";
	case 'i': case 'w': case 'B': case 's':
		return "wpv";
	case OPT_MX: case OPT_TARGET: case OPT_SOURCE:
		return "p";
	case OPT_DNS_SERVER:
		return "rwpv";
	case OPT_RETRIES: case OPT_RATE: case OPT_TTL:
	case OPT_MAX_PROBES: case '4': case '6':
		return "pv";
	case OPT_MAX_ATTEMPTS: case OPT_GREET: case OPT_SUMMARY: case OPT_SCOPE:
	case OPT_EVIDENCE: case 'r': case OPT_DNSBL:
		return "rwp";
	default:
		return "rwpv";
	}
}

static void
add_arg(const char **list, int *n, const char *opt, const char *arg)
{
	if (*n == PROBE_MAX_ARGS)
		die(EXIT_USAGE, "%s: at most %d", opt, PROBE_MAX_ARGS);
	list[(*n)++] = arg;
}

static void
parse_options(const char *cmd, int argc, char **argv, struct config *cfg)
{
	int c, li;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hp:i:c:w:Z:B:s:d46r", long_opts,
	    &li)) != -1) {
		if (c != ':' && c != '?' && c != 'h' &&
		    strchr(option_commands(c), cmd[0]) == NULL) {
			if (c < 256)
				die(EXIT_USAGE, "%s: -%c is not an option of %s", cmd,
				    c, cmd);
			die(EXIT_USAGE, "%s: --%s is not an option of %s", cmd,
			    long_opts[li].name, cmd);
		}
		switch (c) {
		case OPT_JSON: cfg->output = OUT_JSON; break;
		case OPT_CSV: cfg->output = OUT_CSV; break;
		case OPT_SUMMARY: cfg->output = OUT_SUMMARY; break;
		case 'p': parse_ports(optarg, &cfg->ports); break;
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
		case 'i': cfg->live.ifname = optarg; break;
		case 'c':
			cfg->live.max_verdicts = (uint64_t)parse_num("-c", optarg, 1,
			    LLONG_MAX);
			break;
		case OPT_DURATION:
			cfg->live.duration_us = parse_seconds("--duration", optarg,
			    365 * 86400.0);
			break;
		case 'w': cfg->live.write_file = optarg; break;
		case 'Z': cfg->live.user = optarg; break;
		case 'B':
			cfg->live.buffer_kib = (int)parse_num("-B", optarg, 1, 4 << 20);
			break;
		case 's':
			cfg->live.snaplen = (int)parse_num("-s", optarg, 128, 262144);
			break;
		case OPT_FILTER_FILE: cfg->filter_file = optarg; break;
		case 'd': cfg->live.dump_filter = 1; break;
		case OPT_MX:
			add_arg(cfg->spec.domains, &cfg->spec.ndomains, "--mx", optarg);
			break;
		case OPT_TARGET:
			add_arg(cfg->spec.targets, &cfg->spec.ntargets, "--target",
			    optarg);
			break;
		case OPT_SOURCE:
			if (cfg->spec.nsources == PROBE_MAX_ARGS)
				die(EXIT_USAGE, "--source: at most %d", PROBE_MAX_ARGS);
			if (!addr_parse(optarg, &cfg->spec.sources[cfg->spec.nsources++]))
				die(EXIT_USAGE, "--source %s: not an IPv4 or IPv6 address",
				    optarg);
			break;
		case OPT_DNS_SERVER:
			cfg->probe.dns_server = cfg->dns.server = optarg;
			break;
		case OPT_RETRIES:
			cfg->probe.retries = (int)parse_num("--retries", optarg, 0, 10);
			break;
		case OPT_RATE:
			cfg->probe.rate = parse_seconds("--rate", optarg, 100000) / 1e6;
			if (cfg->probe.rate < 0.01)
				die(EXIT_USAGE, "--rate: at least 0.01 probes a second");
			break;
		case OPT_TTL:
			cfg->probe.ttl = (int)parse_num("--ttl", optarg, 1, 255);
			break;
		case OPT_MAX_PROBES:
			cfg->probe.max_probes = (int)parse_num("--max-probes", optarg,
			    1, 100000);
			break;
		case OPT_SCOPE: cfg->scope = 1; break;
		case 'r': cfg->dns.resolve = 1; break;
		case OPT_DNSBL: {
			char *z, *save;

			for (z = strtok_r(optarg, ",", &save); z != NULL;
			    z = strtok_r(NULL, ",", &save)) {
				if (cfg->dns.nzones == 8)
					die(EXIT_USAGE, "--dnsbl: at most 8 zones");
				cfg->dns.zones[cfg->dns.nzones++] = z;
			}
			if (cfg->dns.nzones == 0)
				die(EXIT_USAGE, "--dnsbl: no zone given");
			break;
		}
		case OPT_EVIDENCE: cfg->evidence = 1; break;
		case '4': cfg->probe.family = 4; break;
		case '6': cfg->probe.family = 6; break;
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
	/* Long enough to absorb a Linux client's whole SYN back-off (1, 2, 4 ...
	 * 32 s) as one attempt. */
	cfg->track.linger_us = cfg->track.timeout_us > 64000000 ?
	    cfg->track.timeout_us : 64000000;
}

static void
add_sink(struct pipeline *pl, struct sink *s)
{
	if (s == NULL)
		die(EXIT_INTERNAL, "out of memory");
	if (pipeline_add_sink(pl, s) != 0)
		die(EXIT_INTERNAL, "too many outputs");
}

static struct pipeline *
new_pipeline(const struct config *cfg)
{
	struct pipeline *pl = pipeline_new(&cfg->track, &cfg->ports);

	if (pl == NULL)
		die(EXIT_INTERNAL, "cannot allocate the attempt table (%u entries)",
		    cfg->track.max_attempts);
	return pl;
}

/*
 * Records to stdout in the chosen format, then (probe) the matrix, the
 * --scope / --evidence report and the summary: after text records on
 * stdout, beside machine formats on stderr so stdout stays parseable.
 */
static void
setup_sinks(struct pipeline *pl, const struct config *cfg, int matrix)
{
	FILE *report = cfg->output == OUT_JSON || cfg->output == OUT_CSV ?
	    stderr : stdout;

	if (cfg->output == OUT_TEXT)
		add_sink(pl, sink_text_new(stdout));
	else if (cfg->output == OUT_JSON)
		add_sink(pl, sink_json_new(stdout));
	else if (cfg->output == OUT_CSV)
		add_sink(pl, sink_csv_new(stdout));
	if (matrix && cfg->output == OUT_TEXT)
		add_sink(pl, sink_matrix_new(stdout));
	if (cfg->scope || cfg->evidence || cfg->dns.resolve || cfg->dns.nzones)
		add_sink(pl, sink_scope_new(report, cfg->scope, cfg->evidence,
		    cfg->live.write_file, &cfg->dns));
	add_sink(pl, sink_summary_new(report));
}

static int
cmd_read(int argc, char **argv, struct config *cfg)
{
	static char outbuf[1 << 16];
	struct pipeline *pl;
	struct capture **files;
	char err[512];
	int i, n, rc, stdin_seen = 0, status = EXIT_OK;

	parse_options("read", argc, argv, cfg);
	if (optind >= argc)
		die(EXIT_USAGE, "read: no capture file given (use - for standard input)");
	n = argc - optind;
	if ((files = calloc((size_t)n, sizeof *files)) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	/* Every file is opened first, then root is dropped (-Z, as watch
	 * does): hostile captures are never parsed as root. */
	for (i = 0; i < n; i++) {
		const char *path = argv[optind + i];

		if (strcmp(path, "-") == 0 && stdin_seen++)
			die(EXIT_USAGE, "read: standard input (-) given twice");
		if (capture_open_offline(path, &files[i], err, sizeof err) != CAPTURE_OK)
			die(EXIT_INPUT, "%s: %s",
			    strcmp(path, "-") == 0 ? "(stdin)" : path, err);
	}
	if (privs_drop(cfg->live.user, err, sizeof err) != 0)
		die(EXIT_INPUT, "%s", err);
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	pl = new_pipeline(cfg);
	setup_sinks(pl, cfg, 0);
	/* Ctrl-C ends the read early but still reports what was read. */
	if (signals_catch(err, sizeof err) != 0)
		die(EXIT_INTERNAL, "%s", err);
	for (i = 0; i < n; i++) {
		const char *path = argv[optind + i];

		if (status != EXIT_OK || signals_stop_requested()) {
			capture_close(files[i]);
			continue;
		}
		rc = capture_read(files[i], pl, err, sizeof err);
		if (rc == CAPTURE_OK)
			continue;
		/* A file cut short: report what was read, then the error. */
		if (rc == CAPTURE_READ_ERROR || pipeline_stats(pl)->packets > 0)
			pipeline_finish(pl);
		fflush(stdout);
		fprintf(stderr, "%s: %s: %s\n", progname,
		    strcmp(path, "-") == 0 ? "(stdin)" : path, err);
		status = EXIT_INPUT;
	}
	free(files);
	if (status == EXIT_OK)
		pipeline_finish(pl);
	pipeline_free(pl);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EXIT_INTERNAL, "write error on standard output");
	return status;
}

/* The filter template: bpf/smtp.bpf built in, or --filter-file. */
static const char *
load_filter(const struct config *cfg)
{
	static char text[1 << 16];
	const char *tmpl = bpf_smtp_template;
	char *f;

	if (cfg->filter_file != NULL) {
		FILE *fp = fopen(cfg->filter_file, "r");
		size_t n;

		if (fp == NULL)
			die(EXIT_INPUT, "--filter-file %s: %s", cfg->filter_file,
			    strerror(errno));
		n = fread(text, 1, sizeof text - 1, fp);
		if (ferror(fp) || !feof(fp))
			die(EXIT_INPUT, "--filter-file %s: %s", cfg->filter_file,
			    ferror(fp) ? strerror(errno) : "larger than 64 KiB");
		fclose(fp);
		text[n] = '\0';
		tmpl = text;
	}
	if ((f = filter_build(tmpl, &cfg->ports, 0)) == NULL)
		die(EXIT_USAGE, "%s: malformed @PORTS placeholder",
		    cfg->filter_file ? cfg->filter_file : "bpf/smtp.bpf");
	free(f);
	return tmpl;
}

/* The privileged part is open: drop root (-Z), then attach the capture
 * to the loop.  Dies on failure. */
static void
start_live(struct config *cfg, struct live *lv, struct loop *loop)
{
	char err[512];

	if (privs_drop(cfg->live.user, err, sizeof err) != 0 ||
	    live_attach(lv, loop, err, sizeof err) != 0)
		die(EXIT_INPUT, "%s", err);
}

/* Runs the loop, closes the capture and finishes the pipeline (the
 * attempts still open as unresolved, then the reports); the live status. */
static int
run_live(struct loop *loop, struct live *lv, struct pipeline *pl, char *err,
    size_t errlen)
{
	int failed = loop_run(loop) != 0, saved = errno;
	int rc = live_close(lv, err, errlen);

	if (failed && rc == LIVE_OK) {
		snprintf(err, errlen, "poll: %s", strerror(saved));
		rc = LIVE_CAPTURE_ERROR;
	}
	if (rc != LIVE_OUTPUT_ERROR)
		pipeline_finish(pl);
	return rc;
}

/* Exits on what ended a live run badly (after its reports). */
static void
live_status(int rc, const char *err)
{
	fflush(stdout);
	if (rc == LIVE_CAPTURE_ERROR)
		die(EXIT_INPUT, "capture failed: %s", err);
	if (rc == LIVE_OUTPUT_ERROR)
		die(EXIT_INTERNAL, "%s", err);
}

static struct loop *
new_loop(void)
{
	struct loop *l = loop_new();

	if (l == NULL)
		die(EXIT_INTERNAL, "out of memory");
	return l;
}

static int
cmd_watch(int argc, char **argv, struct config *cfg)
{
	struct pipeline *pl;
	struct live *lv;
	struct loop *loop;
	char err[512];
	int rc;

	parse_options("watch", argc, argv, cfg);
	if (optind < argc)
		die(EXIT_USAGE, "watch: unexpected argument '%s'", argv[optind]);
	cfg->live.filter_template = load_filter(cfg);
	cfg->live.ports = &cfg->ports;
	/* Each verdict is printed the moment it is known. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	pl = new_pipeline(cfg);
	pipeline_set_max_records(pl, cfg->live.max_verdicts);
	if (!cfg->live.dump_filter)
		setup_sinks(pl, cfg, 0);
	/* Open everything privileged first, then drop root, then run. */
	if ((lv = live_open(&cfg->live, pl, err, sizeof err)) == NULL)
		die(EXIT_INPUT, "%s", err);
	if (cfg->live.dump_filter) {
		live_close(lv, NULL, 0);
		pipeline_free(pl);
		fflush(stdout);
		return EXIT_OK;
	}
	loop = new_loop();
	start_live(cfg, lv, loop);
	rc = run_live(loop, lv, pl, err, sizeof err);
	pipeline_free(pl);
	loop_free(loop);
	live_status(rc, err);
	return EXIT_OK;
}

static int run_probes(struct config *cfg, struct pipeline *pl, int usage_status);
static struct pipeline *probe_setup(struct config *cfg);

static int
cmd_probe(int argc, char **argv, struct config *cfg)
{
	struct pipeline *pl;

	parse_options("probe", argc, argv, cfg);
	if (optind < argc)
		die(EXIT_USAGE, "probe: unexpected argument '%s'", argv[optind]);
	cfg->spec.ports = &cfg->ports;
	cfg->probe.specs = &cfg->spec;
	cfg->probe.nspecs = 1;
	pl = probe_setup(cfg);
	setup_sinks(pl, cfg, 1);
	run_probes(cfg, pl, EXIT_USAGE);
	pipeline_free(pl);
	return EXIT_OK;
}

/* The probing run both probe and verify make, up to the pipeline's
 * reports; the pipeline is freed by the caller. */
static int
run_probes(struct config *cfg, struct pipeline *pl, int usage_status)
{
	struct loop *loop = new_loop();
	struct prober *pr;
	struct live *lv;
	char err[512];
	int rc;

	if ((pr = prober_new(&cfg->probe, loop, pl, err, sizeof err)) == NULL)
		die(usage_status, "%s", err);
	/* The capture and the raw sockets, then drop root, then run. */
	if ((lv = live_open(&cfg->live, pl, err, sizeof err)) == NULL ||
	    prober_open(pr, err, sizeof err) != 0)
		die(EXIT_INPUT, "%s", err);
	start_live(cfg, lv, loop);
	rc = run_live(loop, lv, pl, err, sizeof err);
	prober_flush(pr);
	live_status(rc, err);
	if (prober_failed(pr, err, sizeof err))
		die(EXIT_INPUT, "probe: %s", err);
	/* The records' origins point into the prober: the pipeline's
	 * outputs are done with them. */
	prober_free(pr);
	loop_free(loop);
	return rc;
}

/* Settings probe and verify share, after their options are parsed. */
static struct pipeline *
probe_setup(struct config *cfg)
{
	struct pipeline *pl;

	if (cfg->live.ifname == NULL)
		cfg->live.ifname = "any";	/* answers come back on any interface */
	cfg->live.filter_template = load_filter(cfg);
	cfg->live.ports = &cfg->ports;
	cfg->probe.timeout_us = cfg->track.timeout_us;
	/* DNS outcomes beside the records: on stdout as text, else stderr. */
	cfg->probe.notes = cfg->output == OUT_TEXT ? stdout : stderr;
	/* A probe never completes the handshake, so no greeting comes: the
	 * SYN-ACK is the verdict. */
	cfg->track.greet_wait_us = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((pl = pipeline_new(&cfg->track, &cfg->ports)) == NULL)
		die(EXIT_INTERNAL, "cannot allocate the attempt table");
	/* The records of our probes only, not the host's own mail. */
	pipeline_set_origin_only(pl, 1);
	return pl;
}

static int
cmd_verify(int argc, char **argv, struct config *cfg)
{
	struct pipeline *pl;
	struct expect_file f;
	struct sink *v;
	char err[512];
	int i, failed;

	parse_options("verify", argc, argv, cfg);
	if (optind != argc - 1)
		die(EXIT_USAGE, "verify: give one expectations file");
	if (cfg->output == OUT_CSV)
		die(EXIT_USAGE, "verify: --csv is not an option of verify");
	if (expect_load(argv[optind], &cfg->ports, &f, err, sizeof err) != 0)
		die(EXIT_USAGE, "%s", err);
	if ((cfg->probe.specs = calloc((size_t)f.n, sizeof *cfg->probe.specs)) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	for (i = 0; i < f.n; i++) {
		cfg->probe.specs[i] = f.e[i].spec;
		/* The capture filter and the tracker watch every line's ports. */
		portset_union(&cfg->ports, &f.e[i].ports);
	}
	cfg->probe.nspecs = f.n;
	/* A line that resolves to nothing fails; it does not end the run. */
	cfg->probe.allow_empty = 1;
	pl = probe_setup(cfg);
	add_sink(pl, v = sink_verify_new(stdout, &f, argv[optind],
	    cfg->output == OUT_JSON));
	run_probes(cfg, pl, EXIT_USAGE);
	failed = verify_failed(v);
	pipeline_free(pl);
	free(cfg->probe.specs);
	expect_free(&f);
	return failed ? EXIT_FAIL : EXIT_OK;
}

static int
cmd_diff(int argc, char **argv)
{
	char err[512];
	int rc;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc != 3)
		die(EXIT_USAGE, "diff: give two files (before.json after.json)");
	rc = diff_files(argv[1], argv[2], stdout, err, sizeof err);
	fflush(stdout);
	if (rc == DIFF_ERROR)
		die(EXIT_INPUT, "%s", err);
	return rc == DIFF_SAME ? EXIT_OK : EXIT_FAIL;
}

int
main(int argc, char **argv)
{
	struct config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.output = OUT_TEXT;
	parse_ports("25,587", &cfg.ports);
	cfg.track.max_attempts = 100000;
	cfg.track.timeout_us = 10 * 1000000LL;
	cfg.track.greet_wait_us = 5 * 1000000LL;
	cfg.live.snaplen = 4096;
	/* 8 MiB: replaying the bench capture at top speed into a veth, the
	 * libpcap default (2 MiB) dropped packets in immediate mode, 8 MiB
	 * none (tests/bench/live.sh). */
	cfg.live.buffer_kib = 8192;
	cfg.live.user = "nobody";
	cfg.probe.rate = 100;
	cfg.probe.ttl = 64;
	cfg.probe.max_probes = 1000;
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
	if (strcmp(argv[1], "watch") == 0)
		return cmd_watch(argc - 1, argv + 1, &cfg);
	if (strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 1, argv + 1, &cfg);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1, &cfg);
	if (strcmp(argv[1], "diff") == 0)
		return cmd_diff(argc - 1, argv + 1);
	die(EXIT_USAGE, "unknown command '%s' (see smtpscope -h)", argv[1]);
}

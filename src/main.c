/*
 * smtpscope: what answered each SMTP connection attempt.
 * The commands: phase order (open, drop privileges, run) and exit
 * statuses.  Only this file and conf.c print errors and exit.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "core/pipeline.h"
#include "io/capture.h"
#include "io/live.h"
#include "io/loop.h"
#include "io/privs.h"
#include "probe/prober.h"
#include "probe/resolve.h"
#include "report/scope.h"
#include "report/sink.h"
#include "verify/diff.h"
#include "verify/verify.h"

static void
add_sink(struct pipeline *pl, struct sink *s)
{
	if (s == NULL)
		die(EXIT_INTERNAL, "out of memory");
	pipeline_add_sink(pl, s);
}

/*
 * Records to stdout in the chosen format, then (probe) the matrix, the
 * --scope / --evidence report and the summary: after text records on
 * stdout, beside machine formats on stderr so stdout stays parseable.
 */
static void
setup_sinks(struct pipeline *pl, struct config *cfg, int matrix)
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
		add_sink(pl, cfg->scope_sink = sink_scope_new(report, cfg->scope,
		    cfg->evidence, cfg->live.write_file));
	add_sink(pl, sink_summary_new(report));
}

/* -r and --dnsbl: the lookups of one run and their results, which the
 * scope report reads until it is freed. */
struct lookups {
	const struct scope_dns *cfg;
	struct loop *loop;
	struct resolver *res;
	struct dns_name *names;
	struct dns_listing *lists;
	struct dns_results out;
	char err[256];
};

/* An address the scope report names: its PTR name (-r) and, for a
 * source, its listing in each zone (--dnsbl). */
static void
lookup_want(void *ctx, const struct addr *a, bool source)
{
	struct lookups *lk = ctx;
	int z;

	if (lk->cfg->resolve)
		resolver_add_ptr(lk->res, a);
	for (z = 0; source && z < lk->cfg->nzones; z++)
		resolver_add_dnsbl(lk->res, a, lk->cfg->zones[z]);
}

/* The resolver's answers as the report's plain data. */
static int
lookup_results(struct lookups *lk)
{
	const struct ptr_result *p;
	const struct dnsbl_result *b;
	size_t i, np = resolver_ptrs(lk->res, &p), nb = resolver_dnsbls(lk->res, &b);

	lk->names = calloc(np + 1, sizeof *lk->names);
	lk->lists = calloc(nb + 1, sizeof *lk->lists);
	if (lk->names == NULL || lk->lists == NULL)
		return -1;
	for (i = 0; i < np; i++)
		lk->names[i] = (struct dns_name){ p[i].a, p[i].name, p[i].status };
	for (i = 0; i < nb; i++)
		lk->lists[i] = (struct dns_listing){ b[i].a, b[i].zone,
		    b[i].listed, b[i].code, b[i].reason, b[i].status };
	lk->out.names = lk->names;
	lk->out.nnames = np;
	lk->out.lists = lk->lists;
	lk->out.nlists = nb;
	return 0;
}

static void
lookups_idle(void *ctx)
{
	loop_stop(ctx);
}

static void
lookups_timeout(void *ctx, int64_t now)
{
	(void)now;
	loop_stop(ctx);
}

/* Runs the loop until no query is left in flight, or 6 seconds, what the
 * lookups of a report are given in all.  0, or -1 when out of memory. */
static int
lookups_wait(struct lookups *lk)
{
	int t;

	if (!resolver_busy(lk->res))
		return 0;
	resolver_on_idle(lk->res, lookups_idle, lk->loop);
	if ((t = loop_timer_add(lk->loop, lookups_timeout, lk->loop)) < 0)
		return -1;
	loop_timer_at(lk->loop, t, loop_now() + 6000000);
	loop_run(lk->loop);
	loop_timer_del(lk->loop, t);
	return 0;
}

/* Looks up what the scope report names, on an event loop, and hands the
 * results to the report. */
static void
lookups_run(struct lookups *lk, const struct config *cfg)
{
	memset(lk, 0, sizeof *lk);
	lk->cfg = &cfg->dns;
	lk->out.names_asked = cfg->dns.resolve != 0;
	lk->out.lists_asked = cfg->dns.nzones > 0;
	if ((lk->loop = loop_new()) == NULL)
		lk->out.error = "out of memory";
	else if ((lk->res = resolver_new(lk->loop, cfg->dns.server, 0, lk->err,
	    sizeof lk->err)) == NULL)
		lk->out.error = lk->err;
	else if (sink_scope_wanted(cfg->scope_sink, lookup_want, lk) != 0 ||
	    lookups_wait(lk) != 0 || lookup_results(lk) != 0)
		lk->out.error = "out of memory";
	sink_scope_set_dns(cfg->scope_sink, &lk->out);
}

static void
lookups_free(struct lookups *lk)
{
	resolver_free(lk->res);
	loop_free(lk->loop);
	free(lk->names);
	free(lk->lists);
}

/*
 * End of input: every open attempt gets its record, then the lookups of
 * -r and --dnsbl are made (only here: a SIGUSR1 snapshot must not hold up
 * capture), then the reports.
 */
static void
finish_run(struct pipeline *pl, const struct config *cfg)
{
	struct lookups lk;
	int dns = cfg->scope_sink != NULL && (cfg->dns.resolve || cfg->dns.nzones);

	pipeline_drain(pl);
	if (dns)
		lookups_run(&lk, cfg);
	pipeline_report(pl);
	if (dns) {
		sink_scope_set_dns(cfg->scope_sink, NULL);
		lookups_free(&lk);
	}
}

static void
on_interrupt(int sig)
{
	(void)sig;
	capture_interrupt();
}

/*
 * Ctrl-C ends the read early but still reports what was read.  SA_RESTART:
 * a read blocked on a pipe resumes and sees the writer's EOF (tcpdump in the
 * same pipeline gets the same Ctrl-C) instead of failing with EINTR.
 */
static void
catch_interrupt(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int
cmd_read(int argc, char **argv, struct config *cfg)
{
	static char outbuf[1 << 16];
	struct pipeline pl;
	struct capture **files;
	char err[512];
	int i, n, rc, stdin_seen = 0, status = EXIT_OK;

	conf_parse("read", argc, argv, cfg);
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
	if (pipeline_init(&pl, &cfg->track, &cfg->ports) != 0)
		die(EXIT_INTERNAL, "cannot allocate the attempt table (%u entries)",
		    cfg->track.max_attempts);
	setup_sinks(&pl, cfg, 0);
	catch_interrupt();
	for (i = 0; i < n; i++) {
		const char *path = argv[optind + i];

		if (status != EXIT_OK || capture_interrupted()) {
			capture_close(files[i]);
			continue;
		}
		rc = capture_read(files[i], &pl, err, sizeof err);
		if (rc == CAPTURE_OK)
			continue;
		/* A file cut short: report what was read, then the error. */
		if (rc == CAPTURE_READ_ERROR || pl.st.packets > 0)
			finish_run(&pl, cfg);
		fflush(stdout);
		fprintf(stderr, "%s: %s: %s\n", progname,
		    strcmp(path, "-") == 0 ? "(stdin)" : path, err);
		status = EXIT_INPUT;
	}
	free(files);
	if (status == EXIT_OK)
		finish_run(&pl, cfg);
	pipeline_free(&pl);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EXIT_INTERNAL, "write error on standard output");
	return status;
}

static int
cmd_watch(int argc, char **argv, struct config *cfg)
{
	struct pipeline pl;
	char err[512];
	int rc;

	conf_parse("watch", argc, argv, cfg);
	if (optind < argc)
		die(EXIT_USAGE, "watch: unexpected argument '%s'", argv[optind]);
	cfg->live.filter_template = conf_filter_template(cfg);
	cfg->live.ports = &cfg->ports;
	/* Each verdict is printed the moment it is known. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipeline_init(&pl, &cfg->track, &cfg->ports) != 0)
		die(EXIT_INTERNAL, "cannot allocate the attempt table (%u entries)",
		    cfg->track.max_attempts);
	pl.max_records = cfg->live.max_verdicts;
	if (!cfg->live.dump_filter)
		setup_sinks(&pl, cfg, 0);
	rc = live_run(&cfg->live, &pl, NULL, err, sizeof err);
	if (rc == LIVE_SETUP_ERROR) {
		pipeline_free(&pl);
		die(EXIT_INPUT, "%s", err);
	}
	/* Pending attempts are reported as unresolved, then the summary. */
	if (!cfg->live.dump_filter && rc != LIVE_OUTPUT_ERROR)
		finish_run(&pl, cfg);
	pipeline_free(&pl);
	fflush(stdout);
	if (rc == LIVE_CAPTURE_ERROR)
		die(EXIT_INPUT, "capture failed: %s", err);
	if (rc == LIVE_OUTPUT_ERROR)
		die(EXIT_INTERNAL, "%s", err);
	return EXIT_OK;
}

static int run_probes(struct config *cfg, struct pipeline *pl, int usage_status);
static void probe_setup(struct config *cfg, struct pipeline *pl);

static int
cmd_probe(int argc, char **argv, struct config *cfg)
{
	struct pipeline pl;

	conf_parse("probe", argc, argv, cfg);
	if (optind < argc)
		die(EXIT_USAGE, "probe: unexpected argument '%s'", argv[optind]);
	cfg->spec.ports = &cfg->ports;
	cfg->probe.specs = &cfg->spec;
	cfg->probe.nspecs = 1;
	probe_setup(cfg, &pl);
	setup_sinks(&pl, cfg, 1);
	run_probes(cfg, &pl, EXIT_USAGE);
	pipeline_free(&pl);
	return EXIT_OK;
}

/* The probing run both probe and verify make; returns the live_run status. */
static int
run_probes(struct config *cfg, struct pipeline *pl, int usage_status)
{
	struct prober *pr;
	struct live_hooks hooks;
	char err[512];
	int rc;

	if ((pr = prober_new(&cfg->probe, pl, err, sizeof err)) == NULL)
		die(usage_status, "%s", err);
	prober_hooks(pr, &hooks);
	rc = live_run(&cfg->live, pl, &hooks, err, sizeof err);
	if (rc == LIVE_SETUP_ERROR) {
		prober_free(pr);
		die(EXIT_INPUT, "%s", err);
	}
	if (rc != LIVE_OUTPUT_ERROR)
		finish_run(pl, cfg);
	fflush(stdout);
	if (rc == LIVE_CAPTURE_ERROR)
		die(EXIT_INPUT, "capture failed: %s", err);
	if (rc == LIVE_OUTPUT_ERROR)
		die(EXIT_INTERNAL, "%s", err);
	if (prober_failed(pr, err, sizeof err))
		die(EXIT_INPUT, "probe: %s", err);
	prober_free(pr);
	return rc;
}

/* Settings probe and verify share, after their options are parsed. */
static void
probe_setup(struct config *cfg, struct pipeline *pl)
{
	if (cfg->live.ifname == NULL)
		cfg->live.ifname = "any";	/* answers come back on any interface */
	cfg->live.filter_template = conf_filter_template(cfg);
	cfg->live.ports = &cfg->ports;
	cfg->probe.timeout_us = cfg->track.timeout_us;
	/* DNS outcomes beside the records: on stdout as text, else stderr. */
	cfg->probe.notes = cfg->output == OUT_TEXT ? stdout : stderr;
	/* A probe never completes the handshake, so no greeting comes: the
	 * SYN-ACK is the verdict. */
	cfg->track.greet_wait_us = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipeline_init(pl, &cfg->track, &cfg->ports) != 0)
		die(EXIT_INTERNAL, "cannot allocate the attempt table");
}

static int
cmd_verify(int argc, char **argv, struct config *cfg)
{
	struct pipeline pl;
	struct expect_file f;
	struct sink *v;
	char err[512];
	int i, failed;

	conf_parse("verify", argc, argv, cfg);
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
	probe_setup(cfg, &pl);
	add_sink(&pl, v = sink_verify_new(stdout, &f, argv[optind],
	    cfg->output == OUT_JSON));
	run_probes(cfg, &pl, EXIT_USAGE);
	failed = verify_failed(v);
	pipeline_free(&pl);
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

	conf_defaults(&cfg);
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

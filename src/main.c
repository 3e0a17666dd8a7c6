/*
 * smtpscope: what answered each SMTP connection attempt.
 * The commands: phase order (open, drop privileges, run) and exit
 * statuses.  Only the command layer (this file, conf.c) prints errors
 * and exits.
 */
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "maillog_cmd.h"
#include "metrics_cmd.h"
#include "lookups.h"
#include "core/pipeline.h"
#include "io/capture.h"
#include "io/hostaddr.h"
#include "io/httpd.h"
#include "io/live.h"
#include "io/pcapngw.h"
#include "io/loop.h"
#include "io/privs.h"
#include "io/sandbox.h"
#include "io/signals.h"
#include "util/logline.h"
#include "util/smtpreply.h"
#include "probe/greet.h"
#include "probe/prober.h"
#include "report/finding.h"
#include "report/greet.h"
#include "report/html.h"
#include "report/scope.h"
#include "report/sink.h"
#include "verify/diff.h"
#include "verify/jsonfeed.h"
#include "verify/verify.h"

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
 * With --json the summary is a JSON line of its own after the records, so
 * one stream carries it all.
 */
static void
setup_sinks(struct pipeline *pl, struct config *cfg, int matrix)
{
	FILE *report = cfg->output == OUT_JSON || cfg->output == OUT_CSV ?
	    stderr : stdout;
	struct sink *sum;

	/* probe --trace: the traces, not a line per SYN. */
	if (cfg->probe.trace && (cfg->output == OUT_TEXT || cfg->output == OUT_JSON))
		add_sink(pl, sink_trace_new(stdout, cfg->output == OUT_JSON,
		    cfg->sensor, cfg->probe.max_ttl));
	else if (cfg->output == OUT_TEXT)
		add_sink(pl, sink_text_new(stdout));
	else if (cfg->output == OUT_JSON)
		add_sink(pl, sink_json_new(stdout, cfg->sensor));
	else if (cfg->output == OUT_CSV)
		add_sink(pl, sink_csv_new(stdout));
	if (matrix && cfg->output == OUT_TEXT && !cfg->probe.trace)
		add_sink(pl, sink_matrix_new(stdout));
	/* Findings as they happen: among the records (text, JSON), else
	 * beside them. */
	if (cfg->findings)
		add_sink(pl, cfg->findings_sink = sink_findings_new(cfg->output == OUT_CSV ?
		    stderr : stdout, report, cfg->output == OUT_JSON, cfg->sensor,
		    cfg->window_us));
	if (cfg->scope || cfg->evidence || cfg->dns.resolve || cfg->dns.nzones ||
	    cfg->html != NULL)
		add_sink(pl, cfg->scope_sink = sink_scope_new(report, cfg->scope,
		    cfg->evidence, cfg->live.write_file));
	if (cfg->scope_sink != NULL && cfg->output == OUT_JSON)
		sink_scope_json(cfg->scope_sink, stdout, cfg->sensor);
	if (cfg->html != NULL)
		add_sink(pl, sink_html_new(cfg->html, cfg->scope_sink, cfg->command,
		    cfg->sensor));
	if (cfg->output == OUT_JSON)
		add_sink(pl, sum = sink_summary_json_new(stdout, cfg->sensor));
	else {
		sum = sink_summary_new(report);
		sink_summary_top(sum, cfg->top);
		add_sink(pl, sum);
	}
	metrics_setup(pl, cfg, cfg->findings_sink);
	pipeline_set_pulse(pl, sink_summary_pulse, sum);	/* --stats-interval */
}

/*
 * End of input: every open attempt gets its record, then the lookups of
 * --resolve and --dnsbl are made (only here: a SIGUSR1 snapshot must not hold up
 * capture), then the reports.
 */
static void
finish_run(struct pipeline *pl, const struct config *cfg)
{
	struct lookups *lk = cfg->scope_sink != NULL ? cfg->lookups : NULL;

	pipeline_drain(pl);
	if (lk != NULL)
		lookups_run(lk, cfg->scope_sink);
	pipeline_report(pl);
	if (lk != NULL) {
		sink_scope_set_dns(cfg->scope_sink, NULL);
		lookups_free(lk);
	}
}

/* Without -p, read takes the server ports that files written by -w name
 * (io/pcapngw.h), all of them, instead of the default. */
static void
ports_from_files(struct capture **files, int n, struct config *cfg)
{
	struct portset p;
	int i, found = 0;

	for (i = 0; i < n; i++) {
		if (!pcapngw_comment_ports(capture_comment(files[i]), &p))
			continue;
		if (!found++)
			portset_clear(&cfg->ports);
		portset_union(&cfg->ports, &p);
	}
}

/* read's inputs: the -r files, then the operands, in that order. */
static const char **
read_paths(int argc, char **argv, const struct config *cfg, int *n)
{
	const char **paths;
	int i;

	*n = cfg->nread_files + (argc - optind);
	if (*n == 0)
		die(EXIT_USAGE, "read: no capture file given (use - for standard "
		    "input)");
	if ((paths = calloc((size_t)*n, sizeof *paths)) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	for (i = 0; i < cfg->nread_files; i++)
		paths[i] = cfg->read_files[i];
	for (; i < *n; i++)
		paths[i] = argv[optind + i - cfg->nread_files];
	return paths;
}

/* read's capture files, opened; dies naming the one that fails.
 * *stdin_seen: whether one is standard input. */
static struct capture **
read_open(const char **paths, int n, int *stdin_seen)
{
	struct capture **files;
	char err[512];
	int i;

	if ((files = calloc((size_t)n, sizeof *files)) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	for (i = 0; i < n; i++) {
		if (strcmp(paths[i], "-") == 0 && (*stdin_seen)++)
			die(EXIT_USAGE, "read: standard input (-) given twice");
		if (capture_open_offline(paths[i], &files[i], err,
		    sizeof err) != CAPTURE_OK)
			die(EXIT_INPUT, "%s: %s",
			    strcmp(paths[i], "-") == 0 ? "(stdin)" : paths[i], err);
	}
	return files;
}

/* --html: the page was written when the run ended; close it, and fail
 * the run if it could not be written. */
static void
close_html(struct config *cfg)
{
	FILE *f = cfg->html;

	cfg->html = NULL;
	if (f != NULL && (ferror(f) | fclose(f)) != 0)
		die(EXIT_INTERNAL, "--html %s: cannot write the page",
		    cfg->html_path);
}

/*
 * Standard output's reader went away (head(1), a consumer that died): with
 * SIGPIPE ignored, writes failed with EPIPE.  Not an error to report: the
 * run ends quietly with EXIT_INTERNAL, the status of an output error.  A
 * pipe or socket without a reader polls POLLERR.
 */
static void
quit_if_reader_gone(void)
{
	struct pollfd p = { STDOUT_FILENO, 0, 0 };

	if (poll(&p, 1, 0) == 1 && (p.revents & POLLERR))
		exit(EXIT_INTERNAL);
}

/* The end of a run: what is buffered written, or the status says why not. */
static void
flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	quit_if_reader_gone();
	die(EXIT_INTERNAL, "write error on standard output: %s", strerror(errno));
}

/* What the run does beyond the steady state (io/sandbox.h): --maillog
 * reopens its log, -w makes new files (SIGHUP, -C, -G), a -C -W ring
 * removes its oldest. */
static int
sandbox_may(const struct config *cfg)
{
	const struct live_config *lc = &cfg->live;

	return (cfg->maillog != NULL ? SANDBOX_MAY_READ : 0) |
	    (cfg->metrics_port != 0 ? SANDBOX_MAY_SERVE : 0) |
	    (lc->write_file != NULL ? SANDBOX_MAY_CREATE : 0) |
	    (lc->rotate_size > 0 && lc->rotate_count > 0 ? SANDBOX_MAY_UNLINK : 0);
}

/*
 * Everything is open and root is dropped: the resolver of --resolve and --dnsbl
 * is made (c-ares reads /etc/resolv.conf), then
 * the sandbox is entered for the rest of the run (io/sandbox.h).
 */
static void
sandbox_start(struct config *cfg)
{
	const char *env = getenv("SMTPSCOPE_SANDBOX");
	enum sandbox_mode mode;
	char err[256];

	if ((cfg->dns.resolve || cfg->dns.nzones) &&
	    (cfg->lookups = lookups_new(&cfg->dns)) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	/* Read once now: the zone file for --localtime, the seed of
	 * jansson's hash tables (else, in the sandbox, from time and pid). */
	tzset();
	json_object_seed(0);
	if (cfg->no_sandbox)
		logline(LOG_WARNING, "--no-sandbox: running without the system "
		    "call filter");
	else if (sandbox_mode_parse(env, &mode) != 0)
		die(EXIT_USAGE, "SMTPSCOPE_SANDBOX: '%.32s' is not kill, errno "
		    "or log", env);
	else {
		if (mode != SANDBOX_KILL)
			logline(LOG_WARNING, "SMTPSCOPE_SANDBOX=%s: calls outside "
			    "the sandbox are not fatal", env);
		if (sandbox_enter(mode, sandbox_may(cfg), err, sizeof err) != 0)
			die(EXIT_INTERNAL, "%s", err);
	}
	sandbox_test_hook();
}

/* Reads each capture in turn into the pipeline, until the input ends, an
 * error, a stop (Ctrl-C, -c); closes them.  The status. */
static int
read_captures(struct capture **files, const char **paths, int n,
    struct pipeline *pl, struct config *cfg)
{
	char err[512];
	int i, rc, status = EXIT_OK;

	for (i = 0; i < n; i++) {
		const char *path = strcmp(paths[i], "-") == 0 ? "(stdin)" : paths[i];

		if (status != EXIT_OK || signals_stop_requested() ||
		    pipeline_done(pl)) {
			capture_close(files[i]);
			continue;
		}
		rc = capture_read(files[i], pl, err, sizeof err);
		if (rc == CAPTURE_OK)
			continue;
		/* A file cut short: report what was read, then the error. */
		if (rc == CAPTURE_READ_ERROR || pipeline_stats(pl)->packets > 0)
			finish_run(pl, cfg);
		fflush(stdout);
		logline(LOG_ERR, "%s: %s", path, err);
		status = EXIT_INPUT;
	}
	return status;
}

static int
cmd_read(int argc, char **argv, struct config *cfg)
{
	static char outbuf[1 << 16];
	struct pipeline *pl;
	struct capture **files;
	const char **paths;
	struct ml_join *join;
	char err[512];
	int n, stdin_seen = 0, status, logfd;

	conf_parse("read", argc, argv, cfg);
	cfg->track.corrections = 1;
	paths = read_paths(argc, argv, cfg, &n);
	files = read_open(paths, n, &stdin_seen);
	logfd = maillog_open(cfg, stdin_seen);
	/* Every file is open: root is dropped (-Z, as watch does), so
	 * hostile captures and logs are never parsed as root. */
	if (privs_drop(cfg->live.user, err, sizeof err) != 0)
		die(EXIT_INPUT, "%s", err);
	if (!cfg->ports_given)
		ports_from_files(files, n, cfg);
	/* -l: each line as it is written, as tcpdump -l. */
	if (cfg->line_buffered)
		setvbuf(stdout, NULL, _IOLBF, 0);
	else
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	pl = new_pipeline(cfg);
	pipeline_set_max_records(pl, cfg->live.max_verdicts);
	setup_sinks(pl, cfg, 0);
	join = maillog_join_read(pl, cfg, logfd);
	/* Ctrl-C ends the read early but still reports what was read;
	 * SIGUSR1 asks for the summary so far, as in watch. */
	if (signals_catch(err, sizeof err) != 0 || signals_add(SIGUSR1) != 0)
		die(EXIT_INTERNAL, "%s", err);
	sandbox_start(cfg);
	status = read_captures(files, paths, n, pl, cfg);
	free(files);
	free(paths);
	if (status == EXIT_OK)
		finish_run(pl, cfg);
	pipeline_free(pl);
	ml_join_free(join);	/* after the pipeline: its sink holds the join */
	close_html(cfg);
	flush_stdout();
	return status;
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
	sandbox_start(cfg);
}

/* Runs the loop, closes the capture and finishes the pipeline (the
 * attempts still open as unresolved, then the reports); the live status. */
static int
run_live(struct loop *loop, struct live *lv, struct pipeline *pl,
    const struct config *cfg, char *err, size_t errlen)
{
	int failed = loop_run(loop) != 0, saved = errno;
	int rc = live_close(lv, err, errlen);

	maillog_watch_drain();	/* watch --maillog: the log's last lines */

	if (failed && rc == LIVE_OK) {
		snprintf(err, errlen, "poll: %s", strerror(saved));
		rc = LIVE_CAPTURE_ERROR;
	}
	if (rc != LIVE_OUTPUT_ERROR)
		finish_run(pl, cfg);
	return rc;
}

/* Exits on what ended a live run badly (after its reports). */
static void
live_status(int rc, const char *err)
{
	fflush(stdout);
	if (rc == LIVE_CAPTURE_ERROR)
		die(EXIT_INPUT, "capture failed: %s", err);
	if (rc == LIVE_OUTPUT_ERROR) {
		quit_if_reader_gone();
		die(EXIT_INTERNAL, "%s", err);
	}
}

/* watch's first and last lines on standard error, for a service's log:
 * what it watches, and at the end what it saw and what the kernel
 * dropped. */
static void
say_started(const char *ifname, const struct config *cfg, long pid)
{
	char ports[128];

	logline(LOG_INFO, "watching %s, ports %s, pid %ld", ifname,
	    portset_format(&cfg->ports, ports, sizeof ports), pid);
}

static void
say_stopped(const char *ifname, const struct pipeline *pl)
{
	const struct stats *st = pipeline_stats(pl);

	if (st->kernel_received < 0)
		logline(LOG_INFO, "stopped watching %s: packets %llu, "
		    "attempts %llu, no kernel counters", ifname,
		    (unsigned long long)st->packets,
		    (unsigned long long)st->attempts);
	else
		logline(LOG_INFO, "stopped watching %s: packets %llu, "
		    "attempts %llu, kernel received %lld, dropped %lld, "
		    "dropped by the interface %lld", ifname,
		    (unsigned long long)st->packets,
		    (unsigned long long)st->attempts,
		    (long long)st->kernel_received,
		    (long long)st->kernel_dropped, (long long)st->if_dropped);
}

static struct loop *
new_loop(void)
{
	struct loop *l = loop_new();

	if (l == NULL)
		die(EXIT_INTERNAL, "out of memory");
	return l;
}

/* The endpoint's body: the registry's exposition at this moment (NULL,
 * a 500, once the pipeline has finished: the loop serves none then). */
static char *
metrics_body(void *ctx, size_t *len)
{
	struct metrics *m = metrics_registry();

	(void)ctx;
	return m != NULL ? metrics_expose(m, len) : NULL;
}

/* --metrics-listen: its socket, opened while still privileged. */
static struct httpd *
open_endpoint(const struct config *cfg, httpd_body_fn body, void *ctx)
{
	char err[256], where[ENDPOINT_STRLEN];
	struct httpd *h;

	if (cfg->metrics_port == 0)
		return NULL;
	if ((h = httpd_open(&cfg->metrics_addr, cfg->metrics_port, body, ctx,
	    err, sizeof err)) == NULL)
		die(EXIT_INTERNAL, "--metrics-listen %s: %s", endpoint_str(
		    &cfg->metrics_addr, cfg->metrics_port, where), err);
	return h;
}

static int
cmd_watch(int argc, char **argv, struct config *cfg)
{
	struct httpd *httpd;
	struct pipeline *pl;
	struct live *lv;
	struct loop *loop;
	struct ml_join *join;
	char err[512], ifname[256];
	long pid;
	int rc;

	conf_parse("watch", argc, argv, cfg);
	cfg->track.corrections = 1;
	if (optind < argc)
		die(EXIT_USAGE, "watch: unexpected argument '%s'", argv[optind]);
	cfg->live.filter_template = conf_filter_template(cfg);
	cfg->live.ports = &cfg->ports;
	/* Each verdict is printed the moment it is known. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	pl = new_pipeline(cfg);
	pipeline_set_max_records(pl, cfg->live.max_verdicts);
	if (!cfg->live.dump_filter)
		setup_sinks(pl, cfg, 0);
	join = cfg->live.dump_filter ? NULL : maillog_watch_open(pl, cfg);
	/* Open everything privileged first, then drop root, then run. */
	httpd = cfg->live.dump_filter ? NULL : open_endpoint(cfg, metrics_body,
	    NULL);
	if ((lv = live_open(&cfg->live, pl, err, sizeof err)) == NULL)
		die(EXIT_INPUT, "%s", err);
	if (cfg->live.dump_filter) {
		live_close(lv, NULL, 0);
		pipeline_free(pl);
		fflush(stdout);
		return EXIT_OK;
	}
	loop = new_loop();
	/* Copied: the capture (and its name) is freed when it closes; the
	 * pid asked before the sandbox, which does not allow getpid. */
	snprintf(ifname, sizeof ifname, "%s", live_ifname(lv));
	pid = getpid();
	if (httpd != NULL && httpd_attach(httpd, loop) != 0)
		die(EXIT_INTERNAL, "out of memory");
	start_live(cfg, lv, loop);
	say_started(ifname, cfg, pid);
	maillog_watch_attach(loop);
	metrics_attach(loop);
	rc = run_live(loop, lv, pl, cfg, err, sizeof err);
	httpd_close(httpd);
	say_stopped(ifname, pl);
	pipeline_free(pl);
	ml_join_free(join);
	maillog_watch_close();
	loop_free(loop);
	close_html(cfg);
	live_status(rc, err);
	return EXIT_OK;
}

static int run_probes(struct config *cfg, struct pipeline *pl, int usage_status);
static struct pipeline *probe_setup(struct config *cfg);
static int cmd_greet(struct config *cfg);

/* Before anything is sent (DNS included): every --source is an address of
 * this host (of its network namespace), or the operator said otherwise
 * with --spoofed-source, which is said on stderr. */
static void
check_sources(const struct config *cfg)
{
	const struct probe_spec *sp = &cfg->spec;
	char a[ADDR_STRLEN];
	int i, local;

	for (i = 0; i < sp->nsources; i++) {
		addr_str(&sp->sources[i], a);
		if (cfg->spoofed >> i & 1) {
			logline(LOG_WARNING, "--spoofed-source %s: its SYNs go out "
			    "with this source whether or not it is this host's; "
			    "answers come back only where it is routed here", a);
			continue;
		}
		if ((local = hostaddr_is_local(&sp->sources[i])) < 0)
			die(EXIT_INTERNAL, "--source %s: cannot list this host's "
			    "addresses: %s", a, strerror(errno));
		if (local == 0)
			die(EXIT_USAGE, "--source %s: not an address of this host "
			    "(--spoofed-source %s sends from it all the same)", a, a);
	}
}

static int
cmd_probe(int argc, char **argv, struct config *cfg)
{
	struct pipeline *pl;

	conf_parse("probe", argc, argv, cfg);
	if (optind < argc)
		die(EXIT_USAGE, "probe: unexpected argument '%s'", argv[optind]);
	if (cfg->greet)
		return cmd_greet(cfg);
	check_sources(cfg);
	cfg->spec.ports = &cfg->ports;
	cfg->probe.specs = &cfg->spec;
	cfg->probe.nspecs = 1;
	pl = probe_setup(cfg);
	setup_sinks(pl, cfg, 1);
	run_probes(cfg, pl, EXIT_USAGE);
	pipeline_free(pl);
	close_html(cfg);
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
	cfg->live.immediate = 1;
	if ((lv = live_open(&cfg->live, pl, err, sizeof err)) == NULL ||
	    prober_open(pr, err, sizeof err) != 0)
		die(EXIT_INPUT, "%s", err);
	start_live(cfg, lv, loop);
	rc = run_live(loop, lv, pl, cfg, err, sizeof err);
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
	cfg->live.filter_template = conf_filter_template(cfg);
	cfg->live.ports = &cfg->ports;
	cfg->probe.timeout_us = cfg->track.timeout_us;
	/* DNS outcomes beside the records: on stdout as text, else stderr. */
	cfg->probe.notes = cfg->output == OUT_TEXT ? stdout : stderr;
	/* A probe never completes the handshake, so no greeting comes: the
	 * SYN-ACK is the verdict. */
	cfg->track.greet_wait_us = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	pl = new_pipeline(cfg);
	/* The records of our probes only, not the host's own mail. */
	pipeline_set_origin_only(pl, 1);
	return pl;
}

struct greet_run {
	const struct config *cfg;
	struct greet_matrix *matrix;
};

/* Each conversation as it ends: a line, and a cell of the matrix. */
static void
greet_out(void *ctx, const struct greet_result *r)
{
	struct greet_run *run = ctx;

	if (run->cfg->output == OUT_JSON)
		greet_write_json(stdout, r, run->cfg->sensor);
	else
		greet_write_text(stdout, r);
	if (run->matrix != NULL)
		greet_matrix_add(run->matrix, r);
}

/* What --greet does not take: the capture's and the reports' options. */
static void
greet_options(struct config *cfg)
{
	static char host[256];

	if (cfg->output == OUT_CSV || cfg->output == OUT_SUMMARY)
		die(EXIT_USAGE, "probe --greet: text or --json only");
	if (cfg->live.write_file != NULL || cfg->scope || cfg->evidence ||
	    cfg->findings || cfg->dns.resolve || cfg->dns.nzones)
		die(EXIT_USAGE, "probe --greet: -w, --scope, --evidence, "
		    "--findings, --resolve and --dnsbl are options of the SYN probe");
	if (cfg->helo != NULL)
		return;
	if (gethostname(host, sizeof host - 1) != 0 || !smtp_helo_ok(host))
		die(EXIT_USAGE, "--helo: the host name '%.64s' is not a name EHLO "
		    "may give: give --helo name", host);
	cfg->helo = host;
}

/* probe --greet: SMTP conversations through the kernel, on the loop. */
static int
cmd_greet(struct config *cfg)
{
	struct greet_config gc;
	struct greet_run run = { cfg, NULL };
	struct greeter *g;
	struct loop *loop;
	char err[512];

	greet_options(cfg);
	memset(&gc, 0, sizeof gc);
	cfg->spec.ports = &cfg->ports;
	gc.spec = &cfg->spec;
	gc.family = cfg->probe.family;
	gc.dns_server = cfg->probe.dns_server;
	gc.helo = cfg->helo;
	gc.step_us = cfg->track.timeout_us;
	gc.max = cfg->probe.max_probes;
	gc.notes = cfg->output == OUT_TEXT ? stdout : stderr;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cfg->output == OUT_TEXT && (run.matrix = greet_matrix_new()) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	loop = new_loop();
	if ((g = greeter_new(&gc, loop, greet_out, &run, err, sizeof err)) == NULL)
		die(EXIT_USAGE, "%s", err);
	/* Nothing privileged is needed to connect: drop root first (-Z). */
	if (privs_drop(cfg->live.user, err, sizeof err) != 0)
		die(EXIT_INPUT, "%s", err);
	sandbox_start(cfg);
	if (loop_run(loop) != 0)
		die(EXIT_INTERNAL, "poll: %s", strerror(errno));
	if (greeter_failed(g, err, sizeof err))
		die(EXIT_INPUT, "probe: %s", err);
	if (run.matrix != NULL)
		greet_matrix_print(run.matrix, stdout);
	greeter_free(g);
	loop_free(loop);
	greet_matrix_free(run.matrix);
	flush_stdout();
	return EXIT_OK;
}

static int
cmd_verify(int argc, char **argv, struct config *cfg)
{
	struct pipeline *pl;
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
	pl = probe_setup(cfg);
	add_sink(pl, v = sink_verify_new(stdout, &f, argv[optind],
	    cfg->output == OUT_JSON, cfg->sensor));
	run_probes(cfg, pl, EXIT_USAGE);
	failed = verify_failed(v);
	pipeline_free(pl);
	free(cfg->probe.specs);
	expect_free(&f);
	return failed ? EXIT_FAIL : EXIT_OK;
}

/* At most this many refused lines are named; the rest are counted. */
#define SCOPE_MAX_MESSAGES 20

struct scope_run {
	struct pipeline *pl;
	uint64_t messages;		/* refused lines and files reported */
};

static void
scope_record(void *ctx, const struct record *r)
{
	pipeline_feed(((struct scope_run *)ctx)->pl, r);
}

static void
scope_bad(void *ctx, const char *name, uint64_t line, const char *why)
{
	struct scope_run *run = ctx;

	if (run->messages++ >= SCOPE_MAX_MESSAGES)
		return;
	if (line > 0)
		logline(LOG_WARNING, "%s:%llu: %s", name,
		    (unsigned long long)line, why);
	else
		logline(LOG_WARNING, "%s: %s", name, why);
}

/* The inputs of scope, every one opened before root is dropped. */
static FILE **
scope_open(int n, char **paths, const char **names)
{
	FILE **fp = calloc((size_t)n, sizeof *fp);
	int i, stdin_seen = 0;

	if (fp == NULL)
		die(EXIT_INTERNAL, "out of memory");
	for (i = 0; i < n; i++) {
		if (strcmp(paths[i], "-") == 0) {
			if (stdin_seen++)
				die(EXIT_USAGE, "scope: standard input (-) given twice");
			fp[i] = stdin;
			names[i] = "(stdin)";
		} else if ((fp[i] = fopen(paths[i], "r")) == NULL)
			die(EXIT_INPUT, "%s: %s", paths[i], strerror(errno));
		else
			names[i] = paths[i];
	}
	return fp;
}

/* smtpscope scope: the JSON records of many sensors through the reports. */
static int
cmd_scope(int argc, char **argv, struct config *cfg)
{
	static const struct jsonfeed_ops ops = { scope_record, scope_bad };
	struct scope_run run = { NULL, 0 };
	struct input_stats in = { 0, 0, 0, 0, 0, 0 };
	struct jsonrec *jr;
	const char **names;
	FILE **fp;
	char err[512];
	int i, n;

	conf_parse("scope", argc, argv, cfg);
	if (optind >= argc)
		die(EXIT_USAGE, "scope: no file given (use - for standard input)");
	if (cfg->line_buffered)
		setvbuf(stdout, NULL, _IOLBF, 0);
	/* The scope report and the summary; records only when asked for. */
	cfg->scope = 1;
	if (cfg->output == OUT_TEXT)
		cfg->output = OUT_SUMMARY;
	n = argc - optind;
	if ((names = calloc((size_t)n, sizeof *names)) == NULL ||
	    (jr = jsonrec_new()) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	fp = scope_open(n, argv + optind, names);
	if (privs_drop(cfg->live.user, err, sizeof err) != 0)
		die(EXIT_INPUT, "%s", err);
	run.pl = new_pipeline(cfg);
	setup_sinks(run.pl, cfg, 0);
	sandbox_start(cfg);
	if (jsonfeed_run(jr, fp, names, n, &ops, &run, &in) != 0)
		die(EXIT_INTERNAL, "out of memory");
	if (run.messages > SCOPE_MAX_MESSAGES)
		logline(LOG_WARNING, "%llu more bad lines not shown",
		    (unsigned long long)(run.messages - SCOPE_MAX_MESSAGES));
	pipeline_set_input_stats(run.pl, &in);
	finish_run(run.pl, cfg);
	/* The outputs are done with the records' sensors and origins. */
	pipeline_free(run.pl);
	close_html(cfg);
	jsonrec_free(jr);
	for (i = 0; i < n; i++)
		if (fp[i] != stdin)
			fclose(fp[i]);
	free(fp);
	free(names);
	flush_stdout();
	return run.messages > 0 ? EXIT_INPUT : EXIT_OK;
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
	/* A closed output pipe is an error of write(2), never a death by
	 * signal in the middle of a record (quit_if_reader_gone). */
	signals_ignore_pipe();
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
		usage_options(stdout, NULL);
		return EXIT_OK;
	}
	/* tcpdump's fingers: "smtpscope -r x.pcap" (any option first) reads. */
	if (argv[1][0] == '-' && argv[1][1] != '\0')
		return cmd_read(argc, argv, &cfg);
	if (strcmp(argv[1], "read") == 0)
		return cmd_read(argc - 1, argv + 1, &cfg);
	if (strcmp(argv[1], "watch") == 0)
		return cmd_watch(argc - 1, argv + 1, &cfg);
	if (strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 1, argv + 1, &cfg);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1, &cfg);
	if (strcmp(argv[1], "scope") == 0)
		return cmd_scope(argc - 1, argv + 1, &cfg);
	if (strcmp(argv[1], "diff") == 0)
		return cmd_diff(argc - 1, argv + 1);
	if (strcmp(argv[1], "maillog") == 0)
		return cmd_maillog(argc - 1, argv + 1, &cfg);
	die(EXIT_USAGE, "unknown command '%s' (see smtpscope -h)", argv[1]);
}

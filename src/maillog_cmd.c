/*
 * smtpscope maillog FILE ...: each file (or - for standard input) read
 * through the maillog parser into one scope, reported as text or JSON.
 * A file with lines but none in a known format is an input error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "core/pipeline.h"
#include "io/follow.h"
#include "io/privs.h"
#include "maillog/join.h"
#include "maillog/parse.h"
#include "maillog/scope.h"
#include "maillog_cmd.h"
#include "report/maillog.h"
#include "report/finding.h"
#include "report/maillog_join.h"
#include "report/scope.h"

static int scope_oom;

static void
to_scope(void *ctx, const struct ml_event *e)
{
	if (ml_scope_add(ctx, e) != 0)
		scope_oom = 1;
}

/* read and watch --maillog: each line to the join, and to the findings
 * (--findings, --scope), which take what the log adds. */
static struct log_takers {
	struct ml_join *j;
	struct sink *findings, *scope;
} takers;

static void
to_join(void *ctx, const struct ml_event *e)
{
	struct log_takers *t = ctx;

	if (ml_join_event(t->j, e) != 0)
		scope_oom = 1;
	if (t->findings != NULL)
		sink_findings_log(t->findings, e);
	if (t->scope != NULL)
		sink_scope_log(t->scope, e);
}

static void
takers_set(const struct config *cfg, struct ml_join *j)
{
	takers.j = j;
	takers.findings = cfg->findings_sink;
	takers.scope = cfg->scope_sink;
}

int
maillog_open(const struct config *cfg, int stdin_seen)
{
	const char *path = cfg->maillog;
	int fd;

	if (path == NULL)
		return -1;
	if (strcmp(path, "-") == 0 && stdin_seen)
		die(EXIT_USAGE, "read: standard input (-) given twice");
	if (strcmp(path, "-") == 0)
		return STDIN_FILENO;
	if ((fd = open(path, O_RDONLY)) < 0)
		die(EXIT_INPUT, "--maillog %s: %s", path, strerror(errno));
	return fd;
}

struct ml_join *
maillog_join_read(struct pipeline *pl, const struct config *cfg, int fd)
{
	struct ml_counts n;
	struct ml_join *j;
	struct sink *s;

	if (fd < 0)
		return NULL;
	if ((j = ml_join_new(&cfg->ports)) == NULL || (s = sink_maillog_join_new(stdout,
	    cfg->output == OUT_JSON, cfg->sensor, j, false)) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	if (pipeline_add_sink(pl, s) != 0)
		die(EXIT_INTERNAL, "too many outputs");
	memset(&n, 0, sizeof n);
	takers_set(cfg, j);
	maillog_read_fd(fd, strcmp(cfg->maillog, "-") == 0 ? "(stdin)" :
	    cfg->maillog, cfg, to_join, &takers, &n);
	if (fd != STDIN_FILENO)
		close(fd);
	return j;
}

static void
counts_add(struct ml_counts *a, const struct ml_counts *b)
{
	a->lines += b->lines, a->events += b->events, a->framed += b->framed;
	a->unframed += b->unframed, a->other_daemon += b->other_daemon;
	a->not_delivery += b->not_delivery, a->too_long += b->too_long;
	a->nul += b->nul, a->bad_utf8 += b->bad_utf8, a->bad_json += b->bad_json;
	a->bad_time += b->bad_time, a->time_back += b->time_back;
}

void
maillog_read_fd(int fd, const char *name, const struct config *cfg,
    ml_event_fn fn, void *ctx, struct ml_counts *total)
{
	static struct ml_parser p;
	static char buf[1 << 16];
	ssize_t n;

	ml_parser_init(&p, &cfg->log_clock, fn, ctx);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(EXIT_INPUT, "%s: %s", name, strerror(errno));
		ml_feed(&p, buf, (size_t)n);
	}
	ml_finish(&p);
	if (scope_oom)
		die(EXIT_INTERNAL, "out of memory");
	if (p.n.lines > 0 && p.n.framed == 0)
		die(EXIT_INPUT, "%s: no line in a known log format (syslog RFC 3164 "
		    "or 5424, ISO 8601 syslog, journalctl -o json, Exim main log)",
		    name);
	counts_add(total, &p.n);
}

/* watch --maillog: the followed log's parser and follower, and the
 * sink that writes the joins as they are decided. */
static struct ml_parser live_parser;
static struct follow *live_follow;
static struct sink *live_sink;

static void
live_bytes(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	ml_feed(&live_parser, buf, n);
	if (scope_oom)
		die(EXIT_INTERNAL, "out of memory");
	sink_maillog_join_poll(live_sink);
}

struct ml_join *
maillog_watch_open(struct pipeline *pl, const struct config *cfg)
{
	struct ml_join *j;
	struct sink *s;
	char err[512];

	if (cfg->maillog == NULL)
		return NULL;
	if ((j = ml_join_new(&cfg->ports)) == NULL ||
	    (s = sink_maillog_join_new(stdout, cfg->output == OUT_JSON,
	    cfg->sensor, j, true)) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	if (pipeline_add_sink(pl, s) != 0)
		die(EXIT_INTERNAL, "too many outputs");
	/* A verdict comes at the latest a SYN back-off, the timeout and the
	 * greeting wait after the first SYN; a line waits that long (and a
	 * second more) for one before it is written alone. */
	ml_join_set_wait(j, cfg->track.linger_us + cfg->track.timeout_us +
	    cfg->track.greet_wait_us + 1000000);
	live_sink = s;
	takers_set(cfg, j);
	ml_parser_init(&live_parser, &cfg->log_clock, to_join, &takers);
	if ((live_follow = follow_open(cfg->maillog, live_bytes, NULL, err,
	    sizeof err)) == NULL)
		die(EXIT_INPUT, "--maillog %s", err);
	return j;
}

void
maillog_watch_attach(struct loop *l)
{
	if (live_follow != NULL && follow_attach(live_follow, l) != 0)
		die(EXIT_INTERNAL, "out of memory");
}

void
maillog_watch_drain(void)
{
	if (live_follow == NULL)
		return;
	follow_drain(live_follow);
	ml_finish(&live_parser);
}

void
maillog_watch_close(void)
{
	follow_close(live_follow);
	live_follow = NULL;
}

int
cmd_maillog(int argc, char **argv, struct config *cfg)
{
	struct ml_counts total;
	struct ml_scope scope;
	char err[512];
	int i, n, *fds, stdin_seen = 0;

	conf_parse("maillog", argc, argv, cfg);
	if (optind >= argc)
		die(EXIT_USAGE, "maillog: no log file given (use - for standard input)");
	n = argc - optind;
	if ((fds = calloc((size_t)n, sizeof *fds)) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	/* Every file is opened first, then root is dropped (-Z). */
	for (i = 0; i < n; i++) {
		const char *path = argv[optind + i];

		if (strcmp(path, "-") == 0) {
			if (stdin_seen++)
				die(EXIT_USAGE, "maillog: standard input (-) given twice");
			fds[i] = STDIN_FILENO;
		} else if ((fds[i] = open(path, O_RDONLY)) < 0)
			die(EXIT_INPUT, "%s: %s", path, strerror(errno));
	}
	if (privs_drop(cfg->live.user, err, sizeof err) != 0)
		die(EXIT_INPUT, "%s", err);
	ml_scope_init(&scope);
	memset(&total, 0, sizeof total);
	for (i = 0; i < n; i++) {
		const char *path = argv[optind + i];

		maillog_read_fd(fds[i], strcmp(path, "-") == 0 ? "(stdin)" : path,
		    cfg, to_scope, &scope, &total);
		if (fds[i] != STDIN_FILENO)
			close(fds[i]);
	}
	free(fds);
	if (report_maillog(stdout, &scope, &total, cfg->output == OUT_JSON,
	    cfg->sensor) != 0)
		die(EXIT_INTERNAL, "out of memory");
	ml_scope_free(&scope);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EXIT_INTERNAL, "write error on standard output");
	return EXIT_OK;
}

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
#include "io/privs.h"
#include "maillog/parse.h"
#include "maillog/scope.h"
#include "maillog_cmd.h"
#include "report/maillog.h"

static int scope_oom;

static void
to_scope(void *ctx, const struct ml_event *e)
{
	if (ml_scope_add(ctx, e) != 0)
		scope_oom = 1;
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

/* Reads one open file to its end; dies naming it on a read error or
 * when no line is in a known format. */
static void
read_log(int fd, const char *name, const struct config *cfg,
    struct ml_scope *scope, struct ml_counts *total)
{
	static struct ml_parser p;
	static char buf[1 << 16];
	ssize_t n;

	ml_parser_init(&p, &cfg->log_clock, to_scope, scope);
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

		read_log(fds[i], strcmp(path, "-") == 0 ? "(stdin)" : path, cfg,
		    &scope, &total);
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

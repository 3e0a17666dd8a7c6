/* --metrics-file: the registry's sink and the textfile's timer
 * (metrics_cmd.h).  A failed periodic write is said once, until one works
 * again; a failed first or last write ends the run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_cmd.h"
#include "io/sandbox.h"
#include "io/textfile.h"
#include "util/logline.h"
#include "report/finding.h"

static struct {
	struct metrics *m;
	struct textfile *tf;
	const char *path;
	struct loop *loop;
	int timer;
	int failing;		/* the last write failed (and was said) */
} mx = { NULL, NULL, NULL, NULL, -1, 0 };

/* 0, or -1 with errno set. */
static int
write_file(void)
{
	size_t len;
	char *text;
	int rc;

	if ((text = metrics_expose(mx.m, &len)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	rc = textfile_write(mx.tf, text, len);
	free(text);
	return rc;
}

static void
write_or_warn(void)
{
	if (mx.tf == NULL)
		return;
	if (write_file() == 0) {
		if (mx.failing)
			logline(LOG_NOTICE, "--metrics-file %s: written again",
			    mx.path);
		mx.failing = 0;
	} else if (!mx.failing) {
		logline(LOG_WARNING, "--metrics-file %s: %s (the run goes on)",
		    mx.path, strerror(errno));
		mx.failing = 1;
	}
}

static void
on_timer(void *ctx, int64_t now)
{
	(void)ctx;
	write_or_warn();
	loop_timer_at(mx.loop, mx.timer, now + METRICS_FILE_PERIOD_US);
}

/* The pipeline's end (final) or a SIGUSR1 snapshot. */
static void
at_end(void *ctx, int final)
{
	(void)ctx;
	if (!final) {
		if (mx.tf != NULL)	/* else only --metrics-listen */
			write_or_warn();
		return;
	}
	if (mx.loop != NULL)
		loop_timer_del(mx.loop, mx.timer);
	mx.loop = NULL;
	if (mx.tf != NULL && write_file() != 0)
		die(EXIT_INTERNAL, "--metrics-file %s: %s", mx.path,
		    strerror(errno));
	textfile_close(mx.tf);
	mx.tf = NULL;
	mx.m = NULL;		/* freed with the pipeline, soon */
}

/* The registry and its sink, after every other sink of the pipeline. */
static void
registry_new(struct pipeline *pl, struct sink *findings)
{
	struct sink *s;

	if ((mx.m = metrics_new(pipeline_stats(pl), findings != NULL)) == NULL ||
	    (s = sink_metrics_new(mx.m, at_end, NULL)) == NULL)
		die(EXIT_INTERNAL, "out of memory");
	if (pipeline_add_sink(pl, s) != 0)
		die(EXIT_INTERNAL, "too many outputs");
	if (findings != NULL)
		sink_findings_observe(findings, metrics_finding, mx.m);
}

void
metrics_setup(struct pipeline *pl, const struct config *cfg,
    struct sink *findings)
{
	char err[512];

	if (cfg->metrics_file == NULL && cfg->metrics_port == 0)
		return;
	if (cfg->metrics_file != NULL) {
		if ((mx.tf = textfile_open(cfg->metrics_file, err,
		    sizeof err)) == NULL)
			die(EXIT_INPUT, "--metrics-file %s", err);
		mx.path = cfg->metrics_file;
		sandbox_allow_dir(textfile_dirfd(mx.tf));
	}
	registry_new(pl, findings);
}

void
metrics_attach(struct loop *l)
{
	if (mx.tf == NULL)
		return;
	if (write_file() != 0)
		die(EXIT_INTERNAL, "--metrics-file %s: %s", mx.path,
		    strerror(errno));
	if ((mx.timer = loop_timer_add(l, on_timer, NULL)) < 0)
		die(EXIT_INTERNAL, "out of memory");
	mx.loop = l;
	loop_timer_at(l, mx.timer, loop_now() + METRICS_FILE_PERIOD_US);
}

struct metrics *
metrics_registry(void)
{
	return mx.m;
}

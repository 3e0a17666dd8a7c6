/* The sink that feeds the metrics registry (report/metrics.h): every
 * record counted; at the end (or a SIGUSR1 snapshot) the caller's hook,
 * which writes the textfile. */
#include <stdlib.h>

#include "report/metrics.h"

struct metrics_sink {
	struct sink base;
	struct metrics *m;
	void (*at_end)(void *ctx, int final);
	void *ctx;
};

static void
ms_record(struct sink *s, const struct record *r)
{
	metrics_record(((struct metrics_sink *)s)->m, r);
}

static void
ms_finish(struct sink *s, const struct stats *st, int final)
{
	struct metrics_sink *ms = (struct metrics_sink *)s;

	(void)st;
	if (ms->at_end != NULL)
		ms->at_end(ms->ctx, final);
}

static void
ms_free(struct sink *s)
{
	metrics_free(((struct metrics_sink *)s)->m);
	free(s);
}

static const struct sink_ops metrics_ops = {
	ms_record, ms_finish, ms_free, NULL
};

struct sink *
sink_metrics_new(struct metrics *m, void (*at_end)(void *ctx, int final),
    void *ctx)
{
	struct metrics_sink *ms = calloc(1, sizeof *ms);

	if (ms == NULL)
		return NULL;
	ms->base.ops = &metrics_ops;
	ms->m = m;
	ms->at_end = at_end;
	ms->ctx = ctx;
	return &ms->base;
}

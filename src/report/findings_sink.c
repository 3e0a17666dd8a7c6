/* --findings: a sink that keeps the windowed findings (findings/stream.h)
 * and writes each start, change and end as it happens. */
#include <stdlib.h>

#include "findings/stream.h"
#include "report/finding.h"

struct findings_sink {
	struct sink base;
	struct stream *st;
	int json;
	const char *sensor;
	FILE *report;			/* the counters at the end */
	void (*observe)(void *ctx, const struct finding *f);
	void *observe_ctx;
};

static void
on_finding(void *ctx, const struct finding *f)
{
	struct findings_sink *fs = ctx;

	if (fs->json)
		finding_write_json(fs->base.out, f, fs->sensor);
	else
		finding_write_text(fs->base.out, f, fs->sensor);
	if (fs->observe != NULL)
		fs->observe(fs->observe_ctx, f);
}

void
sink_findings_observe(struct sink *s,
    void (*fn)(void *ctx, const struct finding *f), void *ctx)
{
	struct findings_sink *fs = (struct findings_sink *)s;

	fs->observe = fn;
	fs->observe_ctx = ctx;
}

static void
fs_record(struct sink *s, const struct record *r)
{
	stream_add(((struct findings_sink *)s)->st, r);
}

void
sink_findings_log(struct sink *s, const struct ml_event *e)
{
	stream_add_log(((struct findings_sink *)s)->st, e);
}

static void
fs_tick(struct sink *s, int64_t now)
{
	stream_tick(((struct findings_sink *)s)->st, now);
}

/* What the findings held and dropped, so nothing is left out silently. */
static void
fs_finish(struct sink *s, const struct stats *st, int final)
{
	struct findings_sink *fs = (struct findings_sink *)s;
	struct stream_stats ss;

	(void)st;
	if (final) {
		stream_flush(fs->st);
		stream_stats(fs->st, &ss);
		fprintf(fs->report, "findings: %llu started, %llu changed, "
		    "%llu ended, %llu in force; destinations held %llu (peak "
		    "%llu), expired %llu, evicted %llu; attempts from sources "
		    "past the limit %llu; memory peak %.1f MiB",
		    (unsigned long long)ss.events[FS_STARTED],
		    (unsigned long long)ss.events[FS_CHANGED],
		    (unsigned long long)ss.events[FS_ENDED],
		    (unsigned long long)ss.active,
		    (unsigned long long)ss.dests,
		    (unsigned long long)ss.dests_peak,
		    (unsigned long long)ss.expired,
		    (unsigned long long)ss.evicted,
		    (unsigned long long)ss.other_sources,
		    ss.bytes_peak / 1048576.0);
		if (ss.log_early > 0)
			fprintf(fs->report, "; log lines counted before their "
			    "time %llu", (unsigned long long)ss.log_early);
		fputc('\n', fs->report);
	}
	fflush(s->out);
	fflush(fs->report);
}

static void
fs_free(struct sink *s)
{
	struct findings_sink *fs = (struct findings_sink *)s;

	stream_free(fs->st);
	free(fs);
}

static const struct sink_ops findings_ops = {
	.record = fs_record,
	.finish = fs_finish,
	.free = fs_free,
	.tick = fs_tick,
};

struct sink *
sink_findings_new(FILE *out, FILE *report, int json, const char *sensor,
    int64_t window_us)
{
	struct findings_sink *fs = calloc(1, sizeof *fs);
	struct stream_config c = { window_us, 0, 0x5eed };

	if (fs == NULL)
		return NULL;
	fs->base.ops = &findings_ops;
	fs->base.out = out;
	fs->json = json;
	fs->report = report;
	fs->sensor = sensor;
	if ((fs->st = stream_new(&c, on_finding, fs)) == NULL) {
		free(fs);
		return NULL;
	}
	return &fs->base;
}

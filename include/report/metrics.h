/*
 * Prometheus metrics: a registry of counts fed by records (and findings),
 * read out in the text exposition format (version 0.0.4) for the
 * node_exporter textfile (--metrics-file) and an HTTP endpoint.  Label
 * cardinality is bounded: the first METRICS_MAX_SOURCES source addresses
 * and METRICS_MAX_PORTS server ports seen have labels of their own, later
 * ones share "other"; no label names a server address.  Memory is fixed
 * at metrics_new().
 */
#ifndef SMTPSCOPE_REPORT_METRICS_H
#define SMTPSCOPE_REPORT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "core/sink.h"
#include "core/stats.h"
#include "findings/finding.h"

#define METRICS_MAX_SOURCES 64
#define METRICS_MAX_PORTS 16
#define METRICS_MAX_REASONS 48
#define METRICS_MAX_SERIES 4096		/* attempts and corrections series */

struct metrics;

/* st: the pipeline's counters, read at each exposition (NULL: none);
 * findings: the run keeps findings (--findings), so their gauges are
 * exposed.  NULL when out of memory. */
struct metrics *metrics_new(const struct stats *st, int findings);
void metrics_free(struct metrics *m);

/* Counts one record (a correction counts as a correction, not as a
 * second attempt). */
void metrics_record(struct metrics *m, const struct record *r);
/* One finding event of the stream (findings/stream.h): m as ctx. */
void metrics_finding(void *m, const struct finding *f);

/* The text exposition, malloc'd and NUL-terminated (*len without the
 * NUL); the caller frees it.  NULL when out of memory. */
char *metrics_expose(struct metrics *m, size_t *len);

/*
 * A sink that feeds m, and frees it with itself (after the pipeline's
 * last record: nothing exposes m then); at_end(ctx, final) is called when
 * the pipeline finishes (final) or snapshots (SIGUSR1), after the sinks
 * added before it: the textfile is written then.  at_end may be NULL.
 */
struct sink *sink_metrics_new(struct metrics *m,
    void (*at_end)(void *ctx, int final), void *ctx);

#endif

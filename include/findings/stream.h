/*
 * The findings of a sliding window, as they start, change and end: records
 * in (in roughly the order their verdicts came), struct finding out through
 * a callback.  Pure: no I/O, no clock of its own; time is the records'
 * (and stream_tick's, for a live capture on an idle link).
 *
 * State is kept per destination (server address and port) and, within it,
 * per source address, for as long as they are seen within the window.  It
 * grows with the traffic up to a memory budget; past it the destinations
 * seen least recently are evicted (their findings end as "evicted") and
 * counted.  Each destination is evaluated when a record changes what it
 * can support, and at least once a second of stream time while records
 * come; an idle one ends its findings and is dropped a window after its
 * last record.
 */
#ifndef SMTPSCOPE_FINDINGS_STREAM_H
#define SMTPSCOPE_FINDINGS_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "findings/finding.h"
#include "maillog/event.h"

#define STREAM_WINDOW_US (3600 * (int64_t)1000000)	/* default --window */
#define STREAM_MEM_MAX ((size_t)256 << 20)		/* bytes */
#define STREAM_MAX_SOURCES 1024		/* sources of one destination */
#define STREAM_MAX_SENSORS 1024		/* distinct sensors told apart */
#define STREAM_LOG_QUEUE 16384		/* log lines held until their time */

struct stream_config {
	int64_t window_us;
	size_t mem_max;
	uint32_t seed;
};

struct stream_stats {
	uint64_t dests;			/* destinations held now */
	uint64_t dests_peak;
	uint64_t expired;		/* dropped a window after their last record */
	uint64_t evicted;		/* dropped to stay within the budget */
	uint64_t other_sources;		/* attempts from sources past the limit */
	uint64_t active;		/* findings in force now */
	uint64_t events[3];		/* started, changed, ended */
	uint64_t log_early;		/* log lines applied before their time:
					 * past STREAM_LOG_QUEUE held */
	size_t bytes, bytes_peak;	/* memory held */
};

typedef void (*stream_emit_fn)(void *ctx, const struct finding *f);

struct stream;

/* NULL when out of memory. */
struct stream *stream_new(const struct stream_config *c, stream_emit_fn emit,
    void *ctx);
void stream_free(struct stream *st);
/* Counts one record; may emit findings. */
void stream_add(struct stream *st, const struct record *r);
/* A line of the MTA's log (findings/logfacts.h): when the stream's time
 * reaches the line's (held until then, as read takes the whole log before
 * the captures), its failure's counts and words go on the findings about
 * its server; a finding in force is changed when the log first names a
 * recipient domain of it.  Lines are not records: they start and end
 * nothing. */
void stream_add_log(struct stream *st, const struct ml_event *e);
/* Time passes with no record (microseconds since the epoch): idle
 * destinations end; may emit findings. */
void stream_tick(struct stream *st, int64_t now);
/* The end of the input: writes the changes held back (see "changed"
 * in smtpscope(8)). */
void stream_flush(struct stream *st);
void stream_stats(const struct stream *st, struct stream_stats *out);

#endif

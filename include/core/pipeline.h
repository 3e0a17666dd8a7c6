/*
 * The one path every packet takes: decode -> tracker -> sinks.  read, watch
 * and probe feed it frames and time; nothing else classifies.
 */
#ifndef SMTPSCOPE_PIPELINE_H
#define SMTPSCOPE_PIPELINE_H

#include <stdint.h>

#include "core/sink.h"
#include "core/stats.h"
#include "core/track.h"
#include "util/portset.h"

#define PIPELINE_MAX_SINKS 8

struct pipeline;

/* NULL when the attempt table cannot be allocated. */
struct pipeline *pipeline_new(const struct track_config *cfg,
    const struct portset *ports);
/* Frees the sinks too. */
void pipeline_free(struct pipeline *pl);
/* The pipeline takes s over; -1 (s still the caller's) when it has
 * PIPELINE_MAX_SINKS already. */
int pipeline_add_sink(struct pipeline *pl, struct sink *s);
/* Live capture: the routing table's answer for the first-hop attribution
 * (core/firsthop.h); NULL: none, as when reading files. */
void pipeline_set_route(struct pipeline *pl, firsthop_route_fn fn, void *ctx);
/* -c: no record is handed out after the first n (0: no limit). */
void pipeline_set_max_records(struct pipeline *pl, uint64_t n);
/* probe: only the records of its own SYNs (those with an origin), not the
 * host's own mail. */
void pipeline_set_origin_only(struct pipeline *pl, int on);

/* Returns 1 when the packet concerned a server port (evidence for -w). */
int pipeline_packet(struct pipeline *pl, int dlt, int64_t ts_us,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen);
/* probe: a SYN it has just sent, so the attempt exists even if the
 * capture does not show outgoing packets; the captured copy is then not
 * counted as a duplicate.  The attempt's record carries o. */
void pipeline_syn_sent(struct pipeline *pl, int64_t now, const struct tuple *t,
    uint32_t isn, uint8_t ttl, const struct origin *o);
/* probe: a SYN its host refused to send (core/verdict.h
 * verdict_not_sent()): the attempt's record has verdict v and syns 0;
 * a refused retransmission is not counted. */
void pipeline_syn_unsent(struct pipeline *pl, int64_t now,
    const struct tuple *t, uint32_t isn, const struct origin *o,
    struct verdict v);
/* smtpscope scope: a record read back (from another sensor's JSON), handed
 * to the sinks as it is: counted as an attempt, not tracked. */
void pipeline_feed(struct pipeline *pl, const struct record *r);
/* Lets timers fire with no packet (live capture on an idle link). */
void pipeline_tick(struct pipeline *pl, int64_t now_us);
/* When pipeline_tick() next has something to do (packet clock), or
 * INT64_MAX: live capture's timer. */
int64_t pipeline_next_deadline(const struct pipeline *pl);
/* End of input, in two steps so that the command layer can make the
 * reports' DNS lookups in between: pipeline_drain gives every open attempt
 * its final record, pipeline_report has the sinks write their reports.
 * pipeline_finish does both. */
void pipeline_drain(struct pipeline *pl);
void pipeline_report(struct pipeline *pl);
void pipeline_finish(struct pipeline *pl);
void pipeline_snapshot(struct pipeline *pl);
/* --stats-interval: fn(s, counters) is the pulse (the summary so far, on
 * one line), pipeline_pulse() calls it. */
typedef void (*pipeline_pulse_fn)(struct sink *s, const struct stats *st);
void pipeline_set_pulse(struct pipeline *pl, pipeline_pulse_fn fn,
    struct sink *s);
void pipeline_pulse(struct pipeline *pl);

/* Live capture: the kernel's counters (pcap_stats()) for the summary. */
void pipeline_set_kernel_stats(struct pipeline *pl, int64_t received,
    int64_t dropped, int64_t if_dropped);
/* Live capture: gaps are counted (0 until one; else -1, not applicable). */
void pipeline_set_live(struct pipeline *pl);
/* Live capture: the capture went blind at start (interface down or
 * gone); the attempts waiting then are not judged by the silence
 * (core/track.h tracker_blind()). */
void pipeline_gap_begin(struct pipeline *pl, int64_t start_us);
/* The gap is over (or the run ends in it): counted, handed to the sinks. */
void pipeline_gap_end(struct pipeline *pl, const struct capture_gap *g);
/* smtpscope scope: the counts of the JSON lines read, for the summary. */
void pipeline_set_input_stats(struct pipeline *pl, const struct input_stats *in);
const struct stats *pipeline_stats(const struct pipeline *pl);
/* True when a sink's output failed (a closed pipe, a full disk). */
int pipeline_output_failed(const struct pipeline *pl);
/* True once the -c limit of records was handed out. */
int pipeline_done(const struct pipeline *pl);

/*
 * A packet timestamp in microseconds, its seconds within 2^40 of the
 * epoch (TS_SEC_MAX).  An invalid microsecond field (tcpdump's "invalid
 * us", up to 2^32) is held below a second, so it cannot throw time half an
 * hour ahead and time out every open attempt.
 */
#define TS_SEC_MAX ((int64_t)1 << 40)

static inline int64_t
ts_us_near(int64_t sec, int64_t usec)
{
	if (usec < 0)
		usec = 0;
	if (usec > 999999)
		usec = 999999;
	return sec * 1000000 + usec;
}

/*
 * The same for any seconds.  Capture files can claim any (pcapng has
 * 64-bit timestamps with their own resolution); clamp them to about 35,000
 * years either way so no later arithmetic can overflow.
 */
static inline int64_t
ts_us(int64_t sec, int64_t usec)
{
	if (sec > TS_SEC_MAX)
		sec = TS_SEC_MAX;
	if (sec < -TS_SEC_MAX)
		sec = -TS_SEC_MAX;
	return ts_us_near(sec, usec);
}


#endif

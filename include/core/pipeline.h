/*
 * The one path every packet takes: decode -> tracker -> sinks.  read, watch
 * and probe feed it frames and time; nothing else classifies.
 */
#ifndef SMTPSCOPE_PIPELINE_H
#define SMTPSCOPE_PIPELINE_H

#include <stdint.h>

#include "report/sink.h"
#include "core/stats.h"
#include "core/track.h"
#include "util/portset.h"

#define PIPELINE_MAX_SINKS 6

struct pipeline {
	struct stats st;
	struct tracker *tr;
	struct portset ports;		/* server ports */
	struct sink *sinks[PIPELINE_MAX_SINKS];
	int nsinks;
	int64_t last_ts;		/* latest packet or clock time */
	uint64_t max_records;		/* stop after this many (-c); 0: no limit */
	uint64_t records;		/* handed to the sinks so far */
	/* probe: only the records of its own SYNs (those with an origin),
	 * not the host's own mail */
	int origin_only;
};

/* Returns 0, or -1 when the tracker cannot be allocated. */
int pipeline_init(struct pipeline *pl, const struct track_config *cfg,
    const struct portset *ports);
void pipeline_add_sink(struct pipeline *pl, struct sink *s);
/* Returns 1 when the packet concerned a server port (evidence for -w). */
int pipeline_packet(struct pipeline *pl, int dlt, int64_t ts_us,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen);
/* probe: a SYN it has just sent, so the attempt exists even if the
 * capture does not show outgoing packets; the captured copy is then not
 * counted as a duplicate.  The attempt's record carries o. */
void pipeline_syn_sent(struct pipeline *pl, int64_t now, const struct tuple *t,
    uint32_t isn, uint8_t ttl, const struct origin *o);
/* Lets timers fire with no packet (live capture on an idle link). */
void pipeline_tick(struct pipeline *pl, int64_t now_us);
/* End of input: open attempts get their final records, sinks their summary. */
void pipeline_finish(struct pipeline *pl);
void pipeline_snapshot(struct pipeline *pl);
void pipeline_free(struct pipeline *pl);

/* True when a sink's output failed (a closed pipe, a full disk). */
int pipeline_output_failed(const struct pipeline *pl);

/* True once max_records records were handed out. */
static inline int
pipeline_done(const struct pipeline *pl)
{
	return pl->max_records != 0 && pl->records >= pl->max_records;
}

/*
 * A packet timestamp in microseconds.  Capture files can claim any seconds
 * (pcapng has 64-bit timestamps with their own resolution); clamp them to
 * about 35,000 years either way so no later arithmetic can overflow.  An
 * invalid microsecond field (tcpdump's "invalid us", up to 2^32) is held
 * below a second, so it cannot throw time half an hour ahead and time out
 * every open attempt.
 */
static inline int64_t
ts_us(int64_t sec, int64_t usec)
{
	const int64_t lim = (int64_t)1 << 40;

	if (sec > lim)
		sec = lim;
	if (sec < -lim)
		sec = -lim;
	if (usec < 0)
		usec = 0;
	if (usec > 999999)
		usec = 999999;
	return sec * 1000000 + usec;
}


#endif

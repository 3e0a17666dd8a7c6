/*
 * Attempt tracker: one table keyed by the tuple, with bounded capacity and
 * expiry in time order.  It turns events into records and hands each record to
 * the emit callback exactly once.  Time is whatever the caller passes: packet
 * timestamps offline, the clock live.
 */
#ifndef SMTPSCOPE_TRACK_H
#define SMTPSCOPE_TRACK_H

#include <stdint.h>

#include "core/decode.h"
#include "core/firsthop.h"
#include "core/record.h"
#include "core/stats.h"

struct track_config {
	uint32_t max_attempts;		/* table capacity */
	int64_t timeout_us;		/* no answer this long after the last SYN: dropped */
	int64_t greet_wait_us;		/* wait this long after a SYN-ACK for the greeting */
	int64_t linger_us;		/* keep a finished attempt to absorb duplicates */
	/* Later packets may overturn a verdict written (a SYN-ACK after a
	 * RST or after the timeout, for the same ISN, that the client took;
	 * a client retrying after a RST): 0, the first answer stands (probe,
	 * verify); 1, a correction record follows (read, watch). */
	int corrections;
};

typedef void (*record_fn)(void *ctx, const struct record *r);

struct tracker;

struct tracker *tracker_new(const struct track_config *cfg, struct stats *st,
    record_fn emit, void *ctx);
void tracker_free(struct tracker *t);
/* Live capture: the routing table's answer to "is this server reached
 * through a gateway?" (core/firsthop.h); NULL: none. */
void tracker_set_route(struct tracker *t, firsthop_route_fn fn, void *ctx);

/* Feeds one decoded packet already known to concern a server port. */
void tracker_syn(struct tracker *t, int64_t now, const struct packet *p);
/* probe: a SYN it sent itself; the copy the capture shows next is not
 * counted as a duplicate.  The attempt's record carries o, which must
 * outlive the records. */
void tracker_syn_sent(struct tracker *t, int64_t now, const struct packet *p,
    const struct origin *o);
/* probe: a SYN its host refused to send (verdict_not_sent()): the first
 * of an attempt gets a record with verdict v and syns 0 at once; a
 * retransmission is not counted. */
void tracker_syn_unsent(struct tracker *t, int64_t now, const struct packet *p,
    const struct origin *o, struct verdict v);
void tracker_server_tcp(struct tracker *t, int64_t now, const struct packet *p);
void tracker_client_tcp(struct tracker *t, int64_t now, const struct packet *p);
void tracker_icmp(struct tracker *t, int64_t now, const struct packet *p);

/* Moves time forward to now (never back) and ends every attempt whose
 * deadline has passed (the clock of watch). */
void tracker_expire(struct tracker *t, int64_t now);
/* The same for a packet's timestamp, except that a jump of more than
 * TRACK_JUMP_US ahead is believed only when the next packet is that far
 * ahead too: one frame stamped decades late moves no deadline. */
void tracker_packet_time(struct tracker *t, int64_t now);
#define TRACK_JUMP_US (600 * 1000000LL)
/* A client ACK decides an attempt whose SYN-ACK was not seen only when no
 * SYN-ACK follows it within this long (capture reordering). */
#define TRACK_REORDER_US 100000
/* Live capture: from now on the capture sees nothing (blind: its
 * interface went down or away) or sees again (blind 0).  An attempt
 * waiting for its answer during a gap ends unresolved "capture-gap", not
 * dropped, unless it sends its SYN again after the gap. */
void tracker_blind(struct tracker *t, int64_t now, int blind);
/* Earliest pending deadline, or INT64_MAX when none (for the live poll loop). */
int64_t tracker_next_deadline(const struct tracker *t);
/* End of input: every open attempt gets its final record (unresolved if unanswered). */
void tracker_finish(struct tracker *t, int64_t now);

#endif

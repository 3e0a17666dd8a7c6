/*
 * MTA log lines joined to the packets' verdicts.  A log line that is a
 * connection attempt (maillog/event.h) is joined to the record of the
 * same server address and port (any port when the line logs none; the
 * client address too when the line logs the sending address) whose first
 * SYN is the latest one at most ML_JOIN_BEFORE before the line and at
 * most ML_JOIN_AFTER after it (the latest whose verdict agrees with the
 * line, when one does: two attempts in the second a log stamps): the MTA logs a failure when connect(2)
 * gives up, which is right after a RST or an ICMP error, or up to its
 * connect timeout after the SYN (Postfix's smtp_connect_timeout is 30 s,
 * Exim's connect_timeout 5 min).  Each record is joined at most once.
 * What is left is counted both ways, with the likelier reason.  The
 * clock skew (log minus capture) is the median, over the pairs whose
 * verdict came at once (refused, prohibited, unreachable, accepted), of
 * the line's time minus the verdict's.  An attempt still open when the
 * capture ended (no answer to its end) is joined too: a line that says
 * timed out agrees with it as with a drop.
 *
 * Live (watch), ml_join_settle() decides as the capture's clock moves: a
 * line once every SYN of its window is seen (ML_JOIN_BEFORE after it) and
 * its partner is there, or alone once the wait for a late verdict is over
 * too; a record alone once no line can take it any more.  Decided lines
 * and records are dropped, so what is held is the last few minutes.  At
 * the end (and in read, which settles once) everything is decided.
 */
#ifndef SMTPSCOPE_MAILLOG_JOIN_H
#define SMTPSCOPE_MAILLOG_JOIN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/record.h"
#include "maillog/event.h"
#include "util/portset.h"

#define ML_JOIN_BEFORE 2000000LL	/* us: a line before the SYN */
#define ML_JOIN_AFTER 330000000LL	/* us: a line after the SYN */
#define ML_JOIN_MAX 200000		/* records and lines kept, each */
#define ML_JOIN_WAIT 80000000LL	/* us: default wait for a late verdict */

/* Why a line has no packets, or packets no line. */
enum ml_miss {
	ML_MISS_NONE,
	ML_MISS_PORT,		/* line: its port is not one the capture watches */
	ML_MISS_OUTSIDE,	/* outside the other side's time span */
	ML_MISS_CAPTURE,	/* line: the capture missed it, or its filter or
				 * interface excludes the path */
	ML_MISS_NOT_LOGGED,	/* record: not this MTA's, or a line it does not
				 * write (a retried MX it logs only in the status) */
};

struct ml_join_counts {
	uint64_t lines, records;	/* attempt lines and records taken */
	uint64_t joined, agree;		/* pairs; pairs whose outcomes agree */
	uint64_t lines_alone[ML_MISS_NOT_LOGGED + 1];
	uint64_t records_alone[ML_MISS_NOT_LOGGED + 1];
	uint64_t dropped;		/* past ML_JOIN_MAX */
	int64_t skew_us;		/* log minus capture */
	uint64_t skew_pairs;		/* 0: no skew measured */
};

struct ml_join;

/* A pair (r NULL: a line alone), or a record alone (e NULL). */
typedef void (*ml_join_fn)(void *ctx, const struct ml_event *e,
    const struct record *r, enum ml_miss why);

/* ports: the ports the capture watches (copied); NULL: every port. */
struct ml_join *ml_join_new(const struct portset *ports);
void ml_join_free(struct ml_join *j);
/* 0, or -1 when out of memory. */
int ml_join_record(struct ml_join *j, const struct record *r);
int ml_join_event(struct ml_join *j, const struct ml_event *e);
/* How long after a line's window a verdict may still come (the tracker's
 * longest: SYN back-off, timeout, greeting wait); ML_JOIN_WAIT unless set. */
void ml_join_set_wait(struct ml_join *j, int64_t wait_us);
/* Decides what the capture's clock now allows (INT64_MAX: everything;
 * INT64_MIN, no clock yet: nothing),
 * calls fn for each pair and each one left alone (lines in time order,
 * then records) and forgets them. */
void ml_join_settle(struct ml_join *j, int64_t now, ml_join_fn fn, void *ctx);
/* The counts so far, with the clock skew over the pairs so far. */
void ml_join_counts(struct ml_join *j, struct ml_join_counts *n);
/* ml_join_settle(INT64_MAX), then ml_join_counts. */
void ml_join_run(struct ml_join *j, ml_join_fn fn, void *ctx,
    struct ml_join_counts *n);
/* Does the line's outcome say what the verdict says? */
bool ml_join_agrees(enum ml_outcome o, const struct record *r);

#endif

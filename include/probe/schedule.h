/*
 * probe's send schedule, as plain arithmetic: which probe's SYN is due
 * when.  First SYNs go out in probe order; a probe without its record gets
 * its retries at even intervals within the timeout (timeout / (retries + 1)
 * apart); all SYNs together keep to the rate; a probe marked done gets no
 * more.  No sockets, no clock of its own: times are the caller's (the
 * loop's monotonic microseconds), so it is tested with made-up ones.
 */
#ifndef SMTPSCOPE_SCHEDULE_H
#define SMTPSCOPE_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_NEVER INT64_MAX

/* After the last SYN's timeout, this long more before a probe whose record
 * never came is given up (the tracker decides every timeout itself; this
 * only guards against a record that was lost, e.g. evicted). */
#define SCHED_GRACE_US 1000000

struct sched_config {
	double rate;			/* SYNs a second, all probes together */
	int retries;			/* SYNs per probe after the first */
	int64_t timeout_us;		/* the tracker's: no answer this long */
};

struct schedule;

/* n probes, numbered 0 .. n-1; NULL when out of memory. */
struct schedule *sched_new(const struct sched_config *c, size_t n);
void sched_free(struct schedule *s);

/* The probe whose SYN is due at now, counted as sent; -1 when none is
 * (the rate limit, or every probe is waiting for its retry or done). */
long sched_take(struct schedule *s, int64_t now);
/* Probe i has its record: it gets no SYN more. */
void sched_done(struct schedule *s, size_t i);
/* Every probe is done; or none has a SYN left and the last SYN's timeout
 * and the grace are over. */
bool sched_over(struct schedule *s, int64_t now);
/* When to look again: the next SYN due, else when sched_over() turns
 * true; SCHED_NEVER once every probe is done. */
int64_t sched_next(struct schedule *s);
/* SYNs sent for probe i so far. */
int sched_sent(const struct schedule *s, size_t i);

#endif

/*
 * First SYNs are handed out in probe order from a cursor; a probe that
 * has a retry left waits in a FIFO.  Every retry is due a fixed interval
 * after the SYN before it, and SYNs are handed out in time order, so the
 * FIFO is sorted by due time: its head is the earliest retry, and every
 * operation is O(1) (amortised: probes marked done are dropped from the
 * head when they reach it).
 */
#include <stdlib.h>

#include "probe/schedule.h"

struct sched_probe {
	int64_t due;			/* its next retry, while in the FIFO */
	int sent;
	bool done;
};

struct schedule {
	struct sched_config cfg;
	int64_t gap;			/* between two SYNs: 1 / rate */
	int64_t interval;		/* between a probe's SYNs */
	struct sched_probe *p;
	size_t n, ndone;
	size_t cursor;			/* the next probe for a first SYN */
	size_t *fifo;			/* probes waiting for a retry, ring of n */
	size_t head, len;
	int64_t next_send;		/* the rate allows no SYN before this */
	int64_t last_send;
	bool sent_any;
};

struct schedule *
sched_new(const struct sched_config *c, size_t n)
{
	struct schedule *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->p = calloc(n + 1, sizeof *s->p);
	s->fifo = calloc(n + 1, sizeof *s->fifo);
	if (s->p == NULL || s->fifo == NULL) {
		sched_free(s);
		return NULL;
	}
	s->cfg = *c;
	s->n = n;
	s->gap = (int64_t)(1e6 / c->rate);
	s->interval = c->timeout_us / (c->retries + 1);
	s->next_send = INT64_MIN;
	return s;
}

void
sched_free(struct schedule *s)
{
	if (s == NULL)
		return;
	free(s->p);
	free(s->fifo);
	free(s);
}

/* Drops done probes from the FIFO's head and from the cursor. */
static void
skip_done(struct schedule *s)
{
	while (s->len > 0 && s->p[s->fifo[s->head]].done) {
		s->head = (s->head + 1) % s->n;
		s->len--;
	}
	while (s->cursor < s->n && s->p[s->cursor].done)
		s->cursor++;
}

static size_t
fifo_pop(struct schedule *s)
{
	size_t i = s->fifo[s->head];

	s->head = (s->head + 1) % s->n;
	s->len--;
	return i;
}

long
sched_take(struct schedule *s, int64_t now)
{
	struct sched_probe *pr;
	size_t i;

	if (now < s->next_send)
		return -1;
	skip_done(s);
	if (s->len > 0 && s->p[s->fifo[s->head]].due <= now)
		i = fifo_pop(s);
	else if (s->cursor < s->n)
		i = s->cursor++;
	else
		return -1;
	pr = &s->p[i];
	if (++pr->sent <= s->cfg.retries) {
		pr->due = now + s->interval;
		s->fifo[(s->head + s->len++) % s->n] = i;
	}
	s->next_send = now + s->gap;
	s->last_send = now;
	s->sent_any = true;
	return (long)i;
}

void
sched_done(struct schedule *s, size_t i)
{
	if (i < s->n && !s->p[i].done) {
		s->p[i].done = true;
		s->ndone++;
	}
}

/* When the next SYN is due (the rate included), or SCHED_NEVER when no
 * probe has one left. */
static int64_t
next_syn(struct schedule *s)
{
	int64_t d = SCHED_NEVER;

	skip_done(s);
	if (s->len > 0)
		d = s->p[s->fifo[s->head]].due;
	if (s->cursor < s->n && s->next_send < d)
		d = s->next_send;
	if (d != SCHED_NEVER && d < s->next_send)
		d = s->next_send;
	return d;
}

static int64_t
give_up_at(const struct schedule *s)
{
	return s->last_send + s->cfg.timeout_us + SCHED_GRACE_US;
}

bool
sched_over(struct schedule *s, int64_t now)
{
	if (s->ndone == s->n)
		return true;
	return next_syn(s) == SCHED_NEVER && s->sent_any && now > give_up_at(s);
}

int64_t
sched_next(struct schedule *s)
{
	int64_t d;

	if (s->ndone == s->n)
		return SCHED_NEVER;
	if ((d = next_syn(s)) != SCHED_NEVER)
		return d;
	/* sched_over() wants now past the give-up time */
	return s->sent_any ? give_up_at(s) + 1 : SCHED_NEVER;
}

int
sched_sent(const struct schedule *s, size_t i)
{
	return i < s->n ? s->p[i].sent : 0;
}

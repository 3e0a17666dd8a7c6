/* MTA log lines joined to packet records (maillog/join.h). */
#include <stdlib.h>
#include <string.h>

#include "maillog/join.h"
#include "util/array.h"

struct held_rec {
	struct record r;
	bool used;			/* joined, or written alone: to drop */
};

struct held_ev {
	struct ml_event e;
	uint64_t seq;			/* lines of one second keep their order */
	bool done;
};

struct ml_join {
	struct held_rec *rec;
	struct held_ev *ev;
	uint32_t nrec, caprec, nev, capev;
	bool rec_sorted, ev_sorted;
	struct portset ports;
	bool all_ports;
	int64_t wait_us;
	/* Spans of all records' first SYNs and all lines, ever taken. */
	int64_t rlo, rhi, elo, ehi;
	struct ml_join_counts n;	/* so far; skew_us filled on demand */
	int64_t *skew;
	uint32_t nskew, capskew;
	uint64_t seq;
};

struct ml_join *
ml_join_new(const struct portset *ports)
{
	struct ml_join *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	if (ports != NULL)
		j->ports = *ports;
	j->all_ports = ports == NULL;
	j->rlo = j->elo = INT64_MAX, j->rhi = j->ehi = INT64_MIN;
	j->wait_us = ML_JOIN_WAIT;
	return j;
}

void
ml_join_set_wait(struct ml_join *j, int64_t wait_us)
{
	j->wait_us = wait_us;
}

void
ml_join_free(struct ml_join *j)
{
	if (j == NULL)
		return;
	free(j->rec);
	free(j->ev);
	free(j->skew);
	free(j);
}

int
ml_join_record(struct ml_join *j, const struct record *r)
{
	struct held_rec *h;

	if (r->origin != NULL)
		return 0;	/* a probe is not the MTA */
	if (j->nrec == ML_JOIN_MAX) {
		j->n.dropped++;
		return 0;
	}
	if (array_reserve((void **)&j->rec, &j->caprec, j->nrec, UINT32_MAX,
	    sizeof *j->rec) != 0)
		return -1;
	h = &j->rec[j->nrec++];
	h->r = *r;
	h->r.origin = NULL;
	h->r.sensor = NULL;
	h->used = false;
	j->rec_sorted = false;
	j->n.records++;
	if (r->first_syn_us < j->rlo)
		j->rlo = r->first_syn_us;
	if (r->first_syn_us > j->rhi)
		j->rhi = r->first_syn_us;
	return 0;
}

int
ml_join_event(struct ml_join *j, const struct ml_event *e)
{
	if (!e->attempt)
		return 0;	/* a recipient line repeating an attempt */
	if (j->nev == ML_JOIN_MAX) {
		j->n.dropped++;
		return 0;
	}
	if (array_reserve((void **)&j->ev, &j->capev, j->nev, UINT32_MAX,
	    sizeof *j->ev) != 0)
		return -1;
	j->ev[j->nev].e = *e;
	j->ev[j->nev].seq = j->seq++;
	j->ev[j->nev++].done = false;
	j->ev_sorted = false;
	j->n.lines++;
	if (e->ts_us < j->elo)
		j->elo = e->ts_us;
	if (e->ts_us > j->ehi)
		j->ehi = e->ts_us;
	return 0;
}

static int
addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, sizeof a->b);
}

/* Records by server address, then first SYN. */
static int
rec_order(const void *a, const void *b)
{
	const struct record *x = &((const struct held_rec *)a)->r;
	const struct record *y = &((const struct held_rec *)b)->r;
	int c = addr_cmp(&x->t.server, &y->t.server);

	if (c != 0)
		return c;
	return x->first_syn_us < y->first_syn_us ? -1 :
	    x->first_syn_us > y->first_syn_us;
}

static int
ev_order(const void *a, const void *b)
{
	const struct held_ev *x = a, *y = b;

	if (x->e.ts_us != y->e.ts_us)
		return x->e.ts_us < y->e.ts_us ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The first record of server with a first SYN at or after t. */
static uint32_t
lower_bound(const struct ml_join *j, const struct addr *server, int64_t t)
{
	uint32_t lo = 0, hi = j->nrec, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = addr_cmp(&j->rec[mid].r.t.server, server);
		if (c < 0 || (c == 0 && j->rec[mid].r.first_syn_us < t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The unused record for e: the latest first SYN within the window whose
 * verdict agrees with the line, else the latest.  (A log that stamps
 * whole seconds can put two attempts on one server in one second: the
 * delivery and the refusal each get their own.) */
static struct held_rec *
partner(struct ml_join *j, const struct ml_event *e)
{
	uint32_t i = lower_bound(j, &e->server, e->ts_us - ML_JOIN_AFTER);
	struct held_rec *best = NULL, *agree = NULL;
	uint32_t k;

	for (k = i; k < j->nrec && addr_eq(&j->rec[k].r.t.server, &e->server) &&
	    j->rec[k].r.first_syn_us <= e->ts_us + ML_JOIN_BEFORE; k++) {
		const struct record *r = &j->rec[k].r;

		if (j->rec[k].used || (e->port != 0 && r->t.server_port != e->port) ||
		    (e->source.family != 0 && !addr_eq(&e->source, &r->t.client)))
			continue;
		best = &j->rec[k];
		if (ml_join_agrees(e->outcome, r))
			agree = best;
	}
	return agree != NULL ? agree : best;
}

bool
ml_join_agrees(enum ml_outcome o, const struct record *r)
{
	switch (o) {
	case ML_DELIVERED: case ML_GREET4XX: case ML_GREET5XX:
	case ML_LOSTGREET: case ML_TLS: case ML_REJECTED:
		return r->v.cls == VC_ACCEPTED;
	case ML_REFUSED:
		return r->v.cls == VC_REFUSED;
	case ML_TIMEDOUT:	/* no answer, to the end of the capture too */
		return r->v.cls == VC_DROPPED || r->v.cls == VC_UNRESOLVED;
	case ML_NOROUTE: case ML_NETUNREACH:
		return r->v.cls == VC_UNREACHABLE || r->v.cls == VC_PROHIBITED;
	default:
		return r->v.cls != VC_ACCEPTED;
	}
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Why a line found no record. */
static enum ml_miss
line_miss(const struct ml_join *j, const struct ml_event *e)
{
	if (e->port != 0 && !j->all_ports && !portset_has(&j->ports, e->port))
		return ML_MISS_PORT;
	if (j->n.records == 0 || e->ts_us < j->rlo - ML_JOIN_BEFORE ||
	    e->ts_us > j->rhi + ML_JOIN_AFTER)
		return ML_MISS_OUTSIDE;
	return ML_MISS_CAPTURE;
}

static void
pair(struct ml_join *j, struct held_ev *h, struct held_rec *p, ml_join_fn fn,
    void *ctx)
{
	const struct record *r = &p->r;

	p->used = h->done = true;
	j->n.joined++;
	j->n.agree += ml_join_agrees(h->e.outcome, r);
	if (r->v.cls != VC_DROPPED && r->v.cls != VC_UNRESOLVED &&
	    j->nskew < ML_JOIN_MAX && array_reserve((void **)&j->skew,
	    &j->capskew, j->nskew, UINT32_MAX, sizeof *j->skew) == 0)
		j->skew[j->nskew++] = h->e.ts_us - r->verdict_us;
	fn(ctx, &h->e, r, ML_MISS_NONE);
}

/* Lines in time order: joined once every SYN of their window is seen,
 * alone once the wait for a late verdict is over too. */
static void
settle_lines(struct ml_join *j, int64_t now, ml_join_fn fn, void *ctx)
{
	uint32_t i, k;

	for (i = 0; i < j->nev; i++) {
		struct held_ev *h = &j->ev[i];
		struct held_rec *p;

		if (now != INT64_MAX && now - ML_JOIN_BEFORE < h->e.ts_us)
			break;	/* sorted: so are the rest */
		if ((p = partner(j, &h->e)) != NULL) {
			pair(j, h, p, fn, ctx);
		} else if (now == INT64_MAX ||
		    now - ML_JOIN_BEFORE - j->wait_us >= h->e.ts_us) {
			enum ml_miss why = line_miss(j, &h->e);

			h->done = true;
			j->n.lines_alone[why]++;
			fn(ctx, &h->e, NULL, why);
		}
	}
	for (i = k = 0; i < j->nev; i++)
		if (!j->ev[i].done)
			j->ev[k++] = j->ev[i];
	j->nev = k;
}

/* Records no line can take any more: alone. */
static void
settle_records(struct ml_join *j, int64_t now, ml_join_fn fn, void *ctx)
{
	uint32_t i, k;

	for (i = 0; i < j->nrec; i++) {
		struct held_rec *h = &j->rec[i];
		enum ml_miss why;

		if (h->used || (now != INT64_MAX && now - ML_JOIN_AFTER -
		    ML_JOIN_BEFORE - j->wait_us < h->r.first_syn_us))
			continue;
		why = j->n.lines == 0 || h->r.first_syn_us > j->ehi + ML_JOIN_BEFORE ||
		    h->r.first_syn_us < j->elo - ML_JOIN_AFTER ?
		    ML_MISS_OUTSIDE : ML_MISS_NOT_LOGGED;
		h->used = true;
		j->n.records_alone[why]++;
		fn(ctx, NULL, &h->r, why);
	}
	for (i = k = 0; i < j->nrec; i++)
		if (!j->rec[i].used)
			j->rec[k++] = j->rec[i];
	j->nrec = k;
}

void
ml_join_settle(struct ml_join *j, int64_t now, ml_join_fn fn, void *ctx)
{
	/* Packet times are held within 2^40 s (core/pipeline.h ts_us), so
	 * the windows below cannot overflow; before any, nothing is due. */
	if (now < -((int64_t)1 << 61))
		return;
	if (!j->rec_sorted)
		qsort(j->rec, j->nrec, sizeof *j->rec, rec_order);
	if (!j->ev_sorted)
		qsort(j->ev, j->nev, sizeof *j->ev, ev_order);
	j->rec_sorted = j->ev_sorted = true;
	settle_lines(j, now, fn, ctx);
	settle_records(j, now, fn, ctx);
}

void
ml_join_counts(struct ml_join *j, struct ml_join_counts *n)
{
	*n = j->n;
	n->skew_pairs = j->nskew;
	n->skew_us = 0;
	if (j->nskew > 0) {
		qsort(j->skew, j->nskew, sizeof *j->skew, cmp_i64);
		n->skew_us = j->skew[j->nskew / 2];
	}
}

void
ml_join_run(struct ml_join *j, ml_join_fn fn, void *ctx,
    struct ml_join_counts *n)
{
	ml_join_settle(j, INT64_MAX, fn, ctx);
	ml_join_counts(j, n);
}

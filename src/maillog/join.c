/* MTA log lines joined to packet records (maillog/join.h). */
#include <stdlib.h>
#include <string.h>

#include "maillog/join.h"

struct ml_join {
	struct record *rec;
	struct ml_event *ev;
	bool *rec_used;
	uint32_t nrec, caprec, nev, capev;
	struct portset ports;
	bool all_ports;
	uint64_t dropped;
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
	return j;
}

void
ml_join_free(struct ml_join *j)
{
	if (j == NULL)
		return;
	free(j->rec);
	free(j->ev);
	free(j->rec_used);
	free(j);
}

/* Room for one more of n in *v (cap *cap, items of size sz). */
static int
grow(void **v, uint32_t n, uint32_t *cap, size_t sz)
{
	void *p;
	uint32_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 256;
	if ((p = realloc(*v, c * sz)) == NULL)
		return -1;
	*v = p, *cap = c;
	return 0;
}

int
ml_join_record(struct ml_join *j, const struct record *r)
{
	if (r->origin != NULL)
		return 0;	/* a probe is not the MTA */
	if (j->nrec == ML_JOIN_MAX) {
		j->dropped++;
		return 0;
	}
	if (grow((void **)&j->rec, j->nrec, &j->caprec, sizeof *j->rec) != 0)
		return -1;
	j->rec[j->nrec] = *r;
	j->rec[j->nrec].origin = NULL;
	j->rec[j->nrec].sensor = NULL;
	j->nrec++;
	return 0;
}

int
ml_join_event(struct ml_join *j, const struct ml_event *e)
{
	if (!e->attempt)
		return 0;	/* a recipient line repeating an attempt */
	if (j->nev == ML_JOIN_MAX) {
		j->dropped++;
		return 0;
	}
	if (grow((void **)&j->ev, j->nev, &j->capev, sizeof *j->ev) != 0)
		return -1;
	j->ev[j->nev++] = *e;
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
	const struct record *x = a, *y = b;
	int c = addr_cmp(&x->t.server, &y->t.server);

	if (c != 0)
		return c;
	return x->first_syn_us < y->first_syn_us ? -1 :
	    x->first_syn_us > y->first_syn_us;
}

static int
ev_order(const void *a, const void *b)
{
	const struct ml_event *x = a, *y = b;

	return x->ts_us < y->ts_us ? -1 : x->ts_us > y->ts_us;
}

/* The first record of server with a first SYN at or after t. */
static uint32_t
lower_bound(const struct ml_join *j, const struct addr *server, int64_t t)
{
	uint32_t lo = 0, hi = j->nrec, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = addr_cmp(&j->rec[mid].t.server, server);
		if (c < 0 || (c == 0 && j->rec[mid].first_syn_us < t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The unused record for e: the latest first SYN within the window. */
static const struct record *
partner(struct ml_join *j, const struct ml_event *e)
{
	uint32_t i = lower_bound(j, &e->server, e->ts_us - ML_JOIN_AFTER);
	int64_t best = -1;
	uint32_t k;

	for (k = i; k < j->nrec && addr_eq(&j->rec[k].t.server, &e->server) &&
	    j->rec[k].first_syn_us <= e->ts_us + ML_JOIN_BEFORE; k++) {
		const struct record *r = &j->rec[k];

		if (j->rec_used[k] || (e->port != 0 && r->t.server_port != e->port) ||
		    (e->source.family != 0 && !addr_eq(&e->source, &r->t.client)))
			continue;
		best = k;
	}
	if (best < 0)
		return NULL;
	j->rec_used[best] = true;
	return &j->rec[best];
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
line_miss(const struct ml_join *j, const struct ml_event *e, int64_t lo,
    int64_t hi)
{
	if (e->port != 0 && !j->all_ports && !portset_has(&j->ports, e->port))
		return ML_MISS_PORT;
	if (j->nrec == 0 || e->ts_us < lo - ML_JOIN_BEFORE ||
	    e->ts_us > hi + ML_JOIN_AFTER)
		return ML_MISS_OUTSIDE;
	return ML_MISS_CAPTURE;
}

/* The first and last first SYN of the records. */
static void
span(const struct ml_join *j, int64_t *lo, int64_t *hi)
{
	uint32_t k;

	*lo = INT64_MAX, *hi = INT64_MIN;
	for (k = 0; k < j->nrec; k++) {
		if (j->rec[k].first_syn_us < *lo)
			*lo = j->rec[k].first_syn_us;
		if (j->rec[k].first_syn_us > *hi)
			*hi = j->rec[k].first_syn_us;
	}
}

void
ml_join_run(struct ml_join *j, ml_join_fn fn, void *ctx,
    struct ml_join_counts *n)
{
	int64_t *skew = NULL, lo, hi, elo = INT64_MAX, ehi = INT64_MIN;
	const struct record *r;
	uint32_t i;

	memset(n, 0, sizeof *n);
	n->lines = j->nev, n->records = j->nrec, n->dropped = j->dropped;
	qsort(j->rec, j->nrec, sizeof *j->rec, rec_order);
	qsort(j->ev, j->nev, sizeof *j->ev, ev_order);
	free(j->rec_used);
	j->rec_used = calloc(j->nrec + 1, sizeof *j->rec_used);
	skew = malloc((j->nev + 1) * sizeof *skew);
	if (j->rec_used == NULL || skew == NULL) {
		free(skew);
		return;		/* out of memory: nothing joined, all counted */
	}
	span(j, &lo, &hi);
	for (i = 0; i < j->nev; i++) {
		const struct ml_event *e = &j->ev[i];

		elo = e->ts_us < elo ? e->ts_us : elo;
		ehi = e->ts_us > ehi ? e->ts_us : ehi;
		if ((r = partner(j, e)) == NULL) {
			enum ml_miss why = line_miss(j, e, lo, hi);

			n->lines_alone[why]++;
			fn(ctx, e, NULL, why);
			continue;
		}
		n->joined++;
		n->agree += ml_join_agrees(e->outcome, r);
		if (r->v.cls != VC_DROPPED && r->v.cls != VC_UNRESOLVED)
			skew[n->skew_pairs++] = e->ts_us - r->verdict_us;
		fn(ctx, e, r, ML_MISS_NONE);
	}
	for (i = 0; i < j->nrec; i++) {
		enum ml_miss why;

		if (j->rec_used[i])
			continue;
		why = j->nev == 0 || j->rec[i].first_syn_us > ehi + ML_JOIN_BEFORE ||
		    j->rec[i].first_syn_us < elo - ML_JOIN_AFTER ?
		    ML_MISS_OUTSIDE : ML_MISS_NOT_LOGGED;
		n->records_alone[why]++;
		fn(ctx, NULL, &j->rec[i], why);
	}
	if (n->skew_pairs > 0) {
		qsort(skew, n->skew_pairs, sizeof *skew, cmp_i64);
		n->skew_us = skew[n->skew_pairs / 2];
	}
	free(skew);
}

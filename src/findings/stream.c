/*
 * The windowed findings of findings/stream.h: destinations in a chained
 * hash table that doubles as it fills, and on a list by their latest
 * record, so the idle ones and, past the memory budget, the least
 * recently seen ones are dropped from its head.  Each destination's
 * sources are an array that doubles as it grows; a source not seen for a
 * window is forgotten when the destination is next evaluated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hindex.h"
#include "stream_internal.h"

struct stream *
stream_new(const struct stream_config *c, stream_emit_fn emit, void *ctx)
{
	struct stream *st = calloc(1, sizeof *st);

	if (st == NULL)
		return NULL;
	st->cfg = *c;
	if (st->cfg.window_us <= 0)
		st->cfg.window_us = STREAM_WINDOW_US;
	if (st->cfg.mem_max == 0)
		st->cfg.mem_max = STREAM_MEM_MAX;
	st->emit = emit;
	st->ctx = ctx;
	st->now = NONE;
	st->nbuckets = 1024;
	st->nsensors = 1;
	st->bucket = calloc(st->nbuckets, sizeof *st->bucket);
	st->synack = calloc(SYNACK_SLOTS, sizeof *st->synack);
	st->dom = calloc(DOMAIN_SLOTS, sizeof *st->dom);
	if (st->bucket == NULL || st->synack == NULL || st->dom == NULL) {
		stream_free(st);
		return NULL;
	}
	st->stats.bytes = sizeof *st + st->nbuckets * sizeof *st->bucket +
	    SYNACK_SLOTS * sizeof *st->synack + DOMAIN_SLOTS * sizeof *st->dom;
	return st;
}

static size_t
dest_bytes(const struct sdest *d)
{
	size_t n = sizeof *d + d->capsrc * sizeof *d->src +
	    d->nidx * sizeof *d->idx;

	if (d->mx != NULL)
		n += strlen(d->mx) + 1;
	if (d->domain != NULL)
		n += strlen(d->domain) + 1;
	return n;
}

void
stream_account(struct stream *st, ptrdiff_t bytes)
{
	st->stats.bytes += (size_t)bytes;
	if (st->stats.bytes > st->stats.bytes_peak)
		st->stats.bytes_peak = st->stats.bytes;
}

static void
dest_free(struct sdest *d)
{
	int k;

	for (k = 0; k < FK_COUNT; k++)
		free(d->act[k]);
	free(d->idx);
	free(d->src);
	free(d->mx);
	free(d->domain);
	free(d);
}

void
stream_free(struct stream *st)
{
	struct sdest *d, *next;

	if (st == NULL)
		return;
	for (d = st->oldest; d != NULL; d = next) {
		next = d->newer;
		dest_free(d);
	}
	free(st->bucket);
	free(st->synack);
	free(st->dom);
	free(st->logq);
	logfacts_free(st->log);
	free(st);
}

static uint32_t
dest_hash(const struct stream *st, const struct addr *a, uint16_t port)
{
	return addr_hash(a, port, st->cfg.seed);
}

static struct sdest **
slot_of(struct stream *st, const struct addr *a, uint16_t port)
{
	struct sdest **p = &st->bucket[dest_hash(st, a, port) & (st->nbuckets - 1)];

	while (*p != NULL && ((*p)->port != port || !addr_eq(&(*p)->server, a)))
		p = &(*p)->next;
	return p;
}

/* Twice the buckets when there are more destinations than buckets; kept
 * as is when that cannot be allocated (longer chains, still correct). */
static void
grow_buckets(struct stream *st)
{
	uint32_t n = st->nbuckets * 2, i;
	struct sdest **b, *d, *next;

	if (st->stats.dests <= st->nbuckets || n == 0 ||
	    (b = calloc(n, sizeof *b)) == NULL)
		return;
	for (i = 0; i < st->nbuckets; i++)
		for (d = st->bucket[i]; d != NULL; d = next) {
			uint32_t h = dest_hash(st, &d->server, d->port) & (n - 1);

			next = d->next;
			d->next = b[h];
			b[h] = d;
		}
	free(st->bucket);
	stream_account(st, (ptrdiff_t)((n - st->nbuckets) * sizeof *b));
	st->bucket = b;
	st->nbuckets = n;
}

static void
unlink_lru(struct stream *st, struct sdest *d)
{
	if (d->older != NULL)
		d->older->newer = d->newer;
	else
		st->oldest = d->newer;
	if (d->newer != NULL)
		d->newer->older = d->older;
	else
		st->newest = d->older;
	d->older = d->newer = NULL;
}

static void
push_newest(struct stream *st, struct sdest *d)
{
	d->older = st->newest;
	d->newer = NULL;
	if (st->newest != NULL)
		st->newest->newer = d;
	else
		st->oldest = d;
	st->newest = d;
}

/* Ends d's findings for why and drops it. */
static void
drop_dest(struct stream *st, struct sdest *d, enum finding_end why)
{
	struct sdest **p = slot_of(st, &d->server, d->port);

	stream_end_all(st, d, why);
	*p = d->next;
	unlink_lru(st, d);
	stream_account(st, -(ptrdiff_t)dest_bytes(d));
	st->stats.dests--;
	if (why == FE_EVICTED)
		st->stats.evicted++;
	else
		st->stats.expired++;
	dest_free(d);
}

/* Drops the destinations idle for a window, then, while over the budget,
 * the least recently seen but keep. */
static void
expire(struct stream *st, const struct sdest *keep)
{
	while (st->oldest != NULL && st->oldest != keep &&
	    !recent(st, st->oldest->last_seen))
		drop_dest(st, st->oldest, FE_QUIET);
	while (st->stats.bytes > st->cfg.mem_max && st->oldest != NULL &&
	    st->oldest != keep)
		drop_dest(st, st->oldest, FE_EVICTED);
}

static struct sdest *
dest_new(struct stream *st, struct sdest **slot, const struct record *r)
{
	struct sdest *d = calloc(1, sizeof *d);

	if (d == NULL)
		return NULL;
	d->server = r->t.server;
	d->port = r->t.server_port;
	d->mx_pref = -1;
	d->last_ok = NONE;
	d->synack_hops = -1;
	d->local.first = d->local.last = d->hop.first = d->hop.last = NONE;
	d->rst.first = d->rst.last = NONE;
	*slot = d;
	push_newest(st, d);
	st->stats.dests++;
	if (st->stats.dests > st->stats.dests_peak)
		st->stats.dests_peak = st->stats.dests;
	stream_account(st, (ptrdiff_t)dest_bytes(d));
	grow_buckets(st);
	return d;
}

static void
add_names(struct stream *st, struct sdest *d, const struct origin *o)
{
	size_t before = dest_bytes(d);

	if (o == NULL)
		return;
	if (d->mx == NULL && o->mx != NULL && o->mx[0] != '\0' &&
	    (d->mx = strdup(o->mx)) != NULL)
		d->mx_pref = o->mx_pref;
	if (d->domain == NULL && o->domain != NULL && o->domain[0] != '\0')
		d->domain = strdup(o->domain);
	stream_account(st, (ptrdiff_t)(dest_bytes(d) - before));
}

/* The interned number of a sensor (pointers stay valid for the run); past
 * STREAM_MAX_SENSORS they share the last. */
static uint16_t
sensor_id(struct stream *st, const char *name)
{
	uint32_t i;

	if (name == NULL)
		return 0;
	if (name == st->sensor[st->last_sensor])
		return st->last_sensor;
	for (i = 1; i < st->nsensors; i++)
		if (st->sensor[i] == name || strcmp(st->sensor[i], name) == 0)
			return st->last_sensor = (uint16_t)i;
	if (st->nsensors == STREAM_MAX_SENSORS)
		return STREAM_MAX_SENSORS - 1;
	st->sensor[st->nsensors] = name;
	return st->last_sensor = (uint16_t)st->nsensors++;
}

static uint32_t
src_hash(const struct stream *st, const struct addr *a)
{
	return addr_hash(a, 0, st->cfg.seed);
}

static void
index_put(struct stream *st, struct sdest *d, uint32_t i)
{
	uint32_t h = src_hash(st, &d->src[i].a) & (d->nidx - 1);

	while (d->idx[h] != 0)
		h = (h + 1) & (d->nidx - 1);
	d->idx[h] = (uint16_t)(i + 1);
}

/* The index of d's sources, made again (after growth or pruning): twice
 * as many slots as sources fit, once there are SRC_INDEX_MIN of them. */
void
stream_index_sources(struct stream *st, struct sdest *d)
{
	uint32_t n = d->capsrc * 2, i;
	uint16_t *ix;

	if (d->capsrc < SRC_INDEX_MIN)
		return;
	if (n != d->nidx) {
		if ((ix = realloc(d->idx, n * sizeof *ix)) == NULL) {
			stream_account(st, -(ptrdiff_t)(d->nidx * sizeof *ix));
			free(d->idx);
			d->idx = NULL;
			d->nidx = 0;
			return;		/* found by a scan instead */
		}
		stream_account(st, (ptrdiff_t)(n - d->nidx) * (ptrdiff_t)sizeof *ix);
		d->idx = ix;
		d->nidx = n;
	}
	memset(d->idx, 0, n * sizeof *d->idx);
	for (i = 0; i < d->nsrc; i++)
		index_put(st, d, i);
}

static struct ssrc *
find_source(const struct stream *st, const struct sdest *d,
    const struct addr *a)
{
	uint32_t h, i;

	if (d->idx == NULL) {
		for (i = 0; i < d->nsrc; i++)
			if (addr_eq(&d->src[i].a, a))
				return &d->src[i];
		return NULL;
	}
	for (h = src_hash(st, a) & (d->nidx - 1); d->idx[h] != 0;
	    h = (h + 1) & (d->nidx - 1))
		if (addr_eq(&d->src[d->idx[h] - 1].a, a))
			return &d->src[d->idx[h] - 1];
	return NULL;
}

/* Room for one more source: the array doubles, up to the limit. */
static int
grow_sources(struct stream *st, struct sdest *d)
{
	uint32_t cap = d->capsrc == 0 ? 2 : d->capsrc * 2;
	struct ssrc *s;

	if (d->nsrc < d->capsrc)
		return 0;
	if (d->capsrc >= STREAM_MAX_SOURCES ||
	    (s = realloc(d->src, cap * sizeof *s)) == NULL)
		return -1;
	stream_account(st, (ptrdiff_t)((cap - d->capsrc) * sizeof *s));
	d->src = s;
	d->capsrc = cap;
	stream_index_sources(st, d);
	return 0;
}

/* Source a of d, new if need be; NULL past the limit or out of memory. */
static struct ssrc *
source_of(struct stream *st, struct sdest *d, const struct record *r)
{
	struct ssrc *s;

	if ((s = find_source(st, d, &r->t.client)) != NULL)
		return s;
	if (grow_sources(st, d) != 0)
		return NULL;
	s = &d->src[d->nsrc++];
	memset(s, 0, sizeof *s);
	s->a = r->t.client;
	s->sensor = sensor_id(st, r->sensor);
	s->hops = -1;
	s->last_seen = s->last_ok = s->last_fail = s->fail_since = NONE;
	s->okfail = s->failok = s->first_fail = NONE;
	if (d->idx != NULL)
		index_put(st, d, d->nsrc - 1);
	return s;
}

/* An accepted attempt; true when it ended a run of failures.  undo: it
 * corrects the failure recorded for the same attempt (core/track.h), which
 * no longer counts, though what answered it (a forged RST) still does. */
static bool
src_accepted(struct sdest *d, struct ssrc *s, int64_t ts, bool undo)
{
	bool flip = false;

	s->oks++;
	if (undo && s->fails > 0) {
		s->fails--;
		if (s->streak > 0)
			s->streak--;
	}
	if (s->fail_since != NONE && (ts > s->fail_since ||
	    (undo && ts == s->fail_since))) {
		s->failok = ts;
		s->fail_since = NONE;
		s->streak = 0;
		flip = true;
	}
	if (ts > s->last_ok)
		s->last_ok = ts;
	if (ts > d->last_ok)
		d->last_ok = ts;
	return flip;
}

static enum answered
answered_by(const struct record *r)
{
	if (r->responder.family == 0)
		return ANS_NOBODY;
	if (record_responder_is_server(r))
		return ANS_SERVER;
	if (addr_eq(&r->responder, &r->t.client) || r->hops == 0)
		return ANS_LOCAL;
	return ANS_HOP;
}

/* A failure answered by someone other than the server, or a RST with the
 * server's address: the destination's tally of them. */
static void
tally(struct by_other *b, const struct record *r)
{
	int64_t ts = r->first_syn_us;

	b->n++;
	if (b->first == NONE || ts < b->first)
		b->first = ts;
	if (ts < b->last)
		return;
	b->last = ts;
	b->by = r->responder;
	b->hops = (int16_t)r->hops;
	b->self = addr_eq(&r->responder, &r->t.client);
	b->in_name = addr_eq(&r->responder, &r->t.server);
	b->client = r->t.client;
	b->sensor = r->sensor;
	b->cls = r->v.cls;
	b->reason = r->v.reason;
}

/* A failed attempt; true when it changed what the source shows. */
static bool
src_failed(struct sdest *d, struct ssrc *s, const struct record *r)
{
	int64_t ts = r->first_syn_us;
	enum answered by = answered_by(r);
	bool flip = false;

	s->fails++;
	if (s->first_fail == NONE || ts < s->first_fail)
		s->first_fail = ts;
	if (by == ANS_LOCAL)
		tally(&d->local, r);
	else if (by == ANS_HOP)
		tally(&d->hop, r);
	else if (by == ANS_SERVER && r->v.cls == VC_REFUSED && r->icmp_type < 0)
		tally(&d->rst, r);
	if (s->last_ok != NONE && ts <= s->last_ok) {
		s->failok = s->last_ok;	/* failed between two acceptances */
		return true;
	}
	if (s->fail_since == NONE) {
		s->fail_since = ts;
		if (s->last_ok != NONE)
			s->okfail = ts;
		flip = true;
	} else if (ts < s->fail_since)
		s->fail_since = ts;
	s->streak++;
	if (ts >= s->last_fail) {
		flip |= s->reason != r->v.reason || s->answered != by;
		s->last_fail = ts;
		s->cls = r->v.cls;
		s->reason = r->v.reason;
		s->answered = (uint8_t)by;
		s->rst = r->v.cls == VC_REFUSED && r->icmp_type < 0;
		s->responder = r->responder;
		s->hops = (int16_t)r->hops;
	}
	return flip;
}

static struct synack_seen *
synack_slot(const struct stream *st, const struct addr *server)
{
	return &st->synack[addr_hash(server, 0, st->cfg.seed) % SYNACK_SLOTS];
}

const struct synack_seen *
stream_synack(const struct stream *st, const struct addr *server)
{
	const struct synack_seen *e = synack_slot(st, server);

	return e->server.family != 0 && addr_eq(&e->server, server) &&
	    recent(st, e->ts) ? e : NULL;
}

static struct domain_ok *
domain_slot(const struct stream *st, const char *domain, uint16_t port,
    uint32_t *hash)
{
	*hash = hash_str(domain, st->cfg.seed ^ port);
	return &st->dom[*hash % DOMAIN_SLOTS];
}

const struct domain_ok *
stream_domain_ok(const struct stream *st, const char *domain, uint16_t port)
{
	uint32_t h;
	const struct domain_ok *e = domain_slot(st, domain, port, &h);

	return e->ts != 0 && e->hash == h && e->port == port &&
	    recent(st, e->ts) ? e : NULL;
}

/* What other destinations compare with: the server's SYN-ACKs (any port)
 * and the domain's accepted attempts (any MX host).  One slot per hash;
 * a collision replaces the older entry. */
static void
note_accepted(struct stream *st, const struct sdest *d,
    const struct record *r)
{
	struct synack_seen *e;
	struct domain_ok *o;
	uint32_t h;

	if (r->hops >= 0 && record_responder_is_server(r)) {
		e = synack_slot(st, &d->server);
		e->server = d->server;
		e->port = d->port;
		e->hops = (int16_t)r->hops;
		e->ts = r->first_syn_us;
	}
	if (d->domain == NULL)
		return;
	o = domain_slot(st, d->domain, d->port, &h);
	if (o->hash != h || o->port != d->port || !addr_eq(&o->server, &d->server))
		o->accepted = 0;
	o->hash = h;
	o->port = d->port;
	o->server = d->server;
	snprintf(o->mx, sizeof o->mx, "%s", d->mx != NULL ? d->mx : "");
	o->accepted++;
	o->ts = r->first_syn_us;
}

/* The record's destination, new if need be; NULL when out of memory. */
static struct sdest *
dest_of(struct stream *st, const struct record *r)
{
	struct sdest **slot = slot_of(st, &r->t.server, r->t.server_port);

	if (*slot != NULL) {
		unlink_lru(st, *slot);
		push_newest(st, *slot);
		return *slot;
	}
	return dest_new(st, slot, r);
}

static void
log_apply(struct stream *st, const struct ml_event *e)
{
	struct sdest *d;

	if (st->log == NULL && (st->log = logfacts_new(st->cfg.window_us)) == NULL)
		return;
	logfacts_add(st->log, e);
	if (!ml_failed(e) || e->server.family == 0)
		return;
	/* Its destination's findings say so (changed) when they first can. */
	for (d = st->oldest; d != NULL && e->port == 0; d = d->newer)
		if (addr_eq(&d->server, &e->server))
			stream_evaluate(st, d);
	if (e->port != 0 && (d = *slot_of(st, &e->server, e->port)) != NULL)
		stream_evaluate(st, d);
}

/* The lines whose time the stream has reached (all: at the end). */
static void
log_due(struct stream *st, bool all)
{
	while (st->logq_head < st->logq_n &&
	    (all || st->logq[st->logq_head].ts_us <= st->now))
		log_apply(st, &st->logq[st->logq_head++]);
	if (st->logq_head == st->logq_n)
		st->logq_head = st->logq_n = 0;
}

void
stream_add_log(struct stream *st, const struct ml_event *e)
{
	struct ml_event *q;
	uint32_t c;

	if (!ml_failed(e) || e->server.family == 0)
		return;
	if (st->now != NONE && e->ts_us <= st->now && st->logq_n == 0) {
		log_apply(st, e);
		return;
	}
	if (st->logq_n == st->logq_cap) {
		c = st->logq_cap ? st->logq_cap * 2 : 64;
		if (c > STREAM_LOG_QUEUE || (q = realloc(st->logq,
		    c * sizeof *q)) == NULL) {
			st->stats.log_early++;	/* counted now, not at its time */
			log_apply(st, e);
			return;
		}
		stream_account(st, (ptrdiff_t)((c - st->logq_cap) * sizeof *q));
		st->logq = q, st->logq_cap = c;
	}
	st->logq[st->logq_n++] = *e;
}

void
stream_add(struct stream *st, const struct record *r)
{
	struct sdest *d;
	struct ssrc *s;
	bool flip;

	if ((unsigned)r->v.cls >= VC_COUNT || r->v.cls == VC_UNRESOLVED)
		return;
	if (r->verdict_us > st->now)
		st->now = r->verdict_us;
	log_due(st, false);
	if ((d = dest_of(st, r)) == NULL)
		return;
	d->last_seen = st->now;
	add_names(st, d, r->origin);
	if ((s = source_of(st, d, r)) == NULL) {
		d->other_sources++;
		st->stats.other_sources++;
		flip = false;
	} else {
		flip = s->last_seen == NONE;
		s->last_seen = r->first_syn_us > s->last_seen ?
		    r->first_syn_us : s->last_seen;
		if (r->v.cls == VC_ACCEPTED) {
			flip |= src_accepted(d, s, r->first_syn_us,
			    r->correction && r->corrects.cls != VC_ACCEPTED);
			if (r->hops >= 0 && record_responder_is_server(r))
				d->synack_hops = (int16_t)r->hops;
			note_accepted(st, d, r);
		} else
			flip |= src_failed(d, s, r);
	}
	if (flip || st->now >= d->next_eval) {
		stream_evaluate(st, d);
		d->next_eval = st->now + 1000000;
	}
	expire(st, d);
}

void
stream_tick(struct stream *st, int64_t now)
{
	if (now > st->now)
		st->now = now;
	log_due(st, false);
	expire(st, NULL);
}

void
stream_flush(struct stream *st)
{
	struct sdest *d;
	int k;

	log_due(st, true);
	for (d = st->oldest; d != NULL; d = d->newer)
		for (k = 0; k < FK_COUNT; k++)
			if (d->act[k] != NULL && d->act[k]->pending) {
				d->act[k]->pending = false;
				d->act[k]->emitted = d->act[k]->f.ts;
				st->stats.events[FS_CHANGED]++;
				st->emit(st->ctx, &d->act[k]->f);
			}
}

void
stream_stats(const struct stream *st, struct stream_stats *out)
{
	*out = st->stats;
}

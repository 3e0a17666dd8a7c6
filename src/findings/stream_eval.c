/*
 * What a destination's windowed state supports (findings/stream.h), as
 * struct finding, compared with what is in force: the differences are
 * emitted as started, changed and ended.
 *
 * A source is failing when its latest attempt failed within the window,
 * accepting when its latest attempt was accepted within the window, and
 * intermittent (rate limited) once it fails again after being accepted
 * again, all within the window, until a window passes without a failure
 * or without a recovery.  Failures answered by the sending host,
 * its first hop, a router further on, or with the server's address from a
 * distance its SYN-ACKs do not come from, are findings of their own and
 * are not counted against the recipient.
 */
#include <stdlib.h>
#include <string.h>

#include "stream_internal.h"

/* Forgets the sources not seen for a window, and notes whether those
 * kept share one sensor.  Copies only from the first one forgotten on: most
 * evaluations forget none (copying each onto itself cost 6% of read
 * --findings on bench-tenth). */
static void
prune(struct stream *st, struct sdest *d)
{
	uint32_t i, n;

	d->one_sensor = true;
	for (i = 0; i < d->nsrc && recent(st, d->src[i].last_seen); i++)
		d->one_sensor &= d->src[i].sensor == d->src[0].sensor;
	if (i == d->nsrc)
		return;
	for (n = i++; i < d->nsrc; i++)
		if (recent(st, d->src[i].last_seen))
			d->src[n++] = d->src[i];
	d->nsrc = n;
	for (i = 0; i < n; i++)
		d->one_sensor &= d->src[i].sensor == d->src[0].sensor;
	stream_index_sources(st, d);
}

static bool
failing(const struct stream *st, const struct ssrc *s)
{
	return s->fail_since != NONE && recent(st, s->last_fail);
}

static bool
accepting(const struct stream *st, const struct ssrc *s)
{
	return s->fail_since == NONE && recent(st, s->last_ok);
}

/* Failing again after being accepted again, within the window; it stays
 * so while its failures and recoveries go on within the window. */
static bool
intermittent(const struct stream *st, struct ssrc *s)
{
	if (failing(st, s) && recent(st, s->failok))
		s->limited = true;
	else if (!recent(st, s->last_fail) || !recent(st, s->failok))
		s->limited = false;
	return s->limited;
}

/* The hop distance of the server's SYN-ACKs when the destination's RSTs
 * with its address came from another; -1 when not. */
static int
forged_against(const struct stream *st, const struct sdest *d, uint16_t *port)
{
	const struct synack_seen *e;

	if (!recent(st, d->rst.last) || d->rst.hops < 0)
		return -1;
	*port = d->port;
	if (d->synack_hops >= 0 && d->synack_hops != d->rst.hops)
		return d->synack_hops;
	if ((e = stream_synack(st, &d->server)) == NULL || e->hops == d->rst.hops)
		return -1;
	*port = e->port;
	return e->hops;
}

/* A failure the recipient answered, or nobody did. */
static bool
by_recipient(const struct ssrc *s, bool forged)
{
	return s->answered == ANS_NOBODY ||
	    (s->answered == ANS_SERVER && !(s->rst && forged));
}

/* The sources' roles, one bit each. */
enum { R_FAILED = 1, R_ACCEPTED = 2, R_INTERMITTENT = 4 };

static unsigned
role(const struct stream *st, struct ssrc *s, bool forged)
{
	if (intermittent(st, s))
		return R_INTERMITTENT;
	if (failing(st, s))
		return by_recipient(s, forged) ? R_FAILED : 0;
	return accepting(st, s) ? R_ACCEPTED : 0;
}

static void
base(const struct stream *st, const struct sdest *d, enum finding_kind k,
    struct finding *f)
{
	finding_init(f, k, FS_STARTED, st->now, &d->server, d->port, d->mx,
	    d->domain, d->mx_pref);
	f->nsources = d->nsrc;
	f->one_source = d->nsrc == 1 && d->other_sources == 0;
	logfacts_fill(st->log, f);
}

static void
list_source(const struct stream *st, struct finding_source *v, uint32_t *n,
    const struct ssrc *s)
{
	if (*n < FINDING_MAX_LISTED) {
		v[*n].a = s->a;
		v[*n].sensor = st->sensor[s->sensor];
	}
	(*n)++;
}

/* The earlier of *t and v, where NONE is none. */
static void
earliest(int64_t *t, int64_t v)
{
	if (v != NONE && (*t == NONE || v < *t))
		*t = v;
}

/* f's latest failure, and its answer, when s's is as late. */
static void
add_answer(struct finding *f, const struct ssrc *s)
{
	if (s->last_fail < f->last_fail)
		return;
	f->last_fail = s->last_fail;
	f->cls = s->cls;
	f->reason = s->reason;
	f->responder = s->responder;
	f->responder_is_server = s->answered == ANS_SERVER;
	f->hops = s->hops;
}

/* Adds source s, failing, to f: its failures since it was last
 * accepted. */
static void
add_failed(const struct stream *st, struct finding *f, const struct ssrc *s)
{
	list_source(st, f->failed, &f->nfailed, s);
	f->failures += s->streak;
	earliest(&f->first_fail, s->fail_since);
	add_answer(f, s);
}

/* Adds source s, intermittent, to rate limit f: its failures and its
 * latest acceptance while held. */
static void
add_intermittent(const struct stream *st, struct finding *f,
    const struct ssrc *s)
{
	list_source(st, f->failed, &f->nfailed, s);
	f->failures += s->fails;
	earliest(&f->first_fail, s->first_fail);
	if (s->last_ok > f->last_ok)
		f->last_ok = s->last_ok;
	add_answer(f, s);
}

static void
add_accepted(const struct stream *st, struct finding *f, const struct ssrc *s)
{
	list_source(st, f->ok, &f->naccepted, s);
	f->accepted += s->oks;
	if (s->last_ok > f->last_ok)
		f->last_ok = s->last_ok;
}

/* Distinct sensors of f's failing sources (roles[] in want; any: the
 * roles of all d's sources together) and of all d's sources. */
static void
count_sensors(const struct sdest *d, const unsigned *roles, unsigned any,
    unsigned want, struct finding *f)
{
	uint64_t all[STREAM_MAX_SENSORS / 64] = { 0 };
	uint64_t bad[STREAM_MAX_SENSORS / 64] = { 0 };
	uint32_t i, id;

	/* One sensor (d->one_sensor, from prune()): the bitmaps would count
	 * at most one each; they cost 7% of read --findings on bench-tenth. */
	if (d->one_sensor) {
		f->sensors_seen += d->nsrc > 0;
		f->sensors_failed += (any & want) != 0;
		return;
	}
	for (i = 0; i < d->nsrc; i++) {
		id = d->src[i].sensor;
		if (!(all[id / 64] & (1ULL << id % 64)))
			f->sensors_seen++;
		all[id / 64] |= 1ULL << id % 64;
		if (!(roles[i] & want) || (bad[id / 64] & (1ULL << id % 64)))
			continue;
		bad[id / 64] |= 1ULL << id % 64;
		f->sensors_failed++;
	}
}

/* The findings about sources: blocks aimed at some, rate limits, every
 * source failing, and then an MX host down, made in made[] (c[k]: the
 * candidate of kind k).  The walk that finds each source's role adds it to
 * the block aimed at some as it goes; that block is every source failing
 * when no source turns out accepted or intermittent (made alike but for
 * its kind and last_ok).  A second walk to add the sources cost 3% of read
 * --findings on bench-tenth and 5% on heavy-tenth; making the block when
 * no source fails costs dests-tenth 0.5% (cachegrind instructions). */
static void
source_findings(const struct stream *st, struct sdest *d, bool forged,
    struct finding *made, struct finding **c)
{
	unsigned roles[STREAM_MAX_SOURCES], all = 0;
	struct finding *f = &made[FK_SOURCE_BLOCK], *mx = &made[FK_MX_DOWN];
	const struct domain_ok *o;
	uint32_t i;

	base(st, d, FK_SOURCE_BLOCK, f);
	for (i = 0; i < d->nsrc; i++) {
		all |= roles[i] = role(st, &d->src[i], forged);
		if (roles[i] & R_FAILED)
			add_failed(st, f, &d->src[i]);
		else if (roles[i] & R_ACCEPTED)
			add_accepted(st, f, &d->src[i]);
	}
	if (all & R_FAILED) {
		if (!(all & (R_ACCEPTED | R_INTERMITTENT))) {
			f->kind = FK_ALL_FAILED;
			f->not_recipient = finding_kind_not_recipient(f->kind);
			f->last_ok = d->last_ok;
		}
		count_sensors(d, roles, all, R_FAILED, f);
		if (f->kind == FK_ALL_FAILED || (all & R_ACCEPTED))
			c[f->kind] = f;
	}
	if (all & R_INTERMITTENT) {
		f = &made[FK_RATE_LIMIT];
		base(st, d, FK_RATE_LIMIT, f);
		for (i = 0; i < d->nsrc; i++)
			if (roles[i] & R_INTERMITTENT)
				add_intermittent(st, f, &d->src[i]);
		count_sensors(d, roles, all, R_INTERMITTENT, f);
		c[FK_RATE_LIMIT] = f;
	}
	if (c[FK_ALL_FAILED] == NULL || d->domain == NULL ||
	    (o = stream_domain_ok(st, d->domain, d->port)) == NULL ||
	    addr_eq(&o->server, &d->server))
		return;
	*mx = *c[FK_ALL_FAILED];
	mx->kind = FK_MX_DOWN;
	mx->other_server = o->server;
	mx->other_mx = o->mx[0] != '\0' ? o->mx : NULL;
	mx->other_accepted = o->accepted;
	c[FK_MX_DOWN] = mx;
}

/* Failures answered by someone other than the recipient, unless the
 * destination accepted after the last of them. */
static bool
answered_finding(const struct stream *st, const struct sdest *d,
    const struct by_other *b, enum finding_kind k, struct finding *f)
{
	unsigned roles[STREAM_MAX_SOURCES], all = 0;
	uint8_t want = k == FK_MIDDLEBOX ? ANS_HOP : k == FK_LOCAL_BLOCK ?
	    ANS_LOCAL : ANS_SERVER;
	uint32_t i;

	if (!recent(st, b->last) || d->last_ok > b->last)
		return false;
	base(st, d, k, f);
	f->failures = b->n;
	f->first_fail = b->first;
	f->last_fail = b->last;
	f->cls = b->cls;
	f->reason = b->reason;
	f->responder = b->by;
	f->hops = b->hops;
	f->last_ok = d->last_ok;
	for (i = 0; i < d->nsrc; i++) {
		const struct ssrc *s = &d->src[i];

		all |= roles[i] = failing(st, s) && s->answered == want;
		if (roles[i])
			list_source(st, f->failed, &f->nfailed, s);
	}
	count_sensors(d, roles, all, 1, f);
	if (f->nfailed == 0) {
		f->failed[0].a = b->client;
		f->failed[0].sensor = b->sensor;
		f->nfailed = 1;
	}
	return true;
}

/* Forgets the tally of answers the window has passed. */
static void
age(const struct stream *st, struct by_other *b)
{
	if (b->last != NONE && !recent(st, b->last)) {
		b->n = 0;
		b->first = b->last = NONE;
	}
}

/* The candidates, made in made[]: c[k] for kind k, NULL when none. */
static void
candidates(struct stream *st, struct sdest *d, struct finding *made,
    struct finding **c)
{
	uint16_t port = 0;
	int synack;

	age(st, &d->local);
	age(st, &d->hop);
	age(st, &d->rst);
	synack = forged_against(st, d, &port);
	if (answered_finding(st, d, &d->local, FK_LOCAL_BLOCK,
	    &made[FK_LOCAL_BLOCK]))
		c[FK_LOCAL_BLOCK] = &made[FK_LOCAL_BLOCK];
	if (answered_finding(st, d, &d->hop, FK_MIDDLEBOX, &made[FK_MIDDLEBOX]))
		c[FK_MIDDLEBOX] = &made[FK_MIDDLEBOX];
	if (synack >= 0 && answered_finding(st, d, &d->rst, FK_FORGED_RESET,
	    &made[FK_FORGED_RESET])) {
		made[FK_FORGED_RESET].synack_hops = synack;
		made[FK_FORGED_RESET].synack_port = port;
		c[FK_FORGED_RESET] = &made[FK_FORGED_RESET];
	}
	source_findings(st, d, synack >= 0, made, c);
}

/* Worth a "changed": other sources concerned, another reason or another
 * responder. */
static bool
differs(const struct finding *a, const struct finding *b)
{
	uint32_t i, n = a->nfailed < FINDING_MAX_LISTED ? a->nfailed :
	    FINDING_MAX_LISTED;

	if (a->nfailed != b->nfailed || a->cls != b->cls ||
	    a->reason != b->reason || !addr_eq(&a->responder, &b->responder))
		return true;
	/* The MTA's log first names a recipient domain of it (more lines
	 * change nothing). */
	if ((a->log_domain == NULL) != (b->log_domain == NULL))
		return true;
	for (i = 0; i < n; i++)
		if (!addr_eq(&a->failed[i].a, &b->failed[i].a))
			return true;
	return false;
}

static void
emit(struct stream *st, const struct finding *f)
{
	st->stats.events[f->state]++;
	st->emit(st->ctx, f);
}

static enum finding_end
why_ended(const struct stream *st, const struct sdest *d,
    const struct finding *f, struct finding *const *c)
{
	uint32_t i, j, n = f->nfailed < FINDING_MAX_LISTED ? f->nfailed :
	    FINDING_MAX_LISTED;

	if (finding_kind_not_recipient(f->kind))
		return d->last_ok > f->last_fail ? FE_ACCEPTED : FE_QUIET;
	for (i = 0; i < n; i++)
		for (j = 0; j < d->nsrc; j++)
			if (addr_eq(&d->src[j].a, &f->failed[i].a) &&
			    accepting(st, &d->src[j]))
				return FE_ACCEPTED;
	/* Another kind starting now rests on the same failures. */
	for (i = 0; i < FK_COUNT; i++)
		if (c[i] != NULL && i != f->kind && d->act[i] == NULL)
			return FE_CHANGED_KIND;
	return FE_QUIET;
}

static void
end_one(struct stream *st, struct sdest *d, int k, enum finding_end why)
{
	struct held *h = d->act[k];

	h->f.state = FS_ENDED;
	h->f.end = why;
	h->f.ts = st->now;
	emit(st, &h->f);
	free(h);
	d->act[k] = NULL;
	st->stats.active--;
	stream_account(st, -(ptrdiff_t)sizeof *h);
}

void
stream_end_all(struct stream *st, struct sdest *d, enum finding_end why)
{
	int k;

	for (k = 0; k < FK_COUNT; k++)
		if (d->act[k] != NULL)
			end_one(st, d, k, why);
}

/* The least time between two "changed" lines of one finding: a sixtieth
 * of the window, from 1 to 60 seconds, so a destination whose failing
 * sources keep turning over does not write a line per record. */
static int64_t
change_interval(const struct stream *st)
{
	int64_t t = st->cfg.window_us / 60;

	return t < 1000000 ? 1000000 : t > 60000000 ? 60000000 : t;
}

/* Puts candidate c in force (started) or updates it: changed when it
 * differs, written at most once per change_interval (a change held back
 * is written with the next evaluation after it); otherwise quietly, so an
 * end reports the latest counts. */
static void
hold(struct stream *st, struct sdest *d, int k, struct finding *c)
{
	struct held *h = d->act[k];
	bool changed, logged;

	if (h == NULL) {
		if ((h = malloc(sizeof *h)) == NULL)
			return;
		stream_account(st, (ptrdiff_t)sizeof *h);
		st->stats.active++;
		h->f = *c;
		h->emitted = st->now;
		h->pending = false;
		d->act[k] = h;
		emit(st, &h->f);
		return;
	}
	changed = h->pending || differs(&h->f, c);
	/* The MTA's log first naming its recipients happens once: not held
	 * back. */
	logged = (h->f.log_domain == NULL) != (c->log_domain == NULL);
	c->started = h->f.started;
	c->state = changed ? FS_CHANGED : h->f.state;
	h->f = *c;
	h->pending = changed && !logged &&
	    st->now - h->emitted < change_interval(st);
	if (changed && !h->pending) {
		h->emitted = st->now;
		emit(st, &h->f);
	}
}

void
stream_evaluate(struct stream *st, struct sdest *d)
{
	struct finding made[FK_COUNT], *c[FK_COUNT] = { NULL };
	int k;

	prune(st, d);
	candidates(st, d, made, c);
	for (k = 0; k < FK_COUNT; k++)
		if (d->act[k] != NULL && c[k] == NULL)
			end_one(st, d, k, why_ended(st, d, &d->act[k]->f, c));
	for (k = 0; k < FK_COUNT; k++)
		if (c[k] != NULL)
			hold(st, d, k, c[k]);
}

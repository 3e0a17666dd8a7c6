/*
 * The whole run's findings (findings/scope.h) as the struct every output
 * renders (findings/finding.h).  Pure: the aggregation's counts in, the
 * struct out; the only state touched is the stamps that count sensors.
 *
 * What each kind rests on (the failures "concerned"):
 *   local_block, middlebox   the failures answered so
 *   forged_reset             the RSTs in the server's name
 *   source_block             the failures of the sources that always failed
 *   rate_limit               the source's failures after its last success
 *   all_failed, mx_down      every failure of the destination
 * and the acceptances each compares them with: those of the sources
 * accepted every time (local block, middlebox, source block), the
 * source's own (rate limit), the SYN-ACKs' destination's (forged reset),
 * the other MX's (mx down), the destination's (no failure); none for all
 * failed.
 */
#include <string.h>

#include "findings/finding.h"
#include "findings/scope.h"
#include "internal.h"

static enum finding_kind
kind_of(enum scope_finding_kind k)
{
	switch (k) {
	case SF_LOCAL_BLOCK:	return FK_LOCAL_BLOCK;
	case SF_MIDDLEBOX:	return FK_MIDDLEBOX;
	case SF_FORGED_RESET:	return FK_FORGED_RESET;
	case SF_SOURCE_BLOCK:	return FK_SOURCE_BLOCK;
	case SF_RATE_LIMIT:	return FK_RATE_LIMIT;
	case SF_ALL_FAILED:	return FK_ALL_FAILED;
	case SF_MX_DOWN:	return FK_MX_DOWN;
	case SF_NO_FAILURE:	break;
	}
	return FK_NO_FAILURE;
}

/* Is source k of d one the finding concerns (its failures), or one it
 * compares them with (accepted every time)? */
enum role { R_OTHER, R_FAILED, R_OK };

static enum role
role_of(const struct scope_finding *f, const struct scope_source *src,
    uint32_t k)
{
	switch (f->kind) {
	case SF_SOURCE_BLOCK:
		if (scope_source_failed(src))
			return R_FAILED;
		break;
	case SF_RATE_LIMIT:
		if (k == f->u.rate.source)
			return R_FAILED;
		break;
	case SF_NO_FAILURE:
		break;
	default:
		if (scope_source_failures(src) > 0)
			return R_FAILED;
		break;
	}
	return scope_source_accepted(src) ? R_OK : R_OTHER;
}

/* A new count of distinct sensors; 0 is never a count's stamp. */
static uint32_t
new_stamp(struct scope *s)
{
	if (++s->stamp == 0) {
		if (s->mark != NULL)
			memset(s->mark, 0, s->nsensors * sizeof *s->mark);
		s->mark0 = 0;
		s->stamp = 1;
	}
	return s->stamp;
}

/* Counts sensor id in n, once per stamp. */
static void
count_sensor(struct scope *s, uint32_t id, uint32_t stamp, uint32_t *n)
{
	uint32_t *m = id == 0 ? &s->mark0 : &s->mark[id];

	if (*m != stamp) {
		*m = stamp;
		(*n)++;
	}
}

static void
list_source(struct finding_source *list, uint32_t *n, const struct scope *s,
    const struct scope_source *src)
{
	if (*n < FINDING_MAX_LISTED) {
		list[*n].a = *scope_source_addr(s, src);
		list[*n].sensor = scope_sensor(s, src->sensor);
	}
	(*n)++;
}

/* The sources concerned and compared, and the sensors that saw them;
 * the accepted attempts of those compared, and the latest of them, into
 * *ok and *last_ok. */
static void
view_sources(struct scope *s, const struct scope_dest *d,
    const struct scope_finding *f, struct finding *out, uint64_t *ok,
    int64_t *last_ok)
{
	uint32_t k, failed = new_stamp(s), seen;

	*ok = 0;
	*last_ok = SCOPE_NONE;
	for (k = 0; k < d->nsrc; k++) {
		const struct scope_source *src = &d->src[k];

		switch (role_of(f, src, k)) {
		case R_FAILED:
			list_source(out->failed, &out->nfailed, s, src);
			count_sensor(s, src->sensor, failed, &out->sensors_failed);
			break;
		case R_OK:
			list_source(out->ok, &out->naccepted, s, src);
			*ok += src->n[VC_ACCEPTED];
			if (src->last_ok > *last_ok)
				*last_ok = src->last_ok;
			break;
		case R_OTHER:
			break;
		}
	}
	seen = new_stamp(s);
	for (k = 0; k < d->nsrc; k++)
		count_sensor(s, d->src[k].sensor, seen, &out->sensors_seen);
}

/* The failures of a: times, the latest's verdict and who answered it. */
static void
view_answer(const struct scope *s, const struct scope_dest *d,
    const struct scope_answer *a, struct finding *out)
{
	const struct scope_kind *k;

	if (a->n == 0)
		return;
	k = scope_kind(s, a->kind);
	out->cls = k->cls;
	out->reason = k->reason;
	out->first_fail = a->first;
	out->last_fail = a->last;
	out->responder = a->by;
	out->responder_is_server = a->by.family != 0 &&
	    addr_eq(&a->by, &d->server);
	out->hops = a->hops;
}

/* Source k's latest failure: its verdict, and who answered it when it is
 * also the destination's latest (responders are not kept per source; the
 * finding's is otherwise not known: family 0, hops -1). */
static void
latest_of_source(const struct scope *s, const struct scope_dest *d,
    uint32_t k, struct finding *out)
{
	const struct scope_kind *kd = scope_kind(s, d->src[k].last_kind);

	out->cls = kd->cls;
	out->reason = kd->reason;
	out->last_fail = d->src[k].last_fail;
	if (d->fail.n > 0 && d->fail.src == k) {
		out->responder = d->fail.by;
		out->responder_is_server = d->fail.by.family != 0 &&
		    addr_eq(&d->fail.by, &d->server);
		out->hops = d->fail.hops;
	}
}

/* Source block: the failures of the sources that always failed, against
 * the latest acceptance of those accepted every time. */
static void
view_block(const struct scope *s, const struct scope_dest *d,
    const struct scope_finding *f, struct finding *out)
{
	uint32_t k, latest = HINDEX_NONE;

	out->failures = f->u.block.failed;
	out->accepted = f->u.block.accepted;
	for (k = 0; k < d->nsrc; k++) {
		const struct scope_source *src = &d->src[k];

		if (scope_source_accepted(src) && src->last_ok > out->last_ok)
			out->last_ok = src->last_ok;
		if (!scope_source_failed(src))
			continue;
		if (out->first_fail == SCOPE_NONE ||
		    src->first_fail < out->first_fail)
			out->first_fail = src->first_fail;
		if (latest == HINDEX_NONE ||
		    src->last_fail >= d->src[latest].last_fail)
			latest = k;
	}
	if (latest != HINDEX_NONE)
		latest_of_source(s, d, latest, out);
}

/* Rate limit: the source's failures after its last acceptance. */
static void
view_rate(const struct scope *s, const struct scope_dest *d,
    const struct scope_finding *f, struct finding *out)
{
	out->failures = f->u.rate.since;
	out->accepted = f->u.rate.accepted;
	out->first_fail = f->u.rate.first_ts;
	out->last_ok = f->u.rate.last_ok;
	latest_of_source(s, d, f->u.rate.source, out);
}

/* Forged reset: the RSTs in the server's name, against the SYN-ACKs of
 * the destination that contradicts their distance. */
static void
view_forged(const struct scope *s, const struct scope_dest *d,
    const struct scope_finding *f, struct finding *out)
{
	const struct scope_dest *o = dest_at(s, f->u.forged.synack_dest);

	view_answer(s, d, &d->rst, out);
	out->failures = d->rst.n;
	out->hops = f->u.forged.rst_hops;
	out->synack_hops = f->u.forged.synack_hops;
	out->synack_port = o->port;
	out->accepted = o->n[VC_ACCEPTED];
	out->last_ok = o->last_ok;
}

/* MX down: every failure, against the other MX's acceptances. */
static void
view_mx_down(const struct scope *s, const struct scope_dest *d,
    const struct scope_finding *f, struct finding *out)
{
	const struct scope_dest *o = dest_at(s, f->u.mx_down.other);

	view_answer(s, d, &d->fail, out);
	out->failures = f->failures;
	out->accepted = f->u.mx_down.accepted;
	out->last_ok = o->last_ok;
	out->other_server = o->server;
	out->other_mx = o->mx;
	out->other_accepted = f->u.mx_down.accepted;
}

/* What every kind has: the destination, the state, nothing known yet. */
static void
view_head(const struct scope *s, const struct scope_dest *d,
    const struct scope_finding *f, struct finding *out)
{
	finding_init(out, kind_of(f->kind), FS_FINAL, s->last_ts, &d->server,
	    d->port, d->mx, d->domain, d->mx_pref);
	out->nsources = d->nsrc;
	out->one_source = scope_one_source(d);
	logfacts_fill(s->log, out);
}


void
scope_finding_view(struct scope *s, const struct scope_finding *f,
    struct finding *out)
{
	const struct scope_dest *d = dest_at(s, f->dest);
	uint64_t ok;
	int64_t last_ok;

	view_head(s, d, f, out);
	view_sources(s, d, f, out, &ok, &last_ok);
	switch (f->kind) {
	case SF_LOCAL_BLOCK: case SF_MIDDLEBOX:
		/* against the sources accepted every time */
		view_answer(s, d, f->kind == SF_LOCAL_BLOCK ? &d->local : &d->hop,
		    out);
		out->failures = f->u.answered.n;
		out->accepted = ok;
		out->last_ok = last_ok;
		break;
	case SF_FORGED_RESET:
		view_forged(s, d, f, out);
		break;
	case SF_SOURCE_BLOCK:
		view_block(s, d, f, out);
		break;
	case SF_RATE_LIMIT:
		view_rate(s, d, f, out);
		break;
	case SF_ALL_FAILED:
		view_answer(s, d, &d->fail, out);
		out->failures = f->failures;
		break;
	case SF_MX_DOWN:
		view_mx_down(s, d, f, out);
		break;
	case SF_NO_FAILURE:
		out->accepted = f->u.no_failure.accepted;
		out->last_ok = d->last_ok;
		break;
	}
}

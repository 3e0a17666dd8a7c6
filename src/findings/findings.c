/*
 * What a destination's counts say (findings/scope.h): each finding a
 * struct, in the order the report gives them.  Two findings compare
 * destinations: a RST in the server's name against the SYN-ACKs of the
 * same address on any port, and an MX that fails against another MX of the
 * domain on the same port.  For those, the first destination of each group
 * (same address; same domain and port) learns, in one pass over all
 * destinations, its group's first two candidates in report order.
 */
#include <string.h>

#include "findings/scope.h"
#include "internal.h"

/* Sets the group links' candidates, once after the last record:
 *   synack_first   the first with a SYN-ACK from the server,
 *   synack_second  the first whose SYN-ACKs came from another distance,
 *   accept_first   the first with an accepted attempt,
 *   accept_second  the first accepted at another address. */
static void
settle(struct scope *s)
{
	struct scope_dest *d, *g;
	uint32_t i;

	if (s->settled)
		return;
	for (i = 0; i < s->nd; i++) {
		d = dest_at(s, i);
		d->synack_first = d->synack_second = d->accept_first =
		    d->accept_second = HINDEX_NONE;
	}
	/* A group's first destination comes before its others. */
	for (i = 0; i < s->nd; i++) {
		d = dest_at(s, i);
		if (d->synack_hops >= 0 && d->same_server != HINDEX_NONE) {
			g = dest_at(s, d->same_server);
			if (g->synack_first == HINDEX_NONE)
				g->synack_first = i;
			else if (g->synack_second == HINDEX_NONE &&
			    dest_at(s, g->synack_first)->synack_hops != d->synack_hops)
				g->synack_second = i;
		}
		if (d->n[VC_ACCEPTED] > 0 && d->same_domain != HINDEX_NONE) {
			g = dest_at(s, d->same_domain);
			if (g->accept_first == HINDEX_NONE)
				g->accept_first = i;
			else if (g->accept_second == HINDEX_NONE &&
			    !addr_eq(&dest_at(s, g->accept_first)->server, &d->server))
				g->accept_second = i;
		}
	}
	s->settled = true;
}

static struct scope_finding *
add(struct scope_finding *out, int *n, enum scope_finding_kind kind,
    uint32_t dest, uint64_t failures)
{
	struct scope_finding *f = &out[(*n)++];

	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->dest = dest;
	f->failures = failures;
	return f;
}

/* Failures answered by the sending host or its first hop, and by a
 * router further on. */
static void
answered(const struct scope_dest *d, uint32_t i, struct scope_finding *out,
    int *n)
{
	uint64_t f = scope_failures(d->n);
	struct scope_finding *x;

	if (d->local.n > 0) {
		x = add(out, n, SF_LOCAL_BLOCK, i, f);
		x->u.answered.n = d->local.n;
		x->u.answered.by = d->local.by;
		x->u.answered.self = d->local.self;
		x->u.answered.first_hop = d->local.first_hop;
		x->u.answered.hops = -1;
	}
	if (d->hop.n > 0) {
		x = add(out, n, SF_MIDDLEBOX, i, f);
		x->u.answered.n = d->hop.n;
		x->u.answered.by = d->hop.by;
		x->u.answered.hops = d->hop.hops;
	}
}

/* A RST in the server's name from a distance its SYN-ACKs (on any port)
 * did not come from.  Returns whether it was found. */
static bool
forged_reset(const struct scope *s, const struct scope_dest *d, uint32_t i,
    struct scope_finding *out, int *n)
{
	const struct scope_dest *g;
	struct scope_finding *x;
	uint32_t o;

	if (d->rst.n == 0 || d->rst.hops < 0 || d->same_server == HINDEX_NONE)
		return false;
	g = dest_at(s, d->same_server);
	o = g->synack_first;
	if (o != HINDEX_NONE && dest_at(s, o)->synack_hops == d->rst.hops)
		o = g->synack_second;
	if (o == HINDEX_NONE)
		return false;
	x = add(out, n, SF_FORGED_RESET, i, scope_failures(d->n));
	x->u.forged.rst_hops = d->rst.hops;
	x->u.forged.synack_dest = o;
	x->u.forged.synack_hops = dest_at(s, o)->synack_hops;
	return true;
}

/* Sources that failed every time while others were accepted every time. */
static void
source_block(const struct scope_dest *d, uint32_t i,
    struct scope_finding *out, int *n)
{
	uint32_t k, nok = 0, nbad = 0;
	uint64_t ok = 0, bad = 0;
	struct scope_finding *x;

	for (k = 0; k < d->nsrc; k++) {
		const struct scope_source *src = &d->src[k];

		if (scope_source_accepted(src))
			nok++, ok += src->n[VC_ACCEPTED];
		if (scope_source_failed(src))
			nbad++, bad += scope_source_failures(src);
	}
	if (nbad == 0 || nok == 0)
		return;
	x = add(out, n, SF_SOURCE_BLOCK, i, scope_failures(d->n));
	x->u.block.nfailed = nbad;
	x->u.block.naccepted = nok;
	x->u.block.failed = bad;
	x->u.block.accepted = ok;
}

/* Accepted, then failing from some time on: failures (by first-SYN time)
 * after the last success.  A failure between successes is not a
 * transition. */
static void
rate_limits(const struct scope *s, const struct scope_dest *d, uint32_t i,
    struct scope_finding *out, int *n)
{
	const struct scope_fail *fail;
	struct scope_finding *x;
	uint32_t k;
	int j;

	for (k = 0; k < d->nsrc; k++) {
		const struct scope_source *src = &d->src[k];
		int after = 0, first = -1;

		if (src->last_ok == SCOPE_NONE || src->nfail == 0)
			continue;
		fail = fails_of(s, src);
		for (j = 0; j < src->nfail; j++)
			if (fail[j].ts > src->last_ok) {
				after++;
				if (first < 0 || fail[j].ts < fail[first].ts)
					first = j;
			}
		if (after == 0)
			continue;
		x = add(out, n, SF_RATE_LIMIT, i, scope_failures(d->n));
		x->u.rate.source = k;
		x->u.rate.accepted = src->n[VC_ACCEPTED];
		x->u.rate.last_ok = src->last_ok;
		x->u.rate.first_ts = fail[first].ts;
		x->u.rate.first_kind = fail[first].kind;
		x->u.rate.since = (uint32_t)after;
	}
}

/* Failing while another MX host of the domain accepts on the same port. */
static void
mx_down(const struct scope *s, const struct scope_dest *d, uint32_t i,
    struct scope_finding *out, int *n)
{
	const struct scope_dest *g;
	struct scope_finding *x;
	uint32_t o;

	if (d->same_domain == HINDEX_NONE)
		return;
	g = dest_at(s, d->same_domain);
	o = g->accept_first;
	if (o != HINDEX_NONE && addr_eq(&dest_at(s, o)->server, &d->server))
		o = g->accept_second;
	if (o == HINDEX_NONE)
		return;
	x = add(out, n, SF_MX_DOWN, i, scope_failures(d->n));
	x->u.mx_down.other = o;
	x->u.mx_down.accepted = dest_at(s, o)->n[VC_ACCEPTED];
}

int
scope_findings(struct scope *s, uint32_t i, struct scope_finding *out)
{
	const struct scope_dest *d;
	uint64_t f, ok;
	bool forged;
	int n = 0;

	if (i >= s->nd)
		return 0;
	settle(s);
	d = dest_at(s, i);
	f = scope_failures(d->n);
	ok = d->n[VC_ACCEPTED];
	answered(d, i, out, &n);
	forged = forged_reset(s, d, i, out, &n);
	source_block(d, i, out, &n);
	rate_limits(s, d, i, out, &n);
	/* The first three already name who answered instead of the
	 * recipient. */
	if (ok == 0 && f > 0 && d->local.n == 0 && d->hop.n == 0 &&
	    !forged)
		add(out, &n, SF_ALL_FAILED, i, f)->u.all_failed.nsources = d->nsrc;
	if (ok == 0 && f > 0)
		mx_down(s, d, i, out, &n);
	if (n == 0 && f == 0 && ok > 0)
		add(out, &n, SF_NO_FAILURE, i, f)->u.no_failure.accepted = ok;
	return n;
}

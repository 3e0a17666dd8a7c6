/* Scope aggregation and findings (findings/scope.h): records in, finding
 * structs out; the budget of destinations and sources. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "records.h"

#include "findings/scope.h"


#define SRC_A v4(192, 0, 2, 10)
#define SRC_B v4(192, 0, 2, 11)
#define MX1 v4(203, 0, 113, 25)
#define MX2 v4(203, 0, 113, 26)
#define MX3 v4(203, 0, 113, 27)
#define ROUTER v4(198, 51, 100, 1)

/* An attempt from client to server:port, first SYN at t seconds, decided
 * a second later, answered by the server at a hop distance of 2. */
static struct record
rec(struct addr client, struct addr server, uint16_t port, int64_t t,
    struct verdict v)
{
	return attempt(client, server, port, t * S, t * S + S, v);
}

static void
add(struct scope *s, struct addr client, struct addr server, uint16_t port,
    int64_t t, struct verdict v)
{
	struct record r = rec(client, server, port, t, v);

	scope_add(s, &r);
}

static struct scope_finding found[SCOPE_MAX_FINDINGS];

static int
findings(struct scope *s, uint32_t dest)
{
	memset(found, 0, sizeof found);
	return scope_findings(s, dest, found);
}

/* The one finding of a kind among n; fails when there is none. */
static const struct scope_finding *
the(int n, enum scope_finding_kind kind)
{
	for (int i = 0; i < n; i++)
		if (found[i].kind == kind)
			return &found[i];
	fail_msg("no finding of kind %d among %d", (int)kind, n);
	return NULL;
}

static bool
has(int n, enum scope_finding_kind kind)
{
	for (int i = 0; i < n; i++)
		if (found[i].kind == kind)
			return true;
	return false;
}

/* One source failed every time while another was accepted every time. */
static void
block_aimed_at_a_source(void **state)
{
	struct scope *s = scope_new(1);
	const struct scope_finding *f;
	int n;

	(void)state;
	add(s, SRC_A, MX1, 25, 1, verdict_syn_ack());
	add(s, SRC_B, MX1, 25, 2, verdict_reset());
	add(s, SRC_A, MX1, 25, 3, verdict_syn_ack());
	add(s, SRC_B, MX1, 25, 4, verdict_reset());
	add(s, SRC_B, MX1, 25, 5, verdict_reset());
	n = findings(s, 0);
	assert_int_equal(n, 1);
	f = the(n, SF_SOURCE_BLOCK);
	assert_int_equal(f->dest, 0);
	assert_int_equal(f->failures, 3);
	assert_int_equal(f->u.block.nfailed, 1);
	assert_int_equal(f->u.block.naccepted, 1);
	assert_int_equal(f->u.block.failed, 3);
	assert_int_equal(f->u.block.accepted, 2);
	assert_true(scope_source_accepted(&scope_dest(s, 0)->src[0]));
	assert_true(scope_source_failed(&scope_dest(s, 0)->src[1]));
	scope_free(s);
}

/* Accepted, then failing after the last success: the failures counted are
 * those whose first SYN came after it, whatever order the verdicts came
 * in. */
static void
rate_limiting(void **state)
{
	struct scope *s = scope_new(2);
	const struct scope_finding *f;
	int n;

	(void)state;
	add(s, SRC_A, MX1, 25, 10, verdict_syn_ack());
	add(s, SRC_A, MX1, 25, 40, verdict_no_response());	/* SYN at 40 */
	add(s, SRC_A, MX1, 25, 20, verdict_syn_ack());		/* the last success */
	add(s, SRC_A, MX1, 25, 15, verdict_reset());		/* before it */
	add(s, SRC_A, MX1, 25, 30, verdict_reset());
	add(s, SRC_A, MX1, 25, 35, verdict_reset());
	n = findings(s, 0);
	assert_int_equal(n, 1);
	f = the(n, SF_RATE_LIMIT);
	assert_int_equal(f->u.rate.source, 0);
	assert_int_equal(f->u.rate.accepted, 2);
	assert_int_equal(f->u.rate.last_ok, 20 * S);
	assert_int_equal(f->u.rate.first_ts, 30 * S);
	assert_string_equal(scope_kind(s, f->u.rate.first_kind)->reason, "reset");
	assert_int_equal(f->u.rate.since, 3);
	assert_int_equal(f->failures, 4);
	scope_free(s);
}

/* A failure between two successes is no transition; a success after the
 * failures takes them back. */
static void
no_rate_limiting_between_successes(void **state)
{
	struct scope *s = scope_new(3);
	int n;

	(void)state;
	add(s, SRC_A, MX1, 25, 1, verdict_syn_ack());
	add(s, SRC_A, MX1, 25, 2, verdict_reset());
	add(s, SRC_A, MX1, 25, 3, verdict_reset());
	add(s, SRC_A, MX1, 25, 4, verdict_syn_ack());
	n = findings(s, 0);
	assert_false(has(n, SF_RATE_LIMIT));
	assert_int_equal(n, 0);		/* mixed: no finding fits */
	scope_free(s);
}

/* The window keeps the latest SCOPE_MAX_FAILS failures of a source. */
static void
rate_limiting_window(void **state)
{
	struct scope *s = scope_new(4);
	const struct scope_finding *f;
	int i, n;

	(void)state;
	add(s, SRC_A, MX1, 25, 1, verdict_syn_ack());
	for (i = 0; i < SCOPE_MAX_FAILS + 6; i++)
		add(s, SRC_A, MX1, 25, 100 - i, verdict_reset());
	n = findings(s, 0);
	f = the(n, SF_RATE_LIMIT);
	assert_int_equal(f->u.rate.since, SCOPE_MAX_FAILS);
	assert_int_equal(f->u.rate.first_ts, (100 - SCOPE_MAX_FAILS + 1) * S);
	assert_int_equal(f->failures, SCOPE_MAX_FAILS + 6);
	assert_int_equal(scope_fails_not_kept(s), 0);
	scope_free(s);
}

static void
every_source_failed(void **state)
{
	struct scope *s = scope_new(5);
	const struct scope_finding *f;
	struct verdict hp;
	int n;

	(void)state;
	assert_true(verdict_icmp(4, 3, 10, &hp));
	add(s, SRC_A, MX1, 25, 1, verdict_reset());
	add(s, SRC_B, MX1, 25, 2, hp);
	add(s, SRC_B, MX1, 25, 3, verdict_no_response());
	n = findings(s, 0);
	assert_int_equal(n, 1);
	f = the(n, SF_ALL_FAILED);
	assert_int_equal(f->failures, 3);
	assert_int_equal(f->u.all_failed.nsources, 2);
	/* the distinct failure kinds, first seen first */
	assert_int_equal(scope_dest(s, 0)->nreasons, 3);
	assert_string_equal(scope_kind(s, scope_dest(s, 0)->reason[1])->reason,
	    "host-prohibited");
	assert_int_equal(scope_dest(s, 0)->nsamples, 3);
	scope_free(s);
}

/* Failures answered by a router on the path, and by the sending host:
 * they name who answered, so "every source failed" is not said. */
static void
middlebox_and_local(void **state)
{
	struct scope *s = scope_new(6);
	const struct scope_finding *f;
	struct verdict ap;
	struct record r;
	int n;

	(void)state;
	assert_true(verdict_icmp(4, 3, 13, &ap));
	r = rec(SRC_A, MX1, 25, 1, ap);
	r.responder = ROUTER;
	r.hops = 3;
	r.icmp_type = 3, r.icmp_code = 13;
	scope_add(s, &r);
	r = rec(SRC_A, MX1, 25, 2, verdict_reset());
	scope_add(s, &r);
	r = rec(SRC_A, MX2, 25, 3, ap);
	r.responder = SRC_A;		/* the sender's own REJECT rule */
	r.hops = 0;
	scope_add(s, &r);
	n = findings(s, 0);
	assert_int_equal(n, 1);
	f = the(n, SF_MIDDLEBOX);
	assert_int_equal(f->u.answered.n, 1);
	assert_int_equal(f->failures, 2);
	assert_true(is(&f->u.answered.by, ROUTER));
	assert_int_equal(f->u.answered.hops, 3);
	n = findings(s, 1);
	assert_int_equal(n, 1);
	f = the(n, SF_LOCAL_BLOCK);
	assert_true(f->u.answered.self);
	assert_true(is(&f->u.answered.by, SRC_A));
	scope_free(s);
}

/* RSTs in the server's name from a distance its SYN-ACKs (on another
 * port) did not come from; the first destination in order whose
 * distance differs is named. */
static void
forged_resets(void **state)
{
	struct scope *s = scope_new(7);
	const struct scope_finding *f;
	struct record r;
	int n;

	(void)state;
	r = rec(SRC_A, MX1, 25, 1, verdict_reset());
	r.hops = 5;
	scope_add(s, &r);
	r = rec(SRC_A, MX1, 465, 2, verdict_syn_ack());
	r.hops = 5;			/* same distance: no contradiction */
	scope_add(s, &r);
	r = rec(SRC_A, MX1, 587, 3, verdict_syn_ack());
	r.hops = 2;
	scope_add(s, &r);
	add(s, SRC_A, MX2, 587, 4, verdict_syn_ack());	/* another address */
	n = findings(s, 0);
	assert_int_equal(n, 1);
	f = the(n, SF_FORGED_RESET);
	assert_int_equal(f->u.forged.rst_hops, 5);
	assert_int_equal(f->u.forged.synack_dest, 2);
	assert_int_equal(scope_dest(s, f->u.forged.synack_dest)->port, 587);
	assert_int_equal(f->u.forged.synack_hops, 2);
	scope_free(s);

	/* RST and SYN-ACK from the same distance: the server's own RST. */
	s = scope_new(8);
	add(s, SRC_A, MX1, 25, 1, verdict_reset());
	add(s, SRC_A, MX1, 587, 2, verdict_syn_ack());
	n = findings(s, 0);
	assert_false(has(n, SF_FORGED_RESET));
	assert_true(has(n, SF_ALL_FAILED));
	scope_free(s);
}

/* A correction (a forged RST the client ignored, then the server's
 * SYN-ACK) moves the attempt: one attempt, accepted, no failure left to
 * the source or the destination, while the forged RST is still found. */
static void
correction_counts_once(void **state)
{
	struct scope *s = scope_new(10);
	const struct scope_dest *d;
	struct record r;
	int n;

	(void)state;
	r = rec(SRC_A, MX1, 25, 1, verdict_reset());
	r.hops = 24;
	scope_add(s, &r);
	r = rec(SRC_A, MX1, 25, 1, verdict_syn_ack());
	r.correction = true;
	r.corrects = verdict_reset();
	scope_add(s, &r);
	d = scope_dest(s, 0);
	assert_int_equal(d->n[VC_ACCEPTED], 1);
	assert_int_equal(d->n[VC_REFUSED], 0);
	assert_int_equal(d->fail.n, 0);
	assert_true(d->fail.first == SCOPE_NONE);
	assert_int_equal(d->nsrc, 1);
	assert_int_equal(d->src[0].n[VC_REFUSED], 0);
	assert_true(d->src[0].first_fail == SCOPE_NONE);
	n = findings(s, 0);
	assert_true(has(n, SF_FORGED_RESET));
	assert_false(has(n, SF_ALL_FAILED));
	scope_free(s);
}

/* A RST in the server's name that the first hop made: a local block in
 * the server's name, not a forged reset nor the server's failure, even
 * beside SYN-ACKs from another distance. */
static void
first_hop_resets(void **state)
{
	struct scope *s = scope_new(9);
	const struct scope_finding *f;
	struct record r;
	int n;

	(void)state;
	r = rec(SRC_A, MX1, 25, 1, verdict_reset());
	r.hops = 0;
	r.responder_first_hop = true;
	scope_add(s, &r);
	r = rec(SRC_A, MX1, 587, 2, verdict_syn_ack());
	r.hops = 1;
	scope_add(s, &r);
	assert_int_equal(scope_dest(s, 0)->rst.n, 0);
	n = findings(s, 0);
	assert_int_equal(n, 1);
	f = the(n, SF_LOCAL_BLOCK);
	assert_true(f->u.answered.first_hop);
	assert_false(f->u.answered.self);
	assert_true(is(&f->u.answered.by, MX1));
	assert_int_equal(f->u.answered.n, 1);
	assert_true(scope_dest(s, 0)->sample[0].first_hop);
	scope_free(s);
}

static void
probe_add(struct scope *s, struct addr server, uint16_t port, const char *mx,
    int pref, int64_t t, struct verdict v)
{
	struct record r = rec(SRC_A, server, port, t, v);
	struct origin o = { mx, "example.test", pref, 0, 0, 0, 0 };

	r.origin = &o;
	scope_add(s, &r);
}

/* One MX of a domain failing while another accepts on the same port. */
static void
one_mx_down(void **state)
{
	struct scope *s = scope_new(9);
	const struct scope_finding *f;
	int n;

	(void)state;
	probe_add(s, MX1, 25, "mx1.example.test", 10, 1, verdict_reset());
	/* neither the same host on another port, nor another on another */
	probe_add(s, MX1, 587, "mx1.example.test", 10, 1, verdict_syn_ack());
	probe_add(s, MX3, 587, "mx3.example.test", 30, 1, verdict_syn_ack());
	probe_add(s, MX2, 25, "mx2.example.test", 20, 2, verdict_syn_ack());
	probe_add(s, MX2, 25, "mx2.example.test", 20, 3, verdict_syn_ack());
	assert_string_equal(scope_dest(s, 0)->mx, "mx1.example.test");
	assert_int_equal(scope_dest(s, 0)->mx_pref, 10);
	n = findings(s, 0);
	assert_int_equal(n, 2);
	assert_int_equal(found[0].kind, SF_ALL_FAILED);
	f = the(n, SF_MX_DOWN);
	assert_int_equal(f->u.mx_down.other, 3);
	assert_int_equal(f->u.mx_down.accepted, 2);
	assert_int_equal(f->failures, 1);
	n = findings(s, 3);
	assert_int_equal(n, 1);
	assert_int_equal(the(n, SF_NO_FAILURE)->u.no_failure.accepted, 2);
	scope_free(s);
}

/* Past SCOPE_MAX_DESTS destinations, attempts count as "other";
 * destinations already listed go on counting. */
static void
destination_budget(void **state)
{
	struct scope *s = scope_new(10);
	uint32_t i;

	(void)state;
	for (i = 0; i < SCOPE_MAX_DESTS + 5; i++)
		add(s, SRC_A, v4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
		    (uint8_t)i), 25, 1, verdict_syn_ack());
	add(s, SRC_A, v4(10, 0, 0, 7), 25, 2, verdict_reset());
	assert_int_equal(scope_ndests(s), SCOPE_MAX_DESTS);
	assert_int_equal(scope_other_dests(s), 5);
	assert_int_equal(scope_dest(s, 7)->n[VC_ACCEPTED], 1);
	assert_int_equal(scope_dest(s, 7)->n[VC_REFUSED], 1);
	i = SCOPE_MAX_DESTS - 1;
	assert_true(is(&scope_dest(s, i)->server,
	    v4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i)));
	assert_null(scope_dest(s, SCOPE_MAX_DESTS));
	scope_free(s);
}

/* Source i of many: 10.1.0.0 and on, 65536 of them. */
static struct addr
nth_source(uint32_t i)
{
	return v4(10, 1, (uint8_t)(i >> 8), (uint8_t)i);
}

/* The budget keeps the sources of a site with a thousand sending
 * addresses. */
_Static_assert(SCOPE_MAX_SOURCES >= 1000, "a thousand sources of one "
    "destination are kept");

/* Exactly SCOPE_MAX_SOURCES sources of a destination: every one listed,
 * nothing counted as further sources. */
static void
source_budget_full(void **state)
{
	struct scope *s = scope_new(11);
	const struct scope_dest *d;
	const struct scope_finding *f;
	uint32_t i;
	int n;

	(void)state;
	for (i = 0; i < SCOPE_MAX_SOURCES; i++)
		add(s, nth_source(i), MX1, 25, i, verdict_reset());
	for (i = 0; i < SCOPE_MAX_SOURCES; i++)	/* each again: found, not new */
		add(s, nth_source(i), MX1, 25, 5000 + i, verdict_reset());
	d = scope_dest(s, 0);
	assert_int_equal(d->nsrc, SCOPE_MAX_SOURCES);
	assert_int_equal(d->other_sources, 0);
	for (i = 0; i < SCOPE_MAX_SOURCES; i++) {
		assert_true(is(scope_source_addr(s, &d->src[i]),
		    nth_source(i)));
		assert_int_equal(d->src[i].n[VC_REFUSED], 2);
	}
	n = findings(s, 0);
	assert_int_equal(n, 1);
	f = the(n, SF_ALL_FAILED);
	assert_int_equal(f->u.all_failed.nsources, SCOPE_MAX_SOURCES);
	assert_int_equal(f->failures, 2 * SCOPE_MAX_SOURCES);
	scope_free(s);
}

/* One source more than SCOPE_MAX_SOURCES: its attempts count in the
 * destination's totals and as "from further sources", not in findings. */
static void
source_budget_one_more(void **state)
{
	struct scope *s = scope_new(11);
	const struct scope_dest *d;
	uint32_t i;

	(void)state;
	for (i = 0; i <= SCOPE_MAX_SOURCES; i++)
		add(s, nth_source(i), MX1, 25, i,
		    i < SCOPE_MAX_SOURCES ? verdict_syn_ack() : verdict_reset());
	add(s, nth_source(SCOPE_MAX_SOURCES), MX1, 25, 9000, verdict_reset());
	add(s, nth_source(0), MX1, 25, 9001, verdict_syn_ack());
	d = scope_dest(s, 0);
	assert_int_equal(d->nsrc, SCOPE_MAX_SOURCES);
	assert_int_equal(d->other_sources, 2);
	assert_int_equal(d->n[VC_ACCEPTED], SCOPE_MAX_SOURCES + 1);
	assert_int_equal(d->n[VC_REFUSED], 2);
	assert_int_equal(d->src[0].n[VC_ACCEPTED], 2);
	assert_true(is(scope_source_addr(s, &d->src[SCOPE_MAX_SOURCES - 1]),
	    nth_source(SCOPE_MAX_SOURCES - 1)));
	assert_int_equal(d->fail.first, SCOPE_NONE);	/* listed sources only */
	assert_int_equal(d->nreasons, 0);
	scope_free(s);
}

/* Every source of a full destination accepted, then failing: one rate
 * limiting finding each, and the local and middlebox findings beside
 * them, within SCOPE_MAX_FINDINGS. */
static void
findings_of_a_full_destination(void **state)
{
	struct scope *s = scope_new(13);
	struct scope_finding *many;
	struct record r;
	uint32_t i;
	int n;

	(void)state;
	for (i = 0; i < SCOPE_MAX_SOURCES; i++) {
		add(s, nth_source(i), MX1, 25, 1, verdict_syn_ack());
		r = rec(nth_source(i), MX1, 25, 2, verdict_reset());
		if (i == 0)
			r.responder = ROUTER, r.hops = 3;
		if (i == 1)
			r.responder = nth_source(1), r.hops = 0;
		scope_add(s, &r);
	}
	many = calloc(SCOPE_MAX_FINDINGS, sizeof *many);
	assert_non_null(many);
	n = scope_findings(s, 0, many);
	assert_int_equal(n, SCOPE_MAX_SOURCES + 2);
	assert_true(n <= SCOPE_MAX_FINDINGS);
	assert_int_equal(many[0].kind, SF_LOCAL_BLOCK);
	assert_int_equal(many[1].kind, SF_MIDDLEBOX);
	assert_int_equal(many[n - 1].kind, SF_RATE_LIMIT);
	assert_int_equal(many[n - 1].u.rate.source, SCOPE_MAX_SOURCES - 1);
	free(many);
	scope_free(s);
}

/* The last source of the last destination (the largest position in
 * the largest index), found again as itself. */
static void
pair_index_at_the_top(void **state)
{
	struct scope *s = scope_new(14);
	const struct scope_dest *d;
	uint32_t i, last = SCOPE_MAX_DESTS - 1;
	struct addr top = v4(10, 2, (uint8_t)(last >> 16), (uint8_t)(last >> 8));

	(void)state;
	top.b[3] = (uint8_t)last;
	for (i = 0; i < last; i++)
		add(s, SRC_A, v4(10, 2, (uint8_t)(i >> 16), (uint8_t)(i >> 8)),
		    (uint16_t)(i & 0xff) + 1, 1, verdict_syn_ack());
	for (i = 0; i < SCOPE_MAX_SOURCES; i++)
		add(s, nth_source(i), top, 25, 1, verdict_syn_ack());
	add(s, nth_source(SCOPE_MAX_SOURCES - 1), top, 25, 2, verdict_reset());
	assert_int_equal(scope_ndests(s), SCOPE_MAX_DESTS);
	d = scope_dest(s, last);
	assert_true(is(&d->server, top));
	assert_int_equal(d->nsrc, SCOPE_MAX_SOURCES);
	assert_int_equal(d->other_sources, 0);
	assert_int_equal(d->src[SCOPE_MAX_SOURCES - 1].n[VC_REFUSED], 1);
	assert_int_equal(d->src[SCOPE_MAX_SOURCES - 1].n[VC_ACCEPTED], 1);
	scope_free(s);
}

/* The same addresses as sources of three destinations, first seen in
 * other orders: each destination lists its own, in its own order, with
 * its own counts, through every growth of its index. */
static void
shared_sources_apart(void **state)
{
	struct scope *s = scope_new(15);
	const struct addr mx[3] = { MX1, MX2, MX3 };
	const struct scope_dest *d;
	uint32_t i, j, n = 300, k;

	(void)state;
	for (i = 0; i < n; i++)
		for (j = 0; j < 3; j++) {
			k = j == 0 ? i : j == 1 ? n - 1 - i : (i * 7) % n;
			add(s, nth_source(k), mx[j], 25, i, verdict_syn_ack());
			if (k % (j + 2) == 0)
				add(s, nth_source(k), mx[j], 25, n + i,
				    verdict_reset());
		}
	assert_int_equal(scope_ndests(s), 3);
	for (j = 0; j < 3; j++) {
		d = scope_dest(s, j);
		assert_int_equal(d->nsrc, n);
		for (i = 0; i < n; i++) {
			k = j == 0 ? i : j == 1 ? n - 1 - i : (i * 7) % n;
			assert_true(is(scope_source_addr(s, &d->src[i]),
			    nth_source(k)));
			assert_int_equal(d->src[i].n[VC_ACCEPTED], 1);
			assert_int_equal(d->src[i].n[VC_REFUSED],
			    k % (j + 2) == 0);
		}
	}
	scope_free(s);
}

static struct addr seen[16];
static bool seen_as_source[16];
static int nseen;

static void
collect(void *ctx, const struct addr *a, bool source)
{
	(void)ctx;
	assert_true(nseen < 16);
	seen[nseen] = *a;
	seen_as_source[nseen++] = source;
}

/* What the report names, in report order, once per role. */
static void
addresses_wanted(void **state)
{
	struct scope *s = scope_new(12);

	(void)state;
	add(s, SRC_A, MX1, 25, 1, verdict_syn_ack());
	add(s, SRC_B, MX1, 587, 2, verdict_syn_ack());
	add(s, SRC_A, MX2, 25, 3, verdict_syn_ack());
	add(s, MX1, SRC_A, 25, 4, verdict_syn_ack());	/* roles swapped */
	nseen = 0;
	assert_int_equal(scope_addresses(s, collect, NULL), 0);
	assert_int_equal(nseen, 6);
	assert_true(is(&seen[0], MX1) && !seen_as_source[0]);
	assert_true(is(&seen[1], SRC_A) && seen_as_source[1]);
	assert_true(is(&seen[2], SRC_B) && seen_as_source[2]);
	assert_true(is(&seen[3], MX2) && !seen_as_source[3]);
	assert_true(is(&seen[4], SRC_A) && !seen_as_source[4]);
	assert_true(is(&seen[5], MX1) && seen_as_source[5]);
	scope_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(block_aimed_at_a_source),
		cmocka_unit_test(rate_limiting),
		cmocka_unit_test(no_rate_limiting_between_successes),
		cmocka_unit_test(rate_limiting_window),
		cmocka_unit_test(every_source_failed),
		cmocka_unit_test(middlebox_and_local),
		cmocka_unit_test(forged_resets),
		cmocka_unit_test(first_hop_resets),
		cmocka_unit_test(one_mx_down),
		cmocka_unit_test(destination_budget),
		cmocka_unit_test(source_budget_full),
		cmocka_unit_test(source_budget_one_more),
		cmocka_unit_test(findings_of_a_full_destination),
		cmocka_unit_test(pair_index_at_the_top),
		cmocka_unit_test(shared_sources_apart),
		cmocka_unit_test(correction_counts_once),
		cmocka_unit_test(addresses_wanted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

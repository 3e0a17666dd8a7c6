/* The whole run's findings as struct finding (scope_finding_view), and
 * the names of finding.h's values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "records.h"

#include "findings/finding.h"
#include "findings/scope.h"


#define SRC_A v4(192, 0, 2, 10)
#define SRC_B v4(192, 0, 2, 11)
#define SRC_C v4(192, 0, 2, 12)
#define MX1 v4(203, 0, 113, 25)
#define MX2 v4(203, 0, 113, 26)
#define ROUTER v4(198, 51, 100, 1)
#define GATEWAY v4(192, 0, 2, 1)

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
static struct finding view;

/* The view of destination dest's finding of a kind; fails when there is
 * none. */
static const struct finding *
view_of(struct scope *s, uint32_t dest, enum scope_finding_kind kind)
{
	int i, n = scope_findings(s, dest, found);

	for (i = 0; i < n; i++)
		if (found[i].kind == kind) {
			memset(&view, 0xa5, sizeof view);	/* the view sets all */
			scope_finding_view(s, &found[i], &view);
			return &view;
		}
	fail_msg("no finding of kind %d among %d", (int)kind, n);
	return NULL;
}

static struct verdict
icmp(int type, int code)
{
	struct verdict v;

	assert_true(verdict_icmp(4, type, code, &v));
	return v;
}

static void
names(void **state)
{
	static const char *const kinds[FK_COUNT] = {
		"local_block", "middlebox", "forged_reset", "source_block",
		"rate_limit", "all_failed", "mx_down", "no_failure",
	};
	int k;

	(void)state;
	for (k = 0; k < FK_COUNT; k++)
		assert_string_equal(finding_kind_name((enum finding_kind)k),
		    kinds[k]);
	assert_string_equal(finding_kind_name(FK_COUNT), "?");
	assert_string_equal(finding_state_name(FS_STARTED), "started");
	assert_string_equal(finding_state_name(FS_CHANGED), "changed");
	assert_string_equal(finding_state_name(FS_ENDED), "ended");
	assert_string_equal(finding_state_name(FS_FINAL), "final");
	assert_string_equal(finding_state_name((enum finding_state)9), "?");
	assert_null(finding_end_name(FE_NONE));
	assert_string_equal(finding_end_name(FE_ACCEPTED), "accepted");
	assert_string_equal(finding_end_name(FE_QUIET), "quiet");
	assert_string_equal(finding_end_name(FE_EVICTED), "evicted");
	assert_string_equal(finding_end_name(FE_CHANGED_KIND), "changed_kind");
}

/* The sending host's own REJECT, then its first hop's: the latest by
 * first SYN names the responder, whatever order the verdicts came in. */
static void
local_block(void **state)
{
	struct scope *s = scope_new(1);
	const struct finding *f;
	struct record r;

	(void)state;
	add(s, SRC_B, MX1, 25, 1, verdict_syn_ack());
	r = rec(SRC_A, MX1, 25, 9, icmp(3, 10));
	r.responder = GATEWAY;
	r.hops = 0;
	scope_add(s, &r);
	r = rec(SRC_A, MX1, 25, 5, icmp(3, 3));
	r.responder = SRC_A;
	r.hops = 0;
	scope_add(s, &r);
	f = view_of(s, 0, SF_LOCAL_BLOCK);
	assert_int_equal(f->kind, FK_LOCAL_BLOCK);
	assert_int_equal(f->state, FS_FINAL);
	assert_int_equal(f->end, FE_NONE);
	assert_int_equal(f->ts, 10 * S);
	assert_int_equal(f->started, INT64_MIN);
	assert_true(is(&f->server, MX1));
	assert_int_equal(f->port, 25);
	assert_null(f->mx);
	assert_null(f->domain);
	assert_int_equal(f->mx_pref, -1);
	assert_int_equal(f->failures, 2);
	assert_int_equal(f->first_fail, 5 * S);
	assert_int_equal(f->last_fail, 9 * S);
	assert_int_equal(f->cls, VC_PROHIBITED);
	assert_string_equal(f->reason, "host-prohibited");
	assert_true(is(&f->responder, GATEWAY));
	assert_false(f->responder_is_server);
	assert_int_equal(f->hops, 0);
	assert_int_equal(f->accepted, 1);
	assert_int_equal(f->last_ok, 1 * S);
	assert_int_equal(f->nsources, 2);
	assert_int_equal(f->nfailed, 1);
	assert_true(is(&f->failed[0].a, SRC_A));
	assert_null(f->failed[0].sensor);
	assert_int_equal(f->naccepted, 1);
	assert_true(is(&f->ok[0].a, SRC_B));
	assert_int_equal(f->sensors_failed, 1);
	assert_int_equal(f->sensors_seen, 1);
	assert_int_equal(f->synack_hops, -1);
	assert_int_equal(f->other_server.family, 0);
	assert_null(f->other_mx);
	assert_true(f->not_recipient);
	assert_false(f->one_source);
	/* a source both accepted and refused: concerned (it failed), and
	 * its acceptances are not among those compared with */
	add(s, SRC_C, MX1, 25, 7, verdict_syn_ack());
	add(s, SRC_C, MX1, 25, 8, verdict_reset());
	f = view_of(s, 0, SF_LOCAL_BLOCK);
	assert_int_equal(f->failures, 2);
	assert_int_equal(f->accepted, 1);
	assert_int_equal(f->last_ok, 1 * S);
	assert_int_equal(f->nfailed, 2);
	assert_true(is(&f->failed[1].a, SRC_C));
	assert_int_equal(f->naccepted, 1);
	assert_int_equal(f->nsources, 3);
	scope_free(s);
}

static void
middlebox(void **state)
{
	struct scope *s = scope_new(2);
	const struct finding *f;
	struct record r;

	(void)state;
	r = rec(SRC_A, MX1, 25, 3, icmp(3, 13));
	r.responder = ROUTER;
	r.hops = 4;
	scope_add(s, &r);
	add(s, SRC_A, MX1, 25, 4, verdict_reset());	/* the server's own */
	f = view_of(s, 0, SF_MIDDLEBOX);
	assert_int_equal(f->kind, FK_MIDDLEBOX);
	assert_int_equal(f->failures, 1);
	assert_int_equal(f->first_fail, 3 * S);
	assert_int_equal(f->last_fail, 3 * S);
	assert_int_equal(f->cls, VC_PROHIBITED);
	assert_string_equal(f->reason, "admin-prohibited");
	assert_true(is(&f->responder, ROUTER));
	assert_false(f->responder_is_server);
	assert_int_equal(f->hops, 4);
	assert_int_equal(f->accepted, 0);
	assert_int_equal(f->last_ok, INT64_MIN);
	assert_int_equal(f->nfailed, 1);
	assert_int_equal(f->naccepted, 0);
	assert_true(f->not_recipient);
	assert_true(f->one_source);
	scope_free(s);
}

/* RSTs in the server's name from 5 hops, SYN-ACKs on 587 from 2. */
static void
forged_reset(void **state)
{
	struct scope *s = scope_new(3);
	const struct finding *f;
	struct record r;

	(void)state;
	r = rec(SRC_A, MX1, 25, 1, verdict_reset());
	r.hops = 5;
	scope_add(s, &r);
	r = rec(SRC_A, MX1, 587, 2, verdict_syn_ack());
	scope_add(s, &r);
	r = rec(SRC_A, MX1, 587, 6, verdict_syn_ack());
	scope_add(s, &r);
	f = view_of(s, 0, SF_FORGED_RESET);
	assert_int_equal(f->kind, FK_FORGED_RESET);
	assert_int_equal(f->failures, 1);
	assert_int_equal(f->cls, VC_REFUSED);
	assert_string_equal(f->reason, "reset");
	assert_true(is(&f->responder, MX1));
	assert_true(f->responder_is_server);
	assert_int_equal(f->hops, 5);
	assert_int_equal(f->synack_hops, 2);
	assert_int_equal(f->synack_port, 587);
	assert_int_equal(f->accepted, 2);
	assert_int_equal(f->last_ok, 6 * S);
	assert_int_equal(f->ts, 7 * S);
	assert_true(f->not_recipient);
	scope_free(s);
}

/* Two sources always refused, one always accepted, one mixed. */
static void
source_block(void **state)
{
	struct scope *s = scope_new(4);
	const struct finding *f;

	(void)state;
	add(s, SRC_A, MX1, 25, 1, verdict_syn_ack());
	add(s, SRC_A, MX1, 25, 8, verdict_syn_ack());
	add(s, SRC_B, MX1, 25, 3, verdict_reset());
	add(s, SRC_C, MX1, 25, 2, verdict_no_response());
	add(s, SRC_C, MX1, 25, 6, verdict_reset());
	add(s, MX2, MX1, 25, 7, verdict_reset());	/* mixed: */
	add(s, MX2, MX1, 25, 9, verdict_syn_ack());	/* in neither list */
	f = view_of(s, 0, SF_SOURCE_BLOCK);
	assert_int_equal(f->kind, FK_SOURCE_BLOCK);
	assert_false(f->not_recipient);
	assert_int_equal(f->failures, 3);
	assert_int_equal(f->accepted, 2);
	assert_int_equal(f->first_fail, 2 * S);
	assert_int_equal(f->last_fail, 6 * S);
	assert_int_equal(f->cls, VC_REFUSED);
	assert_string_equal(f->reason, "reset");
	assert_int_equal(f->last_ok, 8 * S);
	assert_int_equal(f->nsources, 4);
	assert_int_equal(f->nfailed, 2);
	assert_true(is(&f->failed[0].a, SRC_B));
	assert_true(is(&f->failed[1].a, SRC_C));
	assert_int_equal(f->naccepted, 1);
	assert_true(is(&f->ok[0].a, SRC_A));
	/* the destination's latest failure (7 s) is the mixed source's:
	 * who answered SRC_C's at 6 s is not kept */
	assert_int_equal(f->responder.family, 0);
	assert_int_equal(f->hops, -1);
	scope_free(s);

	/* ... and when it is a blocked source's, it is known */
	s = scope_new(5);
	add(s, SRC_A, MX1, 25, 1, verdict_syn_ack());
	add(s, SRC_B, MX1, 25, 3, verdict_reset());
	f = view_of(s, 0, SF_SOURCE_BLOCK);
	assert_true(is(&f->responder, MX1));
	assert_true(f->responder_is_server);
	assert_int_equal(f->hops, 2);
	scope_free(s);
}

static void
rate_limit(void **state)
{
	struct scope *s = scope_new(6);
	const struct finding *f;

	(void)state;
	add(s, SRC_A, MX1, 25, 10, verdict_syn_ack());
	add(s, SRC_A, MX1, 25, 20, verdict_syn_ack());
	add(s, SRC_A, MX1, 25, 40, verdict_no_response());
	add(s, SRC_A, MX1, 25, 30, verdict_reset());
	add(s, SRC_A, MX1, 25, 15, verdict_reset());	/* before the last ok */
	f = view_of(s, 0, SF_RATE_LIMIT);
	assert_int_equal(f->kind, FK_RATE_LIMIT);
	assert_false(f->not_recipient);
	assert_true(f->one_source);
	assert_int_equal(f->failures, 2);
	assert_int_equal(f->first_fail, 30 * S);
	assert_int_equal(f->last_fail, 40 * S);
	assert_int_equal(f->cls, VC_DROPPED);
	assert_string_equal(f->reason, "no-response");
	assert_int_equal(f->responder.family, 0);	/* dropped: nobody */
	assert_int_equal(f->hops, -1);
	assert_int_equal(f->accepted, 2);
	assert_int_equal(f->last_ok, 20 * S);
	assert_int_equal(f->nfailed, 1);
	assert_true(is(&f->failed[0].a, SRC_A));
	assert_int_equal(f->naccepted, 0);
	assert_int_equal(f->ts, 41 * S);
	scope_free(s);
}

/* Every source failed: one source, then two. */
static void
all_failed(void **state)
{
	struct scope *s = scope_new(7);
	const struct finding *f;

	(void)state;
	add(s, SRC_A, MX1, 25, 4, verdict_reset());
	add(s, SRC_A, MX1, 25, 2, icmp(3, 10));
	f = view_of(s, 0, SF_ALL_FAILED);
	assert_int_equal(f->kind, FK_ALL_FAILED);
	assert_true(f->one_source);
	assert_false(f->not_recipient);
	assert_int_equal(f->failures, 2);
	assert_int_equal(f->first_fail, 2 * S);
	assert_int_equal(f->last_fail, 4 * S);
	assert_int_equal(f->cls, VC_REFUSED);
	assert_true(is(&f->responder, MX1));
	assert_true(f->responder_is_server);
	assert_int_equal(f->hops, 2);
	assert_int_equal(f->accepted, 0);
	assert_int_equal(f->last_ok, INT64_MIN);
	assert_int_equal(f->nfailed, 1);
	add(s, SRC_B, MX1, 25, 5, verdict_no_response());
	f = view_of(s, 0, SF_ALL_FAILED);
	assert_false(f->one_source);
	assert_int_equal(f->nfailed, 2);
	assert_int_equal(f->nsources, 2);
	assert_int_equal(f->cls, VC_DROPPED);
	assert_int_equal(f->responder.family, 0);
	scope_free(s);
}

static void
probe_add(struct scope *s, struct addr server, const char *mx, int pref,
    int64_t t, struct verdict v)
{
	struct record r = rec(SRC_A, server, 25, t, v);
	struct origin o = { mx, "example.test", pref, 0, 0, 0, 0 };

	r.origin = &o;
	scope_add(s, &r);
}

static void
mx_down(void **state)
{
	struct scope *s = scope_new(8);
	const struct finding *f;

	(void)state;
	probe_add(s, MX1, "mx1.example.test", 10, 1, verdict_reset());
	probe_add(s, MX2, "mx2.example.test", 20, 2, verdict_syn_ack());
	probe_add(s, MX2, "mx2.example.test", 20, 3, verdict_syn_ack());
	f = view_of(s, 0, SF_MX_DOWN);
	assert_int_equal(f->kind, FK_MX_DOWN);
	assert_string_equal(f->mx, "mx1.example.test");
	assert_string_equal(f->domain, "example.test");
	assert_int_equal(f->mx_pref, 10);
	assert_int_equal(f->failures, 1);
	assert_int_equal(f->cls, VC_REFUSED);
	assert_true(is(&f->other_server, MX2));
	assert_string_equal(f->other_mx, "mx2.example.test");
	assert_int_equal(f->other_accepted, 2);
	assert_int_equal(f->accepted, 2);
	assert_int_equal(f->last_ok, 3 * S);
	assert_int_equal(f->nfailed, 1);
	assert_int_equal(f->naccepted, 0);
	assert_false(f->not_recipient);
	f = view_of(s, 1, SF_NO_FAILURE);
	assert_int_equal(f->kind, FK_NO_FAILURE);
	assert_int_equal(f->failures, 0);
	assert_int_equal(f->accepted, 2);
	assert_int_equal(f->last_ok, 3 * S);
	assert_int_equal(f->first_fail, INT64_MIN);
	assert_int_equal(f->last_fail, INT64_MIN);
	assert_int_equal(f->cls, VC_ACCEPTED);
	assert_null(f->reason);
	assert_int_equal(f->nfailed, 0);
	assert_int_equal(f->naccepted, 1);
	assert_true(is(&f->ok[0].a, SRC_A));
	assert_true(f->one_source);
	assert_false(f->not_recipient);
	scope_free(s);
}

/* More failing sources than a finding lists: all counted, the first
 * listed; sensors told apart by name, each source's from its first
 * record. */
static void
sources_and_sensors(void **state)
{
	static const char *const names[] = { "mta1", "mta2", "mta3" };
	char again[8] = "mta1";		/* the same name at another address */
	struct scope *s = scope_new(9);
	const struct finding *f;
	struct record r;
	uint32_t i, n = FINDING_MAX_LISTED + 4;

	(void)state;
	for (i = 0; i < n; i++) {
		r = rec(v4(10, 0, 0, (uint8_t)i), MX1, 25, i, verdict_reset());
		r.sensor = i < 3 ? names[i] : i == 3 ? again : NULL;
		scope_add(s, &r);
		r.sensor = names[2];	/* later records: not the source's */
		r.first_syn_us += 100 * S;
		scope_add(s, &r);
	}
	r = rec(SRC_A, MX1, 25, 1, verdict_syn_ack());
	r.sensor = "mta9";
	scope_add(s, &r);
	r = rec(SRC_A, MX2, 25, 1, verdict_syn_ack());
	r.sensor = "mta9";
	scope_add(s, &r);
	f = view_of(s, 0, SF_SOURCE_BLOCK);
	assert_int_equal(f->nfailed, n);
	assert_int_equal(f->naccepted, 1);
	assert_int_equal(f->nsources, n + 1);
	for (i = 0; i < FINDING_MAX_LISTED; i++)
		assert_true(is(&f->failed[i].a, v4(10, 0, 0, (uint8_t)i)));
	assert_string_equal(f->failed[0].sensor, "mta1");
	assert_ptr_equal(f->failed[0].sensor, names[0]);
	assert_string_equal(f->failed[1].sensor, "mta2");
	assert_string_equal(f->failed[2].sensor, "mta3");
	assert_ptr_equal(f->failed[3].sensor, names[0]);	/* by name */
	assert_null(f->failed[4].sensor);
	assert_string_equal(f->ok[0].sensor, "mta9");
	assert_int_equal(f->sensors_failed, 4);	/* mta1-3, this host */
	assert_int_equal(f->sensors_seen, 5);
	/* the stamps start afresh on each count */
	f = view_of(s, 0, SF_SOURCE_BLOCK);
	assert_int_equal(f->sensors_failed, 4);
	assert_int_equal(f->sensors_seen, 5);
	f = view_of(s, 1, SF_NO_FAILURE);
	assert_int_equal(f->sensors_failed, 0);
	assert_int_equal(f->sensors_seen, 1);
	assert_string_equal(f->ok[0].sensor, "mta9");
	scope_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(local_block),
		cmocka_unit_test(middlebox),
		cmocka_unit_test(forged_reset),
		cmocka_unit_test(source_block),
		cmocka_unit_test(rate_limit),
		cmocka_unit_test(all_failed),
		cmocka_unit_test(mx_down),
		cmocka_unit_test(sources_and_sensors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Windowed findings (findings/stream.h): synthetic record sequences at the
 * boundaries of each kind, the window's edges, expiry and the budget. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "records.h"

#include "findings/stream.h"

#define W 60		/* the window of most tests, seconds */

#define SRC_A v4(192, 0, 2, 10)
#define SRC_B v4(192, 0, 2, 11)
#define SRC_C v4(192, 0, 2, 12)
#define MX1 v4(203, 0, 113, 25)
#define MX2 v4(203, 0, 113, 26)
#define ROUTER v4(198, 51, 100, 1)

/* What the stream emitted, in order. */
static struct finding ev[256];
static int nev;
static int counts[FK_COUNT][FS_FINAL + 1];	/* of all of them */
static struct finding latest;

static void
collect(void *ctx, const struct finding *f)
{
	(void)ctx;
	if (nev < 256)
		ev[nev] = *f;
	nev++;
	counts[f->kind][f->state]++;
	latest = *f;
}

static struct stream *
open_stream(int64_t window_s, size_t mem_max)
{
	struct stream_config c = { window_s * S, mem_max, 7 };

	nev = 0;
	memset(counts, 0, sizeof counts);
	return stream_new(&c, collect, NULL);
}

/* An attempt from client to server:port, first SYN at t seconds, decided
 * at once, answered by the server at a hop distance of 2. */
static struct record
rec(struct addr client, struct addr server, uint16_t port, int64_t t,
    struct verdict v)
{
	return attempt(client, server, port, t * S, t * S, v);
}

static void
add(struct stream *st, struct addr client, int64_t t, struct verdict v)
{
	struct record r = rec(client, MX1, 25, t, v);

	stream_add(st, &r);
}

/* The index of the last event of kind k in state s, or -1. */
static int
last(enum finding_kind k, enum finding_state s)
{
	int i;

	for (i = (nev < 256 ? nev : 256) - 1; i >= 0; i--)
		if (ev[i].kind == k && ev[i].state == s)
			return i;
	return -1;
}

static int
count(enum finding_kind k, enum finding_state s)
{
	return counts[k][s];
}

/* B refused while A is accepted: a block aimed at B, which ends when B is
 * accepted again. */
static void
source_block_starts_and_ends(void **state)
{
	struct stream *st = open_stream(W, 0);
	int i;

	(void)state;
	add(st, SRC_A, 0, verdict_syn_ack());
	add(st, SRC_B, 1, verdict_syn_ack());
	assert_int_equal(nev, 0);
	add(st, SRC_B, 2, verdict_reset());
	assert_int_equal(nev, 1);
	i = last(FK_SOURCE_BLOCK, FS_STARTED);
	assert_int_equal(i, 0);
	assert_int_equal(ev[i].nfailed, 1);
	assert_true(is(&ev[i].failed[0].a, SRC_B));
	assert_int_equal(ev[i].naccepted, 1);
	assert_true(is(&ev[i].ok[0].a, SRC_A));
	assert_int_equal(ev[i].failures, 1);
	assert_int_equal(ev[i].first_fail, 2 * S);
	assert_false(ev[i].not_recipient);
	assert_false(ev[i].one_source);
	add(st, SRC_B, 3, verdict_reset());	/* more of the same: quiet */
	add(st, SRC_A, 4, verdict_syn_ack());
	assert_int_equal(nev, 1);
	add(st, SRC_B, 5, verdict_syn_ack());
	assert_int_equal(nev, 2);
	assert_int_equal(ev[1].state, FS_ENDED);
	assert_int_equal(ev[1].end, FE_ACCEPTED);
	assert_int_equal(ev[1].failures, 2);
	assert_int_equal(ev[1].started, 2 * S);
	stream_free(st);
}

/* One source too few: B fails and nobody else is seen, so no block aimed
 * at B can be told from an outage; the finding says only B was seen. */
static void
one_source_is_not_a_block(void **state)
{
	struct stream *st = open_stream(W, 0);
	int i;

	(void)state;
	add(st, SRC_B, 1, verdict_reset());
	assert_int_equal(count(FK_SOURCE_BLOCK, FS_STARTED), 0);
	i = last(FK_ALL_FAILED, FS_STARTED);
	assert_true(i >= 0);
	assert_true(ev[i].one_source);
	assert_int_equal(ev[i].nsources, 1);
	stream_free(st);
}

/* The window's edge: an acceptance exactly a window old still counts; an
 * older one does not, and the block becomes "every source failing" (the
 * destination is evaluated at least once a second of stream time). */
static void
window_edge(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct record r;
	int i;

	(void)state;
	add(st, SRC_A, 0, verdict_syn_ack());
	add(st, SRC_B, W, verdict_reset());
	assert_int_equal(count(FK_SOURCE_BLOCK, FS_STARTED), 1);
	r = rec(SRC_B, MX1, 25, W + 1, verdict_reset());
	stream_add(st, &r);
	i = last(FK_SOURCE_BLOCK, FS_ENDED);
	assert_true(i >= 0);
	assert_int_equal(ev[i].end, FE_CHANGED_KIND);
	assert_true(last(FK_ALL_FAILED, FS_STARTED) > i);
	stream_free(st);
}

/* The blocked source stops trying while others go on being accepted: the
 * block ends a window after its last failure. */
static void
quiet_end(void **state)
{
	struct stream *st = open_stream(W, 0);
	int i;

	(void)state;
	add(st, SRC_A, 0, verdict_syn_ack());
	add(st, SRC_B, 1, verdict_reset());
	for (i = 2; i <= W + 2; i += 10)
		add(st, SRC_A, i, verdict_syn_ack());
	i = last(FK_SOURCE_BLOCK, FS_ENDED);
	assert_true(i >= 0);
	assert_int_equal(ev[i].end, FE_QUIET);
	stream_free(st);
}

/* An idle destination ends its findings a window after its last record
 * and is dropped. */
static void
idle_expiry(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct stream_stats ss;

	(void)state;
	add(st, SRC_B, 1, verdict_reset());
	stream_tick(st, (W + 1) * S);
	stream_stats(st, &ss);
	assert_int_equal(ss.dests, 1);
	stream_tick(st, (W + 1) * S + 1);
	stream_stats(st, &ss);
	assert_int_equal(ss.dests, 0);
	assert_int_equal(ss.expired, 1);
	assert_int_equal(ss.active, 0);
	assert_int_equal(ev[last(FK_ALL_FAILED, FS_ENDED)].end, FE_QUIET);
	stream_free(st);
}

/* Accepted and refused by turns: a rate limit, not a block. */
static void
rate_limit(void **state)
{
	struct stream *st = open_stream(W, 0);
	int i;

	(void)state;
	add(st, SRC_A, 0, verdict_syn_ack());
	add(st, SRC_A, 1, verdict_reset());
	assert_int_equal(count(FK_RATE_LIMIT, FS_STARTED), 0);
	add(st, SRC_A, 2, verdict_syn_ack());
	add(st, SRC_A, 3, verdict_reset());
	i = last(FK_RATE_LIMIT, FS_STARTED);
	assert_true(i >= 0);
	assert_true(is(&ev[i].failed[0].a, SRC_A));
	assert_int_equal(ev[i].failures, 2);
	assert_int_equal(ev[i].last_ok, 2 * S);
	stream_free(st);
}

/* A second source blocked: the finding changes, once. */
static void
changed_sources(void **state)
{
	struct stream *st = open_stream(W, 0);
	int i;

	(void)state;
	add(st, SRC_A, 0, verdict_syn_ack());
	add(st, SRC_B, 1, verdict_reset());
	add(st, SRC_C, 2, verdict_reset());
	add(st, SRC_C, 3, verdict_reset());
	assert_int_equal(count(FK_SOURCE_BLOCK, FS_STARTED), 1);
	assert_int_equal(count(FK_SOURCE_BLOCK, FS_CHANGED), 1);
	i = last(FK_SOURCE_BLOCK, FS_CHANGED);
	assert_int_equal(ev[i].nfailed, 2);
	assert_true(is(&ev[i].failed[1].a, SRC_C));
	stream_free(st);
}

/* Changes closer together than a sixtieth of the window (here 1 s) are
 * written once, with the next evaluation after the interval. */
static void
changes_held_back(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct record r;
	int i;

	(void)state;
	add(st, SRC_A, 0, verdict_syn_ack());
	add(st, SRC_B, 1, verdict_reset());
	r = rec(SRC_C, MX1, 25, 1, verdict_reset());
	r.first_syn_us = r.verdict_us = S + S / 2;
	stream_add(st, &r);
	assert_int_equal(count(FK_SOURCE_BLOCK, FS_CHANGED), 0);
	add(st, SRC_A, 3, verdict_syn_ack());
	assert_int_equal(count(FK_SOURCE_BLOCK, FS_CHANGED), 1);
	i = last(FK_SOURCE_BLOCK, FS_CHANGED);
	assert_int_equal(ev[i].nfailed, 2);
	assert_int_equal(ev[i].ts, 3 * S);
	/* held back again, then written when the input ends */
	r = rec(v4(192, 0, 2, 13), MX1, 25, 3, verdict_reset());
	r.first_syn_us = r.verdict_us = 3 * S + S / 2;
	stream_add(st, &r);
	assert_int_equal(count(FK_SOURCE_BLOCK, FS_CHANGED), 1);
	stream_flush(st);
	assert_int_equal(count(FK_SOURCE_BLOCK, FS_CHANGED), 2);
	assert_int_equal(latest.nfailed, 3);
	stream_free(st);
}

/* Answered by the sending host, by a router at hop 0, by one further on:
 * not the recipient; acceptance ends them. */
static void
answered_by_others(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct record r;
	int i;

	(void)state;
	r = rec(SRC_A, MX1, 25, 1, verdict_reset());
	r.responder = SRC_A;
	stream_add(st, &r);
	i = last(FK_LOCAL_BLOCK, FS_STARTED);
	assert_true(i >= 0);
	assert_true(ev[i].not_recipient);
	assert_int_equal(count(FK_ALL_FAILED, FS_STARTED), 0);
	r = rec(SRC_A, MX2, 25, 2, verdict_reset());
	r.responder = ROUTER;
	r.hops = 3;
	stream_add(st, &r);
	i = last(FK_MIDDLEBOX, FS_STARTED);
	assert_true(i >= 0);
	assert_int_equal(ev[i].hops, 3);
	assert_true(is(&ev[i].responder, ROUTER));
	add(st, SRC_A, 4, verdict_syn_ack());
	i = last(FK_LOCAL_BLOCK, FS_ENDED);
	assert_true(i >= 0);
	assert_int_equal(ev[i].end, FE_ACCEPTED);
	stream_free(st);
}

/* A RST with the server's address from another distance than its
 * SYN-ACKs on another port. */
static void
forged_reset(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct record r;
	int i;

	(void)state;
	r = rec(SRC_A, MX1, 587, 1, verdict_syn_ack());
	stream_add(st, &r);
	r = rec(SRC_A, MX1, 25, 2, verdict_reset());
	r.hops = 0;
	stream_add(st, &r);
	i = last(FK_FORGED_RESET, FS_STARTED);
	assert_true(i >= 0);
	assert_int_equal(ev[i].hops, 0);
	assert_int_equal(ev[i].synack_hops, 2);
	assert_int_equal(ev[i].synack_port, 587);
	assert_int_equal(count(FK_ALL_FAILED, FS_STARTED), 0);
	/* The same distance is the server's own RST. */
	r = rec(SRC_A, MX2, 587, 3, verdict_syn_ack());
	stream_add(st, &r);
	r = rec(SRC_A, MX2, 25, 4, verdict_reset());
	stream_add(st, &r);
	assert_int_equal(count(FK_FORGED_RESET, FS_STARTED), 1);
	stream_free(st);
}

/* RSTs first taken for the server's own, until a SYN-ACK from another
 * distance shows them forged: the first finding ends as another kind. */
static void
forged_takes_over(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct record r;
	int i;

	(void)state;
	r = rec(SRC_A, MX1, 25, 1, verdict_reset());
	r.hops = 0;
	stream_add(st, &r);
	assert_true(last(FK_ALL_FAILED, FS_STARTED) >= 0);
	r = rec(SRC_A, MX1, 587, 2, verdict_syn_ack());
	stream_add(st, &r);
	r = rec(SRC_A, MX1, 25, 3, verdict_reset());
	r.hops = 0;
	stream_add(st, &r);
	i = last(FK_ALL_FAILED, FS_ENDED);
	assert_true(i >= 0);
	assert_int_equal(ev[i].end, FE_CHANGED_KIND);
	assert_true(last(FK_FORGED_RESET, FS_STARTED) >= 0);
	stream_free(st);
}

/* A RST, then the correction of that same attempt to accepted (the client
 * took the SYN-ACK after it, core/track.h): the run of failures ends, and
 * the RST, from another distance than the SYN-ACK, was forged.  A plain
 * accepted attempt with the same first SYN does not end the run. */
static void
correction_withdraws_the_failure(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct record r, c;

	(void)state;
	r = rec(SRC_A, MX1, 25, 1, verdict_reset());
	r.hops = 0;
	stream_add(st, &r);
	assert_true(last(FK_ALL_FAILED, FS_STARTED) >= 0);
	c = rec(SRC_A, MX1, 25, 1, verdict_syn_ack());
	stream_add(st, &c);
	assert_int_equal(count(FK_ALL_FAILED, FS_ENDED), 0);
	stream_free(st);

	st = open_stream(W, 0);
	stream_add(st, &r);
	c.correction = true;
	c.corrects = verdict_reset();
	stream_add(st, &c);
	assert_true(last(FK_ALL_FAILED, FS_ENDED) >= 0);
	assert_true(last(FK_FORGED_RESET, FS_STARTED) >= 0);
	assert_int_equal(latest.hops, 0);
	assert_int_equal(latest.synack_hops, 2);
	stream_free(st);
}

/* MX1 of example.test fails for everyone while MX2 accepts. */
static void
mx_down(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct origin o1 = { "mx1.example.test", "example.test", 10, 0, 0, 0, 0 };
	struct origin o2 = { "mx2.example.test", "example.test", 20, 0, 0, 0, 0 };
	struct record r;
	int i;

	(void)state;
	r = rec(SRC_A, MX2, 25, 1, verdict_syn_ack());
	r.origin = &o2;
	stream_add(st, &r);
	r = rec(SRC_A, MX1, 25, 2, verdict_no_response());
	r.origin = &o1;
	stream_add(st, &r);
	i = last(FK_MX_DOWN, FS_STARTED);
	assert_true(i >= 0);
	assert_string_equal(ev[i].mx, "mx1.example.test");
	assert_string_equal(ev[i].other_mx, "mx2.example.test");
	assert_true(is(&ev[i].other_server, MX2));
	assert_int_equal(ev[i].other_accepted, 1);
	assert_int_equal(ev[i].cls, VC_DROPPED);
	stream_free(st);
}

/* A record from src to MX1:25 at t, as sensor names it. */
static void
add_sensed(struct stream *st, struct addr src, int64_t t, struct verdict v,
    char *sensor)
{
	struct record r = rec(src, MX1, 25, t, v);

	r.sensor = sensor;
	stream_add(st, &r);
}

/* Sources seen by two sensors: the failing one by one of them. */
static void
sensors(void **state)
{
	struct stream *st = open_stream(W, 0);
	char a[] = "mta-a", b[] = "mta-b";
	int i;

	(void)state;
	add_sensed(st, SRC_A, 1, verdict_syn_ack(), a);
	add_sensed(st, SRC_B, 2, verdict_reset(), b);
	i = last(FK_SOURCE_BLOCK, FS_STARTED);
	assert_true(i >= 0);
	assert_int_equal(ev[i].sensors_seen, 2);
	assert_int_equal(ev[i].sensors_failed, 1);
	assert_string_equal(ev[i].failed[0].sensor, "mta-b");
	stream_free(st);
}

/* A source forgotten (the first of the destination's) takes its sensor
 * out of the counts; those kept stay in order. */
static void
sensors_after_prune(void **state)
{
	struct stream *st = open_stream(W, 0);
	char a[] = "mta-a", b[] = "mta-b";
	struct addr sb = SRC_B, sc = SRC_C;
	int i;

	(void)state;
	add_sensed(st, SRC_A, 1, verdict_syn_ack(), a);
	add_sensed(st, sb, 2, verdict_reset(), b);
	add_sensed(st, sb, 50, verdict_reset(), b);
	add_sensed(st, sc, 70, verdict_reset(), b);
	i = last(FK_ALL_FAILED, FS_STARTED);
	assert_true(i >= 0);
	assert_int_equal(ev[i].nsources, 2);
	assert_int_equal(ev[i].nfailed, 2);
	assert_true(addr_eq(&ev[i].failed[0].a, &sb));
	assert_true(addr_eq(&ev[i].failed[1].a, &sc));
	assert_int_equal(ev[i].sensors_seen, 1);
	assert_int_equal(ev[i].sensors_failed, 1);
	stream_free(st);
}

/* A thousand sources of one destination, one of them refused; past the
 * limit a source is counted, not kept. */
static void
thousand_sources(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct stream_stats ss;
	int i, k;

	(void)state;
	for (k = 0; k < 999; k++)
		add(st, v4(10, 0, (uint8_t)(k / 250), (uint8_t)(k % 250)), 1,
		    verdict_syn_ack());
	add(st, SRC_B, 2, verdict_reset());
	i = last(FK_SOURCE_BLOCK, FS_STARTED);
	assert_true(i >= 0);
	assert_int_equal(ev[i].naccepted, 999);
	assert_int_equal(ev[i].nfailed, 1);
	assert_int_equal(ev[i].nsources, 1000);
	for (k = 0; k < STREAM_MAX_SOURCES - 1000; k++)
		add(st, v4(10, 1, (uint8_t)(k / 250), (uint8_t)(k % 250)), 3,
		    verdict_syn_ack());
	stream_stats(st, &ss);
	assert_int_equal(ss.other_sources, 0);
	add(st, SRC_C, 4, verdict_syn_ack());
	stream_stats(st, &ss);
	assert_int_equal(ss.other_sources, 1);
	stream_free(st);
}

/* Past the memory budget the least recently seen destinations go, their
 * findings ended as evicted; the memory held stays near the budget. */
static void
eviction(void **state)
{
	struct stream *st = open_stream(W, 0);
	struct stream_stats ss;
	struct record r;
	size_t budget;
	int k;

	(void)state;
	/* What an empty stream holds, and room for some destinations. */
	stream_stats(st, &ss);
	budget = ss.bytes + 512 * 1024;
	stream_free(st);
	st = open_stream(W, budget);
	for (k = 0; k < 20000; k++) {
		r = rec(SRC_A, v4(203, 0, (uint8_t)(k / 250), (uint8_t)(k % 250)),
		    25, 1, verdict_reset());
		stream_add(st, &r);
	}
	stream_stats(st, &ss);
	assert_true(ss.evicted > 0);
	assert_true(ss.bytes <= budget);
	assert_true(ss.bytes_peak <= budget + 8192);
	assert_int_equal(ss.dests + ss.evicted, 20000);
	assert_true(count(FK_ALL_FAILED, FS_ENDED) > 0);
	assert_int_equal(latest.state, FS_ENDED);
	assert_int_equal(latest.end, FE_EVICTED);
	assert_int_equal(count(FK_ALL_FAILED, FS_ENDED), (int)ss.evicted);
	stream_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(source_block_starts_and_ends),
		cmocka_unit_test(one_source_is_not_a_block),
		cmocka_unit_test(window_edge),
		cmocka_unit_test(quiet_end),
		cmocka_unit_test(idle_expiry),
		cmocka_unit_test(rate_limit),
		cmocka_unit_test(changed_sources),
		cmocka_unit_test(changes_held_back),
		cmocka_unit_test(answered_by_others),
		cmocka_unit_test(forged_reset),
		cmocka_unit_test(forged_takes_over),
		cmocka_unit_test(correction_withdraws_the_failure),
		cmocka_unit_test(mx_down),
		cmocka_unit_test(sensors),
		cmocka_unit_test(sensors_after_prune),
		cmocka_unit_test(thousand_sources),
		cmocka_unit_test(eviction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

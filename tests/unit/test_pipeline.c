/* The pipeline: raw frames in, records out through a test sink. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/decode.h"
#include "core/pipeline.h"

#define S 1000000LL
#define T0 (1700000000LL * S)
#define DLT_IPV4 228		/* raw IPv4, no link header */
#define ISN 1000u
#define SERVER_ISN 5000u

static struct record recs[16];
static int nrecs;

static void
collect(struct sink *s, const struct record *r)
{
	(void)s;
	assert_true(nrecs < 16);
	recs[nrecs++] = *r;
}

static void
finish(struct sink *s, const struct stats *st, int final)
{
	(void)s, (void)st, (void)final;
}

static void
keep(struct sink *s)
{
	(void)s;
}

static const struct sink_ops test_ops = {
	.record = collect,
	.finish = finish,
	.free = keep,
};
static struct sink test_sink = { &test_ops, NULL };

static struct pipeline *
mk(void)
{
	static const struct track_config tc = { 64, 10 * S, 5 * S, 10 * S, 1 };
	struct portset ports;
	struct pipeline *pl;

	portset_clear(&ports);
	portset_add(&ports, 25, 25);
	pl = pipeline_new(&tc, &ports);
	assert_non_null(pl);
	assert_int_equal(pipeline_add_sink(pl, &test_sink), 0);
	memset(recs, 0, sizeof recs);
	nrecs = 0;
	return pl;
}

/* A 40-byte IPv4 + TCP segment, no options, TTL 64. */
static void
segment(uint8_t f[40], const uint8_t src[4], const uint8_t dst[4],
    uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack)
{
	memset(f, 0, 40);
	f[0] = 0x45;
	f[3] = 40;
	f[8] = 64;
	f[9] = 6;
	memcpy(f + 12, src, 4);
	memcpy(f + 16, dst, 4);
	f[20] = (uint8_t)(sport >> 8), f[21] = (uint8_t)sport;
	f[22] = (uint8_t)(dport >> 8), f[23] = (uint8_t)dport;
	f[24] = (uint8_t)(seq >> 24), f[25] = (uint8_t)(seq >> 16);
	f[26] = (uint8_t)(seq >> 8), f[27] = (uint8_t)seq;
	f[28] = (uint8_t)(ack >> 24), f[29] = (uint8_t)(ack >> 16);
	f[30] = (uint8_t)(ack >> 8), f[31] = (uint8_t)ack;
	f[32] = 5 << 4;
	f[33] = flags;
	f[34] = 0xfa, f[35] = 0xf0;
}

static const uint8_t client[4] = { 192, 0, 2, 10 };
static const uint8_t server[4] = { 203, 0, 113, 25 };

/* The client's SYN from port cport, then (if answered) the SYN-ACK 1 ms later. */
static void
attempt(struct pipeline *pl, int64_t t, uint16_t cport, int answered)
{
	uint8_t f[40];

	segment(f, client, server, cport, 25, TCPF_SYN, ISN, 0);
	assert_int_equal(pipeline_packet(pl, DLT_IPV4, t, f, 40, 40), 1);
	if (!answered)
		return;
	segment(f, server, client, 25, cport, TCPF_SYN | TCPF_ACK, SERVER_ISN,
	    ISN + 1);
	assert_int_equal(pipeline_packet(pl, DLT_IPV4, t + 1000, f, 40, 40), 1);
}

static struct tuple
tuple_of(uint16_t cport)
{
	struct tuple t;

	memset(&t, 0, sizeof t);
	t.client.family = t.server.family = 4;
	memcpy(t.client.b, client, 4);
	memcpy(t.server.b, server, 4);
	t.client_port = cport;
	t.server_port = 25;
	return t;
}

/* A SYN, then its SYN-ACK: one accepted record once the greeting wait is
 * over, from captured traffic (no origin). */
static void
syn_synack_accepted(void **state)
{
	struct pipeline *pl = mk();

	(void)state;
	attempt(pl, T0, 40000, 1);
	assert_int_equal(nrecs, 0);		/* waiting for a greeting */
	assert_int_equal(pipeline_next_deadline(pl), T0 + 1000 + 5 * S);
	pipeline_tick(pl, T0 + 1000 + 5 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_ACCEPTED);
	assert_string_equal(recs[0].v.reason, "syn-ack");
	assert_int_equal(recs[0].rtt_us, 1000);
	assert_null(recs[0].origin);
	pipeline_finish(pl);
	assert_int_equal(nrecs, 1);
	assert_int_equal(pipeline_stats(pl)->packets, 2);
	assert_int_equal(pipeline_stats(pl)->attempts, 1);
	pipeline_free(pl);
}

/* Origin only: the captured attempt is left out, the probe's own comes
 * out carrying its origin. */
static void
origin_only_drops_untagged(void **state)
{
	struct pipeline *pl = mk();
	struct origin o = { "mx1.example.test", "example.test", 10, 0, 7, 0, 0 };
	struct tuple t = tuple_of(40001);
	uint8_t f[40];

	(void)state;
	pipeline_set_origin_only(pl, 1);
	attempt(pl, T0, 40000, 1);
	pipeline_syn_sent(pl, T0, &t, ISN, 64, &o);
	segment(f, server, client, 25, 40001, TCPF_SYN | TCPF_ACK, SERVER_ISN,
	    ISN + 1);
	pipeline_packet(pl, DLT_IPV4, T0 + 2000, f, 40, 40);
	pipeline_finish(pl);
	assert_int_equal(nrecs, 1);
	assert_ptr_equal(recs[0].origin, &o);
	assert_int_equal(recs[0].t.client_port, 40001);
	assert_int_equal(recs[0].v.cls, VC_ACCEPTED);
	assert_int_equal(pipeline_stats(pl)->attempts, 2);	/* both classified */
	pipeline_free(pl);
}

/* probe's own SYN, then the capture's copy of it: one SYN, no duplicate;
 * a second copy is one. */
static void
own_syn_not_duplicate(void **state)
{
	struct pipeline *pl = mk();
	struct origin o = { NULL, NULL, -1, 0, 0, 0, 0 };
	struct tuple t = tuple_of(40002);
	uint8_t f[40];

	(void)state;
	pipeline_syn_sent(pl, T0, &t, ISN, 64, &o);
	segment(f, client, server, 40002, 25, TCPF_SYN, ISN, 0);
	pipeline_packet(pl, DLT_IPV4, T0 + 100, f, 40, 40);
	assert_int_equal(pipeline_stats(pl)->duplicate_syns, 0);
	pipeline_packet(pl, DLT_IPV4, T0 + 200, f, 40, 40);
	assert_int_equal(pipeline_stats(pl)->duplicate_syns, 1);
	pipeline_tick(pl, T0 + 10 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].syns, 1);
	assert_int_equal(recs[0].v.cls, VC_DROPPED);
	assert_ptr_equal(recs[0].origin, &o);
	pipeline_free(pl);
}

/* -c 2: three attempts decided, two records handed out. */
static void
max_records(void **state)
{
	struct pipeline *pl = mk();

	(void)state;
	pipeline_set_max_records(pl, 2);
	attempt(pl, T0, 40010, 0);
	attempt(pl, T0 + 1000, 40011, 0);
	assert_false(pipeline_done(pl));
	attempt(pl, T0 + 2000, 40012, 0);
	pipeline_tick(pl, T0 + 11 * S);
	assert_int_equal(nrecs, 2);
	assert_true(pipeline_done(pl));
	pipeline_finish(pl);
	assert_int_equal(nrecs, 2);
	assert_int_equal(pipeline_stats(pl)->attempts, 3);
	pipeline_free(pl);
}

/* Dropped at the timeout, then the client's next SYN answered: the
 * correction record is handed on, and counted as no other attempt, from
 * the tracker and from smtpscope scope (pipeline_feed) alike. */
static void
correction_is_no_new_attempt(void **state)
{
	struct pipeline *pl = mk();
	struct record r;

	(void)state;
	attempt(pl, T0, 40020, 0);
	pipeline_tick(pl, T0 + 10 * S);
	assert_int_equal(nrecs, 1);
	attempt(pl, T0 + 15 * S, 40020, 1);
	pipeline_tick(pl, T0 + 21 * S);
	assert_int_equal(nrecs, 2);
	assert_true(recs[1].correction);
	assert_int_equal(recs[1].v.cls, VC_ACCEPTED);
	assert_int_equal(recs[1].corrects.cls, VC_DROPPED);
	assert_int_equal(pipeline_stats(pl)->attempts, 1);
	r = recs[1];
	pipeline_feed(pl, &r);
	assert_int_equal(pipeline_stats(pl)->attempts, 1);
	r.correction = false;
	pipeline_feed(pl, &r);
	assert_int_equal(pipeline_stats(pl)->attempts, 2);
	pipeline_free(pl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syn_synack_accepted),
		cmocka_unit_test(origin_only_drops_untagged),
		cmocka_unit_test(own_syn_not_duplicate),
		cmocka_unit_test(max_records),
		cmocka_unit_test(correction_is_no_new_attempt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

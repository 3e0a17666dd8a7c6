/* probe --trace: what a trace's hops say together (report/trace.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "report/trace.h"

static struct origin origins[TRACE_MAX_TTL + 1];
static struct trace tr;

static struct addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct addr x;

	memset(&x, 0, sizeof x);
	x.family = 4;
	x.b[0] = a; x.b[1] = b; x.b[2] = c; x.b[3] = d;
	return x;
}

#define SERVER v4(203, 0, 113, 25)
/* The router at hop h: 198.51.100.h */
#define ROUTER(h) v4(198, 51, 100, (uint8_t)(h))

static void
start(int max_ttl)
{
	int h;

	memset(&tr, 0, sizeof tr);
	tr.max_ttl = max_ttl;
	for (h = 1; h <= TRACE_MAX_TTL; h++) {
		memset(&origins[h], 0, sizeof origins[h]);
		origins[h].hop = h;
		origins[h].mx_pref = -1;
	}
}

/* Hop h's record: from responder (family 0: none) with verdict v, and a
 * reply that crossed `back` routers (Linux's initial TTL 64). */
static void
hop(int h, struct addr from, struct verdict v, int icmp_type, int back)
{
	struct record r;

	memset(&r, 0, sizeof r);
	r.t.client = v4(192, 0, 2, 10);
	r.t.server = SERVER;
	r.t.server_port = 25;
	r.v = v;
	r.icmp_type = icmp_type;
	r.icmp_code = icmp_type >= 0 ? 0 : -1;
	r.rtt_us = from.family ? 300 : -1;
	r.reply_ttl = from.family ? 64 - back : -1;
	r.hops = from.family ? back : -1;
	r.responder = from;
	r.origin = &origins[h];
	trace_add(&tr, &r);
}

static struct verdict
te(void)
{
	struct verdict v;

	assert_true(verdict_icmp(4, 11, 0, &v));
	return v;
}

static void
routers(int upto)
{
	int h;

	for (h = 1; h <= upto; h++)
		hop(h, ROUTER(h), te(), 11, h - 1);
}

static const char *
statement(struct trace_result *res)
{
	trace_result(&tr, res);
	return res->statement;
}

static void
accepted_by_the_server(void **state)
{
	struct trace_result res;

	(void)state;
	start(30);
	routers(5);
	hop(6, SERVER, verdict_syn_ack(), -1, 5);
	hop(7, SERVER, verdict_syn_ack(), -1, 5);	/* sent before the end was known */
	assert_string_equal(statement(&res), "accepted at hop 6 (the server)");
	assert_int_equal(res.end, 6);
	assert_int_equal(res.at, 6);
	assert_int_equal(trace_last(&tr), 6);
	/* A reset by the server itself (port closed). */
	start(30);
	routers(5);
	hop(6, SERVER, verdict_reset(), -1, 5);
	assert_string_equal(statement(&res), "reset at hop 6 (the server)");
}

/* A router that rejects in its forwarding path counted the TTL down
 * first: its time exceeded answered the hop before. */
static void
blocked_by_a_router(void **state)
{
	struct trace_result res;
	struct verdict v;
	struct addr r3 = ROUTER(3);

	(void)state;
	start(30);
	routers(3);
	/* A RST in the server's name whose TTL says 2 routers back: hop 3's. */
	hop(4, SERVER, verdict_reset(), -1, 2);
	assert_string_equal(statement(&res), "reset at hop 3 by 198.51.100.3, "
	    "which is not the server (answering the TTL 4 SYN)");
	assert_int_equal(res.end, 4);
	assert_int_equal(res.at, 3);
	assert_true(addr_eq(&res.by, &r3));
	/* An ICMP error from an address that answered an earlier hop. */
	start(30);
	routers(4);
	assert_true(verdict_icmp(4, 3, 13, &v));
	hop(5, ROUTER(4), v, 3, 3);
	assert_string_equal(statement(&res), "admin-prohibited at hop 4 by "
	    "198.51.100.4 (answering the TTL 5 SYN)");
	/* ... and from one that did not (a router silent to TTL 1). */
	start(30);
	routers(3);
	hop(4, ROUTER(9), v, 3, 3);
	assert_string_equal(statement(&res), "admin-prohibited at hop 4 by 198.51.100.9");
	assert_int_equal(res.at, 4);
}

static void
silence(void **state)
{
	struct trace_result res;
	int h;

	(void)state;
	start(8);
	routers(4);
	for (h = 5; h <= 8; h++)
		hop(h, (struct addr){ 0 }, verdict_no_response(), -1, 0);
	assert_string_equal(statement(&res), "silent from hop 5 on: dropped after 198.51.100.4");
	assert_int_equal(res.end, 0);
	assert_int_equal(res.silent_from, 5);
	assert_int_equal(trace_last(&tr), 8);
	/* A hop without a record (lost) counts as silent. */
	start(8);
	routers(2);
	hop(4, (struct addr){ 0 }, verdict_no_response(), -1, 0);
	assert_string_equal(statement(&res), "silent from hop 3 on: dropped after 198.51.100.2");
	assert_int_equal(trace_last(&tr), 4);
	/* Nothing at all. */
	start(3);
	for (h = 1; h <= 3; h++)
		hop(h, (struct addr){ 0 }, verdict_no_response(), -1, 0);
	assert_string_equal(statement(&res), "silent from hop 1 on: nothing answered");
	/* Every hop a router: not reached. */
	start(3);
	routers(3);
	assert_string_equal(statement(&res), "not reached within 3 hops: the last "
	    "answer came from 198.51.100.3");
	/* Hops out of range and repeats are ignored. */
	hop(4, SERVER, verdict_syn_ack(), -1, 0);
	hop(2, SERVER, verdict_syn_ack(), -1, 0);
	assert_int_equal(res.end, 0);
	assert_string_equal(statement(&res), "not reached within 3 hops: the last "
	    "answer came from 198.51.100.3");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted_by_the_server),
		cmocka_unit_test(blocked_by_a_router),
		cmocka_unit_test(silence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

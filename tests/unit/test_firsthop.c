/* First-hop attribution: the next-hop table and the decision. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/firsthop.h"

static const uint8_t ROUTER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t HOST_MAC[6] = { 0x02, 0, 0, 0, 0, 0x25 };
static const uint8_t LO_MAC[6];

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
#define OTHER v4(203, 0, 113, 26)
#define ROUTER v4(192, 0, 2, 1)

/* An answer from src with ttl, handed over by the next hop mac (len 0:
 * a link type without addresses). */
static struct packet
from(struct addr src, uint8_t ttl, const uint8_t *mac, uint8_t len)
{
	struct packet p;

	memset(&p, 0, sizeof p);
	p.src = src;
	p.ttl = ttl;
	p.ll_len = len;
	p.ll_src = mac;
	return p;
}

static int calls, answer;

static int
route(void *ctx, const struct addr *dst)
{
	struct addr server = SERVER;

	assert_ptr_equal(ctx, &calls);
	assert_true(addr_eq(dst, &server));
	calls++;
	return answer;
}

/* The next hop's answers from further away make it a router: its answer
 * at distance 0 in the server's name is its own, and only that one. */
static void
learned_router(void **state)
{
	struct firsthop f;
	struct packet synack = from(OTHER, 63, ROUTER_MAC, 6);
	struct packet rst = from(SERVER, 64, ROUTER_MAC, 6);
	struct packet p;
	struct addr server = SERVER;

	(void)state;
	memset(&f, 0, sizeof f);
	assert_int_equal(firsthop_hops_via(&f, ROUTER_MAC, 6), -1);
	assert_false(firsthop_made(&f, &server, &rst));	/* nothing known yet */
	firsthop_learn(&f, &synack);
	assert_int_equal(firsthop_hops_via(&f, ROUTER_MAC, 6), 1);
	assert_true(firsthop_made(&f, &server, &rst));
	/* Windows' and network gear's initial TTLs are distance 0 too. */
	rst.ttl = 128;
	assert_true(firsthop_made(&f, &server, &rst));
	rst.ttl = 255;
	assert_true(firsthop_made(&f, &server, &rst));
	/* From further away: the server's (or a middlebox's, not ours). */
	rst.ttl = 63;
	assert_false(firsthop_made(&f, &server, &rst));
	/* Through another next hop: an on-link server. */
	p = from(SERVER, 64, HOST_MAC, 6);
	assert_false(firsthop_made(&f, &server, &p));
	/* In its own name: a router's ICMP, not an answer in the server's. */
	p = from(ROUTER, 64, ROUTER_MAC, 6);
	assert_false(firsthop_made(&f, &server, &p));
	/* A shorter address is another next hop. */
	p = from(SERVER, 64, ROUTER_MAC, 4);
	assert_false(firsthop_made(&f, &server, &p));
	/* Answers from distance 0 do not lower what was learned. */
	p = from(SERVER, 64, ROUTER_MAC, 6);
	firsthop_learn(&f, &p);
	assert_int_equal(firsthop_hops_via(&f, ROUTER_MAC, 6), 1);
	p = from(OTHER, 52, ROUTER_MAC, 6);
	firsthop_learn(&f, &p);
	assert_int_equal(firsthop_hops_via(&f, ROUTER_MAC, 6), 12);
	p = from(OTHER, 61, ROUTER_MAC, 6);
	firsthop_learn(&f, &p);
	assert_int_equal(firsthop_hops_via(&f, ROUTER_MAC, 6), 12);
	/* An on-link host's answers teach that it is no router. */
	p = from(OTHER, 64, HOST_MAC, 6);
	firsthop_learn(&f, &p);
	assert_int_equal(firsthop_hops_via(&f, HOST_MAC, 6), 0);
	p = from(SERVER, 64, HOST_MAC, 6);
	assert_false(firsthop_made(&f, &server, &p));
	assert_int_equal(f.n, 2);
}

/* Loopback (an address of zeros: the host's own answer, as a REJECT in
 * its OUTPUT chain makes it) and links without addresses teach nothing;
 * the first is never the first hop's. */
static void
no_usable_address(void **state)
{
	struct firsthop f;
	struct packet p;
	struct addr server = SERVER;

	(void)state;
	memset(&f, 0, sizeof f);
	p = from(OTHER, 60, LO_MAC, 6);
	firsthop_learn(&f, &p);
	p = from(OTHER, 60, NULL, 0);
	firsthop_learn(&f, &p);
	assert_int_equal(f.n, 0);
	assert_int_equal(firsthop_hops_via(&f, LO_MAC, 6), -1);
	assert_int_equal(firsthop_hops_via(&f, LO_MAC, 0), -1);
	firsthop_set_route(&f, route, &calls);
	answer = 1;
	calls = 0;
	p = from(SERVER, 64, LO_MAC, 6);
	assert_false(firsthop_made(&f, &server, &p));
	assert_int_equal(calls, 0);
	/* Without a link address the routing table alone decides. */
	p = from(SERVER, 64, NULL, 0);
	assert_true(firsthop_made(&f, &server, &p));
	assert_int_equal(calls, 1);
}

/* The routing table, when it knows, decides over what was learned; it is
 * asked only for answers in the server's name from distance 0. */
static void
routing_table_decides(void **state)
{
	struct firsthop f;
	struct packet p, synack = from(OTHER, 63, ROUTER_MAC, 6);
	struct addr server = SERVER;

	(void)state;
	memset(&f, 0, sizeof f);
	firsthop_set_route(&f, route, &calls);
	calls = 0;
	answer = 1;				/* through a gateway */
	p = from(SERVER, 64, ROUTER_MAC, 6);
	assert_true(firsthop_made(&f, &server, &p));
	assert_int_equal(calls, 1);
	p = from(SERVER, 63, ROUTER_MAC, 6);
	assert_false(firsthop_made(&f, &server, &p));
	p = from(ROUTER, 64, ROUTER_MAC, 6);
	assert_false(firsthop_made(&f, &server, &p));
	assert_int_equal(calls, 1);
	answer = 0;				/* on-link */
	firsthop_learn(&f, &synack);
	p = from(SERVER, 64, ROUTER_MAC, 6);
	assert_false(firsthop_made(&f, &server, &p));
	answer = -1;				/* not known: what was learned */
	assert_true(firsthop_made(&f, &server, &p));
	firsthop_set_route(&f, NULL, NULL);
	assert_true(firsthop_made(&f, &server, &p));
	assert_int_equal(calls, 3);
}

/* A full table replaces the next hop seen least recently. */
static void
bounded_table(void **state)
{
	struct firsthop f;
	struct packet p;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	int i;

	(void)state;
	memset(&f, 0, sizeof f);
	for (i = 0; i < FIRSTHOP_SLOTS; i++) {
		mac[5] = (uint8_t)(i + 1);
		p = from(OTHER, 60, mac, 6);
		firsthop_learn(&f, &p);
	}
	assert_int_equal(f.n, FIRSTHOP_SLOTS);
	/* The first one seen again: now the second is the oldest. */
	mac[5] = 1;
	p = from(OTHER, 60, mac, 6);
	firsthop_learn(&f, &p);
	mac[5] = 200;
	p = from(OTHER, 50, mac, 6);
	firsthop_learn(&f, &p);
	assert_int_equal(f.n, FIRSTHOP_SLOTS);
	assert_int_equal(firsthop_hops_via(&f, mac, 6), 14);
	mac[5] = 1;
	assert_int_equal(firsthop_hops_via(&f, mac, 6), 4);
	mac[5] = 2;
	assert_int_equal(firsthop_hops_via(&f, mac, 6), -1);
	mac[5] = 3;
	assert_int_equal(firsthop_hops_via(&f, mac, 6), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(learned_router),
		cmocka_unit_test(no_usable_address),
		cmocka_unit_test(routing_table_decides),
		cmocka_unit_test(bounded_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * io/route.c: rtnetlink replies read from bytes (each from an exactly sized
 * heap copy, so the sanitizers catch a read past it), and one real lookup
 * of the loopback address, which sends nothing on any network.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "io/route.h"

struct msg {
	uint8_t b[512];
	size_t n;
};

/* An rtnetlink message of type type with a route of rtm_type. */
static void
msg_start(struct msg *m, uint16_t type, uint8_t rtm_type)
{
	struct nlmsghdr nh;
	struct rtmsg rt;

	memset(m, 0, sizeof *m);
	memset(&nh, 0, sizeof nh);
	memset(&rt, 0, sizeof rt);
	nh.nlmsg_type = type;
	rt.rtm_family = 2;
	rt.rtm_type = rtm_type;
	memcpy(m->b, &nh, sizeof nh);
	memcpy(m->b + NLMSG_HDRLEN, &rt, sizeof rt);
	m->n = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof rt);
}

/* An attribute with a 4-byte value; rta_len as given (normally 8). */
static void
attr(struct msg *m, uint16_t type, uint16_t rta_len)
{
	struct rtattr a;
	static const uint8_t v[4] = { 192, 0, 2, 1 };

	a.rta_type = type;
	a.rta_len = rta_len;
	memcpy(m->b + m->n, &a, sizeof a);
	memcpy(m->b + m->n + sizeof a, v, 4);
	m->n += RTA_SPACE(4);
}

/* route_reply() of the message, its nlmsg_len set to its size plus
 * extra, from a copy of exactly n bytes. */
static int
reply(struct msg *m, size_t n, int extra)
{
	struct nlmsghdr nh;
	uint8_t *copy;
	int rc;

	memcpy(&nh, m->b, sizeof nh);
	nh.nlmsg_len = (uint32_t)((int)m->n + extra);
	memcpy(m->b, &nh, sizeof nh);
	copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, m->b, n);
	rc = route_reply(copy, n);
	free(copy);
	return rc;
}

static void
replies(void **state)
{
	struct msg m;

	(void)state;
	msg_start(&m, RTM_NEWROUTE, RTN_UNICAST);
	attr(&m, RTA_TABLE, 8);
	attr(&m, RTA_DST, 8);
	attr(&m, RTA_OIF, 8);
	assert_int_equal(reply(&m, m.n, 0), 0);		/* on-link */
	attr(&m, RTA_GATEWAY, 8);
	assert_int_equal(reply(&m, m.n, 0), 1);
	/* The gateway past the message's own length is not read. */
	assert_int_equal(reply(&m, m.n, -8), 0);
	/* A message longer than the bytes there, or shorter than its header. */
	assert_int_equal(reply(&m, m.n - 1, 0), -1);
	assert_int_equal(reply(&m, 10, 0), -1);
	assert_int_equal(reply(&m, m.n, -(int)m.n + 8), -1);

	msg_start(&m, RTM_NEWROUTE, RTN_UNICAST);
	attr(&m, RTA_VIA, 8);
	assert_int_equal(reply(&m, m.n, 0), 1);
	msg_start(&m, RTM_NEWROUTE, RTN_UNICAST);
	attr(&m, RTA_MULTIPATH, 8);
	assert_int_equal(reply(&m, m.n, 0), 1);

	/* Attribute lengths that cannot be. */
	msg_start(&m, RTM_NEWROUTE, RTN_UNICAST);
	attr(&m, RTA_DST, 2);
	attr(&m, RTA_GATEWAY, 8);
	assert_int_equal(reply(&m, m.n, 0), -1);
	msg_start(&m, RTM_NEWROUTE, RTN_UNICAST);
	attr(&m, RTA_DST, 200);
	assert_int_equal(reply(&m, m.n, 0), -1);

	/* This host's own address; no route; not a route at all. */
	msg_start(&m, RTM_NEWROUTE, RTN_LOCAL);
	assert_int_equal(reply(&m, m.n, 0), 0);
	msg_start(&m, RTM_NEWROUTE, RTN_UNREACHABLE);
	assert_int_equal(reply(&m, m.n, 0), -1);
	msg_start(&m, NLMSG_ERROR, RTN_UNICAST);
	assert_int_equal(reply(&m, m.n, 0), -1);
}

/* The kernel's answer for 127.0.0.1: this host's own, asked once. */
static void
loopback(void **state)
{
	struct addr lo;
	struct route *r;
	char err[128];

	(void)state;
	memset(&lo, 0, sizeof lo);
	lo.family = 4;
	lo.b[0] = 127;
	lo.b[3] = 1;
	r = route_open(err, sizeof err);
	if (r == NULL)
		fail_msg("route_open: %s", err);
	assert_int_equal(route_via_gateway(r, &lo), 0);
	assert_int_equal(route_via_gateway(r, &lo), 0);
	assert_int_equal(route_asked(r), 1);
	lo.family = 0;
	assert_int_equal(route_via_gateway(r, &lo), -1);
	assert_int_equal(route_asked(r), 1);
	route_close(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replies),
		cmocka_unit_test(loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

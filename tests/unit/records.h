/* Synthetic records for the findings tests (test_scope, test_view,
 * test_evidence, test_stream): addresses and an attempt answered by the
 * server at a hop distance of 2 (or by nobody when dropped). */
#ifndef SMTPSCOPE_TEST_RECORDS_H
#define SMTPSCOPE_TEST_RECORDS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/record.h"

#define S 1000000LL	/* one second in microseconds */

static inline struct addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct addr x;

	memset(&x, 0, sizeof x);
	x.family = 4;
	x.b[0] = a; x.b[1] = b; x.b[2] = c; x.b[3] = d;
	return x;
}

static inline bool
is(const struct addr *a, struct addr want)
{
	return addr_eq(a, &want);
}

/* From client:40000 to server:port, first SYN and verdict at those
 * microseconds. */
static inline struct record
attempt(struct addr client, struct addr server, uint16_t port,
    int64_t first_us, int64_t verdict_us, struct verdict v)
{
	struct record r;

	memset(&r, 0, sizeof r);
	r.t.client = client;
	r.t.server = server;
	r.t.client_port = 40000;
	r.t.server_port = port;
	r.first_syn_us = first_us;
	r.verdict_us = verdict_us;
	r.v = v;
	r.rtt_us = -1;
	r.icmp_type = r.icmp_code = -1;
	r.reply_ttl = -1;
	r.greeting_code = -1;
	r.hops = -1;
	if (v.cls != VC_DROPPED) {
		r.responder = server;
		r.hops = 2;
	}
	return r;
}

#endif

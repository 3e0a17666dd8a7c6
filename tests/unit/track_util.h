/* The tracker tests' fixture: a small table whose records are collected,
 * and the segments of one client and one server. */
#ifndef TRACK_UTIL_H
#define TRACK_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "core/track.h"
#include "records.h"		/* S, v4() */

#define ISN 1000u

static struct record recs[64];
static int nrecs;
static struct stats st;

static void
collect(void *ctx, const struct record *r)
{
	(void)ctx;
	assert_true(nrecs < 64);
	recs[nrecs++] = *r;
}

static struct tracker *
mk(uint32_t cap)
{
	struct track_config c = { cap, 10 * S, 5 * S, 10 * S, 1 };

	memset(&st, 0, sizeof st);
	memset(recs, 0, sizeof recs);
	nrecs = 0;
	return tracker_new(&c, &st, collect, NULL);
}

#define CLIENT v4(192, 0, 2, 10)
#define SERVER v4(203, 0, 113, 25)
#define ROUTER v4(198, 51, 100, 1)
#define ROUTER_A ((struct addr){ .family = 4, .b = { 198, 51, 100, 1 } })

static struct packet
tcp(struct addr src, struct addr dst, uint16_t sp, uint16_t dp, uint8_t flags,
    uint32_t seq, uint32_t ack, uint8_t ttl)
{
	struct packet p;

	memset(&p, 0, sizeof p);
	p.src = src;
	p.dst = dst;
	p.ttl = ttl;
	p.u.tcp.sport = sp;
	p.u.tcp.dport = dp;
	p.u.tcp.flags = flags;
	p.u.tcp.seq = seq;
	p.u.tcp.ack = ack;
	return p;
}

static struct packet
syn(uint16_t cport, uint32_t isn)
{
	return tcp(CLIENT, SERVER, cport, 25, TCPF_SYN, isn, 0, 64);
}

#endif

/*
 * The routing table's answer to "is this address reached through a
 * gateway?", for the first-hop attribution of live captures
 * (core/firsthop.h): the kernel is asked once per address over rtnetlink
 * (RTM_GETROUTE, as `ip route get ADDR` asks it), and its answer is kept for
 * a minute in a table of fixed size.  Asking needs no privilege; the socket
 * is opened with the capture all the same, before privileges are dropped.
 */
#ifndef SMTPSCOPE_ROUTE_H
#define SMTPSCOPE_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

#define ROUTE_SLOTS 256			/* addresses remembered */
#define ROUTE_KEEP_US 60000000		/* how long an answer is kept */
#define ROUTE_WAIT_MS 100		/* for the kernel's answer, at most */

struct route;

/* NULL with err set when no rtnetlink socket can be had. */
struct route *route_open(char *err, size_t errlen);
void route_close(struct route *r);

/* A firsthop_route_fn, ctx a struct route: 1 when dst is reached through
 * a gateway, 0 when on-link or this host's own, -1 when the kernel has no
 * route for it or did not answer. */
int route_via_gateway(void *ctx, const struct addr *dst);

/* How many times the kernel was asked (the rest came from the table). */
uint64_t route_asked(const struct route *r);

/* The answer in one rtnetlink message of len bytes (header included):
 * what route_via_gateway() returns for it; -1 for anything but a unicast
 * or local route.  Every length in it is checked. */
int route_reply(const uint8_t *msg, size_t len);

#endif

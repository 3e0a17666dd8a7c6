/*
 * First-hop attribution: an answer that carries the server's address but
 * was made by the first router on the path, as a gateway's
 * `REJECT --reject-with tcp-reset` makes it.  Such an answer crossed no
 * router (hop distance 0), although the server is reached through one.
 *
 * Whether the server is reached through a gateway comes from the routing
 * table when the capture is live (io/route.h answers through a
 * firsthop_route_fn), and otherwise from the answers seen before: a next
 * hop, known by the link-layer source address of the frames it handed over,
 * through which answers came from 1 hop or more away is a router.
 * No I/O; one small table of fixed size.
 */
#ifndef SMTPSCOPE_FIRSTHOP_H
#define SMTPSCOPE_FIRSTHOP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/decode.h"
#include "util/addr.h"

/* Next hops remembered; past that, the least recently seen is replaced. */
#define FIRSTHOP_SLOTS 64

/* Is dst reached through a gateway?  1 yes, 0 no (on-link, or this
 * host), -1 not known. */
typedef int (*firsthop_route_fn)(void *ctx, const struct addr *dst);

struct firsthop {
	firsthop_route_fn route;	/* NULL: no routing table (read) */
	void *route_ctx;
	uint32_t clock;			/* counts lookups, to age entries */
	uint32_t n;			/* entries used */
	struct firsthop_entry {
		uint8_t len;		/* of ll */
		uint8_t ll[LLADDR_MAX];
		uint8_t hops;		/* the most seen through it */
		uint32_t seen;		/* clock when last seen */
	} e[FIRSTHOP_SLOTS];
};

/* A zeroed struct firsthop is an empty table with no routing table. */
void firsthop_set_route(struct firsthop *f, firsthop_route_fn fn, void *ctx);

/* Remembers that an answer p matched an attempt: its hop distance through
 * its next hop.  Frames without a link address, or over loopback (an
 * address of zeros), teach nothing. */
void firsthop_learn(struct firsthop *f, const struct packet *p);

/* The most hops seen through the next hop ll (len bytes); -1 unknown. */
int firsthop_hops_via(const struct firsthop *f, const uint8_t *ll, uint8_t len);

/*
 * Was answer p, which matched an attempt to server, made by the first hop
 * in the server's name?  True when it carries the server's address, comes
 * from hop distance 0 and not over loopback, and the server is reached
 * through a gateway: so says the routing table, or, when that is not
 * known, answers through the same next hop came from 1 hop or more away.
 */
bool firsthop_made(const struct firsthop *f, const struct addr *server,
    const struct packet *p);

#endif

/*
 * First-hop attribution (core/firsthop.h).  The table is searched from end
 * to end: it holds a host's few next hops, and is read once per answer, not
 * per packet.
 */
#include <string.h>

#include "core/firsthop.h"
#include "core/verdict.h"

void
firsthop_set_route(struct firsthop *f, firsthop_route_fn fn, void *ctx)
{
	f->route = fn;
	f->route_ctx = ctx;
}

/* A link address worth keeping: present, and not loopback's zeros. */
static bool
usable(const uint8_t *ll, uint8_t len)
{
	uint8_t i;

	for (i = 0; i < len; i++)
		if (ll[i] != 0)
			return true;
	return false;
}

/* Linux's loopback: a link address of zeros. */
static bool
loopback(const struct packet *p)
{
	return p->ll_len > 0 && !usable(p->ll_src, p->ll_len);
}

static int
find(const struct firsthop *f, const uint8_t *ll, uint8_t len)
{
	uint32_t i;

	for (i = 0; i < f->n; i++)
		if (f->e[i].len == len && memcmp(f->e[i].ll, ll, len) == 0)
			return (int)i;
	return -1;
}

/* A slot for a new next hop: a free one, or the least recently seen. */
static struct firsthop_entry *
slot(struct firsthop *f)
{
	uint32_t i, k = 0;

	if (f->n < FIRSTHOP_SLOTS)
		return &f->e[f->n++];
	for (i = 1; i < FIRSTHOP_SLOTS; i++)
		if (f->clock - f->e[i].seen > f->clock - f->e[k].seen)
			k = i;
	return &f->e[k];
}

void
firsthop_learn(struct firsthop *f, const struct packet *p)
{
	struct firsthop_entry *e;
	int i, hops;

	if (p->ll_len > LLADDR_MAX || !usable(p->ll_src, p->ll_len))
		return;
	hops = hops_from_ttl(p->ttl);
	f->clock++;
	if ((i = find(f, p->ll_src, p->ll_len)) >= 0)
		e = &f->e[i];
	else {
		e = slot(f);
		e->len = p->ll_len;
		memcpy(e->ll, p->ll_src, p->ll_len);
		e->hops = 0;
	}
	if (hops > e->hops)
		e->hops = (uint8_t)hops;
	e->seen = f->clock;
}

int
firsthop_hops_via(const struct firsthop *f, const uint8_t *ll, uint8_t len)
{
	int i;

	if (len > LLADDR_MAX || !usable(ll, len) || (i = find(f, ll, len)) < 0)
		return -1;
	return f->e[i].hops;
}

bool
firsthop_made(const struct firsthop *f, const struct addr *server,
    const struct packet *p)
{
	int via = -1;

	if (!addr_eq(&p->src, server) || hops_from_ttl(p->ttl) != 0 ||
	    loopback(p))
		return false;
	if (f->route != NULL)
		via = f->route(f->route_ctx, server);
	if (via < 0)
		via = firsthop_hops_via(f, p->ll_src, p->ll_len) >= 1;
	return via > 0;
}

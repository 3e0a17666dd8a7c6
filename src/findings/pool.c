/* The pool of findings/pool.h. */
#include <stdlib.h>
#include <string.h>

#include "findings/pool.h"
#include "util/array.h"

#define SLAB (1u << POOL_SLAB_SHIFT)
/* Handles stay below POOL_NONE. */
#define MAX_SLABS ((UINT32_MAX >> POOL_SLAB_SHIFT) - 1)

/* A new last slab; the rest of the one before is left unused (less than
 * the largest array: under 2%). */
static int
new_slab(struct pool *p)
{
	char *s;

	if (array_reserve((void **)&p->slab, &p->capslabs, p->nslabs,
	    MAX_SLABS, sizeof *p->slab) != 0 ||
	    (s = region_alloc(&p->mem, SLAB * p->size)) == NULL)
		return -1;
	p->slab[p->nslabs++] = s;
	p->used = 0;
	return 0;
}

uint32_t
pool_get(struct pool *p, unsigned class)
{
	uint32_t n = 2u << class, h;

	/* free[] and the links hold handles + 1: 0 is none. */
	if (p->free[class] != 0) {
		h = p->free[class] - 1;
		memcpy(&p->free[class], pool_at(p, h), sizeof p->free[class]);
		return h;
	}
	if ((p->nslabs == 0 || p->used + n > SLAB) && new_slab(p) != 0)
		return POOL_NONE;
	h = (p->nslabs - 1) << POOL_SLAB_SHIFT | p->used;
	p->used += n;
	return h;
}

void
pool_put(struct pool *p, uint32_t h, unsigned class)
{
	memcpy(pool_at(p, h), &p->free[class], sizeof p->free[class]);
	p->free[class] = h + 1;
}

void
pool_free_all(struct pool *p)
{
	size_t size = p->size;

	region_free_all(&p->mem);
	free(p->slab);
	memset(p, 0, sizeof *p);
	p->size = size;
}

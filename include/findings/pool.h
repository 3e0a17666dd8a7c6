/*
 * A pool of small arrays of one element size, of 2, 4, ... 2^POOL_CLASSES
 * elements, cut from slabs of 2^POOL_SLAB_SHIFT elements (at most
 * REGION_SIZE bytes: util/region.h): no allocator header per array, and
 * arrays of one owner close together.  An array is named by a 32-bit
 * handle; one freed (a window that grew into the next size) goes on its
 * size's free list for the next of that size.  Everything is given back
 * at once by pool_free_all.  A zeroed struct pool with size set is an
 * empty pool.
 */
#ifndef SMTPSCOPE_FINDINGS_POOL_H
#define SMTPSCOPE_FINDINGS_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "util/region.h"

#define POOL_CLASSES 6			/* arrays of 2 to 64 elements */
#define POOL_SLAB_SHIFT 12		/* elements in a slab: 4096 */
#define POOL_NONE UINT32_MAX

struct pool {
	size_t size;			/* of an element, at least 4 bytes */
	struct region mem;		/* where the slabs are cut */
	char **slab;
	uint32_t nslabs, capslabs;
	uint32_t used;			/* elements cut from the last slab */
	uint32_t free[POOL_CLASSES];	/* first free array of each size */
};

/* The class of an array of n elements (2 <= n <= 64, a power of two). */
static inline unsigned
pool_class(uint32_t n)
{
	return (unsigned)__builtin_ctz(n) - 1;
}

/* An array of 2 << class elements; POOL_NONE when out of memory. */
uint32_t pool_get(struct pool *p, unsigned class);
/* Gives array h of that class back for the next pool_get of it. */
void pool_put(struct pool *p, uint32_t h, unsigned class);
void pool_free_all(struct pool *p);

/* The first element of array h. */
static inline void *
pool_at(const struct pool *p, uint32_t h)
{
	return p->slab[h >> POOL_SLAB_SHIFT] +
	    (size_t)(h & ((1u << POOL_SLAB_SHIFT) - 1)) * p->size;
}

#endif

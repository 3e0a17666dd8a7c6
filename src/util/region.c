/* Regions of util/region.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/array.h"
#include "util/region.h"

/* Room for one more in map[]. */
static int
room_for_map(struct region *r)
{
	return array_reserve((void **)&r->map, &r->capmaps, r->nmaps,
	    UINT32_MAX, sizeof *r->map);
}

#if !REGION_EACH_BLOCK
/* A new region, REGION_SIZE-aligned (a huge page must be): twice the size
 * mapped, the parts before and after the aligned one unmapped. */
static int
new_region(struct region *r)
{
	char *p, *a;
	size_t head;

	if (room_for_map(r) != 0)
		return -1;
	p = mmap(NULL, 2 * REGION_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	head = (REGION_SIZE - (uintptr_t)p % REGION_SIZE) % REGION_SIZE;
	a = p + head;
	if (head > 0)
		munmap(p, head);
	munmap(a + REGION_SIZE, REGION_SIZE - head);
	(void)madvise(a, REGION_SIZE, MADV_HUGEPAGE);
	r->map[r->nmaps++] = a;
	r->cur = a;
	r->end = a + REGION_SIZE;
	return 0;
}
#endif

void *
region_alloc(struct region *r, size_t n)
{
	void *p;

	if (n == 0 || n > REGION_SIZE)
		return NULL;
	n = (n + REGION_ALIGN - 1) / REGION_ALIGN * REGION_ALIGN;
#if REGION_EACH_BLOCK
	if (room_for_map(r) != 0 || (p = aligned_alloc(REGION_ALIGN, n)) == NULL)
		return NULL;
	r->map[r->nmaps++] = p;
#else
	if ((size_t)(r->end - r->cur) < n && new_region(r) != 0)
		return NULL;
	p = r->cur;
	r->cur += n;
#endif
	return p;
}

void
region_free_all(struct region *r)
{
	uint32_t i;

	for (i = 0; i < r->nmaps; i++) {
#if REGION_EACH_BLOCK
		free(r->map[i]);
#else
		munmap(r->map[i], REGION_SIZE);
#endif
	}
	free(r->map);
	memset(r, 0, sizeof *r);
}

/*
 * Memory for the many blocks of one owner, cut from regions of
 * REGION_SIZE mapped for it, aligned to their size, which the kernel is
 * asked to back with huge pages (madvise(MADV_HUGEPAGE); where it will
 * not, they are ordinary memory).  Blocks are not given back one by one:
 * the owner keeps those it no longer needs for its next ones, and
 * region_free_all() unmaps every region.  A zeroed struct region is an
 * empty one.  Under AddressSanitizer each block is a malloc of its own
 * instead (REGION_EACH_BLOCK), so that it checks every block's bounds.
 */
#ifndef SMTPSCOPE_REGION_H
#define SMTPSCOPE_REGION_H

#include <stddef.h>
#include <stdint.h>

#include "util/sanitizer.h"

#define REGION_EACH_BLOCK SANITIZE_ADDRESS

#define REGION_SIZE ((size_t)2 << 20)	/* a huge page of x86-64 */
#define REGION_ALIGN 64			/* of every block: a cache line */

struct region {
	char *cur, *end;		/* what is left of the latest region */
	void **map;			/* every region (block), to give back */
	uint32_t nmaps, capmaps;
};

/* n bytes (0 < n <= REGION_SIZE), REGION_ALIGN-aligned, not cleared;
 * NULL when out of memory. */
void *region_alloc(struct region *r, size_t n);
void region_free_all(struct region *r);

#endif

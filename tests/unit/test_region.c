/* Regions (util/region.h): blocks aligned, apart, within bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/region.h"

/* Blocks of every size up to a region: aligned to a line, each in one
 * region and after the one before it there, writable whole. */
static void
blocks_aligned_and_apart(void **state)
{
	struct region r = { 0 };
	char *p, *last = NULL;
	size_t n, lastn = 0;

	(void)state;
	for (n = 1; n <= REGION_SIZE; n = n * 3 + 1) {
		p = region_alloc(&r, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % REGION_ALIGN, 0);
		if (!REGION_EACH_BLOCK) {
			assert_true((uintptr_t)p % REGION_SIZE + n <=
			    REGION_SIZE);
			if (last != NULL && (uintptr_t)p / REGION_SIZE ==
			    (uintptr_t)last / REGION_SIZE)
				assert_true(p >= last + lastn);
		}
		memset(p, 0xa5, n);
		last = p;
		lastn = n;
	}
	region_free_all(&r);
	assert_int_equal(r.nmaps, 0);
	assert_null(r.map);
}

/* A region is aligned to its size, and one that has no room left for a
 * block makes way for the next. */
static void
full_region_then_next(void **state)
{
	struct region r = { 0 };
	char *a, *b, *c;

	(void)state;
	if (REGION_EACH_BLOCK)
		skip();		/* under ASan, each block is a malloc */
	a = region_alloc(&r, REGION_SIZE / 2);
	b = region_alloc(&r, REGION_SIZE / 2);
	c = region_alloc(&r, 1);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal((uintptr_t)a % REGION_SIZE, 0);
	assert_ptr_equal(b, a + REGION_SIZE / 2);
	assert_int_equal((uintptr_t)c % REGION_SIZE, 0);
	assert_int_equal(r.nmaps, 2);
	region_free_all(&r);
}

/* Nothing, or more than a region: refused. */
static void
sizes_refused(void **state)
{
	struct region r = { 0 };

	(void)state;
	assert_null(region_alloc(&r, 0));
	assert_null(region_alloc(&r, REGION_SIZE + 1));
	assert_int_equal(r.nmaps, 0);
	assert_non_null(region_alloc(&r, REGION_SIZE));
	region_free_all(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_aligned_and_apart),
		cmocka_unit_test(full_region_then_next),
		cmocka_unit_test(sizes_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

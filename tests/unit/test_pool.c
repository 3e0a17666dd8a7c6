/* findings/pool: arrays of every size apart from each other, a freed one
 * given again to the next of its size, many slabs, handles that stay. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "findings/pool.h"

struct elem {
	int64_t ts;
	uint8_t kind;
};

static void
classes(void **state)
{
	(void)state;
	assert_int_equal(pool_class(2), 0);
	assert_int_equal(pool_class(4), 1);
	assert_int_equal(pool_class(64), POOL_CLASSES - 1);
}

/* Arrays of every class, each filled with its own number: none overlaps
 * another, across several slabs. */
static void
apart(void **state)
{
	struct pool p = { .size = sizeof(struct elem) };
	enum { N = 3000 };
	static uint32_t h[N];
	uint32_t i, j, n;
	struct elem *e;

	(void)state;
	for (i = 0; i < N; i++) {
		h[i] = pool_get(&p, i % POOL_CLASSES);
		assert_int_not_equal(h[i], POOL_NONE);
		e = pool_at(&p, h[i]);
		for (j = 0, n = 2u << (i % POOL_CLASSES); j < n; j++)
			e[j].ts = i;
	}
	assert_true(p.nslabs > 1);
	for (i = 0; i < N; i++) {
		e = pool_at(&p, h[i]);
		for (j = 0, n = 2u << (i % POOL_CLASSES); j < n; j++)
			assert_int_equal(e[j].ts, i);
	}
	pool_free_all(&p);
	assert_int_equal(p.nslabs, 0);
	assert_null(p.slab);
	assert_int_equal(p.size, sizeof(struct elem));
}

/* A freed array is the next one of its size, last freed first; other
 * sizes do not take it. */
static void
reuse(void **state)
{
	struct pool p = { .size = sizeof(struct elem) };
	uint32_t a, b, c;

	(void)state;
	a = pool_get(&p, 0);
	b = pool_get(&p, 0);
	pool_put(&p, a, 0);
	pool_put(&p, b, 0);
	c = pool_get(&p, 1);
	assert_int_not_equal(c, a);
	assert_int_not_equal(c, b);
	assert_int_equal(pool_get(&p, 0), b);
	assert_int_equal(pool_get(&p, 0), a);
	assert_int_not_equal(pool_get(&p, 0), a);
	pool_free_all(&p);
}

/* Growing a window as scope.c does: the contents move to the larger
 * array and the smaller goes back. */
static void
grow(void **state)
{
	struct pool p = { .size = sizeof(struct elem) };
	uint32_t h = pool_get(&p, 0), g;
	struct elem *e = pool_at(&p, h);
	unsigned c;

	(void)state;
	e[0].ts = 7;
	e[1].ts = 9;
	for (c = 1; c < POOL_CLASSES; c++) {
		g = pool_get(&p, c);
		memcpy(pool_at(&p, g), pool_at(&p, h), 2 * sizeof *e);
		pool_put(&p, h, c - 1);
		h = g;
	}
	e = pool_at(&p, h);
	assert_int_equal(e[0].ts, 7);
	assert_int_equal(e[1].ts, 9);
	pool_free_all(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classes),
		cmocka_unit_test(apart),
		cmocka_unit_test(reuse),
		cmocka_unit_test(grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* array_reserve (util/array.h): doubling, the limit, nothing moved when
 * there is room. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/array.h"

/* Element by element: the capacity doubles from 1, each element written
 * stays, and an array with room is not moved. */
static void
doubles_and_keeps(void **state)
{
	uint32_t *v = NULL, cap = 0, oldcap, n, *before;

	(void)state;
	for (n = 0; n < 1000; n++) {
		before = v;
		oldcap = cap;
		assert_int_equal(array_reserve((void **)&v, &cap, n, UINT32_MAX,
		    sizeof *v), 0);
		if (n < oldcap)
			assert_ptr_equal(v, before);	/* had room */
		else
			assert_int_equal(cap, oldcap == 0 ? 1 : 2 * oldcap);
		assert_true(cap > n);
		assert_true((cap & (cap - 1)) == 0);	/* a power of two */
		v[n] = n * 7;
	}
	assert_int_equal(cap, 1024);
	for (n = 0; n < 1000; n++)
		assert_int_equal(v[n], n * 7);
	free(v);
}

/* Room far past the end: the first power of two above n. */
static void
jumps_past_n(void **state)
{
	uint32_t *v = NULL, cap = 0;

	(void)state;
	assert_int_equal(array_reserve((void **)&v, &cap, 100, UINT32_MAX,
	    sizeof *v), 0);
	assert_int_equal(cap, 128);
	v[100] = 1;
	free(v);
}

/* The limit: capacity no more than max, element max refused, and a
 * refusal changes nothing. */
static void
stops_at_max(void **state)
{
	uint32_t *v = NULL, cap = 0, n;

	(void)state;
	for (n = 0; n < 10; n++)
		assert_int_equal(array_reserve((void **)&v, &cap, n, 10,
		    sizeof *v), 0);
	assert_int_equal(cap, 10);
	assert_int_equal(array_reserve((void **)&v, &cap, 10, 10, sizeof *v),
	    -1);
	assert_int_equal(cap, 10);
	assert_non_null(v);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(doubles_and_keeps),
		cmocka_unit_test(jumps_past_n),
		cmocka_unit_test(stops_at_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Decimal digits two at a time (util/digits.h) against printf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <inttypes.h>
#include <cmocka.h>

#include "util/digits.h"

static void
check_u(uint64_t v)
{
	char buf[DIGITS_MAX + 4], want[32];
	char *end;

	memset(buf, 'x', sizeof buf);
	snprintf(want, sizeof want, "%" PRIu64, v);
	end = put_u64(buf, v);
	assert_int_equal(end - buf, (long)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
	assert_int_equal(*end, 'x');	/* nothing past the end */
}

static void
check_i(int64_t v)
{
	char buf[DIGITS_MAX + 4], want[32];
	char *end;

	snprintf(want, sizeof want, "%" PRId64, v);
	end = put_i64(buf, v);
	assert_int_equal(end - buf, (long)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
}

/* Every length, each power of ten and its neighbours. */
static void
unsigned_values(void **state)
{
	uint64_t p = 1;

	(void)state;
	check_u(0);
	check_u(UINT64_MAX);
	for (int i = 0; i < 20; i++, p *= 10) {
		check_u(p);
		check_u(p - 1);
		check_u(p + 1);
		check_u(p * 7 / 3);
	}
	for (uint64_t v = 0; v < 100000; v++)
		check_u(v);
}

static void
signed_values(void **state)
{
	(void)state;
	check_i(0);
	check_i(-1);
	check_i(-99);
	check_i(-100);
	check_i(12345);
	check_i(INT64_MAX);
	check_i(INT64_MIN);
}

static void
pairs(void **state)
{
	char b[2];

	(void)state;
	for (unsigned v = 0; v < 100; v++) {
		put2(b, v);
		assert_int_equal(b[0], '0' + v / 10);
		assert_int_equal(b[1], '0' + v % 10);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unsigned_values),
		cmocka_unit_test(signed_values),
		cmocka_unit_test(pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

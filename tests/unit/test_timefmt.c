/* Record times: RFC 3339 UTC with microseconds, through the per-second
 * cache, at the edges of the range and with stamps that share slots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/timefmt.h"

static void
check(int64_t us, const char *want)
{
	char buf[64];

	fmt_time(buf, sizeof buf, us);
	assert_string_equal(buf, want);
}

static void
edges(void **state)
{
	(void)state;
	check(0, "1970-01-01T00:00:00.000000Z");
	check(-1, "1969-12-31T23:59:59.999999Z");
	check(1700000000123456LL, "2023-11-14T22:13:20.123456Z");
	check(253402300799999999LL, "9999-12-31T23:59:59.999999Z");
	check(253402300800000000LL, "10000-01-01T00:00:00.000000Z");
	check(-62167219200000000LL, "0000-01-01T00:00:00.000000Z");
	check(-62167219200000001LL, "-001-12-31T23:59:59.999999Z");
}

/* Seconds 8 apart share a cache slot; each must still get its own text. */
static void
seconds_sharing_a_slot(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		check(1700000000000000LL, "2023-11-14T22:13:20.000000Z");
		check(1700000008000001LL, "2023-11-14T22:13:28.000001Z");
		check(1700000001999999LL, "2023-11-14T22:13:21.999999Z");
		check(1700086400000000LL, "2023-11-15T22:13:20.000000Z");
	}
}

static void
short_buffer(void **state)
{
	char buf[12];

	(void)state;
	fmt_time(buf, sizeof buf, 1700000000000000LL);
	assert_string_equal(buf, "@1700000000");	/* cut, never overrun */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edges),
		cmocka_unit_test(seconds_sharing_a_slot),
		cmocka_unit_test(short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

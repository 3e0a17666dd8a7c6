/* Record times: RFC 3339 UTC with microseconds, through the per-second
 * cache, at the edges of the range and with stamps that share slots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* Seconds 1024 apart share a cache slot; each must still get its own
 * text, and so must seconds 8 apart. */
static void
seconds_sharing_a_slot(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		check(1700000000000000LL, "2023-11-14T22:13:20.000000Z");
		check(1700001024000007LL, "2023-11-14T22:30:24.000007Z");
		check(1700000000999999LL, "2023-11-14T22:13:20.999999Z");
	}
	for (int i = 0; i < 3; i++) {
		check(1700000000000000LL, "2023-11-14T22:13:20.000000Z");
		check(1700000008000001LL, "2023-11-14T22:13:28.000001Z");
		check(1700000001999999LL, "2023-11-14T22:13:21.999999Z");
		check(1700086400000000LL, "2023-11-15T22:13:20.000000Z");
	}
}

/* timefmt_put: the same text, no NUL, and the end returned; every second
 * of a span wider than the cache against gmtime_r. */
static void
put_in_place(void **state)
{
	char buf[TIMEFMT_MAX + 8], want[64];
	int64_t sec;

	(void)state;
	for (sec = 1699999000; sec < 1700003000; sec += 7) {
		time_t t = (time_t)sec;
		struct tm tm;
		int64_t us = sec * 1000000 + sec % 1000000;
		char *end;

		gmtime_r(&t, &tm);
		snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)(sec % 1000000));
		memset(buf, 'x', sizeof buf);
		end = timefmt_put(buf, us);
		assert_int_equal(end - buf, (long)strlen(want));
		assert_memory_equal(buf, want, strlen(want));
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

/* parse_time is fmt_time's inverse over the range of packet times. */
static void
parse_back(void **state)
{
	static const int64_t us[] = { 0, -1, 1700000000123456LL,
	    253402300799999999LL, 253402300800000000LL, -62167219200000000LL,
	    -62167219200000001LL, 951782400000000LL /* 2000-02-29 */,
	    ((int64_t)1 << 40) * 1000000 + 999999,
	    -((int64_t)1 << 40) * 1000000 };
	char buf[64];
	int64_t got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof us / sizeof us[0]; i++) {
		fmt_time(buf, sizeof buf, us[i]);
		got = 42;
		assert_int_equal(parse_time(buf, &got), 0);
		assert_int_equal(got, us[i]);
	}
}

static void
parse_refusals(void **state)
{
	static const char *const bad[] = {
		"", "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.12345Z",
		"2023-11-14T22:13:20.1234567Z", "2023-11-14T22:13:20.123456",
		"2023-11-14 22:13:20.123456Z", "2023-11-14T22:13:20.123456Z ",
		"2023-13-14T22:13:20.123456Z", "2023-00-14T22:13:20.123456Z",
		"2023-02-29T22:13:20.123456Z", "1900-02-29T00:00:00.000000Z",
		"2023-04-31T00:00:00.000000Z", "2023-11-14T24:00:00.000000Z",
		"2023-11-14T23:60:00.000000Z", "2023-11-14T23:59:60.000000Z",
		"023-11-14T22:13:20.123456Z", "+2023-11-14T22:13:20.123456Z",
		"2023-1a-14T22:13:20.123456Z", "2023-11-14T22:13:20.12345aZ",
		"9999999-01-01T00:00:00.000000Z", "999999-01-01T00:00:00.000000Z",
		"@1700000000", "2023-11-14T22:13:20.-12345Z",
		"2023-11-14T22:13:20.123456+01", "2023-11-14T22:13:20.123456+0100",
		"2023-11-14T22:13:20.123456+24:00", "2023-11-14T22:13:20.123456+01:60",
		"2023-11-14T22:13:20.123456", "2023-11-14T22:13:20.123456Z ",
		"2023-11-14T22:13:20.123456*01:00",
	};
	int64_t got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parse_time(bad[i], &got) != -1)
			fail_msg("accepted '%s'", bad[i]);
	}
	/* A leap day is a day. */
	assert_int_equal(parse_time("2024-02-29T00:00:00.000000Z", &got), 0);
	assert_int_equal(got, 1709164800000000LL);
}

/* --localtime: TZ's time and offset, across a DST change, read back to
 * the same instant; UTC again once switched off. */
static void
local_time(void **state)
{
	static const struct { const char *tz; int64_t us; const char *want; } c[] = {
		{ "Europe/Berlin", 1700000000123456LL,
		    "2023-11-14T23:13:20.123456+01:00" },
		{ "Europe/Berlin", 1690000000000001LL,
		    "2023-07-22T06:26:40.000001+02:00" },
		{ "America/St_Johns", 1700000000123456LL,
		    "2023-11-14T18:43:20.123456-03:30" },
		{ "Asia/Kolkata", 0, "1970-01-01T05:30:00.000000+05:30" },
		{ "UTC", 1700000000123456LL, "2023-11-14T22:13:20.123456+00:00" },
	};
	char buf[64];
	int64_t got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		setenv("TZ", c[i].tz, 1);
		tzset();
		timefmt_set_local(1);
		fmt_time(buf, sizeof buf, c[i].us);
		assert_string_equal(buf, c[i].want);
		assert_string_equal(timefmt_zone_name(), "local time");
		assert_int_equal(parse_time(buf, &got), 0);
		assert_int_equal(got, c[i].us);
	}
	timefmt_set_local(0);
	check(1700000000123456LL, "2023-11-14T22:13:20.123456Z");
	assert_string_equal(timefmt_zone_name(), "UTC");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edges),
		cmocka_unit_test(seconds_sharing_a_slot),
		cmocka_unit_test(put_in_place),
		cmocka_unit_test(short_buffer),
		cmocka_unit_test(parse_back),
		cmocka_unit_test(parse_refusals),
		cmocka_unit_test(local_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

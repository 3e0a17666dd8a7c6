/* Port sets as text (portset_format): lists, ranges, the edges of the
 * port space, and a buffer too short for the list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/portset.h"

static void
check(const struct portset *s, size_t len, const char *want)
{
	char buf[256];

	assert_true(len <= sizeof buf);
	memset(buf, 'x', sizeof buf);
	assert_ptr_equal(portset_format(s, buf, len), buf);
	assert_string_equal(buf, want);
}

static void
lists_and_ranges(void **state)
{
	struct portset s;

	(void)state;
	portset_clear(&s);
	check(&s, 64, "");
	portset_add(&s, 25, 25);
	check(&s, 64, "25");
	portset_add(&s, 587, 587);
	portset_add(&s, 2525, 2530);
	check(&s, 64, "25,587,2525-2530");
	portset_clear(&s);
	portset_add(&s, 1, 65535);
	check(&s, 64, "1-65535");
	portset_clear(&s);
	portset_add(&s, 65535, 65535);
	portset_add(&s, 1, 1);
	check(&s, 64, "1,65535");
}

/* Cut after the last item that fits, with "...", and always terminated. */
static void
short_buffer(void **state)
{
	struct portset s;
	char one[1] = { 'x' };

	(void)state;
	portset_clear(&s);
	portset_add(&s, 25, 25);
	portset_add(&s, 587, 587);
	portset_add(&s, 2525, 2530);
	check(&s, 17, "25,587,2525-2530");
	check(&s, 16, "25,587...");
	check(&s, 10, "25,587...");
	check(&s, 9, "25,58...");
	check(&s, 4, "...");
	check(&s, 3, "");
	assert_ptr_equal(portset_format(&s, one, 1), one);
	assert_int_equal(one[0], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_and_ranges),
		cmocka_unit_test(short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Address text: our formatter must print what inet_ntop prints, for every
 * pattern of zero and non-zero IPv6 groups (where "::" goes), the IPv4
 * forms inside IPv6, and IPv4 itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "util/addr.h"

static void
same_as_inet_ntop(const struct addr *a)
{
	char want[INET6_ADDRSTRLEN], got[ADDR_STRLEN];

	assert_non_null(inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b,
	    want, sizeof want));
	assert_string_equal(addr_str(a, got), want);
}

static void
ipv6_every_zero_pattern(void **state)
{
	/* Values that show leading-zero and letter handling. */
	static const uint16_t vals[] = { 1, 0xf, 0x10, 0xab, 0x100, 0xdb8,
	    0x1000, 0xffff, 0x2001, 0xfe80 };
	struct addr a;

	(void)state;
	srand(7);
	for (unsigned mask = 0; mask < 256; mask++)
		for (int k = 0; k < 20; k++) {
			memset(&a, 0, sizeof a);
			a.family = 6;
			for (int i = 0; i < 8; i++) {
				uint16_t v;

				if (!(mask >> i & 1))
					continue;
				v = k < 10 ? vals[(k + i) % 10] :
				    (uint16_t)(1 + rand() % 0xffff);
				a.b[2 * i] = (uint8_t)(v >> 8);
				a.b[2 * i + 1] = (uint8_t)v;
			}
			same_as_inet_ntop(&a);
		}
}

static void
ipv6_with_ipv4_inside(void **state)
{
	static const char *const texts[] = { "::ffff:192.0.2.1", "::192.0.2.1",
	    "::ffff:0.0.0.0", "::ffff:0:1", "::1", "::", "::0.0.1.2",
	    "64:ff9b::192.0.2.1", "::ffff:1:192.0.2.1", "1::ffff:192.0.2.1",
	    "2001:db8::", "2001:db8:0:0:1::1", "2001:0:0:1::1", "1:0:0:2:0:0:0:3" };
	struct addr a;

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		assert_true(addr_parse(texts[i], &a));
		same_as_inet_ntop(&a);
	}
}

static void
ipv4_every_octet_width(void **state)
{
	static const uint8_t octets[] = { 0, 1, 9, 10, 99, 100, 199, 200, 255 };
	struct addr a;

	(void)state;
	memset(&a, 0, sizeof a);
	a.family = 4;
	for (size_t i = 0; i < sizeof octets; i++)
		for (size_t j = 0; j < sizeof octets; j++) {
			a.b[0] = octets[i];
			a.b[1] = octets[j];
			a.b[2] = octets[(i + j) % sizeof octets];
			a.b[3] = octets[(i * j) % sizeof octets];
			same_as_inet_ntop(&a);
		}
}

static void
no_address(void **state)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	(void)state;
	memset(&a, 0, sizeof a);
	assert_string_equal(addr_str(&a, buf), "-");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv6_every_zero_pattern),
		cmocka_unit_test(ipv6_with_ipv4_inside),
		cmocka_unit_test(ipv4_every_octet_width),
		cmocka_unit_test(no_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

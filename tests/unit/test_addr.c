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

/* addr_str gives inet_ntop's text, and addr_put the same bytes with its
 * end returned and nothing written past it. */
static void
same_as_inet_ntop(const struct addr *a)
{
	char want[INET6_ADDRSTRLEN], got[ADDR_STRLEN], put[ADDR_STRLEN + 8];
	char *end;
	size_t n;

	assert_non_null(inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b,
	    want, sizeof want));
	assert_string_equal(addr_str(a, got), want);
	n = strlen(want);
	memset(put, '#', sizeof put);
	end = addr_put(put, a);
	assert_ptr_equal(end, put + n);
	assert_memory_equal(put, want, n);
	for (size_t i = n; i < sizeof put; i++)
		assert_int_equal(put[i], '#');
}

static void
set(struct addr *a, int family, const uint8_t *b)
{
	memset(a, 0, sizeof *a);
	a->family = (uint8_t)family;
	memcpy(a->b, b, family == 4 ? 4 : 16);
}

/* The ends of each range and the forms with something special to say. */
static void
edges(void **state)
{
	static const uint8_t v4[][4] = { { 0, 0, 0, 0 }, { 255, 255, 255, 255 },
	    { 10, 0, 0, 1 }, { 127, 0, 0, 1 }, { 192, 0, 2, 1 },
	    { 1, 10, 100, 255 }, { 9, 99, 199, 200 }, { 100, 0, 10, 0 } };
	static const uint8_t v6[][16] = {
		{ 0 },						/* :: */
		{ [15] = 1 },					/* ::1 */
		{ [10] = 0xff, [11] = 0xff, 10, 0, 0, 1 },	/* v4-mapped */
		{ [10] = 0xff, [11] = 0xff },			/* ::ffff:0.0.0.0 */
		{ [12] = 192, 0, 2, 1 },			/* ::192.0.2.1 */
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xff },	/* longest text */
		{ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },		/* 2001:db8::1 */
		{ 0x20, 0x01, 0x0d, 0xb8, [5] = 1, [13] = 1 },	/* equal runs */
		{ 0xfe, 0x80, [8] = 2, [15] = 1 },		/* fe80::200:0:0:1 */
		{ 1, [3] = 1, [7] = 1, [11] = 1, [15] = 1 },	/* one zero */
		{ [1] = 1, [3] = 2, [5] = 3, [7] = 4, [9] = 5, [11] = 6,
		    [13] = 7 },					/* ends in 0 */
	};
	struct addr a;

	(void)state;
	for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++) {
		set(&a, 4, v4[i]);
		same_as_inet_ntop(&a);
	}
	for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
		set(&a, 6, v6[i]);
		same_as_inet_ntop(&a);
	}
}

/* Random addresses: bytes often zero or 0xff, so zero runs, v4-mapped
 * prefixes and every octet width all come up. */
static void
random_addresses(void **state)
{
	unsigned seed = 17;
	uint8_t b[16];
	struct addr a;

	(void)state;
	for (unsigned i = 0; i < 200000; i++) {
		for (size_t j = 0; j < sizeof b; j++) {
			unsigned r = (unsigned)rand_r(&seed);

			b[j] = (uint8_t)(r % 4 == 0 ? 0 : r % 4 == 1 ? 0xff :
			    r >> 8);
		}
		if (i % 8 == 1)		/* ::ffff:a.b.c.d */
			memcpy(b, "\0\0\0\0\0\0\0\0\0\0\377\377", 12);
		else if (i % 8 == 2)	/* ::a.b.c.d */
			memset(b, 0, 12);
		set(&a, i % 2 ? 6 : 4, b);
		same_as_inet_ntop(&a);
	}
	/* each IPv4 octet value in each place */
	for (unsigned v = 0; v < 256; v++)
		for (int k = 0; k < 4; k++) {
			memset(b, 0, sizeof b);
			b[k] = (uint8_t)v;
			b[(k + 1) % 4] = (uint8_t)(255 - v);
			set(&a, 4, b);
			same_as_inet_ntop(&a);
		}
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
	memset(buf, '#', sizeof buf);
	assert_ptr_equal(addr_put(buf, &a), buf + 1);
	assert_int_equal(buf[0], '-');
	assert_int_equal(buf[1], '#');
}

/* --metrics-listen's ADDR:PORT: each form and each way to get it wrong. */
static void
endpoint_forms(void **state)
{
	static const struct {
		const char *in;
		enum endpoint_err want;
		const char *canon;	/* endpoint_str of the result */
	} cases[] = {
		{ "127.0.0.1:9464", ENDPOINT_OK, "127.0.0.1:9464" },
		{ "[::1]:9464", ENDPOINT_OK, "[::1]:9464" },
		{ "[2001:db8:0::1]:1", ENDPOINT_OK, "[2001:db8::1]:1" },
		{ "0.0.0.0:65535", ENDPOINT_OK, "0.0.0.0:65535" },
		{ "127.0.0.1", ENDPOINT_NO_PORT, NULL },
		{ "[::1]", ENDPOINT_NO_PORT, NULL },
		{ "[::1]9464", ENDPOINT_NO_PORT, NULL },
		{ "127.0.0.1:", ENDPOINT_BAD_PORT, NULL },
		{ "127.0.0.1:0", ENDPOINT_BAD_PORT, NULL },
		{ "127.0.0.1:65536", ENDPOINT_BAD_PORT, NULL },
		{ "127.0.0.1:+80", ENDPOINT_BAD_PORT, NULL },
		{ "127.0.0.1: 80", ENDPOINT_BAD_PORT, NULL },
		{ "127.0.0.1:80x", ENDPOINT_BAD_PORT, NULL },
		{ "127.0.0.1:0000009464", ENDPOINT_BAD_PORT, NULL },
		{ "localhost:9464", ENDPOINT_BAD_ADDR, NULL },
		{ ":9464", ENDPOINT_BAD_ADDR, NULL },
		{ "[]:9464", ENDPOINT_BAD_ADDR, NULL },
		{ "[127.0.0.1]:9464", ENDPOINT_BAD_ADDR, NULL },
		{ "[::1:9464", ENDPOINT_BAD_ADDR, NULL },
		{ "[fe80::1%eth0]:9464", ENDPOINT_BAD_ADDR, NULL },
		{ "::1", ENDPOINT_UNBRACKETED, NULL },
		{ "2001:db8::1:9464", ENDPOINT_UNBRACKETED, NULL },
		{ "", ENDPOINT_NO_PORT, NULL },
	};
	char buf[ENDPOINT_STRLEN];
	struct addr a;
	uint16_t port;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum endpoint_err e = endpoint_parse(cases[i].in, &a, &port);

		if (e != cases[i].want)
			fail_msg("'%s': %d, not %d", cases[i].in, e, cases[i].want);
		if (cases[i].canon != NULL)
			assert_string_equal(endpoint_str(&a, port, buf),
			    cases[i].canon);
	}
}

/* Every address and port endpoint_str() writes reads back the same, and
 * random strings of the characters the forms use never read out of
 * bounds and, when taken, are written back the way they were read. */
static void
endpoint_round_trip(void **state)
{
	static const char alphabet[] = "0123456789abcdef:.[]%x ";
	char buf[ENDPOINT_STRLEN], in[64];
	struct addr a, b;
	uint16_t port, p2;
	unsigned seed = 14, i, j;

	(void)state;
	for (i = 0; i < 20000; i++) {
		memset(&a, 0, sizeof a);
		a.family = i % 2 ? 6 : 4;
		for (j = 0; j < (a.family == 4 ? 4u : 16u); j++)
			a.b[j] = (uint8_t)(rand_r(&seed) % 3 == 0 ? 0 : rand_r(&seed));
		port = (uint16_t)(1 + rand_r(&seed) % 65535);
		assert_int_equal(endpoint_parse(endpoint_str(&a, port, buf), &b,
		    &p2), ENDPOINT_OK);
		assert_true(addr_eq(&a, &b));
		assert_int_equal(port, p2);
	}
	for (i = 0; i < 200000; i++) {
		size_t n = (size_t)rand_r(&seed) % (sizeof in - 1);

		for (j = 0; j < n; j++)
			in[j] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
		in[n] = '\0';
		if (endpoint_parse(in, &b, &p2) != ENDPOINT_OK)
			continue;
		assert_true(p2 >= 1);
		assert_int_equal(endpoint_parse(endpoint_str(&b, p2, buf), &a,
		    &port), ENDPOINT_OK);
		assert_true(addr_eq(&a, &b));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv6_every_zero_pattern),
		cmocka_unit_test(ipv6_with_ipv4_inside),
		cmocka_unit_test(ipv4_every_octet_width),
		cmocka_unit_test(edges),
		cmocka_unit_test(random_addresses),
		cmocka_unit_test(no_address),
		cmocka_unit_test(endpoint_forms),
		cmocka_unit_test(endpoint_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

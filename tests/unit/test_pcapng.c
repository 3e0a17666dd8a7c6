/*
 * Our pcapng reader must hand over what libpcap hands over on every file
 * libpcap reads (crafted files for each block, option, byte order,
 * resolution, cut and error here; the captures of the tree in
 * test_pcapfile.c), and go on where
 * libpcap 1.10 stops: interfaces of different link types and snapshot
 * lengths, each packet with its own.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../fuzz/pcapng_same.h"
#include "capimg.h"


static void
put_bytes(struct img *m, const void *p, size_t n)
{
	if (n > 0)		/* p is NULL for an empty option */
		memcpy(m->b + m->n, p, n);
	m->n += n;
	while (m->n % 4)
		m->b[m->n++] = 0;
}

static void
begin(struct img *m, uint32_t type)
{
	m->start = m->n;
	put32(m, type);
	put32(m, 0);		/* the length, set by end() */
}

static void
end(struct img *m)
{
	uint32_t total = (uint32_t)(m->n + 4 - m->start), v = total;

	if (m->swap)
		v = __builtin_bswap32(v);
	memcpy(m->b + m->start + 4, &v, 4);
	put32(m, total);
}

static void
opt(struct img *m, uint16_t code, const void *v, uint16_t len)
{
	put16(m, code);
	put16(m, len);
	put_bytes(m, v, len);
}

static void
shb(struct img *m, int swap, uint16_t major, uint16_t minor,
    const char *comment)
{
	m->swap = swap;
	begin(m, 0x0a0d0d0a);
	put32(m, 0x1a2b3c4d);
	put16(m, major);
	put16(m, minor);
	put32(m, 0xffffffff);
	put32(m, 0xffffffff);
	if (comment != NULL) {
		opt(m, 1, comment, (uint16_t)strlen(comment));
		opt(m, 0, NULL, 0);
	}
	end(m);
}

/* tsresol < 0: none; tsoffset 0: none. */
static void
idb(struct img *m, uint16_t linktype, uint32_t snaplen, int tsresol,
    int64_t tsoffset)
{
	begin(m, 1);
	put16(m, linktype);
	put16(m, 0);
	put32(m, snaplen);
	opt(m, 2, "eth0", 4);
	if (tsresol >= 0) {
		uint8_t r = (uint8_t)tsresol;

		opt(m, 9, &r, 1);
	}
	if (tsoffset != 0) {
		uint64_t o = (uint64_t)tsoffset;

		if (m->swap)
			o = __builtin_bswap64(o);
		opt(m, 14, &o, 8);
	}
	opt(m, 0, NULL, 0);
	end(m);
}

static void
payload(struct img *m, uint32_t have)
{
	for (uint32_t i = 0; i < have; i++)
		m->b[m->n++] = (uint8_t)(i * 7 + 1);
	while (m->n % 4)
		m->b[m->n++] = 0;
}

static void
epb(struct img *m, uint32_t ifid, uint64_t t, uint32_t caplen, uint32_t len,
    uint32_t have)
{
	begin(m, 6);
	put32(m, ifid);
	put32(m, (uint32_t)(t >> 32));
	put32(m, (uint32_t)t);
	put32(m, caplen);
	put32(m, len);
	payload(m, have);
	opt(m, 1, "a packet comment", 16);
	end(m);
}

static void
spb(struct img *m, uint32_t len, uint32_t have)
{
	begin(m, 3);
	put32(m, len);
	payload(m, have);
	end(m);
}

static void
pb(struct img *m, uint16_t ifid, uint64_t t, uint32_t caplen, uint32_t len)
{
	begin(m, 2);
	put16(m, ifid);
	put16(m, 0);
	put32(m, (uint32_t)(t >> 32));
	put32(m, (uint32_t)t);
	put32(m, caplen);
	put32(m, len);
	payload(m, caplen);
	end(m);
}

/* A block of a type we skip (a Name Resolution Block, a custom one). */
static void
other(struct img *m, uint32_t type)
{
	begin(m, type);
	put32(m, 0x12345678);
	end(m);
}

static void
assert_same(const struct img *m, int want)
{
	char why[512];
	int rc = pcapng_same(m->b, m->n, why, sizeof why);

	if (rc < 0)
		print_error("differs from libpcap: %s\n", why);
	assert_int_equal(rc, want);
}

/* Each resolution libpcap knows, in both byte orders, with an offset. */
static void
resolutions_and_byte_orders(void **state)
{
	static const int res[] = { -1, 0, 3, 6, 9, 12, 19, 20, 0x80 | 10,
	    0x80 | 20, 0x80 | 63, 0x80 | 64 };
	struct img m;

	(void)state;
	for (int swap = 0; swap < 2; swap++)
		for (size_t k = 0; k < sizeof res / sizeof res[0]; k++) {
			m.n = 0;
			shb(&m, swap, 1, 0, NULL);
			idb(&m, 1, 65535, res[k], k % 2 ? -3600 : 0);
			epb(&m, 0, 0x0005f0c8d1a2b3c4ull, 60, 60, 60);
			epb(&m, 0, 0xffffffffffffffffull, 54, 1514, 54);
			spb(&m, 40, 40);
			pb(&m, 0, 1234567, 20, 20);
			assert_same(&m, NG_OK);
		}
}

/* Versions, sections, skipped blocks, the first interface's link type. */
static void
sections_and_blocks(void **state)
{
	static const uint16_t lts[] = { 1, 0, 108, 113, 276, 101, 12, 228, 229,
	    239, 9, 104, 107, 147, 220 };
	struct img m;

	(void)state;
	for (size_t k = 0; k < sizeof lts / sizeof lts[0]; k++) {
		m.n = 0;
		shb(&m, k % 2, 1, k % 3 ? 0 : 2, "smtpscope: -p 25");
		other(&m, 4);
		idb(&m, lts[k], 262144, 9, 0);
		other(&m, 0x40000bad);
		epb(&m, 0, 1700000000123456789ull, 40, 40, 40);
		shb(&m, k % 2, 1, 0, NULL);
		idb(&m, lts[k], 262144, -1, 0);
		epb(&m, 0, 1700000001123456ull, 40, 40, 40);
		/* libpcap 1.10 compares the next section's raw link type 101
		 * with the DLT_RAW (12) it made of the first: stops there. */
		assert_same(&m, lts[k] == 101 ? NG_LIBPCAP_STOPPED : NG_OK);
	}
	/* Versions libpcap refuses, at open and in a later section. */
	m.n = 0;
	shb(&m, 0, 2, 0, NULL);
	idb(&m, 1, 0, -1, 0);
	assert_same(&m, NG_OK);
	m.n = 0;
	shb(&m, 0, 1, 1, NULL);
	assert_same(&m, NG_OK);
	m.n = 0;
	shb(&m, 0, 1, 0, NULL);
	idb(&m, 1, 0, -1, 0);
	shb(&m, 0, 3, 0, NULL);
	epb(&m, 0, 1, 4, 4, 4);
	assert_same(&m, NG_OK);
	m.n = 0;
	shb(&m, 0, 1, 0, NULL);
	idb(&m, 1, 0, -1, 0);
	shb(&m, 1, 1, 0, NULL);		/* the other byte order */
	assert_same(&m, NG_OK);
}

/* Errors libpcap names, each where it names it. */
static void
errors(void **state)
{
	struct img m;

	(void)state;
	m.n = 0;
	shb(&m, 0, 1, 0, NULL);
	epb(&m, 0, 1, 4, 4, 4);		/* before any interface */
	assert_same(&m, NG_OK);
	m.n = 0;
	shb(&m, 0, 1, 0, NULL);		/* no interface at all */
	assert_same(&m, NG_OK);
	m.n = 0;
	shb(&m, 0, 1, 0, NULL);
	idb(&m, 1, 64, -1, 0);
	epb(&m, 1, 1, 4, 4, 4);		/* no such interface */
	assert_same(&m, NG_OK);
	m.n = 0;
	shb(&m, 0, 1, 0, NULL);
	idb(&m, 1, 64, -1, 0);
	epb(&m, 0, 1, 65, 65, 65);	/* longer than the snapshot */
	assert_same(&m, NG_OK);
	m.n = 0;
	shb(&m, 0, 1, 0, NULL);
	idb(&m, 1, 64, -1, 0);
	epb(&m, 0, 1, 40, 40, 40);
	m.b[m.n - 1] ^= 1;		/* trailer differs from the header */
	assert_same(&m, NG_OK);
	m.n = 0;
	shb(&m, 0, 1, 0, NULL);
	idb(&m, 1, 64, 6, 0);
	idb(&m, 1, 64, 6, 0);
	m.b[m.n - 12] = 7;		/* the second's end option: length 7 */
	assert_same(&m, NG_OK);
}

/* Every cut of a file with each kind of block. */
static void
cut_files(void **state)
{
	struct img m, cut;

	(void)state;
	m.n = 0;
	shb(&m, 0, 1, 0, "smtpscope: -p 25,587");
	idb(&m, 1, 64, 9, 100);
	epb(&m, 0, 1, 60, 60, 60);
	spb(&m, 100, 64);
	pb(&m, 0, 5, 20, 20);
	for (size_t n = 0; n <= m.n; n++) {
		cut = m;
		cut.n = n;
		assert_same(&cut, n < 12 ? NG_NOT_OURS : NG_OK);
	}
}

/*
 * What libpcap 1.10 refuses and we read: Ethernet, cooked and NFLOG
 * interfaces with their own snapshot lengths and resolutions; every
 * packet comes with its own link type, the first one libpcap's way.
 */
static void
interfaces_of_several_link_types(void **state)
{
	static const int want_dlt[] = { 1, 113, 239, 1, 12 };
	static const uint32_t want_cap[] = { 60, 80, 90, 60, 20 };
	char err[256];
	struct pcapng_rec r;
	struct pcapng *f;
	struct img m;
	int fd, k = 0;

	(void)state;
	m.n = 0;
	shb(&m, 0, 1, 0, "smtpscope: -p 2525");
	idb(&m, 1, 65535, 6, 0);
	idb(&m, 113, 262144, 9, 0);
	idb(&m, 239, 0, 6, 0);
	epb(&m, 0, 1700000000000001ull, 60, 60, 60);
	epb(&m, 1, 1700000000000002000ull, 80, 80, 80);
	epb(&m, 2, 1700000000000003ull, 90, 90, 90);
	idb(&m, 101, 96, -1, 0);
	epb(&m, 0, 1700000000000004ull, 60, 60, 60);
	epb(&m, 3, 1700000000000005ull, 20, 20, 20);
	assert_same(&m, NG_LIBPCAP_STOPPED);
	fd = fuzz_memfd(m.b, m.n);
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, PCAPFILE_HDRLEN, SEEK_SET), PCAPFILE_HDRLEN);
	f = pcapng_open(fd, m.b, PCAPFILE_HDRLEN, err, sizeof err);
	assert_non_null(f);
	assert_string_equal(pcapng_comment(f), "smtpscope: -p 2525");
	while (pcapng_next(f, &r, err, sizeof err) == 1) {
		assert_true(k < 5);
		assert_int_equal(r.dlt, want_dlt[k]);
		assert_int_equal(r.caplen, want_cap[k]);
		assert_int_equal(r.sec, 1700000000);
		assert_int_equal(r.usec, k + 1);
		k++;
	}
	assert_int_equal(k, 5);
	pcapng_close(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolutions_and_byte_orders),
		cmocka_unit_test(sections_and_blocks),
		cmocka_unit_test(errors),
		cmocka_unit_test(cut_files),
		cmocka_unit_test(interfaces_of_several_link_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

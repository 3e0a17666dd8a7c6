/*
 * Our classic pcap reader must hand over what libpcap hands over: every
 * capture in pcaps/ and tests/malformed/ (run from the top of the tree;
 * the pcapng reader too, on the same files, see test_pcapng.c),
 * and crafted files for the corners (byte order, nanoseconds, snapshot
 * lengths, cut records, negative stamps).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <cmocka.h>

#include "../fuzz/pcapfile_same.h"
#include "../fuzz/pcapng_same.h"
#include "capimg.h"
#include "io/signals.h"


static void
header(struct img *m, int swap, uint32_t magic, uint16_t minor,
    uint32_t snaplen, uint32_t linktype)
{
	m->n = 0;
	m->swap = swap;
	put32(m, magic);
	put16(m, 2);
	put16(m, minor);
	put32(m, 0);
	put32(m, 0);
	put32(m, snaplen);
	put32(m, linktype);
}

/* A record header claiming caplen bytes, followed by have of them. */
static void
record(struct img *m, int32_t sec, int32_t frac, uint32_t caplen,
    uint32_t len, uint32_t have)
{
	put32(m, (uint32_t)sec);
	put32(m, (uint32_t)frac);
	put32(m, caplen);
	put32(m, len);
	for (uint32_t i = 0; i < have && m->n < sizeof m->b; i++)
		m->b[m->n++] = (uint8_t)(i * 7 + 1);
}

static void
assert_same(const struct img *m, int ours)
{
	char why[512];
	int rc = pcapfile_same(m->b, m->n, why, sizeof why);

	if (rc < 0)
		print_error("differs from libpcap: %s\n", why);
	assert_int_equal(rc, ours ? SAME_OK : SAME_NOT_OURS);
}

static void
every_capture_in_the_tree(void **state)
{
	static const char *const pats[] = { "pcaps/*/*.pcap", "pcaps/*/*.cap",
	    "pcaps/*/*.pcapng", "tests/malformed/*.pcap",
	    "tests/malformed/*.pcapng", "tests/fuzz/regressions/*/*" };
	static uint8_t buf[64 << 20];
	unsigned ours = 0, files = 0, ng = 0;
	char why[512];
	glob_t g;

	(void)state;
	for (size_t k = 0; k < sizeof pats / sizeof pats[0]; k++) {
		if (glob(pats[k], 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			FILE *fp = fopen(g.gl_pathv[i], "rb");
			size_t n;
			int rc;

			assert_non_null(fp);
			n = fread(buf, 1, sizeof buf, fp);
			fclose(fp);
			rc = pcapfile_same(buf, n, why, sizeof why);
			if (rc < 0)
				print_error("%s: %s\n", g.gl_pathv[i], why);
			assert_true(rc >= 0);
			ours += rc == SAME_OK;
			files++;
			rc = pcapng_same(buf, n, why, sizeof why);
			if (rc < 0)
				print_error("%s: pcapng: %s\n", g.gl_pathv[i], why);
			assert_true(rc >= 0);
			ng += rc != NG_NOT_OURS;
		}
		globfree(&g);
	}
	/* Most of the tree is classic pcap: the comparison really ran; and
	 * the pcapng captures of pcaps/ (some named .pcap) and malformed/. */
	assert_true(files > 100);
	assert_true(ours > files / 2);
	assert_true(ng >= 12);
}

static void
byte_orders_and_precisions(void **state)
{
	static const uint32_t magics[] = { 0xa1b2c3d4, 0xa1b23c4d };
	struct img m;

	(void)state;
	for (int swap = 0; swap < 2; swap++)
		for (int k = 0; k < 2; k++) {
			header(&m, swap, magics[k], 4, 65535, 1);
			record(&m, 1700000000, 999999, 60, 60, 60);
			record(&m, 1700000001, 999999999, 54, 1514, 54);
			record(&m, -5, -1000, 40, 40, 40);	/* before 1970 */
			record(&m, 0, 0, 0, 0, 0);
			assert_same(&m, 1);
		}
}

static void
link_types(void **state)
{
	/* Ethernet, null, loop, SLL, SLL2, raw (101 and 12), IPv4, IPv6,
	 * and Ethernet with the FCS-length bits of the link type set. */
	static const uint32_t ours[] = { 1, 0, 108, 113, 276, 101, 12, 228,
	    229, 0x14000001 };
	static const uint32_t not_ours[] = { 105, 127, 147, 0x0fffffff };
	struct img m;

	(void)state;
	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
		header(&m, 0, 0xa1b2c3d4, 4, 262144, ours[i]);
		record(&m, 1, 2, 20, 20, 20);
		assert_same(&m, 1);
	}
	for (size_t i = 0; i < sizeof not_ours / sizeof not_ours[0]; i++) {
		header(&m, 0, 0xa1b2c3d4, 4, 262144, not_ours[i]);
		record(&m, 1, 2, 20, 20, 20);
		assert_same(&m, 0);
	}
}

/*
 * The other byte order, with records that carry a CAN frame's marks for
 * cooked captures (protocol 0x000c at SLL's and SLL2's offsets): libpcap
 * swaps the CAN ID in those, so either the readers agree or ours passes
 * the file on.
 */
static void
swapped_link_types(void **state)
{
	static const uint32_t lts[] = { 1, 0, 108, 113, 276, 101, 12, 228, 229 };
	struct img m;
	char why[512];

	(void)state;
	for (size_t i = 0; i < sizeof lts / sizeof lts[0]; i++) {
		header(&m, 1, 0xa1b2c3d4, 4, 262144, lts[i]);
		record(&m, 1, 2, 40, 40, 40);
		m.b[m.n - 40 + 0] = 0x00;	/* SLL2 protocol */
		m.b[m.n - 40 + 1] = 0x0c;
		m.b[m.n - 40 + 14] = 0x00;	/* SLL protocol */
		m.b[m.n - 40 + 15] = 0x0c;
		if (pcapfile_same(m.b, m.n, why, sizeof why) < 0)
			print_error("link type %u: %s\n", lts[i], why);
		assert_true(pcapfile_same(m.b, m.n, why, sizeof why) >= 0);
	}
}

static void
snapshot_lengths(void **state)
{
	static const uint32_t snaps[] = { 0, 1, 64, 65535, 262144, 262145,
	    0x7fffffff, 0x80000000, 0xffffffff };
	struct img m;

	(void)state;
	for (size_t i = 0; i < sizeof snaps / sizeof snaps[0]; i++) {
		/* Longer than the snapshot: cut to it. */
		header(&m, 0, 0xa1b2c3d4, 4, snaps[i], 1);
		record(&m, 1, 0, 100, 100, 100);
		record(&m, 2, 0, 70, 1500, 70);
		assert_same(&m, 1);
		/* Longer than any snapshot libpcap accepts. */
		header(&m, 0, 0xa1b2c3d4, 4, snaps[i], 1);
		record(&m, 1, 0, 262145, 262145, 0);
		assert_same(&m, 1);
		header(&m, 1, 0xa1b2c3d4, 4, snaps[i], 1);
		record(&m, 1, 0, 0xffffffff, 60, 0);
		assert_same(&m, 1);
	}
}

static void
cut_files(void **state)
{
	struct img m, cut;

	(void)state;
	header(&m, 0, 0xa1b2c3d4, 4, 64, 1);
	record(&m, 1, 0, 60, 60, 60);
	record(&m, 2, 0, 100, 100, 100);	/* longer than the snapshot */
	/* Every cut: in a record header, in the data, in the part past the
	 * snapshot length that libpcap reads and discards. */
	for (size_t n = PCAPFILE_HDRLEN; n <= m.n; n++) {
		cut = m;
		cut.n = n;
		assert_same(&cut, 1);
	}
}

/* A capture of about n bytes in memory, of records from 0 to 2999 bytes
 * long and, every 1.5 MB, one of the largest (262144), so that records
 * and their headers straddle the mapped window's edges (4 MB) somewhere. */
static uint8_t *
big_capture(size_t n, size_t *size)
{
	size_t cap = n + 300000, at = 0, next_big = 1500000;
	uint8_t *b = malloc(cap);
	uint32_t h[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 }, i = 0;

	assert_non_null(b);
	memcpy(b, h, sizeof h);
	at = sizeof h;
	while (at < n) {
		uint32_t len = at >= next_big ? 262144 : i * 7 % 3000;
		uint32_t r[4] = { i, i % 1000000, len, len + 1 };

		if (len == 262144)
			next_big += 1500000;
		memcpy(b + at, r, sizeof r);
		at += sizeof r;
		for (uint32_t k = 0; k < len; k++)
			b[at + k] = (uint8_t)(i + k);
		at += len;
		i++;
	}
	*size = at;
	return b;
}

/* Files longer than the window: every record the same as libpcap's, and
 * a last record cut short ends with libpcap's error. */
static void
long_files(void **state)
{
	char why[512];
	size_t size;
	uint8_t *b = big_capture(9u << 20, &size);

	(void)state;
	if (pcapfile_same(b, size, why, sizeof why) != SAME_OK)
		fail_msg("differs from libpcap: %s", why);
	if (pcapfile_same(b, size - 100, why, sizeof why) != SAME_OK)
		fail_msg("cut: differs from libpcap: %s", why);
	free(b);
}

/* Reads capture b (size bytes) from memory file fd, cut to cut bytes
 * after 10 records: no SIGBUS; the records before the cut as they are;
 * any record not wholly before it (zeros, as a mapped file reads past its
 * end) starting in the page the cut fell in; then the error. */
static void
read_cut(const uint8_t *b, size_t size, size_t cut)
{
	char err[256];
	struct pcapfile *f;
	struct pcapfile_rec r;
	size_t at = PCAPFILE_HDRLEN, page = (size_t)sysconf(_SC_PAGESIZE);
	int fd = fuzz_memfd(b, size), n, rc;

	assert_true(fd >= 0);
	assert_non_null(f = pcapfile_open(fd, b, size));
	assert_int_equal(lseek(fd, PCAPFILE_HDRLEN, SEEK_SET), PCAPFILE_HDRLEN);
	for (n = 0; (rc = pcapfile_next(f, &r, err, sizeof err)) == 1; n++) {
		if (n == 10)
			assert_int_equal(ftruncate(fd, (off_t)cut), 0);
		if (at + 16 + r.caplen <= cut) {
			assert_memory_equal(r.data, b + at + 16, r.caplen);
		} else
			assert_true(at < (cut | (page - 1)) + 1);
		at += 16 + r.caplen;
	}
	assert_int_equal(rc, -1);
	if (strstr(err, "cut shorter while being read") == NULL)
		fail_msg("cut at %zu: %s", cut, err);
	pcapfile_close(f);
}

/* A file cut shorter while it is read, anywhere: in a page, on a page
 * boundary, on a record boundary, in the file's last page. */
static void
cut_while_read(void **state)
{
	char err[256];
	size_t size, at = PCAPFILE_HDRLEN, mid = 0, last = 0, page;
	uint8_t *b = big_capture(1u << 20, &size);
	uint32_t caplen;

	(void)state;
	page = (size_t)sysconf(_SC_PAGESIZE);
	assert_int_equal(signals_catch(err, sizeof err), 0);
	for (int k = 0; k < 3; k++) {	/* short records to end with */
		uint32_t r[4] = { 1, 0, 10, 10 };

		memcpy(b + size, r, sizeof r);
		memset(b + size + sizeof r, 'x', 10);
		size += sizeof r + 10;
	}
	while (at < size) {		/* record boundaries */
		if (mid == 0 && at > 300000)
			mid = at;
		if (at >= ((size - 1) & ~(page - 1)))
			last = at;
		memcpy(&caplen, b + at + 8, 4);
		at += 16 + caplen;
	}
	read_cut(b, size, 300000);
	read_cut(b, size, 300000 & ~(page - 1));
	read_cut(b, size, mid);
	assert_true(last > 0);
	read_cut(b, size, last);
	free(b);
}

static void
old_and_odd_versions_go_to_libpcap(void **state)
{
	struct img m;

	(void)state;
	header(&m, 0, 0xa1b2c3d4, 3, 65535, 1);	/* 2.3: lengths may be swapped */
	record(&m, 1, 0, 60, 40, 60);
	assert_same(&m, 0);
	header(&m, 0, 0xa1b2cd34, 4, 65535, 1);	/* the patched format */
	assert_same(&m, 0);
	m.n = 10;				/* a cut file header */
	assert_same(&m, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_capture_in_the_tree),
		cmocka_unit_test(byte_orders_and_precisions),
		cmocka_unit_test(link_types),
		cmocka_unit_test(swapped_link_types),
		cmocka_unit_test(snapshot_lengths),
		cmocka_unit_test(cut_files),
		cmocka_unit_test(long_files),
		cmocka_unit_test(cut_while_read),
		cmocka_unit_test(old_and_odd_versions_go_to_libpcap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

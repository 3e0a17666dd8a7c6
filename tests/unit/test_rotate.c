/*
 * The -w rotation (io/rotate.c) in a directory of its own: tcpdump's file
 * names for -C, -C -W and -G, files never over -C's size and read back by
 * libpcap packet for packet, a ring that keeps the newest, and the
 * no-clobber rule (a previous run's file, a symbolic link, a reopen).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <pcap/pcap.h>

#include "io/rotate.h"

static char *const args[] = { "watch", "-w", "x" };
static char dir[64];
static struct portset ports;
static const struct pcapngw_info info = { 1, 262144, "eth0", "tcp", 3, args,
    &ports };

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/smtpscope-rotate.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	portset_clear(&ports);
	portset_add(&ports, 25, 25);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *
path(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static int
exists(const char *name)
{
	return access(path(name), F_OK) == 0;
}

static off_t
size_of(const char *name)
{
	struct stat st;

	assert_int_equal(stat(path(name), &st), 0);
	return st.st_size;
}

/* Packets in a file, by libpcap; the first one's seconds in *first. */
static int
count(const char *name, long *first)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline(path(name), ebuf);
	int n = 0;

	assert_non_null(p);
	while (pcap_next_ex(p, &h, &d) == 1)
		if (n++ == 0 && first != NULL)
			*first = h->ts.tv_sec;
	pcap_close(p);
	return n;
}

static struct rotate *
start(const char *name, uint64_t size, int64_t interval_us, int n)
{
	struct rotate_config c = { path(name), size, interval_us, n };
	char err[256];
	struct rotate *r = rotate_open(&c, &info, err, sizeof err);

	if (r == NULL)
		fail_msg("%s", err);
	return r;
}

/* n packets of 61 bytes (96 in the file), seconds 1, 2 ... */
static void
packets(struct rotate *r, int n)
{
	static const uint8_t pkt[61] = { 0x45 };
	char err[256];
	int i;

	for (i = 1; i <= n; i++)
		assert_int_equal(rotate_packet(r, i, 0, pkt, 61, 61, err,
		    sizeof err), 0);
}

static void
size_names_as_tcpdump(void **state)
{
	struct rotate *r = start("x", 1000, 0, 0);
	int total = 0;

	(void)state;
	packets(r, 30);
	assert_string_equal(rotate_name(r), path("x3"));
	assert_int_equal(rotate_close(r), 0);
	assert_true(exists("x") && exists("x1") && exists("x2") && exists("x3"));
	assert_false(exists("x0") || exists("x4"));
	total = count("x", NULL) + count("x1", NULL) + count("x2", NULL) +
	    count("x3", NULL);
	assert_int_equal(total, 30);
	assert_true(size_of("x") <= 1000 && size_of("x1") <= 1000);
	/* full: one more packet would pass the size */
	assert_true(size_of("x1") + 96 > 1000);
}

static void
ring_keeps_the_newest(void **state)
{
	struct rotate *r = start("ring", 1000, 0, 3);
	static const char *const names[] = { "ring0", "ring1", "ring2" };
	long first[3], lo = 61, end = 0;
	int i, n[3], total = 0;

	(void)state;
	packets(r, 60);
	assert_int_equal(rotate_close(r), 0);
	assert_false(exists("ring") || exists("ring3") || exists("ring.1"));
	for (i = 0; i < 3; i++) {
		n[i] = count(names[i], &first[i]);
		assert_true(n[i] > 0 && size_of(names[i]) <= 1000);
		total += n[i];
		if (first[i] < lo)
			lo = first[i];
		if (first[i] + n[i] - 1 > end)
			end = first[i] + n[i] - 1;
	}
	/* the newest packets, each once, none missing in between: seconds
	 * lo .. 60, the ring having gone round */
	assert_int_equal(end, 60);
	assert_int_equal(end - lo + 1, total);
	assert_true(total < 60);
}

static void
ring_names_are_padded(void **state)
{
	struct rotate *r = start("pad", 1000, 0, 11);

	(void)state;
	assert_string_equal(rotate_name(r), path("pad00"));
	packets(r, 12);
	assert_string_equal(rotate_name(r), path("pad01"));
	assert_int_equal(rotate_close(r), 0);
}

static void
a_previous_file_is_kept(void **state)
{
	FILE *f = fopen(path("old"), "w");
	struct rotate *r;

	(void)state;
	fputs("previous run\n", f);
	fclose(f);
	r = start("old", 0, 0, 0);
	assert_string_equal(rotate_name(r), path("old.1"));
	assert_string_equal(rotate_take_wanted(r), path("old"));
	assert_null(rotate_take_wanted(r));
	packets(r, 2);
	assert_int_equal(rotate_close(r), 0);
	assert_int_equal(size_of("old"), 13);
	assert_int_equal(count("old.1", NULL), 2);
}

/* A restart with a ring: the previous run's ring is left whole; this
 * run's files take suffixes and its own oldest is the one removed. */
static void
a_ring_keeps_a_previous_ring(void **state)
{
	struct rotate *r = start("rr", 1000, 0, 2);
	int before[2];

	(void)state;
	packets(r, 15);
	assert_int_equal(rotate_close(r), 0);
	before[0] = count("rr0", NULL);
	before[1] = count("rr1", NULL);
	r = start("rr", 1000, 0, 2);
	assert_string_equal(rotate_name(r), path("rr0.1"));
	packets(r, 40);
	assert_int_equal(rotate_close(r), 0);
	assert_int_equal(count("rr0", NULL), before[0]);
	assert_int_equal(count("rr1", NULL), before[1]);
	assert_true(exists("rr0.1") && exists("rr1.1"));
	assert_false(exists("rr0.2") || exists("rr1.2") || exists("rr2"));
}

static void
a_symbolic_link_is_not_followed(void **state)
{
	struct rotate *r;

	(void)state;
	assert_int_equal(symlink("/nonexistent-target", path("link")), 0);
	r = start("link", 0, 0, 0);
	assert_string_equal(rotate_name(r), path("link.1"));
	assert_int_equal(rotate_close(r), 0);
	assert_int_equal(access("/nonexistent-target", F_OK), -1);
}

static void
reopen_after_a_move(void **state)
{
	struct rotate *r = start("hup", 0, 0, 0);
	char err[256];

	(void)state;
	packets(r, 3);
	assert_int_equal(rename(path("hup"), path("hup.old")), 0);
	assert_int_equal(rotate_next(r, ROTATE_REOPEN, err, sizeof err), 0);
	assert_string_equal(rotate_name(r), path("hup"));
	packets(r, 2);
	assert_int_equal(rotate_next(r, ROTATE_REOPEN, err, sizeof err), 0);
	assert_string_equal(rotate_name(r), path("hup.1"));
	packets(r, 1);
	assert_int_equal(rotate_close(r), 0);
	assert_int_equal(count("hup.old", NULL), 3);
	assert_int_equal(count("hup", NULL), 2);
	assert_int_equal(count("hup.1", NULL), 1);
}

static void
time_names_and_count(void **state)
{
	char want[64], err[256];
	time_t now = time(NULL);
	struct tm tm;
	struct rotate *r = start("g-%Y", 0, 1000000, 2);

	(void)state;
	localtime_r(&now, &tm);
	strftime(want, sizeof want, "g-%Y", &tm);
	assert_string_equal(rotate_name(r), path(want));
	/* the second file: the same name, so a suffix */
	assert_int_equal(rotate_next(r, ROTATE_TIME, err, sizeof err), 0);
	assert_int_equal(strncmp(rotate_name(r), path(want), strlen(path(want))), 0);
	/* a reopen is not one of -W's */
	assert_int_equal(rotate_next(r, ROTATE_REOPEN, err, sizeof err), 0);
	assert_int_equal(rotate_next(r, ROTATE_TIME, err, sizeof err),
	    ROTATE_DONE);
	packets(r, 1);		/* after the last file: nothing, no crash */
	assert_int_equal(rotate_close(r), 0);
}

/* A device (or a FIFO) at the name is written as it is, never reopened;
 * with -C or -G it is a name taken like any other. */
static void
a_device_is_written_not_reopened(void **state)
{
	struct rotate_config c = { "/dev/null", 0, 0, 0 };
	char err[256];
	struct rotate *r = rotate_open(&c, &info, err, sizeof err);

	(void)state;
	assert_non_null(r);
	assert_string_equal(rotate_name(r), "/dev/null");
	assert_null(rotate_take_wanted(r));
	packets(r, 3);
	assert_int_equal(rotate_next(r, ROTATE_REOPEN, err, sizeof err), -1);
	assert_string_equal(err, "-w /dev/null: not a regular file, not reopened");
	assert_string_equal(rotate_name(r), "/dev/null");
	packets(r, 1);
	assert_int_equal(rotate_close(r), 0);
	assert_int_equal(mkfifo(path("fifo"), 0600), 0);
	r = start("fifo", 1000, 0, 0);
	assert_string_equal(rotate_name(r), path("fifo.1"));
	assert_int_equal(rotate_close(r), 0);
}

static void
an_unwritable_directory_is_an_error(void **state)
{
	struct rotate_config c = { "/nonexistent-dir/x", 0, 0, 0 };
	char err[256];

	(void)state;
	assert_null(rotate_open(&c, &info, err, sizeof err));
	assert_string_equal(err, "-w /nonexistent-dir/x: No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(size_names_as_tcpdump),
		cmocka_unit_test(ring_keeps_the_newest),
		cmocka_unit_test(ring_names_are_padded),
		cmocka_unit_test(a_previous_file_is_kept),
		cmocka_unit_test(a_ring_keeps_a_previous_ring),
		cmocka_unit_test(a_symbolic_link_is_not_followed),
		cmocka_unit_test(reopen_after_a_move),
		cmocka_unit_test(time_names_and_count),
		cmocka_unit_test(a_device_is_written_not_reopened),
		cmocka_unit_test(an_unwritable_directory_is_an_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

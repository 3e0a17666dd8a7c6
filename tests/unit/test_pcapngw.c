/*
 * The -w writer (io/pcapngw.c): what it writes libpcap reads back packet
 * for packet, our reader finds the ports in its comment, and the comment
 * parser takes only what the writer writes.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <pcap/pcap.h>

#include "io/pcapfile.h"
#include "io/pcapng.h"
#include "io/pcapngw.h"

static char *const args[] = { "watch", "-i", "eth0", "-p", "25,587,2525-2530",
    "-w", "x.pcapng", "--sensor", "a b" };

/* Writes three packets on link type dlt to a memory file; its bytes. */
static size_t
write_file(int dlt, const struct portset *ports, uint8_t **out)
{
	static const uint8_t pkt[61] = { 0x45, 0, 0, 61 };
	struct pcapngw_info in = { dlt, 262144, "eth0", "tcp port 25", 9, args,
	    ports };
	struct pcapngw *w;
	size_t n;
	FILE *fp = open_memstream((char **)out, &n);

	assert_non_null(fp);
	w = pcapngw_open(fp, &in);
	assert_non_null(w);
	assert_int_equal(pcapngw_packet(w, 1700000000, 1, pkt, 61, 61), 0);
	assert_int_equal(pcapngw_packet(w, 1700000001, 999999, pkt, 20, 1500), 0);
	assert_int_equal(pcapngw_packet(w, 0, 0, pkt, 0, 0), 0);
	assert_int_equal(pcapngw_close(w), 0);
	return n;
}

static void
libpcap_reads_it_back(void **state)
{
	static const int dlts[] = { 1, 12, 113, 276, 239 };
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct portset ports;
	uint8_t *buf;

	(void)state;
	portset_clear(&ports);
	portset_add(&ports, 25, 25);
	for (size_t k = 0; k < sizeof dlts / sizeof dlts[0]; k++) {
		size_t n = write_file(dlts[k], &ports, &buf);
		FILE *fp = fmemopen(buf, n, "rb");
		pcap_t *p = pcap_fopen_offline(fp, ebuf);

		assert_non_null(p);
		assert_int_equal(pcap_datalink(p), dlts[k]);
		assert_int_equal(pcap_next_ex(p, &h, &d), 1);
		assert_int_equal(h->ts.tv_sec, 1700000000);
		assert_int_equal(h->ts.tv_usec, 1);
		assert_int_equal(h->caplen, 61);
		assert_int_equal(d[0], 0x45);
		assert_int_equal(pcap_next_ex(p, &h, &d), 1);
		assert_int_equal(h->ts.tv_usec, 999999);
		assert_int_equal(h->caplen, 20);
		assert_int_equal(h->len, 1500);
		assert_int_equal(pcap_next_ex(p, &h, &d), 1);
		assert_int_equal(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
		pcap_close(p);
		free(buf);
	}
}

/* The written bytes through our pcapng reader, from a temporary file
 * (closed with the reader). */
static struct pcapng *
open_written(const uint8_t *buf, size_t n)
{
	char err[256];
	struct pcapng *f;
	FILE *tf = tmpfile();
	int fd;

	assert_non_null(tf);
	assert_int_equal(fwrite(buf, 1, n, tf), n);
	fflush(tf);
	fd = dup(fileno(tf));
	fclose(tf);
	assert_int_equal(lseek(fd, PCAPFILE_HDRLEN, SEEK_SET), PCAPFILE_HDRLEN);
	f = pcapng_open(fd, buf, PCAPFILE_HDRLEN, err, sizeof err);
	assert_non_null(f);
	return f;
}

static void
read_finds_the_ports(void **state)
{
	struct portset ports, got;
	struct pcapng *f;
	uint8_t *buf;
	size_t n;

	(void)state;
	portset_clear(&ports);
	portset_add(&ports, 25, 25);
	portset_add(&ports, 587, 587);
	portset_add(&ports, 2525, 2530);
	portset_add(&ports, 65535, 65535);
	n = write_file(1, &ports, &buf);
	f = open_written(buf, n);
	assert_string_equal(pcapng_comment(f), "smtpscope ports: 25,587,2525-2530,"
	    "65535\nsmtpscope command: smtpscope watch -i eth0 -p "
	    "25,587,2525-2530 -w x.pcapng --sensor 'a b'\n");
	assert_int_equal(pcapngw_comment_ports(pcapng_comment(f), &got), 1);
	assert_memory_equal(&got, &ports, sizeof got);
	pcapng_close(f);
	free(buf);
}

/* Only the writer's first line, well formed, names ports. */
static void
comments_that_name_no_ports(void **state)
{
	static const char *const bad[] = { "", "smtpscope ports: \n",
	    "smtpscope ports: 25,,587\n", "smtpscope ports: 0\n",
	    "smtpscope ports: 70000\n", "smtpscope ports: 30-20\n",
	    "smtpscope ports: 25x\n", "captured by someone\nsmtpscope ports: 25\n",
	    "Smtpscope ports: 25\n" };
	struct portset got;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(pcapngw_comment_ports(bad[i], &got), 0);
	assert_int_equal(pcapngw_comment_ports("smtpscope ports: 2525", &got), 1);
	assert_true(portset_has(&got, 2525));
	assert_false(portset_has(&got, 25));
}

/* A port list too long for a comment is left out, not cut. */
static void
a_long_port_list_is_left_out(void **state)
{
	struct portset ports, got;
	struct pcapng *f;
	uint8_t *buf;
	size_t n;

	(void)state;
	portset_clear(&ports);
	for (uint16_t p = 1; p < 4000; p += 2)
		portset_add(&ports, p, p);
	n = write_file(1, &ports, &buf);
	f = open_written(buf, n);
	assert_int_equal(strncmp(pcapng_comment(f), "smtpscope command: ", 19), 0);
	assert_int_equal(pcapngw_comment_ports(pcapng_comment(f), &got), 0);
	pcapng_close(f);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(libpcap_reads_it_back),
		cmocka_unit_test(read_finds_the_ports),
		cmocka_unit_test(comments_that_name_no_ports),
		cmocka_unit_test(a_long_port_list_is_left_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

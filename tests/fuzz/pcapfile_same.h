/*
 * Our classic pcap reader against libpcap on the same bytes: every record
 * (stamp, lengths, data) and the way the file ends (cleanly, or the same
 * error) must agree.  Shared by tests/unit/test_pcapfile.c and the
 * differential fuzz harness.  Needs _GNU_SOURCE before the first include.
 */
#ifndef PCAPFILE_SAME_H
#define PCAPFILE_SAME_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "fuzz_memfd.h"
#include "io/pcapfile.h"

enum { SAME_NOT_OURS = 0, SAME_OK = 1 };

/* The records of data, after its file header, in a pipe that holds them
 * all, its writing end closed; -1 when no pipe is that large. */
static int
pcapfile_pipe(const uint8_t *data, size_t size)
{
	size_t n = size - PCAPFILE_HDRLEN;
	int fd[2];

	if (size < PCAPFILE_HDRLEN || pipe(fd) != 0)
		return -1;
	if ((n > 65536 && fcntl(fd[1], F_SETPIPE_SZ, (int)n) < (int)n) ||
	    write(fd[1], data + PCAPFILE_HDRLEN, n) != (ssize_t)n) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	close(fd[1]);
	return fd[0];
}

/* pcapfile_same() for data in memory file fd (mapped), or in a pipe fd
 * (read). */
static int
pcapfile_same_fd(int fd, int piped, const uint8_t *data, size_t size,
    char *why, size_t whylen)
{
	char ebuf[PCAP_ERRBUF_SIZE], err[256];
	struct pcapfile *f;
	struct pcapfile_rec r;
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	FILE *fp;
	int a, b, n = 0;

	f = pcapfile_open(fd, data, size);
	if (f == NULL) {
		close(fd);
		return SAME_NOT_OURS;
	}
	/* pcapfile_open() is given the header; the records follow it. */
	if ((!piped && lseek(fd, PCAPFILE_HDRLEN, SEEK_SET) != PCAPFILE_HDRLEN) ||
	    (fp = fmemopen((void *)data, size, "rb")) == NULL) {
		pcapfile_close(f);
		return SAME_NOT_OURS;
	}
	p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (p == NULL) {
		snprintf(why, whylen, "ours opened it, libpcap did not: %s", ebuf);
		fclose(fp);
		pcapfile_close(f);
		return -1;
	}
	if (pcap_datalink(p) != pcapfile_dlt(f)) {
		snprintf(why, whylen, "link type %d, libpcap %d", pcapfile_dlt(f),
		    pcap_datalink(p));
		n = -2;
		goto out;
	}
	for (;;) {
		err[0] = '\0';
		a = pcapfile_next(f, &r, err, sizeof err);
		b = pcap_next_ex(p, &h, &d);
		n++;
		if (a == 1 && b == 1) {
			if (r.sec != (int64_t)h->ts.tv_sec ||
			    r.usec != (int64_t)h->ts.tv_usec ||
			    r.caplen != h->caplen || r.len != h->len ||
			    memcmp(r.data, d, r.caplen) != 0) {
				snprintf(why, whylen, "record %d: %lld.%06lld %u/%u, "
				    "libpcap %lld.%06lld %u/%u", n, (long long)r.sec,
				    (long long)r.usec, r.caplen, r.len,
				    (long long)h->ts.tv_sec, (long long)h->ts.tv_usec,
				    h->caplen, h->len);
				n = -3;
				goto out;
			}
			continue;
		}
		if (a == 0 && b == PCAP_ERROR_BREAK)
			break;
		if (a == -1 && b == PCAP_ERROR && strcmp(err, pcap_geterr(p)) == 0)
			break;
		snprintf(why, whylen, "record %d: ours %d \"%s\", libpcap %d \"%s\"",
		    n, a, err, b, b == PCAP_ERROR ? pcap_geterr(p) : "");
		n = -4;
		goto out;
	}
	n = SAME_OK;
out:
	pcap_close(p);
	pcapfile_close(f);
	return n;
}

/* SAME_OK, SAME_NOT_OURS (libpcap's alone), or a negative step that
 * differed, with why[] saying how: read from a memory file (mapped), then,
 * where a pipe can hold it, from a pipe (read(2)). */
static int
pcapfile_same(const uint8_t *data, size_t size, char *why, size_t whylen)
{
	int fd, rc;

	why[0] = '\0';
	if ((fd = fuzz_memfd(data, size)) < 0)
		return SAME_NOT_OURS;
	rc = pcapfile_same_fd(fd, 0, data, size, why, whylen);
	if (rc != SAME_OK || (fd = pcapfile_pipe(data, size)) < 0)
		return rc;
	rc = pcapfile_same_fd(fd, 1, data, size, why, whylen);
	if (rc < 0)
		snprintf(why + strlen(why), whylen - strlen(why), " (pipe)");
	return rc;
}

#endif

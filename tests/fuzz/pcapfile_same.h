/*
 * Our classic pcap reader against libpcap on the same bytes: every record
 * (stamp, lengths, data) and the way the file ends (cleanly, or the same
 * error) must agree.  Shared by tests/unit/test_pcapfile.c and the
 * differential fuzz harness.  Needs _GNU_SOURCE before the first include.
 */
#ifndef PCAPFILE_SAME_H
#define PCAPFILE_SAME_H

#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "fuzz_memfd.h"
#include "io/pcapfile.h"

enum { SAME_NOT_OURS = 0, SAME_OK = 1 };

/* SAME_OK, SAME_NOT_OURS (libpcap's alone), or a negative step that
 * differed, with why[] saying how. */
static int
pcapfile_same(const uint8_t *data, size_t size, char *why, size_t whylen)
{
	char ebuf[PCAP_ERRBUF_SIZE], err[256];
	struct pcapfile *f;
	struct pcapfile_rec r;
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	FILE *fp;
	int fd, a, b, n = 0;

	why[0] = '\0';
	if ((fd = fuzz_memfd(data, size)) < 0)
		return SAME_NOT_OURS;
	f = pcapfile_open(fd, data, size);
	if (f == NULL) {
		close(fd);
		return SAME_NOT_OURS;
	}
	/* pcapfile_open() is given the header; the records follow it. */
	if (lseek(fd, PCAPFILE_HDRLEN, SEEK_SET) != PCAPFILE_HDRLEN ||
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

#endif

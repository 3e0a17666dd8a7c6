/*
 * Our pcapng reader against libpcap on the same bytes: the open (both
 * open, or both fail with the same message), every packet (stamp,
 * lengths, link type, data) and the way the file ends must agree, up to
 * where libpcap 1.10 gives up on a file whose interfaces differ in link
 * type or snapshot length: there ours goes on, which is its purpose.
 * Shared by tests/unit/test_pcapng.c and the differential fuzz harness.
 * Needs _GNU_SOURCE before the first include.
 */
#ifndef PCAPNG_SAME_H
#define PCAPNG_SAME_H

#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "fuzz_memfd.h"
#include "core/decode.h"
#include "io/pcapfile.h"
#include "io/pcapng.h"

enum { NG_NOT_OURS = 0, NG_OK = 1, NG_LIBPCAP_STOPPED = 2 };

/* libpcap's refusals of what we read on purpose. */
static int
ng_libpcap_refuses_mixed(const char *e)
{
	return strncmp(e, "an interface has a type ", 24) == 0 ||
	    strncmp(e, "an interface has a snapshot length ", 35) == 0;
}

/* One packet each: 0 when they agree. */
static int
ng_same_packet(const struct pcapng_rec *r, const struct pcap_pkthdr *h,
    const u_char *d, int dlt, int n, char *why, size_t whylen)
{
	if (r->sec == (int64_t)h->ts.tv_sec && r->usec == (int64_t)h->ts.tv_usec &&
	    r->caplen == h->caplen && r->len == h->len && r->dlt == dlt &&
	    /* libpcap rewrites some headers of link types we never decode
	     * (USB); those bytes are not compared. */
	    (!decode_link_supported(dlt) || memcmp(r->data, d, r->caplen) == 0))
		return 0;
	snprintf(why, whylen, "packet %d: %lld.%06lld %u/%u dlt %d, libpcap "
	    "%lld.%06lld %u/%u dlt %d", n, (long long)r->sec, (long long)r->usec,
	    r->caplen, r->len, r->dlt, (long long)h->ts.tv_sec,
	    (long long)h->ts.tv_usec, h->caplen, h->len, dlt);
	return -1;
}

/* The packets, once both opened. */
static int
ng_same_packets(struct pcapng *f, pcap_t *p, char *why, size_t whylen)
{
	char err[256];
	struct pcapng_rec r;
	struct pcap_pkthdr *h;
	const u_char *d;
	int a, b, n = 0;

	for (;;) {
		err[0] = '\0';
		b = pcap_next_ex(p, &h, &d);
		if (b == PCAP_ERROR && ng_libpcap_refuses_mixed(pcap_geterr(p)))
			return NG_LIBPCAP_STOPPED;
		a = pcapng_next(f, &r, err, sizeof err);
		n++;
		if (a == 1 && b == 1) {
			if (ng_same_packet(&r, h, d, pcap_datalink(p), n, why,
			    whylen) < 0)
				return -3;
			continue;
		}
		if (a == 0 && b == PCAP_ERROR_BREAK)
			return NG_OK;
		if (a == -1 && b == PCAP_ERROR && strcmp(err, pcap_geterr(p)) == 0)
			return NG_OK;
		snprintf(why, whylen, "packet %d: ours %d \"%.200s\", libpcap %d \"%.200s\"",
		    n, a, err, b, b == PCAP_ERROR ? pcap_geterr(p) : "");
		return -4;
	}
}

/* NG_OK, NG_LIBPCAP_STOPPED (agreed up to a mixed interface), NG_NOT_OURS,
 * or a negative step that differed, with why[] saying how. */
static int
pcapng_same(const uint8_t *data, size_t size, char *why, size_t whylen)
{
	char ebuf[PCAP_ERRBUF_SIZE], err[256];
	size_t n = size < PCAPFILE_HDRLEN ? size : PCAPFILE_HDRLEN;
	struct pcapng *f;
	pcap_t *p;
	FILE *fp;
	int fd, rc;

	why[0] = '\0';
	if ((fd = fuzz_memfd(data, size)) < 0)
		return NG_NOT_OURS;
	if (lseek(fd, (off_t)n, SEEK_SET) != (off_t)n ||
	    (fp = fmemopen((void *)data, size ? size : 1, "rb")) == NULL) {
		close(fd);
		return NG_NOT_OURS;
	}
	f = pcapng_open(fd, data, n, err, sizeof err);
	ebuf[0] = '\0';
	p = size ? pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf) : NULL;
	if (p == NULL)		/* pcap_close() closes it otherwise */
		fclose(fp);
	if (f == NULL && err[0] == '\0') {
		close(fd);
		if (p != NULL)
			pcap_close(p);
		return NG_NOT_OURS;
	}
	if (f == NULL || p == NULL) {
		rc = f == NULL && p == NULL && strcmp(err, ebuf) == 0 ? NG_OK : -1;
		if (rc < 0)
			snprintf(why, whylen, "open: ours \"%.200s\", libpcap \"%.200s\"",
			    f == NULL ? err : "opened", p == NULL ? ebuf : "opened");
		if (f == NULL)
			close(fd);
		pcapng_close(f);
		if (p != NULL)
			pcap_close(p);
		return rc;
	}
	if (decode_link_supported(pcapng_first_dlt(f)) &&
	    pcapng_first_dlt(f) != pcap_datalink(p)) {
		snprintf(why, whylen, "link type %d, libpcap %d",
		    pcapng_first_dlt(f), pcap_datalink(p));
		rc = -2;
	} else
		rc = ng_same_packets(f, p, why, whylen);
	pcap_close(p);
	pcapng_close(f);
	return rc;
}

#endif

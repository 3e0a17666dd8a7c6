/* Offline capture files through libpcap. */
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "decode.h"

/* The handle being read, for capture_interrupt() from a signal handler. */
static pcap_t *volatile current;
static volatile sig_atomic_t interrupted;

void
capture_interrupt(void)
{
	pcap_t *p = current;

	interrupted = 1;
	if (p != NULL)
		pcap_breakloop(p);
}

int
capture_interrupted(void)
{
	return interrupted;
}

struct reader {
	struct pipeline *pl;
	int dlt;
};

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct reader *r = (struct reader *)user;
	int64_t ts = ts_us(h->ts.tv_sec, h->ts.tv_usec);

	pipeline_packet(r->pl, r->dlt, ts, data, h->caplen, h->len);
}

/* libpcap's open errors, said the way an operator reads them. */
static void
open_error(const char *path, const char *ebuf, char *err, size_t errlen)
{
	struct stat sb;
	size_t n = strlen(path);

	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "is a directory, not a capture file");
			return;
		}
		if (S_ISREG(sb.st_mode) && sb.st_size == 0) {
			snprintf(err, errlen, "empty file, not a capture");
			return;
		}
	}
	if (strcmp(ebuf, "unknown file format") == 0) {
		snprintf(err, errlen, "not a pcap or pcapng file (unknown file format)");
		return;
	}
	/* libpcap puts the path in front of errno messages; we add our own. */
	if (strncmp(ebuf, path, n) == 0 && strncmp(ebuf + n, ": ", 2) == 0)
		ebuf += n + 2;
	snprintf(err, errlen, "%s", ebuf[0] ? ebuf : "cannot open");
}

/* Feeds every packet of an opened savefile to the pipeline; closes it. */
static int
read_all(pcap_t *p, struct pipeline *pl, char *err, size_t errlen)
{
	struct reader r;
	int n = 0;

	r.pl = pl;
	r.dlt = pcap_datalink(p);
	if (!decode_link_supported(r.dlt)) {
		const char *name = pcap_datalink_val_to_name(r.dlt);

		snprintf(err, errlen, "unsupported link type %s (%d)",
		    name ? name : "unknown", r.dlt);
		pcap_close(p);
		return CAPTURE_OPEN_ERROR;
	}
	current = p;
	while (!interrupted &&
	    (n = pcap_dispatch(p, -1, on_packet, (u_char *)&r)) > 0)
		;
	current = NULL;
	if (n == PCAP_ERROR) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		pcap_close(p);
		return CAPTURE_READ_ERROR;
	}
	pcap_close(p);
	return CAPTURE_OK;
}

int
capture_open_offline(const char *path, pcap_t **out, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	FILE *fp;

	ebuf[0] = '\0';
	*out = NULL;
	/* Our own FILE with a large buffer: the kernel is asked for data a
	 * megabyte at a time instead of a page at a time. */
	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (fp == NULL) {
		snprintf(ebuf, sizeof ebuf, "%s", strerror(errno));
		open_error(path, ebuf, err, errlen);
		return CAPTURE_OPEN_ERROR;
	}
	setvbuf(fp, NULL, _IOFBF, 1 << 20);
	*out = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (*out == NULL) {
		if (fp != stdin)
			fclose(fp);
		open_error(path, ebuf, err, errlen);
		return CAPTURE_OPEN_ERROR;
	}
	return CAPTURE_OK;
}

int
capture_read(pcap_t *p, struct pipeline *pl, char *err, size_t errlen)
{
	return read_all(p, pl, err, errlen);
}

int
capture_read_stream(FILE *fp, struct pipeline *pl, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	ebuf[0] = '\0';
	p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (p == NULL) {
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : "cannot open");
		fclose(fp);
		return CAPTURE_OPEN_ERROR;
	}
	return read_all(p, pl, err, errlen);
}

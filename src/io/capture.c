/* Offline capture files: classic pcap read by pcapfile.c, pcapng by
 * pcapng.c, the rest by libpcap. */
#define _GNU_SOURCE		/* fopencookie() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "io/capture.h"
#include "core/decode.h"
#include "io/pcapfile.h"
#include "io/pcapng.h"
#include "io/signals.h"

struct capture {
	struct pcapfile *pf;	/* a classic pcap file, read by us */
	struct pcapng *ng;	/* a pcapng file, read by us */
	pcap_t *pcap;		/* anything else, read by libpcap */
};

/* libpcap gets the header bytes we read to tell the formats apart, then
 * the rest of the descriptor: this works on pipes, where nothing can be
 * put back. */
struct replay {
	int fd;
	size_t n, off;
	uint8_t head[PCAPFILE_HDRLEN];
};

static ssize_t
replay_read(void *cookie, char *buf, size_t size)
{
	struct replay *r = cookie;
	ssize_t k;

	if (r->off < r->n) {
		size_t m = r->n - r->off < size ? r->n - r->off : size;

		memcpy(buf, r->head + r->off, m);
		r->off += m;
		return (ssize_t)m;
	}
	do
		signals_wait_readable(r->fd);
	while ((k = read(r->fd, buf, size)) < 0 && errno == EINTR);
	return k;
}

static int
replay_close(void *cookie)
{
	struct replay *r = cookie;

	if (r->fd != STDIN_FILENO)
		close(r->fd);
	free(r);
	return 0;
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

static void
unsupported(int dlt, char *err, size_t errlen)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	snprintf(err, errlen, "unsupported link type %s (%d)",
	    name ? name : "unknown", dlt);
}

/* libpcap reads a file that is not ours: first the header bytes in r,
 * then the rest of r's descriptor.  Takes over r and its descriptor;
 * returns the handle, or NULL with err set. */
static pcap_t *
open_libpcap(struct replay *r, const char *path, char *err, size_t errlen)
{
	static const cookie_io_functions_t io = { replay_read, NULL, NULL,
	    replay_close };
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	FILE *fp;

	if ((fp = fopencookie(r, "rb", io)) == NULL) {
		snprintf(err, errlen, "out of memory");
		replay_close(r);
		return NULL;
	}
	setvbuf(fp, NULL, _IOFBF, 1 << 20);
	ebuf[0] = '\0';
	p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (p == NULL) {
		fclose(fp);	/* and the descriptor, through replay_close() */
		open_error(path, ebuf, err, errlen);
		return NULL;
	}
	if (!decode_link_supported(pcap_datalink(p))) {
		unsupported(pcap_datalink(p), err, errlen);
		pcap_close(p);
		return NULL;
	}
	return p;
}

/* Takes over fd (path names it in messages; "-" is standard input). */
static int
open_fd(int fd, const char *path, struct capture **out, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c;
	struct replay *r;
	long n;

	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL ||
	    (r = calloc(1, sizeof *r)) == NULL) {
		free(c);
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	r->fd = fd;
	if ((n = pcapfile_read_full(fd, r->head, sizeof r->head)) < 0) {
		snprintf(ebuf, sizeof ebuf, "%s", strerror(errno));
		open_error(path, ebuf, err, errlen);
		goto fail_both;
	}
	r->n = (size_t)n;
	if ((c->pf = pcapfile_open(fd, r->head, r->n)) != NULL) {
		free(r);
		*out = c;
		return CAPTURE_OK;
	}
	if (errno == ENOMEM ||
	    (c->ng = pcapng_open(fd, r->head, r->n, err, errlen)) == NULL) {
		if (errno == ENOMEM)
			snprintf(err, errlen, "out of memory");
		if (err[0] != '\0')
			goto fail_both;
	} else {
		free(r);
		*out = c;
		if (decode_link_supported(pcapng_first_dlt(c->ng)))
			return CAPTURE_OK;
		unsupported(pcapng_first_dlt(c->ng), err, errlen);
		capture_close(c);
		*out = NULL;
		return CAPTURE_OPEN_ERROR;
	}
	if ((c->pcap = open_libpcap(r, path, err, errlen)) == NULL) {
		free(c);
		return CAPTURE_OPEN_ERROR;
	}
	*out = c;
	return CAPTURE_OK;
fail_both:
	free(r);
	free(c);
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	return CAPTURE_OPEN_ERROR;
}

int
capture_open_offline(const char *path, struct capture **out, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	int fd = STDIN_FILENO;

	*out = NULL;
	if (strcmp(path, "-") != 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(ebuf, sizeof ebuf, "%s", strerror(errno));
		open_error(path, ebuf, err, errlen);
		return CAPTURE_OPEN_ERROR;
	}
	return open_fd(fd, path, out, err, errlen);
}

int
capture_open_fd(int fd, struct capture **out, char *err, size_t errlen)
{
	return open_fd(fd, "", out, err, errlen);
}

const char *
capture_comment(const struct capture *c)
{
	return c->ng != NULL ? pcapng_comment(c->ng) : "";
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	pcapfile_close(c->pf);
	pcapng_close(c->ng);
	free(c);
}

struct reader {
	struct pipeline *pl;
	pcap_t *p;
	int dlt;
};

/* SIGUSR1 (when the command catches it): the summary so far, as watch
 * gives it.  Looked at when a signal arrived between packets, and while
 * a read waits on an idle pipe (signals_wait_readable()). */
static void
between_packets(void *pl)
{
	if (signals_take(SIGUSR1))
		pipeline_snapshot(pl);
}

/* No packet more: SIGINT or SIGTERM (io/signals.h), or -c reached.  Which
 * signal came is asked only when one did: one flag test per packet. */
static inline int
read_ends(struct pipeline *pl)
{
	if (signals_pending()) {
		between_packets(pl);
		if (signals_stop_requested())
			return 1;
	}
	return pipeline_done(pl);
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct reader *r = (struct reader *)user;
	int64_t ts = ts_us(h->ts.tv_sec, h->ts.tv_usec);

	if (read_ends(r->pl)) {
		pcap_breakloop(r->p);
		return;
	}
	pipeline_packet(r->pl, r->dlt, ts, data, h->caplen, h->len);
}

static int
read_libpcap(pcap_t *p, struct pipeline *pl, char *err, size_t errlen)
{
	struct reader r;
	int n = 0;

	r.pl = pl;
	r.p = p;
	r.dlt = pcap_datalink(p);
	while (!signals_stop_requested() &&
	    (n = pcap_dispatch(p, -1, on_packet, (u_char *)&r)) > 0)
		;
	if (n == PCAP_ERROR) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		return CAPTURE_READ_ERROR;
	}
	return CAPTURE_OK;
}

static int
read_pcapfile(struct pcapfile *f, struct pipeline *pl, char *err,
    size_t errlen)
{
	int n = 0;

	while (!read_ends(pl) && (n = pcapfile_dispatch(f, pl, err, errlen)) > 0)
		;
	return n < 0 ? CAPTURE_READ_ERROR : CAPTURE_OK;
}

/* Each packet with its own interface's link type. */
static int
read_pcapng(struct pcapng *f, struct pipeline *pl, char *err, size_t errlen)
{
	struct pcapng_rec r;
	int n = 0;

	while (!read_ends(pl) && (n = pcapng_next(f, &r, err, errlen)) > 0)
		pipeline_packet(pl, r.dlt, ts_us(r.sec, r.usec), r.data,
		    r.caplen, r.len);
	return n < 0 ? CAPTURE_READ_ERROR : CAPTURE_OK;
}

int
capture_read(struct capture *c, struct pipeline *pl, char *err, size_t errlen)
{
	int rc;

	signals_on_wake(between_packets, pl);
	rc = c->pf != NULL ? read_pcapfile(c->pf, pl, err, errlen) :
	    c->ng != NULL ? read_pcapng(c->ng, pl, err, errlen) :
	    read_libpcap(c->pcap, pl, err, errlen);
	signals_on_wake(NULL, NULL);
	capture_close(c);
	return rc;
}

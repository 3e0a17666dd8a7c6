/*
 * Classic pcap files, handed over in place: from a window mapped onto a
 * regular file, else read(2) a megabyte at a time.
 *
 * libpcap reads each record with two fread()s into a buffer of its own:
 * through it, `read --json` of the bench file is 1.48 times as slow.  This
 * reader takes only the common variant: version 2.4, micro- or nanosecond
 * stamps, either byte order, and a link type the decoder knows.  Everything
 * else (pcapng, the 2.3 and patched formats, other link types, byte-swapped
 * cooked captures) still goes through libpcap.  The checks on each record
 * are libpcap 1.10's (sf-pcap.c), so both hand the pipeline the same
 * packets and the same errors; tests/unit/test_pcapfile.c and the
 * differential fuzz harness (tests/fuzz/fuzz_pcapfile.c) compare the two.
 *
 * Mapped, the file's bytes are not copied into a buffer first: `read
 * --json` is 8% faster on the bench's mixed and heavy files, 15% on its
 * flood, its system time 0.12 s -> 0.02 s on the mixed file.  The window
 * moves on as the records are taken, so the memory used stays WINDOW
 * bytes whatever the file's length.  Where a file cannot be mapped, it is
 * read(2) as a pipe is.
 *
 * A file cut shorter while it is read ends the read with an error, as a
 * short read(2) would, but not at once: the bytes past the new end of its
 * last page read as zeros (records of zeros, up to a page of them), and
 * the pages past that would raise SIGBUS, which signals_guard() turns
 * into zeros and the error.  A window is mapped only after the file is
 * seen to be no shorter than before.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/decode.h"
#include "core/pipeline.h"
#include "io/pcapfile.h"
#include "io/signals.h"

#define REC_HDRLEN	16
#define MAX_SNAPLEN	262144u		/* libpcap's limit for our link types */
#define BUFSIZE		(1u << 20)	/* > REC_HDRLEN + MAX_SNAPLEN */
#define WINDOW		(4u << 20)	/* > a page + REC_HDRLEN + MAX_SNAPLEN */

struct pcapfile {
	int fd;
	int swapped;		/* written in the other byte order */
	int nsec;		/* nanosecond stamps, scaled down as libpcap does */
	int dlt;
	uint32_t snapshot;
	uint32_t whole_max;	/* a caplen taken as it is: <= both limits */
	size_t pos, len;	/* unread bytes are data[pos, len) */
	int eof;		/* read(2): the file has ended */
	const uint8_t *data;	/* buf, or the window */
	uint8_t *buf;		/* read(2): BUFSIZE bytes */
	/* Mapped: the file's length as last seen, the window (NULL: none)
	 * and the file offset of its first byte (-1: not known yet). */
	int mapped;
	off_t size, off;
	void *window;
	size_t window_len;
};

static uint32_t
get32(const uint8_t *p, int swapped)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

static uint16_t
get16(const uint8_t *p, int swapped)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swapped ? __builtin_bswap16(v) : v;
}

int
pcapfile_read_upto(int fd, uint8_t *buf, size_t cap, size_t *len,
    size_t need, int *eof, char *err, size_t errlen)
{
	while (*len < need && !*eof) {
		ssize_t k;

		signals_wait_readable(fd);
		k = read(fd, buf + *len, cap - *len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			snprintf(err, errlen, "error reading dump file: %s",
			    strerror(errno));
			return -1;
		}
		if (k == 0)
			*eof = 1;
		*len += (size_t)k;
	}
	return 0;
}

long
pcapfile_read_full(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (long)got;
}

struct pcapfile *
pcapfile_open(int fd, const uint8_t *head, size_t n)
{
	struct pcapfile *f;
	uint32_t magic, linktype, snaplen;
	int swapped, nsec, dlt;
	struct stat st;

	errno = 0;
	if (n < PCAPFILE_HDRLEN)
		return NULL;
	memcpy(&magic, head, 4);
	switch (magic) {
	case 0xa1b2c3d4: swapped = 0; nsec = 0; break;
	case 0xa1b23c4d: swapped = 0; nsec = 1; break;
	case 0xd4c3b2a1: swapped = 1; nsec = 0; break;
	case 0x4d3cb2a1: swapped = 1; nsec = 1; break;
	default: return NULL;
	}
	if (get16(head + 4, swapped) != 2 || get16(head + 6, swapped) != 4)
		return NULL;
	snaplen = get32(head + 16, swapped);
	linktype = get32(head + 20, swapped) & 0x03ffffff; /* FCS bits above */
	dlt = linktype == LINKTYPE_RAW_ ? DLT_RAW_ : (int)linktype;
	if (!decode_link_supported(dlt))
		return NULL;
	/* Swapped cooked captures: libpcap also swaps the CAN ID inside
	 * their CAN frames; and NFLOG's TLV headers.  Left to it. */
	if (swapped && (dlt == DLT_SLL_ || dlt == DLT_SLL2_ ||
	    dlt == DLT_NFLOG_))
		return NULL;
	if ((f = calloc(1, sizeof *f)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		f->mapped = 1;
		f->size = st.st_size;
		f->off = -1;
	} else if ((f->buf = malloc(BUFSIZE)) == NULL) {
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	f->data = f->buf;
	f->fd = fd;
	f->swapped = swapped;
	f->nsec = nsec;
	f->dlt = dlt;
	/* libpcap: a zero or absurd snapshot length means the maximum. */
	f->snapshot = snaplen == 0 || snaplen > 0x7fffffff ? MAX_SNAPLEN : snaplen;
	f->whole_max = f->snapshot < MAX_SNAPLEN ? f->snapshot : MAX_SNAPLEN;
	return f;
}

int
pcapfile_dlt(const struct pcapfile *f)
{
	return f->dlt;
}

static void
cut_error(char *err, size_t errlen)
{
	snprintf(err, errlen, "truncated dump file; it was cut shorter while "
	    "being read");
}

static void
unmap(struct pcapfile *f)
{
	if (f->window == NULL)
		return;
	signals_guard(NULL, 0);
	munmap(f->window, f->window_len);
	f->window = NULL;
}

/* The file cannot be mapped (its file system will not): read(2) from
 * file offset at on, as from a pipe, until need bytes are there. */
static int
unmapped(struct pcapfile *f, off_t at, size_t need, char *err,
    size_t errlen)
{
	if ((f->buf = malloc(BUFSIZE)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (lseek(f->fd, at, SEEK_SET) != at) {
		snprintf(err, errlen, "error reading dump file: %s",
		    strerror(errno));
		return -1;
	}
	f->mapped = 0;
	f->data = f->buf;
	f->pos = f->len = 0;
	return pcapfile_read_upto(f->fd, f->buf, BUFSIZE, &f->len, need,
	    &f->eof, err, errlen);
}

/* Maps the window again from the first unread byte (from the page it is
 * in), as far as the file goes, up to WINDOW bytes.  The first time, that
 * byte is where the descriptor is: past the file header.  No more than
 * one window is mapped; signals_guard() guards the latest, the file being
 * read. */
static int
slide(struct pcapfile *f, size_t need, char *err, size_t errlen)
{
	off_t at, page = sysconf(_SC_PAGESIZE);
	struct stat st;
	size_t n;
	void *w;

	if (f->off < 0 && (f->off = lseek(f->fd, 0, SEEK_CUR)) < 0) {
		snprintf(err, errlen, "error reading dump file: %s",
		    strerror(errno));
		return -1;
	}
	/* A capture still being written: read on as far as it has got. */
	if (fstat(f->fd, &st) == 0) {
		if (st.st_size < f->size) {
			cut_error(err, errlen);
			return -1;
		}
		f->size = st.st_size;
	}
	at = f->off + (off_t)f->pos;
	unmap(f);
	f->off = at & ~(page - 1);
	f->pos = (size_t)(at - f->off);
	n = f->size - f->off < (off_t)WINDOW ? (size_t)(f->size - f->off) :
	    WINDOW;
	f->len = f->pos;
	if (n <= f->pos)
		return 0;	/* nothing left */
	w = mmap(NULL, n, PROT_READ, MAP_PRIVATE, f->fd, f->off);
	if (w == MAP_FAILED)
		return unmapped(f, at, need, err, errlen);
	f->window = w;
	f->window_len = n;
	f->data = w;
	f->len = n;
	/* Read ahead as read(2) would: heavy.pcap out of the page cache
	 * takes 1.1-1.2 s, 1.6-2.0 s without the advice, 1.2-1.7 s through
	 * read(2). */
	(void)madvise(w, n, MADV_SEQUENTIAL);
	signals_guard(w, n);
	return 0;
}

/* Reads until need bytes are unread or the file ends.  One read(2) per
 * call at most once need is met: a pipe's packets are not held back. */
static int
fill(struct pcapfile *f, size_t need, char *err, size_t errlen)
{
	if (f->mapped)
		return slide(f, need, err, errlen);
	if (f->pos > 0) {
		memmove(f->buf, f->buf + f->pos, f->len - f->pos);
		f->len -= f->pos;
		f->pos = 0;
	}
	return pcapfile_read_upto(f->fd, f->buf, BUFSIZE, &f->len, need,
	    &f->eof, err, errlen);
}

/*
 * The time stamps of the record header at h.  libpcap 1.10 reads them as
 * signed 32-bit fields, but as unsigned ones once it has swapped their
 * bytes.  Followed here, odd as it is: the pipeline clamps them either way.
 */
static void
stamps(const struct pcapfile *f, const uint8_t *h, struct pcapfile_rec *r)
{
	if (f->swapped) {
		r->sec = get32(h, 1);
		r->usec = get32(h + 4, 1);
	} else {
		r->sec = (int32_t)get32(h, 0);
		r->usec = (int32_t)get32(h + 4, 0);
	}
	if (f->nsec)
		r->usec /= 1000;
}

/* pcapfile_next() for a record not yet whole in the buffer, or one
 * whose length is cut or refused. */
static int
next_slow(struct pcapfile *f, struct pcapfile_rec *r, char *err,
    size_t errlen)
{
	const uint8_t *h;
	uint32_t caplen;
	size_t have;

	if (signals_cut()) {
		cut_error(err, errlen);
		return -1;
	}
	if (f->len - f->pos < REC_HDRLEN && fill(f, REC_HDRLEN, err, errlen) < 0)
		return -1;
	have = f->len - f->pos;
	if (have == 0)
		return 0;
	if (have < REC_HDRLEN) {
		snprintf(err, errlen, "truncated dump file; tried to read %u "
		    "header bytes, only got %zu", REC_HDRLEN, have);
		return -1;
	}
	h = f->data + f->pos;
	caplen = get32(h + 8, f->swapped);
	if (caplen > MAX_SNAPLEN) {
		if (caplen > f->snapshot)
			snprintf(err, errlen, "invalid packet capture length %u, "
			    "bigger than snaplen of %u", caplen, f->snapshot);
		else
			snprintf(err, errlen, "invalid packet capture length %u, "
			    "bigger than maximum of %u", caplen, MAX_SNAPLEN);
		return -1;
	}
	if (have < REC_HDRLEN + caplen) {
		if (fill(f, REC_HDRLEN + caplen, err, errlen) < 0)
			return -1;
		have = f->len - f->pos;
		h = f->data + f->pos;
		if (have < REC_HDRLEN + caplen) {
			have -= REC_HDRLEN;
			/* libpcap reads a record longer than the snapshot
			 * length in two steps and names the one that failed. */
			snprintf(err, errlen, "truncated dump file; tried to read "
			    "%u captured bytes, only got %zu",
			    caplen > f->snapshot && have < f->snapshot ?
			    f->snapshot : caplen, have);
			return -1;
		}
	}
	stamps(f, h, r);
	r->len = get32(h + 12, f->swapped);
	/* Longer than the file's snapshot length: cut to it, as libpcap does. */
	r->caplen = caplen > f->snapshot ? f->snapshot : caplen;
	r->data = h + REC_HDRLEN;
	f->pos += REC_HDRLEN + caplen;
	return 1;
}

/*
 * Most records are whole in the buffer with a length within both limits:
 * taken here with the fewest tests, the rest by next_slow().  Measured on
 * the bench file: 34 instructions a record instead of 60.
 */
static inline int
next(struct pcapfile *f, struct pcapfile_rec *r, char *err, size_t errlen)
{
	const uint8_t *h;
	size_t have = f->len - f->pos;
	uint32_t caplen;

	if (have < REC_HDRLEN)
		return next_slow(f, r, err, errlen);	/* data may be NULL */
	h = f->data + f->pos;
	caplen = get32(h + 8, f->swapped);
	if (caplen > f->whole_max || caplen > have - REC_HDRLEN ||
	    signals_cut())
		return next_slow(f, r, err, errlen);
	stamps(f, h, r);
	r->len = get32(h + 12, f->swapped);
	r->caplen = caplen;
	r->data = h + REC_HDRLEN;
	f->pos += REC_HDRLEN + caplen;
	return 1;
}

int
pcapfile_next(struct pcapfile *f, struct pcapfile_rec *r, char *err,
    size_t errlen)
{
	return next(f, r, err, errlen);
}

/*
 * The loop is here, not in io/capture.c, so that next() is inlined and
 * the record stays in registers: 12 instructions a record fewer (read
 * --json, bench-tenth).
 */
int
pcapfile_dispatch(struct pcapfile *f, struct pipeline *pl, char *err,
    size_t errlen)
{
	struct pcapfile_rec r;
	int n;

	while ((n = next(f, &r, err, errlen)) > 0) {
		/* 32-bit seconds: ts_us()'s clamp of them cannot bite. */
		pipeline_packet(pl, f->dlt, ts_us_near(r.sec, r.usec), r.data,
		    r.caplen, r.len);
		if (signals_arrived || pipeline_done(pl))
			return 1;
	}
	return n;
}

void
pcapfile_close(struct pcapfile *f)
{
	if (f == NULL)
		return;
	unmap(f);
	if (f->fd != STDIN_FILENO)
		close(f->fd);
	free(f->buf);
	free(f);
}

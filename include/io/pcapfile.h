/* Classic pcap files read by us from a file descriptor (see pcapfile.c). */
#ifndef SMTPSCOPE_PCAPFILE_H
#define SMTPSCOPE_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>

#define PCAPFILE_HDRLEN 24	/* the file header */

struct pcapfile;
struct pipeline;

/* One record as libpcap would hand it over (microsecond precision). */
struct pcapfile_rec {
	int64_t sec, usec;
	uint32_t caplen, len;
	const uint8_t *data;	/* valid until the next call */
};

/*
 * Takes over fd when head, the first n bytes read from it, is a file header
 * this reader handles; returns NULL otherwise (fd untouched, errno 0), or
 * when out of memory (errno ENOMEM).
 */
struct pcapfile *pcapfile_open(int fd, const uint8_t *head, size_t n);
/* The link type as libpcap's pcap_datalink() gives it. */
int pcapfile_dlt(const struct pcapfile *f);
/* 1: *r is the next record; 0: end of file; -1: err says why (truncated,
 * an impossible length, a read error). */
int pcapfile_next(struct pcapfile *f, struct pcapfile_rec *r, char *err,
    size_t errlen);
/* Hands the records to the pipeline (pipeline_packet()) until the file
 * ends (0), an error (-1, err says why), or after one a signal arrived
 * (io/signals.h) or pipeline_done() (1: the caller looks why, then calls
 * again to go on). */
int pcapfile_dispatch(struct pcapfile *f, struct pipeline *pl, char *err,
    size_t errlen);
/* Closes the descriptor too, unless it is standard input. */
void pcapfile_close(struct pcapfile *f);

/* read(2)s into buf[*len, cap) until need bytes are there or the file
 * ends (*eof), waiting for a pipe with signals_wait_readable(); one read
 * at most once need is met, so a pipe's packets are not held back.  0, or
 * -1 with err (pcapfile.c and pcapng.c both fill their buffers so). */
int pcapfile_read_upto(int fd, uint8_t *buf, size_t cap, size_t *len,
    size_t need, int *eof, char *err, size_t errlen);
/* read(2) until n bytes or end of file; returns the count, -1 on error. */
long pcapfile_read_full(int fd, uint8_t *buf, size_t n);

#endif

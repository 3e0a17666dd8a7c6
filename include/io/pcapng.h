/* pcapng files read by us from a file descriptor (see pcapng.c). */
#ifndef SMTPSCOPE_PCAPNG_H
#define SMTPSCOPE_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#define PCAPNG_COMMENT_MAX 4096	/* the first section's comment we keep */

struct pcapng;

/* One packet as libpcap would hand it over (microsecond precision), with
 * the link type of the interface it was captured on. */
struct pcapng_rec {
	int64_t sec, usec;
	uint32_t caplen, len;
	uint32_t ifid;		/* interface number within its section */
	int dlt;		/* that interface's, as pcap_datalink() names it */
	const uint8_t *data;	/* valid until the next call */
};

/*
 * Takes over fd when head, the first n bytes read from it, starts a pcapng
 * file: reads up to its first interface block.  Returns NULL with err
 * empty and errno 0 when head is not pcapng (fd untouched), with err set
 * when the file is pcapng but cannot be read (libpcap's words; fd not
 * closed), or with errno ENOMEM.
 */
struct pcapng *pcapng_open(int fd, const uint8_t *head, size_t n, char *err,
    size_t errlen);
/* The link type of the file's first interface. */
int pcapng_first_dlt(const struct pcapng *f);
/* The first section's opt_comment ("" if none), NUL-terminated. */
const char *pcapng_comment(const struct pcapng *f);
/* 1: *r is the next packet; 0: end of file; -1: err says why. */
int pcapng_next(struct pcapng *f, struct pcapng_rec *r, char *err,
    size_t errlen);
/* Closes the descriptor too, unless it is standard input. */
void pcapng_close(struct pcapng *f);

#endif

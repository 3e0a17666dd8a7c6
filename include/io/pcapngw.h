/*
 * The -w evidence file: pcapng, one section, one interface, whose section
 * comment says how it was captured (the command line and the server
 * ports), so that `smtpscope read` takes the ports from it (see pcapngw.c).
 */
#ifndef SMTPSCOPE_PCAPNGW_H
#define SMTPSCOPE_PCAPNGW_H

#include <stdint.h>
#include <stdio.h>

#include "util/portset.h"

/* The comment line read takes the ports from. */
#define PCAPNGW_PORTS_TAG "smtpscope ports: "

struct pcapngw;

/* How the capture was made, for the section and interface blocks. */
struct pcapngw_info {
	int dlt;			/* pcap_datalink() */
	uint32_t snaplen;
	const char *ifname;		/* NULL: none */
	const char *filter;		/* the capture filter expression, or NULL */
	int argc;			/* the command line, argv[0] the command */
	char *const *argv;
	const struct portset *ports;
};

/* Takes over fp and writes the section and interface blocks; NULL (fp
 * closed) when out of memory or the write fails. */
struct pcapngw *pcapngw_open(FILE *fp, const struct pcapngw_info *info);
/* One packet as libpcap stamps it (microseconds).  -1 on a write error,
 * which sticks. */
int pcapngw_packet(struct pcapngw *w, int64_t sec, int64_t usec,
    const uint8_t *data, uint32_t caplen, uint32_t len);
/* Bytes written so far (buffered included): the file's size. */
uint64_t pcapngw_bytes(const struct pcapngw *w);
/* What pcapngw_packet() adds to the file for caplen bytes. */
uint32_t pcapngw_packet_bytes(uint32_t caplen);
/* fflush(); -1 once any write failed. */
int pcapngw_flush(struct pcapngw *w);
/* Flushes and closes; -1 if any write failed. */
int pcapngw_close(struct pcapngw *w);

/* The ports a section comment written by pcapngw_open() names: 1 with
 * *out set, 0 when the comment names none or names them wrongly. */
int pcapngw_comment_ports(const char *comment, struct portset *out);

#endif

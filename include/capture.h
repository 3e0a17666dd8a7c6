/* libpcap sources feeding the pipeline. */
#ifndef SMTPSCOPE_CAPTURE_H
#define SMTPSCOPE_CAPTURE_H

#include <stddef.h>
#include <stdio.h>

#include "pipeline.h"

enum {
	CAPTURE_OK = 0,
	CAPTURE_OPEN_ERROR = -1,	/* nothing was read */
	CAPTURE_READ_ERROR = -2,	/* cut short: the packets before it were fed */
};

/*
 * Reads one saved capture (pcap or pcapng; "-" is standard input) through the
 * pipeline.  On error, err holds a message without the file name.
 */
int capture_read_offline(const char *path, struct pipeline *pl, char *err,
    size_t errlen);
/* The same from an open stream, which it closes (the fuzzer reads memory). */
int capture_read_stream(FILE *fp, struct pipeline *pl, char *err, size_t errlen);

/*
 * Async-signal-safe: stops the read in progress (Ctrl-C on a pipe from
 * tcpdump), so what was read still gets its records and summary.
 */
void capture_interrupt(void);
int capture_interrupted(void);

#endif

/* Saved captures feeding the pipeline. */
#ifndef SMTPSCOPE_CAPTURE_H
#define SMTPSCOPE_CAPTURE_H

#include <stddef.h>

#include "core/pipeline.h"

enum {
	CAPTURE_OK = 0,
	CAPTURE_OPEN_ERROR = -1,	/* nothing was read */
	CAPTURE_READ_ERROR = -2,	/* cut short: the packets before it were fed */
};

struct capture;

/*
 * Opens one saved capture (pcap or pcapng; "-" is standard input), so every
 * file can be opened before privileges are dropped.  On error, err holds a
 * message without the file name.
 */
int capture_open_offline(const char *path, struct capture **out, char *err,
    size_t errlen);
/* The same over an open descriptor, which it takes over (the fuzzers). */
int capture_open_fd(int fd, struct capture **out, char *err, size_t errlen);
/* Feeds every packet of an opened capture to the pipeline, then closes it.
 * A file cut short returns CAPTURE_READ_ERROR after the packets before the
 * cut were fed.  SIGINT or SIGTERM (io/signals.h) stops it between packets,
 * so what was read still gets its records and summary. */
int capture_read(struct capture *c, struct pipeline *pl, char *err,
    size_t errlen);
/* A pcapng file's first section comment ("" for anything else): a file
 * written by -w names its server ports in it (io/pcapngw.h). */
const char *capture_comment(const struct capture *c);
/* Closes a capture that will not be read. */
void capture_close(struct capture *c);

#endif

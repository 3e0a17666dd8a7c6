/*
 * The -w evidence files with tcpdump's rotation: -C size (a new file
 * before one would pass size bytes: NAME, NAME1, NAME2 ...), -G seconds
 * (NAME through strftime(3), a new file every interval, the caller's
 * timer), -W count (with -C a ring of count files NAME0 ... NAME<count-1>,
 * with -G the run ends after count files).  Every file is a whole pcapng
 * file with the same section comment (io/pcapngw.h).
 *
 * No file is ever overwritten unless this run made it (a ring's slot):
 * each is created with O_CREAT|O_EXCL, and when its name is taken (a
 * previous run's file) the first free NAME.1, NAME.2 ... is used instead.
 * A FIFO or a character device at the name is written as it is, without
 * -C and -G, and never reopened.
 */
#ifndef SMTPSCOPE_ROTATE_H
#define SMTPSCOPE_ROTATE_H

#include <stddef.h>
#include <stdint.h>

#include "io/pcapngw.h"

struct rotate_config {
	const char *name;		/* -w; a strftime(3) pattern with -G */
	uint64_t size;			/* -C in bytes; 0: none */
	int64_t interval_us;		/* -G; 0: none */
	int count;			/* -W; 0: none */
};

/* Why the next file is opened. */
enum rotate_why {
	ROTATE_SIZE,		/* -C: the next packet would pass the size */
	ROTATE_TIME,		/* -G: the interval is over */
	ROTATE_REOPEN,		/* SIGHUP: logrotate moved the file away */
};

#define ROTATE_DONE 1		/* -G -W: count files made, the run ends */
#define ROTATE_CLOSE_FAILED (-2)	/* the next file is in use, the last
					 * was not written whole */

struct rotate;

/* Opens the first file.  info's strings must outlive the rotation.  NULL
 * with err set ("-w NAME: why"). */
struct rotate *rotate_open(const struct rotate_config *cfg,
    const struct pcapngw_info *info, char *err, size_t errlen);
/* Writes a packet, after opening the next file when -C says so.  0, or
 * -1 with err set. */
int rotate_packet(struct rotate *r, int64_t sec, int64_t usec,
    const uint8_t *data, uint32_t caplen, uint32_t len, char *err,
    size_t errlen);
/* Closes the current file and opens the next.  The next is made first,
 * so that when it cannot be made the current file stays in use.  0;
 * ROTATE_DONE when -G -W's count is reached (the current file closed,
 * none opened); -1 with err set (nothing changed); ROTATE_CLOSE_FAILED
 * with err set (a full disk). */
int rotate_next(struct rotate *r, enum rotate_why why, char *err,
    size_t errlen);
/* The file being written. */
const char *rotate_name(const struct rotate *r);
/* The name wanted for the file being written when that was taken (a
 * previous run's file), once; else NULL. */
const char *rotate_take_wanted(struct rotate *r);
/* fflush() of the current file; -1 once a write failed. */
int rotate_flush(struct rotate *r);
/* Flushes and closes; -1 if a write failed.  NULL is fine. */
int rotate_close(struct rotate *r);

#endif

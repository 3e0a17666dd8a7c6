/*
 * A growing file followed as tail -F does, on the event loop: every
 * FOLLOW_TICK_US the new bytes are read and handed on; a file that shrank
 * (truncated) is read again from its start; when the path names another
 * file (rotated: renamed, a new one created) the old one is read to its
 * end, then the new one from its start; a path that is missing for a
 * while is tried again.  Regular files cannot be polled, hence the timer.
 * The reopen after rotation is done with the privileges the process has
 * then (-Z): the user must be able to read the new file.
 */
#ifndef SMTPSCOPE_IO_FOLLOW_H
#define SMTPSCOPE_IO_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "io/loop.h"

#define FOLLOW_TICK_US 200000
#define FOLLOW_READ_MAX (1 << 20)	/* bytes a tick, so one log cannot starve */

typedef void (*follow_fn)(void *ctx, const char *buf, size_t n);

struct follow_counts {
	uint64_t bytes, rotations, truncations, reopen_failures;
};

struct follow;

/* Opens path, positioned at its end (only what is written from now on is
 * read); NULL with err filled when it cannot be opened. */
struct follow *follow_open(const char *path, follow_fn fn, void *ctx,
    char *err, size_t errlen);
/* Starts the timer on l; -1 when out of memory. */
int follow_attach(struct follow *f, struct loop *l);
/* Reads what is there now (at the end of a run). */
void follow_drain(struct follow *f);
const struct follow_counts *follow_counts(const struct follow *f);
void follow_close(struct follow *f);

#endif

/*
 * smtpscope scope's input: JSON lines of any number of sensors, from files
 * (or standard input), read back into records (verify/jsonrec.h) and
 * handed over merged in verdict-time order: each file is in the order its
 * sensor wrote it, so the merge needs one record ahead per file, never a
 * whole file in memory.
 */
#ifndef SMTPSCOPE_JSONFEED_H
#define SMTPSCOPE_JSONFEED_H

#include <stdint.h>
#include <stdio.h>

#include "core/record.h"
#include "core/stats.h"
#include "verify/jsonrec.h"

#define JSONFEED_MAX_LINE 16384		/* longer lines are refused */

struct jsonfeed_ops {
	/* An attempt record; its pointers live until jsonrec_free(). */
	void (*record)(void *ctx, const struct record *r);
	/* A line refused (line >= 1), or a file that could not be read to
	 * its end (line 0); why is one printable line. */
	void (*bad)(void *ctx, const char *name, uint64_t line, const char *why);
};

/*
 * Reads the n files fp[] (named name[] in messages) to their ends.  Counts
 * the lines in *in; a refused line is reported and counted, and the
 * reading goes on.  Returns 0, or -1 when out of memory.
 */
int jsonfeed_run(struct jsonrec *jr, FILE *const *fp, const char *const *name,
    int n, const struct jsonfeed_ops *ops, void *ctx, struct input_stats *in);

#endif

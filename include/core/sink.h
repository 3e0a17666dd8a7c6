/*
 * Where the pipeline hands its records: a small vtable, as zmap's output
 * modules.  The pipeline calls it; report/ (and the prober's own record
 * taker) implement it.
 */
#ifndef SMTPSCOPE_CORE_SINK_H
#define SMTPSCOPE_CORE_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/record.h"
#include "core/stats.h"

struct sink;

/* Live capture: a stretch of time the capture saw nothing, its interface
 * down or gone (io/capgap.h). */
struct capture_gap {
	const char *ifname;
	int64_t start_us, end_us;	/* packet clock */
	const char *reason;		/* "interface-down", "interface-gone" */
	bool resumed;			/* false: the run ended in the gap */
};

struct sink_ops {
	void (*record)(struct sink *s, const struct record *r);
	/* End of input (or a SIGUSR1 snapshot when final is 0). */
	void (*finish)(struct sink *s, const struct stats *st, int final);
	void (*free)(struct sink *s);
	/* Optional: time passes with no record (live capture's clock). */
	void (*tick)(struct sink *s, int64_t now_us);
	/* Optional: a capture gap is over, its record on the stream.  Last,
	 * so that sinks with no gap record leave it out (NULL). */
	void (*gap)(struct sink *s, const struct capture_gap *g);
};

struct sink {
	const struct sink_ops *ops;
	FILE *out;			/* NULL: a sink that writes nothing */
};

/* A sink that is nothing but the struct: NULL when out of memory. */
struct sink *sink_new(const struct sink_ops *ops, FILE *out);
/* The free op of a sink that owns nothing but its own allocation. */
void sink_free(struct sink *s);
/* The finish op of a sink with nothing to add at the end: flushes. */
void sink_flush(struct sink *s, const struct stats *st, int final);

#endif

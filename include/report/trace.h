/*
 * probe --trace: the records of one (source, target, port)'s SYNs of TTL
 * 1, 2 ... gathered as hops, and what they say together.  The hops are the
 * tracker's records, classified as every other attempt is; this only reads
 * them.
 */
#ifndef SMTPSCOPE_REPORT_TRACE_H
#define SMTPSCOPE_REPORT_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/record.h"

#define TRACE_MAX_TTL 64

struct trace {
	int max_ttl;			/* hops 1 .. max_ttl */
	/* hop[h]: the record of the SYN of TTL h; origin NULL: none came
	 * (never sent, as past the end, or lost) */
	struct record hop[TRACE_MAX_TTL + 1];
};

/* What the hops say together. */
struct trace_result {
	int end;		/* the first hop whose answer ends the trace; 0: none */
	int at;			/* the hop the statement names; 0: none */
	struct addr by;		/* who answered there; family 0: nobody */
	int silent_from;	/* no answer from this hop on; 0: not so */
	char statement[160];
};

/* Takes a record of one of the trace's SYNs (r->origin->hop). */
void trace_add(struct trace *tr, const struct record *r);
/* The last hop to show: the end, else the highest one with a record. */
int trace_last(const struct trace *tr);
void trace_result(const struct trace *tr, struct trace_result *res);

#endif

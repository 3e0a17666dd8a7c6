/* The aggregation's state, shared by findings/scope.c (counting) and
 * findings/findings.c (what the counts say); not for other modules. */
#ifndef SMTPSCOPE_FINDINGS_INTERNAL_H
#define SMTPSCOPE_FINDINGS_INTERNAL_H

#include "findings/logfacts.h"
#include "findings/pool.h"
#include "findings/scope.h"
#include "util/hindex.h"
#include "util/region.h"

/* Destinations are kept in chunks of this many, allocated as needed: no
 * copying as they grow, and at most one chunk's worth unused. */
#define SCOPE_CHUNK 1024

/* Capacities of source blocks: 2, 4, ... SCOPE_MAX_SOURCES. */
#define SPARE_CLASSES 10
_Static_assert(2u << (SPARE_CLASSES - 1) == SCOPE_MAX_SOURCES,
    "a spare list for each capacity");

struct scope {
	uint32_t seed;
	struct scope_dest **chunk;	/* destination i: chunk[i / CHUNK][i % CHUNK] */
	uint32_t nd, nchunks;
	uint64_t other_dests;		/* attempts past SCOPE_MAX_DESTS */
	uint64_t fail_times;		/* failure times allocated, all sources */
	uint64_t fails_not_kept;	/* failures the budget had no room for */
	struct hindex by_dest;		/* (server, port) -> destination */
	/* The addresses of the sources, each once, first seen first: a
	 * source names its address by number, 4 bytes, not 17. */
	struct hindex by_addr;		/* address -> its number */
	struct addr *addr;
	uint32_t naddrs, capaddrs;
	uint32_t npairs;		/* sources of all destinations */
	struct pool fails;		/* the sources' failure windows */
	struct pool samples;		/* the destinations' samples */
	struct hindex by_server;	/* server -> its first destination */
	struct hindex by_domain;	/* (domain, port) -> its first destination */
	struct hindex by_sensor;	/* sensor name -> its number */
	struct scope_kind kind[SCOPE_KIND_SLOTS];
	int nkinds;
	bool settled;			/* the cross-destination links are current */
	int64_t last_ts;		/* the latest verdict of all; SCOPE_NONE */
	/* Sensors by number (0: this host, NULL), first seen first, and for
	 * each the stamp of the last count that met it (findings/view.c);
	 * sensor 0's in mark0, the others' in mark[]. */
	const char **sensor;
	uint32_t *mark;
	uint32_t nsensors, capsensors, stamp, mark0;
	struct logfacts *log;		/* the MTA's log; NULL until a line */
	/* Destination chunks and source blocks; the blocks left as their
	 * destinations grew, by capacity (2 << i), for the next to grow. */
	struct region mem;
	void *spare[SPARE_CLASSES];
};

static inline struct scope_dest *
dest_at(const struct scope *s, uint32_t i)
{
	return &s->chunk[i / SCOPE_CHUNK][i % SCOPE_CHUNK];
}

static inline struct scope_fail *
fails_of(const struct scope *s, const struct scope_source *src)
{
	return pool_at(&s->fails, src->fail);
}

#endif

/*
 * Scope: records aggregated per destination (server address and port) and,
 * within each, per source address; then the findings those counts support,
 * as structs.  Pure: records in, structs out; no I/O, no DNS, no text.  The
 * reports (report/scope.h) render them.
 *
 * Memory grows with the destinations, sources and failures seen, up to the
 * budget below; what does not fit is counted, never guessed or dropped
 * silently.  Destinations and sources are found through hashed indexes, and
 * kept in the order they were first seen.
 */
#ifndef SMTPSCOPE_FINDINGS_SCOPE_H
#define SMTPSCOPE_FINDINGS_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/record.h"
#include "core/verdict.h"
#include "findings/finding.h"
#include "maillog/event.h"

/* The budget (smtpscope(8), Limits). */
#define SCOPE_MAX_DESTS 100000		/* destinations */
#define SCOPE_MAX_SOURCES 1024		/* sources of one destination */
#define SCOPE_MAX_PAIRS 1000000		/* sources of all destinations */
#define SCOPE_MAX_FAILS 64		/* failure times kept per source */
#define SCOPE_MAX_FAIL_TIMES 4000000	/* failure times kept in all */
#define SCOPE_MAX_SAMPLES 3		/* failures shown per destination */

#define SCOPE_NONE INT64_MIN		/* no such time */

/* Failure kinds (class and reason) are numbered as they are first seen;
 * past SCOPE_MAX_KINDS, a class's further reasons share one "other". */
#define SCOPE_MAX_KINDS 32
#define SCOPE_KIND_SLOTS (SCOPE_MAX_KINDS + VC_COUNT)

struct scope_kind {
	enum vclass cls;
	const char *reason;
};

/* One failure, by the first-SYN time of its attempt. */
struct scope_fail {
	int64_t ts;
	uint8_t kind;
};

struct scope_source {
	uint32_t addr_id;		/* its address: scope_source_addr() */
	uint32_t sensor;		/* of its first record: scope_sensor() */
	/* Its attempts, by class; held at UINT32_MAX.  32 bits, not 64: a
	 * source is the entry there are most of. */
	uint32_t n[VC_COUNT];
	uint8_t nfail, capfail;		/* failure window: used, allocated */
	uint8_t last_kind;		/* of its latest failure */
	/* Failures that began after last_ok, the latest SCOPE_MAX_FAILS of
	 * them, in the aggregation's pool: records come in verdict order, so
	 * a later acceptance can still make earlier-seen failures count, or
	 * not. */
	uint32_t fail;
	int64_t last_ok;		/* first SYN of its latest accepted attempt */
	int64_t first_fail;		/* first SYN of its earliest failure */
	int64_t last_fail;		/* first SYN of its latest failure */
};

/* Failures of a destination answered one way, or all of them: how many,
 * the first SYNs of the earliest and the latest (by first-SYN time), and
 * the latest's kind, source and responder. */
struct scope_answer {
	uint64_t n;
	int64_t first, last;		/* SCOPE_NONE: none */
	struct addr by;			/* family 0: no answer */
	int hops;			/* of by; -1: not known */
	uint32_t src;			/* its source: index in src[] */
	uint8_t kind;
	bool self;			/* by is the sending host itself */
	bool first_hop;			/* the first hop, in the server's name */
};

struct scope_sample {
	int64_t ts;			/* first SYN */
	struct addr client;
	uint16_t client_port;
	uint8_t kind;
	int16_t icmp_type, icmp_code;	/* -1: not an ICMP error */
	struct addr responder;		/* family 0: no answer */
	bool first_hop;			/* made by the first hop, in its name */
};

/* The fields every record of the destination reads or writes come
 * first. */
struct scope_dest {
	struct addr server;
	uint16_t port;
	uint8_t nsamples;
	uint8_t nreasons;
	int synack_hops;		/* of the server's latest SYN-ACK; -1 none */
	uint32_t nsrc;
	struct scope_source *src;	/* listed sources, first seen first */
	uint32_t capsrc;
	int mx_pref;			/* -1: none */
	int64_t first_ts;		/* first SYN of its earliest attempt */
	int64_t last_ts;		/* its latest verdict */
	uint64_t n[VC_COUNT];		/* its attempts, by class */
	int64_t last_ok;		/* over the sources listed; SCOPE_NONE */
	uint64_t other_sources;		/* attempts from sources not listed */
	/* The failures of the sources listed: all of them; those answered
	 * by the sending host or its first hop (local), or by a router
	 * further on (hop); and the RSTs in the server's name (rst). */
	struct scope_answer fail, local, hop, rst;
	struct scope_sample *sample;	/* the first failures; NULL until one */
	uint8_t reason[SCOPE_KIND_SLOTS];	/* failure kinds, first seen first */
	/* Cross-destination links, numbers of destinations: the first one
	 * with the same server address, or domain and port (HINDEX_NONE). */
	uint32_t same_server, same_domain;
	char *mx, *domain;		/* probe: MX host and its domain; NULL: none */
	/* Set on those first ones by the findings (findings.c). */
	uint32_t synack_first, synack_second, accept_first, accept_second;
};

enum scope_finding_kind {
	SF_LOCAL_BLOCK,		/* failures answered by the sender or its first hop */
	SF_MIDDLEBOX,		/* failures answered by a router further on */
	SF_FORGED_RESET,	/* RSTs in the server's name from another distance */
	SF_SOURCE_BLOCK,	/* some sources always fail, others never */
	SF_RATE_LIMIT,		/* a source accepted, then failing */
	SF_ALL_FAILED,		/* nothing accepted from any source */
	SF_MX_DOWN,		/* failing while another MX of the domain accepts */
	SF_NO_FAILURE,
};

/* A finding about one destination.  failures: the destination's failures
 * in all; the rest depends on the kind. */
struct scope_finding {
	enum scope_finding_kind kind;
	uint32_t dest;
	uint64_t failures;
	union {
		struct {		/* SF_LOCAL_BLOCK, SF_MIDDLEBOX */
			uint64_t n;	/* failures answered so */
			struct addr by;	/* the responder of the last of them */
			bool self;	/* local: the sending host itself */
			bool first_hop;	/* local: the first hop, in the
					 * name of by, the server */
			int hops;	/* middlebox: its hop distance */
		} answered;
		struct {		/* SF_FORGED_RESET */
			int rst_hops;
			uint32_t synack_dest;	/* same address, other distance */
			int synack_hops;
		} forged;
		struct {		/* SF_SOURCE_BLOCK */
			uint32_t nfailed, naccepted;	/* sources */
			uint64_t failed, accepted;	/* their attempts */
		} block;
		struct {		/* SF_RATE_LIMIT */
			uint32_t source;	/* index in the destination's src[] */
			uint64_t accepted;	/* its accepted attempts */
			int64_t last_ok;	/* the last of them */
			int64_t first_ts;	/* the first failure after it */
			uint8_t first_kind;
			uint32_t since;		/* failures after it (kept) */
		} rate;
		struct {		/* SF_ALL_FAILED */
			uint32_t nsources;
		} all_failed;
		struct {		/* SF_MX_DOWN */
			uint32_t other;		/* a destination that accepted */
			uint64_t accepted;	/* its accepted attempts */
		} mx_down;
		struct {		/* SF_NO_FAILURE */
			uint64_t accepted;
		} no_failure;
	} u;
};

/* The most findings one destination can have. */
#define SCOPE_MAX_FINDINGS (SCOPE_MAX_SOURCES + 7)

struct scope;

/* An empty aggregation; seed keys its hashes.  NULL when out of memory. */
struct scope *scope_new(uint32_t seed);
void scope_free(struct scope *s);

/* Counts one record.  Never fails: what does not fit is counted as such. */
void scope_add(struct scope *s, const struct record *r);

/* A line of the MTA's log (findings/logfacts.h), over the whole run: its
 * failures' counts and words go on the findings about its server. */
void scope_add_log(struct scope *s, const struct ml_event *e);
/* Has any line of the log been added? */
bool scope_has_log(const struct scope *s);

/* Destinations in the order of their first records. */
uint32_t scope_ndests(const struct scope *s);
const struct scope_dest *scope_dest(const struct scope *s, uint32_t i);
/* Attempts to destinations past the budget. */
uint64_t scope_other_dests(const struct scope *s);
/* Failures the budget of failure times had no room for. */
uint64_t scope_fails_not_kept(const struct scope *s);
const struct scope_kind *scope_kind(const struct scope *s, uint8_t id);
/* The address of a source of s. */
const struct addr *scope_source_addr(const struct scope *s,
    const struct scope_source *src);
/* The sensor of number id (scope_source.sensor): its name as the first
 * record from it gave it, NULL for this host. */
const char *scope_sensor(const struct scope *s, uint32_t id);

/* The findings of destination i, in the order the report gives them, into
 * out (SCOPE_MAX_FINDINGS entries); returns how many.  The first call
 * after new records links the destinations that findings compare (one
 * pass over all of them); s is otherwise unchanged. */
int scope_findings(struct scope *s, uint32_t i, struct scope_finding *out);

/* Finding f of s, made by scope_findings, as every output renders a
 * finding (findings/finding.h): state FS_FINAL, ts the run's latest
 * verdict.  failures, first_fail, last_fail, the verdict and responder
 * are those of the failures the kind rests on; accepted and last_ok those
 * of the acceptances it compares them with (for local_block and
 * middlebox, the sources accepted every time; for no_failure, the
 * destination's own).  failed lists the sources
 * concerned (source_block: those that always failed; rate_limit: its
 * source; no_failure: none; the rest: every source with a failure), ok
 * those accepted every time.  Where the aggregation does not know who
 * answered the latest failure (a source block or rate limit whose source
 * did not fail last), responder has family 0 and hops is -1.  Pointers
 * in out are s's, valid until scope_free. */
void scope_finding_view(struct scope *s, const struct scope_finding *f,
    struct finding *out);

/* Calls fn for each address the report names, in report order: every
 * destination's server (source false), then its listed sources (source
 * true), each address once per role.  0, or -1 when out of memory. */
int scope_addresses(const struct scope *s,
    void (*fn)(void *ctx, const struct addr *a, bool source), void *ctx);

/* Failures: refused, prohibited, unreachable or dropped. */
static inline bool
scope_failed(enum vclass c)
{
	return c == VC_REFUSED || c == VC_PROHIBITED || c == VC_UNREACHABLE ||
	    c == VC_DROPPED;
}

static inline uint64_t
scope_failures(const uint64_t n[VC_COUNT])
{
	return n[VC_REFUSED] + n[VC_PROHIBITED] + n[VC_UNREACHABLE] +
	    n[VC_DROPPED];
}

static inline uint64_t
scope_source_failures(const struct scope_source *src)
{
	return (uint64_t)src->n[VC_REFUSED] + src->n[VC_PROHIBITED] +
	    src->n[VC_UNREACHABLE] + src->n[VC_DROPPED];
}

/* Accepted every time (at least once, never failed). */
static inline bool
scope_source_accepted(const struct scope_source *src)
{
	return src->n[VC_ACCEPTED] > 0 && scope_source_failures(src) == 0;
}

/* Only one source address seen for the destination, none past the
 * budget: nothing to tell a block aimed at it from an outage. */
static inline bool
scope_one_source(const struct scope_dest *d)
{
	return d->nsrc == 1 && d->other_sources == 0;
}

/* Failed at least once, never accepted. */
static inline bool
scope_source_failed(const struct scope_source *src)
{
	return src->n[VC_ACCEPTED] == 0 && scope_source_failures(src) > 0;
}

#endif

/* The windowed findings' state, shared by findings/stream.c (keeping it)
 * and findings/stream_eval.c (what it supports); not for other modules. */
#ifndef SMTPSCOPE_FINDINGS_STREAM_INTERNAL_H
#define SMTPSCOPE_FINDINGS_STREAM_INTERNAL_H

#include <stdbool.h>

#include "findings/logfacts.h"
#include "findings/stream.h"

#define NONE INT64_MIN

/* Who answered a failure. */
enum answered { ANS_NOBODY, ANS_SERVER, ANS_LOCAL, ANS_HOP };

struct ssrc {
	struct addr a;
	uint8_t answered;		/* of its latest failure */
	bool rst;			/* that failure was a RST */
	bool limited;			/* intermittent (stream_eval.c) */
	uint16_t sensor;		/* interned: st->sensor[] */
	int16_t hops;			/* of the latest failure's answer */
	enum vclass cls;		/* of its latest failure */
	const char *reason;
	struct addr responder;
	int64_t last_seen;		/* first SYN of its latest attempt */
	int64_t last_ok, last_fail;
	int64_t fail_since;		/* first failure after the last acceptance;
					 * NONE: the latest attempt was accepted */
	int64_t okfail, failok;		/* latest transitions (first SYN) */
	uint32_t streak;		/* failures since fail_since */
	uint32_t oks, fails;		/* attempts while held */
	int64_t first_fail;		/* while held */
};

/* Failures answered by someone other than the server. */
struct by_other {
	uint64_t n;			/* since the finding began */
	int64_t first, last;
	struct addr by;
	int16_t hops;
	bool self;			/* the sending host */
	bool in_name;			/* with the server's address */
	struct addr client;		/* the source of the last of them */
	const char *sensor;
	enum vclass cls;
	const char *reason;
};

/* A finding in force: as last written or quietly updated since. */
struct held {
	struct finding f;
	int64_t emitted;		/* when its last line was written */
	bool pending;			/* changed since, not yet written */
};

struct sdest {
	struct sdest *next;		/* hash chain */
	struct sdest *older, *newer;	/* by last record */
	struct addr server;
	uint16_t port;
	int mx_pref;
	char *mx, *domain;
	int64_t last_seen, next_eval;
	int64_t last_ok;		/* of any source, while held */
	struct ssrc *src;
	uint32_t nsrc, capsrc;
	uint16_t *idx;			/* src[] positions + 1, by hash; or NULL */
	uint32_t nidx;
	uint64_t other_sources;
	struct by_other local, hop, rst;	/* rst: RSTs with the server's address */
	int16_t synack_hops;		/* latest SYN-ACK from the server; -1 */
	bool one_sensor;		/* src[] share one sensor: set by
					 * stream_evaluate() for its use */
	struct held *act[FK_COUNT];	/* in force */
};

/* The server's latest SYN-ACK on any port: a direct-mapped cache. */
struct synack_seen {
	struct addr server;
	uint16_t port;
	int16_t hops;
	int64_t ts;
};

/* A domain's latest accepted attempt, on a port: direct-mapped too. */
struct domain_ok {
	uint32_t hash;
	uint16_t port;
	struct addr server;
	char mx[256];
	uint64_t accepted;
	int64_t ts;
};

#define SYNACK_SLOTS 65536
#define SRC_INDEX_MIN 16		/* sources before they get an index */
#define DOMAIN_SLOTS 4096

struct stream {
	struct stream_config cfg;
	stream_emit_fn emit;
	void *ctx;
	int64_t now;
	struct sdest **bucket;
	uint32_t nbuckets;
	struct sdest *oldest, *newest;
	const char *sensor[STREAM_MAX_SENSORS];	/* [0]: this one (NULL) */
	uint32_t nsensors;
	uint16_t last_sensor;		/* the last one looked up */
	struct synack_seen *synack;
	struct domain_ok *dom;
	struct logfacts *log;		/* the MTA's log; NULL until a line */
	/* Log lines ahead of the records' time (read takes the log first),
	 * applied when the stream reaches theirs. */
	struct ml_event *logq;
	uint32_t logq_head, logq_n, logq_cap;
	struct stream_stats stats;
};

/* t is in the window that ends at the stream's time.  NONE (never) is
 * not, with no test of its own: stream times are far above NONE plus the
 * longest window (7 days), so it is before the start of any window (the
 * test cost 4% of read --findings on bench-tenth, 7% on heavy-tenth,
 * cachegrind instructions). */
static inline bool
recent(const struct stream *st, int64_t t)
{
	return t >= st->now - st->cfg.window_us;
}

/* stream_eval.c: what d supports now, compared with what is in force;
 * emits the differences. */
void stream_evaluate(struct stream *st, struct sdest *d);
/* Ends every finding in force of d, for why. */
void stream_end_all(struct stream *st, struct sdest *d, enum finding_end why);
/* stream.c: makes d's index of sources again, after pruning. */
void stream_index_sources(struct stream *st, struct sdest *d);
/* stream.c: memory accounting for findings kept in force. */
void stream_account(struct stream *st, ptrdiff_t bytes);
const struct synack_seen *stream_synack(const struct stream *st,
    const struct addr *server);
const struct domain_ok *stream_domain_ok(const struct stream *st,
    const char *domain, uint16_t port);

#endif

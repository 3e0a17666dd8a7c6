/*
 * A finding as the outputs render it, whichever engine made it: the
 * whole-run aggregation (findings/scope.h, --scope) or the windowed
 * stream (findings/stream.h, --findings).  Plain data; text, JSON and
 * HTML render the same struct.
 */
#ifndef SMTPSCOPE_FINDINGS_FINDING_H
#define SMTPSCOPE_FINDINGS_FINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/verdict.h"
#include "util/addr.h"

enum finding_kind {
	FK_LOCAL_BLOCK,		/* failures answered by the sender or its first hop */
	FK_MIDDLEBOX,		/* failures answered by a router further on */
	FK_FORGED_RESET,	/* RSTs in the server's name from another distance */
	FK_SOURCE_BLOCK,	/* some sources failing while others are accepted */
	FK_RATE_LIMIT,		/* a source accepted, then failing */
	FK_ALL_FAILED,		/* failing from every source, none accepted */
	FK_MX_DOWN,		/* failing while another MX of the domain accepts */
	FK_NO_FAILURE,
	FK_COUNT
};

enum finding_state {
	FS_STARTED,		/* the stream: first supported */
	FS_CHANGED,		/* sources, reason or responder changed */
	FS_ENDED,		/* no longer supported (see enum finding_end) */
	FS_FINAL,		/* --scope: over the whole run, at its end */
};

enum finding_end {
	FE_NONE,		/* not ended */
	FE_ACCEPTED,		/* the sources concerned are accepted again */
	FE_QUIET,		/* a window passed with no failure it rests on */
	FE_EVICTED,		/* the destination's state was evicted (budget) */
	FE_CHANGED_KIND,	/* the same failures now support another finding */
};

/* Sources listed in a finding; the counts give them all. */
#define FINDING_MAX_LISTED 16
/* Sources a finding's text names before "and N more". */
#define FINDING_MAX_SHOWN 4

struct finding_source {
	struct addr a;
	const char *sensor;	/* the sensor that saw it; NULL: this one */
};

struct finding {
	enum finding_kind kind;
	enum finding_state state;
	enum finding_end end;
	int64_t ts;			/* of the event: stream time, microseconds */
	int64_t started;		/* the stream: when it started; FS_FINAL: INT64_MIN */

	/* The destination. */
	struct addr server;
	uint16_t port;
	const char *mx, *domain;	/* NULL: not known */
	int mx_pref;			/* -1: none */

	/* What it rests on: the failures concerned, by first-SYN time. */
	enum vclass cls;		/* of the latest of them */
	const char *reason;
	uint64_t failures;		/* failures concerned */
	uint64_t accepted;		/* accepted attempts it compares them with */
	int64_t first_fail, last_fail;	/* INT64_MIN: none */
	int64_t last_ok;		/* the acceptance it compares with; INT64_MIN: none */

	/* Sources concerned (failing) and accepted meanwhile: counts, and
	 * the first FINDING_MAX_LISTED of each (failed[] and ok[], last). */
	uint32_t nfailed, naccepted, nsources;	/* nsources: all seen */
	uint32_t sensors_failed, sensors_seen;

	/* Who answered the latest failure concerned. */
	struct addr responder;		/* family 0: nobody (dropped) */
	bool responder_is_server;
	int hops;			/* -1: not known */
	int synack_hops;		/* forged: of the server's SYN-ACKs; -1 */
	uint16_t synack_port;		/* forged: the port of that SYN-ACK */

	/* FK_MX_DOWN: the MX that accepted meanwhile. */
	struct addr other_server;
	const char *other_mx;
	uint64_t other_accepted;

	/* Not the recipient's doing: local, first hop, middlebox, forged. */
	bool not_recipient;
	/* Only one source address seen for the destination. */
	bool one_source;

	/* What the MTA's log says of the server (findings/logfacts.h): its
	 * failure lines, the connection attempts among them, the distinct
	 * messages, recipients and recipient domains they concern
	 * (log_at_least: more than could be told apart), a recipient
	 * domain, the MTA and its last words.  log_first INT64_MIN: the log
	 * says nothing of it (or none is read). */
	uint64_t log_attempts;
	int64_t log_first, log_last;	/* of those lines */
	uint32_t log_messages, log_recipients, log_domains;
	bool log_at_least;
	const char *log_domain, *log_text, *log_mta;	/* NULL: none */

	/* Last, as finding_init() leaves them unset: read only up to
	 * nfailed and naccepted. */
	struct finding_source failed[FINDING_MAX_LISTED];
	struct finding_source ok[FINDING_MAX_LISTED];
};

/* f emptied for a finding of kind k, in state s at ts (started: ts too,
 * but none for FS_FINAL), about server:port with its MX names: no times,
 * counts, sources or responder yet (the lists of sources not cleared);
 * not_recipient from the kind. */
void finding_init(struct finding *f, enum finding_kind k,
    enum finding_state s, int64_t ts, const struct addr *server,
    uint16_t port, const char *mx, const char *domain, int mx_pref);

/* "local_block", "source_block" ... (JSON and the man page). */
const char *finding_kind_name(enum finding_kind k);
const char *finding_state_name(enum finding_state s);
/* "accepted", "quiet" ...; NULL for FE_NONE. */
const char *finding_end_name(enum finding_end e);

static inline bool
finding_kind_not_recipient(enum finding_kind k)
{
	return k == FK_LOCAL_BLOCK || k == FK_MIDDLEBOX || k == FK_FORGED_RESET;
}

#endif

/*
 * One delivery line of an MTA's log, as a plain value: when, which MTA,
 * which server (MX host name, address, port), from which sending address
 * where the MTA logs it, for which recipient, and what happened.  Postfix
 * smtp(8) and Exim write these; maillog/parse.h makes them from lines.
 */
#ifndef SMTPSCOPE_MAILLOG_EVENT_H
#define SMTPSCOPE_MAILLOG_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/addr.h"

#define ML_HOST_MAX 255		/* a DNS name */
#define ML_RCPT_MAX 255		/* a recipient address, sanitised */
#define ML_TEXT_MAX 200		/* the MTA's own words, sanitised, cut */
#define ML_PROG_MAX 63		/* "postfix/smtp", "postfix-out/smtp", "exim" */

enum ml_mta { ML_POSTFIX, ML_EXIM };

/* What the connection did, as the MTA tells it. */
enum ml_outcome {
	ML_DELIVERED,		/* connected and the server took the message */
	ML_REFUSED,		/* ECONNREFUSED "Connection refused" */
	ML_TIMEDOUT,		/* ETIMEDOUT "Connection timed out" (connect) */
	ML_NOROUTE,		/* EHOSTUNREACH "No route to host" */
	ML_NETUNREACH,		/* ENETUNREACH "Network is unreachable" */
	ML_GREET4XX,		/* a 4xx greeting ("refused to talk to me: 421") */
	ML_GREET5XX,		/* a 5xx greeting */
	ML_LOSTGREET,		/* connected, closed or timed out before a greeting */
	ML_TLS,			/* connected, TLS failed */
	ML_REJECTED,		/* connected, a command after the greeting failed */
	ML_OTHER,		/* another failure (lost connection later, EACCES ...) */
	ML_NOUTCOMES
};

/* What became of the recipient, where the line says (a status line). */
enum ml_status { ML_ST_NONE, ML_ST_SENT, ML_ST_DEFERRED, ML_ST_BOUNCED };

struct ml_event {
	int64_t ts_us;			/* UTC microseconds since the epoch */
	enum ml_mta mta;
	enum ml_outcome outcome;
	enum ml_status status;
	/* The line names a connection attempt (a server address): a status
	 * line that only repeats an attempt the same process logged just
	 * before is not one (maillog/parse.c). */
	bool attempt;
	int pid;			/* -1: none */
	char prog[ML_PROG_MAX + 1];	/* the syslog tag: "postfix/smtp" */
	char host[ML_HOST_MAX + 1];	/* MX host name; "": none */
	struct addr server;		/* family 0: none */
	uint16_t port;			/* 0: not logged */
	struct addr source;		/* the sending address; family 0: not logged */
	char rcpt[ML_RCPT_MAX + 1];	/* "": none */
	char domain[ML_HOST_MAX + 1];	/* rcpt after its last '@'; "": none */
	char queue_id[32];		/* Postfix queue ID, Exim message ID; "": none */
	char text[ML_TEXT_MAX + 1];	/* the MTA's words, printable ASCII */
};

const char *ml_outcome_name(enum ml_outcome o);
const char *ml_status_name(enum ml_status s);
/* A failure: anything but ML_DELIVERED. */
static inline bool
ml_failed(const struct ml_event *e)
{
	return e->outcome != ML_DELIVERED;
}

#endif

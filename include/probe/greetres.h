/*
 * What probe --greet found on one (source, server, port): plain data, made
 * by the greeter (probe/greet.h) and written by the outputs
 * (report/greet.h).
 */
#ifndef SMTPSCOPE_GREETRES_H
#define SMTPSCOPE_GREETRES_H

#include <stdint.h>

#include "util/addr.h"
#include "util/smtpreply.h"

/* How the conversation ended: each a distinct outcome. */
enum greet_outcome {
	GREET_REFUSED,		/* connect(): ECONNREFUSED (a RST or port-unreachable) */
	GREET_CONNECT_TIMEOUT,	/* connect() not done within the step timeout */
	GREET_CONNECT_ERROR,	/* connect() failed otherwise (errno says how) */
	GREET_CLOSED,		/* connected; closed before a byte of greeting */
	GREET_NO_GREETING,	/* connected; nothing within the step timeout */
	GREET_BAD_REPLY,	/* a malformed, overlong or unfinished greeting */
	GREET_GREETING,		/* a greeting (and EHLO answered 250, or not sent) */
	GREET_EHLO_REJECTED,	/* a 220 greeting, then EHLO not answered 250 */
};

static inline const char *
greet_outcome_name(enum greet_outcome o)
{
	static const char *const names[] = { "refused", "connect-timeout",
	    "connect-error", "closed", "no-greeting", "bad-reply", "greeting",
	    "ehlo-rejected" };

	return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

struct greet_result {
	uint32_t seq;			/* its place in the run's order of set-up */
	int64_t ts_us;			/* wall clock when connect() was called */
	struct addr source;		/* the address bound, or the kernel's choice */
	struct addr server;
	uint16_t port;
	const char *mx;			/* the name resolved; NULL for an address */
	int mx_pref;			/* -1: not from an MX record */
	int64_t connect_us;		/* connect() to connected; -1: never */
	enum greet_outcome outcome;
	int err;			/* errno of a failed connect(), else 0 */
	const char *why;		/* bad-reply / ehlo-rejected detail, or NULL */
	int has_greeting;
	struct smtp_reply greeting;
	int has_ehlo;			/* EHLO was sent and answered */
	struct smtp_reply ehlo;
	int starttls;			/* 1 offered, 0 not, -1 no EHLO reply */
	enum smtp_hint hint;		/* from the greeting, else a 4xx/5xx EHLO reply */
};

#endif

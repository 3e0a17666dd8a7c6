/*
 * The scope of an MTA log by itself: per recipient domain and per MX
 * host, what happened, since when, the last success, the sending
 * addresses.  Per domain the outcomes are the recipients' (status lines:
 * sent, deferred, bounced, with the connection outcome the line gives);
 * per MX host they are the connection attempts (maillog/event.h's
 * attempt), and its recipient lines count as sent, deferred, bounced.  Bounded: past ML_SCOPE_MAX keys of a kind, events are
 * counted in overflow, not kept.
 */
#ifndef SMTPSCOPE_MAILLOG_SCOPE_H
#define SMTPSCOPE_MAILLOG_SCOPE_H

#include <stdint.h>

#include "maillog/event.h"
#include "util/hindex.h"

#define ML_SCOPE_MAX 4096
#define ML_SOURCES_MAX 4	/* sending addresses kept per key */

struct ml_row {
	char key[ML_HOST_MAX + ADDR_STRLEN + 12];	/* domain, or host[addr]:port */
	char host[ML_HOST_MAX + 1];	/* MX rows */
	struct addr server;
	uint16_t port;
	uint64_t outcome[ML_NOUTCOMES];
	uint64_t events;		/* per domain: recipient lines; per host:
					 * attempts (recipient lines add only to
					 * sent, deferred, bounced and the times) */
	uint64_t sent, deferred, bounced;
	int64_t first_failure, last_failure, last_success;	/* INT64_MIN: none */
	struct addr source[ML_SOURCES_MAX];
	int nsource;
	char last_text[ML_TEXT_MAX + 1];	/* the last failure's words */
};

struct ml_table {
	struct ml_row *row;
	uint32_t n, cap;
	struct hindex idx;
	uint64_t overflow;
};

struct ml_scope {
	struct ml_table domains, hosts;
	uint64_t attempts, recipients;
	int64_t first_ts, last_ts;	/* INT64_MIN: none */
};

void ml_scope_init(struct ml_scope *s);
void ml_scope_free(struct ml_scope *s);
/* Counts one event.  -1 when out of memory. */
int ml_scope_add(struct ml_scope *s, const struct ml_event *e);
/* The rows of t, most failures first, then by key: an array of n
 * pointers the caller frees, or NULL (n 0, or out of memory). */
const struct ml_row **ml_scope_sorted(const struct ml_table *t);

#endif

/*
 * MTA log lines in, delivery events out.  Bytes are fed in any pieces
 * (a file read, a followed log growing); lines are cut at '\n', each
 * framed (RFC 3164 syslog, RFC 5424 / ISO 8601 syslog, journalctl -o
 * json, Exim's own main log), then read as Postfix smtp(8) or Exim.
 * Everything else is counted, never fatal: other daemons' lines, MTA
 * lines that are not about a delivery, over-long lines, NUL bytes,
 * invalid UTF-8, truncated JSON, time going back.
 */
#ifndef SMTPSCOPE_MAILLOG_PARSE_H
#define SMTPSCOPE_MAILLOG_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "maillog/event.h"

#define ML_LINE_MAX 8192	/* longer lines are counted and skipped */
#define ML_LAST_PIDS 64		/* processes whose last attempt is kept */

/* Times without a zone or year (RFC 3164, Exim's log without
 * log_timezone). */
struct ml_clock {
	int utc_offset_set;		/* 1: fixed offset; 0: the local zone (TZ) */
	int utc_offset_s;		/* seconds east of UTC */
	int year;			/* --log-year; 0: guess from now_s */
	int64_t now_s;			/* a 3164 time more than a day after this
					 * is last year's */
};

struct ml_counts {
	uint64_t lines;			/* complete lines seen */
	uint64_t events;		/* delivery events handed on */
	uint64_t framed;		/* lines in a known format */
	uint64_t unframed;		/* lines in none */
	uint64_t other_daemon;		/* not Postfix smtp, not Exim */
	uint64_t not_delivery;		/* Postfix smtp / Exim, not a delivery */
	uint64_t too_long;		/* over ML_LINE_MAX, skipped */
	uint64_t nul;			/* with a NUL byte, skipped */
	uint64_t bad_utf8;		/* invalid UTF-8, bytes replaced by '?' */
	uint64_t bad_json;		/* a '{' line that is no journal record */
	uint64_t bad_time;		/* a time that is no date */
	uint64_t time_back;		/* earlier than the line before by > 1 s */
};

typedef void (*ml_event_fn)(void *ctx, const struct ml_event *e);

struct ml_parser {
	struct ml_clock clock;
	struct ml_counts n;
	ml_event_fn fn;
	void *ctx;
	int64_t last_ts;		/* INT64_MIN: none yet */
	int last_mon, year_bump;	/* December -> January in one file */
	/* Each process's last attempt (server, port, outcome, message): a
	 * status line repeating it is no second attempt.  Per process, as
	 * several smtp(8) processes interleave their lines. */
	struct ml_last {
		int pid;		/* -2: free */
		struct addr server;
		uint16_t port;
		enum ml_outcome outcome;
		char qid[32];
	} last[ML_LAST_PIDS];
	unsigned last_next;		/* the slot to reuse next */
	size_t len;			/* bytes of the line being cut */
	int skipping;			/* inside an over-long line */
	char line[ML_LINE_MAX + 1];
};

void ml_parser_init(struct ml_parser *p, const struct ml_clock *clock,
    ml_event_fn fn, void *ctx);
/* Feeds bytes; complete lines are parsed as they end. */
void ml_feed(struct ml_parser *p, const char *buf, size_t n);
/* End of input: a last line without '\n' is parsed. */
void ml_finish(struct ml_parser *p);
/* One line (no '\n'); what ml_feed calls.  Counted in p->n. */
void ml_parse_line(struct ml_parser *p, char *line, size_t len);

#endif

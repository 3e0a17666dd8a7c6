/* What the maillog files share: a framed line, and the readers of its
 * pieces. */
#ifndef SMTPSCOPE_MAILLOG_INTERNAL_H
#define SMTPSCOPE_MAILLOG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "maillog/event.h"
#include "maillog/parse.h"

/* A line taken apart: its time, its tag ("postfix/smtp"), pid, message. */
struct ml_frame {
	int64_t ts_us;			/* INT64_MIN: a time that is no date */
	/* RFC 3164: no year, no zone; ts_us is left to parse.c */
	int mon, day, hour, min, sec, usec;	/* mon 0: not RFC 3164 */
	char prog[ML_PROG_MAX + 1];	/* "": none (Exim's own log) */
	int pid;			/* -1: none */
	char *msg;			/* NUL-terminated, in the line or in buf */
	char buf[ML_LINE_MAX + 1];	/* a journal record's MESSAGE */
};

enum frame_result { FRAME_OK, FRAME_NONE, FRAME_BAD_JSON, FRAME_BAD_TIME };

/* Tries each format in turn (journal JSON, Exim's log, RFC 5424, ISO
 * 8601 syslog, RFC 3164); line is modified. */
enum frame_result ml_frame_line(struct ml_parser *p, char *line, size_t len,
    struct ml_frame *f);

/* Civil time to UTC microseconds: zone_s east of UTC when zone_known,
 * else through the clock (a fixed offset, or the local zone).
 * INT64_MIN when the fields are no time. */
int64_t ml_civil_us(const struct ml_clock *c, int y, int mon, int d, int h,
    int mi, int s, int us, int zone_known, int zone_s);

/* Reads "HOST[ADDR]" (then ":PORT" when port is not NULL and one
 * follows); returns the first byte after it, or NULL when s is not of
 * that shape. */
const char *ml_host_addr(const char *s, struct ml_event *e, int want_port);
/* "Connection refused" and the other connect(2) errors. */
enum ml_outcome ml_errno_outcome(const char *text);
/* Copies the printable ASCII of s (at most n bytes; others as '?'), cut
 * to cap - 1 characters. */
void ml_copy_text(char *dst, size_t cap, const char *s, size_t n);
/* "user@domain" -> rcpt and domain. */
void ml_set_rcpt(struct ml_event *e, const char *s, size_t n);
/* Does s start with prefix?  The byte after it, or NULL. */
const char *ml_skip(const char *s, const char *prefix);

/* The message of one line: 1 and *e filled when it is a delivery line
 * of the MTA, 0 when it is the MTA's but no delivery, -1 when the line
 * is another program's. */
int ml_postfix(const struct ml_frame *f, struct ml_event *e);
int ml_exim(const struct ml_frame *f, struct ml_event *e);

#endif

/*
 * SMTP replies (RFC 5321 4.2) read at the edge: bytes from a server in,
 * one struct out (the code, the enhanced status code of RFC 3463 when the
 * first line has one, the text of each line, sanitised).  Bounded: a line
 * longer than SMTP_LINE_MAX or a reply of more than SMTP_LINES_MAX lines is
 * malformed, and what is kept of a line is at most SMTP_TEXT_MAX
 * characters.  Fed in pieces as they arrive; no I/O, no malloc.
 */
#ifndef SMTPSCOPE_SMTPREPLY_H
#define SMTPSCOPE_SMTPREPLY_H

#include <stddef.h>
#include <stdint.h>

#define SMTP_LINE_MAX	1000	/* a reply line, CRLF included (RFC 5321 4.5.3.1.6) */
#define SMTP_LINES_MAX	32	/* lines of one reply */
#define SMTP_TEXT_MAX	200	/* characters kept of one line's text */
#define SMTP_ENH_MAX	12	/* "5.7.1", at most "5.999.999" */

struct smtp_reply {
	int code;			/* 200 to 599 */
	char enhanced[SMTP_ENH_MAX];	/* "5.7.1", or "" when absent */
	int nlines;
	/* The text after "CODE-" / "CODE " (and after the enhanced code
	 * when a line starts with it); printable ASCII, others as \xHH and
	 * '\' as \\. */
	char lines[SMTP_LINES_MAX][SMTP_TEXT_MAX + 1];
	int cut;			/* a line's text was longer than kept */
};

enum smtp_status {
	SMTP_MORE,		/* the reply is not complete yet */
	SMTP_DONE,		/* a whole reply is in the struct */
	SMTP_BAD,		/* malformed: see smtp_parser.why */
};

struct smtp_parser {
	struct smtp_reply r;
	uint8_t line[SMTP_LINE_MAX];	/* the current line, up to its LF */
	size_t linelen;
	enum smtp_status status;
	const char *why;		/* SMTP_BAD: what was wrong */
};

void smtp_parser_init(struct smtp_parser *p);
/* Feeds len bytes; *used says how many were taken (up to the end of the
 * reply when it is complete, so a following reply's bytes are left).
 * After SMTP_DONE or SMTP_BAD, further calls take nothing and return the
 * same status until smtp_parser_init(). */
enum smtp_status smtp_feed(struct smtp_parser *p, const uint8_t *buf,
    size_t len, size_t *used);

/* Does any line of r hold word (ASCII, case-insensitive)?  A leading '<'
 * asks for the start of a word there, a trailing '>' for its end. */
int smtp_reply_has(const struct smtp_reply *r, const char *word);

/* What a reply says about the client, from its code and text. */
enum smtp_hint {
	SMTP_HINT_NONE,
	SMTP_HINT_BLOCKLIST,	/* 4xx/5xx naming a DNS blocklist */
	SMTP_HINT_RATE_LIMIT,	/* 421/450 naming too many connections or a rate */
};
enum smtp_hint smtp_reply_hint(const struct smtp_reply *r);
const char *smtp_hint_name(enum smtp_hint h);

/* A name EHLO may give (RFC 5321 4.1.2): a domain of letters, digits and
 * hyphens (labels of 1 to 63, at most 253 in all), or an address literal
 * "[192.0.2.1]" / "[IPv6:2001:db8::1]". */
int smtp_helo_ok(const char *name);

#endif

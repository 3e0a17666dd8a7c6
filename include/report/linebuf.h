/*
 * A line built in memory and written with one fwrite (records of the JSON
 * and CSV sinks): a stdio call per piece makes `read --json` of the bench
 * file 1.9 times as slow.  The writers take the end of what is written (p)
 * and return the new end, which stays in a register rather than being
 * reloaded from the struct after each store.
 */
#ifndef SMTPSCOPE_LINEBUF_H
#define SMTPSCOPE_LINEBUF_H

#include <stdio.h>
#include <string.h>

struct line {
	FILE *out;
	char buf[4096];
};

/* Room for n more bytes after p (n <= sizeof buf): when it lacks them,
 * what the buffer holds is written out first, so a line longer than the
 * buffer (verify's long expectation lines) goes in pieces, never cut. */
static inline char *
line_room(struct line *l, char *p, size_t n)
{
	if ((size_t)(l->buf + sizeof l->buf - p) >= n)
		return p;
	fwrite(l->buf, 1, (size_t)(p - l->buf), l->out);
	return l->buf;
}

char *line_add_long(struct line *l, char *p, const char *s, size_t n);
/* s, each of its quotes written as q[qn] (CSV doubles them, text escapes
 * them). */
char *line_add_quotes(struct line *l, char *p, const char *s, const char *q,
    size_t qn);
/* s as a JSON string, quoted and escaped: control characters as \u00XX
 * (json_put_string() of report/fields.h). */
char *line_add_json(struct line *l, char *p, const char *s);

/* s[n], of any length. */
static inline char *
line_add(struct line *l, char *p, const char *s, size_t n)
{
	if ((size_t)(l->buf + sizeof l->buf - p) < n)
		return line_add_long(l, p, s, n);
	memcpy(p, s, n);
	return p + n;
}

/* What is left of the line. */
static inline void
line_end(struct line *l, char *p)
{
	fwrite(l->buf, 1, (size_t)(p - l->buf), l->out);
}

/* A literal at p, which has room: its length is a constant, so the copy
 * is a store or two. */
#define LINE_LIT(p, lit) (memcpy(p, lit, sizeof lit - 1), p + sizeof lit - 1)

#endif

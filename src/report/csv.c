/* CSV with a header line; absent values are empty fields. */
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "report/linebuf.h"
#include "report/sink.h"
#include "util/digits.h"
#include "util/timefmt.h"

struct csv_sink {
	struct sink base;
	int header_done;
};

/* A string, quoted (quotes doubled) when it holds a comma or a quote;
 * room left for the comma after it. */
static char *
csv_string(struct line *l, char *p, const char *s)
{
	if (strpbrk(s, ",\"") == NULL)
		return line_room(l, line_add(l, p, s, strlen(s)), 1);
	p = line_room(l, p, 1);
	*p++ = '"';
	p = line_add_quotes(l, p, s, "\"\"", 2);
	p = line_room(l, p, 1);
	*p++ = '"';
	return line_room(l, p, 1);
}

/* Each TYPE of report/fields.h as a CSV value; absent is empty.  The
 * bounded ones need room for FIELD_MAX bytes, their comma included. */
#define FIELD_MAX 64
#define WORD_MAX 48		/* our own strings; longer ones (none are)
				 * go the way of any string */

static inline char *
c_TIME(struct line *l, char *p, int64_t us)
{
	(void)l;
	return timefmt_put(p, us);
}

static inline char *
c_ADDR(struct line *l, char *p, const struct addr *a)
{
	(void)l;
	return addr_put(p, a);
}

static inline char *
c_ADDR_OPT(struct line *l, char *p, const struct addr *a)
{
	return a->family != 0 ? c_ADDR(l, p, a) : p;
}

static inline char *
c_NUM(struct line *l, char *p, int64_t v)
{
	(void)l;
	return put_i64(p, v);
}

static inline char *
c_OPT(struct line *l, char *p, int64_t v)
{
	(void)l;
	return v >= 0 ? put_u64(p, (uint64_t)v) : p;
}

static inline char *
c_MS(struct line *l, char *p, int64_t us)
{
	(void)l;
	return us >= 0 ? put_ms3(p, (uint64_t)us) : p;
}

static inline char *
c_WORD(struct line *l, char *p, const char *s)
{
	size_t n = strlen(s);

	if (n > WORD_MAX)
		return line_room(l, line_add(l, p, s, n), 1);
	memcpy(p, s, n);
	return p + n;
}

static inline char *
c_WORD_OPT(struct line *l, char *p, const char *s)
{
	return s != NULL ? c_WORD(l, p, s) : p;
}

static inline char *
c_BOOL_IF(struct line *l, char *p, bool c, bool v)
{
	(void)l;
	if (!c)
		return p;
	return v ? LINE_LIT(p, "true") : LINE_LIT(p, "false");
}

static inline char *
c_TEXT_IF(struct line *l, char *p, bool c, const char *s)
{
	return c ? csv_string(l, p, s) : p;
}

static inline char *
c_STR_OPT(struct line *l, char *p, const char *s)
{
	return s != NULL ? csv_string(l, p, s) : p;
}

/* value, -- every field followed by its comma; the last one becomes the
 * newline. */
#define CSV_FIELD_(name, type, ...) \
	p = c_##type(&l, line_room(&l, p, FIELD_MAX), __VA_ARGS__); \
	*p++ = ',';

/* The header names the fields of the first record (probe records have
 * more); with no record at all, those every record has. */
static void
header(struct csv_sink *c, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(c->base.out, "%s%s", i ? "," : "", field_names[i]);
	putc('\n', c->base.out);
	c->header_done = 1;
}

static void
csv_record(struct sink *s, const struct record *r)
{
	struct csv_sink *c = (struct csv_sink *)s;
	struct line l;
	char *p = l.buf;

	if (!c->header_done)
		header(c, r->origin != NULL ? NFIELDS_MAX : NFIELDS);
	l.out = s->out;
	RECORD_FIELDS(CSV_FIELD_)
	if (r->origin != NULL) {
		PROBE_FIELDS(CSV_FIELD_)
	}
	p[-1] = '\n';
	line_end(&l, p);
}

static void
csv_finish(struct sink *s, const struct stats *st, int final)
{
	struct csv_sink *c = (struct csv_sink *)s;

	(void)st;
	if (final && !c->header_done)
		header(c, NFIELDS);	/* no attempts: still a well-formed file */
	fflush(s->out);
}

static const struct sink_ops csv_ops = {
	.record = csv_record,
	.finish = csv_finish,
	.free = sink_free,
};

struct sink *
sink_csv_new(FILE *out)
{
	struct csv_sink *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->base.ops = &csv_ops;
	c->base.out = out;
	return &c->base;
}

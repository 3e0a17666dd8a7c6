/* JSON lines: one object per record, absent values as null. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "report/sink.h"

/* A line is built in memory and written with one fwrite: stdio's
 * per-character calls were most of the JSON output's cost. */
struct line {
	FILE *out;
	char buf[4096];
	size_t n;
};

/* A record longer than the buffer (verify's long expectation lines) is
 * written in pieces, never cut. */
static void __attribute__((noinline))
add_long(struct line *l, const char *s, size_t n)
{
	while (n > sizeof l->buf - l->n) {
		size_t room = sizeof l->buf - l->n;

		memcpy(l->buf + l->n, s, room);
		fwrite(l->buf, 1, sizeof l->buf, l->out);
		l->n = 0;
		s += room;
		n -= room;
	}
	memcpy(l->buf + l->n, s, n);
	l->n += n;
}

/*
 * Copies n bytes.  Most pieces of a record are a few bytes long, and gcc
 * expands a bounded memcpy() into "rep movsq", whose start-up cost was
 * most of the JSON writer's time; two overlapping loads do them instead.
 */
static inline void
copy(char *d, const char *s, size_t n)
{
	uint64_t a, b;
	uint32_t c, e;

	if (n >= 8 && n <= 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&c, s, 4);
		memcpy(&e, s + n - 4, 4);
		memcpy(d, &c, 4);
		memcpy(d + n - 4, &e, 4);
	} else if (n < 4) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	} else
		memcpy(d, s, n);
}

/* Appends; the common case stays inline, on the per-record path. */
static inline void
add(struct line *l, const char *s, size_t n)
{
	if (n > sizeof l->buf - l->n) {
		add_long(l, s, n);
		return;
	}
	copy(l->buf + l->n, s, n);
	l->n += n;
}

/* JSON string escaping; control characters as \u00XX (greetings are
 * already printable, expectation text may not be). */
static void
add_json_string(struct line *l, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	add(l, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		add(l, run, (size_t)(s - run));
		run = s + 1;
		if (c >= 0x20) {
			char e[2] = { '\\', (char)c };

			add(l, e, 2);
		} else {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			add(l, e, 6);
		}
	}
	add(l, run, (size_t)(s - run));
	add(l, "\"", 1);
}

void
json_put_string(FILE *out, const char *s)
{
	struct line l;

	l.out = out;
	l.n = 0;
	add_json_string(&l, s);
	fwrite(l.buf, 1, l.n, out);
}

/* ,"name": for field i (without the comma for the first).  Each
 * position's key is made once while its name stays the same: the record's
 * names are static, and only verify's extra fields vary. */
static void
add_key(struct line *l, int i, const char *name)
{
	static const char *names[NFIELDS_MAX];
	static char keys[NFIELDS_MAX][32];
	static uint8_t lens[NFIELDS_MAX];
	size_t n, first = i == 0;

	if (i >= NFIELDS_MAX || names[i] != name) {
		n = strlen(name);
		if (i >= NFIELDS_MAX || n + 4 > sizeof keys[i]) {
			add(l, first ? "\"" : ",\"", 2 - first);
			add(l, name, n);
			add(l, "\":", 2);
			return;
		}
		keys[i][0] = ',';
		keys[i][1] = '"';
		memcpy(keys[i] + 2, name, n);
		memcpy(keys[i] + 2 + n, "\":", 2);
		lens[i] = (uint8_t)(n + 4);
		names[i] = name;
	}
	add(l, keys[i] + first, lens[i] - first);
}

void
json_write_record(FILE *out, const struct record *r, const struct field *extra,
    int nextra)
{
	struct field f[NFIELDS_MAX];
	struct line l;
	int i, n;

	n = record_fields(r, f);
	l.out = out;
	l.n = 0;
	add(&l, "{", 1);
	for (i = 0; i < n + nextra; i++) {
		const struct field *x = i < n ? &f[i] : &extra[i - n];

		add_key(&l, i, x->name);
		if (x->kind == FK_NULL)
			add(&l, "null", 4);
		else if (x->kind == FK_STR)
			add_json_string(&l, x->text);
		else if (x->kind == FK_WORD) {
			add(&l, "\"", 1);
			add(&l, x->text, strlen(x->text));
			add(&l, "\"", 1);
		} else
			add(&l, x->text, strlen(x->text));
	}
	add(&l, "}\n", 2);
	fwrite(l.buf, 1, l.n, out);
}

static void
json_record(struct sink *s, const struct record *r)
{
	json_write_record(s->out, r, NULL, 0);
}

static void
json_finish(struct sink *s, const struct stats *st, int final)
{
	(void)st;
	(void)final;
	fflush(s->out);
}

static const struct sink_ops json_ops = { json_record, json_finish, sink_free };

struct sink *
sink_json_new(FILE *out)
{
	struct sink *s = calloc(1, sizeof *s);

	if (s != NULL) {
		s->ops = &json_ops;
		s->out = out;
	}
	return s;
}

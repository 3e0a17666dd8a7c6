/* JSON lines: one object per record, absent values as null. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "report/jsonw.h"
#include "report/linebuf.h"
#include "report/sink.h"
#include "util/digits.h"
#include "util/timefmt.h"

/* Room for every bounded field of a record (report/fields.h, and the
 * first hop's flag), FIELD_MAX bytes each, key included.  A record starts
 * with an empty buffer and each string below ends with that room left, so
 * the bounded fields need no check of their own (a check each: 1.02 times
 * the instructions of `read --json` of the flood file). */
#define FIELD_MAX 96
#define FIELDS_ROOM ((NFIELDS_MAX + 1) * FIELD_MAX)
_Static_assert(FIELDS_ROOM + 128 <= sizeof ((struct line *)0)->buf,
    "a record's head and bounded fields fit in the line buffer");

/* A JSON string (report/linebuf.h), the record's room left after it. */
static char *
add_json_string(struct line *l, char *p, const char *s)
{
	return line_room(l, line_add_json(l, p, s), FIELDS_ROOM);
}

void
json_put_string(FILE *out, const char *s)
{
	struct line l;

	l.out = out;
	line_end(&l, add_json_string(&l, l.buf, s));
}

/* Each TYPE of report/fields.h as a JSON value; absent is null. */

/* Our own strings: class and reason names, errno names.  Longer ones
 * (none are) would go through the escaper, which checks for room. */
#define WORD_MAX 48

static inline char *
word(struct line *l, char *p, const char *s)
{
	size_t n = strlen(s);

	if (n > WORD_MAX)
		return add_json_string(l, p, s);
	*p++ = '"';
	memcpy(p, s, n);
	p += n;
	*p++ = '"';
	return p;
}

static inline char *
j_TIME(struct line *l, char *p, int64_t us)
{
	(void)l;
	*p++ = '"';
	p = timefmt_put(p, us);
	*p++ = '"';
	return p;
}

static inline char *
j_ADDR(struct line *l, char *p, const struct addr *a)
{
	(void)l;
	*p++ = '"';
	p = addr_put(p, a);
	*p++ = '"';
	return p;
}

static inline char *
j_ADDR_OPT(struct line *l, char *p, const struct addr *a)
{
	return a->family != 0 ? j_ADDR(l, p, a) : LINE_LIT(p, "null");
}

static inline char *
j_NUM(struct line *l, char *p, int64_t v)
{
	(void)l;
	return put_i64(p, v);
}

static inline char *
j_OPT(struct line *l, char *p, int64_t v)
{
	(void)l;
	return v >= 0 ? put_u64(p, (uint64_t)v) : LINE_LIT(p, "null");
}

static inline char *
j_MS(struct line *l, char *p, int64_t us)
{
	(void)l;
	return us >= 0 ? put_ms3(p, (uint64_t)us) : LINE_LIT(p, "null");
}

static inline char *
j_WORD(struct line *l, char *p, const char *s)
{
	return word(l, p, s);
}

static inline char *
j_WORD_OPT(struct line *l, char *p, const char *s)
{
	return s != NULL ? word(l, p, s) : LINE_LIT(p, "null");
}

static inline char *
j_BOOL_IF(struct line *l, char *p, bool c, bool v)
{
	(void)l;
	if (!c)
		return LINE_LIT(p, "null");
	return v ? LINE_LIT(p, "true") : LINE_LIT(p, "false");
}

static inline char *
j_TEXT_IF(struct line *l, char *p, bool c, const char *s)
{
	return c ? add_json_string(l, p, s) : LINE_LIT(p, "null");
}

static inline char *
j_STR_OPT(struct line *l, char *p, const char *s)
{
	return s != NULL ? add_json_string(l, p, s) : LINE_LIT(p, "null");
}

/* ,"name":value -- the key a literal (name stringified here, as errno is
 * a macro). */
#define JSON_FIELD_(name, type, ...) \
	p = LINE_LIT(p, ",\"" #name "\":"); \
	p = j_##type(&l, p, __VA_ARGS__);

/* ,"name":v */
static char *
add_num(struct line *l, char *p, const char *name, int64_t v)
{
	p = line_room(l, p, FIELD_MAX);
	p = LINE_LIT(p, ",\"");
	p = line_add(l, p, name, strlen(name));
	p = LINE_LIT(p, "\":");
	return put_i64(p, v);
}

/* ,"name":"w" */
static char *
add_word(struct line *l, char *p, const char *name, const char *w)
{
	p = line_room(l, p, FIELD_MAX);
	p = LINE_LIT(p, ",\"");
	p = line_add(l, p, name, strlen(name));
	p = LINE_LIT(p, "\":");
	return word(l, p, w);
}

/* The fields only some records have (after the others, so that readers
 * of the fixed ones are not disturbed): TCP Fast Open, a RST before the
 * SYN-ACK taken, a correction, the NFLOG rule. */
static char *
optional_fields(struct line *l, char *p, const struct record *r)
{
	if (r->syn_data > 0) {
		p = add_num(l, p, "syn_data", r->syn_data);
		p = line_room(l, p, FIELD_MAX);
		if (r->syn_data_acked >= 0)
			p = add_num(l, p, "syn_data_acked", r->syn_data_acked);
		else
			p = LINE_LIT(p, ",\"syn_data_acked\":null");
	}
	if (r->reset_before != RESET_NONE) {
		p = add_word(l, p, "reset_before",
		    r->reset_before == RESET_INJECTED ? "injected" : "retried");
		p = add_num(l, p, "reset_ttl", r->reset_ttl);
		p = add_num(l, p, "reset_hops",
		    hops_from_ttl((uint8_t)r->reset_ttl));
	}
	if (r->correction) {
		p = line_room(l, p, FIELD_MAX);
		p = LINE_LIT(p, ",\"correction\":true");
		p = add_word(l, p, "corrects_class", vclass_name(r->corrects.cls));
		p = add_word(l, p, "corrects_reason", r->corrects.reason);
	}
	if (r->nflog != NULL) {
		p = add_num(l, p, FIELD_NFLOG_GROUP, r->nflog->group);
		p = line_room(l, p, FIELD_MAX);
		p = LINE_LIT(p, ",\"" FIELD_NFLOG_PREFIX "\":");
		p = add_json_string(l, p, r->nflog->prefix);
	}
	return p;
}

/* verify's fields, after the record's. */
static char *
extra_fields(struct line *l, char *p, const struct field *x, int n)
{
	for (; n > 0; n--, x++) {
		p = line_room(l, p, FIELD_MAX);
		p = LINE_LIT(p, ",\"");
		p = line_add(l, p, x->name, strlen(x->name));
		p = LINE_LIT(p, "\":");
		if (x->kind == FK_NULL)
			p = LINE_LIT(p, "null");
		else if (x->kind == FK_STR)
			p = add_json_string(l, p, x->text);
		else if (x->kind == FK_WORD) {
			p = LINE_LIT(p, "\"");
			p = line_add(l, p, x->text, strlen(x->text));
			p = line_room(l, p, 1);
			*p++ = '"';
		} else
			p = line_add(l, p, x->text, strlen(x->text));
	}
	return p;
}

void
json_write_record(FILE *out, const struct record *r, const char *sensor,
    const struct field *extra, int nextra)
{
	struct line l;
	char *p = l.buf;

	l.out = out;
	/* What the line is and who saw it first, so merged streams of many
	 * sensors (and of findings and summaries) can be told apart. */
	p = LINE_LIT(p, "{\"type\":\"attempt\",\"sensor\":");
	if (r->sensor != NULL)
		sensor = r->sensor;
	if (sensor != NULL)	/* a word (record_sensor_ok()) */
		p = word(&l, p, sensor);
	else
		p = LINE_LIT(p, "null");
	RECORD_FIELDS_HEAD(JSON_FIELD_)
	if (r->responder_first_hop)
		p = LINE_LIT(p, ",\"" FIELD_FIRST_HOP "\":true");
	RECORD_FIELDS_TAIL(JSON_FIELD_)
	if (r->origin != NULL) {
		PROBE_FIELDS(JSON_FIELD_)
	}
	p = extra_fields(&l, p, extra, nextra);
	p = optional_fields(&l, p, r);
	p = line_room(&l, p, 2);
	p = LINE_LIT(p, "}\n");
	line_end(&l, p);
}

struct json_sink {
	struct sink base;
	const char *sensor;
};

static void
json_record(struct sink *s, const struct record *r)
{
	json_write_record(s->out, r, ((struct json_sink *)s)->sensor, NULL, 0);
}

/* A capture gap, as one line of its own type (smtpscope(8) names the
 * fields). */
static void
json_gap(struct sink *s, const struct capture_gap *g)
{
	int64_t us = g->end_us - g->start_us;

	jw_head(s->out, "gap", ((struct json_sink *)s)->sensor);
	jw_str(s->out, "interface", g->ifname);
	jw_time(s->out, "start", g->start_us);
	jw_time(s->out, "end", g->end_us);
	jw_key(s->out, "seconds");
	fprintf(s->out, "%" PRId64 ".%03" PRId64, us / 1000000,
	    us % 1000000 / 1000);
	jw_str(s->out, "reason", g->reason);
	jw_key(s->out, "resumed");
	fputs(g->resumed ? "true}\n" : "false}\n", s->out);
}

static const struct sink_ops json_ops = {
	.record = json_record,
	.finish = sink_flush,
	.free = sink_free,
	.gap = json_gap,
};

struct sink *
sink_json_new(FILE *out, const char *sensor)
{
	struct json_sink *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	j->base.ops = &json_ops;
	j->base.out = out;
	j->sensor = sensor;
	return &j->base;
}

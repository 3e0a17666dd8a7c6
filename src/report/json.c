/* JSON lines: one object per record, absent values as null. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "report/jsonw.h"
#include "report/sink.h"

/* A line is built in memory and written with one fwrite: a stdio call per
 * piece makes `read --json` of the bench file 1.9 times as slow. */
struct line {
	FILE *out;
	char buf[4096];
	size_t n;
};

/* A record longer than the buffer (verify's long expectation lines) is
 * written in pieces, never cut. */
static void
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

/* Appends.  Inline, so that the many pieces of constant length become a
 * store or two rather than a call to memcpy(): `read --json` of the bench
 * file takes 20% longer when it is a call. */
static inline void
add(struct line *l, const char *s, size_t n)
{
	if (n > sizeof l->buf - l->n) {
		add_long(l, s, n);
		return;
	}
	memcpy(l->buf + l->n, s, n);
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

/* ,"name": */
static void
add_key(struct line *l, const char *name)
{
	add(l, ",\"", 2);
	add(l, name, strlen(name));
	add(l, "\":", 2);
}

static void
add_word(struct line *l, const char *name, const char *w)
{
	add_key(l, name);
	add(l, "\"", 1);
	add(l, w, strlen(w));
	add(l, "\"", 1);
}

static void
add_num(struct line *l, const char *name, long long v)
{
	char b[24];
	int n = snprintf(b, sizeof b, "%lld", v);

	add_key(l, name);
	add(l, b, (size_t)n);
}

/* The fields only some records have (after the others, so that readers
 * of the fixed ones are not disturbed): TCP Fast Open, a RST before the
 * SYN-ACK taken, a correction. */
static void
optional_fields(struct line *l, const struct record *r)
{
	if (r->syn_data > 0) {
		add_num(l, "syn_data", r->syn_data);
		if (r->syn_data_acked >= 0)
			add_num(l, "syn_data_acked", r->syn_data_acked);
		else {
			add_key(l, "syn_data_acked");
			add(l, "null", 4);
		}
	}
	if (r->reset_before != RESET_NONE) {
		add_word(l, "reset_before", r->reset_before == RESET_INJECTED ?
		    "injected" : "retried");
		add_num(l, "reset_ttl", r->reset_ttl);
		add_num(l, "reset_hops", hops_from_ttl((uint8_t)r->reset_ttl));
	}
	if (r->correction) {
		add_key(l, "correction");
		add(l, "true", 4);
		add_word(l, "corrects_class", vclass_name(r->corrects.cls));
		add_word(l, "corrects_reason", r->corrects.reason);
	}
}

void
json_write_record(FILE *out, const struct record *r, const char *sensor,
    const struct field *extra, int nextra)
{
	struct field f[NFIELDS_MAX];
	struct line l;
	int i, n;

	n = record_fields(r, f);
	l.out = out;
	l.n = 0;
	/* What the line is and who saw it first, so merged streams of many
	 * sensors (and of findings and summaries) can be told apart. */
	add(&l, "{\"type\":\"attempt\",\"sensor\":", 27);
	if (r->sensor != NULL)
		sensor = r->sensor;
	if (sensor != NULL)
		add_json_string(&l, sensor);
	else
		add(&l, "null", 4);
	for (i = 0; i < n + nextra; i++) {
		const struct field *x = i < n ? &f[i] : &extra[i - n];

		add_key(&l, x->name);
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
		if (i == FIELD_RESPONDER_IS_SERVER && r->responder_first_hop) {
			add_key(&l, FIELD_FIRST_HOP);
			add(&l, "true", 4);
		}
	}
	optional_fields(&l, r);
	if (r->nflog != NULL) {
		char g[8];

		add_key(&l, FIELD_NFLOG_GROUP);
		add(&l, g, (size_t)snprintf(g, sizeof g, "%u", r->nflog->group));
		add_key(&l, FIELD_NFLOG_PREFIX);
		add_json_string(&l, r->nflog->prefix);
	}
	add(&l, "}\n", 2);
	fwrite(l.buf, 1, l.n, out);
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

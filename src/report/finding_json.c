/*
 * A finding as one JSON object (report/finding.h); absent values null.
 * The object is built in a line buffer and written with one fwrite, not
 * a stdio call per field: --scope --json writes one per destination.
 */
#include <string.h>

#include "report/fields.h"
#include "report/finding.h"
#include "report/linebuf.h"
#include "util/digits.h"
#include "util/timefmt.h"

/* The line and the end of what is written in it. */
struct jl {
	struct line l;
	char *p;
};

static void
add(struct jl *j, const char *s, size_t n)
{
	j->p = line_add(&j->l, j->p, s, n);
}

static void
adds(struct jl *j, const char *s)
{
	add(j, s, strlen(s));
}

#define ADDL(j, lit) add(j, lit, sizeof lit - 1)

/* ,"name": as a literal and its length, for the writers below: each
 * key's a constant copy, not a strlen and three appends (--scope --json
 * of a capture with one destination per attempt: 8% of the run). */
#define K(name) ",\"" name "\":", sizeof ",\"" name "\":" - 1

static void
str(struct jl *j, const char *k, size_t kn, const char *s)
{
	add(j, k, kn);
	if (s == NULL)
		ADDL(j, "null");
	else
		j->p = line_add_json(&j->l, j->p, s);
}

static void
num(struct jl *j, int64_t v)
{
	char t[DIGITS_MAX + 1];

	add(j, t, (size_t)(put_i64(t, v) - t));
}

static void
unum(struct jl *j, uint64_t v)
{
	char t[DIGITS_MAX];

	add(j, t, (size_t)(put_u64(t, v) - t));
}

static void
int_or_null(struct jl *j, const char *k, size_t kn, int64_t v, bool present)
{
	add(j, k, kn);
	if (present)
		num(j, v);
	else
		ADDL(j, "null");
}

static void
bool_of(struct jl *j, const char *k, size_t kn, bool v)
{
	add(j, k, kn);
	if (v)
		ADDL(j, "true");
	else
		ADDL(j, "false");
}

static void
address(struct jl *j, const char *k, size_t kn, const struct addr *a)
{
	char s[ADDR_STRLEN + 2], *e;

	add(j, k, kn);
	if (a->family == 0) {
		ADDL(j, "null");
		return;
	}
	s[0] = '"';
	e = addr_put(s + 1, a);
	*e++ = '"';
	add(j, s, (size_t)(e - s));
}

static void
time_of(struct jl *j, const char *k, size_t kn, int64_t us)
{
	char t[TIMEFMT_MAX + 2], *e;

	add(j, k, kn);
	if (us == INT64_MIN) {
		ADDL(j, "null");
		return;
	}
	t[0] = '"';
	e = timefmt_put(t + 1, us);
	*e++ = '"';
	add(j, t, (size_t)(e - t));
}

static void
sources(struct jl *j, const char *k, size_t kn, const struct finding_source *v,
    uint32_t n, const char *sensor)
{
	uint32_t i;

	add(j, k, kn);
	ADDL(j, "[");
	for (i = 0; i < n && i < FINDING_MAX_LISTED; i++) {
		if (i > 0)
			ADDL(j, ",");
		ADDL(j, "{\"address\":\"");
		j->p = line_room(&j->l, j->p, ADDR_STRLEN);
		j->p = addr_put(j->p, &v[i].a);
		ADDL(j, "\"");
		str(j, K("sensor"), v[i].sensor != NULL ? v[i].sensor : sensor);
		ADDL(j, "}");
	}
	ADDL(j, "]");
}

static void
head(struct jl *j, const struct finding *f, const char *sensor)
{
	ADDL(j, "{\"type\":\"finding\"");
	str(j, K("sensor"), sensor);
	ADDL(j, ",\"state\":\"");
	adds(j, finding_state_name(f->state));
	ADDL(j, "\",\"kind\":\"");
	adds(j, finding_kind_name(f->kind));
	/* started/ended pairs share it: kind, destination, start. */
	ADDL(j, "\",\"id\":\"");
	adds(j, finding_kind_name(f->kind));
	ADDL(j, "/");
	j->p = line_room(&j->l, j->p, ENDPOINT_STRLEN);
	j->p = endpoint_put(j->p, &f->server, f->port);
	ADDL(j, "/");
	j->p = line_room(&j->l, j->p, TIMEFMT_MAX);
	j->p = timefmt_put(j->p, f->started != INT64_MIN ? f->started : f->ts);
	ADDL(j, "\"");
	time_of(j, K("ts"), f->ts);
	time_of(j, K("started"), f->started);
	str(j, K("end"), finding_end_name(f->end));
	address(j, K("server"), &f->server);
	ADDL(j, ",\"server_port\":");
	unum(j, f->port);
	str(j, K("mx"), f->mx);
	str(j, K("domain"), f->domain);
	int_or_null(j, K("mx_pref"), f->mx_pref, f->mx_pref != -1);
}

static void
counts(struct jl *j, const struct finding *f, const char *sensor)
{
	str(j, K("class"), f->reason != NULL ? vclass_name(f->cls) : NULL);
	str(j, K("reason"), f->reason);
	ADDL(j, ",\"failures\":");
	unum(j, f->failures);
	ADDL(j, ",\"accepted\":");
	unum(j, f->accepted);
	time_of(j, K("first_failure"), f->first_fail);
	time_of(j, K("last_failure"), f->last_fail);
	time_of(j, K("last_accepted"), f->last_ok);
	sources(j, K("sources_failed"), f->failed, f->nfailed, sensor);
	sources(j, K("sources_accepted"), f->ok, f->naccepted, sensor);
	ADDL(j, ",\"nsources_failed\":");
	unum(j, f->nfailed);
	ADDL(j, ",\"nsources_accepted\":");
	unum(j, f->naccepted);
	ADDL(j, ",\"nsources\":");
	unum(j, f->nsources);
	ADDL(j, ",\"sensors_failed\":");
	unum(j, f->sensors_failed);
	ADDL(j, ",\"sensors_seen\":");
	unum(j, f->sensors_seen);
}

/* What the MTA's log adds (findings/logfacts.h); all null when it says
 * nothing of the server. */
static void
log_fields(struct jl *j, const struct finding *f)
{
	bool known = f->log_first != INT64_MIN;

	str(j, K("log_mta"), known ? f->log_mta : NULL);
	int_or_null(j, K("log_attempts"), (int64_t)f->log_attempts, known);
	int_or_null(j, K("log_messages"), f->log_messages, known);
	int_or_null(j, K("log_recipients"), f->log_recipients, known);
	int_or_null(j, K("log_domains"), f->log_domains, known);
	if (known)
		bool_of(j, K("log_at_least"), f->log_at_least);
	else
		ADDL(j, ",\"log_at_least\":null");
	str(j, K("log_domain"), known ? f->log_domain : NULL);
	time_of(j, K("log_first"), known ? f->log_first : INT64_MIN);
	time_of(j, K("log_last"), known ? f->log_last : INT64_MIN);
	str(j, K("log_text"), known ? f->log_text : NULL);
}

void
finding_write_json(FILE *out, const struct finding *f, const char *sensor)
{
	struct jl j;
	char text[1024];

	j.l.out = out;
	j.p = j.l.buf;
	head(&j, f, sensor);
	counts(&j, f, sensor);
	address(&j, K("responder"), &f->responder);
	bool_of(&j, K("responder_is_server"), f->responder.family != 0 &&
	    f->responder_is_server);
	int_or_null(&j, K("hops"), f->hops, f->hops != -1);
	int_or_null(&j, K("synack_hops"), f->synack_hops, f->synack_hops != -1);
	int_or_null(&j, K("synack_port"), f->synack_port, f->synack_hops >= 0);
	address(&j, K("other_server"), &f->other_server);
	str(&j, K("other_mx"), f->other_mx);
	int_or_null(&j, K("other_accepted"), (int64_t)f->other_accepted,
	    f->kind == FK_MX_DOWN);
	bool_of(&j, K("not_recipient"), f->not_recipient);
	bool_of(&j, K("one_source"), f->one_source);
	log_fields(&j, f);
	finding_sentence(f, sensor, text, sizeof text);
	str(&j, K("text"), text);
	ADDL(&j, "}\n");
	line_end(&j.l, j.p);
}

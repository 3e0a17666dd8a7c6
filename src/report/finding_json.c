/* A finding as one JSON object (report/finding.h); absent values null. */
#include <inttypes.h>
#include <stdio.h>

#include "report/fields.h"
#include "report/finding.h"
#include "util/timefmt.h"

static void
key(FILE *out, const char *name)
{
	fprintf(out, ",\"%s\":", name);
}

static void
str_or_null(FILE *out, const char *name, const char *s)
{
	key(out, name);
	if (s == NULL)
		fputs("null", out);
	else
		json_put_string(out, s);
}

static void
time_or_null(FILE *out, const char *name, int64_t us)
{
	char t[40];

	key(out, name);
	if (us == INT64_MIN) {
		fputs("null", out);
		return;
	}
	fmt_time(t, sizeof t, us);
	fprintf(out, "\"%s\"", t);
}

static void
addr_or_null(FILE *out, const char *name, const struct addr *a)
{
	char s[ADDR_STRLEN];

	str_or_null(out, name, a->family != 0 ? addr_str(a, s) : NULL);
}

static void
int_or_null(FILE *out, const char *name, int64_t v, int64_t none)
{
	key(out, name);
	if (v == none)
		fputs("null", out);
	else
		fprintf(out, "%" PRId64, v);
}

static void
sources(FILE *out, const char *name, const struct finding_source *v,
    uint32_t n, const char *sensor)
{
	char s[ADDR_STRLEN];
	uint32_t i;

	key(out, name);
	fputc('[', out);
	for (i = 0; i < n && i < FINDING_MAX_LISTED; i++) {
		fprintf(out, "%s{\"address\":\"%s\"", i ? "," : "",
		    addr_str(&v[i].a, s));
		str_or_null(out, "sensor", v[i].sensor != NULL ? v[i].sensor :
		    sensor);
		fputc('}', out);
	}
	fputc(']', out);
}

static void
head(FILE *out, const struct finding *f, const char *sensor)
{
	char t[40], ep[ENDPOINT_STRLEN];

	fputs("{\"type\":\"finding\"", out);
	str_or_null(out, "sensor", sensor);
	fprintf(out, ",\"state\":\"%s\",\"kind\":\"%s\"",
	    finding_state_name(f->state), finding_kind_name(f->kind));
	/* started/ended pairs share it: kind, destination, start. */
	fmt_time(t, sizeof t, f->started != INT64_MIN ? f->started : f->ts);
	fprintf(out, ",\"id\":\"%s/%s/%s\"", finding_kind_name(f->kind),
	    endpoint_str(&f->server, f->port, ep), t);
	time_or_null(out, "ts", f->ts);
	time_or_null(out, "started", f->started);
	str_or_null(out, "end", finding_end_name(f->end));
	addr_or_null(out, "server", &f->server);
	fprintf(out, ",\"server_port\":%u", f->port);
	str_or_null(out, "mx", f->mx);
	str_or_null(out, "domain", f->domain);
	int_or_null(out, "mx_pref", f->mx_pref, -1);
}

static void
counts(FILE *out, const struct finding *f, const char *sensor)
{
	str_or_null(out, "class", f->reason != NULL ? vclass_name(f->cls) : NULL);
	str_or_null(out, "reason", f->reason);
	fprintf(out, ",\"failures\":%" PRIu64 ",\"accepted\":%" PRIu64,
	    f->failures, f->accepted);
	time_or_null(out, "first_failure", f->first_fail);
	time_or_null(out, "last_failure", f->last_fail);
	time_or_null(out, "last_accepted", f->last_ok);
	sources(out, "sources_failed", f->failed, f->nfailed, sensor);
	sources(out, "sources_accepted", f->ok, f->naccepted, sensor);
	fprintf(out, ",\"nsources_failed\":%u,\"nsources_accepted\":%u"
	    ",\"nsources\":%u", f->nfailed, f->naccepted, f->nsources);
	fprintf(out, ",\"sensors_failed\":%u,\"sensors_seen\":%u",
	    f->sensors_failed, f->sensors_seen);
}

void
finding_write_json(FILE *out, const struct finding *f, const char *sensor)
{
	char text[1024];

	head(out, f, sensor);
	counts(out, f, sensor);
	addr_or_null(out, "responder", &f->responder);
	fprintf(out, ",\"responder_is_server\":%s",
	    f->responder.family != 0 && f->responder_is_server ? "true" : "false");
	int_or_null(out, "hops", f->hops, -1);
	int_or_null(out, "synack_hops", f->synack_hops, -1);
	int_or_null(out, "synack_port", f->synack_hops >= 0 ? f->synack_port : -1,
	    -1);
	addr_or_null(out, "other_server", &f->other_server);
	str_or_null(out, "other_mx", f->other_mx);
	int_or_null(out, "other_accepted", f->kind == FK_MX_DOWN ?
	    (int64_t)f->other_accepted : -1, -1);
	fprintf(out, ",\"not_recipient\":%s,\"one_source\":%s",
	    f->not_recipient ? "true" : "false", f->one_source ? "true" : "false");
	finding_sentence(f, sensor, text, sizeof text);
	str_or_null(out, "text", text);
	fputs("}\n", out);
}

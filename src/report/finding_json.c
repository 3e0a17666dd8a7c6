/* A finding as one JSON object (report/finding.h); absent values null. */
#include <inttypes.h>
#include <stdio.h>

#include "report/fields.h"
#include "report/finding.h"
#include "report/jsonw.h"
#include "util/timefmt.h"

static void
sources(FILE *out, const char *name, const struct finding_source *v,
    uint32_t n, const char *sensor)
{
	char s[ADDR_STRLEN];
	uint32_t i;

	jw_key(out, name);
	fputc('[', out);
	for (i = 0; i < n && i < FINDING_MAX_LISTED; i++) {
		fprintf(out, "%s{\"address\":\"%s\"", i ? "," : "",
		    addr_str(&v[i].a, s));
		jw_str(out, "sensor", v[i].sensor != NULL ? v[i].sensor : sensor);
		fputc('}', out);
	}
	fputc(']', out);
}

static void
head(FILE *out, const struct finding *f, const char *sensor)
{
	char t[40], ep[ENDPOINT_STRLEN];

	jw_head(out, "finding", sensor);
	fprintf(out, ",\"state\":\"%s\",\"kind\":\"%s\"",
	    finding_state_name(f->state), finding_kind_name(f->kind));
	/* started/ended pairs share it: kind, destination, start. */
	fmt_time(t, sizeof t, f->started != INT64_MIN ? f->started : f->ts);
	fprintf(out, ",\"id\":\"%s/%s/%s\"", finding_kind_name(f->kind),
	    endpoint_str(&f->server, f->port, ep), t);
	jw_time(out, "ts", f->ts);
	jw_time(out, "started", f->started);
	jw_str(out, "end", finding_end_name(f->end));
	jw_addr(out, "server", &f->server);
	fprintf(out, ",\"server_port\":%u", f->port);
	jw_str(out, "mx", f->mx);
	jw_str(out, "domain", f->domain);
	jw_int(out, "mx_pref", f->mx_pref, f->mx_pref != -1);
}

static void
counts(FILE *out, const struct finding *f, const char *sensor)
{
	jw_str(out, "class", f->reason != NULL ? vclass_name(f->cls) : NULL);
	jw_str(out, "reason", f->reason);
	fprintf(out, ",\"failures\":%" PRIu64 ",\"accepted\":%" PRIu64,
	    f->failures, f->accepted);
	jw_time(out, "first_failure", f->first_fail);
	jw_time(out, "last_failure", f->last_fail);
	jw_time(out, "last_accepted", f->last_ok);
	sources(out, "sources_failed", f->failed, f->nfailed, sensor);
	sources(out, "sources_accepted", f->ok, f->naccepted, sensor);
	fprintf(out, ",\"nsources_failed\":%u,\"nsources_accepted\":%u"
	    ",\"nsources\":%u", f->nfailed, f->naccepted, f->nsources);
	fprintf(out, ",\"sensors_failed\":%u,\"sensors_seen\":%u",
	    f->sensors_failed, f->sensors_seen);
}

/* What the MTA's log adds (findings/logfacts.h); all null when it says
 * nothing of the server. */
static void
log_fields(FILE *out, const struct finding *f)
{
	bool known = f->log_first != INT64_MIN;

	jw_str(out, "log_mta", known ? f->log_mta : NULL);
	jw_int(out, "log_attempts", (int64_t)f->log_attempts, known);
	jw_int(out, "log_messages", f->log_messages, known);
	jw_int(out, "log_recipients", f->log_recipients, known);
	jw_int(out, "log_domains", f->log_domains, known);
	jw_key(out, "log_at_least");
	fputs(!known ? "null" : f->log_at_least ? "true" : "false", out);
	jw_str(out, "log_domain", known ? f->log_domain : NULL);
	jw_time(out, "log_first", known ? f->log_first : INT64_MIN);
	jw_time(out, "log_last", known ? f->log_last : INT64_MIN);
	jw_str(out, "log_text", known ? f->log_text : NULL);
}

void
finding_write_json(FILE *out, const struct finding *f, const char *sensor)
{
	char text[1024];

	head(out, f, sensor);
	counts(out, f, sensor);
	jw_addr(out, "responder", &f->responder);
	fprintf(out, ",\"responder_is_server\":%s",
	    f->responder.family != 0 && f->responder_is_server ? "true" : "false");
	jw_int(out, "hops", f->hops, f->hops != -1);
	jw_int(out, "synack_hops", f->synack_hops, f->synack_hops != -1);
	jw_int(out, "synack_port", f->synack_port, f->synack_hops >= 0);
	jw_addr(out, "other_server", &f->other_server);
	jw_str(out, "other_mx", f->other_mx);
	jw_int(out, "other_accepted", (int64_t)f->other_accepted,
	    f->kind == FK_MX_DOWN);
	fprintf(out, ",\"not_recipient\":%s,\"one_source\":%s",
	    f->not_recipient ? "true" : "false", f->one_source ? "true" : "false");
	log_fields(out, f);
	finding_sentence(f, sensor, text, sizeof text);
	jw_str(out, "text", text);
	fputs("}\n", out);
}

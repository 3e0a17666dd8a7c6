/* The scope of an MTA log (report/maillog.h). */
#include <inttypes.h>
#include <stdlib.h>

#include "report/fields.h"
#include "report/jsonw.h"
#include "report/maillog.h"
#include "util/timefmt.h"

static const char *
when(char *buf, size_t len, int64_t us)
{
	if (us == INT64_MIN)
		return "-";
	fmt_time(buf, len, us);
	return buf;
}

/* "refused 2, timed-out 1" (outcomes seen, in the taxonomy's order). */
static void
outcomes_text(FILE *out, const struct ml_row *r)
{
	const char *sep = "";
	int o;

	for (o = 0; o < ML_NOUTCOMES; o++)
		if (r->outcome[o] != 0) {
			fprintf(out, "%s%s %" PRIu64, sep, ml_outcome_name(o),
			    r->outcome[o]);
			sep = ", ";
		}
}

static void
sources_text(FILE *out, const struct ml_row *r)
{
	char a[ADDR_STRLEN];
	int i;

	fputs("; from ", out);
	if (r->nsource == 0)
		fputs("(not logged)", out);
	for (i = 0; i < r->nsource; i++)
		fprintf(out, "%s%s", i ? "," : "", addr_str(&r->source[i], a));
}

static void
row_text(FILE *out, const struct ml_row *r, int host)
{
	char t1[40], t2[40];

	fprintf(out, "  %s: %" PRIu64 " %s (", r->key, r->events,
	    host ? "attempts" : "recipient lines");
	outcomes_text(out, r);
	fprintf(out, "); sent %" PRIu64 ", deferred %" PRIu64 ", bounced %"
	    PRIu64 "; first failure %s; last success %s", r->sent, r->deferred,
	    r->bounced, when(t1, sizeof t1, r->first_failure),
	    when(t2, sizeof t2, r->last_success));
	sources_text(out, r);
	fputc('\n', out);
	if (r->last_text[0] != '\0' && r->last_failure != INT64_MIN)
		fprintf(out, "    last failure: %s\n", r->last_text);
}

static void
row_json(FILE *out, const struct ml_row *r, int host, const char *sensor)
{
	int o, i;

	jw_head(out, host ? "maillog_host" : "maillog_domain", sensor);
	if (host) {
		jw_str(out, "mx", r->host[0] ? r->host : NULL);
		jw_addr(out, "server", &r->server);
		jw_int(out, "server_port", r->port, r->port != 0);
	} else
		jw_str(out, "domain", r->key);
	jw_int(out, host ? "attempts" : "recipients", (int64_t)r->events, true);
	jw_key(out, "outcomes");
	fputc('{', out);
	for (o = 0; o < ML_NOUTCOMES; o++)
		fprintf(out, "%s\"%s\":%" PRIu64, o ? "," : "", ml_outcome_name(o),
		    r->outcome[o]);
	fputc('}', out);
	jw_int(out, "sent", (int64_t)r->sent, true);
	jw_int(out, "deferred", (int64_t)r->deferred, true);
	jw_int(out, "bounced", (int64_t)r->bounced, true);
	jw_time(out, "first_failure", r->first_failure);
	jw_time(out, "last_failure", r->last_failure);
	jw_time(out, "last_success", r->last_success);
	jw_key(out, "sources");
	fputc('[', out);
	for (i = 0; i < r->nsource; i++) {
		char a[ADDR_STRLEN];

		fprintf(out, "%s\"%s\"", i ? "," : "", addr_str(&r->source[i], a));
	}
	fputc(']', out);
	jw_str(out, "last_failure_text", r->last_text[0] ? r->last_text : NULL);
	fputs("}\n", out);
}

static int
table(FILE *out, const struct ml_table *t, int host, int json,
    const char *sensor)
{
	const struct ml_row **v = ml_scope_sorted(t);
	uint32_t i;

	if (v == NULL && t->n > 0)
		return -1;
	if (!json)
		fprintf(out, "%s (%" PRIu32 "%s):\n", host ? "mx hosts" :
		    "recipient domains", t->n, t->overflow ? ", more not kept" : "");
	for (i = 0; i < t->n; i++) {
		if (json)
			row_json(out, v[i], host, sensor);
		else
			row_text(out, v[i], host);
	}
	free(v);
	return 0;
}

/* name, value pairs of the parse counts, in one order for both outputs. */
#define COUNTS(X) X("lines", lines) X("events", events) \
	X("other_daemon", other_daemon) X("not_delivery", not_delivery) \
	X("unknown_format", unframed) X("too_long", too_long) X("nul", nul) \
	X("bad_utf8", bad_utf8) X("bad_json", bad_json) \
	X("bad_time", bad_time) X("time_back", time_back)

static void
summary(FILE *out, const struct ml_scope *s, const struct ml_counts *n,
    int json, const char *sensor)
{
	char t1[40], t2[40];

	if (json) {
		jw_head(out, "maillog_summary", sensor);
#define J(name, f) jw_int(out, name, (int64_t)n->f, true);
		COUNTS(J)
#undef J
		jw_int(out, "attempts", (int64_t)s->attempts, true);
		jw_int(out, "recipient_lines", (int64_t)s->recipients, true);
		jw_time(out, "first", s->first_ts);
		jw_time(out, "last", s->last_ts);
		jw_int(out, "domains_not_kept", (int64_t)s->domains.overflow, true);
		jw_int(out, "hosts_not_kept", (int64_t)s->hosts.overflow, true);
		fputs("}\n", out);
		return;
	}
	fprintf(out, "maillog: %" PRIu64 " delivery events (%" PRIu64
	    " connection attempts, %" PRIu64 " recipient lines) from %s to %s\n",
	    n->events, s->attempts, s->recipients, when(t1, sizeof t1, s->first_ts),
	    when(t2, sizeof t2, s->last_ts));
	fputs("lines:", out);
#define T(name, f) fprintf(out, " %s %" PRIu64, name, n->f);
	COUNTS(T)
#undef T
	fputc('\n', out);
}

int
report_maillog(FILE *out, const struct ml_scope *s, const struct ml_counts *n,
    int json, const char *sensor)
{
	if (table(out, &s->domains, 0, json, sensor) != 0 ||
	    table(out, &s->hosts, 1, json, sensor) != 0)
		return -1;
	summary(out, s, n, json, sensor);
	return 0;
}

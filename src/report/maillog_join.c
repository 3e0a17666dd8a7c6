/* The join of MTA log lines and records, written (report/maillog_join.h). */
#include <inttypes.h>
#include <stdlib.h>

#include "report/jsonw.h"
#include "report/maillog_join.h"
#include "util/timefmt.h"

struct join_sink {
	struct sink base;
	struct ml_join *j;
	int json;
	const char *sensor;
	bool live;			/* watch: joins written as decided */
	int64_t now;			/* the capture's clock, live */
};

static const char *
miss_name(enum ml_miss m)
{
	switch (m) {
	case ML_MISS_PORT: return "port-not-captured";
	case ML_MISS_OUTSIDE: return "outside-other-time-span";
	case ML_MISS_CAPTURE: return "capture-missed-or-filtered";
	case ML_MISS_NOT_LOGGED: return "not-logged";
	default: return NULL;
	}
}

/* Who made the answer: the server, the first hop in its name, a router. */
static const char *
made_by(const struct record *r)
{
	if (r->responder.family == 0)
		return r->v.cls == VC_DROPPED || r->v.cls == VC_UNRESOLVED ?
		    "nobody: no answer" : "the server";
	if (r->responder_first_hop)
		return "the first hop, in the server's name: not the recipient";
	if (record_responder_is_server(r))
		return "the server";
	return "a router on the path";
}

static void
line_text(FILE *out, const struct ml_event *e)
{
	char t[40], a[ADDR_STRLEN];

	fmt_time(t, sizeof t, e->ts_us);
	fprintf(out, "maillog: %s %s %s %s[%s]", t, e->mta == ML_POSTFIX ?
	    "postfix" : "exim", ml_outcome_name(e->outcome), e->host,
	    addr_str(&e->server, a));
	if (e->port != 0)
		fprintf(out, ":%u", e->port);
	fprintf(out, " \"%s\"", e->text);
}

static void
pair_text(FILE *out, const struct ml_event *e, const struct record *r,
    enum ml_miss why)
{
	char t[40], c[ENDPOINT_STRLEN], s[ENDPOINT_STRLEN], a[ADDR_STRLEN];

	if (e != NULL)
		line_text(out, e);
	if (r == NULL) {
		fprintf(out, " = no packets (%s)\n", miss_name(why));
		return;
	}
	fmt_time(t, sizeof t, r->first_syn_us);
	fprintf(out, "%s%s/%s %s -> %s, SYN %s", e != NULL ? " = " :
	    "maillog: packets without a line: ", vclass_name(r->v.cls),
	    r->v.reason, endpoint_str(&r->t.client, r->t.client_port, c),
	    endpoint_str(&r->t.server, r->t.server_port, s), t);
	if (r->responder.family != 0)
		fprintf(out, ", from %s hops %d", addr_str(&r->responder, a), r->hops);
	fprintf(out, ", made by %s", made_by(r));
	if (e != NULL)
		fprintf(out, ", %s, log %+.3f s after the verdict\n",
		    ml_join_agrees(e->outcome, r) ? "agrees" : "DIFFERS",
		    (double)(e->ts_us - r->verdict_us) / 1e6);
	else
		fprintf(out, " (%s)\n", miss_name(why));
}

/* ,"name":milliseconds, signed (jw_ms writes only what is not below 0). */
static void
signed_ms(FILE *out, const char *name, int64_t us, bool present)
{
	int64_t a = us < 0 ? -us : us;

	jw_key(out, name);
	if (present)
		fprintf(out, "%s%" PRId64 ".%03" PRId64, us < 0 ? "-" : "",
		    a / 1000, a % 1000);
	else
		fputs("null", out);
}

static void
record_json(FILE *out, const struct record *r)
{
	jw_addr(out, "client", &r->t.client);
	jw_int(out, "client_port", r->t.client_port, true);
	jw_str(out, "class", vclass_name(r->v.cls));
	jw_str(out, "reason", r->v.reason);
	jw_time(out, "first_syn", r->first_syn_us);
	jw_time(out, "verdict_ts", r->verdict_us);
	jw_addr(out, "responder", &r->responder);
	jw_key(out, "responder_first_hop");
	fputs(r->responder_first_hop ? "true" : "false", out);
	jw_int(out, "hops", r->hops, r->hops >= 0);
}

static void
pair_json(struct join_sink *js, const struct ml_event *e,
    const struct record *r, enum ml_miss why)
{
	FILE *out = js->base.out;

	jw_head(out, "maillog_join", js->sensor);
	jw_time(out, "ts", e != NULL ? e->ts_us : INT64_MIN);
	jw_str(out, "mta", e == NULL ? NULL : e->mta == ML_POSTFIX ? "postfix" : "exim");
	jw_str(out, "outcome", e != NULL ? ml_outcome_name(e->outcome) : NULL);
	jw_str(out, "mx", e != NULL && e->host[0] ? e->host : NULL);
	jw_addr(out, "server", e != NULL ? &e->server : &r->t.server);
	jw_int(out, "server_port", e != NULL ? e->port : r->t.server_port,
	    e == NULL || e->port != 0);
	jw_str(out, "text", e != NULL ? e->text : NULL);
	jw_str(out, "missing", miss_name(why));
	if (r != NULL)
		record_json(out, r);
	if (e != NULL && r != NULL) {
		jw_key(out, "agrees");
		fputs(ml_join_agrees(e->outcome, r) ? "true" : "false", out);
		signed_ms(out, "log_after_verdict_ms", e->ts_us - r->verdict_us, true);
	}
	fputs("}\n", out);
}

static void
each(void *ctx, const struct ml_event *e, const struct record *r,
    enum ml_miss why)
{
	struct join_sink *js = ctx;

	/* A delivered line joined, or a record accepted with no line: the
	 * usual case, counted, not written. */
	if ((e != NULL && r != NULL && !ml_failed(e) && ml_join_agrees(e->outcome, r)) ||
	    (e == NULL && r->v.cls == VC_ACCEPTED))
		return;
	if (js->json)
		pair_json(js, e, r, why);
	else
		pair_text(js->base.out, e, r, why);
}

static void
summary(struct join_sink *js, const struct ml_join_counts *n)
{
	FILE *out = js->base.out;

	if (js->json) {
		jw_head(out, "maillog_join_summary", js->sensor);
		jw_int(out, "lines", (int64_t)n->lines, true);
		jw_int(out, "records", (int64_t)n->records, true);
		jw_int(out, "joined", (int64_t)n->joined, true);
		jw_int(out, "agree", (int64_t)n->agree, true);
		jw_int(out, "lines_port_not_captured", (int64_t)n->lines_alone[ML_MISS_PORT], true);
		jw_int(out, "lines_outside_capture", (int64_t)n->lines_alone[ML_MISS_OUTSIDE], true);
		jw_int(out, "lines_capture_missed", (int64_t)n->lines_alone[ML_MISS_CAPTURE], true);
		jw_int(out, "records_outside_log", (int64_t)n->records_alone[ML_MISS_OUTSIDE], true);
		jw_int(out, "records_not_logged", (int64_t)n->records_alone[ML_MISS_NOT_LOGGED], true);
		signed_ms(out, "skew_ms", n->skew_us, n->skew_pairs > 0);
		jw_int(out, "skew_pairs", (int64_t)n->skew_pairs, true);
		jw_int(out, "not_kept", (int64_t)n->dropped, true);
		fputs("}\n", out);
		return;
	}
	fprintf(out, "maillog join: %" PRIu64 " attempt lines, %" PRIu64
	    " records; %" PRIu64 " joined, %" PRIu64 " agree; lines without packets: %"
	    PRIu64 " port not captured, %" PRIu64 " outside the capture, %" PRIu64
	    " missed or filtered; records without a line: %" PRIu64
	    " outside the log, %" PRIu64 " not logged", n->lines, n->records,
	    n->joined, n->agree, n->lines_alone[ML_MISS_PORT],
	    n->lines_alone[ML_MISS_OUTSIDE], n->lines_alone[ML_MISS_CAPTURE],
	    n->records_alone[ML_MISS_OUTSIDE], n->records_alone[ML_MISS_NOT_LOGGED]);
	if (n->skew_pairs)
		fprintf(out, "; clock skew (log - capture) %+.3f s over %" PRIu64
		    " pairs\n", (double)n->skew_us / 1e6, n->skew_pairs);
	else
		fputs("; no clock skew measured\n", out);
}

static void
join_record(struct sink *s, const struct record *r)
{
	struct join_sink *js = (struct join_sink *)s;

	(void)ml_join_record(js->j, r);	/* out of memory: counted as not kept */
	if (r->verdict_us > js->now)
		js->now = r->verdict_us;
}

/* Live: what the clock now decides is written at once. */
static void
join_tick(struct sink *s, int64_t now_us)
{
	struct join_sink *js = (struct join_sink *)s;

	if (now_us > js->now)
		js->now = now_us;
	if (!js->live)
		return;
	ml_join_settle(js->j, js->now, each, js);
	fflush(s->out);
}

void
sink_maillog_join_poll(struct sink *s)
{
	join_tick(s, INT64_MIN);
}

static void
join_finish(struct sink *s, const struct stats *st, int final)
{
	struct join_sink *js = (struct join_sink *)s;
	struct ml_join_counts n;

	(void)st;
	if (!final)
		return;
	ml_join_run(js->j, each, js, &n);
	summary(js, &n);
	fflush(s->out);
}

static const struct sink_ops join_ops = {
	.record = join_record,
	.finish = join_finish,
	.free = sink_free,
	.tick = join_tick,
};

struct sink *
sink_maillog_join_new(FILE *out, int json, const char *sensor,
    struct ml_join *j, bool live)
{
	struct join_sink *js = calloc(1, sizeof *js);

	if (js == NULL)
		return NULL;
	js->live = live;
	js->now = INT64_MIN;
	js->base.ops = &join_ops;
	js->base.out = out;
	js->j = j;
	js->json = json;
	js->sensor = sensor;
	return &js->base;
}

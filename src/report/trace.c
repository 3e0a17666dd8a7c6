/*
 * probe --trace's output: per (source, target, port) a hop table and the
 * statement (report/trace.h), as text or one JSON line ("type":"trace").
 * The hops' records are gathered as they come and written at the end of
 * the run, in the order the traces were built.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "report/jsonw.h"
#include "report/sink.h"
#include "report/trace.h"

struct trace_sink {
	struct sink base;
	int json;
	int max_ttl;
	const char *sensor;
	struct trace **tr;		/* by origin->trace; NULL: no record yet */
	size_t ntr;
	int nomem;
};

static void
trace_record(struct sink *s, const struct record *r)
{
	struct trace_sink *ts = (struct trace_sink *)s;
	struct trace **grown;
	size_t i;

	if (r->origin == NULL || r->origin->hop < 1 || r->origin->trace < 0)
		return;
	i = (size_t)r->origin->trace;
	if (i >= ts->ntr) {
		if ((grown = realloc(ts->tr, (i + 1) * sizeof *grown)) == NULL) {
			ts->nomem = 1;
			return;
		}
		memset(grown + ts->ntr, 0, (i + 1 - ts->ntr) * sizeof *grown);
		ts->tr = grown;
		ts->ntr = i + 1;
	}
	if (ts->tr[i] == NULL) {
		if ((ts->tr[i] = calloc(1, sizeof *ts->tr[i])) == NULL) {
			ts->nomem = 1;
			return;
		}
		ts->tr[i]->max_ttl = ts->max_ttl;
	}
	trace_add(ts->tr[i], r);
}

/* Any record of the trace: its source, target, port and origin. */
static const struct record *
any_hop(const struct trace *tr)
{
	int h;

	for (h = 1; h < tr->max_ttl && tr->hop[h].origin == NULL; h++)
		;
	return &tr->hop[h];
}

static void
text_hop(FILE *out, const struct record *r, int h)
{
	char a[ADDR_STRLEN], who[ADDR_STRLEN + 10] = "*", rtt[32] = "";

	if (r->origin == NULL) {
		fprintf(out, "  %2d  %-48s %11s  no record\n", h, "?", "");
		return;
	}
	if (r->responder.family != 0)
		snprintf(who, sizeof who, "%s%s", addr_str(&r->responder, a),
		    record_responder_is_server(r) ? " (server)" : "");
	if (r->rtt_us >= 0)
		snprintf(rtt, sizeof rtt, "%" PRId64 ".%03" PRId64 "ms",
		    r->rtt_us / 1000, r->rtt_us % 1000);
	fprintf(out, "  %2d  %-48s %11s  %s/%s", h, who, rtt,
	    vclass_name(r->v.cls), r->v.reason);
	if (r->icmp_type >= 0)
		fprintf(out, " icmp=%d/%d", r->icmp_type, r->icmp_code);
	putc('\n', out);
}

static void
text_trace(FILE *out, const struct trace *tr)
{
	const struct record *r = any_hop(tr);
	struct trace_result res;
	char a[ADDR_STRLEN], ep[ENDPOINT_STRLEN];
	int h, last = trace_last(tr);

	fprintf(out, "trace %s -> %s", addr_str(&r->t.client, a),
	    endpoint_str(&r->t.server, r->t.server_port, ep));
	if (r->origin->mx != NULL)
		fprintf(out, " (%s)", r->origin->mx);
	putc('\n', out);
	for (h = 1; h <= last; h++)
		text_hop(out, &tr->hop[h], h);
	trace_result(tr, &res);
	fprintf(out, "  => %s\n", res.statement);
}

static void
json_hop(FILE *out, const struct record *r, int h)
{
	const char *en;

	fprintf(out, "%s{\"hop\":%d", h > 1 ? "," : "", h);
	if (r->origin == NULL) {
		fputs(",\"record\":false}", out);
		return;
	}
	jw_addr(out, "responder", &r->responder);
	fprintf(out, ",\"responder_is_server\":%s",
	    record_responder_is_server(r) ? "true" : "false");
	jw_ms(out, "rtt_ms", r->rtt_us);
	fprintf(out, ",\"class\":\"%s\",\"reason\":\"%s\"",
	    vclass_name(r->v.cls), r->v.reason);
	jw_int(out, "icmp_type", r->icmp_type, r->icmp_type >= 0);
	jw_int(out, "icmp_code", r->icmp_code, r->icmp_type >= 0);
	jw_int(out, "reply_ttl", r->reply_ttl, r->reply_ttl >= 0);
	en = errno_name(r->v.err);
	jw_str(out, "errno", en);
	putc('}', out);
}

static void
json_trace(FILE *out, const struct trace *tr, const char *sensor)
{
	const struct record *r = any_hop(tr);
	struct trace_result res;
	char a[ADDR_STRLEN];
	int h, last = trace_last(tr);

	jw_head(out, "trace", sensor);
	fprintf(out, ",\"source\":\"%s\"", addr_str(&r->t.client, a));
	fprintf(out, ",\"server\":\"%s\",\"server_port\":%u",
	    addr_str(&r->t.server, a), r->t.server_port);
	jw_str(out, "mx", r->origin->mx);
	jw_str(out, "domain", r->origin->domain);
	jw_int(out, "mx_pref", r->origin->mx_pref, r->origin->mx_pref >= 0);
	fprintf(out, ",\"max_ttl\":%d,\"hops\":[", tr->max_ttl);
	for (h = 1; h <= last; h++)
		json_hop(out, &tr->hop[h], h);
	trace_result(tr, &res);
	putc(']', out);
	jw_int(out, "end_hop", res.end, res.end > 0);
	jw_int(out, "at_hop", res.at, res.at > 0);
	jw_addr(out, "by", &res.by);
	jw_int(out, "silent_from", res.silent_from, res.silent_from > 0);
	jw_str(out, "statement", res.statement);
	fputs("}\n", out);
}

static void
trace_finish(struct sink *s, const struct stats *st, int final)
{
	struct trace_sink *ts = (struct trace_sink *)s;
	size_t i;

	(void)st;
	if (!final)
		return;
	for (i = 0; i < ts->ntr; i++) {
		if (ts->tr[i] == NULL || trace_last(ts->tr[i]) == 0)
			continue;
		if (ts->json)
			json_trace(s->out, ts->tr[i], ts->sensor);
		else
			text_trace(s->out, ts->tr[i]);
	}
	if (ts->nomem)
		fputs("smtpscope: --trace: out of memory; traces are missing\n",
		    stderr);
	fflush(s->out);
}

static void
trace_free(struct sink *s)
{
	struct trace_sink *ts = (struct trace_sink *)s;
	size_t i;

	for (i = 0; i < ts->ntr; i++)
		free(ts->tr[i]);
	free(ts->tr);
	free(ts);
}

static const struct sink_ops trace_ops = {
	.record = trace_record,
	.finish = trace_finish,
	.free = trace_free,
};

struct sink *
sink_trace_new(FILE *out, int json, const char *sensor, int max_ttl)
{
	struct trace_sink *ts = calloc(1, sizeof *ts);

	if (ts == NULL)
		return NULL;
	ts->base.ops = &trace_ops;
	ts->base.out = out;
	ts->json = json;
	ts->sensor = sensor;
	ts->max_ttl = max_ttl;
	return &ts->base;
}

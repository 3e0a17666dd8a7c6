/* One human-readable line per attempt. */
#include <inttypes.h>
#include <stdlib.h>

#include "report/sink.h"
#include "util/timefmt.h"

/* The greeting is printable ASCII with backslashes already doubled; only
 * the quote needs escaping to keep the line unambiguous. */
static void
put_quoted(FILE *out, const char *s)
{
	fputs(" \"", out);
	for (; *s; s++) {
		if (*s == '"')
			putc('\\', out);
		putc(*s, out);
	}
	putc('"', out);
}

/* Who the responder is, after its address. */
static const char *
responder_role(const struct record *r)
{
	if (r->responder_first_hop)
		return "first hop, in the server's name";
	if (record_responder_is_server(r))
		return "server";
	return addr_eq(&r->responder, &r->t.client) ? "self" : "hop";
}

static void
text_record(struct sink *s, const struct record *r)
{
	FILE *out = s->out;
	char buf[ADDR_STRLEN], ep[ENDPOINT_STRLEN];
	const char *en;

	fmt_time(buf, sizeof buf, r->first_syn_us);
	fprintf(out, "%s ", buf);
	fputs(endpoint_str(&r->t.client, r->t.client_port, ep), out);
	fputs(" -> ", out);
	fputs(endpoint_str(&r->t.server, r->t.server_port, ep), out);
	fprintf(out, " %s/%s", vclass_name(r->v.cls), r->v.reason);
	if (r->icmp_type >= 0)
		fprintf(out, " icmp=%d/%d", r->icmp_type, r->icmp_code);
	if (r->responder.family != 0)
		fprintf(out, " responder=%s(%s) ttl=%d hops=%d",
		    addr_str(&r->responder, buf), responder_role(r),
		    r->reply_ttl, r->hops);
	if (r->rtt_us >= 0)
		fprintf(out, " rtt=%" PRId64 ".%03" PRId64 "ms",
		    r->rtt_us / 1000, r->rtt_us % 1000);
	fprintf(out, " syns=%" PRIu32, r->syns);
	if (r->nflog != NULL) {
		fprintf(out, " nflog=%u", r->nflog->group);
		put_quoted(out, r->nflog->prefix);
	}
	if ((en = errno_name(r->v.err)) != NULL)
		fprintf(out, " errno=%s", en);
	if (r->has_greeting) {
		if (r->greeting_code >= 0)
			fprintf(out, " greeting=%d", r->greeting_code);
		else
			fputs(" greeting=none", out);
		put_quoted(out, r->greeting);
		if (r->greeting_truncated)
			fputs(" (truncated)", out);
	}
	if (r->syn_data > 0)
		fprintf(out, " syn_data=%" PRIu32 " acked=%" PRId32, r->syn_data,
		    r->syn_data_acked);
	if (r->reset_before != RESET_NONE)
		fprintf(out, " reset_before=%s(ttl=%d)",
		    r->reset_before == RESET_INJECTED ? "injected" : "retried",
		    r->reset_ttl);
	if (r->correction)
		fprintf(out, " correction(was %s/%s)",
		    vclass_name(r->corrects.cls), r->corrects.reason);
	putc('\n', out);
}

/* A capture gap: one line, starting with its time as records do. */
static void
text_gap(struct sink *s, const struct capture_gap *g)
{
	char start[40], end[40];
	int64_t us = g->end_us - g->start_us;

	fmt_time(start, sizeof start, g->start_us);
	fmt_time(end, sizeof end, g->end_us);
	fprintf(s->out, "%s capture gap on %s: %" PRId64 ".%03" PRId64 " s, %s, "
	    "%s %s\n", start, g->ifname, us / 1000000, us % 1000000 / 1000,
	    g->reason, g->resumed ? "resumed" : "run ended in it at", end);
}

static const struct sink_ops text_ops = {
	.record = text_record,
	.finish = sink_flush,
	.free = sink_free,
	.gap = text_gap,
};

struct sink *
sink_text_new(FILE *out)
{
	return sink_new(&text_ops, out);
}

/* One human-readable line per attempt. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/linebuf.h"
#include "report/sink.h"
#include "util/digits.h"
#include "util/timefmt.h"

/* Room for the pieces of a line between two strings: at most two
 * endpoints, words and numbers. */
#define PIECES_MAX 256

/* The greeting is printable ASCII with backslashes already doubled; only
 * the quote needs escaping to keep the line unambiguous. */
static char *
put_quoted(struct line *l, char *p, const char *s)
{
	p = line_room(l, p, 2);
	p = LINE_LIT(p, " \"");
	p = line_add_quotes(l, p, s, "\\\"", 2);
	p = line_room(l, p, PIECES_MAX);
	*p++ = '"';
	return p;
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

/* One of our own words (class and reason names, errno names, roles);
 * a longer one (none is) through the checked copy. */
static char *
put_word(struct line *l, char *p, const char *s)
{
	size_t n = strlen(s);

	if (n > 48)
		return line_room(l, line_add(l, p, s, n), PIECES_MAX);
	memcpy(p, s, n);
	return p + n;
}
/* The time, who tried whom, the verdict, the ICMP answer, the responder. */
static char *
put_attempt(struct line *l, char *p, const struct record *r)
{
	p = timefmt_put(p, r->first_syn_us);
	*p++ = ' ';
	p = endpoint_put(p, &r->t.client, r->t.client_port);
	p = LINE_LIT(p, " -> ");
	p = endpoint_put(p, &r->t.server, r->t.server_port);
	*p++ = ' ';
	p = put_word(l, p, vclass_name(r->v.cls));
	*p++ = '/';
	p = put_word(l, p, r->v.reason);
	if (r->icmp_type >= 0) {
		p = LINE_LIT(p, " icmp=");
		p = put_i64(p, r->icmp_type);
		*p++ = '/';
		p = put_i64(p, r->icmp_code);
	}
	if (r->responder.family != 0) {
		p = line_room(l, p, PIECES_MAX);
		p = LINE_LIT(p, " responder=");
		p = addr_put(p, &r->responder);
		*p++ = '(';
		p = put_word(l, p, responder_role(r));
		p = LINE_LIT(p, ") ttl=");
		p = put_i64(p, r->reply_ttl);
		p = LINE_LIT(p, " hops=");
		p = put_i64(p, r->hops);
	}
	return line_room(l, p, PIECES_MAX);
}

/* TCP Fast Open, a RST before the SYN-ACK taken, a correction. */
static char *
put_rare(struct line *l, char *p, const struct record *r)
{
	if (r->syn_data > 0) {
		p = LINE_LIT(p, " syn_data=");
		p = put_u64(p, r->syn_data);
		p = LINE_LIT(p, " acked=");
		p = put_i64(p, r->syn_data_acked);
	}
	if (r->reset_before != RESET_NONE) {
		p = LINE_LIT(p, " reset_before=");
		p = r->reset_before == RESET_INJECTED ?
		    LINE_LIT(p, "injected(ttl=") : LINE_LIT(p, "retried(ttl=");
		p = put_i64(p, r->reset_ttl);
		*p++ = ')';
	}
	if (r->correction) {
		p = line_room(l, p, PIECES_MAX);
		p = LINE_LIT(p, " correction(was ");
		p = put_word(l, p, vclass_name(r->corrects.cls));
		*p++ = '/';
		p = put_word(l, p, r->corrects.reason);
		*p++ = ')';
	}
	return p;
}

/* A line built in memory and written with one fwrite (report/linebuf.h):
 * through fprintf, `read` of the bench file takes 1.7 times the
 * instructions. */
static void
text_record(struct sink *s, const struct record *r)
{
	struct line l;
	char *p = l.buf;
	const char *en;

	l.out = s->out;
	p = put_attempt(&l, p, r);
	if (r->rtt_us >= 0) {
		p = LINE_LIT(p, " rtt=");
		p = put_ms3(p, (uint64_t)r->rtt_us);
		p = LINE_LIT(p, "ms");
	}
	p = LINE_LIT(p, " syns=");
	p = put_u64(p, r->syns);
	if (r->nflog != NULL) {
		p = LINE_LIT(p, " nflog=");
		p = put_u64(p, r->nflog->group);
		p = put_quoted(&l, p, r->nflog->prefix);
	}
	if ((en = errno_name(r->v.err)) != NULL) {
		p = LINE_LIT(p, " errno=");
		p = put_word(&l, p, en);
	}
	if (r->has_greeting) {
		if (r->greeting_code >= 0) {
			p = LINE_LIT(p, " greeting=");
			p = put_i64(p, r->greeting_code);
		} else
			p = LINE_LIT(p, " greeting=none");
		p = put_quoted(&l, p, r->greeting);
		if (r->greeting_truncated)
			p = LINE_LIT(p, " (truncated)");
	}
	p = put_rare(&l, p, r);
	*p++ = '\n';
	line_end(&l, p);
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

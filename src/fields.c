/* The record schema shared by the JSON and CSV sinks (names per DESIGN.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "sink.h"

static const char *const field_names[NFIELDS_MAX] = {
	"ts", "verdict_ts", "client", "client_port", "server", "server_port",
	"family", "class", "reason", "syns", "rtt_ms", "icmp_type", "icmp_code",
	"responder", "responder_is_server", "reply_ttl", "hops", "errno",
	"greeting_code", "greeting", "greeting_truncated",
	"source", "mx", "mx_pref",
};

static void
str(struct field *f, const char *s)
{
	f->kind = FK_STR;
	snprintf(f->val, sizeof f->val, "%s", s);
}

static void
num(struct field *f, int64_t v)
{
	f->kind = FK_NUM;
	snprintf(f->val, sizeof f->val, "%" PRId64, v);
}

/* A number when v >= 0, else null. */
static void
opt(struct field *f, int64_t v)
{
	if (v >= 0)
		num(f, v);
}

static void
boolean(struct field *f, int v)
{
	f->kind = FK_BOOL;
	strcpy(f->val, v ? "true" : "false");
}

int
record_fields(const struct record *r, struct field f[NFIELDS_MAX])
{
	char a[ADDR_STRLEN];
	const char *en;
	int i;

	for (i = 0; i < NFIELDS_MAX; i++) {
		f[i].name = field_names[i];
		f[i].kind = FK_NULL;
		f[i].val[0] = '\0';
		f[i].text = NULL;
	}
	fmt_time(a, sizeof a, r->first_syn_us);
	str(&f[0], a);
	fmt_time(a, sizeof a, r->verdict_us);
	str(&f[1], a);
	str(&f[2], addr_str(&r->t.client, a));
	num(&f[3], r->t.client_port);
	str(&f[4], addr_str(&r->t.server, a));
	num(&f[5], r->t.server_port);
	num(&f[6], r->t.client.family);
	str(&f[7], vclass_name(r->v.cls));
	str(&f[8], r->v.reason);
	num(&f[9], r->syns);
	if (r->rtt_us >= 0) {
		f[10].kind = FK_NUM;
		snprintf(f[10].val, sizeof f[10].val, "%" PRId64 ".%03" PRId64,
		    r->rtt_us / 1000, r->rtt_us % 1000);
	}
	opt(&f[11], r->icmp_type);
	opt(&f[12], r->icmp_code);
	if (r->responder.family != 0) {
		str(&f[13], addr_str(&r->responder, a));
		boolean(&f[14], record_responder_is_server(r));
	}
	opt(&f[15], r->reply_ttl);
	opt(&f[16], r->hops);
	if ((en = errno_name(r->v.err)) != NULL)
		str(&f[17], en);
	opt(&f[18], r->greeting_code);
	if (r->has_greeting) {
		str(&f[19], r->greeting);
		boolean(&f[20], r->greeting_truncated);
	}
	if (!r->probe)
		return NFIELDS;
	/* The probe's source is the client side before any NAT. */
	str(&f[21], addr_str(&r->t.client, a));
	if (r->mx != NULL)
		str(&f[22], r->mx);
	opt(&f[23], r->mx_pref);
	return NFIELDS_MAX;
}

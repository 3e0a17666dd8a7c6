/* The record schema shared by the JSON and CSV sinks (names per DESIGN.md). */
#include <string.h>

#include "report/fields.h"
#include "report/sink.h"
#include "util/timefmt.h"

static const char *const field_names[NFIELDS_MAX] = {
	"ts", "verdict_ts", "client", "client_port", "server", "server_port",
	"family", "class", "reason", "syns", "rtt_ms", "icmp_type", "icmp_code",
	"responder", "responder_is_server", "reply_ttl", "hops", "errno",
	"greeting_code", "greeting", "greeting_truncated",
	"source", "mx", "mx_pref", "domain",
};

/* Digits of v at the end of buf[32]; returns the first. */
static char *
digits(char *end, uint64_t v)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return end;
}

/* A string that outlives the fields (static, or inside the record). */
static void
str(struct field *f, const char *s)
{
	f->kind = FK_STR;
	f->text = s;
}

static void
num(struct field *f, int64_t v)
{
	char tmp[32], *d = digits(tmp + sizeof tmp, (uint64_t)(v < 0 ? -v : v));

	f->kind = FK_NUM;
	f->text = f->val;
	if (v < 0)
		*--d = '-';
	memcpy(f->val, d, (size_t)(tmp + sizeof tmp - d));
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
	f->text = v ? "true" : "false";
}

/* A string of our own making: no quote, backslash or control character. */
static void
word(struct field *f, const char *s)
{
	f->kind = FK_WORD;
	f->text = s;
}

static void
address(struct field *f, const struct addr *a)
{
	f->kind = FK_WORD;
	f->text = addr_str(a, f->val);
}

static void
timestamp(struct field *f, int64_t us)
{
	f->kind = FK_WORD;
	fmt_time(f->val, sizeof f->val, us);
	f->text = f->val;
}

int
record_fields(const struct record *r, struct field f[NFIELDS_MAX])
{
	const char *en;
	int i;

	for (i = 0; i < NFIELDS_MAX; i++) {
		f[i].name = field_names[i];
		f[i].kind = FK_NULL;
		f[i].text = "";
	}
	timestamp(&f[0], r->first_syn_us);
	timestamp(&f[1], r->verdict_us);
	address(&f[2], &r->t.client);
	num(&f[3], r->t.client_port);
	address(&f[4], &r->t.server);
	num(&f[5], r->t.server_port);
	num(&f[6], r->t.client.family);
	word(&f[7], vclass_name(r->v.cls));
	word(&f[8], r->v.reason);
	num(&f[9], r->syns);
	if (r->rtt_us >= 0) {
		/* milliseconds with three decimals, from microseconds */
		char *p;

		num(&f[10], r->rtt_us / 1000);
		p = f[10].val + strlen(f[10].val);
		p[0] = '.';
		p[1] = (char)('0' + r->rtt_us % 1000 / 100);
		p[2] = (char)('0' + r->rtt_us % 100 / 10);
		p[3] = (char)('0' + r->rtt_us % 10);
		p[4] = '\0';
	}
	opt(&f[11], r->icmp_type);
	opt(&f[12], r->icmp_code);
	if (r->responder.family != 0) {
		address(&f[13], &r->responder);
		boolean(&f[FIELD_RESPONDER_IS_SERVER],
		    record_responder_is_server(r));
	}
	opt(&f[15], r->reply_ttl);
	opt(&f[16], r->hops);
	if ((en = errno_name(r->v.err)) != NULL)
		word(&f[17], en);
	opt(&f[18], r->greeting_code);
	if (r->has_greeting) {
		str(&f[19], r->greeting);
		boolean(&f[20], r->greeting_truncated);
	}
	if (r->origin == NULL)
		return NFIELDS;
	/* The probe's source is the client side before any NAT. */
	address(&f[21], &r->t.client);
	if (r->origin->mx != NULL)
		str(&f[22], r->origin->mx);
	opt(&f[23], r->origin->mx_pref);
	if (r->origin->domain != NULL)
		str(&f[24], r->origin->domain);
	return NFIELDS_MAX;
}

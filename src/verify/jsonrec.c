/*
 * A JSON attempt record (report/json.c's line) back into struct record.
 * jansson parses; each field is then checked here, in the order the
 * writer puts them, and the first problem is the line's error.  Absent
 * and null are the same for the fields the schema allows to be null.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hindex.h"
#include "util/timefmt.h"
#include "verify/jsonrec.h"

struct jsonrec {
	char *sensor[JSONREC_MAX_SENSORS];
	uint32_t nsensors;
	struct hindex sensors;
	struct origin *origin[JSONREC_MAX_ORIGINS];
	uint32_t norigins;
	struct hindex origins;
	struct nflog_tags nflog;	/* the NFLOG rules the records name */
};

/* One line being read: the object, and the first problem found. */
struct ctx {
	struct jsonrec *jr;
	json_t *o;
	char *why;
	size_t whylen;
	int bad;
};

struct jsonrec *
jsonrec_new(void)
{
	return calloc(1, sizeof(struct jsonrec));
}

void
jsonrec_free(struct jsonrec *jr)
{
	uint32_t i;

	if (jr == NULL)
		return;
	for (i = 0; i < jr->nsensors; i++)
		free(jr->sensor[i]);
	for (i = 0; i < jr->norigins; i++) {
		free((char *)jr->origin[i]->mx);
		free((char *)jr->origin[i]->domain);
		free(jr->origin[i]);
	}
	hindex_free(&jr->sensors);
	hindex_free(&jr->origins);
	free(jr);
}

/* The line's error: the first one found is kept. */
static void
bad(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bad(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->bad++)
		return;
	va_start(ap, fmt);
	vsnprintf(c->why, c->whylen, fmt, ap);
	va_end(ap);
}

/* A value quoted in a message: at most 40 characters, the unprintable as
 * '?' (the input is hostile, the message goes to a terminal). */
static const char *
shown(const char *s, char buf[48])
{
	size_t i;

	for (i = 0; i < 40 && s[i] != '\0'; i++)
		buf[i] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '?';
	if (s[i] != '\0' && i >= 3)
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

/* The value of k, NULL when absent or null (missing when required). */
static json_t *
value(struct ctx *c, const char *k, int required)
{
	json_t *v = json_object_get(c->o, k);

	if (v != NULL && json_is_null(v))
		v = NULL;
	if (v == NULL && required)
		bad(c, "%s: missing", k);
	return v;
}

static const char *
string(struct ctx *c, const char *k, int required)
{
	json_t *v = value(c, k, required);

	if (v != NULL && !json_is_string(v)) {
		bad(c, "%s: not a string", k);
		return NULL;
	}
	return v != NULL ? json_string_value(v) : NULL;
}

/* A whole number in [min, max]; none when absent or null. */
static int64_t
number(struct ctx *c, const char *k, int required, int64_t min, int64_t max,
    int64_t none)
{
	json_t *v = value(c, k, required);
	json_int_t n;

	if (v == NULL)
		return none;
	if (!json_is_integer(v)) {
		bad(c, "%s: not a whole number", k);
		return none;
	}
	n = json_integer_value(v);
	if (n < min || n > max) {
		bad(c, "%s: %lld is out of range (%lld-%lld)", k, (long long)n,
		    (long long)min, (long long)max);
		return none;
	}
	return n;
}

/* true, false; -1 when absent or null. */
static int
boolean(struct ctx *c, const char *k)
{
	json_t *v = value(c, k, 0);

	if (v == NULL)
		return -1;
	if (!json_is_boolean(v)) {
		bad(c, "%s: not true or false", k);
		return -1;
	}
	return json_is_true(v);
}

/* An address; family 0 when absent or null. */
static void
address(struct ctx *c, const char *k, int required, struct addr *a)
{
	const char *s = string(c, k, required);
	char q[48];

	a->family = 0;
	if (s != NULL && !addr_parse(s, a)) {
		a->family = 0;
		bad(c, "%s: '%s' is not an IPv4 or IPv6 address", k, shown(s, q));
	}
}

static int64_t
timestamp(struct ctx *c, const char *k)
{
	const char *s = string(c, k, 1);
	int64_t us = 0;
	char q[48];

	if (s != NULL && parse_time(s, &us) != 0)
		bad(c, "%s: '%s' is not a time of the form "
		    "2026-12-02T04:03:06.123456Z", k, shown(s, q));
	return us;
}

/* client, server, their ports and family. */
static void
get_tuple(struct ctx *c, struct record *r)
{
	int64_t fam;

	address(c, "client", 1, &r->t.client);
	r->t.client_port = (uint16_t)number(c, "client_port", 1, 0, 65535, 0);
	address(c, "server", 1, &r->t.server);
	r->t.server_port = (uint16_t)number(c, "server_port", 1, 0, 65535, 0);
	fam = number(c, "family", 1, 4, 6, 0);
	if (c->bad)
		return;
	if (fam != r->t.client.family || fam != r->t.server.family)
		bad(c, "family: %lld does not match client and server",
		    (long long)fam);
}

/* class, reason and errno: one verdict of the taxonomy, whose static
 * reason string the record keeps. */
static void
get_verdict(struct ctx *c, struct record *r)
{
	const char *cls = string(c, "class", 1), *reason = string(c, "reason", 1);
	const char *en = string(c, "errno", 0);
	char q[48];
	int vc;

	if (c->bad)
		return;
	if ((vc = vclass_from_name(cls)) < 0)
		bad(c, "class: '%s' is not a class", shown(cls, q));
	else if (!verdict_reason_known((enum vclass)vc, reason))
		bad(c, "reason: '%s' is not a reason of class %s", shown(reason, q),
		    cls);
	else if (!verdict_find((enum vclass)vc, reason, en, &r->v))
		bad(c, "errno: %s%s%s does not go with %s/%s", en ? "'" : "",
		    en ? shown(en, q) : "null", en ? "'" : "", cls, reason);
}

/* rtt_ms: milliseconds with up to three decimals, as microseconds. */
static int64_t
rtt(struct ctx *c)
{
	json_t *v = value(c, "rtt_ms", 0);
	double ms;

	if (v == NULL)
		return -1;
	if (!json_is_number(v)) {
		bad(c, "rtt_ms: not a number");
		return -1;
	}
	ms = json_number_value(v);
	if (!(ms >= 0 && ms <= 1e10)) {
		bad(c, "rtt_ms: %g is out of range (0-1e10)", ms);
		return -1;
	}
	return (int64_t)(ms * 1000 + 0.5);
}

/* What answered: the ICMP error, the responder, TTL and hops. */
static void
get_answer(struct ctx *c, struct record *r)
{
	int is_server, first_hop;

	r->rtt_us = rtt(c);
	r->icmp_type = (int)number(c, "icmp_type", 0, 0, 255, -1);
	r->icmp_code = (int)number(c, "icmp_code", 0, 0, 255, -1);
	if ((r->icmp_type < 0) != (r->icmp_code < 0))
		bad(c, "icmp_type and icmp_code: one without the other");
	address(c, "responder", 0, &r->responder);
	is_server = boolean(c, "responder_is_server");
	/* Made by the first hop in the server's name: only ever true. */
	if ((first_hop = boolean(c, "responder_first_hop")) == 0)
		bad(c, "responder_first_hop: false is never written");
	else if (first_hop == 1 && !addr_eq(&r->responder, &r->t.server))
		bad(c, "responder_first_hop: the responder is not the server's "
		    "address");
	r->responder_first_hop = first_hop == 1;
	if (r->responder.family != 0 && r->responder.family != r->t.client.family)
		bad(c, "responder: not of the attempt's family");
	else if (!c->bad && (r->responder.family == 0 ? is_server != -1 :
	    is_server != record_responder_is_server(r)))
		bad(c, "responder_is_server: %s does not match responder and "
		    "server", is_server < 0 ? "null" : is_server ? "true" : "false");
	r->reply_ttl = (int)number(c, "reply_ttl", 0, 0, 255, -1);
	r->hops = (int)number(c, "hops", 0, 0, 255, -1);
}

/* The greeting: as core/greeting.c sanitised it, printable ASCII. */
static void
get_greeting(struct ctx *c, struct record *r)
{
	const char *g = string(c, "greeting", 0);
	int trunc = boolean(c, "greeting_truncated");
	size_t i, n;

	r->greeting_code = (int)number(c, "greeting_code", 0, 0, 999, -1);
	if (g == NULL) {
		if (trunc >= 0)
			bad(c, "greeting_truncated: not null with no greeting");
		return;
	}
	n = strlen(g);
	for (i = 0; i < n && g[i] >= ' ' && g[i] <= '~'; i++)
		;
	if (i < n || n > GREETING_MAX) {
		bad(c, "greeting: not sanitised text (printable ASCII, at most "
		    "%d characters)", GREETING_MAX);
		return;
	}
	memcpy(r->greeting, g, n + 1);
	r->has_greeting = true;
	r->greeting_truncated = trunc == 1;
}

/* The NFLOG rule that logged the SYN: both fields or neither. */
static void
get_nflog(struct ctx *c, struct record *r)
{
	int64_t group = number(c, "nflog_group", 0, 0, 65535, -1);
	const char *p = string(c, "nflog_prefix", 0);
	size_t i, n;

	if ((group < 0) != (p == NULL)) {
		bad(c, "nflog_group and nflog_prefix: one without the other");
		return;
	}
	if (p == NULL || c->bad)
		return;
	n = strlen(p);
	for (i = 0; i < n && p[i] >= ' ' && p[i] <= '~'; i++)
		;
	if (i < n || n > NFLOG_PREFIX_MAX) {
		bad(c, "nflog_prefix: not printable ASCII of at most %d "
		    "characters", NFLOG_PREFIX_MAX);
		return;
	}
	r->nflog = nflog_tag_get(&c->jr->nflog, (uint16_t)group,
	    (const uint8_t *)p, n);
}

/* The fields only some records have (report/json.c optional_fields()). */
static void
get_optional(struct ctx *c, struct record *r)
{
	const char *rb = string(c, "reset_before", 0);
	const char *cc = string(c, "corrects_class", 0);
	const char *cr = string(c, "corrects_reason", 0);
	int vc;

	r->syn_data = (uint32_t)number(c, "syn_data", 0, 1, UINT16_MAX, 0);
	r->syn_data_acked = (int32_t)number(c, "syn_data_acked", 0, 0,
	    UINT16_MAX, -1);
	r->reset_ttl = (int)number(c, "reset_ttl", rb != NULL, 0, 255, -1);
	if (rb != NULL && strcmp(rb, "injected") == 0)
		r->reset_before = RESET_INJECTED;
	else if (rb != NULL && strcmp(rb, "retried") == 0)
		r->reset_before = RESET_RETRIED;
	else if (rb != NULL)
		bad(c, "reset_before: not injected or retried");
	r->correction = boolean(c, "correction") == 1;
	if (!r->correction)
		return;
	if (cc == NULL || cr == NULL || (vc = vclass_from_name(cc)) < 0 ||
	    !verdict_by_reason((enum vclass)vc, cr, &r->corrects))
		bad(c, "corrects_class, corrects_reason: not a verdict");
}

/* A sensor's name as the line gives it, for the lookup. */
struct sensor_key {
	struct jsonrec *jr;
	const char *s;
};

static bool
sensor_eq(const void *key, uint32_t item)
{
	const struct sensor_key *k = key;

	return strcmp(k->jr->sensor[item], k->s) == 0;
}

/* The sensor, checked; NULL when absent or null. */
static const char *
sensor_name(struct ctx *c)
{
	const char *s = string(c, "sensor", 0);
	char q[48];

	if (s != NULL && !record_sensor_ok(s)) {
		bad(c, "sensor: '%s' is not a sensor name", shown(s, q));
		return NULL;
	}
	return s;
}

/* Sensor s interned for the run. */
static const char *
intern_sensor(struct ctx *c, const char *s)
{
	struct jsonrec *jr = c->jr;
	struct sensor_key k = { jr, s };
	uint32_t h, i;

	if (s == NULL)
		return NULL;
	h = hash_str(s, 0);
	if ((i = hindex_find(&jr->sensors, h, sensor_eq, &k)) != HINDEX_NONE)
		return jr->sensor[i];
	if (jr->nsensors == JSONREC_MAX_SENSORS) {
		bad(c, "sensor: more than %d sensors", JSONREC_MAX_SENSORS);
		return NULL;
	}
	if ((jr->sensor[jr->nsensors] = strdup(s)) == NULL ||
	    hindex_add(&jr->sensors, h, jr->nsensors) != 0) {
		free(jr->sensor[jr->nsensors]);
		bad(c, "out of memory");
		return NULL;
	}
	return jr->sensor[jr->nsensors++];
}

/* A probe's origin as the line gives it, for the lookup. */
struct origin_key {
	struct jsonrec *jr;
	const char *mx, *domain;
	int mx_pref;
};

static bool
same_name(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static bool
origin_eq(const void *key, uint32_t item)
{
	const struct origin_key *k = key;
	const struct origin *o = k->jr->origin[item];

	return o->mx_pref == k->mx_pref && same_name(o->mx, k->mx) &&
	    same_name(o->domain, k->domain);
}

/* mx or domain: a host name as the prober had it; NULL when absent. */
static const char *
host_name(struct ctx *c, const char *k)
{
	const char *s = string(c, k, 0);
	size_t i, n;
	char q[48];

	if (s == NULL)
		return NULL;
	n = strlen(s);
	for (i = 0; i < n && s[i] > ' ' && s[i] <= '~'; i++)
		;
	if (n == 0 || i < n || n > JSONREC_NAME_MAX) {
		bad(c, "%s: '%s' is not a host name", k, shown(s, q));
		return NULL;
	}
	return s;
}

static struct origin *
origin_new(const struct origin_key *k)
{
	struct origin *o = calloc(1, sizeof *o);

	if (o == NULL)
		return NULL;
	o->mx_pref = k->mx_pref;
	o->spec = -1;		/* read back: no expectation of ours */
	o->mx = k->mx ? strdup(k->mx) : NULL;
	o->domain = k->domain ? strdup(k->domain) : NULL;
	if ((k->mx && o->mx == NULL) || (k->domain && o->domain == NULL)) {
		free((char *)o->mx);
		free(o);
		return NULL;
	}
	return o;
}

/* The probe's origin (source, mx, mx_pref, domain), interned; NULL for
 * captured traffic. */
static const struct origin *
get_origin(struct ctx *c, const struct record *r)
{
	struct jsonrec *jr = c->jr;
	struct origin_key k = { jr, host_name(c, "mx"), host_name(c, "domain"),
	    (int)number(c, "mx_pref", 0, 0, 65535, -1) };
	struct addr src;
	uint32_t h, i;

	address(c, "source", 0, &src);
	if (c->bad || (src.family == 0 && k.mx == NULL && k.domain == NULL &&
	    k.mx_pref < 0))
		return NULL;
	if (src.family != 0 && !addr_eq(&src, &r->t.client)) {
		bad(c, "source: not the client's address");
		return NULL;
	}
	h = hash_str(k.mx ? k.mx : "", hash_str(k.domain ? k.domain : "",
	    (uint32_t)k.mx_pref));
	if ((i = hindex_find(&jr->origins, h, origin_eq, &k)) != HINDEX_NONE)
		return jr->origin[i];
	if (jr->norigins == JSONREC_MAX_ORIGINS) {
		bad(c, "mx: more than %d probe targets", JSONREC_MAX_ORIGINS);
		return NULL;
	}
	if ((jr->origin[jr->norigins] = origin_new(&k)) == NULL ||
	    hindex_add(&jr->origins, h, jr->norigins) != 0) {
		/* an origin made but not indexed is freed with the others */
		if (jr->origin[jr->norigins] != NULL)
			jr->norigins++;
		bad(c, "out of memory");
		return NULL;
	}
	return jr->origin[jr->norigins++];
}

/* The fields of an attempt object, in the writer's order; the sensor and
 * the origin are interned only for a good line. */
static void
get_record(struct ctx *c, struct record *r)
{
	const char *sensor;

	memset(r, 0, sizeof *r);
	sensor = sensor_name(c);
	r->first_syn_us = timestamp(c, "ts");
	r->verdict_us = timestamp(c, "verdict_ts");
	get_tuple(c, r);
	get_verdict(c, r);
	r->syns = (uint32_t)number(c, "syns", 1, 0, UINT32_MAX, 0);
	get_answer(c, r);
	get_greeting(c, r);
	get_optional(c, r);
	get_nflog(c, r);
	r->origin = get_origin(c, r);
	if (!c->bad)
		r->sensor = intern_sensor(c, sensor);
}

/* The object's type: JR_RECORD for an attempt (or a line written before
 * records had one), JR_OTHER_TYPE, or JR_BAD. */
static enum jsonrec_status
line_type(struct ctx *c)
{
	json_t *t = json_object_get(c->o, "type");

	if (t == NULL)
		return JR_RECORD;
	if (!json_is_string(t)) {
		bad(c, "type: not a string");
		return JR_BAD;
	}
	return strcmp(json_string_value(t), "attempt") == 0 ? JR_RECORD :
	    JR_OTHER_TYPE;
}

enum jsonrec_status
jsonrec_parse(struct jsonrec *jr, const char *line, size_t len,
    struct record *r, char *why, size_t whylen)
{
	struct ctx c = { jr, NULL, why, whylen, 0 };
	const char *brace = memchr(line, '{', len);
	enum jsonrec_status st = JR_BAD;
	json_error_t err;
	size_t off, i;

	if (whylen > 0)
		why[0] = '\0';
	if (brace == NULL)
		return JR_NOT_JSON;
	off = (size_t)(brace - line);
	c.o = json_loadb(brace, len - off, JSON_REJECT_DUPLICATES, &err);
	if (c.o == NULL)
		bad(&c, "bad JSON at column %zu: %s", off + (size_t)err.position,
		    err.text);
	else if (!json_is_object(c.o))
		bad(&c, "not a JSON object");
	else if ((st = line_type(&c)) == JR_RECORD) {
		get_record(&c, r);
		if (c.bad)
			st = JR_BAD;
	}
	json_decref(c.o);
	/* jansson quotes the input in its messages: keep the line printable */
	for (i = 0; i < whylen && why[i] != '\0'; i++)
		if (why[i] < ' ' || why[i] > '~')
			why[i] = '?';
	return st;
}

/* JSON records read back (smtpscope scope): a good line field by field,
 * every refusal with its message, prefixes, skipped types, interning and
 * its bounds, the writer's lines read back, and the merge of files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "report/fields.h"
#include "verify/jsonfeed.h"
#include "verify/jsonrec.h"

/* A record as report/json.c writes it: a refusal at the server. */
static const char good[] =
    "{\"type\":\"attempt\",\"sensor\":\"mta1\",\"ts\":\"2026-11-23T17:28:30.430515Z\","
    "\"verdict_ts\":\"2026-11-23T17:28:30.430541Z\",\"client\":\"192.0.2.10\","
    "\"client_port\":41908,\"server\":\"203.0.113.25\",\"server_port\":25,"
    "\"family\":4,\"class\":\"refused\",\"reason\":\"reset\",\"syns\":2,"
    "\"rtt_ms\":0.026,\"icmp_type\":null,\"icmp_code\":null,"
    "\"responder\":\"203.0.113.25\",\"responder_is_server\":true,"
    "\"reply_ttl\":64,\"hops\":0,\"errno\":\"ECONNREFUSED\","
    "\"greeting_code\":null,\"greeting\":null,\"greeting_truncated\":null}";

static struct jsonrec *jr;
static char why[256];

static int
setup(void **state)
{
	(void)state;
	return (jr = jsonrec_new()) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	jsonrec_free(jr);
	return 0;
}

static enum jsonrec_status
parse(const char *line, struct record *r)
{
	return jsonrec_parse(jr, line, strlen(line), r, why, sizeof why);
}

/* good with key set to the JSON value v ("-": key removed); the text is
 * the caller's to free. */
static char *
with(const char *key, const char *v)
{
	json_t *o = json_loads(good, 0, NULL), *x;
	char *s;

	assert_non_null(o);
	if (strcmp(v, "-") == 0)
		json_object_del(o, key);
	else {
		x = json_loads(v, JSON_DECODE_ANY, NULL);
		assert_non_null(x);
		json_object_set_new(o, key, x);
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	assert_non_null(s);
	return s;
}

/* good with key set to v must be refused with message want. */
static void
refused(const char *key, const char *v, const char *want)
{
	struct record r;
	char *line = with(key, v);

	if (parse(line, &r) != JR_BAD)
		fail_msg("%s=%s: not refused", key, v);
	if (strcmp(why, want) != 0)
		fail_msg("%s=%s: '%s', want '%s'", key, v, why, want);
	free(line);
}

static void
good_line(void **state)
{
	struct record r, r2;
	struct addr a;

	(void)state;
	assert_int_equal(parse(good, &r), JR_RECORD);
	assert_string_equal(why, "");
	assert_string_equal(r.sensor, "mta1");
	assert_int_equal(r.first_syn_us, 1795454910430515LL);
	assert_int_equal(r.verdict_us, 1795454910430541LL);
	assert_true(addr_parse("192.0.2.10", &a) && addr_eq(&a, &r.t.client));
	assert_true(addr_parse("203.0.113.25", &a) && addr_eq(&a, &r.t.server));
	assert_int_equal(r.t.client_port, 41908);
	assert_int_equal(r.t.server_port, 25);
	assert_int_equal(r.v.cls, VC_REFUSED);
	/* the taxonomy's own string, not a copy */
	assert_ptr_equal(r.v.reason, verdict_reset().reason);
	assert_int_equal(r.v.err, verdict_reset().err);
	assert_int_equal(r.syns, 2);
	assert_int_equal(r.rtt_us, 26);
	assert_int_equal(r.icmp_type, -1);
	assert_int_equal(r.icmp_code, -1);
	assert_true(addr_eq(&r.responder, &r.t.server));
	assert_int_equal(r.reply_ttl, 64);
	assert_int_equal(r.hops, 0);
	assert_int_equal(r.greeting_code, -1);
	assert_false(r.has_greeting);
	assert_null(r.origin);
	/* The same sensor twice: one string for the run. */
	assert_int_equal(parse(good, &r2), JR_RECORD);
	assert_ptr_equal(r.sensor, r2.sensor);
}

/* An accepted IPv6 attempt with a greeting, an ICMP answer from a hop. */
static void
other_shapes(void **state)
{
	struct record r;

	(void)state;
	assert_int_equal(parse("{\"type\":\"attempt\",\"sensor\":\"b\",\"ts\":"
	    "\"2026-11-23T17:29:19.970713Z\",\"verdict_ts\":\"2026-11-23T17:29:20.000000Z\","
	    "\"client\":\"2001:db8:c0::10\",\"client_port\":1,\"server\":\"2001:db8:25::25\","
	    "\"server_port\":587,\"family\":6,\"class\":\"accepted\",\"reason\":\"syn-ack\","
	    "\"syns\":1,\"rtt_ms\":12,\"responder\":\"2001:db8:25::25\","
	    "\"responder_is_server\":true,\"greeting_code\":220,"
	    "\"greeting\":\"mx ESMTP \\\\x1b lab\",\"greeting_truncated\":true}", &r),
	    JR_RECORD);
	assert_int_equal(r.t.client.family, 6);
	assert_int_equal(r.rtt_us, 12000);
	assert_int_equal(r.greeting_code, 220);
	assert_true(r.has_greeting);
	assert_true(r.greeting_truncated);
	assert_string_equal(r.greeting, "mx ESMTP \\x1b lab");
	assert_int_equal(parse("{\"ts\":\"2026-11-23T17:28:57.354689Z\",\"verdict_ts\":"
	    "\"2026-11-23T17:28:57.354723Z\",\"client\":\"192.0.2.10\",\"client_port\":54068,"
	    "\"server\":\"203.0.113.25\",\"server_port\":25,\"family\":4,\"class\":"
	    "\"prohibited\",\"reason\":\"admin-prohibited\",\"syns\":1,\"rtt_ms\":0.034,"
	    "\"icmp_type\":3,\"icmp_code\":13,\"responder\":\"198.51.100.1\","
	    "\"responder_is_server\":false,\"reply_ttl\":64,\"hops\":0,"
	    "\"errno\":\"EHOSTUNREACH\"}", &r), JR_RECORD);
	/* no type, no sensor: a line of an older smtpscope, this sensor's */
	assert_null(r.sensor);
	assert_int_equal(r.icmp_type, 3);
	assert_int_equal(r.icmp_code, 13);
	assert_false(record_responder_is_server(&r));
}

/* A prefix before the first '{' is no matter; a line without one is not
 * JSON; other types are skipped. */
static void
prefixes_and_types(void **state)
{
	char line[2048];
	struct record r;

	(void)state;
	snprintf(line, sizeof line, "Dec  2 06:49:19 mta1 smtpscope[123]: %s", good);
	assert_int_equal(parse(line, &r), JR_RECORD);
	assert_string_equal(r.sensor, "mta1");
	snprintf(line, sizeof line, "2026-12-02T06:49:19+0000 mta1 smtpscope: %s\r\n",
	    good);
	assert_int_equal(parse(line, &r), JR_RECORD);
	assert_int_equal(parse("", &r), JR_NOT_JSON);
	assert_int_equal(parse("Dec  2 06:49:19 mta1 smtpscope[123]: listening on eth0",
	    &r), JR_NOT_JSON);
	assert_int_equal(parse("{\"type\":\"summary\",\"sensor\":\"mta1\",\"attempts\":3}",
	    &r), JR_OTHER_TYPE);
	assert_int_equal(parse("x: {\"type\":\"finding\",\"failed\":[{\"source\":1}]}",
	    &r), JR_OTHER_TYPE);
	assert_int_equal(parse("{\"type\":\"expectation\"}", &r), JR_OTHER_TYPE);
	assert_int_equal(parse("{\"type\":5}", &r), JR_BAD);
	assert_string_equal(why, "type: not a string");
	assert_int_equal(parse("{\"type\":null}", &r), JR_BAD);
	assert_string_equal(why, "type: not a string");
}

static void
bad_json(void **state)
{
	struct record r;
	char line[2048];
	size_t n;

	(void)state;
	assert_int_equal(parse("prefix: {\"client\":", &r), JR_BAD);
	assert_true(strncmp(why, "bad JSON at column ", 19) == 0);
	assert_int_equal(parse("{\"a\":1} trailing", &r), JR_BAD);
	assert_true(strncmp(why, "bad JSON at column ", 19) == 0);
	assert_int_equal(parse("[{\"a\":1}]", &r), JR_BAD);
	/* The same key twice is ambiguous: refused. */
	n = strlen(good);
	snprintf(line, sizeof line, "%.*s,\"class\":\"accepted\"}", (int)n - 1, good);
	assert_int_equal(parse(line, &r), JR_BAD);
	assert_true(strncmp(why, "bad JSON at column ", 19) == 0);
	/* jansson quotes the input: the message stays printable. */
	assert_int_equal(parse("{\"a\":\x1b[31m}", &r), JR_BAD);
	for (n = 0; why[n] != '\0'; n++)
		assert_true(why[n] >= ' ' && why[n] <= '~');
	/* A NUL inside the line is refused, not a cut line. */
	assert_int_equal(jsonrec_parse(jr, "{\"a\":\"x\0y\"}", 11, &r, why,
	    sizeof why), JR_BAD);
	/* An empty object is an attempt with no field. */
	assert_int_equal(parse("{}", &r), JR_BAD);
	assert_string_equal(why, "ts: missing");
}

static void
bad_fields(void **state)
{
	char longg[GREETING_MAX + 8];

	(void)state;
	refused("ts", "-", "ts: missing");
	refused("ts", "null", "ts: missing");
	refused("ts", "5", "ts: not a string");
	refused("ts", "\"nope\"", "ts: 'nope' is not a time of the form "
	    "2026-12-02T04:03:06.123456Z");
	refused("verdict_ts", "\"2026-02-30T00:00:00.000000Z\"", "verdict_ts: "
	    "'2026-02-30T00:00:00.000000Z' is not a time of the form "
	    "2026-12-02T04:03:06.123456Z");
	refused("client", "-", "client: missing");
	refused("client", "\"192.0.2.x\"", "client: '192.0.2.x' is not an IPv4 or "
	    "IPv6 address");
	refused("client", "[1]", "client: not a string");
	refused("client_port", "70000", "client_port: 70000 is out of range (0-65535)");
	refused("client_port", "\"25\"", "client_port: not a whole number");
	refused("client_port", "25.5", "client_port: not a whole number");
	refused("server", "-", "server: missing");
	refused("server_port", "-1", "server_port: -1 is out of range (0-65535)");
	refused("family", "6", "family: 6 does not match client and server");
	refused("family", "-", "family: missing");
	refused("server", "\"2001:db8::25\"", "family: 4 does not match client and "
	    "server");
	refused("class", "\"nope\"", "class: 'nope' is not a class");
	refused("class", "-", "class: missing");
	refused("reason", "\"syn-ack\"", "reason: 'syn-ack' is not a reason of "
	    "class refused");
	refused("reason", "true", "reason: not a string");
	refused("errno", "\"ETIMEDOUT\"", "errno: 'ETIMEDOUT' does not go with "
	    "refused/reset");
	refused("errno", "null", "errno: null does not go with refused/reset");
	refused("syns", "-", "syns: missing");
	refused("syns", "4294967296", "syns: 4294967296 is out of range "
	    "(0-4294967295)");
	refused("rtt_ms", "\"1\"", "rtt_ms: not a number");
	refused("rtt_ms", "-1", "rtt_ms: -1 is out of range (0-1e10)");
	refused("icmp_type", "3", "icmp_type and icmp_code: one without the other");
	refused("icmp_code", "256", "icmp_code: 256 is out of range (0-255)");
	refused("responder", "\"nope\"", "responder: 'nope' is not an IPv4 or IPv6 "
	    "address");
	refused("responder", "\"2001:db8::1\"", "responder: not of the attempt's "
	    "family");
	refused("responder_is_server", "false", "responder_is_server: false does "
	    "not match responder and server");
	refused("responder_is_server", "null", "responder_is_server: null does "
	    "not match responder and server");
	refused("responder_is_server", "1", "responder_is_server: not true or "
	    "false");
	refused("responder", "null", "responder_is_server: true does not match "
	    "responder and server");
	refused("responder_first_hop", "false", "responder_first_hop: false is "
	    "never written");
	refused("responder_first_hop", "1", "responder_first_hop: not true or "
	    "false");
	/* the first hop's answer is not the server's */
	refused("responder_first_hop", "true", "responder_is_server: true does "
	    "not match responder and server");
	refused("reply_ttl", "300", "reply_ttl: 300 is out of range (0-255)");
	refused("hops", "-2", "hops: -2 is out of range (0-255)");
	refused("greeting_code", "1000", "greeting_code: 1000 is out of range (0-999)");
	refused("greeting", "\"a\\u001b[31mb\"", "greeting: not sanitised text "
	    "(printable ASCII, at most 160 characters)");
	memset(longg, 'g', sizeof longg);
	longg[0] = '"';
	longg[GREETING_MAX + 2] = '"';
	longg[GREETING_MAX + 3] = '\0';
	refused("greeting", longg, "greeting: not sanitised text (printable ASCII, "
	    "at most 160 characters)");
	refused("greeting_truncated", "true", "greeting_truncated: not null with "
	    "no greeting");
	refused("greeting_truncated", "\"yes\"", "greeting_truncated: not true or "
	    "false");
	refused("sensor", "\"a b\"", "sensor: 'a b' is not a sensor name");
	refused("sensor", "\"\"", "sensor: '' is not a sensor name");
	refused("sensor", "\"\\u001b]0;x\"", "sensor: '?]0;x' is not a sensor name");
	refused("sensor", "5", "sensor: not a string");
	refused("sensor", "\"sensor-with-a-name-that-is-longer-than-sixty-four-"
	    "characters-in-all\"", "sensor: 'sensor-with-a-name-that-is-longer-"
	    "tha...' is not a sensor name");
	refused("mx", "\"bad name\"", "mx: 'bad name' is not a host name");
	refused("domain", "\"\"", "domain: '' is not a host name");
	refused("mx_pref", "70000", "mx_pref: 70000 is out of range (0-65535)");
	refused("source", "\"192.0.2.11\"", "source: not the client's address");
	refused("source", "\"x\"", "source: 'x' is not an IPv4 or IPv6 address");
}

/* Probe records: their origin, one struct per (mx, domain, mx_pref). */
static void
origins(void **state)
{
	struct record r1, r2, r3;
	char *a, *b;

	(void)state;
	a = with("mx", "\"mx1.example.test\"");
	b = with("mx_pref", "10");
	assert_int_equal(parse(a, &r1), JR_RECORD);
	assert_non_null(r1.origin);
	assert_string_equal(r1.origin->mx, "mx1.example.test");
	assert_null(r1.origin->domain);
	assert_int_equal(r1.origin->mx_pref, -1);
	assert_int_equal(parse(a, &r2), JR_RECORD);
	assert_ptr_equal(r1.origin, r2.origin);
	assert_int_equal(parse(b, &r3), JR_RECORD);
	assert_non_null(r3.origin);
	assert_null(r3.origin->mx);
	assert_int_equal(r3.origin->mx_pref, 10);
	assert_ptr_not_equal(r1.origin, r3.origin);
	free(a);
	free(b);
	assert_int_equal(parse("{\"type\":\"attempt\",\"sensor\":\"p\",\"ts\":"
	    "\"2026-11-23T17:28:30.430515Z\",\"verdict_ts\":\"2026-11-23T17:28:30.430541Z\","
	    "\"client\":\"192.0.2.10\",\"client_port\":41908,\"server\":\"203.0.113.25\","
	    "\"server_port\":25,\"family\":4,\"class\":\"dropped\",\"reason\":"
	    "\"no-response\",\"syns\":3,\"errno\":\"ETIMEDOUT\",\"source\":\"192.0.2.10\","
	    "\"mx\":\"mx2.example.test\",\"mx_pref\":20,\"domain\":\"example.test\"}",
	    &r1), JR_RECORD);
	assert_string_equal(r1.origin->mx, "mx2.example.test");
	assert_string_equal(r1.origin->domain, "example.test");
	assert_int_equal(r1.origin->mx_pref, 20);
	/* null everywhere: captured traffic */
	a = with("mx", "null");
	assert_int_equal(parse(a, &r1), JR_RECORD);
	assert_null(r1.origin);
	free(a);
}

/* Past the bounds, each new name is an error line; known ones still go. */
static void
bounds(void **state)
{
	struct record r;
	char v[64], *line;
	int i;

	(void)state;
	/* the first is good's own, so its lines still go below */
	for (i = 0; i < JSONREC_MAX_SENSORS; i++) {
		snprintf(v, sizeof v, i ? "\"s%d\"" : "\"mta1\"", i);
		line = with("sensor", v);
		assert_int_equal(parse(line, &r), JR_RECORD);
		free(line);
	}
	line = with("sensor", "\"one-more\"");
	assert_int_equal(parse(line, &r), JR_BAD);
	assert_string_equal(why, "sensor: more than 1024 sensors");
	free(line);
	line = with("sensor", "\"s7\"");
	assert_int_equal(parse(line, &r), JR_RECORD);
	free(line);
	for (i = 0; i < JSONREC_MAX_ORIGINS; i++) {
		snprintf(v, sizeof v, "\"mx%d.example.test\"", i);
		line = with("mx", v);
		assert_int_equal(parse(line, &r), JR_RECORD);
		free(line);
	}
	line = with("mx", "\"mx.example.test\"");
	assert_int_equal(parse(line, &r), JR_BAD);
	assert_string_equal(why, "mx: more than 4096 probe targets");
	free(line);
}

/* Whatever the writer writes, the reader reads back as it was. */
static void
writer_read_back(void **state)
{
	struct record w, r;
	struct origin o = { "mx1.example.test", "example.test", 5, 0, 0, 0, 0 };
	char buf[4096];
	FILE *fp;

	(void)state;
	memset(&w, 0, sizeof w);
	addr_parse("2001:db8:c0::10", &w.t.client);
	addr_parse("2001:db8:25::25", &w.t.server);
	w.t.client_port = 65535;
	w.t.server_port = 25;
	w.first_syn_us = -62167219200000001LL;
	w.verdict_us = 1795455710999999LL;
	w.v = verdict_superseded();
	w.syns = 4000000000U;
	w.rtt_us = 1234567;
	w.icmp_type = w.icmp_code = -1;
	addr_parse("2001:db8::1", &w.responder);
	w.reply_ttl = 255;
	w.hops = 0;
	w.greeting_code = 554;
	w.has_greeting = true;
	strcpy(w.greeting, "554 \\\\ \"quoted\" \\x00");
	w.origin = &o;
	fp = fmemopen(buf, sizeof buf, "w");
	assert_non_null(fp);
	json_write_record(fp, &w, "writer", NULL, 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(parse(buf, &r), JR_RECORD);
	assert_string_equal(r.sensor, "writer");
	assert_memory_equal(&r.t, &w.t, sizeof r.t);
	assert_int_equal(r.first_syn_us, w.first_syn_us);
	assert_int_equal(r.verdict_us, w.verdict_us);
	assert_ptr_equal(r.v.reason, w.v.reason);
	assert_int_equal(r.syns, w.syns);
	assert_int_equal(r.rtt_us, w.rtt_us);
	assert_true(addr_eq(&r.responder, &w.responder));
	assert_int_equal(r.reply_ttl, 255);
	assert_string_equal(r.greeting, w.greeting);
	assert_string_equal(r.origin->mx, "mx1.example.test");
	assert_string_equal(r.origin->domain, "example.test");
	assert_int_equal(r.origin->mx_pref, 5);
}

/* A line longer than the writer's buffer (verify's expectation text,
 * long names) goes out in pieces, escaped and never cut: jansson reads
 * back each string as it was. */
static void
writer_long_line(void **state)
{
	static char text[9000], mx[3000];
	struct record w;
	struct origin o = { mx, NULL, -1, 0, 0, 0, 0 };
	struct field x[2];
	char *buf = NULL;
	size_t len = 0, i;
	json_t *j;
	FILE *fp;

	(void)state;
	for (i = 0; i < sizeof text - 1; i++)
		text[i] = "ab\"\\\x01,\n "[i % 8];
	for (i = 0; i < sizeof mx - 1; i++)
		mx[i] = "mx,\"."[i % 5];
	memset(&w, 0, sizeof w);
	addr_parse("192.0.2.1", &w.t.client);
	addr_parse("203.0.113.25", &w.t.server);
	w.v = verdict_no_response();
	w.icmp_type = w.icmp_code = w.reply_ttl = w.hops = -1;
	w.greeting_code = w.rtt_us = -1;
	w.has_greeting = true;
	memset(w.greeting, '"', GREETING_MAX);
	w.origin = &o;
	memset(x, 0, sizeof x);
	x[0].name = "expect";
	x[0].kind = FK_STR;
	x[0].text = text;
	x[1].name = "pass";
	x[1].kind = FK_BOOL;
	x[1].text = "false";
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	json_write_record(fp, &w, "writer", x, 2);
	assert_int_equal(fclose(fp), 0);
	assert_true(len > 4096 * 3);
	assert_int_equal(buf[len - 1], '\n');
	j = json_loads(buf, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "expect")), text);
	assert_string_equal(json_string_value(json_object_get(j, "mx")), mx);
	assert_string_equal(json_string_value(json_object_get(j, "greeting")),
	    w.greeting);
	assert_true(json_is_false(json_object_get(j, "pass")));
	json_decref(j);
	free(buf);
}

/* jsonfeed: records merged by verdict time, the rest counted, refusals
 * named by file and line. */
struct got {
	char order[64];
	char bad[8][96];
	int nbad;
};

static void
got_record(void *ctx, const struct record *r)
{
	struct got *g = ctx;
	size_t n = strlen(g->order);

	snprintf(g->order + n, sizeof g->order - n, "%s%d", n ? " " : "",
	    r->t.client_port);
}

static void
got_bad(void *ctx, const char *name, uint64_t line, const char *w)
{
	struct got *g = ctx;

	if (g->nbad < 8)
		snprintf(g->bad[g->nbad], sizeof g->bad[0], "%s:%llu: %s", name,
		    (unsigned long long)line, w);
	g->nbad++;
}

static char *
line_at(const char *verdict_ts, int port)
{
	char v[64], *line, *out;
	json_t *o;

	snprintf(v, sizeof v, "\"%s\"", verdict_ts);
	line = with("verdict_ts", v);
	o = json_loads(line, 0, NULL);
	json_object_set_new(o, "client_port", json_integer(port));
	out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	free(line);
	return out;
}

static void
feed_merge(void **state)
{
	static const struct jsonfeed_ops ops = { got_record, got_bad };
	char *l1 = line_at("2026-11-23T17:28:31.000000Z", 1);
	char *l2 = line_at("2026-11-23T17:28:33.000000Z", 2);
	char *l3 = line_at("2026-11-23T17:28:32.000000Z", 3);
	char *l4 = line_at("2026-11-23T17:28:33.000000Z", 4);
	char a[8192], b[40000];
	struct input_stats in = { 0, 0, 0, 0, 0, 0 };
	struct got g;
	FILE *fp[2];
	const char *names[2] = { "a.json", "b.json" };
	size_t n;

	(void)state;
	memset(&g, 0, sizeof g);
	snprintf(a, sizeof a, "%s\nnot json\n{\"type\":\"summary\"}\n%s\n", l1, l2);
	n = (size_t)snprintf(b, sizeof b, "journal: %s\n{\"class\":\n", l3);
	memset(b + n, 'x', JSONFEED_MAX_LINE + 10);
	n += JSONFEED_MAX_LINE + 10;
	snprintf(b + n, sizeof b - n, "\n%s", l4);	/* no newline at the end */
	fp[0] = fmemopen(a, strlen(a), "r");
	fp[1] = fmemopen(b, strlen(b), "r");
	assert_int_equal(jsonfeed_run(jr, fp, names, 2, &ops, &g, &in), 0);
	/* by verdict time; the tie (2, 4) to the file named first */
	assert_string_equal(g.order, "1 3 2 4");
	assert_int_equal(in.files, 2);
	assert_int_equal(in.lines, 8);
	assert_int_equal(in.records, 4);
	assert_int_equal(in.not_json, 1);
	assert_int_equal(in.other_type, 1);
	assert_int_equal(in.bad, 2);
	assert_int_equal(g.nbad, 2);
	assert_true(strncmp(g.bad[0], "b.json:2: bad JSON at column ", 29) == 0);
	assert_string_equal(g.bad[1], "b.json:3: line longer than 16384 bytes");
	fclose(fp[0]);
	fclose(fp[1]);
	free(l1);
	free(l2);
	free(l3);
	free(l4);
}

int
main(void)
{
/* Each test with a jsonrec of its own (the interning tables are bounded). */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(good_line), T(other_shapes), T(prefixes_and_types), T(bad_json),
		T(bad_fields), T(origins), T(writer_read_back), T(writer_long_line),
		T(feed_merge),
		T(bounds),
	};

	return cmocka_run_group_tests_name("jsonrec", tests, NULL, NULL);
}

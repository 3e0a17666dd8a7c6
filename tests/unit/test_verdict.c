/* The taxonomy table, hop estimates, greeting sanitising and the record schema. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "report/fields.h"
#include "report/sink.h"
#include "core/greeting.h"
#include "core/verdict.h"

static void
check(int family, int type, int code, enum vclass c, const char *reason, int err)
{
	/* Set: under -flto, gcc does not know that a failed assert_true()
	 * does not return. */
	struct verdict v = { 0 };

	assert_true(verdict_icmp(family, (uint8_t)type, (uint8_t)code, &v));
	assert_int_equal(v.cls, c);
	assert_string_equal(v.reason, reason);
	assert_int_equal(v.err, err);
}

static void
icmp_taxonomy(void **state)
{
	struct verdict v;

	(void)state;
	check(4, 3, 3, VC_REFUSED, "port-unreach", ECONNREFUSED);
	check(4, 3, 10, VC_PROHIBITED, "host-prohibited", EHOSTUNREACH);
	check(4, 3, 9, VC_PROHIBITED, "net-prohibited", ENETUNREACH);
	check(4, 3, 13, VC_PROHIBITED, "admin-prohibited", EHOSTUNREACH);
	check(4, 3, 14, VC_PROHIBITED, "admin-prohibited", EHOSTUNREACH);
	check(4, 3, 15, VC_PROHIBITED, "admin-prohibited", EHOSTUNREACH);
	check(4, 3, 1, VC_UNREACHABLE, "host-unreach", EHOSTUNREACH);
	check(4, 3, 0, VC_UNREACHABLE, "net-unreach", ENETUNREACH);
	check(4, 3, 2, VC_UNREACHABLE, "proto-unreach", ENOPROTOOPT);
	check(4, 11, 0, VC_UNREACHABLE, "ttl-exceeded", EHOSTUNREACH);
	check(4, 3, 200, VC_UNREACHABLE, "dest-unreach", EHOSTUNREACH);
	check(6, 1, 4, VC_REFUSED, "port-unreach", ECONNREFUSED);
	check(6, 1, 1, VC_PROHIBITED, "admin-prohibited", EACCES);
	check(6, 1, 5, VC_PROHIBITED, "admin-prohibited", EACCES);
	check(6, 1, 6, VC_PROHIBITED, "admin-prohibited", EACCES);
	check(6, 1, 3, VC_UNREACHABLE, "host-unreach", EHOSTUNREACH);
	check(6, 1, 0, VC_UNREACHABLE, "no-route", ENETUNREACH);
	check(6, 3, 0, VC_UNREACHABLE, "ttl-exceeded", EHOSTUNREACH);
	assert_false(verdict_icmp(4, 0, 0, &v));	/* echo reply */
	assert_false(verdict_icmp(6, 128, 0, &v));	/* echo request */
	assert_false(verdict_icmp(4, 1, 0, &v));	/* ICMPv6 type number in v4 */
	assert_string_equal(vclass_name(VC_DROPPED), "dropped");
	assert_int_equal(verdict_no_response().err, ETIMEDOUT);
}

static void
hop_estimates(void **state)
{
	(void)state;
	assert_int_equal(hops_from_ttl(64), 0);
	assert_int_equal(hops_from_ttl(54), 10);
	assert_int_equal(hops_from_ttl(128), 0);
	assert_int_equal(hops_from_ttl(117), 11);
	assert_int_equal(hops_from_ttl(255), 0);
	assert_int_equal(hops_from_ttl(240), 15);
	assert_int_equal(hops_from_ttl(1), 63);
}

static void
greeting_lines(void **state)
{
	struct greeting g;
	static const uint8_t multi[] = "220-mx.example ESMTP\r\n220 ok\r\n";
	static const uint8_t nasty[] = "554 no\x01\x7f \\ \"q\"\r\n";
	static const uint8_t plain[] = "hello there\n";
	static const uint8_t cut[] = "421 4.3.2 going down";
	uint8_t longline[400];

	(void)state;
	greeting_parse(&g, multi, sizeof multi - 1, sizeof multi - 1);
	assert_int_equal(g.code, 220);
	assert_string_equal(g.text, "mx.example ESMTP");
	assert_false(g.truncated);
	greeting_parse(&g, nasty, sizeof nasty - 1, sizeof nasty - 1);
	assert_int_equal(g.code, 554);
	assert_string_equal(g.text, "no\\x01\\x7f \\\\ \"q\"");
	greeting_parse(&g, plain, sizeof plain - 1, sizeof plain - 1);
	assert_int_equal(g.code, -1);
	assert_string_equal(g.text, "hello there");
	/* Cut by the snap length in the middle of the line. */
	greeting_parse(&g, cut, sizeof cut - 1, 80);
	assert_int_equal(g.code, 421);
	assert_true(g.truncated);
	/* Cut by the length cap: marked too. */
	memset(longline, 'a', sizeof longline);
	greeting_parse(&g, longline, sizeof longline, sizeof longline);
	assert_int_equal(strlen(g.text), GREETING_MAX);
	assert_true(g.truncated);
	greeting_parse(&g, NULL, 0, 10);
	assert_true(g.truncated);
	assert_string_equal(g.text, "");
}

/* The JSON line of r (report/json.c), in a buffer to free. */
static char *
json_line(const struct record *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	json_write_record(fp, r, NULL, NULL, 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* The fields in the schema's order, absent ones null, and the text of
 * each kind of value. */
static void
schema_nulls(void **state)
{
	static const char *const nulls[] = { "rtt_ms", "icmp_type",
	    "icmp_code", "responder", "responder_is_server", "reply_ttl",
	    "hops", "greeting_code", "greeting", "greeting_truncated" };
	struct record r;
	struct origin o;
	char key[64], *line, *at;
	size_t i;

	(void)state;
	memset(&r, 0, sizeof r);
	memset(&o, 0, sizeof o);
	r.t.client.family = r.t.server.family = 4;
	r.t.server.b[0] = 203;
	r.t.server_port = 25;
	r.v = verdict_no_response();
	r.syns = 2;
	r.rtt_us = -1;
	r.icmp_type = r.icmp_code = r.reply_ttl = r.hops = r.greeting_code = -1;
	line = json_line(&r);
	at = line;
	for (i = 0; i < NFIELDS; i++) {
		snprintf(key, sizeof key, ",\"%s\":", field_names[i]);
		assert_non_null(at = strstr(at, key));
	}
	assert_null(strstr(line, "\"source\""));
	for (i = 0; i < sizeof nulls / sizeof nulls[0]; i++) {
		snprintf(key, sizeof key, ",\"%s\":null", nulls[i]);
		assert_non_null(strstr(line, key));
	}
	assert_non_null(strstr(line, ",\"errno\":\"ETIMEDOUT\","));
	assert_non_null(strstr(line, ",\"server\":\"203.0.0.0\","));
	assert_non_null(strstr(line, ",\"client_port\":0,"));
	assert_non_null(strstr(line, ",\"syns\":2,"));
	assert_non_null(strstr(line,
	    ",\"ts\":\"1970-01-01T00:00:00.000000Z\","));
	free(line);
	r.rtt_us = 1234567;
	r.responder = r.t.server;
	r.greeting_code = 220;
	r.has_greeting = true;
	strcpy(r.greeting, "mx \\\\ \"hi\"");
	line = json_line(&r);
	assert_non_null(strstr(line, ",\"rtt_ms\":1234.567,"));
	assert_non_null(strstr(line, ",\"responder_is_server\":true,"));
	assert_non_null(strstr(line, ",\"greeting\":\"mx \\\\\\\\ \\\"hi\\\"\","));
	assert_non_null(strstr(line, ",\"greeting_truncated\":false}"));
	free(line);
	/* Probe records add source, mx, mx_pref, domain. */
	r.origin = &o;
	o.mx = "mx1.example.test";
	o.mx_pref = 10;
	o.domain = "example.test";
	line = json_line(&r);
	assert_non_null(strstr(line, ",\"greeting_truncated\":false,"
	    "\"source\":\"0.0.0.0\",\"mx\":\"mx1.example.test\","
	    "\"mx_pref\":10,\"domain\":\"example.test\"}"));
	free(line);
	o.mx = NULL;
	o.mx_pref = -1;
	o.domain = NULL;
	line = json_line(&r);
	assert_non_null(strstr(line, ",\"mx\":null,\"mx_pref\":null,"
	    "\"domain\":null}"));
	free(line);
}

/* CSV: a probe record whose mx is longer than the line buffer, with
 * commas and quotes: quoted, quotes doubled, one line, never cut; then
 * the header alone for a sink that saw no record. */
static void
csv_long_line(void **state)
{
	static char mx[6000], want[13000];
	struct record r;
	struct origin o;
	struct sink *s;
	struct stats st;
	char *buf = NULL, *nl;
	size_t len = 0, i, n = 0;
	FILE *fp;

	(void)state;
	for (i = 0; i < sizeof mx - 1; i++) {
		mx[i] = "m,\"x"[i % 4];
		if (mx[i] == '"')
			want[n++] = '"';
		want[n++] = mx[i];
	}
	memset(&r, 0, sizeof r);
	memset(&o, 0, sizeof o);
	r.t.client.family = r.t.server.family = 4;
	r.v = verdict_no_response();
	r.rtt_us = -1;
	r.icmp_type = r.icmp_code = r.reply_ttl = r.hops = r.greeting_code = -1;
	o.mx = mx;
	o.mx_pref = 7;
	r.origin = &o;
	memset(&st, 0, sizeof st);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	s = sink_csv_new(fp);
	s->ops->record(s, &r);
	s->ops->finish(s, &st, 1);
	s->ops->free(s);
	assert_int_equal(fclose(fp), 0);
	nl = strchr(buf, '\n');
	assert_non_null(nl);
	assert_true(strncmp(nl + 1, "1970-01-01T00:00:00.000000Z,", 28) == 0);
	assert_non_null(strstr(nl + 1, ",0.0.0.0,\""));
	assert_true(strncmp(strstr(nl + 1, ",0.0.0.0,\"") + 10, want, n) == 0);
	assert_true(strcmp(buf + len - 5, "\",7,\n") == 0);
	assert_int_equal(strchr(nl + 1, '\n') - buf + 1, (long)len);
	free(buf);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	s = sink_csv_new(fp);
	s->ops->finish(s, &st, 1);
	s->ops->free(s);
	assert_int_equal(fclose(fp), 0);
	assert_true(strncmp(buf, "ts,verdict_ts,", 14) == 0);
	assert_int_equal(strchr(buf, '\n') - buf + 1, (long)len);
	assert_non_null(strstr(buf, ",greeting_truncated\n"));
	free(buf);
}

/* Names read back (smtpscope scope) give the taxonomy's own entry: its
 * static reason string, and the errno that goes with it. */
static void
find_by_names(void **state)
{
	struct verdict v, want;

	(void)state;
	assert_true(verdict_find(VC_ACCEPTED, "syn-ack", NULL, &v));
	want = verdict_syn_ack();
	assert_ptr_equal(v.reason, want.reason);
	assert_int_equal(v.err, 0);
	assert_true(verdict_find(VC_REFUSED, "reset", "ECONNREFUSED", &v));
	assert_ptr_equal(v.reason, verdict_reset().reason);
	/* One reason, two errnos: ICMP (v4) and ICMPv6 admin-prohibited. */
	assert_true(verdict_find(VC_PROHIBITED, "admin-prohibited", "EHOSTUNREACH", &v));
	assert_int_equal(v.err, EHOSTUNREACH);
	assert_true(verdict_find(VC_PROHIBITED, "admin-prohibited", "EACCES", &v));
	assert_int_equal(v.err, EACCES);
	assert_true(verdict_find(VC_UNREACHABLE, "dest-unreach", "EPROTO", &v));
	assert_true(verdict_find(VC_UNRESOLVED, "superseded", NULL, &v));
	/* The wrong class, errno, or none where one belongs: no verdict. */
	assert_false(verdict_find(VC_REFUSED, "syn-ack", NULL, &v));
	assert_false(verdict_find(VC_REFUSED, "reset", "ETIMEDOUT", &v));
	assert_false(verdict_find(VC_REFUSED, "reset", NULL, &v));
	assert_false(verdict_find(VC_ACCEPTED, "syn-ack", "ECONNREFUSED", &v));
	assert_false(verdict_find(VC_DROPPED, "no-such-reason", "ETIMEDOUT", &v));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(icmp_taxonomy),
		cmocka_unit_test(hop_estimates),
		cmocka_unit_test(greeting_lines),
		cmocka_unit_test(schema_nulls),
		cmocka_unit_test(csv_long_line),
		cmocka_unit_test(find_by_names),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}

/* The taxonomy table, hop estimates, greeting sanitising and the record schema. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "report/fields.h"
#include "core/greeting.h"
#include "core/verdict.h"

static void
check(int family, int type, int code, enum vclass c, const char *reason, int err)
{
	struct verdict v;

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

static void
schema_nulls(void **state)
{
	struct record r;
	struct origin o;
	struct field f[NFIELDS_MAX];
	int i;

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
	assert_int_equal(record_fields(&r, f), NFIELDS);
	for (i = 0; i < NFIELDS; i++) {
		const char *n = f[i].name;

		if (strcmp(n, "rtt_ms") == 0 || strcmp(n, "icmp_type") == 0 ||
		    strcmp(n, "responder") == 0 || strcmp(n, "responder_is_server") == 0 ||
		    strcmp(n, "greeting") == 0 || strcmp(n, "greeting_code") == 0 ||
		    strcmp(n, "hops") == 0)
			assert_int_equal(f[i].kind, FK_NULL);
		if (strcmp(n, "errno") == 0)
			assert_string_equal(f[i].text, "ETIMEDOUT");
		if (strcmp(n, "server") == 0)
			assert_string_equal(f[i].text, "203.0.0.0");
		if (strcmp(n, "ts") == 0)
			assert_string_equal(f[i].text, "1970-01-01T00:00:00.000000Z");
	}
	r.rtt_us = 1234567;
	record_fields(&r, f);
	assert_string_equal(f[10].name, "rtt_ms");
	assert_string_equal(f[10].text, "1234.567");
	/* Probe records add source, mx, mx_pref, domain. */
	r.origin = &o;
	o.mx = "mx1.example.test";
	o.mx_pref = 10;
	o.domain = "example.test";
	assert_int_equal(record_fields(&r, f), NFIELDS_MAX);
	assert_string_equal(f[21].name, "source");
	assert_string_equal(f[21].text, "0.0.0.0");
	assert_string_equal(f[22].text, "mx1.example.test");
	assert_string_equal(f[23].text, "10");
	assert_string_equal(f[24].name, "domain");
	assert_string_equal(f[24].text, "example.test");
	o.mx = NULL;
	o.mx_pref = -1;
	o.domain = NULL;
	record_fields(&r, f);
	assert_int_equal(f[22].kind, FK_NULL);
	assert_int_equal(f[23].kind, FK_NULL);
	assert_int_equal(f[24].kind, FK_NULL);
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
		cmocka_unit_test(find_by_names),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}

/*
 * The MTA log parser on real public log lines (provenance and licences in
 * tests/maillog/README.md):
 *  - Postfix smtp(8)/error(8) messages: the test cases of
 *    whyscream/postfix-grok-patterns (BSD-3-Clause), test/smtp_000[1-7],
 *    smtp_001[6-9], error_000[12], smtpd_0001, qmgr/postscreen lines.  The
 *    project stores the message without its syslog header; each is framed
 *    here with a header (ours) in each syslog format.
 *  - Exim main-log lines: Exim's own test suite (Exim/exim, GPL-2.0-or-
 *    later), test/log/0099, 0218, 0623, as the suite stores them (its
 *    harness fixes times to 1999-03-02 09:44:33, pids to pppp, errnos to dd).
 * Plus the hostile cases: NUL, over-long, invalid UTF-8, truncated JSON,
 * time going back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "maillog/parse.h"
#include "util/timefmt.h"

static struct ml_event got[8];
static int ngot;

static void
take(void *ctx, const struct ml_event *e)
{
	(void)ctx;
	if (ngot < 8)
		got[ngot] = *e;
	ngot++;
}

/* 2026-12-02 12:00:00 UTC: "now" for the year of RFC 3164 lines. */
#define NOW_S 1796212800LL

static struct ml_parser *
parser(void)
{
	static struct ml_parser p;
	struct ml_clock c = { .utc_offset_set = 1, .utc_offset_s = 0,
	    .now_s = NOW_S };

	ml_parser_init(&p, &c, take, NULL);
	ngot = 0;
	return &p;
}

/* Feeds text (lines ending in '\n'); the number of events. */
static int
feed(struct ml_parser *p, const char *text)
{
	ngot = 0;
	ml_feed(p, text, strlen(text));
	ml_finish(p);
	return ngot;
}

static void
assert_addr(const struct addr *a, const char *want)
{
	char s[ADDR_STRLEN];

	assert_string_equal(addr_str(a, s), want);
}

static void
assert_time(int64_t us, const char *want)
{
	char s[40];

	fmt_time(s, sizeof s, us);
	assert_string_equal(s, want);
}

#define PF "Dec  2 11:00:00 mx postfix/smtp[4242]: "

static void
postfix_sent(void **state)
{
	struct ml_parser *p = parser();

	(void)state;
	/* smtp_0001.yaml */
	assert_int_equal(feed(p, PF "7EE668039: to=<admin@example.com>, relay=127.0.0.1[127.0.0.1]:2525, delay=3.6, delays=0.2/0.02/0.04/3.3, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 153053D)\n"), 1);
	assert_int_equal(got[0].outcome, ML_DELIVERED);
	assert_int_equal(got[0].status, ML_ST_SENT);
	assert_true(got[0].attempt);
	assert_int_equal(got[0].port, 2525);
	assert_addr(&got[0].server, "127.0.0.1");
	assert_string_equal(got[0].rcpt, "admin@example.com");
	assert_string_equal(got[0].domain, "example.com");
	assert_string_equal(got[0].queue_id, "7EE668039");
	assert_string_equal(got[0].text, "250 2.0.0 Ok: queued as 153053D");
	assert_int_equal(got[0].pid, 4242);
	assert_time(got[0].ts_us, "2026-12-02T11:00:00.000000Z");
	/* smtp_0002.yaml */
	assert_int_equal(feed(p, PF "0D9633D: to=<jos@example.com>, orig_to=<bestuur@example.com>, relay=mail1.example.net[10.74.103.11]:25, delay=11, delays=5.4/0.06/5.1/0.03, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as F12DF84004)\n"), 1);
	assert_string_equal(got[0].host, "mail1.example.net");
	assert_addr(&got[0].server, "10.74.103.11");
	assert_string_equal(got[0].rcpt, "jos@example.com");
	/* smtp_0017.yaml: LMTP over a UNIX socket is no server address */
	assert_int_equal(feed(p, PF "AD6E41CDC05C: to=<admin@example.com>, relay=sub1.example.com[private/dovecot-lmtp], delay=0.15, delays=0.04/0/0.02/0.08, dsn=2.0.0, status=sent (250 2.0.0 <admin@example.com> qYyyBMsl9FRuZQAAA15QOA Saved)\n"), 1);
	assert_false(got[0].attempt);
	assert_int_equal(got[0].server.family, 0);
}

static void
postfix_failures(void **state)
{
	struct ml_parser *p = parser();

	(void)state;
	/* smtp_0005.yaml */
	assert_int_equal(feed(p, PF "connect to intern.nl[194.109.6.98]:25: Connection timed out\n"), 1);
	assert_int_equal(got[0].outcome, ML_TIMEDOUT);
	assert_int_equal(got[0].status, ML_ST_NONE);
	assert_true(got[0].attempt);
	assert_string_equal(got[0].host, "intern.nl");
	assert_int_equal(got[0].port, 25);
	/* smtp_0007.yaml */
	assert_int_equal(feed(p, PF "connect to mail2.crabruzzo.it[2.115.207.21]:25: No route to host\n"), 1);
	assert_int_equal(got[0].outcome, ML_NOROUTE);
	assert_addr(&got[0].server, "2.115.207.21");
	/* smtp_0006.yaml */
	assert_int_equal(feed(p, PF "B99FE3D: lost connection with mx3.hotmail.com[65.55.37.72] while receiving the initial server greeting\n"), 1);
	assert_int_equal(got[0].outcome, ML_LOSTGREET);
	assert_string_equal(got[0].queue_id, "B99FE3D");
	assert_int_equal(got[0].port, 0);
	/* smtp_0018.yaml: IPv6, a 550 after DATA, bounced */
	assert_int_equal(feed(p, PF "4E74613FE76: to=<redacted@gmail.com>, relay=gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b]:25, delay=1.9, delays=0.05/0/1.1/0.71, dsn=5.7.1, status=bounced (host gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b] said: 550-5.7.1 [2607:4100:3:25:100::2      12] Our system has detected that this 550-5.7.1 message is likely unsolicited mail. To reduce the amount of spam sent 550-5.7.1 to Gmail, this message has been blocked. Please visit 550-5.7.1 http://support.google.com/mail/bin/answer.py?hl=en&answer=188131 for 550 5.7.1 more information. qc12si8475009pab.211 - gsmtp (in reply to end of DATA command))\n"), 1);
	assert_int_equal(got[0].status, ML_ST_BOUNCED);
	assert_int_equal(got[0].outcome, ML_REJECTED);
	assert_addr(&got[0].server, "2607:f8b0:400e:c04::1b");
	assert_int_equal(got[0].port, 25);
	assert_string_equal(got[0].domain, "gmail.com");
	assert_true(strlen(got[0].text) <= ML_TEXT_MAX);
}

static void
postfix_error_and_skips(void **state)
{
	struct ml_parser *p = parser();

	(void)state;
	/* error_0001.yaml: error(8) defers with the last reason; no attempt */
	assert_int_equal(feed(p, "Dec  2 11:00:00 mx postfix/error[77]: 2DC5552A34: to=<user@yahoo.com>, relay=none, delay=63495, delays=63350/144/0/0, dsn=4.4.2, status=deferred (delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO)\n"), 1);
	assert_int_equal(got[0].status, ML_ST_DEFERRED);
	assert_int_equal(got[0].outcome, ML_OTHER);
	assert_false(got[0].attempt);
	assert_addr(&got[0].server, "98.136.216.22");
	/* error_0002.yaml, smtp_0003/0016/0019: Postfix, no delivery */
	assert_int_equal(feed(p,
	    "Dec  2 11:00:00 mx postfix/error[77]: 3E29030F8637E: to=<user@yahoo.com>, relay=none, delay=0.01, delays=0.01/0/0/0, dsn=5.1.1, status=undeliverable-but-not-cached (User unknown in virtual alias table)\n"
	    PF "Untrusted TLS connection established to mx4.hotmail.com[65.55.92.136]:25: TLSv1.2 with cipher ECDHE-RSA-AES256-SHA384 (256/256 bits)\n"
	    PF "Verified TLS connection established to mail.sys4.de[2001:1578:400:111::7]:25: TLSv1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits)\n"
	    PF "warning: problem talking to service private/scache: Connection timed out\n"), 0);
	assert_int_equal(p->n.not_delivery, 4);
	/* other daemons: smtpd_0001, qmgr_0001, postscreen_0002, and a
	 * kernel line */
	assert_int_equal(feed(p,
	    "Dec  2 11:00:00 mx postfix/smtpd[12]: connect from 061238241086.static.ctinets.com[61.238.241.86]\n"
	    "Dec  2 11:00:00 mx postfix/qmgr[13]: 0F5383D: removed\n"
	    "Dec  2 11:00:00 mx postfix/postscreen[14]: CONNECT from [61.238.241.86]:53024 to [89.105.204.244]:25\n"
	    "Dec  2 11:00:00 mx kernel: [ 1.0] connect to x[192.0.2.1]:25: Connection refused\n"), 0);
	assert_int_equal(p->n.other_daemon, 4);
}

#define EX "1999-03-02 09:44:33 "

static void
exim_lines(void **state)
{
	struct ml_parser *p = parser();

	(void)state;
	/* test/log/0099 */
	assert_int_equal(feed(p,
	    EX "10HmaX-0005vi-00 <= CALLER@test.ex U=CALLER P=local S=sss for userx@simple\n"
	    EX "10HmaX-0005vi-00 H=thishost.test.ex [127.0.0.1] Connection refused\n"
	    EX "10HmaX-0005vi-00 == userx@simple R=all T=smtp defer (dd): Connection refused\n"
	    EX "Start queue run: pid=pppp\n"
	    EX "10HmaX-0005vi-00 == userx@simple R=all T=smtp defer (-54): retry time not reached for any host for 'simple'\n"), 3);
	assert_int_equal(got[0].mta, ML_EXIM);
	assert_int_equal(got[0].outcome, ML_REFUSED);
	assert_true(got[0].attempt);
	assert_string_equal(got[0].host, "thishost.test.ex");
	assert_string_equal(got[0].queue_id, "10HmaX-0005vi-00");
	assert_time(got[0].ts_us, "1999-03-02T09:44:33.000000Z");
	assert_int_equal(got[1].status, ML_ST_DEFERRED);
	assert_int_equal(got[1].outcome, ML_REFUSED);
	assert_false(got[1].attempt);
	assert_string_equal(got[1].domain, "simple");
	assert_int_equal(got[2].outcome, ML_OTHER);
	assert_int_equal(p->n.not_delivery, 2);
	/* test/log/0623 */
	assert_int_equal(feed(p,
	    EX "10HmaX-0005vi-00 => good@test.ex R=client T=send_to_server H=127.0.0.1 [127.0.0.1] L C=\"250 OK message data\"\n"
	    EX "10HmaZ-0005vi-00 H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after end of data: 451 Service not available\n"
	    EX "10HmaZ-0005vi-00 == tempreject@test.ex R=client T=send_to_server defer (-46) H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after end of data: 451 Service not available\n"
	    EX "10HmbA-0005vi-00 ** permreject@test.ex R=client T=send_to_server H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after end of data: 550 content rejected\n"
	    EX "10HmbB-0005vi-00 H=127.0.0.1 [127.0.0.1]: Remote host closed connection in response to end of data\n"), 5);
	assert_int_equal(got[0].outcome, ML_DELIVERED);
	assert_true(got[0].attempt);
	assert_int_equal(got[1].outcome, ML_REJECTED);
	assert_true(got[1].attempt);
	assert_int_equal(got[2].status, ML_ST_DEFERRED);
	assert_false(got[2].attempt);	/* the host line's repeat */
	assert_int_equal(got[3].status, ML_ST_BOUNCED);
	assert_true(got[3].attempt);
	assert_int_equal(got[4].outcome, ML_OTHER);
	/* test/log/0218: "[...]*" */
	assert_int_equal(feed(p, EX "10HmaY-0005vi-00 => b@test.ex F=<CALLER@test.ex> R=client T=send_to_server H=127.0.0.1 [127.0.0.1]* C=\"250 OK\"\n"), 1);
	assert_int_equal(got[0].outcome, ML_DELIVERED);
	assert_addr(&got[0].server, "127.0.0.1");
}

/* One message in each frame: the same event, the time as each gives it. */
static void
frames(void **state)
{
	static const char msg[] = "connect to intern.nl[194.109.6.98]:25: Connection timed out";
	char line[512];
	struct ml_parser *p = parser();

	(void)state;
	snprintf(line, sizeof line, "2026-12-02T12:00:01.250000+01:00 mx postfix/smtp[9]: %s\n", msg);
	assert_int_equal(feed(p, line), 1);
	assert_time(got[0].ts_us, "2026-12-02T11:00:01.250000Z");
	snprintf(line, sizeof line, "<22>1 2026-12-02T11:00:02Z mx postfix/smtp 9 - - %s\n", msg);
	assert_int_equal(feed(p, line), 1);
	assert_time(got[0].ts_us, "2026-12-02T11:00:02.000000Z");
	assert_int_equal(got[0].pid, 9);
	snprintf(line, sizeof line, "{\"__REALTIME_TIMESTAMP\":\"1796209203000001\",\"SYSLOG_IDENTIFIER\":\"postfix/smtp\",\"_PID\":\"9\",\"MESSAGE\":\"%s\"}\n", msg);
	assert_int_equal(feed(p, line), 1);
	assert_time(got[0].ts_us, "2026-12-02T11:00:03.000001Z");
	assert_string_equal(got[0].prog, "postfix/smtp");
	/* RFC 3164 in December read in December: this year; a fixed zone */
	p->clock.utc_offset_s = 3600;
	snprintf(line, sizeof line, "Dec  2 12:00:04 mx postfix/smtp[9]: %s\n", msg);
	assert_int_equal(feed(p, line), 1);
	assert_time(got[0].ts_us, "2026-12-02T11:00:04.000000Z");
	/* more than a day after now: last year's */
	snprintf(line, sizeof line, "Dec 24 12:00:04 mx postfix/smtp[9]: %s\n", msg);
	assert_int_equal(feed(p, line), 1);
	assert_time(got[0].ts_us, "2025-12-24T11:00:04.000000Z");
	/* --log-year, and the year turning within the file */
	p->clock.year = 2020;
	snprintf(line, sizeof line, "Dec 31 23:59:59 mx postfix/smtp[9]: %s\n"
	    "Jan  1 00:00:01 mx postfix/smtp[9]: %s\n", msg, msg);
	assert_int_equal(feed(p, line), 2);
	assert_time(got[0].ts_us, "2020-12-31T22:59:59.000000Z");
	assert_time(got[1].ts_us, "2020-12-31T23:00:01.000000Z");
}

static void
hostile(void **state)
{
	static char big[ML_LINE_MAX + 100];
	struct ml_parser *p = parser();
	static const char nul[] = PF "connect to a[192.0.2.1]:25: Connection refused\0x\n";

	(void)state;
	ml_feed(p, nul, sizeof nul - 1);
	assert_int_equal(p->n.nul, 1);
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 2] = '\n';
	assert_int_equal(feed(p, big), 0);
	assert_int_equal(p->n.too_long, 1);
	/* invalid UTF-8 in the text: replaced, the line still read */
	assert_int_equal(feed(p, PF "connect to a[192.0.2.1]:25: Connection refused \xff\xc0\x80\xed\xa0\x80\n"), 1);
	assert_int_equal(p->n.bad_utf8, 1);
	assert_int_equal(got[0].outcome, ML_REFUSED);
	assert_int_equal(feed(p, "{\"__REALTIME_TIMESTAMP\":\"1796209203000001\",\"MESS\n"), 0);
	assert_int_equal(p->n.bad_json, 1);
	assert_int_equal(feed(p, "2026-12-02T11:00:10Z mx postfix/smtp[9]: connect to a[192.0.2.1]:25: Connection refused\n"
	    "2026-12-02T10:00:10Z mx postfix/smtp[9]: connect to a[192.0.2.1]:25: Connection refused\n"
	    "2026-02-30T10:00:10Z mx postfix/smtp[9]: connect to a[192.0.2.1]:25: Connection refused\n"), 2);
	assert_int_equal(p->n.time_back, 1);
	assert_int_equal(p->n.bad_time, 1);
	/* no frame at all; a bracket without an address */
	assert_int_equal(feed(p, "hello\n" PF "connect to a[not-an-addr]:25: Connection refused\n"
	    PF "connect to a[192.0.2.1]:99999: Connection refused\n"), 0);
	assert_int_equal(p->n.unframed, 1);
	/* a last line without '\n' is read at the end */
	assert_int_equal(feed(p, PF "connect to a[192.0.2.1]:25: Network is unreachable"), 1);
	assert_int_equal(got[0].outcome, ML_NETUNREACH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(postfix_sent),
		cmocka_unit_test(postfix_failures),
		cmocka_unit_test(postfix_error_and_skips),
		cmocka_unit_test(exim_lines),
		cmocka_unit_test(frames),
		cmocka_unit_test(hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

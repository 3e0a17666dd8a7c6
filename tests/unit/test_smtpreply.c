/* SMTP replies: single and multi-line, enhanced codes, pieces, the
 * bounds, malformed lines, and the blocklist / rate-limit hints. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/smtpreply.h"

static struct smtp_parser P;

/* Feeds s in pieces of step bytes; the status, *used the total taken. */
static enum smtp_status
feed(const char *s, size_t len, size_t step, size_t *taken)
{
	enum smtp_status st = SMTP_MORE;
	size_t at = 0, used;

	smtp_parser_init(&P);
	while (at < len && st == SMTP_MORE) {
		size_t n = len - at < step ? len - at : step;

		st = smtp_feed(&P, (const uint8_t *)s + at, n, &used);
		assert_true(used <= n);
		at += used;
	}
	*taken = at;
	return st;
}

static enum smtp_status
feed_str(const char *s)
{
	size_t taken;

	return feed(s, strlen(s), strlen(s) + 1, &taken);
}

static void
single_line(void **state)
{
	(void)state;
	assert_int_equal(feed_str("220 mx.example.test ESMTP\r\n"), SMTP_DONE);
	assert_int_equal(P.r.code, 220);
	assert_string_equal(P.r.enhanced, "");
	assert_int_equal(P.r.nlines, 1);
	assert_string_equal(P.r.lines[0], "mx.example.test ESMTP");
	/* a bare code, and a bare LF */
	assert_int_equal(feed_str("421\n"), SMTP_DONE);
	assert_int_equal(P.r.code, 421);
	assert_string_equal(P.r.lines[0], "");
}

static void
multi_line_in_pieces(void **state)
{
	static const char s[] = "250-mx.example.test\r\n250-PIPELINING\r\n"
	    "250-STARTTLS\r\n250 8BITMIME\r\n221 next reply";
	size_t step, taken;

	(void)state;
	for (step = 1; step <= sizeof s; step++) {
		assert_int_equal(feed(s, sizeof s - 1, step, &taken), SMTP_DONE);
		/* the next reply's bytes are left */
		assert_int_equal(taken, strstr(s, "221") - s);
		assert_int_equal(P.r.code, 250);
		assert_int_equal(P.r.nlines, 4);
		assert_string_equal(P.r.lines[2], "STARTTLS");
		assert_true(smtp_reply_has(&P.r, "<starttls>"));
	}
	/* not complete yet */
	assert_int_equal(feed_str("250-a\r\n250 b"), SMTP_MORE);
}

static void
enhanced_codes(void **state)
{
	(void)state;
	assert_int_equal(feed_str("554-5.7.1 Service unavailable; client "
	    "[192.0.2.11] blocked using zen.example\r\n554 5.7.1 see it\r\n"),
	    SMTP_DONE);
	assert_string_equal(P.r.enhanced, "5.7.1");
	assert_string_equal(P.r.lines[0], "Service unavailable; client "
	    "[192.0.2.11] blocked using zen.example");
	assert_string_equal(P.r.lines[1], "see it");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_BLOCKLIST);
	assert_int_equal(feed_str("421 4.7.0 too many connections from your IP\r\n"),
	    SMTP_DONE);
	assert_string_equal(P.r.enhanced, "4.7.0");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_RATE_LIMIT);
	/* class unlike the code's, too many digits, no separator: text */
	assert_int_equal(feed_str("550 4.7.1 x\r\n"), SMTP_DONE);
	assert_string_equal(P.r.enhanced, "");
	assert_string_equal(P.r.lines[0], "4.7.1 x");
	assert_int_equal(feed_str("550 5.1234.1 x\r\n"), SMTP_DONE);
	assert_string_equal(P.r.enhanced, "");
	assert_int_equal(feed_str("550 5.7.1x\r\n"), SMTP_DONE);
	assert_string_equal(P.r.enhanced, "");
	assert_int_equal(feed_str("550 5.999.999\r\n"), SMTP_DONE);
	assert_string_equal(P.r.enhanced, "5.999.999");
	assert_string_equal(P.r.lines[0], "");
}

static void
malformed(void **state)
{
	(void)state;
	assert_int_equal(feed_str("hello\r\n"), SMTP_BAD);
	assert_int_equal(feed_str("22\r\n"), SMTP_BAD);
	assert_int_equal(feed_str("620 x\r\n"), SMTP_BAD);
	assert_int_equal(feed_str("220x\r\n"), SMTP_BAD);
	assert_int_equal(feed_str("250-a\r\n251 b\r\n"), SMTP_BAD);
	assert_string_equal(P.why, "a line's code differs from the first line's");
	/* once bad, it stays bad and takes nothing */
	{
		size_t used = 9;

		assert_int_equal(smtp_feed(&P, (const uint8_t *)"250 ok\r\n", 8,
		    &used), SMTP_BAD);
		assert_int_equal(used, 0);
	}
}

static void
bounds(void **state)
{
	static char s[4096];
	size_t n, i;

	(void)state;
	/* 998 characters and CRLF: the longest line; one more is too long */
	memcpy(s, "220 ", 4);
	memset(s + 4, 'a', 994);
	memcpy(s + 998, "\r\n", 3);
	assert_int_equal(feed_str(s), SMTP_DONE);
	assert_int_equal(strlen(P.r.lines[0]), SMTP_TEXT_MAX);
	assert_int_equal(P.r.cut, 1);
	memset(s + 4, 'a', 995);
	memcpy(s + 999, "\r\n", 3);
	assert_int_equal(feed_str(s), SMTP_BAD);
	/* 32 lines, then 33 */
	for (n = 0, i = 0; i < 31; i++)
		n += (size_t)snprintf(s + n, sizeof s - n, "250-l%zu\r\n", i);
	snprintf(s + n, sizeof s - n, "250 last\r\n");
	assert_int_equal(feed_str(s), SMTP_DONE);
	assert_int_equal(P.r.nlines, 32);
	snprintf(s + n, sizeof s - n, "250-l\r\n250 last\r\n");
	assert_int_equal(feed_str(s), SMTP_BAD);
	/* control bytes and backslashes, escaped; escapes never overrun */
	assert_int_equal(feed_str("220 a\\b\x01\x7f\r\n"), SMTP_DONE);
	assert_string_equal(P.r.lines[0], "a\\\\b\\x01\\x7f");
	memcpy(s, "220 ", 4);
	memset(s + 4, 1, 300);
	memcpy(s + 304, "\r\n", 3);
	assert_int_equal(feed_str(s), SMTP_DONE);
	assert_true(strlen(P.r.lines[0]) <= SMTP_TEXT_MAX);
	assert_int_equal(P.r.cut, 1);
}

static void
hints(void **state)
{
	(void)state;
	feed_str("220 mx.example.test ESMTP; listed hosts welcome\r\n");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_NONE);
	feed_str("550 5.7.1 Client host rejected: listed in RBL\r\n");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_BLOCKLIST);
	feed_str("554 Your address is on our BLACKLIST\r\n");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_BLOCKLIST);
	feed_str("554 unlisted problem; generate a ticket\r\n");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_NONE);
	feed_str("450 4.7.1 Connection rate limit exceeded\r\n");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_RATE_LIMIT);
	feed_str("421 Service not available, try again later\r\n");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_RATE_LIMIT);
	/* a rate word with another code is no rate limit */
	feed_str("554 too many connections\r\n");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_NONE);
	feed_str("421 4.3.2 generated shutdown\r\n");
	assert_int_equal(smtp_reply_hint(&P.r), SMTP_HINT_NONE);
	assert_string_equal(smtp_hint_name(SMTP_HINT_BLOCKLIST), "blocklist");
	assert_string_equal(smtp_hint_name(SMTP_HINT_RATE_LIMIT), "rate-limit");
	assert_null(smtp_hint_name(SMTP_HINT_NONE));
}

static void
helo_names(void **state)
{
	static char long_label[70], long_name[300];

	(void)state;
	assert_true(smtp_helo_ok("mta1"));
	assert_true(smtp_helo_ok("mail.example.test"));
	assert_true(smtp_helo_ok("a-b.example"));
	assert_true(smtp_helo_ok("[192.0.2.1]"));
	assert_true(smtp_helo_ok("[IPv6:2001:db8::1]"));
	assert_false(smtp_helo_ok(""));
	assert_false(smtp_helo_ok("mail..example"));
	assert_false(smtp_helo_ok(".example"));
	assert_false(smtp_helo_ok("example."));
	assert_false(smtp_helo_ok("-a.example"));
	assert_false(smtp_helo_ok("a-.example"));
	assert_false(smtp_helo_ok("a b"));
	assert_false(smtp_helo_ok("a\r\nMAIL FROM:<x>"));
	assert_false(smtp_helo_ok("[192.0.2.1"));
	assert_false(smtp_helo_ok("[2001:db8::1]"));
	assert_false(smtp_helo_ok("[IPv6:192.0.2.1]"));
	memset(long_label, 'a', 64);
	assert_false(smtp_helo_ok(long_label));
	long_label[63] = '\0';
	assert_true(smtp_helo_ok(long_label));
	memset(long_name, 'a', 254);
	for (size_t i = 50; i < 254; i += 50)
		long_name[i] = '.';
	assert_false(smtp_helo_ok(long_name));
	long_name[253] = '\0';
	assert_true(smtp_helo_ok(long_name));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_line),
		cmocka_unit_test(multi_line_in_pieces),
		cmocka_unit_test(enhanced_codes),
		cmocka_unit_test(malformed),
		cmocka_unit_test(bounds),
		cmocka_unit_test(hints),
		cmocka_unit_test(helo_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

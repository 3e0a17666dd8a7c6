/* The verify expectations grammar and its error positions (diff's reading
 * of JSON lines: test_diff.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "verify/expect.h"

static struct portset ports;

/* Loads text as an expectations file; returns expect_load's result. */
static int
load(const char *text, struct expect_file *f, char *err, size_t errlen)
{
	char path[] = "/tmp/smtpscope-expect-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *fp = fdopen(fd, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	rc = expect_load(path, &ports, f, err, errlen);
	/* Messages name the file; tests compare what follows it. */
	if (rc != 0) {
		char *colon = strstr(err, path);

		if (colon != NULL)
			memmove(err, colon + strlen(path), strlen(colon + strlen(path)) + 1);
	}
	unlink(path);
	return rc;
}

static void
good_file(void **state)
{
	struct expect_file f;
	char err[256];

	(void)state;
	portset_add(&ports, 25, 25);
	assert_int_equal(load(
	    "# comment\n"
	    "\n"
	    "from 192.0.2.10 to mx1.example.net port 25 expect accepted\n"
	    "from 192.0.2.11 to 203.0.113.26 port 25,587 expect refused/reset\n"
	    "to mx:example.org port 25 expect prohibited   # trailing comment\n"
	    "from 192.0.2.10,2001:db8::10 to 203.0.113.27 port 587 expect dropped\n"
	    "to 203.0.113.28 expect any-of refused/reset,dropped via 198.51.100.1\n"
	    "to 203.0.113.29 expect not accepted via target\n", &f, err, sizeof err), 0);
	assert_int_equal(f.n, 6);
	assert_int_equal(f.e[0].line, 3);
	{
		char a[ADDR_STRLEN];

		assert_string_equal(addr_str(&f.e[0].spec.sources[0], a), "192.0.2.10");
	}
	assert_string_equal(f.e[0].spec.targets[0], "mx1.example.net");
	assert_int_equal(f.e[0].items[0].cls, VC_ACCEPTED);
	assert_true(portset_has(&f.e[1].ports, 587));
	assert_string_equal(f.e[1].items[0].reason, "reset");
	assert_string_equal(f.e[2].spec.domains[0], "example.org");
	assert_int_equal(f.e[2].spec.ntargets, 0);
	assert_int_equal(f.e[3].spec.nsources, 2);
	assert_int_equal(f.e[4].kind, EX_ANY_OF);
	assert_int_equal(f.e[4].nitems, 2);
	assert_int_equal(f.e[4].via, 1);
	assert_true(portset_has(&f.e[4].ports, 25));	/* default */
	assert_int_equal(f.e[5].kind, EX_NOT);
	assert_int_equal(f.e[5].via, 2);
	assert_ptr_equal(f.e[5].spec.ports, &f.e[5].ports);
	expect_free(&f);
}

static void
check_error(const char *text, const char *want)
{
	struct expect_file f;
	char err[256];

	if (load(text, &f, err, sizeof err) != -1)
		fail_msg("accepted: %s", text);
	if (strcmp(err, want) != 0)
		fail_msg("for %s got '%s', want '%s'", text, err, want);
	assert_null(f.e);
}

static void
errors_name_line_and_column(void **state)
{
	(void)state;
	check_error("to 203.0.113.1 expect accepted\nfrom 192.0.2.10 too x expect accepted\n",
	    ":2:17: unknown keyword 'too' (from, to, port, expect, via)");
	check_error("from 192.0.2.300 to 203.0.113.1 expect accepted\n",
	    ":1:6: bad address '192.0.2.300'");
	check_error("to 203.0.113.1 port 25,99999 expect accepted\n",
	    ":1:24: bad port '99999' (1-65535)");
	check_error("to 203.0.113.1 port smtp expect accepted\n",
	    ":1:21: bad port 'smtp' (1-65535)");
	check_error("to 203.0.113.1 expect acepted\n",
	    ":1:23: unknown class 'acepted' (accepted, refused, prohibited, "
	    "unreachable, dropped)");
	check_error("to 203.0.113.1 expect refused/admin-prohibited\n",
	    ":1:31: 'admin-prohibited' is not a reason of class refused");
	check_error("to 203.0.113.1 expect refused,dropped\n",
	    ":1:23: several verdicts need 'any-of'");
	check_error("from 192.0.2.10 expect accepted\n", ":1:32: missing 'to'");
	check_error("to 203.0.113.1\n", ":1:15: missing 'expect'");
	check_error("to bad_host!name expect accepted\n",
	    ":1:4: bad address or host name 'bad_host!name'");
	check_error("to 203.0.113.1 via 198.51.100.1 expect accepted\n",
	    ":1:16: 'via' comes after 'expect'");
	check_error("to mx:-- expect accepted\n", ":1:7: bad domain '--'");
	check_error("to 203.0.113.1 expect accepted via target via 198.51.100.1\n",
	    ":1:43: 'via' given twice");
	check_error("# nothing\n", ": no expectations in the file");
}

/* "via target": the target's own answer, not the first hop's in its
 * name, which carries the same address. */
static void
via_target(void **state)
{
	struct expect_file f;
	struct record r;
	char err[256], why[160];

	(void)state;
	assert_int_equal(load("to 203.0.113.25 expect refused via target\n", &f,
	    err, sizeof err), 0);
	memset(&r, 0, sizeof r);
	assert_true(addr_parse("203.0.113.25", &r.t.server));
	assert_true(addr_parse("192.0.2.10", &r.t.client));
	r.v = verdict_reset();
	r.responder = r.t.server;
	assert_true(expect_met(&f.e[0], &r, why, sizeof why));
	r.responder_first_hop = true;
	assert_false(expect_met(&f.e[0], &r, why, sizeof why));
	assert_string_equal(why, "expected an answer from the target, answered "
	    "by the first hop in the name of 203.0.113.25");
	expect_free(&f);
}

/* A failure says what was expected as well as what was observed. */
static void
why_says_expected(void **state)
{
	static const struct { const char *line, *want; } c[] = {
		{ "to 203.0.113.25 expect accepted\n",
		    "expected accepted, observed refused/reset" },
		{ "to 203.0.113.25 expect any-of dropped,prohibited/admin-prohibited\n",
		    "expected any of dropped, prohibited/admin-prohibited, observed "
		    "refused/reset" },
		{ "to 203.0.113.25 expect not refused\n",
		    "expected not refused, observed refused/reset" },
		{ "to 203.0.113.25 expect refused via 198.51.100.1\n",
		    "expected an answer from 198.51.100.1, answered by 203.0.113.25" },
	};
	struct expect_file f;
	struct record r;
	char err[256], why[512];
	size_t i;

	(void)state;
	memset(&r, 0, sizeof r);
	assert_true(addr_parse("203.0.113.25", &r.t.server));
	assert_true(addr_parse("192.0.2.10", &r.t.client));
	r.v = verdict_reset();
	r.responder = r.t.server;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		assert_int_equal(load(c[i].line, &f, err, sizeof err), 0);
		assert_false(expect_met(&f.e[0], &r, why, sizeof why));
		assert_string_equal(why, c[i].want);
		expect_free(&f);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),
		cmocka_unit_test(errors_name_line_and_column),
		cmocka_unit_test(via_target),
		cmocka_unit_test(why_says_expected),
	};

	return cmocka_run_group_tests_name("expect", tests, NULL, NULL);
}

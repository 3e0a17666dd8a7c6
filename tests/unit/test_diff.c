/* diff_files on temporary files: what it prints for same, changed, appeared
 * and disappeared records, how it keys and collapses them, and the
 * "file:line:col: message" of a file it cannot read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "verify/diff.h"

static char dir[] = "/tmp/smtpscope-diff-XXXXXX";
static char before[64], after[64];
static char out[8192], err[512];

#define REC(cl, sv, cls, rsn) "{\"client\":\"" cl "\",\"server\":\"" sv "\"," \
	"\"server_port\":25,\"class\":\"" cls "\",\"reason\":\"" rsn "\"}\n"
#define ACCEPTED(cl, sv) REC(cl, sv, "accepted", "syn-ack")
#define REFUSED(cl, sv) REC(cl, sv, "refused", "reset")

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(before, sizeof before, "%s/before.json", dir);
	snprintf(after, sizeof after, "%s/after.json", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(before);
	unlink(after);
	return rmdir(dir);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Writes both files, runs diff_files, leaves its output in out and its
 * message in err; returns its result. */
static int
diff(const char *a, const char *b)
{
	FILE *fp;
	int rc;

	write_file(before, a);
	write_file(after, b);
	fp = fmemopen(out, sizeof out, "w");
	assert_non_null(fp);
	err[0] = '\0';
	rc = diff_files(before, after, fp, err, sizeof err);
	assert_int_equal(fclose(fp), 0);
	return rc;
}

static void
same(void **state)
{
	const char *a = ACCEPTED("192.0.2.10", "203.0.113.1")
	    REFUSED("192.0.2.10", "203.0.113.2");

	(void)state;
	assert_int_equal(diff(a, a), DIFF_SAME);
	assert_string_equal(out, "diff: 0 changed (0 regressions, 0 fixed), 0 appeared, 0 disappeared, 2 unchanged\n");
	/* Order, blank lines, other fields and the client port do not matter. */
	assert_int_equal(diff(a, "\n" REFUSED("192.0.2.10", "203.0.113.2") "  \n"
	    "{\"client_port\":40001,\"client\":\"192.0.2.10\",\"server\":\"203.0.113.1\","
	    "\"server_port\":25,\"class\":\"accepted\",\"reason\":\"syn-ack\",\"rtt_ms\":1.5}\n"),
	    DIFF_SAME);
	/* Two empty files are the same. */
	assert_int_equal(diff("", ""), DIFF_SAME);
	assert_string_equal(out, "diff: 0 changed (0 regressions, 0 fixed), 0 appeared, 0 disappeared, 0 unchanged\n");
}

static void
changed(void **state)
{
	(void)state;
	assert_int_equal(diff(ACCEPTED("192.0.2.10", "203.0.113.1")
	    ACCEPTED("192.0.2.10", "203.0.113.2"),
	    REFUSED("192.0.2.10", "203.0.113.1")
	    ACCEPTED("192.0.2.10", "203.0.113.2")), DIFF_DIFFERENT);
	assert_string_equal(out,
	    "regression  192.0.2.10 -> 203.0.113.1:25 accepted/syn-ack -> refused/reset\n"
	    "diff: 1 changed (1 regression, 0 fixed), 0 appeared, 0 disappeared, 1 unchanged\n");
	/* And back: a fix. */
	assert_int_equal(diff(REFUSED("192.0.2.10", "203.0.113.1"),
	    ACCEPTED("192.0.2.10", "203.0.113.1")), DIFF_DIFFERENT);
	assert_string_equal(out,
	    "fixed       192.0.2.10 -> 203.0.113.1:25 refused/reset -> accepted/syn-ack\n"
	    "diff: 1 changed (0 regressions, 1 fixed), 0 appeared, 0 disappeared, 0 unchanged\n");
	/* Some accepted, then none: a regression; unresolved is neither. */
	assert_int_equal(diff(ACCEPTED("192.0.2.10", "203.0.113.1")
	    REFUSED("192.0.2.10", "203.0.113.1")
	    REC("192.0.2.10", "203.0.113.2", "unresolved", "capture-ended"),
	    REC("192.0.2.10", "203.0.113.1", "dropped", "no-response")
	    ACCEPTED("192.0.2.10", "203.0.113.2")), DIFF_DIFFERENT);
	assert_string_equal(out,
	    "regression  192.0.2.10 -> 203.0.113.1:25 accepted/syn-ack, refused/reset -> "
	    "dropped/no-response\n"
	    "changed     192.0.2.10 -> 203.0.113.2:25 unresolved/capture-ended -> "
	    "accepted/syn-ack\n"
	    "diff: 2 changed (1 regression, 0 fixed), 0 appeared, 0 disappeared, 0 unchanged\n");
	/* Only the reason differs: a change too. */
	assert_int_equal(diff(REC("192.0.2.10", "203.0.113.1", "unreachable", "host-unreach"),
	    REC("192.0.2.10", "203.0.113.1", "unreachable", "net-unreach")), DIFF_DIFFERENT);
	assert_string_equal(out,
	    "changed     192.0.2.10 -> 203.0.113.1:25 unreachable/host-unreach -> "
	    "unreachable/net-unreach\n"
	    "diff: 1 changed (0 regressions, 0 fixed), 0 appeared, 0 disappeared, 0 unchanged\n");
}

static void
appeared_and_disappeared(void **state)
{
	(void)state;
	assert_int_equal(diff(ACCEPTED("192.0.2.10", "203.0.113.1")
	    ACCEPTED("192.0.2.10", "203.0.113.3"),
	    ACCEPTED("192.0.2.11", "203.0.113.1")
	    ACCEPTED("192.0.2.10", "203.0.113.3")), DIFF_DIFFERENT);
	/* In key order: "192.0.2.10 -> ..." before "192.0.2.11 -> ...". */
	assert_string_equal(out,
	    "disappeared 192.0.2.10 -> 203.0.113.1:25 accepted/syn-ack\n"
	    "appeared    192.0.2.11 -> 203.0.113.1:25 accepted/syn-ack\n"
	    "diff: 0 changed (0 regressions, 0 fixed), 1 appeared, 1 disappeared, 1 unchanged\n");
	assert_int_equal(diff("", REFUSED("192.0.2.10", "203.0.113.1")), DIFF_DIFFERENT);
	assert_string_equal(out,
	    "appeared    192.0.2.10 -> 203.0.113.1:25 refused/reset\n"
	    "diff: 0 changed (0 regressions, 0 fixed), 1 appeared, 0 disappeared, 0 unchanged\n");
	assert_int_equal(diff(REFUSED("192.0.2.10", "203.0.113.1"), ""), DIFF_DIFFERENT);
	assert_string_equal(out,
	    "disappeared 192.0.2.10 -> 203.0.113.1:25 refused/reset\n"
	    "diff: 0 changed (0 regressions, 0 fixed), 0 appeared, 1 disappeared, 0 unchanged\n");
}

/* probe writes "source" (preferred to "client"); IPv6 servers in brackets;
 * the server port is part of the key (keys in strcmp order). */
static void
keys(void **state)
{
	(void)state;
	assert_int_equal(diff(
	    "{\"source\":\"192.0.2.20\",\"client\":\"192.0.2.99\",\"server\":\"203.0.113.1\","
	    "\"server_port\":587,\"class\":\"dropped\",\"reason\":\"no-response\"}\n"
	    "{\"family\":6,\"client\":\"2001:db8::1\",\"server\":\"2001:db8::25\","
	    "\"server_port\":25,\"class\":\"accepted\",\"reason\":\"syn-ack\"}\n",
	    "{\"source\":\"192.0.2.20\",\"server\":\"203.0.113.1\",\"server_port\":25,"
	    "\"class\":\"dropped\",\"reason\":\"no-response\"}\n"), DIFF_DIFFERENT);
	assert_string_equal(out,
	    "appeared    192.0.2.20 -> 203.0.113.1:25 dropped/no-response\n"
	    "disappeared 192.0.2.20 -> 203.0.113.1:587 dropped/no-response\n"
	    "disappeared 2001:db8::1 -> [2001:db8::25]:25 accepted/syn-ack\n"
	    "diff: 0 changed (0 regressions, 0 fixed), 1 appeared, 2 disappeared, 0 unchanged\n");
}

/* A key seen several times (read output) keeps its distinct verdicts in
 * file order: the same set in another order is a change. */
static void
repeated_keys(void **state)
{
	(void)state;
	assert_int_equal(diff(ACCEPTED("192.0.2.10", "203.0.113.1")
	    REFUSED("192.0.2.10", "203.0.113.1")
	    ACCEPTED("192.0.2.10", "203.0.113.1"),
	    ACCEPTED("192.0.2.10", "203.0.113.1")
	    REFUSED("192.0.2.10", "203.0.113.1")), DIFF_SAME);
	assert_string_equal(out, "diff: 0 changed (0 regressions, 0 fixed), 0 appeared, 0 disappeared, 1 unchanged\n");
	assert_int_equal(diff(ACCEPTED("192.0.2.10", "203.0.113.1")
	    REFUSED("192.0.2.10", "203.0.113.1"),
	    REFUSED("192.0.2.10", "203.0.113.1")
	    ACCEPTED("192.0.2.10", "203.0.113.1")), DIFF_DIFFERENT);
	assert_string_equal(out,
	    "changed     192.0.2.10 -> 203.0.113.1:25 accepted/syn-ack, refused/reset -> "
	    "refused/reset, accepted/syn-ack\n"
	    "diff: 1 changed (0 regressions, 0 fixed), 0 appeared, 0 disappeared, 0 unchanged\n");
	/* A verdict that is the start of another is still a verdict of its own. */
	assert_int_equal(diff(REC("192.0.2.10", "203.0.113.1", "refused", "reset-x")
	    REC("192.0.2.10", "203.0.113.1", "refused", "reset"),
	    REC("192.0.2.10", "203.0.113.1", "refused", "reset-x")), DIFF_DIFFERENT);
	assert_string_equal(out,
	    "changed     192.0.2.10 -> 203.0.113.1:25 refused/reset-x, refused/reset -> "
	    "refused/reset-x\n"
	    "diff: 1 changed (0 regressions, 0 fixed), 0 appeared, 0 disappeared, 0 unchanged\n");
}

/* verify's line for an expectation that probed nothing is skipped. */
static void
expectation_lines_skipped(void **state)
{
	(void)state;
	assert_int_equal(diff(ACCEPTED("192.0.2.10", "203.0.113.1")
	    "{\"expect_line\":3,\"result\":\"FAIL\",\"why\":\"name did not resolve\"}\n",
	    ACCEPTED("192.0.2.10", "203.0.113.1")), DIFF_SAME);
}

/* Typed lines: attempts count, every other type (summaries, findings,
 * even nested ones, expectations) is skipped, wherever "type" stands; a
 * record may hold nested values of its own. */
static void
other_types_skipped(void **state)
{
	const char *a = ACCEPTED("192.0.2.10", "203.0.113.1");

	(void)state;
	assert_int_equal(diff(a,
	    "{\"type\":\"attempt\",\"sensor\":\"mta1\",\"client\":\"192.0.2.10\","
	    "\"server\":\"203.0.113.1\",\"server_port\":25,\"class\":\"refused\","
	    "\"reason\":\"reset\"}\n"
	    "{\"type\":\"summary\",\"sensor\":\"mta1\",\"attempts\":1}\n"
	    "{\"type\":\"finding\",\"failed\":[{\"source\":\"192.0.2.10\"}]}\n"
	    "{\"sensor\":\"mta1\",\"type\":\"summary\",\"client\":\"192.0.2.99\"}\n"
	    "{\"type\":\"expectation\",\"expect_line\":3,\"pass\":false}\n"
	    "{\"type\":\"attempt\",\"client\":\"192.0.2.10\",\"server\":\"203.0.113.1\","
	    "\"server_port\":25,\"class\":\"refused\",\"reason\":\"reset\","
	    "\"future\":{\"nested\":[1,2]}}\n"), DIFF_DIFFERENT);
	assert_string_equal(out, "regression  192.0.2.10 -> 203.0.113.1:25 "
	    "accepted/syn-ack -> refused/reset\n"
	    "diff: 1 changed (1 regression, 0 fixed), 0 appeared, 0 disappeared, 0 unchanged\n");
}

/* err without the temporary directory's name: "/before.json:..." */
static const char *
message(void)
{
	return strncmp(err, dir, strlen(dir)) == 0 ? err + strlen(dir) : err;
}

static void
errors(void **state)
{
	char longline[9000];

	(void)state;
	/* The line, and jansson's column (where the token it stopped at
	 * ends) and message. */
	assert_int_equal(diff(ACCEPTED("192.0.2.10", "203.0.113.1"),
	    ACCEPTED("192.0.2.10", "203.0.113.1") "{\"client\":\n"), DIFF_ERROR);
	assert_string_equal(message(), "/after.json:2:10: unexpected token near "
	    "end of file");
	assert_int_equal(diff("\n\n{\"client\":\"192.0.2.10\" \"server\":1}\n", ""),
	    DIFF_ERROR);
	assert_string_equal(message(), "/before.json:3:31: '}' expected near "
	    "'\"server\"'");
	assert_int_equal(diff("[1]\n", ""), DIFF_ERROR);
	assert_string_equal(message(), "/before.json:1:1: not a JSON object");
	/* The same key twice is ambiguous. */
	assert_int_equal(diff("{\"class\":\"accepted\",\"class\":\"refused\"}\n", ""),
	    DIFF_ERROR);
	assert_string_equal(message(), "/before.json:1:27: duplicate object key "
	    "near '\"class\"'");
	/* jansson quotes the input: the message stays printable. */
	assert_int_equal(diff("{\"a\":\x1b}\n", ""), DIFF_ERROR);
	assert_string_equal(message(), "/before.json:1:6: invalid token near '?'");
	assert_int_equal(diff("{\"server\":\"203.0.113.1\",\"server_port\":25,"
	    "\"class\":\"accepted\",\"reason\":\"syn-ack\"}\n", ""), DIFF_ERROR);
	assert_string_equal(message(), "/before.json:1:1: not a smtpscope record (needs "
	    "client or source, server, server_port, class, reason)");
	/* null is absent. */
	assert_int_equal(diff("", "{\"client\":\"192.0.2.10\",\"server\":\"203.0.113.1\","
	    "\"server_port\":25,\"class\":null,\"reason\":\"syn-ack\"}\n"), DIFF_ERROR);
	assert_string_equal(message(), "/after.json:1:1: not a smtpscope record (needs "
	    "client or source, server, server_port, class, reason)");
	memset(longline, 'x', sizeof longline - 2);
	longline[sizeof longline - 2] = '\n';
	longline[sizeof longline - 1] = '\0';
	assert_int_equal(diff(longline, ""), DIFF_ERROR);
	assert_string_equal(message(), "/before.json:1:1: line too long");
	/* A missing file, by name and errno text. */
	write_file(before, "");
	assert_int_equal(diff_files(before, "/nonexistent/after.json", stdout, err,
	    sizeof err), DIFF_ERROR);
	assert_string_equal(err, "/nonexistent/after.json: No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same),
		cmocka_unit_test(changed),
		cmocka_unit_test(appeared_and_disappeared),
		cmocka_unit_test(keys),
		cmocka_unit_test(repeated_keys),
		cmocka_unit_test(expectation_lines_skipped),
		cmocka_unit_test(other_types_skipped),
		cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests_name("diff", tests, setup, teardown);
}

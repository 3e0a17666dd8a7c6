/* The JSON-lines reader behind diff: flat objects parsed in place, strings
 * unescaped, scalars as written, and each refusal with its message and the
 * 1-based column diff prints as file:line:col. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "verify/jsonl.h"

/* Parses a copy of text (jsonl_parse writes into its line). */
static int
parse(const char *text, struct jsonl_field *f, int max, int *col,
    const char **why)
{
	static char line[8192];

	assert_true(strlen(text) < sizeof line);
	strcpy(line, text);
	*col = 0;
	*why = NULL;
	return jsonl_parse(line, f, max, col, why);
}

/* text must be refused with message want at column want_col. */
static void
refused(const char *text, const char *want, int want_col)
{
	struct jsonl_field f[JSONL_MAX_FIELDS];
	const char *why;
	int col;

	assert_int_equal(parse(text, f, JSONL_MAX_FIELDS, &col, &why), -1);
	assert_non_null(why);
	assert_string_equal(why, want);
	assert_int_equal(col, want_col);
}

static void
a_record(void **state)
{
	struct jsonl_field f[JSONL_MAX_FIELDS];
	const char *why;
	int n, col;

	(void)state;
	n = parse("{\"client\":\"192.0.2.10\",\"server_port\":25,\"rtt_ms\":-1.5e3,"
	    "\"greeting\":null,\"superseded\":false,\"ipv6\":true}\n",
	    f, JSONL_MAX_FIELDS, &col, &why);
	assert_int_equal(n, 6);
	/* Fields in file order, keys and values cut where they end. */
	assert_string_equal(f[0].key, "client");
	assert_string_equal(f[0].val, "192.0.2.10");
	assert_string_equal(f[1].key, "server_port");
	assert_string_equal(f[1].val, "25");
	assert_string_equal(f[2].val, "-1.5e3");
	assert_string_equal(f[3].key, "greeting");
	assert_true(f[3].is_null);
	assert_false(f[2].is_null);
	assert_string_equal(f[4].val, "false");
	assert_false(f[4].is_null);
	assert_string_equal(f[5].val, "true");
	/* jsonl_get: the value, NULL for null and for an absent key. */
	assert_string_equal(jsonl_get(f, n, "server_port"), "25");
	assert_string_equal(jsonl_get(f, n, "superseded"), "false");
	assert_null(jsonl_get(f, n, "greeting"));
	assert_null(jsonl_get(f, n, "server"));
	assert_null(jsonl_get(f, n, "client_"));
}

static void
whitespace_and_empty(void **state)
{
	struct jsonl_field f[JSONL_MAX_FIELDS];
	const char *why;
	int n, col;

	(void)state;
	assert_int_equal(parse("{}", f, JSONL_MAX_FIELDS, &col, &why), 0);
	assert_int_equal(parse(" \t{ }\r\n", f, JSONL_MAX_FIELDS, &col, &why), 0);
	n = parse("{ \"a\" : 1 , \"b\" :\t\"x y\" }\n", f, JSONL_MAX_FIELDS, &col, &why);
	assert_int_equal(n, 2);
	assert_string_equal(jsonl_get(f, n, "a"), "1");
	assert_string_equal(jsonl_get(f, n, "b"), "x y");
	/* Delimiters inside a string are the string's. */
	n = parse("{\"k,}\":\"v,} :\"}", f, JSONL_MAX_FIELDS, &col, &why);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].key, "k,}");
	assert_string_equal(f[0].val, "v,} :");
}

static void
escapes(void **state)
{
	struct jsonl_field f[JSONL_MAX_FIELDS];
	const char *why;
	int n, col;

	(void)state;
	n = parse("{\"s\":\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f.\"}", f,
	    JSONL_MAX_FIELDS, &col, &why);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].val, "q\"b\\s/n\nt\tr\rb\bf\f.");
	/* \u: ASCII as itself (either case of hex digits); what our output
	 * never writes (NUL, non-ASCII) as '?'. */
	n = parse("{\"u\":\"\\u0041\\u006a\\u006A\\u0009|\\u0000|\\u00e9|\\u20AC\","
	    "\"\\u006b\":1}", f, JSONL_MAX_FIELDS, &col, &why);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].val, "Ajj\t|?|?|?");
	assert_string_equal(f[1].key, "k");
	refused("{\"u\":\"\\u00g1\"}", "bad \\u escape", 6);
	refused("{\"u\":\"\\u12\"}", "bad \\u escape", 6);
	refused("{\"u\":\"\\x41\"}", "bad escape", 6);
	refused("{\"u\":\"a\tb\"}", "control character in string", 6);
}

static void
refusals(void **state)
{
	(void)state;
	refused("", "'{' expected", 1);
	refused("[1]", "'{' expected", 1);
	refused("  x", "'{' expected", 3);
	refused("{\"a\":1,}", "key expected", 8);
	refused("{a:1}", "key expected", 2);
	refused("{\"a\" 1}", "':' expected", 6);
	refused("{\"a\":}", "value expected", 6);
	/* A line cut after the colon: the column just past its end. */
	refused("{\"client\":\n", "value expected", 12);
	refused("{\"a\":1", "',' or '}' expected", 7);
	refused("{\"a\":1 \"b\":2}", "',' or '}' expected", 8);
	refused("{\"a\":tru}", "bad value", 6);
	refused("{\"a\":1x}", "bad value", 6);
	refused("{\"a\":'x'}", "bad value", 6);
	refused("{\"a\":1} x", "text after the object", 9);
	refused("{\"a\":1}{}", "text after the object", 8);
	/* An unterminated key: at the end of the line; value: at its quote. */
	refused("{\"abc", "unterminated string", 6);
	refused("{\"abcd\":\"xyz}", "unterminated string", 9);
}

static void
nested_refused(void **state)
{
	(void)state;
	refused("{\"a\":{\"b\":1}}", "nested values are not supported", 6);
	refused("{\"a\":[1,2]}", "nested values are not supported", 6);
	refused("{\"x\":1, \"a\":[]}", "nested values are not supported", 13);
}

/* max fields: exactly max is fine, one more is refused where it ends. */
static void
max_fields(void **state)
{
	struct jsonl_field f[JSONL_MAX_FIELDS + 1];
	char line[2048];
	const char *why;
	int i, col, len;

	(void)state;
	assert_int_equal(parse("{\"a\":1,\"b\":2,\"c\":3}", f, 3, &col, &why), 3);
	assert_int_equal(parse("{\"a\":1,\"b\":2,\"c\":3}", f, 2, &col, &why), -1);
	assert_string_equal(why, "too many fields");
	assert_int_equal(col, 19);
	assert_int_equal(parse("{\"a\":1}", f, 0, &col, &why), -1);
	assert_string_equal(why, "too many fields");

	len = snprintf(line, sizeof line, "{");
	for (i = 0; i < JSONL_MAX_FIELDS; i++)
		len += snprintf(line + len, sizeof line - len, "%s\"k%d\":%d",
		    i ? "," : "", i, i);
	snprintf(line + len, sizeof line - len, "}");
	assert_int_equal(parse(line, f, JSONL_MAX_FIELDS, &col, &why),
	    JSONL_MAX_FIELDS);
	assert_string_equal(f[JSONL_MAX_FIELDS - 1].key, "k39");
	assert_string_equal(f[JSONL_MAX_FIELDS - 1].val, "39");
	snprintf(line + len, sizeof line - len, ",\"one_more\":1}");
	assert_int_equal(parse(line, f, JSONL_MAX_FIELDS, &col, &why), -1);
	assert_string_equal(why, "too many fields");
	assert_int_equal(col, (int)strlen(line));
}

/* A repeated key: jsonl_get answers with the first. */
static void
first_of_repeated_key(void **state)
{
	struct jsonl_field f[JSONL_MAX_FIELDS];
	const char *why;
	int n, col;

	(void)state;
	n = parse("{\"a\":\"1\",\"a\":\"2\"}", f, JSONL_MAX_FIELDS, &col, &why);
	assert_int_equal(n, 2);
	assert_string_equal(jsonl_get(f, n, "a"), "1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_record),
		cmocka_unit_test(whitespace_and_empty),
		cmocka_unit_test(escapes),
		cmocka_unit_test(refusals),
		cmocka_unit_test(nested_refused),
		cmocka_unit_test(max_fields),
		cmocka_unit_test(first_of_repeated_key),
	};

	return cmocka_run_group_tests_name("jsonl", tests, NULL, NULL);
}

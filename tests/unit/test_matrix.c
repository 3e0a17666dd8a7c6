/* The probe matrix: its columns in MX order, whatever order answers came in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report/sink.h"

static struct record
rec(const char *client, const char *server, uint16_t port,
    const struct origin *o, struct verdict v)
{
	struct record r;

	memset(&r, 0, sizeof r);
	assert_true(addr_parse(client, &r.t.client));
	assert_true(addr_parse(server, &r.t.server));
	r.t.client_port = 40000;
	r.t.server_port = port;
	r.v = v;
	r.origin = o;
	return r;
}

/* The matrix written for records r[0..n-1], in that order, into buf. */
static void
matrix_of(const struct record *r, int n, char *buf, size_t buflen)
{
	struct stats st;
	struct sink *s;
	FILE *f = tmpfile();
	size_t len;
	int i;

	assert_non_null(f);
	memset(&st, 0, sizeof st);
	s = sink_matrix_new(f);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		s->ops->record(s, &r[i]);
	s->ops->finish(s, &st, 1);
	s->ops->free(s);
	rewind(f);
	len = fread(buf, 1, buflen - 1, f);
	buf[len] = '\0';
	fclose(f);
}

static void
columns_in_mx_order(void **state)
{
	/* MX 20, MX 10, an implicit MX (preference 0), a literal target:
	 * listed as the answers came, backwards. */
	struct origin mx20 = { "mx2.example.test", "example.test", 20, 0, 0, 0, 0 };
	struct origin mx10 = { "mx1.example.test", "example.test", 10, 0, 1, 0, 0 };
	struct origin mx0 = { "nomx.example.test", "nomx.example.test", 0, 0, 2, 0, 0 };
	struct origin lit = { NULL, NULL, -1, 0, 3, 0, 0 };
	struct record r[] = {
		rec("192.0.2.10", "203.0.113.40", 25, &lit, verdict_syn_ack()),
		rec("192.0.2.10", "2001:db8:203::26", 25, &mx20, verdict_reset()),
		rec("192.0.2.10", "203.0.113.26", 587, &mx20, verdict_reset()),
		rec("192.0.2.10", "203.0.113.26", 25, &mx20, verdict_syn_ack()),
		rec("192.0.2.10", "203.0.113.25", 25, &mx10, verdict_no_response()),
		rec("192.0.2.10", "203.0.113.28", 25, &mx0, verdict_syn_ack()),
		rec("192.0.2.10", "203.0.113.30", 25, &lit, verdict_syn_ack()),
	};
	const char *want =
	    "matrix: rows are sources, columns targets\n"
	    "  [1] nomx.example.test (MX 0) 203.0.113.28:25\n"
	    "  [2] mx1.example.test (MX 10) 203.0.113.25:25\n"
	    "  [3] mx2.example.test (MX 20) 203.0.113.26:25\n"
	    "  [4] mx2.example.test (MX 20) 203.0.113.26:587\n"
	    "  [5] mx2.example.test (MX 20) [2001:db8:203::26]:25\n"
	    "  [6] 203.0.113.30:25\n"
	    "  [7] 203.0.113.40:25\n";
	static const char *const cell[] = { "192.0.2.10", "accepted/syn-ack",
	    "dropped/no-response", "accepted/syn-ack", "refused/reset",
	    "refused/reset", "accepted/syn-ack", "accepted/syn-ack" };
	static char text[4096];
	char *cells, *end, *tok;
	int n;

	(void)state;
	matrix_of(r, (int)(sizeof r / sizeof r[0]), text, sizeof text);
	assert_memory_equal(text, want, strlen(want));
	/* Each cell under its own column. */
	cells = strstr(text, "\n192.0.2.10 ");
	assert_non_null(cells);
	assert_non_null(end = strchr(cells + 1, '\n'));
	*end = '\0';
	for (tok = strtok(cells + 1, " "), n = 0; tok != NULL;
	    tok = strtok(NULL, " "), n++) {
		assert_true(n < 8);
		assert_string_equal(tok, cell[n]);
	}
	assert_int_equal(n, 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(columns_in_mx_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

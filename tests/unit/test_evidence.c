/* The --scope and --evidence text (report/scope.c): what each block says
 * of the finding it rests on, and who it is for. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "records.h"

#include "core/stats.h"
#include "report/scope.h"


#define SRC_A v4(192, 0, 2, 10)
#define SRC_B v4(192, 0, 2, 11)
#define SRC_C v4(192, 0, 2, 12)
#define MX1 v4(203, 0, 113, 25)
#define ROUTER v4(198, 51, 100, 1)
#define GATEWAY v4(192, 0, 2, 1)

/* An attempt from client to MX1:25, first SYN at t seconds, answered by
 * the server at a hop distance of 2 (or by nobody). */
static struct record
rec(struct addr client, int64_t t, struct verdict v)
{
	return attempt(client, MX1, 25, t * S, t * S + S, v);
}

/* r answered by who, at a distance of hops, with ICMP 3/13. */
static struct record
by(struct record r, struct addr who, int hops)
{
	assert_true(verdict_icmp(4, 3, 13, &r.v));
	r.icmp_type = 3;
	r.icmp_code = 13;
	r.responder = who;
	r.hops = hops;
	return r;
}

static char *text;

/* The report of --scope --evidence for n records. */
static const char *
report(const struct record *r, int n)
{
	struct stats st;
	struct sink *sk;
	size_t len;
	FILE *out;
	int i;

	free(text);
	assert_non_null(out = open_memstream(&text, &len));
	assert_non_null(sk = sink_scope_new(out, 1, 1, NULL));
	for (i = 0; i < n; i++)
		sk->ops->record(sk, &r[i]);
	memset(&st, 0, sizeof st);
	sk->ops->finish(sk, &st, 1);
	sk->ops->free(sk);
	fclose(out);
	return text;
}

static void
has(const char *line)
{
	if (strstr(text, line) == NULL)
		fail_msg("no \"%s\" in:\n%s", line, text);
}

static void
lacks(const char *line)
{
	if (strstr(text, line) != NULL)
		fail_msg("\"%s\" in:\n%s", line, text);
}

#define NOT_TO_THEM "  Not the recipient's doing: do not send this to them " \
    "as an unblock request; take it to "
#define ONLY_A "only 192.0.2.10 was seen; probe from another address to " \
    "tell a block aimed at you from an outage"

/* The sending host's first hop refuses: not for the recipient, even
 * with one source. */
static void
first_hop(void **state)
{
	struct record r[2];

	(void)state;
	r[0] = by(rec(SRC_A, 1, verdict_reset()), GATEWAY, 0);
	r[1] = by(rec(SRC_A, 2, verdict_reset()), GATEWAY, 0);
	report(r, 2);
	has("\n  Finding: local firewall or provider block, not the recipient: "
	    "2 of 2 failures were answered by 192.0.2.1, the first hop (no "
	    "router between it and the sender)\n" NOT_TO_THEM "your network "
	    "team or provider, who run the first hop 192.0.2.1\n"
	    "  Sending addresses with failures: 192.0.2.10\n");
	lacks("only 192.0.2.10 was seen");
	lacks("every");
}

static void
sending_host(void **state)
{
	struct record r[1];

	(void)state;
	r[0] = by(rec(SRC_A, 1, verdict_reset()), SRC_A, 0);
	report(r, 1);
	has(NOT_TO_THEM "whoever runs the firewall of the sending host "
	    "192.0.2.10\n");
}

static void
middlebox(void **state)
{
	struct record r[2];

	(void)state;
	r[0] = by(rec(SRC_A, 1, verdict_reset()), ROUTER, 3);
	r[1] = by(rec(SRC_A, 2, verdict_reset()), ROUTER, 1);
	r[1].first_syn_us = 0;		/* the earlier: not named */
	report(r, 2);
	has("    finding: a middlebox on the path, not the recipient: 2 of 2 "
	    "failures were answered by 198.51.100.1, 3 hops away, not by the "
	    "server\n");
	has("  Finding: a middlebox on the path, not the recipient: 2 of 2 "
	    "failures were answered by 198.51.100.1, 3 hops away, not by the "
	    "server\n" NOT_TO_THEM "your network team or provider, to find "
	    "who runs 198.51.100.1 (3 hops away)\n");
}

/* RSTs in the server's name from 5 hops, its SYN-ACKs on 587 from 2. */
static void
forged_reset(void **state)
{
	struct record r[2];

	(void)state;
	r[0] = rec(SRC_A, 1, verdict_reset());
	r[0].hops = 5;
	r[1] = rec(SRC_A, 2, verdict_syn_ack());
	r[1].t.server_port = 587;
	report(r, 2);
	has("  Finding: a middlebox forging resets, not the recipient: RSTs "
	    "from the server's address came from 5 hops away while its "
	    "SYN-ACKs (port 587) came from 2\n" NOT_TO_THEM "your network "
	    "team or provider, to find the device on the path that answers in "
	    "the server's name\n");
}

/* A block aimed at one source beside a local block of another: the
 * local finding is left out of the request, the request still made. */
static void
local_beside_a_block(void **state)
{
	struct record r[3];

	(void)state;
	r[0] = rec(SRC_A, 1, verdict_syn_ack());
	r[1] = rec(SRC_B, 2, verdict_reset());
	r[2] = by(rec(SRC_C, 3, verdict_reset()), SRC_C, 0);
	report(r, 3);
	has("  Finding: block aimed at 192.0.2.11, 192.0.2.12: ");
	has("  Not the recipient's doing: leave this finding out of an unblock "
	    "request to them; take it to whoever runs the firewall of the "
	    "sending host 192.0.2.12\n");
	lacks("do not send this to them");
}

/* Every source failed, from two sources and from one. */
static void
all_failed(void **state)
{
	struct record r[2];

	(void)state;
	r[0] = rec(SRC_A, 1, verdict_reset());
	r[1] = rec(SRC_B, 2, verdict_no_response());
	report(r, 2);
	has("    finding: every source failed: 2 attempts from 2 sources, none "
	    "accepted (refused/reset, dropped/no-response): recipient outage, "
	    "closed listener, or a blanket policy\n");
	has("  Finding: every source failed: 2 attempts");
	lacks("was seen");
	r[1] = rec(SRC_A, 2, verdict_no_response());
	report(r, 2);
	has("    finding: every attempt failed: 2 attempts from one source, "
	    "none accepted (refused/reset, dropped/no-response): " ONLY_A "\n");
	has("  Finding: every attempt failed: 2 attempts from one source, "
	    "none accepted (refused/reset, dropped/no-response): " ONLY_A "\n"
	    "  Sending addresses with failures: 192.0.2.10\n");
	lacks("every source failed");
	lacks("Sources:");		/* said once, in the finding */
	lacks("Not the recipient");
}

/* Rate limiting from the one source seen: said beside the finding;
 * with another source accepted, not. */
static void
one_source_rate_limit(void **state)
{
	struct record r[3];

	(void)state;
	r[0] = rec(SRC_A, 1, verdict_syn_ack());
	r[1] = rec(SRC_A, 2, verdict_reset());
	report(r, 2);
	has("  Finding: rate limiting or a new block for 192.0.2.10: accepted "
	    "1 time (the last at 1970-01-01T00:00:01.000000Z), then "
	    "refused/reset from 1970-01-01T00:00:02.000000Z (1 failure since)\n"
	    "  Sources: " ONLY_A "\n");
	r[2] = rec(SRC_B, 3, verdict_syn_ack());
	report(r, 3);
	has("  Finding: rate limiting or a new block for 192.0.2.10");
	lacks("was seen");
}

/* Failures that fit no finding: the block says so. */
static void
no_finding(void **state)
{
	struct record r[2];

	(void)state;
	r[0] = rec(SRC_A, 1, verdict_reset());
	r[1] = rec(SRC_A, 2, verdict_syn_ack());
	report(r, 2);
	lacks("    finding:");
	has("evidence (for an unblock request; times in UTC):\n"
	    "  Finding: none: the failures are mixed with acceptances, neither "
	    "aimed at some sources nor after a last success\n"
	    "  Sources: " ONLY_A "\n"
	    "  Sending addresses with failures: 192.0.2.10\n");
}

static int
teardown(void **state)
{
	(void)state;
	free(text);
	text = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_hop),
		cmocka_unit_test(sending_host),
		cmocka_unit_test(middlebox),
		cmocka_unit_test(forged_reset),
		cmocka_unit_test(local_beside_a_block),
		cmocka_unit_test(all_failed),
		cmocka_unit_test(one_source_rate_limit),
		cmocka_unit_test(no_finding),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}

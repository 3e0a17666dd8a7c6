/*
 * The join of log lines and records (maillog/join.h): the partner is the
 * latest first SYN within the window on the same server and port, each
 * record taken once; what is left is counted with its reason; the skew is
 * the median of line minus verdict.  Records are synthetic
 * (tests/unit/records.h), lines are events as the parser makes them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "maillog/join.h"
#include "records.h"

static const struct record *pair_of[8];
static int npairs, nalone;

static void
take(void *ctx, const struct ml_event *e, const struct record *r,
    enum ml_miss why)
{
	(void)ctx, (void)why;
	if (e != NULL && r != NULL && npairs < 8)
		pair_of[npairs++] = r;
	else
		nalone++;
}

static struct ml_event
line(int64_t ts, struct addr server, uint16_t port, enum ml_outcome o)
{
	struct ml_event e;

	memset(&e, 0, sizeof e);
	e.ts_us = ts;
	e.server = server;
	e.port = port;
	e.outcome = o;
	e.attempt = true;
	e.pid = 1;
	return e;
}

static void
pairs_and_skew(void **state)
{
	struct addr c = v4(192, 0, 2, 10), mx = v4(203, 0, 113, 25);
	struct portset ports;
	struct ml_join *j;
	struct ml_join_counts n;
	struct record r1 = attempt(c, mx, 25, 100 * S, 100 * S + 20000, verdict_reset());
	struct record r2 = attempt(c, mx, 25, 200 * S, 200 * S + 20000, verdict_reset());
	struct record r3 = attempt(c, mx, 25, 300 * S, 310 * S, verdict_no_response());
	struct record other = attempt(c, v4(198, 51, 100, 7), 25, 400 * S,
	    400 * S + 1000, verdict_reset());
	struct ml_event e;

	(void)state;
	portset_clear(&ports);
	portset_add(&ports, 25, 25);
	portset_add(&ports, 587, 587);
	assert_non_null(j = ml_join_new(&ports));
	assert_int_equal(ml_join_record(j, &r2), 0);
	assert_int_equal(ml_join_record(j, &r1), 0);
	assert_int_equal(ml_join_record(j, &r3), 0);
	assert_int_equal(ml_join_record(j, &other), 0);
	/* 0.1 s after each verdict (the log clock 0.08 s ahead) */
	e = line(100 * S + 100000, mx, 25, ML_REFUSED);
	assert_int_equal(ml_join_event(j, &e), 0);
	e = line(200 * S + 100000, mx, 25, ML_REFUSED);
	assert_int_equal(ml_join_event(j, &e), 0);
	/* a timeout 30 s after the SYN: the third record */
	e = line(330 * S, mx, 0, ML_TIMEDOUT);
	assert_int_equal(ml_join_event(j, &e), 0);
	/* port 2525 is not captured; a repeat is not an attempt */
	e = line(250 * S, mx, 2525, ML_REFUSED);
	assert_int_equal(ml_join_event(j, &e), 0);
	e = line(201 * S, mx, 25, ML_REFUSED);
	e.attempt = false;
	assert_int_equal(ml_join_event(j, &e), 0);
	/* a line on a server with no SYN, inside the capture's span */
	e = line(440 * S, v4(203, 0, 113, 99), 25, ML_REFUSED);
	assert_int_equal(ml_join_event(j, &e), 0);
	npairs = nalone = 0;
	ml_join_run(j, take, NULL, &n);
	assert_int_equal(n.lines, 5);
	assert_int_equal(n.records, 4);
	assert_int_equal(n.joined, 3);
	assert_int_equal(n.agree, 3);
	assert_int_equal(pair_of[0]->first_syn_us, 100 * S);
	assert_int_equal(pair_of[1]->first_syn_us, 200 * S);
	assert_int_equal(pair_of[2]->first_syn_us, 300 * S);
	assert_int_equal(n.lines_alone[ML_MISS_PORT], 1);
	assert_int_equal(n.lines_alone[ML_MISS_CAPTURE], 1);
	assert_int_equal(n.records_alone[ML_MISS_NOT_LOGGED], 1);
	assert_int_equal(n.skew_pairs, 2);	/* the drop's verdict is no moment */
	assert_int_equal(n.skew_us, 80000);
	ml_join_free(j);
}

/* A line that logs its sending address (Exim's I=) joins only an attempt
 * from that address, though another one is nearer in time. */
static void
source_logged(void **state)
{
	struct addr a = v4(192, 0, 2, 10), b = v4(192, 0, 2, 11);
	struct addr mx = v4(203, 0, 113, 25);
	struct record from_a = attempt(a, mx, 25, 10 * S, 10 * S, verdict_reset());
	struct record from_b = attempt(b, mx, 25, 11 * S, 11 * S, verdict_reset());
	struct ml_join_counts n;
	struct ml_join *j;
	struct ml_event e = line(11 * S + 1, mx, 25, ML_REFUSED);

	(void)state;
	e.source = a;
	assert_non_null(j = ml_join_new(NULL));
	assert_int_equal(ml_join_record(j, &from_a), 0);
	assert_int_equal(ml_join_record(j, &from_b), 0);
	assert_int_equal(ml_join_event(j, &e), 0);
	npairs = nalone = 0;
	ml_join_run(j, take, NULL, &n);
	assert_int_equal(n.joined, 1);
	assert_true(addr_eq(&pair_of[0]->t.client, &a));
	assert_int_equal(n.records_alone[ML_MISS_NOT_LOGGED], 1);
	ml_join_free(j);
}

/* Live: a pair is written once the clock is 2 s past its line, not
 * before; a line with no record once the wait is over too; a record no
 * line took once no line can take it; then nothing is left for the end. */
static void
settles_as_the_clock_moves(void **state)
{
	struct addr c = v4(192, 0, 2, 10), mx = v4(203, 0, 113, 25);
	struct record rst = attempt(c, mx, 25, 100 * S, 100 * S + 20000,
	    verdict_reset());
	struct record lone = attempt(c, mx, 25, 110 * S, 110 * S, verdict_reset());
	struct ml_join_counts n;
	struct ml_join *j;
	struct ml_event e = line(100 * S + 500000, mx, 25, ML_REFUSED);
	struct ml_event nobody = line(120 * S, v4(203, 0, 113, 99), 25,
	    ML_REFUSED);

	(void)state;
	assert_non_null(j = ml_join_new(NULL));
	ml_join_set_wait(j, 10 * S);
	assert_int_equal(ml_join_record(j, &rst), 0);
	assert_int_equal(ml_join_event(j, &e), 0);
	assert_int_equal(ml_join_event(j, &nobody), 0);
	npairs = nalone = 0;
	ml_join_settle(j, INT64_MIN, take, NULL);	/* no clock yet */
	ml_join_settle(j, 102 * S, take, NULL);
	assert_int_equal(npairs + nalone, 0);
	ml_join_settle(j, 102 * S + 600000, take, NULL);
	assert_int_equal(npairs, 1);
	assert_int_equal(pair_of[0]->first_syn_us, 100 * S);
	ml_join_settle(j, 131 * S, take, NULL);
	assert_int_equal(nalone, 0);
	ml_join_settle(j, 132 * S, take, NULL);
	assert_int_equal(nalone, 1);	/* the line on .99 */
	assert_int_equal(ml_join_record(j, &lone), 0);
	ml_join_settle(j, (110 + 332 + 10) * S - 1, take, NULL);
	assert_int_equal(nalone, 1);
	ml_join_settle(j, (110 + 332 + 10) * S, take, NULL);
	assert_int_equal(nalone, 2);	/* the record no line took */
	ml_join_run(j, take, NULL, &n);
	assert_int_equal(npairs + nalone, 3);
	assert_int_equal(n.lines, 2);
	assert_int_equal(n.records, 2);
	assert_int_equal(n.joined, 1);
	assert_int_equal(n.lines_alone[ML_MISS_CAPTURE], 1);
	assert_int_equal(n.records_alone[ML_MISS_NOT_LOGGED], 1);
	assert_int_equal(n.skew_pairs, 1);
	assert_int_equal(n.skew_us, 480000);
	ml_join_free(j);
}

/* A delivery and a refusal to one server in the second the log stamps
 * (the lab's rate limit): each line gets the record that agrees with it,
 * though the refusal's is the latest for both. */
static void
one_second_two_attempts(void **state)
{
	struct addr c = v4(192, 0, 2, 10), mx = v4(203, 0, 113, 33);
	struct record ok = attempt(c, mx, 25, 19 * S + 234000, 19 * S + 234000,
	    verdict_syn_ack());
	struct record rst = attempt(c, mx, 25, 19 * S + 306000, 19 * S + 306000,
	    verdict_reset());
	struct ml_join_counts n;
	struct ml_join *j;
	struct ml_event sent = line(19 * S, mx, 25, ML_DELIVERED);
	struct ml_event refused = line(19 * S, mx, 25, ML_REFUSED);

	(void)state;
	assert_non_null(j = ml_join_new(NULL));
	assert_int_equal(ml_join_record(j, &ok), 0);
	assert_int_equal(ml_join_record(j, &rst), 0);
	assert_int_equal(ml_join_event(j, &sent), 0);
	assert_int_equal(ml_join_event(j, &refused), 0);
	npairs = nalone = 0;
	ml_join_run(j, take, NULL, &n);
	assert_int_equal(n.joined, 2);
	assert_int_equal(n.agree, 2);
	assert_int_equal(pair_of[0]->v.cls, VC_ACCEPTED);
	assert_int_equal(pair_of[1]->v.cls, VC_REFUSED);
	ml_join_free(j);
}

static void
agreement(void **state)
{
	struct addr c = v4(192, 0, 2, 10), mx = v4(203, 0, 113, 25);
	struct record rst = attempt(c, mx, 25, S, S, verdict_reset());
	struct record ack = attempt(c, mx, 25, S, S, verdict_syn_ack());
	struct record drop = attempt(c, mx, 25, S, S, verdict_no_response());

	(void)state;
	assert_true(ml_join_agrees(ML_REFUSED, &rst));
	assert_false(ml_join_agrees(ML_REFUSED, &ack));
	assert_true(ml_join_agrees(ML_GREET5XX, &ack));
	assert_true(ml_join_agrees(ML_TIMEDOUT, &drop));
	assert_false(ml_join_agrees(ML_TIMEDOUT, &rst));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pairs_and_skew),
		cmocka_unit_test(source_logged),
		cmocka_unit_test(settles_as_the_clock_moves),
		cmocka_unit_test(one_second_two_attempts),
		cmocka_unit_test(agreement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

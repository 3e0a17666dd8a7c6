/* probe's send schedule: rate, retries, timeout, done probes, next due. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe/schedule.h"

#define S 1000000LL	/* one second in microseconds */
#define T0 (1000 * S)	/* any start: the schedule has no clock of its own */

static struct schedule *
mk(double rate, int retries, int64_t timeout, size_t n)
{
	struct sched_config c = { rate, retries, timeout };
	struct schedule *s = sched_new(&c, n);

	assert_non_null(s);
	return s;
}

/* 10 a second: one SYN every 100 ms, in probe order, none early. */
static void
rate_limits_first_syns(void **state)
{
	struct schedule *s = mk(10, 0, 2 * S, 3);

	(void)state;
	assert_int_equal(sched_take(s, T0), 0);
	assert_int_equal(sched_take(s, T0), -1);
	assert_int_equal(sched_next(s), T0 + S / 10);
	assert_int_equal(sched_take(s, T0 + S / 10 - 1), -1);
	assert_int_equal(sched_take(s, T0 + S / 10), 1);
	assert_int_equal(sched_take(s, T0 + 2 * S / 10), 2);
	assert_int_equal(sched_take(s, T0 + 3 * S / 10), -1);
	sched_free(s);
}

/* A retry due before the rate allows a SYN waits for the rate. */
static void
rate_holds_retries(void **state)
{
	struct schedule *s = mk(1, 1, S, 1);	/* retry at +0.5 s, rate 1 s */

	(void)state;
	assert_int_equal(sched_take(s, T0), 0);
	assert_int_equal(sched_next(s), T0 + S);
	assert_int_equal(sched_take(s, T0 + S / 2), -1);
	assert_int_equal(sched_take(s, T0 + S), 0);
	sched_free(s);
}

/* 2 retries within a 3 s timeout: SYNs at 0, 1 and 2 s, then no more. */
static void
retries_at_even_intervals(void **state)
{
	struct schedule *s = mk(100, 2, 3 * S, 1);

	(void)state;
	assert_int_equal(sched_take(s, T0), 0);
	assert_int_equal(sched_next(s), T0 + S);
	assert_int_equal(sched_take(s, T0 + S - 1), -1);
	assert_int_equal(sched_take(s, T0 + S), 0);
	assert_int_equal(sched_next(s), T0 + 2 * S);
	assert_int_equal(sched_take(s, T0 + 2 * S), 0);
	assert_int_equal(sched_sent(s, 0), 3);
	assert_int_equal(sched_take(s, T0 + 10 * S), -1);
	assert_int_equal(sched_sent(s, 0), 3);
	sched_free(s);
}

/* A retry that is due goes before the first SYNs still waiting, and the
 * rate holds for both. */
static void
retry_before_new_probes(void **state)
{
	struct schedule *s = mk(1, 1, 2 * S, 3);

	(void)state;
	assert_int_equal(sched_take(s, T0), 0);		/* retry due at +1 s */
	assert_int_equal(sched_take(s, T0 + S), 0);	/* the retry first */
	assert_int_equal(sched_take(s, T0 + S), -1);	/* the rate */
	assert_int_equal(sched_take(s, T0 + 2 * S), 1);
	assert_int_equal(sched_take(s, T0 + 3 * S), 1);	/* probe 1's retry */
	assert_int_equal(sched_take(s, T0 + 4 * S), 2);
	sched_free(s);
}

/* Over: every probe done at once; or nothing left to send and the last
 * SYN's timeout and the grace gone by. */
static void
timeout_ends_the_run(void **state)
{
	struct schedule *s = mk(100, 0, 2 * S, 2);
	int64_t t1 = T0 + S / 100, end = t1 + 2 * S + SCHED_GRACE_US;

	(void)state;
	assert_false(sched_over(s, T0));
	assert_int_equal(sched_take(s, T0), 0);
	assert_int_equal(sched_take(s, t1), 1);
	assert_int_equal(sched_next(s), end + 1);
	assert_false(sched_over(s, end));
	assert_true(sched_over(s, end + 1));
	sched_free(s);

	s = mk(100, 0, 2 * S, 2);
	sched_take(s, T0);
	sched_take(s, t1);
	sched_done(s, 0);
	assert_false(sched_over(s, t1));
	sched_done(s, 1);
	assert_true(sched_over(s, t1));
	assert_int_equal(sched_next(s), SCHED_NEVER);
	sched_free(s);
}

/* A probe with its record gets no retry, and one done before its first
 * SYN gets none at all. */
static void
done_probes_skipped(void **state)
{
	struct schedule *s = mk(100, 3, 4 * S, 3);

	(void)state;
	assert_int_equal(sched_take(s, T0), 0);
	sched_done(s, 0);
	sched_done(s, 1);
	sched_done(s, 1);		/* twice: still one probe */
	assert_int_equal(sched_take(s, T0 + S), 2);
	assert_int_equal(sched_take(s, T0 + 2 * S), 2);	/* probe 0's retry gone */
	assert_int_equal(sched_sent(s, 0), 1);
	assert_int_equal(sched_sent(s, 1), 0);
	assert_false(sched_over(s, T0 + 2 * S));
	sched_done(s, 2);
	assert_true(sched_over(s, T0 + 2 * S));
	sched_free(s);
}

/* The next due is the earliest over all probes: a probe waiting for its
 * retry does not hold back the first SYN of the next one, a done probe's
 * retry does not count, and the rate is the floor. */
static void
earliest_due(void **state)
{
	struct schedule *s = mk(2, 1, 10 * S, 3);

	(void)state;
	assert_int_equal(sched_next(s), INT64_MIN);	/* at once */
	assert_int_equal(sched_take(s, T0), 0);		/* retry at +5 s */
	assert_int_equal(sched_next(s), T0 + S / 2);	/* probe 1, by the rate */
	assert_int_equal(sched_take(s, T0 + S / 2), 1);	/* retry at +5.5 s */
	assert_int_equal(sched_take(s, T0 + S), 2);	/* retry at +6 s */
	assert_int_equal(sched_next(s), T0 + 5 * S);
	sched_done(s, 0);
	assert_int_equal(sched_next(s), T0 + 5 * S + S / 2);
	assert_int_equal(sched_take(s, T0 + 5 * S + S / 2), 1);
	assert_int_equal(sched_next(s), T0 + 6 * S);
	sched_free(s);
}

/* No probe at all: over from the start, nothing to send. */
static void
no_probes(void **state)
{
	struct schedule *s = mk(100, 1, S, 0);

	(void)state;
	assert_int_equal(sched_take(s, T0), -1);
	assert_true(sched_over(s, T0));
	assert_int_equal(sched_next(s), SCHED_NEVER);
	sched_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rate_limits_first_syns),
		cmocka_unit_test(rate_holds_retries),
		cmocka_unit_test(retries_at_even_intervals),
		cmocka_unit_test(retry_before_new_probes),
		cmocka_unit_test(timeout_ends_the_run),
		cmocka_unit_test(done_probes_skipped),
		cmocka_unit_test(earliest_due),
		cmocka_unit_test(no_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

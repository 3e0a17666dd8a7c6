/* What the MTA's log adds to the findings (findings/logfacts.h), and how
 * both engines take it: the whole run's (scope_add_log) and the window's
 * (stream_add_log: held until the stream's time reaches the line; a
 * finding in force changed, not held back, when the log first names a
 * recipient domain of its server).  Lines are events as the parser makes them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "records.h"

#include "findings/logfacts.h"
#include "findings/scope.h"
#include "findings/stream.h"

#define MX v4(203, 0, 113, 25)

static struct ml_event
line(int64_t t, uint16_t port, enum ml_outcome o, enum ml_status st,
    const char *qid, const char *rcpt, const char *text)
{
	struct ml_event e;
	const char *at = strchr(rcpt, '@');

	memset(&e, 0, sizeof e);
	e.ts_us = t * S;
	e.mta = ML_POSTFIX;
	e.outcome = o;
	e.status = st;
	e.attempt = st == ML_ST_NONE;
	e.server = MX;
	e.port = port;
	snprintf(e.queue_id, sizeof e.queue_id, "%s", qid);
	snprintf(e.rcpt, sizeof e.rcpt, "%s", rcpt);
	snprintf(e.domain, sizeof e.domain, "%s", at != NULL ? at + 1 : "");
	snprintf(e.text, sizeof e.text, "%s", text);
	return e;
}

static void
feed(struct logfacts *lf, int64_t t0)
{
	struct ml_event e;

	e = line(t0, 25, ML_REFUSED, ML_ST_NONE, "", "",
	    "connect to mx[203.0.113.25]:25: Connection refused");
	logfacts_add(lf, &e);
	e = line(t0, 25, ML_REFUSED, ML_ST_DEFERRED, "4ABC", "a@one.test",
	    "connect to mx[203.0.113.25]:25: Connection refused");
	logfacts_add(lf, &e);
	e = line(t0, 25, ML_REFUSED, ML_ST_DEFERRED, "4ABC", "b@one.test", "x");
	logfacts_add(lf, &e);
	e = line(t0 + 1, 25, ML_REFUSED, ML_ST_DEFERRED, "5DEF", "a@one.test",
	    "y");
	logfacts_add(lf, &e);
	e = line(t0 + 2, 25, ML_REFUSED, ML_ST_BOUNCED, "6GHI", "c@two.test",
	    "the last words");
	logfacts_add(lf, &e);
	e = line(t0 + 3, 25, ML_DELIVERED, ML_ST_SENT, "7JKL", "d@three.test",
	    "250 ok");			/* a success: not counted */
	logfacts_add(lf, &e);
}

static struct finding
about(uint16_t port)
{
	struct finding f;
	struct addr mx = MX;

	finding_init(&f, FK_ALL_FAILED, FS_FINAL, 0, &mx, port, NULL, NULL, -1);
	return f;
}

static void
counts_distinct(void **state)
{
	struct logfacts *lf = logfacts_new(INT64_MAX);
	struct finding f = about(25), other = about(587);

	(void)state;
	assert_non_null(lf);
	feed(lf, 100);
	logfacts_fill(lf, &f);
	assert_int_equal(f.log_attempts, 1);
	assert_int_equal(f.log_messages, 3);	/* 4ABC, 5DEF, 6GHI */
	assert_int_equal(f.log_recipients, 3);	/* a@one, b@one, c@two */
	assert_int_equal(f.log_domains, 2);
	assert_false(f.log_at_least);
	assert_string_equal(f.log_domain, "one.test");
	assert_string_equal(f.log_text, "the last words");
	assert_string_equal(f.log_mta, "postfix");
	assert_int_equal(f.log_first, 100 * S);
	assert_int_equal(f.log_last, 102 * S);
	logfacts_fill(lf, &other);		/* the lines were on port 25 */
	assert_true(other.log_first == INT64_MIN);
	assert_null(other.log_text);
	logfacts_free(lf);
}

/* A quiet spell starts the server afresh; distinct IDs past the limit
 * are not told apart, and the counts say "at least". */
static void
quiet_and_limit(void **state)
{
	struct logfacts *lf = logfacts_new(60 * S);
	struct finding f = about(25);
	struct ml_event e;
	char qid[32], rcpt[64];
	int i;

	(void)state;
	feed(lf, 100);
	e = line(1000, 25, ML_TIMEDOUT, ML_ST_NONE, "", "", "timed out");
	logfacts_add(lf, &e);
	logfacts_fill(lf, &f);
	assert_int_equal(f.log_attempts, 1);
	assert_int_equal(f.log_messages, 0);
	assert_int_equal(f.log_first, 1000 * S);
	for (i = 0; i < LOGFACTS_MAX_IDS + 5; i++) {
		snprintf(qid, sizeof qid, "Q%d", i);
		snprintf(rcpt, sizeof rcpt, "r%d@x.test", i);
		e = line(1001, 25, ML_REFUSED, ML_ST_DEFERRED, qid, rcpt, "z");
		logfacts_add(lf, &e);
	}
	f = about(25);
	logfacts_fill(lf, &f);
	assert_int_equal(f.log_messages, LOGFACTS_MAX_IDS);
	assert_true(f.log_at_least);
	logfacts_free(lf);
}

static void
scope_takes_the_log(void **state)
{
	struct scope *s = scope_new(1);
	/* Set: under -flto, gcc does not know that a failed assert_true()
	 * does not return. */
	struct scope_finding sf[SCOPE_MAX_FINDINGS] = { 0 };
	struct record r = attempt(v4(192, 0, 2, 10), MX, 25, 100 * S, 100 * S,
	    verdict_reset());
	struct finding v;
	struct ml_event e = line(100, 25, ML_REFUSED, ML_ST_DEFERRED, "4ABC",
	    "a@one.test", "Connection refused");
	int n;

	(void)state;
	scope_add(s, &r);
	scope_add_log(s, &e);
	n = scope_findings(s, 0, sf);
	assert_true(n >= 1);
	scope_finding_view(s, &sf[0], &v);
	assert_int_equal(v.log_recipients, 1);
	assert_string_equal(v.log_domain, "one.test");
	assert_string_equal(v.log_text, "Connection refused");
	scope_free(s);
}

static struct finding last_f;
static int nf;

static void
collect(void *ctx, const struct finding *f)
{
	(void)ctx;
	last_f = *f;
	nf++;
}

/* Live: the finding starts from the packets, the log line after it
 * changes it at once (though within the change interval); read: a line
 * taken before the records counts only when the stream reaches it. */
static void
stream_takes_the_log(void **state)
{
	struct stream_config c = { 3600 * S, 0, 7 };
	struct stream *st = stream_new(&c, collect, NULL);
	struct record r = attempt(v4(192, 0, 2, 10), MX, 25, 100 * S, 100 * S,
	    verdict_reset());
	struct ml_event e = line(100, 25, ML_REFUSED, ML_ST_DEFERRED, "4ABC",
	    "a@one.test", "Connection refused");
	struct ml_event conn = line(100, 25, ML_REFUSED, ML_ST_NONE, "", "",
	    "Connection refused");

	(void)state;
	nf = 0;
	stream_add(st, &r);
	assert_int_equal(nf, 1);
	assert_int_equal(last_f.state, FS_STARTED);
	assert_true(last_f.log_first == INT64_MIN);
	stream_add_log(st, &conn);		/* no recipient yet: quietly */
	assert_int_equal(nf, 1);
	stream_add_log(st, &e);
	assert_int_equal(nf, 2);
	assert_int_equal(last_f.state, FS_CHANGED);
	assert_int_equal(last_f.log_recipients, 1);
	assert_int_equal(last_f.log_attempts, 1);
	stream_add_log(st, &e);			/* more lines: no change */
	assert_int_equal(nf, 2);
	stream_free(st);

	st = stream_new(&c, collect, NULL);
	nf = 0;
	e.ts_us = 200 * S;
	stream_add_log(st, &e);			/* ahead of the records */
	stream_add(st, &r);
	assert_int_equal(nf, 1);
	assert_true(last_f.log_first == INT64_MIN);
	stream_tick(st, 200 * S);
	assert_int_equal(nf, 2);
	assert_int_equal(last_f.log_first, 200 * S);
	stream_free(st);
}

/* Past STREAM_LOG_QUEUE lines ahead of the records, a line counts at
 * once, and the stream says how many did. */
static void
stream_log_queue_bounded(void **state)
{
	struct stream_config c = { 3600 * S, 0, 7 };
	struct stream *st = stream_new(&c, collect, NULL);
	struct ml_event e = line(500, 25, ML_REFUSED, ML_ST_NONE, "", "", "x");
	struct stream_stats ss;
	int i;

	(void)state;
	for (i = 0; i < STREAM_LOG_QUEUE + 3; i++)
		stream_add_log(st, &e);
	stream_stats(st, &ss);
	assert_int_equal(ss.log_early, 3);
	stream_flush(st);
	stream_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_distinct),
		cmocka_unit_test(quiet_and_limit),
		cmocka_unit_test(scope_takes_the_log),
		cmocka_unit_test(stream_takes_the_log),
		cmocka_unit_test(stream_log_queue_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

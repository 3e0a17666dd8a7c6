/* The event loop: timers, fd watchers, prepare callbacks, signals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "io/loop.h"
#include "io/signals.h"

struct counts {
	struct loop *l;
	int timer, fd, prepare, sig;
	int64_t fired_at;
	int other;		/* a watcher the fd callback deletes and replaces */
	int rfd;
};

static void
on_timer(void *ctx, int64_t now)
{
	struct counts *c = ctx;

	c->timer++;
	c->fired_at = now;
}

static void
stop_timer(void *ctx, int64_t now)
{
	struct counts *c = ctx;

	(void)now;
	loop_stop(c->l);
}

/* A timer fires once, not before its time; the loop ends when nothing is
 * left armed. */
static void
timer_fires_once(void **state)
{
	struct counts c = { 0 };
	int64_t start;
	int t;

	(void)state;
	c.l = loop_new();
	t = loop_timer_add(c.l, on_timer, &c);
	start = loop_now();
	loop_timer_at(c.l, t, start + 20000);
	assert_int_equal(loop_run(c.l), 0);
	assert_int_equal(c.timer, 1);
	assert_true(c.fired_at >= start + 20000);
	loop_free(c.l);
}

static void
count_fd(void *ctx, short revents)
{
	struct counts *c = ctx;
	char b;

	assert_true(revents & POLLIN);
	c->fd++;
	assert_int_equal(read(c->rfd, &b, 1), 1);
}

static void
stale(void *ctx, short revents)
{
	(void)ctx, (void)revents;
	fail_msg("a deleted watcher's readiness went to its slot's new owner");
}

/* Deletes the other watcher and puts a new one, on the same fd, in its
 * slot: the readiness polled for the old one must not reach the new. */
static void
replace_other(void *ctx, short revents)
{
	struct counts *c = ctx;
	char b[2];

	(void)revents;
	c->fd++;
	assert_int_equal(read(c->rfd, b, 2), 2);	/* no longer readable */
	loop_fd_del(c->l, c->other);
	assert_int_equal(loop_fd_add(c->l, c->rfd, POLLIN, stale, c), c->other);
}

static void
fd_watcher_and_reuse(void **state)
{
	struct counts c = { 0 };
	int p[2], q[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	c.l = loop_new();
	c.rfd = p[0];
	loop_fd_add(c.l, p[0], POLLIN, count_fd, &c);
	assert_int_equal(write(p[1], "x", 1), 1);
	loop_timer_at(c.l, loop_timer_add(c.l, stop_timer, &c), loop_now() + 50000);
	loop_run(c.l);
	assert_int_equal(c.fd, 1);
	loop_free(c.l);

	/* two watchers ready in one round; the first replaces the second */
	memset(&c, 0, sizeof c);
	c.l = loop_new();
	c.rfd = q[0];
	loop_fd_add(c.l, q[0], POLLIN, replace_other, &c);
	c.other = loop_fd_add(c.l, q[0], POLLIN, stale, &c);
	assert_int_equal(write(q[1], "xy", 2), 2);
	loop_timer_at(c.l, loop_timer_add(c.l, stop_timer, &c), loop_now() + 50000);
	loop_run(c.l);
	assert_int_equal(c.fd, 1);
	loop_free(c.l);
	close(p[0]), close(p[1]), close(q[0]), close(q[1]);
}

static void
prepare_stops_third(void *ctx)
{
	struct counts *c = ctx;

	if (++c->prepare == 3)
		loop_stop(c->l);
}

static void
rearm(void *ctx, int64_t now)
{
	struct counts *c = ctx;

	if (++c->timer == 10)
		loop_stop(c->l);	/* bounded, should prepare not run */
	loop_timer_at(c->l, 0, now);	/* due again at once */
}

/* The prepare callback runs before every poll, and can stop the loop. */
static void
prepare_before_each_poll(void **state)
{
	struct counts c = { 0 };

	(void)state;
	c.l = loop_new();
	assert_int_equal(loop_timer_add(c.l, rearm, &c), 0);
	loop_timer_at(c.l, 0, loop_now());
	loop_prepare(c.l, prepare_stops_third, &c);
	loop_run(c.l);
	assert_int_equal(c.prepare, 3);
	assert_int_equal(c.timer, 2);
	loop_free(c.l);
}

static void
on_usr1(void *ctx, int sig)
{
	struct counts *c = ctx;

	assert_int_equal(sig, SIGUSR1);
	c->sig++;
	loop_stop(c->l);
}

/* A signal reaches its callback from the loop; SIGHUP, not asked for,
 * keeps its default action. */
static void
signal_from_the_loop(void **state)
{
	struct counts c = { 0 };
	struct sigaction sa;
	char err[128];

	(void)state;
	assert_int_equal(signals_catch(err, sizeof err), 0);
	sigaction(SIGHUP, NULL, &sa);
	assert_true(sa.sa_handler == SIG_DFL);
	c.l = loop_new();
	assert_true(loop_signal(c.l, SIGUSR1, on_usr1, &c) >= 0);
	assert_int_equal(loop_signal(c.l, SIGSEGV, on_usr1, &c), -1);
	loop_timer_at(c.l, loop_timer_add(c.l, stop_timer, &c), loop_now() + 2000000);
	raise(SIGUSR1);
	loop_run(c.l);
	assert_int_equal(c.sig, 1);
	assert_false(signals_stop_requested());
	loop_free(c.l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timer_fires_once),
		cmocka_unit_test(fd_watcher_and_reuse),
		cmocka_unit_test(prepare_before_each_poll),
		cmocka_unit_test(signal_from_the_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

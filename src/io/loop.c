/*
 * A poll(2) loop with registered watchers, timers, prepare callbacks and
 * signals.  A run has a handful of each (capture, resolver sockets,
 * prober, signals), so they live in small arrays scanned whole: the
 * nearest deadline is a linear minimum.  Deleted entries are marked and
 * reused, so ids stay valid while a callback deletes another; a watcher's
 * serial tells a slot reused within one poll round from the one polled.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/loop.h"
#include "io/signals.h"

struct watcher {
	int fd;			/* -1: free */
	short events;
	unsigned serial;	/* tells a reused slot from the one polled */
	loop_fd_fn fn;
	void *ctx;
};

struct timer {
	int used;
	int64_t when;
	loop_timer_fn fn;
	void *ctx;
};

struct sigwatch {
	int sig;		/* 0: free */
	loop_signal_fn fn;
	void *ctx;
};

struct prepare {
	loop_prepare_fn fn;	/* NULL: free */
	void *ctx;
};

struct loop {
	struct watcher *w;
	int nw;
	struct timer *t;
	int nt;
	struct sigwatch *s;
	int ns;
	struct prepare *pr;
	int npr;
	int sigfd_id;		/* the signal pipe's watcher, once needed */
	int stop;
	unsigned serial;	/* of the last watcher added */
	struct pollfd *pfd;	/* poll's array, one per watcher */
	struct owner {
		int id;
		unsigned serial;
	} *pfd_owner;		/* the watcher of each pollfd */
};

int64_t
loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
loop_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct loop *
loop_new(void)
{
	struct loop *l = calloc(1, sizeof *l);

	if (l != NULL)
		l->sigfd_id = -1;
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	free(l->w);
	free(l->t);
	free(l->s);
	free(l->pr);
	free(l->pfd);
	free(l->pfd_owner);
	free(l);
}

/* Grows an array of n elements of size sz by one; NULL when out of memory. */
static void *
grow(void *p, int n, size_t sz)
{
	return realloc(p, (size_t)(n + 1) * sz);
}

int
loop_fd_add(struct loop *l, int fd, short events, loop_fd_fn fn, void *ctx)
{
	struct pollfd *pfd;
	struct owner *owner;
	int i;

	for (i = 0; i < l->nw && l->w[i].fd >= 0; i++)
		;
	if (i == l->nw) {
		struct watcher *w = grow(l->w, l->nw, sizeof *w);

		if (w == NULL)
			return -1;
		l->w = w;
		if ((pfd = grow(l->pfd, l->nw, sizeof *pfd)) == NULL)
			return -1;
		l->pfd = pfd;
		if ((owner = grow(l->pfd_owner, l->nw, sizeof *owner)) == NULL)
			return -1;
		l->pfd_owner = owner;
		l->nw++;
	}
	l->w[i].fd = fd;
	l->w[i].events = events;
	l->w[i].serial = ++l->serial;
	l->w[i].fn = fn;
	l->w[i].ctx = ctx;
	return i;
}

void
loop_fd_events(struct loop *l, int id, short events)
{
	if (id >= 0 && id < l->nw)
		l->w[id].events = events;
}

void
loop_fd_del(struct loop *l, int id)
{
	if (id >= 0 && id < l->nw)
		l->w[id].fd = -1;
}

int
loop_timer_add(struct loop *l, loop_timer_fn fn, void *ctx)
{
	int i;

	for (i = 0; i < l->nt && l->t[i].used; i++)
		;
	if (i == l->nt) {
		struct timer *t = grow(l->t, l->nt, sizeof *t);

		if (t == NULL)
			return -1;
		l->t = t;
		l->nt++;
	}
	l->t[i].used = 1;
	l->t[i].when = LOOP_NEVER;
	l->t[i].fn = fn;
	l->t[i].ctx = ctx;
	return i;
}

void
loop_timer_at(struct loop *l, int id, int64_t when)
{
	if (id >= 0 && id < l->nt && l->t[id].used)
		l->t[id].when = when;
}

void
loop_timer_del(struct loop *l, int id)
{
	if (id >= 0 && id < l->nt)
		l->t[id].used = 0;
}

int
loop_prepare(struct loop *l, loop_prepare_fn fn, void *ctx)
{
	int i;

	for (i = 0; i < l->npr && l->pr[i].fn != NULL; i++)
		;
	if (i == l->npr) {
		struct prepare *pr = grow(l->pr, l->npr, sizeof *pr);

		if (pr == NULL)
			return -1;
		l->pr = pr;
		l->npr++;
	}
	l->pr[i].fn = fn;
	l->pr[i].ctx = ctx;
	return i;
}

void
loop_prepare_del(struct loop *l, int id)
{
	if (id >= 0 && id < l->npr)
		l->pr[id].fn = NULL;
}

static void
run_prepares(struct loop *l)
{
	int i;

	for (i = 0; i < l->npr && !l->stop; i++)
		if (l->pr[i].fn != NULL)
			l->pr[i].fn(l->pr[i].ctx);
}

static void
on_signal_pipe(void *ctx, short revents)
{
	struct loop *l = ctx;
	int i;

	(void)revents;
	signals_drain();
	for (i = 0; i < l->ns; i++)
		if (l->s[i].sig != 0 && signals_take(l->s[i].sig))
			l->s[i].fn(l->s[i].ctx, l->s[i].sig);
}

int
loop_signal(struct loop *l, int sig, loop_signal_fn fn, void *ctx)
{
	struct sigwatch *s;
	int i;

	if (signals_fd() < 0 || signals_add(sig) != 0)
		return -1;
	if (l->sigfd_id < 0 &&
	    (l->sigfd_id = loop_fd_add(l, signals_fd(), POLLIN, on_signal_pipe,
	    l)) < 0)
		return -1;
	for (i = 0; i < l->ns && l->s[i].sig != 0; i++)
		;
	if (i == l->ns) {
		if ((s = grow(l->s, l->ns, sizeof *s)) == NULL)
			return -1;
		l->s = s;
		l->ns++;
	}
	l->s[i].sig = sig;
	l->s[i].fn = fn;
	l->s[i].ctx = ctx;
	return i;
}

void
loop_signal_del(struct loop *l, int id)
{
	if (id >= 0 && id < l->ns)
		l->s[id].sig = 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}

/* The nearest armed deadline, or LOOP_NEVER. */
static int64_t
next_deadline(const struct loop *l)
{
	int64_t d = LOOP_NEVER;
	int i;

	for (i = 0; i < l->nt; i++)
		if (l->t[i].used && l->t[i].when < d)
			d = l->t[i].when;
	return d;
}

/* Milliseconds until d, rounded up so a timer is never woken early. */
static int
timeout_ms(int64_t d, int64_t now)
{
	int64_t ms;

	if (d == LOOP_NEVER)
		return -1;
	if (d <= now)
		return 0;
	ms = (d - now + 999) / 1000;
	return ms > 60000 ? 60000 : (int)ms;
}

/* Calls every timer that is due, once each. */
static void
fire_timers(struct loop *l)
{
	int64_t now = loop_now();
	int i;

	for (i = 0; i < l->nt && !l->stop; i++)
		if (l->t[i].used && l->t[i].when <= now) {
			l->t[i].when = LOOP_NEVER;	/* the callback re-arms it */
			l->t[i].fn(l->t[i].ctx, now);
		}
}

/* Fills the pollfd array; returns how many, or -1 when nothing is left
 * to wait for. */
static int
gather(struct loop *l)
{
	int i, n = 0, any = 0;

	for (i = 0; i < l->nw; i++) {
		if (l->w[i].fd < 0)
			continue;
		if (i != l->sigfd_id && l->w[i].events != 0)
			any = 1;
		l->pfd[n].fd = l->w[i].fd;
		l->pfd[n].events = l->w[i].events;
		l->pfd[n].revents = 0;
		l->pfd_owner[n].id = i;
		l->pfd_owner[n++].serial = l->w[i].serial;
	}
	return any || next_deadline(l) != LOOP_NEVER ? n : -1;
}

int
loop_run(struct loop *l)
{
	int n, i;

	l->stop = 0;
	for (;;) {
		run_prepares(l);
		if (l->stop || (n = gather(l)) < 0)
			break;
		if (poll(l->pfd, (nfds_t)n, timeout_ms(next_deadline(l),
		    loop_now())) < 0) {
			if (errno != EINTR)
				return -1;
			continue;
		}
		for (i = 0; i < n && !l->stop; i++) {
			struct watcher *w = &l->w[l->pfd_owner[i].id];

			/* skipped when a callback before it deleted it (and
			 * perhaps added another in its slot) */
			if (l->pfd[i].revents != 0 && w->fd >= 0 &&
			    w->serial == l->pfd_owner[i].serial)
				w->fn(w->ctx, l->pfd[i].revents);
		}
		fire_timers(l);
	}
	return 0;
}

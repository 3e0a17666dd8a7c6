/*
 * The event loop, in the shape of redis's ae.c over poll(2): whoever owns a
 * file descriptor or a timer registers it here, and the loop calls back when
 * it is ready or due.  One loop owns every fd and timer of a run: the
 * capture handle, the resolver's sockets, the prober's send schedule, the
 * signal pipe.  The poll timeout is the nearest deadline; a prepare
 * callback (libev's and libuv's "prepare" watchers) runs before each poll,
 * to re-arm a timer from state that other callbacks change.  Times are
 * CLOCK_MONOTONIC microseconds (loop_now()), so a wall-clock step does not
 * fire or starve a timer.  Callbacks may add, change or delete any watcher
 * or timer, their own included.
 */
#ifndef SMTPSCOPE_LOOP_H
#define SMTPSCOPE_LOOP_H

#include <stdint.h>

#define LOOP_NEVER INT64_MAX	/* a timer that is not armed */

struct loop;

typedef void (*loop_fd_fn)(void *ctx, short revents);
typedef void (*loop_timer_fn)(void *ctx, int64_t now);
typedef void (*loop_signal_fn)(void *ctx, int sig);
typedef void (*loop_prepare_fn)(void *ctx);

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Polls fd for events (POLLIN, POLLOUT; 0: registered, not polled now).
 * Returns the watcher's id, or -1 when out of memory. */
int loop_fd_add(struct loop *l, int fd, short events, loop_fd_fn fn, void *ctx);
void loop_fd_events(struct loop *l, int id, short events);
void loop_fd_del(struct loop *l, int id);

/* A timer, not armed; its id, or -1 when out of memory. */
int loop_timer_add(struct loop *l, loop_timer_fn fn, void *ctx);
/* Arms the timer for when (loop_now() time; LOOP_NEVER disarms). */
void loop_timer_at(struct loop *l, int id, int64_t when);
void loop_timer_del(struct loop *l, int id);

/* Calls fn before each poll; its id, or -1 when out of memory. */
int loop_prepare(struct loop *l, loop_prepare_fn fn, void *ctx);
void loop_prepare_del(struct loop *l, int id);

/* Calls fn from the loop when sig arrives: signals_catch() first, then
 * this catches sig too (io/signals.h).  One handler per signal.  Its id,
 * or -1 when out of memory or sig is not one signals.c handles. */
int loop_signal(struct loop *l, int sig, loop_signal_fn fn, void *ctx);
void loop_signal_del(struct loop *l, int id);

/* Runs until loop_stop(), or until nothing is registered or armed.
 * 0, or -1 with errno set when poll(2) failed. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

/* CLOCK_MONOTONIC in microseconds: what timers use. */
int64_t loop_now(void);
/* CLOCK_REALTIME in microseconds: the packet clock of a live capture,
 * which the kernel stamps packets with. */
int64_t loop_wall(void);

#endif

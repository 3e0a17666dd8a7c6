/*
 * Signals, caught once for the whole process.  The handler only records
 * which signal arrived and writes a byte to a pipe, so a poll loop wakes
 * (io/loop.h) and a blocking read can look between packets.  SA_RESTART:
 * a read blocked on a pipe resumes and sees the writer's end of file
 * (tcpdump in the same pipeline gets the same Ctrl-C); poll(2) is never
 * restarted, so the loop still wakes.  A signal nobody asked for keeps its
 * default action (SIGHUP still ends a watch whose terminal went away).
 */
#ifndef SMTPSCOPE_SIGNALS_H
#define SMTPSCOPE_SIGNALS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* SIGINT and SIGTERM caught (the run should stop), SIGBUS for
 * signals_guard(), and the pipe made.  0, or -1 with err set. */
int signals_catch(char *err, size_t errlen);
/* Catches sig too: SIGINT, SIGTERM, SIGUSR1 or SIGHUP (loop_signal()
 * calls it).  0, or -1 for any other signal. */
int signals_add(int sig);
/* SIGPIPE ignored: a closed output is a write error, reported (the live
 * commands; read keeps the default and ends quietly). */
void signals_ignore_pipe(void);
/* The pipe's read end (non-blocking), or -1 before signals_catch(). */
int signals_fd(void);
/* Empties the pipe; call when signals_fd() is readable. */
void signals_drain(void);
/* Whether sig arrived since the last call for it. */
bool signals_take(int sig);
/* fn(ctx) runs whenever signals_wait_readable() sees a signal arrive
 * (read: SIGUSR1's summary so far); NULL: nothing waits. */
void signals_on_wake(void (*fn)(void *), void *ctx);
/* Before a read(2) of fd that may block (a pipe): waits until fd is
 * readable, running the wake function for each signal in between, so a
 * signal is answered while the input is idle.  Returns at once when no
 * wake function is set or nothing is caught. */
void signals_wait_readable(int fd);
/* SIGINT or SIGTERM arrived: the run should end (never cleared). */
bool signals_stop_requested(void);
/* Set by the handler when any caught signal arrives (after the flags
 * that say which); cleared by signals_pending().  A read loop may peek
 * at it to hand over to its caller, which asks signals_pending(). */
extern volatile sig_atomic_t signals_arrived;

/* Whether any caught signal arrived since the last call: one flag, the
 * test a read makes per packet before it asks which (signals_take(),
 * signals_stop_requested()).  Inline: a call cost 5 instructions of
 * about 560 a packet (read --json, bench file). */
static inline bool
signals_pending(void)
{
	if (!signals_arrived)
		return false;
	signals_arrived = 0;	/* one arriving now sets it again */
	return true;
}

/* A file mapped read-only at [p, p + len) (p NULL: none): a page of it
 * whose file was cut shorter meanwhile, which would raise SIGBUS, reads
 * as zeros from then on, and signals_cut() says so until the next
 * signals_guard().  Needs signals_catch(). */
void signals_guard(const void *p, size_t len);
bool signals_cut(void);

#endif

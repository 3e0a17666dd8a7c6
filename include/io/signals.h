/*
 * Signals, caught once for the whole process.  The handler only records
 * which signal arrived and writes a byte to a pipe, so a poll loop wakes
 * (io/loop.h) and a blocking read can look between packets.  SA_RESTART:
 * a read blocked on a pipe resumes and sees the writer's end of file
 * (tcpdump in the same pipeline gets the same Ctrl-C); poll(2) is never
 * restarted, so the loop still wakes.
 */
#ifndef SMTPSCOPE_SIGNALS_H
#define SMTPSCOPE_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>

/* SIGINT, SIGTERM, SIGUSR1 and SIGHUP caught; SIGPIPE ignored (a closed
 * output is a write error, reported).  0, or -1 with err set. */
int signals_catch(char *err, size_t errlen);
/* The pipe's read end (non-blocking), or -1 before signals_catch(). */
int signals_fd(void);
/* Empties the pipe; call when signals_fd() is readable. */
void signals_drain(void);
/* Whether sig arrived since the last call for it. */
bool signals_take(int sig);
/* SIGINT or SIGTERM arrived: the run should end (never cleared). */
bool signals_stop_requested(void);

#endif

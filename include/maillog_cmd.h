/* smtpscope maillog FILE ...: the scope of an MTA log by itself. */
#ifndef SMTPSCOPE_MAILLOG_CMD_H
#define SMTPSCOPE_MAILLOG_CMD_H

#include "conf.h"
#include "core/pipeline.h"
#include "io/loop.h"
#include "maillog/join.h"
#include "maillog/parse.h"

int cmd_maillog(int argc, char **argv, struct config *cfg);

/* Reads an MTA log to its end through the parser, events to fn; dies
 * naming it on a read error, or when it has lines but none in a known
 * format.  Adds its counts to *total. */
void maillog_read_fd(int fd, const char *name, const struct config *cfg,
    ml_event_fn fn, void *ctx, struct ml_counts *total);
/* read --maillog: opens the log (dies when it cannot; -1 without
 * --maillog; stdin_seen: a capture is read from standard input) ... */
int maillog_open(const struct config *cfg, int stdin_seen);
/* ... then, once the sinks are set, adds the join's sink and reads the
 * log into it; the join, for ml_join_free after the pipeline (NULL
 * when fd is -1). */
struct ml_join *maillog_join_read(struct pipeline *pl,
    const struct config *cfg, int fd);

/* watch --maillog: before the capture opens, the join's sink and the log
 * opened at its end (NULL without --maillog; dies when it cannot be
 * opened); once the loop exists, the follower on it; after the loop, what
 * is left of the log read; at the end, closed. */
struct ml_join *maillog_watch_open(struct pipeline *pl,
    const struct config *cfg);
void maillog_watch_attach(struct loop *l);
void maillog_watch_drain(void);
void maillog_watch_close(void);

#endif

/* read --maillog: each delivery-failure line of the MTA's log with the
 * verdict it was joined to, what is left both ways, and the clock skew;
 * text, or JSON lines "maillog_join" and "maillog_join_summary". */
#ifndef SMTPSCOPE_REPORT_MAILLOG_JOIN_H
#define SMTPSCOPE_REPORT_MAILLOG_JOIN_H

#include <stdbool.h>
#include <stdio.h>

#include "core/sink.h"
#include "maillog/join.h"

/* Takes the records into j (the caller's, freed after the sink); joins
 * and writes at the end of input, or (live) each pair as soon as the
 * capture's clock decides it (maillog/join.h), at the sink's ticks and
 * at sink_maillog_join_poll(), then the rest at the end. */
struct sink *sink_maillog_join_new(FILE *out, int json, const char *sensor,
    struct ml_join *j, bool live);
/* Live: new log lines were taken; writes what they decide now. */
void sink_maillog_join_poll(struct sink *s);

#endif

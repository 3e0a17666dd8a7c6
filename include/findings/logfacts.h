/*
 * What the MTA's log says about each server, for the findings: the
 * failure lines about it (maillog/event.h), how many distinct messages,
 * recipients and recipient domains they concern, a recipient domain, and
 * the MTA's last words.  Pure: log events in, fields of struct finding
 * out.  Both engines keep one: --scope over the whole run, --findings
 * starting afresh after a quiet window.  Bounded: LOGFACTS_MAX servers
 * (the lines of further ones are counted), LOGFACTS_MAX_IDS distinct
 * messages, recipients and domains each per server (further ones are not
 * told apart: the counts stop and logfacts says "at least").
 */
#ifndef SMTPSCOPE_FINDINGS_LOGFACTS_H
#define SMTPSCOPE_FINDINGS_LOGFACTS_H

#include <stdint.h>

#include "findings/finding.h"
#include "maillog/event.h"

#define LOGFACTS_MAX 4096
#define LOGFACTS_MAX_IDS 256

struct logfacts;

/* quiet_us: a server whose last failure line is older than this when the
 * next comes starts afresh (INT64_MAX: never).  NULL when out of memory. */
struct logfacts *logfacts_new(int64_t quiet_us);
void logfacts_free(struct logfacts *lf);
/* Counts a failure line with a server address; other lines are ignored.
 * A line that logs no port counts for any port of its server. */
void logfacts_add(struct logfacts *lf, const struct ml_event *e);
/* Fills f's log fields from what is known of f's server and port (left
 * empty when nothing is).  The strings are lf's, valid until
 * logfacts_free. */
void logfacts_fill(const struct logfacts *lf, struct finding *f);
/* Failure lines about servers past LOGFACTS_MAX. */
uint64_t logfacts_overflow(const struct logfacts *lf);

#endif

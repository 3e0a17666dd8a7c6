/* smtpscope maillog: the scope of an MTA log, as text or JSON lines
 * ("type":"maillog_domain", "maillog_host", "maillog_summary"). */
#ifndef SMTPSCOPE_REPORT_MAILLOG_H
#define SMTPSCOPE_REPORT_MAILLOG_H

#include <stdio.h>

#include "maillog/parse.h"
#include "maillog/scope.h"

/* 0, or -1 when out of memory. */
int report_maillog(FILE *out, const struct ml_scope *s,
    const struct ml_counts *n, int json, const char *sensor);

#endif

/* Times as text. */
#ifndef SMTPSCOPE_TIMEFMT_H
#define SMTPSCOPE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* RFC 3339 UTC with microseconds: "2026-12-02T04:03:06.123456Z". */
void fmt_time(char *buf, size_t len, int64_t us);

#endif

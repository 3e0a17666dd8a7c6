/* Times as text. */
#ifndef SMTPSCOPE_TIMEFMT_H
#define SMTPSCOPE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* RFC 3339 UTC with microseconds: "2026-12-02T04:03:06.123456Z". */
void fmt_time(char *buf, size_t len, int64_t us);
/* The inverse, for times of fmt_time's form only (the year as it writes
 * it, microseconds, "Z"), within about 35,000 years of 1970 (the range
 * of packet times): 0, or -1 when s is anything else. */
int parse_time(const char *s, int64_t *us);

#endif

/* Times as text. */
#ifndef SMTPSCOPE_TIMEFMT_H
#define SMTPSCOPE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* RFC 3339 with microseconds: UTC, "2026-12-02T04:03:06.123456Z", or
 * after timefmt_set_local(1) local time (TZ) with its offset,
 * "2026-12-02T05:03:06.123456+01:00".  33 bytes hold either; a time
 * it cannot write so ("@" and the microseconds) fits in 22, and a buffer
 * too short for it gets a cut "@" form, never an overrun. */
void fmt_time(char *buf, size_t len, int64_t us);
/* The same at p, without the NUL; returns the end.  p has room for
 * TIMEFMT_MAX bytes, of which the text takes at most 36. */
#define TIMEFMT_MAX 40
char *timefmt_put(char *p, int64_t us);
/* --localtime: every time written from now on in local time. */
void timefmt_set_local(int on);
/* What the times are in, for the reports' headings: "UTC" or
 * "local time". */
const char *timefmt_zone_name(void);
/* The inverse, for times of fmt_time's form only (the year as it writes
 * it, microseconds, "Z" or an offset "+HH:MM"), within about 35,000 years of 1970 (the range
 * of packet times): 0, or -1 when s is anything else. */
int parse_time(const char *s, int64_t *us);

#endif

/* RFC 3339 UTC timestamps with microseconds. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sink.h"

/* gmtime and the formatting of the seconds are done once per second: a
 * busy capture's records share their second. */
void
fmt_time(char *buf, size_t len, int64_t us)
{
	static int64_t cached_sec = INT64_MIN;
	static char prefix[32];		/* "YYYY-MM-DDTHH:MM:SS" */
	static size_t plen;
	int64_t sec = us / 1000000, frac = us % 1000000;
	int i;

	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	if (sec != cached_sec) {
		time_t t = (time_t)sec;
		struct tm tm;
		int n;

		if (gmtime_r(&t, &tm) == NULL) {
			snprintf(buf, len, "@%" PRId64, us);
			return;
		}
		n = snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		if (n < 0 || (size_t)n >= sizeof prefix) {
			snprintf(buf, len, "@%" PRId64, us);
			return;
		}
		plen = (size_t)n;
		cached_sec = sec;
	}
	if (len < plen + 9) {
		snprintf(buf, len, "@%" PRId64, us);
		return;
	}
	memcpy(buf, prefix, plen);
	buf[plen] = '.';
	for (i = 6; i >= 1; i--) {
		buf[plen + (size_t)i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	buf[plen + 7] = 'Z';
	buf[plen + 8] = '\0';
}

/* Log times to UTC: with the zone the line gives, else the clock's
 * (--log-tz: a fixed offset, or the local zone through TZ). */
#include <time.h>

#include "internal.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int64_t
ml_civil_us(const struct ml_clock *c, int y, int mon, int d, int h, int mi,
    int s, int us, int zone_known, int zone_s)
{
	int64_t t;

	if (y < 1970 || y > 9999 || mon < 1 || mon > 12 || d < 1 ||
	    d > month_days(y, mon) || h > 23 || mi > 59 || s > 60 || h < 0 ||
	    mi < 0 || s < 0 || us < 0 || us > 999999)
		return INT64_MIN;
	if (!zone_known && c->utc_offset_set) {
		zone_known = 1;
		zone_s = c->utc_offset_s;
	}
	if (zone_known) {
		t = (days_from_civil(y, mon, d) * 24 + h) * 3600 + mi * 60 + s;
		t -= zone_s;
	} else {
		struct tm tm = { .tm_year = y - 1900, .tm_mon = mon - 1,
		    .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s,
		    .tm_isdst = -1 };
		time_t tt = mktime(&tm);

		if (tt == (time_t)-1 && !(y == 1969 || y == 1970))
			return INT64_MIN;
		t = (int64_t)tt;
	}
	return t * 1000000 + us;
}

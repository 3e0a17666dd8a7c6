/* RFC 3339 timestamps with microseconds: UTC ("Z"), or local time with
 * its offset (--localtime). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/digits.h"
#include "util/timefmt.h"

/*
 * The whole text for sec, with ".000000" where the microseconds go, kept
 * by slot: it depends on sec alone, and a busy capture's records share
 * their seconds.  A record carries two stamps (first SYN, verdict) up to
 * the timeout apart, and the scope report's times are spread wide, hence
 * many slots.  gmtime_r and snprintf for every stamp make `read --json` of
 * the bench file 1.22 times as slow.
 */
#define TIME_SLOTS 1024
struct sec_text {
	int64_t sec;
	uint8_t len;		/* of the text; 0: empty slot */
	uint8_t frac;		/* where the microseconds go */
	char text[TIMEFMT_MAX];	/* NUL-terminated */
};

static int local_time;		/* timefmt_set_local() */
static struct sec_text cache[TIME_SLOTS];

void
timefmt_set_local(int on)
{
	local_time = on != 0;
	memset(cache, 0, sizeof cache);
}

const char *
timefmt_zone_name(void)
{
	return local_time ? "local time" : "UTC";
}

/* "Z" for UTC, else the offset of tm ("+05:30", "-03:00"). */
static void
zone_text(char *buf, size_t len, const struct tm *tm)
{
	long off = tm->tm_gmtoff;
	char sign = off < 0 ? '-' : '+';

	if (!local_time) {
		snprintf(buf, len, "Z");
		return;
	}
	off = off < 0 ? -off : off;
	snprintf(buf, len, "%c%02ld:%02ld", sign, off / 3600 % 100,
	    off % 3600 / 60);
}

static const struct sec_text *
sec_text(int64_t sec)
{
	struct sec_text *c = &cache[(uint64_t)sec % TIME_SLOTS];
	time_t t = (time_t)sec;
	struct tm tm;
	char zone[8];
	int n;

	if (c->len != 0 && c->sec == sec)
		return c;
	if ((local_time ? localtime_r(&t, &tm) : gmtime_r(&t, &tm)) == NULL)
		return NULL;
	zone_text(zone, sizeof zone, &tm);
	n = snprintf(c->text, sizeof c->text, "%04d-%02d-%02dT%02d:%02d:%02d."
	    "000000%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
	if (n < 0 || (size_t)n >= sizeof c->text) {
		c->len = 0;
		return NULL;
	}
	c->sec = sec;
	c->len = (uint8_t)n;
	c->frac = (uint8_t)(n - strlen(zone) - 6);
	return c;
}

char *
timefmt_put(char *p, int64_t us)
{
	const struct sec_text *c;
	int64_t sec = us / 1000000, frac = us % 1000000;
	char *f;

	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	if ((c = sec_text(sec)) == NULL)
		return p + snprintf(p, TIMEFMT_MAX, "@%" PRId64, us);
	/* The whole slot, a constant size: a few stores, not a call. */
	memcpy(p, c->text, sizeof c->text);
	f = p + c->frac;
	f = put2(f, (unsigned)(frac / 10000));
	f = put2(f, (unsigned)(frac / 100 % 100));
	put2(f, (unsigned)(frac % 100));
	return p + c->len;
}

void
fmt_time(char *buf, size_t len, int64_t us)
{
	char t[TIMEFMT_MAX];
	size_t n;

	if (len >= TIMEFMT_MAX) {
		*timefmt_put(buf, us) = '\0';
		return;
	}
	n = (size_t)(timefmt_put(t, us) - t);
	if (n < len)
		memcpy(buf, t, n + 1);
	else
		snprintf(buf, len, "@%" PRId64, us);
}

/* n (1..9) decimal digits at s as a number, or -1. */
static int64_t
fixed_digits(const char *s, int n)
{
	int64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian as gmtime(3) counts
 * (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
month_days(int64_t y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* The year at s: what "%04d" wrote (a sign, up to 6 digits, 4 characters
 * at least); its length in *len, or -1. */
static int
parse_year(const char *s, int64_t *y, size_t *len)
{
	int neg = *s == '-', n = 0;
	int64_t v = 0;

	while (n < 7 && s[neg + n] >= '0' && s[neg + n] <= '9')
		v = v * 10 + (s[neg + n++] - '0');
	if (n == 0 || n > 6 || neg + n < 4)
		return -1;
	*y = neg ? -v : v;
	*len = (size_t)(neg + n);
	return 0;
}

/* The zone after the microseconds: "Z", or "+HH:MM" / "-HH:MM" as
 * --localtime writes it; its offset east of UTC in seconds, or -1 in
 * *ok. */
static int64_t
parse_zone(const char *z, int *ok)
{
	int64_t h, m;

	*ok = 1;
	if (strcmp(z, "Z") == 0)
		return 0;
	if (strlen(z) == 6 && (z[0] == '+' || z[0] == '-') && z[3] == ':' &&
	    (h = fixed_digits(z + 1, 2)) >= 0 && h <= 23 &&
	    (m = fixed_digits(z + 4, 2)) >= 0 && m <= 59)
		return (z[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	*ok = 0;
	return 0;
}

int
parse_time(const char *s, int64_t *us)
{
	const int64_t lim = (int64_t)1 << 40;
	int64_t y, mo, d, h, mi, sec, frac, off;
	size_t n;
	int ok;

	if (parse_year(s, &y, &n) != 0)
		return -1;
	s += n;
	/* "-MM-DDTHH:MM:SS.uuuuuu" and the zone */
	if (strlen(s) < 23 || s[0] != '-' || s[3] != '-' || s[6] != 'T' ||
	    s[9] != ':' || s[12] != ':' || s[15] != '.')
		return -1;
	off = parse_zone(s + 22, &ok);
	mo = fixed_digits(s + 1, 2);
	d = fixed_digits(s + 4, 2);
	h = fixed_digits(s + 7, 2);
	mi = fixed_digits(s + 10, 2);
	sec = fixed_digits(s + 13, 2);
	frac = fixed_digits(s + 16, 6);
	if (!ok || mo < 1 || mo > 12 || d < 1 || d > month_days(y, (int)mo) ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 ||
	    frac < 0)
		return -1;
	sec += days_from_civil(y, (int)mo, (int)d) * 86400 + h * 3600 + mi * 60
	    - off;
	if (sec < -lim || sec > lim)
		return -1;
	*us = sec * 1000000 + frac;
	return 0;
}

/* Port sets: a bitmap of the 65536 ports. */
#include <stdio.h>
#include <string.h>

#include "util/portset.h"

void
portset_clear(struct portset *s)
{
	memset(s->bit, 0, sizeof s->bit);
}

void
portset_add(struct portset *s, uint16_t lo, uint16_t hi)
{
	uint32_t p;

	for (p = lo; p <= hi; p++)
		s->bit[p >> 3] |= (uint8_t)(1u << (p & 7));
}

void
portset_union(struct portset *into, const struct portset *from)
{
	size_t i;

	for (i = 0; i < sizeof into->bit; i++)
		into->bit[i] |= from->bit[i];
}

bool
portset_empty(const struct portset *s)
{
	return portset_next(s, 0) == 0 && !portset_has(s, 0);
}

uint32_t
portset_next(const struct portset *s, uint32_t from)
{
	uint32_t p;

	for (p = from; p < 65536; p++) {
		if ((p & 7) == 0 && s->bit[p >> 3] == 0) {
			p += 7;		/* a whole empty byte */
			continue;
		}
		if (portset_has(s, (uint16_t)p))
			return p;
	}
	return 0;
}

/* Decimal digits only, no sign or space; -1 when not a number, 65536
 * for anything larger than a port. */
static long
number(const char *w, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return -1;
		if (v <= 65535)
			v = v * 10 + (w[i] - '0');
	}
	return v > 65535 ? 65536 : v;
}

enum portset_error
portset_parse_item(struct portset *s, const char *w, size_t n,
    const char **bad_at)
{
	const char *dash = memchr(w, '-', n);
	size_t ln = dash != NULL ? (size_t)(dash - w) : n;
	long lo = number(w, ln), hi = lo;

	*bad_at = w;
	if (lo < 0)
		return PORTSET_NOT_NUMBER;
	if (dash != NULL) {
		*bad_at = dash + 1;
		if ((hi = number(dash + 1, n - ln - 1)) < 0)
			return PORTSET_NOT_NUMBER;
	}
	*bad_at = lo < 1 || lo > 65535 ? w : *bad_at;
	if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535)
		return PORTSET_OUT_OF_RANGE;
	if (lo > hi)
		return PORTSET_EMPTY_RANGE;
	portset_add(s, (uint16_t)lo, (uint16_t)hi);
	return PORTSET_OK;
}

char *
portset_format(const struct portset *s, char *buf, size_t len)
{
	uint32_t lo, hi;
	size_t n = 0;
	int w;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (lo = portset_next(s, 1); lo != 0;
	    lo = hi < 65535 ? portset_next(s, hi + 1) : 0) {
		for (hi = lo; hi < 65535 && portset_has(s, (uint16_t)(hi + 1));)
			hi++;
		w = snprintf(buf + n, len - n, hi == lo ? "%s%u" : "%s%u-%u",
		    n == 0 ? "" : ",", lo, hi);
		if (w < 0 || (size_t)w >= len - n) {
			/* Cut: end with "..." where it fits. */
			if (len >= 4)
				memcpy(buf + (n + 4 <= len ? n : len - 4), "...", 4);
			else
				buf[0] = '\0';
			return buf;
		}
		n += (size_t)w;
	}
	return buf;
}

/* Decimal digits written straight into a buffer, two at a time. */
#ifndef SMTPSCOPE_DIGITS_H
#define SMTPSCOPE_DIGITS_H

#include <stdint.h>
#include <string.h>

#define DIGITS_MAX 20		/* UINT64_MAX has 20 digits */

/* "00" to "99": the two digits of i at 2 * i. */
extern const char digit_pairs[200];

/* The two digits of v (0..99), leading zero kept; returns the end. */
static inline char *
put2(char *p, unsigned v)
{
	memcpy(p, digit_pairs + 2 * v, 2);
	return p + 2;
}

/* v in decimal, no NUL; returns the end.  p has room for DIGITS_MAX. */
char *put_u64(char *p, uint64_t v);
/* v in decimal, '-' first when negative; room for DIGITS_MAX + 1. */
char *put_i64(char *p, int64_t v);

/* Microseconds us as milliseconds with three decimals ("12.345"); returns
 * the end.  p has room for DIGITS_MAX + 1. */
static inline char *
put_ms3(char *p, uint64_t us)
{
	p = put_u64(p, us / 1000);
	*p++ = '.';
	*p++ = (char)('0' + us % 1000 / 100);
	return put2(p, (unsigned)(us % 100));
}

#endif

/* Decimal digits (util/digits.h). */
#include "util/digits.h"

const char digit_pairs[200] =
    "00010203040506070809" "10111213141516171819"
    "20212223242526272829" "30313233343536373839"
    "40414243444546474849" "50515253545556575859"
    "60616263646566676869" "70717273747576777879"
    "80818283848586878889" "90919293949596979899";

static int
count_digits(uint64_t v)
{
	int n = 1;

	for (; v >= 100; v /= 100)
		n += 2;
	return n + (v >= 10);
}

char *
put_u64(char *p, uint64_t v)
{
	char *end = p + count_digits(v), *q = end;

	/* from the end, two digits at a time */
	while (v >= 100) {
		q -= 2;
		put2(q, (unsigned)(v % 100));
		v /= 100;
	}
	if (v >= 10)
		put2(q - 2, (unsigned)v);
	else
		q[-1] = (char)('0' + v);
	return end;
}

char *
put_i64(char *p, int64_t v)
{
	if (v >= 0)
		return put_u64(p, (uint64_t)v);
	*p++ = '-';
	return put_u64(p, -(uint64_t)v);
}

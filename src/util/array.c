/* Arrays of util/array.h. */
#include <stdlib.h>

#include "util/array.h"

int
array_reserve(void **p, uint32_t *cap, uint32_t n, uint32_t max, size_t size)
{
	uint64_t want;
	void *q;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	want = *cap == 0 ? 1 : (uint64_t)*cap * 2;
	while (want <= n)
		want *= 2;
	if (want > max)
		want = max;
	if ((q = realloc(*p, (size_t)want * size)) == NULL)
		return -1;
	*p = q;
	*cap = (uint32_t)want;
	return 0;
}

/* Arrays that double as they fill. */
#ifndef SMTPSCOPE_ARRAY_H
#define SMTPSCOPE_ARRAY_H

#include <stddef.h>
#include <stdint.h>

/* Room for element n of the array *p of *cap elements of size bytes,
 * which doubles as it fills (from 1), up to max elements; 0, or -1 when
 * full (n >= max) or out of memory, *p and *cap then unchanged. */
int array_reserve(void **p, uint32_t *cap, uint32_t n, uint32_t max,
    size_t size);

#endif

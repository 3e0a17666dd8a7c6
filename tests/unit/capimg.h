/* A capture file built in memory, in either byte order: the crafted
 * inputs of test_pcapfile.c and test_pcapng.c. */
#ifndef CAPIMG_H
#define CAPIMG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct img {
	uint8_t b[16384];
	size_t n;
	int swap;		/* written in the other byte order */
	size_t start;		/* pcapng: of the block being written */
};

static void
put32(struct img *m, uint32_t v)
{
	if (m->swap)
		v = __builtin_bswap32(v);
	memcpy(m->b + m->n, &v, 4);
	m->n += 4;
}

static void
put16(struct img *m, uint16_t v)
{
	if (m->swap)
		v = __builtin_bswap16(v);
	memcpy(m->b + m->n, &v, 2);
	m->n += 2;
}

#endif

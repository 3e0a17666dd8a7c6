/* A set of TCP ports (the server ports watched or probed), parsed once. */
#ifndef SMTPSCOPE_PORTSET_H
#define SMTPSCOPE_PORTSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct portset {
	uint8_t bit[65536 / 8];
};

/* Why a port list item did not parse. */
enum portset_error {
	PORTSET_OK = 0,
	PORTSET_NOT_NUMBER,	/* "smtp", "", "25x" */
	PORTSET_OUT_OF_RANGE,	/* 0 or over 65535 */
	PORTSET_EMPTY_RANGE,	/* "587-25" */
};

static inline bool
portset_has(const struct portset *s, uint16_t port)
{
	return (s->bit[port >> 3] >> (port & 7)) & 1;
}

void portset_clear(struct portset *s);
void portset_add(struct portset *s, uint16_t lo, uint16_t hi);
void portset_union(struct portset *into, const struct portset *from);
bool portset_empty(const struct portset *s);
/* The first port in the set at or after from, or 0 when there is none:
 * for (p = portset_next(s, 1); p != 0; p = portset_next(s, p + 1)). */
uint32_t portset_next(const struct portset *s, uint32_t from);
/* The set as "25,587,2525-2530" in buf (len bytes, cut short with "..."
 * when it does not fit); buf. */
char *portset_format(const struct portset *s, char *buf, size_t len);

/*
 * Adds one item of a list, "25" or "2525-2530" (n bytes at w, no
 * terminator needed).  On error nothing is added and *bad_at tells
 * which part is wrong (w, or the upper bound).
 */
enum portset_error portset_parse_item(struct portset *s, const char *w,
    size_t n, const char **bad_at);

#endif

/* The SMTP server greeting: first line of the first server payload. */
#ifndef SMTPSCOPE_GREETING_H
#define SMTPSCOPE_GREETING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/record.h"

struct greeting {
	bool present;
	bool truncated;		/* cut by the snap length or by GREETING_MAX */
	int code;		/* 220, 421, 554 ...; -1 when the line has no reply code */
	char text[GREETING_MAX + 1];	/* printable ASCII; others as \xHH, '\' as \\ */
};

/* caplen bytes are at p; wirelen is the payload length on the wire. */
void greeting_parse(struct greeting *g, const uint8_t *p, uint32_t caplen,
    uint32_t wirelen);

#endif

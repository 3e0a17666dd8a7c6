/* Extracts and sanitises the first line a server sends. */
#include <stdio.h>
#include <string.h>

#include "core/greeting.h"

/* Kept as it is in the text; any other byte is escaped. */
static bool
printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

void
greeting_parse(struct greeting *g, const uint8_t *p, uint32_t caplen,
    uint32_t wirelen)
{
	uint32_t i, j, end, room;
	uint8_t c;
	size_t n = 0;
	bool eol = false, capped = false;

	memset(g, 0, sizeof *g);
	g->present = true;
	g->code = -1;
	if (p == NULL)
		caplen = 0;
	if (caplen >= 3 && p[0] >= '2' && p[0] <= '5' &&
	    p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' &&
	    (caplen == 3 || p[3] == ' ' || p[3] == '-' || p[3] == '\r' ||
	    p[3] == '\n'))
		g->code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	/* The text after "220 " or "220-"; the code is a field of its own. */
	i = g->code >= 0 && caplen > 3 && (p[3] == ' ' || p[3] == '-') ? 4 :
	    g->code >= 0 ? 3 : 0;
	while (i < caplen) {
		/* A run of printable characters, copied as it is: looked at
		 * up to one byte past what the text has room for, not to the
		 * end of a long line. */
		room = (uint32_t)(GREETING_MAX - n);
		end = caplen - i > room ? i + room + 1 : caplen;
		for (j = i; j < end && printable(p[j]); j++)
			;
		if (j - i > room) {
			j = i + room;
			capped = true;
		}
		memcpy(g->text + n, p + i, j - i);
		n += j - i;
		i = j;
		if (capped || i == caplen)
			break;
		c = p[i];
		if (c == '\r' || c == '\n') {
			eol = true;
			break;
		}
		if (n + 4 > GREETING_MAX) {
			capped = true;
			break;
		}
		if (c == '\\')
			memcpy(g->text + n, "\\\\", 2), n += 2;
		else
			snprintf(g->text + n, 5, "\\x%02x", c), n += 4;
		i++;
	}
	g->text[n] = '\0';
	/* The line went on past the length cap or what the snap length kept. */
	g->truncated = capped || (!eol && i == caplen && caplen < wirelen);
}

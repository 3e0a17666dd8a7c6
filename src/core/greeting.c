/* Extracts and sanitises the first line a server sends. */
#include <stdio.h>
#include <string.h>

#include "core/greeting.h"

void
greeting_parse(struct greeting *g, const uint8_t *p, uint32_t caplen,
    uint32_t wirelen)
{
	uint32_t i;
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
	for (; i < caplen; i++) {
		uint8_t c = p[i];

		if (c == '\r' || c == '\n') {
			eol = true;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (n + 1 > GREETING_MAX) {
				capped = true;
				break;
			}
			g->text[n++] = (char)c;
		} else {
			if (n + 4 > GREETING_MAX) {
				capped = true;
				break;
			}
			if (c == '\\')
				memcpy(g->text + n, "\\\\", 2), n += 2;
			else
				snprintf(g->text + n, 5, "\\x%02x", c), n += 4;
		}
	}
	g->text[n] = '\0';
	/* The line went on past the length cap or what the snap length kept. */
	g->truncated = capped || (!eol && i == caplen && caplen < wirelen);
}

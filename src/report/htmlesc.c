/*
 * Text into HTML (report/html.h): the one way a string from a packet, DNS
 * or JSON reaches the page.  Markup characters become entities; what is
 * not well-formed UTF-8, control characters and the bidirectional
 * overrides (which can make a name read as another) become U+FFFD.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report/html.h"

#define REPLACEMENT "&#xFFFD;"

/* The length of the well-formed UTF-8 sequence at s (n bytes left) and
 * its code point, or 0 when it is not one (RFC 3629: no overlong form, no
 * surrogate, nothing past U+10FFFF). */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	*cp = c & (0x7F >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3F);
	}
	return len;
}

/* C1 controls, and the bidirectional embeddings, overrides and isolates. */
static int
unwanted(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F;
}

static void
put_ascii(FILE *out, unsigned char c)
{
	switch (c) {
	case '&': fputs("&amp;", out); break;
	case '<': fputs("&lt;", out); break;
	case '>': fputs("&gt;", out); break;
	case '"': fputs("&quot;", out); break;
	case '\'': fputs("&#39;", out); break;
	case '\n': case '\t': putc(c, out); break;
	default:
		if (c < 0x20 || c == 0x7F)
			fputs(REPLACEMENT, out);
		else
			putc(c, out);
	}
}

void
html_escape_n(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			put_ascii(out, p[i++]);
			continue;
		}
		k = utf8_seq(p + i, n - i, &cp);
		if (k == 0 || unwanted(cp)) {
			fputs(REPLACEMENT, out);
			i += k == 0 ? 1 : k;
			continue;
		}
		fwrite(p + i, 1, k, out);
		i += k;
	}
}

void
html_escape(FILE *out, const char *s)
{
	html_escape_n(out, s, strlen(s));
}

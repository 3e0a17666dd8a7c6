/* Lines built in memory (report/linebuf.h). */
#include "report/linebuf.h"

char *
line_add_long(struct line *l, char *p, const char *s, size_t n)
{
	for (;;) {
		size_t k = (size_t)(l->buf + sizeof l->buf - p);

		if (k > n)
			k = n;
		memcpy(p, s, k);
		p += k;
		if ((n -= k) == 0)
			return p;
		s += k;
		p = line_room(l, p, sizeof l->buf);
	}
}

char *
line_add_quotes(struct line *l, char *p, const char *s, const char *q,
    size_t qn)
{
	size_t n;

	for (;;) {
		n = strcspn(s, "\"");
		p = line_add(l, p, s, n);
		if (s[n] == '\0')
			return p;
		p = line_add(l, p, q, qn);
		s += n + 1;
	}
}

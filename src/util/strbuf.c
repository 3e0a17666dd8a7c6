/* A growing printf string (util/strbuf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/strbuf.h"

void
strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t cap;
	char *s;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		/* No buffer yet: NULL + 0 is undefined (fuzz_filter). */
		n = vsnprintf(b->s != NULL ? b->s + b->len : NULL,
		    b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		cap = (b->cap + (size_t)n + 1) * 2;
		if ((s = realloc(b->s, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

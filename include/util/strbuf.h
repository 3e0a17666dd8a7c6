/*
 * A string written printf-style that grows as it is written.  A failed
 * allocation (or encoding error) sticks: later writes do nothing, and the
 * writer checks failed once, at the end.  A zeroed struct strbuf is an
 * empty one; s is NULL until the first write.
 */
#ifndef SMTPSCOPE_STRBUF_H
#define SMTPSCOPE_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;		/* NUL-terminated once written; the caller frees */
	size_t len, cap;
	int failed;
};

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif

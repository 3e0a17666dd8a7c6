/*
 * libFuzzer harness: arbitrary bytes as what an SMTP server sends, through
 * the reply parser in pieces, reply after reply, and the hints.
 *
 * Input: byte 0 is the size of the pieces (1 to 256); the rest is the
 * server's bytes.  Seeds: tests/fuzz/run.sh writes a few replies.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/smtpreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the parser hands on must be within its bounds and printable. */
static void
check(const struct smtp_parser *p)
{
	const struct smtp_reply *r = &p->r;
	int k;
	size_t i, n;

	if (p->status == SMTP_BAD) {
		if (p->why == NULL)
			abort();
		return;
	}
	if (r->nlines < 1 || r->nlines > SMTP_LINES_MAX || r->code < 200 ||
	    r->code > 599 || strnlen(r->enhanced, SMTP_ENH_MAX) == SMTP_ENH_MAX)
		abort();
	if (r->enhanced[0] != '\0' && r->enhanced[0] - '0' != r->code / 100)
		abort();
	for (k = 0; k < r->nlines; k++) {
		n = strnlen(r->lines[k], SMTP_TEXT_MAX + 1);
		if (n > SMTP_TEXT_MAX)
			abort();
		for (i = 0; i < n; i++)
			if (r->lines[k][i] < ' ' || r->lines[k][i] > '~')
				abort();
	}
	(void)smtp_hint_name(smtp_reply_hint(r));
	(void)smtp_reply_has(r, "<starttls>");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct smtp_parser p;
	size_t step, at = 0, used, n;
	enum smtp_status st;

	if (size < 1)
		return 0;
	step = (size_t)data[0] + 1;
	data++, size--;
	smtp_parser_init(&p);
	while (at < size) {
		n = size - at < step ? size - at : step;
		st = smtp_feed(&p, data + at, n, &used);
		if (used > n || (st == SMTP_MORE && used != n))
			abort();
		at += used;
		if (st != SMTP_MORE) {
			check(&p);
			if (st == SMTP_BAD)
				break;
			smtp_parser_init(&p);	/* the next reply */
		}
	}
	return 0;
}

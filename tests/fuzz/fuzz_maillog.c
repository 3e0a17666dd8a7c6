/*
 * libFuzzer harness: arbitrary bytes as an MTA log, fed to the maillog
 * parser in pieces; every event it hands on must be within its bounds.
 *
 * Input: byte 0 is the size of the pieces (1 to 256), byte 1 picks the
 * clock (local zone or a fixed offset, a --log-year or a guessed one);
 * the rest is the log.  Seeds: tests/fuzz/run.sh copies tests/maillog/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maillog/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
printable(const char *s, size_t cap)
{
	size_t i, n = strnlen(s, cap);

	if (n == cap)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			abort();
}

static void
check(void *ctx, const struct ml_event *e)
{
	(void)ctx;
	if ((unsigned)e->outcome >= ML_NOUTCOMES || e->status > ML_ST_BOUNCED ||
	    e->ts_us == INT64_MIN)
		abort();
	if (e->server.family != 0 && e->server.family != 4 && e->server.family != 6)
		abort();
	if (e->attempt && e->server.family == 0)
		abort();
	printable(e->text, sizeof e->text);
	printable(e->host, sizeof e->host);
	printable(e->rcpt, sizeof e->rcpt);
	printable(e->domain, sizeof e->domain);
	printable(e->queue_id, sizeof e->queue_id);
	if (strnlen(e->prog, sizeof e->prog) == sizeof e->prog)
		abort();
	(void)ml_outcome_name(e->outcome);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ml_parser p;
	struct ml_clock c = { .now_s = 1796212800 };
	size_t step, at, n;

	if (size < 2)
		return 0;
	step = (size_t)data[0] + 1;
	c.utc_offset_set = data[1] & 1;
	c.utc_offset_s = ((data[1] >> 1) & 31) * 1800 - 14 * 3600;
	c.year = data[1] & 64 ? 2000 + (data[1] & 31) : 0;
	data += 2, size -= 2;
	ml_parser_init(&p, &c, check, NULL);
	for (at = 0; at < size; at += n) {
		n = size - at < step ? size - at : step;
		ml_feed(&p, (const char *)data + at, n);
	}
	ml_finish(&p);
	if (p.n.events > p.n.lines + 1 || p.n.framed > p.n.lines + 1)
		abort();
	return 0;
}

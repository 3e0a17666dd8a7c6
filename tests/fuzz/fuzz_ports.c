/*
 * libFuzzer harness: arbitrary bytes as a port list, the parser behind -p,
 * the "port" of an expectations file and the ports line a pcapng written
 * by -w carries in its comment (pcapngw_comment_ports), which read trusts.
 *
 * Input: the bytes as one list item (portset_parse_item, no terminator),
 * then as the comment's text after the tag.  A list the comment parser
 * takes must come back the same through the writer's form.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/pcapngw.h"
#include "util/portset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A decimal number of 1 to 5 digits at w, n bytes; -1 otherwise. */
static long
plain_number(const char *w, size_t n)
{
	long v = 0;
	size_t i;

	if (n < 1 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return -1;
		v = v * 10 + (w[i] - '0');
	}
	return v;
}

/* One item: accepted exactly when it is N or N-M with 1 <= N <= M <= 65535
 * (leading zeros aside), and then the set is exactly that range. */
static void
check_item(const uint8_t *data, size_t size)
{
	static struct portset s;
	char *w = malloc(size ? size : 1);	/* exact size: ASan sees overreads */
	const char *bad = NULL, *dash;
	long lo, hi;
	enum portset_error e;

	if (w == NULL)
		return;
	memcpy(w, data, size);
	portset_clear(&s);
	e = portset_parse_item(&s, w, size, &bad);
	if (bad < w || bad > w + size)
		abort();
	if (e != PORTSET_OK) {
		if (!portset_empty(&s))
			abort();
		free(w);
		return;
	}
	dash = memchr(w, '-', size);
	lo = plain_number(w, dash ? (size_t)(dash - w) : size);
	hi = dash ? plain_number(dash + 1, size - (size_t)(dash - w) - 1) : lo;
	/* more than 5 digits only with leading zeros */
	if ((lo < 0 || hi < 0) && size <= 11)
		if (w[0] != '0' && (dash == NULL || dash[1] != '0'))
			abort();
	if (lo >= 0 && hi >= 0 && (lo < 1 || hi > 65535 || lo > hi ||
	    portset_next(&s, 1) != (uint32_t)lo ||
	    (hi < 65535 && portset_next(&s, (uint32_t)hi + 1) != 0)))
		abort();
	free(w);
}

/* The writer's form of a set: "smtpscope ports: 25,587,2525-2530\n". */
static void
ports_line(const struct portset *s, char *buf, size_t len)
{
	uint32_t lo, hi;
	size_t n;

	n = (size_t)snprintf(buf, len, "%s", PCAPNGW_PORTS_TAG);
	for (lo = portset_next(s, 1); lo != 0 && n < len;
	    lo = hi < 65535 ? portset_next(s, hi + 1) : 0) {
		for (hi = lo; hi < 65535 && portset_has(s, (uint16_t)(hi + 1));)
			hi++;
		n += (size_t)snprintf(buf + n, len - n, hi == lo ? "%s%u" :
		    "%s%u-%u", n == strlen(PCAPNGW_PORTS_TAG) ? "" : ",", lo, hi);
	}
	if (n < len)
		snprintf(buf + n, len - n, "\n");
}

static void
check_comment(const uint8_t *data, size_t size)
{
	static struct portset a, b;
	static char again[65536 * 7];
	size_t tag = strlen(PCAPNGW_PORTS_TAG);
	char *c = malloc(tag + size + 1);

	if (c == NULL)
		return;
	memcpy(c, PCAPNGW_PORTS_TAG, tag);
	memcpy(c + tag, data, size);
	c[tag + size] = '\0';
	if (pcapngw_comment_ports(c, &a)) {
		if (portset_empty(&a) || portset_has(&a, 0))
			abort();
		ports_line(&a, again, sizeof again);
		if (!pcapngw_comment_ports(again, &b) ||
		    memcmp(&a, &b, sizeof a) != 0)
			abort();
	}
	(void)pcapngw_comment_ports(c + tag, &a);	/* no tag: not ours */
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_item(data, size);
	check_comment(data, size);
	return 0;
}

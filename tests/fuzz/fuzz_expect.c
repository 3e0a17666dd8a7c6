/*
 * libFuzzer harness: arbitrary bytes as the expectations file of verify,
 * through expect_load, then each expectation checked against a record of
 * the verdict it names.
 *
 * Input: the file's bytes.  Seeds: tests/fuzz/corpus/expect (lines as
 * tests/lab/verify-lab.sh writes them, and its malformed ones).
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_memfd.h"
#include "verify/expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A message for the user: one non-empty line, printable ASCII or tabs. */
static void
check_line(const char *s)
{
	size_t i;

	if (s[0] == '\0')
		abort();
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] != '\t' && (s[i] < ' ' || s[i] > '~'))
			abort();
}

/* What the parser kept is within its bounds. */
static void
check_expectation(const struct expectation *e)
{
	int i;

	if (e->nitems < 1 || e->nitems > EXPECT_MAX_ITEMS ||
	    (e->kind != EX_ONE && e->kind != EX_ANY_OF && e->kind != EX_NOT) ||
	    (e->kind != EX_ANY_OF && e->nitems != 1) ||
	    e->via < 0 || e->via > 2 || e->line < 1 ||
	    strnlen(e->text, sizeof e->text) == sizeof e->text ||
	    e->spec.ports != &e->ports || portset_empty(&e->ports) ||
	    portset_has(&e->ports, 0) ||
	    e->spec.nsources < 0 || e->spec.nsources > PROBE_MAX_ARGS ||
	    e->spec.ntargets < 0 || e->spec.ntargets > PROBE_MAX_ARGS ||
	    e->spec.ndomains < 0 || e->spec.ndomains > PROBE_MAX_ARGS ||
	    e->spec.ntargets + e->spec.ndomains < 1)
		abort();
	for (i = 0; i < e->spec.ntargets; i++)
		check_line(e->spec.targets[i]);
	for (i = 0; i < e->spec.ndomains; i++)
		check_line(e->spec.domains[i]);
	for (i = 0; i < e->nitems; i++)
		if ((unsigned)e->items[i].cls >= VC_COUNT ||
		    strnlen(e->items[i].reason, sizeof e->items[i].reason) ==
		    sizeof e->items[i].reason)
			abort();
}

/* A record of the first item's verdict, answered by the "via" address,
 * meets e, unless e says "not".  ("via target" needs a probe's tuple.) */
static void
check_met(const struct expectation *e)
{
	struct record r;
	char why[512];
	bool met;

	memset(&r, 0, sizeof r);
	r.v.cls = e->items[0].cls;
	r.v.reason = e->items[0].reason;
	r.rtt_us = r.reply_ttl = r.hops = r.greeting_code = -1;
	r.icmp_type = r.icmp_code = -1;
	if (e->via == 1)
		r.responder = e->via_addr;
	why[0] = '\0';
	met = expect_met(e, &r, why, sizeof why);
	if (e->via != 2 && met != (e->kind != EX_NOT))
		abort();
	if (!met)
		check_line(why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expect_file f;
	struct portset def;
	char path[64], err[512];
	int fd, i;

	if ((fd = fuzz_memfd(data, size)) < 0)
		return 0;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	portset_clear(&def);
	portset_add(&def, 25, 25);
	err[0] = '\0';
	if (expect_load(path, &def, &f, err, sizeof err) == 0) {
		if (f.n < 1)
			abort();
		for (i = 0; i < f.n; i++) {
			check_expectation(&f.e[i]);
			check_met(&f.e[i]);
		}
		expect_free(&f);
	} else {
		if (f.n != 0 || f.e != NULL || strncmp(err, path, strlen(path)) != 0)
			abort();
		check_line(err);
	}
	close(fd);
	return 0;
}

/*
 * libFuzzer harness: arbitrary bytes as a time stamp, through parse_time
 * (the "time" fields of JSON records read back by diff and scope, in UTC
 * or --localtime's offsets).  A time it takes must come back the same
 * through fmt_time, in UTC and in a local zone with an offset.
 *
 * Input: the text.  Seeds: tests/fuzz/corpus/timefmt.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* us written by fmt_time in the current zone reads back as us. */
static void
round_trip(int64_t us)
{
	char buf[64];
	int64_t again;

	fmt_time(buf, sizeof buf, us);
	if (buf[0] == '@')		/* beyond gmtime(3): not a time */
		return;
	if (parse_time(buf, &again) != 0 || again != us)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int zoned;
	char *s, buf[64];
	int64_t us;

	if (!zoned) {
		/* POSIX TZ text, no tzdata needed: India's +05:30. */
		setenv("TZ", "IST-5:30", 1);
		zoned = 1;
	}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (parse_time(s, &us) == 0) {
		timefmt_set_local(0);
		round_trip(us);
		/* a canonical UTC stamp is written back as it came */
		fmt_time(buf, sizeof buf, us);
		if (s[size - 1] == 'Z' && strlen(buf) == size &&
		    (s[0] != '0' && s[0] != '-') && strcmp(buf, s) != 0)
			abort();
		timefmt_set_local(1);
		round_trip(us);
		timefmt_set_local(0);
	}
	free(s);
	return 0;
}

/*
 * libFuzzer harness: arbitrary bytes as the JSON lines of two sensors
 * (smtpscope scope), through the record reader, the merge by verdict time
 * and every sink.
 *
 * Input: byte 0 says where the second file starts (as a fraction of the
 * rest); the rest is the two files' text.  Seeds: the JSON lines of the
 * golden outputs (tests/fuzz/run.sh).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "verify/jsonfeed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
to_pipeline(void *ctx, const struct record *r)
{
	pipeline_feed(ctx, r);
}

static void
refused(void *ctx, const char *name, uint64_t line, const char *why)
{
	size_t i;

	(void)ctx;
	(void)name;
	(void)line;
	/* what scope prints must be one printable line */
	for (i = 0; why[i] != '\0'; i++)
		if (why[i] < ' ' || why[i] > '~')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct jsonfeed_ops ops = { to_pipeline, refused };
	static const char *const names[2] = { "a.json", "b.json" };
	struct input_stats in = { 0, 0, 0, 0, 0, 0 };
	struct pipeline *pl;
	struct jsonrec *jr;
	FILE *fp[2];
	size_t cut;
	int n = 0;

	if (size < 1)
		return 0;
	cut = (size - 1) * data[0] / 256;
	data++, size--;
	/* fmemopen refuses an empty buffer: an empty part is no file */
	if (cut > 0 && (fp[n] = fmemopen((void *)data, cut, "r")) != NULL)
		n++;
	if (size > cut &&
	    (fp[n] = fmemopen((void *)(data + cut), size - cut, "r")) != NULL)
		n++;
	pl = fuzz_pipeline();
	if ((jr = jsonrec_new()) == NULL)
		abort();
	if (jsonfeed_run(jr, fp, names, n, &ops, pl, &in) != 0)
		abort();
	if (in.lines < in.records + in.not_json + in.other_type)
		abort();
	pipeline_set_input_stats(pl, &in);
	pipeline_finish(pl);
	pipeline_free(pl);
	jsonrec_free(jr);
	while (n > 0)
		fclose(fp[--n]);
	return 0;
}

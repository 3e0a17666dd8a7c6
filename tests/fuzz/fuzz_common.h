/* Shared by the fuzz harnesses: a pipeline with every sink, small limits. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pipeline.h"

static FILE *fuzz_null;

/* Small table, short timeouts: eviction and expiry happen within one input. */
static void
fuzz_pipeline(struct pipeline *pl)
{
	static const struct track_config tc = { 64, 1000000, 500000, 1000000 };
	uint8_t ports[65536 / 8];

	if (fuzz_null == NULL && (fuzz_null = fopen("/dev/null", "w")) == NULL)
		abort();
	memset(ports, 0, sizeof ports);
	ports[25 >> 3] |= 1u << (25 & 7);
	ports[587 >> 3] |= 1u << (587 & 7);
	ports[80 >> 3] |= 1u << (80 & 7);
	if (pipeline_init(pl, &tc, ports) != 0)
		abort();
	pipeline_add_sink(pl, sink_text_new(fuzz_null));
	pipeline_add_sink(pl, sink_json_new(fuzz_null));
	pipeline_add_sink(pl, sink_csv_new(fuzz_null));
	pipeline_add_sink(pl, sink_summary_new(fuzz_null));
	pipeline_add_sink(pl, sink_scope_new(fuzz_null, 1, 1, NULL, NULL));
}

#endif

/* Shared by the fuzz harnesses: a pipeline with every sink, small limits. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pipeline.h"
#include "report/scope.h"

static FILE *fuzz_null;

/* Small table, short timeouts: eviction and expiry happen within one input. */
static struct pipeline *
fuzz_pipeline(void)
{
	static const struct track_config tc = { 64, 1000000, 500000, 1000000 };
	struct pipeline *pl;
	struct portset ports;

	if (fuzz_null == NULL && (fuzz_null = fopen("/dev/null", "w")) == NULL)
		abort();
	portset_clear(&ports);
	portset_add(&ports, 25, 25);
	portset_add(&ports, 587, 587);
	portset_add(&ports, 80, 80);
	if ((pl = pipeline_new(&tc, &ports)) == NULL)
		abort();
	pipeline_add_sink(pl, sink_text_new(fuzz_null));
	pipeline_add_sink(pl, sink_json_new(fuzz_null, "fuzz"));
	pipeline_add_sink(pl, sink_csv_new(fuzz_null));
	pipeline_add_sink(pl, sink_summary_new(fuzz_null));
	pipeline_add_sink(pl, sink_summary_json_new(fuzz_null, "fuzz"));
	pipeline_add_sink(pl, sink_scope_new(fuzz_null, 1, 1, NULL));
	return pl;
}

#endif

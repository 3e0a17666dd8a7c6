/*
 * probe: one crafted SYN per (source, target address, port), injected in
 * front of the shared capture -> decode -> tracker pipeline.  It resolves
 * MX and host names first (c-ares, in the same poll loop), then sends at a
 * bounded rate, then waits for every probe's verdict.
 */
#ifndef SMTPSCOPE_PROBER_H
#define SMTPSCOPE_PROBER_H

#include <stdint.h>
#include <stdio.h>

#include "io/live.h"
#include "core/pipeline.h"
#include "probe/probespec.h"

struct probe_config {
	struct probe_spec *specs;	/* probe: one; verify: one per expectation */
	int nspecs;
	int retries;			/* extra SYNs per probe */
	double rate;			/* probes per second */
	int ttl;
	int family;			/* 0, 4 or 6 */
	int max_probes;			/* hard cap per run */
	const char *dns_server;
	int64_t timeout_us;
	FILE *notes;			/* where DNS outcomes are reported */
	int allow_empty;		/* verify: no address at all is not an error */
};

struct prober;

/* Checks the arguments (addresses parse, something to probe) and adds the
 * prober's sink to pl; NULL with err.  Records of its probes carry an
 * origin that points into the prober: finish the pipeline first. */
struct prober *prober_new(const struct probe_config *cfg, struct pipeline *pl,
    char *err, size_t errlen);
void prober_free(struct prober *p);
/* The hooks for live_run(). */
void prober_hooks(struct prober *p, struct live_hooks *h);
/* After pipeline_finish(): the RSTs its last records asked for. */
void prober_flush(struct prober *p);
/* Non-zero when the run failed (a DNS setup or send error); message in err. */
int prober_failed(const struct prober *p, char *err, size_t errlen);

#endif

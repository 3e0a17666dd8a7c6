/*
 * probe: one crafted SYN per (source, target address, port), injected in
 * front of the shared capture -> decode -> tracker pipeline.  On the run's
 * event loop it resolves MX and host names (c-ares), then sends at a
 * bounded rate, then waits for every probe's record, which it learns of
 * through a sink of its own; then it stops the loop.
 */
#ifndef SMTPSCOPE_PROBER_H
#define SMTPSCOPE_PROBER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/pipeline.h"
#include "probe/probespec.h"

struct loop;

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
	/* probe --trace: per (source, target, port), SYNs with TTL 1 to
	 * max_ttl; the hops past the first that is not a time exceeded
	 * are never sent */
	int trace;
	int max_ttl;
};

struct prober;

/*
 * Checks the arguments (addresses parse, something to probe), starts the
 * DNS lookups on l, registers its timer there and adds its sink to pl;
 * NULL with err.  Nothing is sent before loop_run().  Records of its
 * probes carry an origin that points into the prober: finish the pipeline
 * before prober_free(), and free the loop after it.
 */
struct prober *prober_new(const struct probe_config *cfg, struct loop *l,
    struct pipeline *pl, char *err, size_t errlen);
/* The raw sockets, before privileges are dropped; 0 or -1 with err. */
int prober_open(struct prober *p, char *err, size_t errlen);
/* After pipeline_finish(): the RSTs its last records asked for. */
void prober_flush(struct prober *p);
/* Non-zero when the run failed (a DNS setup or send error); message in err. */
int prober_failed(const struct prober *p, char *err, size_t errlen);
void prober_free(struct prober *p);

#endif

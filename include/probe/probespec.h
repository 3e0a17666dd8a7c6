/*
 * What to probe: every source x every target address x every port.  The
 * command line (probe) and the expectations file (verify) both make these;
 * the prober reads them.  Plain data, no runtime.
 */
#ifndef SMTPSCOPE_PROBESPEC_H
#define SMTPSCOPE_PROBESPEC_H

#include "util/addr.h"
#include "util/portset.h"

#define PROBE_MAX_ARGS 64

struct probe_spec {
	struct addr sources[PROBE_MAX_ARGS];	/* none: the routing table's choice */
	int nsources;
	const char *domains[PROBE_MAX_ARGS];	/* MX lookups (--mx, mx:) */
	int ndomains;
	const char *targets[PROBE_MAX_ARGS];	/* addresses or host names */
	int ntargets;
	const struct portset *ports;
};

#endif

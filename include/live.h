/* Live capture: one poll loop that owns the capture fd and the one deadline. */
#ifndef SMTPSCOPE_LIVE_H
#define SMTPSCOPE_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"

struct live_config {
	const char *ifname;		/* NULL: the first suitable interface */
	int snaplen;
	int buffer_kib;			/* kernel buffer, 0: libpcap's default */
	const char *filter_template;	/* bpf/smtp.bpf or --filter-file */
	const uint8_t *ports;		/* server ports, a bitmap */
	const char *write_file;		/* -w: evidence pcap, or NULL */
	const char *user;		/* -Z */
	uint64_t max_verdicts;		/* -c, 0: no limit */
	int64_t duration_us;		/* --duration, 0: no limit */
	int dump_filter;		/* -d: print the compiled filter and stop */
};

enum {
	LIVE_OK = 0,
	LIVE_SETUP_ERROR = -1,	/* nothing captured: bad interface, no permission */
	LIVE_CAPTURE_ERROR = -2,	/* the capture failed after it started */
	LIVE_OUTPUT_ERROR = -3,		/* standard output failed (closed pipe) */
};

/* Runs until a signal, -c or --duration; errors go to err. */
int live_run(const struct live_config *cfg, struct pipeline *pl, char *err,
    size_t errlen);

#endif

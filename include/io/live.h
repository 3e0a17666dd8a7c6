/* Live capture: one poll loop that owns the capture fd and the one deadline. */
#ifndef SMTPSCOPE_LIVE_H
#define SMTPSCOPE_LIVE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pipeline.h"
#include "util/portset.h"

struct live_config {
	const char *ifname;		/* NULL: the first suitable interface */
	int snaplen;
	int buffer_kib;			/* kernel buffer, 0: libpcap's default */
	const char *filter_template;	/* bpf/smtp.bpf or --filter-file */
	const struct portset *ports;	/* server ports */
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

/* What probe adds to the loop: its own sockets, timers and end. */
struct live_hooks {
	void *ctx;
	/* After the capture is open, before privileges are dropped (raw
	 * sockets); 0 or -1 with err set. */
	int (*privileged)(void *ctx, char *err, size_t errlen);
	/* Its fds to poll (at most max) and its next deadline. */
	int (*pollfds)(void *ctx, struct pollfd *pfd, int max);
	int64_t (*deadline)(void *ctx, int64_t now);
	/* After each poll, with revents set; returns 1 when the run is over. */
	int (*step)(void *ctx, const struct pollfd *pfd, int n, int64_t now);
};

/* Runs until a signal, -c, --duration or the hooks say so; errors go to
 * err.  hooks may be NULL. */
int live_run(const struct live_config *cfg, struct pipeline *pl,
    const struct live_hooks *hooks, char *err, size_t errlen);

#endif

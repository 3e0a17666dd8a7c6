/*
 * A live capture's gaps: its interface went down or away.  The run goes
 * on: the gap is said on stderr once, the interface is looked at again on
 * a loop timer with backoff (1 s, doubling to 30 s), followed when it is
 * recreated under its name (io/iface.h), and when packets come again the
 * gap is over: said on stderr with its length, handed to the pipeline (a
 * record on the stream, the summary's counts, and the attempts waiting
 * during it unresolved "capture-gap", not dropped).  A capture that is
 * not a packet socket bound to one interface is not followed: its errors
 * stay fatal.
 */
#ifndef SMTPSCOPE_CAPGAP_H
#define SMTPSCOPE_CAPGAP_H

#include <stdint.h>

#include "core/pipeline.h"

struct loop;

/* What the gap needs of the live capture that owns it. */
struct capgap_env {
	struct loop *loop;
	struct pipeline *pl;
	int fd_id;			/* the capture's watcher on loop */
	int64_t (*now)(void *ctx);	/* the live capture's packet clock */
	/* The interface cannot be followed (another link type): the run
	 * ends with this capture error. */
	void (*fatal)(void *ctx, const char *msg);
	void *ctx;
};

struct capgap;

/* fd is the capture's selectable fd, ifname its interface.  NULL when
 * out of memory. */
struct capgap *capgap_new(const struct capgap_env *env, int fd,
    const char *ifname);
/* After a read of the capture that failed (failed 1) or reported an
 * error condition (POLLERR, failed 0): the interface is looked at, and a
 * gap begins if it is down or gone.  0: carry on; -1: the failure is not
 * the interface's (fatal, as before).  g may be NULL (not followed). */
int capgap_check(struct capgap *g, int failed);
/* A packet came at ts: a gap is over. */
void capgap_packet(struct capgap *g, int64_t ts);
/* The run is over: a gap still open is reported (not resumed). */
void capgap_free(struct capgap *g);

#endif

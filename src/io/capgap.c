/* A live capture's gaps (io/capgap.h). */
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/capgap.h"
#include "io/iface.h"
#include "io/loop.h"
#include "util/logline.h"

#define RETRY_FIRST_US 1000000
#define RETRY_MAX_US 30000000

struct capgap {
	struct capgap_env env;
	struct iface ifc;
	int followed;			/* iface_init() took the capture */
	int timer_id;
	int active;			/* in a gap */
	int gone;			/* the interface was gone during it */
	int64_t start_us;		/* packet clock */
	int64_t retry_us;		/* the next wait */
};

static const char *
reason(const struct capgap *g)
{
	return g->gone ? "interface-gone" : "interface-down";
}

/* Looks again in retry_us, and waits twice as long the time after. */
static void
retry_later(struct capgap *g)
{
	loop_timer_at(g->env.loop, g->timer_id, loop_now() + g->retry_us);
	g->retry_us = g->retry_us * 2 > RETRY_MAX_US ? RETRY_MAX_US :
	    g->retry_us * 2;
}

static void
begin(struct capgap *g, enum iface_state st)
{
	if (g->active) {
		g->gone |= st != IFACE_DOWN;
		return;
	}
	g->active = 1;
	g->gone = st != IFACE_DOWN;
	g->start_us = g->env.now(g->env.ctx);
	g->retry_us = RETRY_FIRST_US;
	logline(LOG_WARNING, "capture on %s stopped: the interface %s; "
	    "retrying", g->ifc.name, g->gone ? "is gone" : "went down");
	pipeline_gap_begin(g->env.pl, g->start_us);
	/* A socket with no interface has nothing to poll for; it is
	 * polled again once bound. */
	if (g->gone)
		loop_fd_events(g->env.loop, g->env.fd_id, 0);
	retry_later(g);
}

static void
end(struct capgap *g, int64_t ts, int resumed)
{
	struct capture_gap cg;
	int64_t us;

	if (ts < g->start_us)
		ts = g->start_us;
	us = ts - g->start_us;
	g->active = 0;
	loop_timer_at(g->env.loop, g->timer_id, LOOP_NEVER);
	loop_fd_events(g->env.loop, g->env.fd_id, POLLIN);
	logline(resumed ? LOG_NOTICE : LOG_WARNING, "capture on %s %s %"
	    PRId64 ".%03" PRId64 " s (%s)", g->ifc.name, resumed ? "resumed after" :
	    "was still stopped when the run ended, for", us / 1000000,
	    us % 1000000 / 1000, reason(g));
	cg.ifname = g->ifc.name;
	cg.start_us = g->start_us;
	cg.end_us = ts;
	cg.reason = reason(g);
	cg.resumed = resumed;
	pipeline_gap_end(g->env.pl, &cg);
}

/* The interface is back under its name: the socket follows it, unless
 * it has another link type.  0, or -1 when the run must end. */
static int
follow(struct capgap *g, int ifindex)
{
	char msg[160];
	int hatype, rc;

	g->gone = 1;
	if ((rc = iface_rebind(&g->ifc, ifindex, &hatype)) == 0) {
		loop_fd_events(g->env.loop, g->env.fd_id, POLLIN);
		return 0;
	}
	if (rc < 0)
		return 0;	/* gone again in between: the next look */
	snprintf(msg, sizeof msg, "%s came back with another link type (ARPHRD "
	    "%d, was %d): the capture cannot follow it", g->ifc.name, hatype,
	    g->ifc.hatype);
	g->env.fatal(g->env.ctx, msg);
	return -1;
}

/* The retry timer: how is the interface now? */
static void
on_retry(void *ctx, int64_t now)
{
	struct capgap *g = ctx;
	enum iface_state st;
	int ifindex = 0;

	(void)now;
	if (!g->active)
		return;
	if ((st = iface_state(&g->ifc, &ifindex)) == IFACE_BACK) {
		if (follow(g, ifindex) != 0)
			return;
		st = iface_state(&g->ifc, &ifindex);
	}
	if (st == IFACE_UP)
		end(g, g->env.now(g->env.ctx), 1);
	else {
		if (st == IFACE_GONE)
			g->gone = 1;
		retry_later(g);
	}
}

struct capgap *
capgap_new(const struct capgap_env *env, int fd, const char *ifname)
{
	struct capgap *g = calloc(1, sizeof *g);

	if (g == NULL)
		return NULL;
	g->env = *env;
	g->followed = iface_init(&g->ifc, fd, ifname) == 0;
	if ((g->timer_id = loop_timer_add(env->loop, on_retry, g)) < 0) {
		free(g);
		return NULL;
	}
	return g;
}

int
capgap_check(struct capgap *g, int failed)
{
	enum iface_state st;
	int ifindex;

	if (g == NULL || !g->followed)
		return failed ? -1 : 0;
	switch ((st = iface_state(&g->ifc, &ifindex))) {
	case IFACE_DOWN:
	case IFACE_GONE:
	case IFACE_BACK:
		begin(g, st);
		return 0;
	default:
		/* Up (or the kernel would not say): the error is not the
		 * interface's. */
		return failed ? -1 : 0;
	}
}

/* A packet the kernel stamped before the gap began was captured before
 * the interface went: handed over late (a block at a time, io/live.c),
 * it is no sign that the capture is back. */
void
capgap_packet(struct capgap *g, int64_t ts)
{
	if (g != NULL && g->active && ts > g->start_us)
		end(g, ts, 1);
}

void
capgap_free(struct capgap *g)
{
	if (g == NULL)
		return;
	if (g->active)
		end(g, g->env.now(g->env.ctx), 0);
	loop_timer_del(g->env.loop, g->timer_id);
	free(g);
}

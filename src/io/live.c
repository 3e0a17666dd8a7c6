/*
 * Live capture, in the shape of libpcap's testprogs/selpolltest.c: a
 * non-blocking handle whose selectable fd is a loop watcher, read with
 * pcap_dispatch() when it is ready, and a loop timer at the tracker's
 * nearest deadline so a DROP verdict arrives on time on an idle link.
 * Packet time is the wall clock, as the kernel stamps packets with it;
 * the timer itself is the loop's (monotonic).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "core/decode.h"
#include "io/capgap.h"
#include "io/filter.h"
#include "io/live.h"
#include "io/loop.h"
#include "io/rotate.h"
#include "io/route.h"
#include "io/signals.h"
#include "util/logline.h"

/* At most this long between two looks at the tracker: a packet may
 * move the live clock, and the next deadline is read from it. */
#define MAX_TICK_US 1000000

/* The longest a captured packet waits in the kernel's ring before it is
 * handed over (a block's timeout): the most a record is late. */
#define CAPTURE_TIMEOUT_MS 100

struct live {
	const struct live_config *cfg;
	struct pipeline *pl;
	pcap_t *p;
	struct rotate *dump;		/* -w */
	struct pcapngw_info info;	/* what each -w file's header says */
	char *filter;			/* the capture filter expression */
	struct route *route;		/* NULL: no routing table to ask */
	char route_err[128];		/* why not */
	int dlt;
	char ifname[256];
	struct loop *loop;		/* once attached */
	struct capgap *gap;		/* the interface down or gone */
	int fd_id, prep_id, tick_id, end_id;
	int out_id;			/* standard output, for its reader going */
	int draining;			/* ending: the last block being read */
	int64_t stats_at;		/* loop time of the last pcap_stats() */
	/* pcap_stats()'s counters are 32 bits (u_int) and wrap, after
	 * 2.5 days at 20,000 packets a second: widened here, from the
	 * last values read (at least once a second). */
	uint32_t last[3];
	uint64_t wide[3];
	int64_t tick_at;		/* the tick armed for (loop time); 0: none */
	int rot_id, stats_id;		/* -G, --stats-interval */
	int64_t rot_due, stats_due;	/* their next times (loop_now()) */
	int sig_id[4];			/* SIGINT, SIGTERM, SIGUSR1, SIGHUP */
	int rc;				/* LIVE_OK, or what stopped the run */
	char err[256];
	int64_t anchor_ts;		/* the live clock: the last packet's time, */
	int64_t anchor_mono;		/* and loop_now() when it came */
};

/*
 * The packet clock between packets: the last packet's time plus the
 * monotonic time since it came (before the first, the wall clock at
 * attach).  A step of the system clock (NTP) moves no deadline; the
 * tracker's deadlines are in packet time, and so are the verdicts.
 */
static int64_t
live_now(const struct live *l)
{
	return l->anchor_ts + (loop_now() - l->anchor_mono);
}

/* The packet clock up to which the kernel has handed every packet over:
 * outside immediate mode a block may hold a packet for up to its timeout,
 * so the timers decide (a DROP, an end of window) only on time no packet
 * still in the ring can belong to; an answer stamped before an attempt's
 * deadline is then never read after the timer called it dropped. */
static int64_t
settled_now(const struct live *l)
{
	return live_now(l) -
	    (l->cfg->immediate ? 0 : CAPTURE_TIMEOUT_MS * 1000LL);
}

static void __attribute__((format(printf, 3, 4)))
stop(struct live *l, int rc, const char *fmt, ...)
{
	va_list ap;

	if (l->rc == LIVE_OK) {
		l->rc = rc;
		va_start(ap, fmt);
		vsnprintf(l->err, sizeof l->err, fmt, ap);
		va_end(ap);
	}
	loop_stop(l->loop);
}

/* A file whose name was taken by a previous run's is said, once. */
static void
said_file(struct live *l)
{
	const char *want = rotate_take_wanted(l->dump);

	if (want != NULL)
		fprintf(stderr, "smtpscope: -w %s exists: writing %s\n", want,
		    rotate_name(l->dump));
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct live *l = (struct live *)user;
	int64_t ts = ts_us(h->ts.tv_sec, h->ts.tv_usec);
	char err[PATH_MAX + 64];

	l->anchor_ts = ts;
	l->anchor_mono = loop_now();
	capgap_packet(l->gap, ts);
	if (pipeline_packet(l->pl, l->dlt, ts, data, h->caplen, h->len) &&
	    l->dump != NULL && l->rc == LIVE_OK) {
		if (rotate_packet(l->dump, h->ts.tv_sec, h->ts.tv_usec, data,
		    h->caplen, h->len, err, sizeof err) != 0) {
			stop(l, LIVE_CAPTURE_ERROR, "%s", err);
			pcap_breakloop(l->p);
		} else
			said_file(l);
	}
}

/* The first interface that is up, running and not loopback. */
static const char *
default_interface(char *name, size_t len, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *d;

	if (pcap_findalldevs(&all, ebuf) != 0) {
		snprintf(err, errlen, "cannot list interfaces: %s", ebuf);
		return NULL;
	}
	for (d = all; d != NULL; d = d->next)
		if ((d->flags & PCAP_IF_UP) && (d->flags & PCAP_IF_RUNNING) &&
		    !(d->flags & PCAP_IF_LOOPBACK) && strcmp(d->name, "any") != 0)
			break;
	if (d != NULL)
		snprintf(name, len, "%s", d->name);
	pcap_freealldevs(all);
	if (d == NULL) {
		snprintf(err, errlen, "no interface is up; name one with -i");
		return NULL;
	}
	return name;
}

static int
open_handle(const struct live_config *cfg, const char *ifname, struct live *l,
    char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	int rc;

	if ((l->p = pcap_create(ifname, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", ifname, ebuf);
		return -1;
	}
	pcap_set_snaplen(l->p, cfg->snaplen);
	pcap_set_promisc(l->p, 0);
	/* watch: not immediate mode, so that libpcap uses TPACKET_V3,
	 * whose ring packs packets into blocks handed over when full or
	 * after the timeout; immediate mode falls back to TPACKET_V2, one
	 * frame of the snap length per packet, so the same buffer holds
	 * some twenty times fewer SYNs.  Replaying the bench's tenths at
	 * top speed into a veth (tests/bench/live.sh), immediate mode
	 * dropped up to 28,089 packets of 215,428 where tcpdump dropped
	 * none.  A prober sends its next probe on an answer's arrival
	 * (trace: the next TTL), so it needs each packet at once. */
	if (cfg->immediate)
		pcap_set_immediate_mode(l->p, 1);
	else
		pcap_set_timeout(l->p, CAPTURE_TIMEOUT_MS);
	if (cfg->buffer_kib > 0)
		pcap_set_buffer_size(l->p, cfg->buffer_kib * 1024);
	rc = pcap_activate(l->p);
	if (rc == PCAP_ERROR_PERM_DENIED) {
		snprintf(err, errlen, "%s: capture not permitted: run as root, or "
		    "give the binary CAP_NET_RAW and CAP_NET_ADMIN "
		    "(setcap cap_net_raw,cap_net_admin=eip smtpscope)", ifname);
		return -1;
	}
	if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
		snprintf(err, errlen, "%s: no such interface", ifname);
		return -1;
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", ifname, pcap_geterr(l->p));
		return -1;
	}
	l->dlt = pcap_datalink(l->p);
	if (!decode_link_supported(l->dlt)) {
		const char *name = pcap_datalink_val_to_name(l->dlt);

		snprintf(err, errlen, "%s: unsupported link type %s (%d)", ifname,
		    name ? name : "unknown", l->dlt);
		return -1;
	}
	return 0;
}

static int
set_filter(const struct live_config *cfg, struct live *l, char *err,
    size_t errlen)
{
	struct bpf_program prog;

	/* An NFLOG group holds what the rules logged, nothing else: no
	 * filter (libpcap cannot compile one for it). */
	if (l->dlt == DLT_NFLOG_)
		return 0;
	if (filter_compile(l->p, cfg->filter_template, cfg->ports, &prog,
	    &l->filter) != 0) {
		snprintf(err, errlen, "capture filter: %s", pcap_geterr(l->p));
		return -1;
	}
	if (cfg->dump_filter) {
		bpf_dump(&prog, 1);
		pcap_freecode(&prog);
		return 0;
	}
	if (pcap_setfilter(l->p, &prog) != 0) {
		snprintf(err, errlen, "capture filter: %s", pcap_geterr(l->p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

/*
 * The -w file (io/rotate.h): pcapng, whose comment names the ports and the
 * command (io/pcapngw.h).  Created, never truncated: a file a previous run
 * left is kept and the next free NAME.N written instead.
 */
static int
open_dump(const struct live_config *cfg, struct live *l, char *err,
    size_t errlen)
{
	struct rotate_config rc;

	rc.name = cfg->write_file;
	rc.size = cfg->rotate_size;
	rc.interval_us = cfg->rotate_interval_us;
	rc.count = cfg->rotate_count;
	if ((l->dump = rotate_open(&rc, &l->info, err, errlen)) == NULL)
		return -1;
	said_file(l);
	return 0;
}

/* What every -w file's header says. */
static void
dump_info(const struct live_config *cfg, struct live *l)
{
	l->info.dlt = l->dlt;
	l->info.snaplen = (uint32_t)pcap_snapshot(l->p);
	l->info.ifname = l->ifname;
	l->info.filter = l->filter;
	l->info.argc = cfg->argc;
	l->info.argv = cfg->argv;
	l->info.ports = cfg->ports;
}

/* With -C or -G the files are made by the user the run drops to, the
 * first as every later one (as tcpdump does), so that a directory it
 * cannot write fails now, not at the first rotation. */
static int
rotates(const struct live_config *cfg)
{
	return cfg->rotate_size > 0 || cfg->rotate_interval_us > 0;
}

static void
record_kernel_stats(struct live *l)
{
	struct pcap_stat ps;
	uint32_t now[3];
	int i;

	if (pcap_stats(l->p, &ps) != 0)
		return;
	now[0] = ps.ps_recv;
	now[1] = ps.ps_drop;
	now[2] = ps.ps_ifdrop;
	for (i = 0; i < 3; i++) {
		l->wide[i] += (uint32_t)(now[i] - l->last[i]);
		l->last[i] = now[i];
	}
	pipeline_set_kernel_stats(l->pl, (int64_t)l->wide[0],
	    (int64_t)l->wide[1], (int64_t)l->wide[2]);
}

static void
on_capture(void *ctx, short revents)
{
	struct live *l = ctx;

	int rc = pcap_dispatch(l->p, -1, on_packet, (u_char *)l);

	/* An error condition is the interface's going down or away (the
	 * run goes on, io/capgap.h), or fatal. */
	if ((rc == PCAP_ERROR || (revents & (POLLERR | POLLHUP))) &&
	    capgap_check(l->gap, rc == PCAP_ERROR) != 0)
		stop(l, LIVE_CAPTURE_ERROR, "%s", pcap_geterr(l->p));
	else if (l->dump != NULL && rotate_flush(l->dump) != 0)
		stop(l, LIVE_CAPTURE_ERROR, "-w %s: cannot write the evidence file",
		    rotate_name(l->dump));
}

/* Before each poll: -c reached, a failed output, and the tracker's next
 * deadline (packet clock) as the tick timer (the loop's clock); the
 * prober's SYNs move it too. */
static void
prepare(void *ctx)
{
	struct live *l = ctx;
	int64_t d, wait = MAX_TICK_US;

	if (pipeline_done(l->pl)) {
		loop_stop(l->loop);
		return;
	}
	if (pipeline_output_failed(l->pl)) {
		stop(l, LIVE_OUTPUT_ERROR, "cannot write the output (%s)",
		    strerror(errno));
		return;
	}
	/* With no deadline, a tick a second still lets the outputs' windows
	 * pass on an idle link (--findings). */
	if ((d = pipeline_next_deadline(l->pl)) != INT64_MAX &&
	    (d -= settled_now(l)) < wait)
		wait = d;
	/* An armed tick due sooner stays: pushed back at every poll, it
	 * would never fire while another timer (--maillog's follower)
	 * wakes the loop more often than once a second. */
	d = loop_now() + (wait > 0 ? wait : 0);
	if (l->tick_at != 0 && l->tick_at <= d)
		return;
	l->tick_at = d;
	loop_timer_at(l->loop, l->tick_id, d);
}

static void
on_tick(void *ctx, int64_t now)
{
	struct live *l = ctx;

	l->tick_at = 0;
	pipeline_tick(l->pl, settled_now(l));
	/* The kernel's counters a second old at most, for the metrics. */
	if (now - l->stats_at >= 1000000) {
		l->stats_at = now;
		record_kernel_stats(l);
	}
}

/*
 * The end of a run (--duration, SIGINT, SIGTERM).  Outside immediate mode
 * the packets of the kernel's current block are handed over only when the
 * block times out: the run goes on for two block timeouts first, so that
 * what arrived before the end is read (a second signal ends it at once).
 */
static void
finish(struct live *l)
{
	if (l->cfg->immediate || l->draining) {
		loop_stop(l->loop);
		return;
	}
	l->draining = 1;
	loop_timer_at(l->loop, l->end_id,
	    loop_now() + 2 * CAPTURE_TIMEOUT_MS * 1000LL);
}

static void
on_end(void *ctx, int64_t now)
{
	(void)now;
	finish(ctx);
}

static void
on_stop_signal(void *ctx, int sig)
{
	(void)sig;
	finish(ctx);
}

/*
 * Standard output's reader went away (a pipe's reader polls POLLERR, a
 * closed socket POLLHUP): the run ends now, as at a failed write, rather
 * than at the next record, which on a quiet link may be hours away (the
 * kernel hands packets over in blocks, so the records written after the
 * reader read its last line may all have gone before it left).  Asked
 * for no event, so a file or a terminal never wakes the loop.
 */
static void
on_stdout(void *ctx, short revents)
{
	struct live *l = ctx;

	if (revents & POLLNVAL) {		/* no standard output at all */
		loop_fd_del(l->loop, l->out_id);
		l->out_id = -1;
		return;
	}
	stop(l, LIVE_OUTPUT_ERROR, "cannot write the output (%s)",
	    strerror(EPIPE));
}

static void
on_snapshot(void *ctx, int sig)
{
	struct live *l = ctx;

	(void)sig;
	pipeline_tick(l->pl, settled_now(l));
	record_kernel_stats(l);
	pipeline_snapshot(l->pl);
}

/* The next time of a periodic timer due at due: the schedule kept (no
 * drift), the times a stalled loop missed skipped (no burst). */
static int64_t
next_due(int64_t due, int64_t every, int64_t now)
{
	due += every;
	if (due <= now)
		due += (now - due) / every * every + every;
	return due;
}

/* -G: the next file, or the end of the run after -W files. */
static void
on_rotate(void *ctx, int64_t now)
{
	struct live *l = ctx;
	char err[PATH_MAX + 64];
	int rc;

	if ((rc = rotate_next(l->dump, ROTATE_TIME, err, sizeof err)) < 0)
		stop(l, LIVE_CAPTURE_ERROR, "%s", err);
	else if (rc == ROTATE_DONE) {
		fprintf(stderr, "smtpscope: -G -W: the last of %d files is "
		    "written\n", l->cfg->rotate_count);
		loop_stop(l->loop);
	} else {
		said_file(l);
		l->rot_due = next_due(l->rot_due, l->cfg->rotate_interval_us, now);
		loop_timer_at(l->loop, l->rot_id, l->rot_due);
	}
}

/* SIGHUP, for logrotate: a new -w file.  When it cannot be made, the
 * current one is kept, and said. */
static void
on_reopen(void *ctx, int sig)
{
	struct live *l = ctx;
	char err[PATH_MAX + 64];
	int rc;

	(void)sig;
	if ((rc = rotate_next(l->dump, ROTATE_REOPEN, err, sizeof err)) ==
	    ROTATE_CLOSE_FAILED)
		stop(l, LIVE_CAPTURE_ERROR, "%s", err);
	else if (rc != 0)
		fprintf(stderr, "smtpscope: SIGHUP: %s; still writing %s\n", err,
		    rotate_name(l->dump));
	else {
		said_file(l);
		fprintf(stderr, "smtpscope: SIGHUP: writing %s\n",
		    rotate_name(l->dump));
	}
}

/* --stats-interval: the pulse, with the kernel's counters. */
static void
on_stats(void *ctx, int64_t now)
{
	struct live *l = ctx;

	pipeline_tick(l->pl, settled_now(l));
	record_kernel_stats(l);
	pipeline_pulse(l->pl);
	l->stats_due = next_due(l->stats_due, l->cfg->stats_interval_us, now);
	loop_timer_at(l->loop, l->stats_id, l->stats_due);
}

struct live *
live_open(const struct live_config *cfg, struct pipeline *pl, char *err,
    size_t errlen)
{
	struct live *l = calloc(1, sizeof *l);
	const char *ifname = cfg->ifname;

	if (l == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->cfg = cfg;
	l->pl = pl;
	l->fd_id = l->prep_id = l->tick_id = l->end_id = l->out_id = -1;
	l->rot_id = l->stats_id = -1;
	l->sig_id[0] = l->sig_id[1] = l->sig_id[2] = l->sig_id[3] = -1;
	if (ifname == NULL) {
		if (default_interface(l->ifname, sizeof l->ifname, err, errlen) == NULL)
			goto fail;
	} else
		snprintf(l->ifname, sizeof l->ifname, "%s", ifname);
	/* Everything privileged is opened here, before root is dropped. */
	if (open_handle(cfg, l->ifname, l, err, errlen) != 0 ||
	    set_filter(cfg, l, err, errlen) != 0)
		goto fail;
	dump_info(cfg, l);
	if (!cfg->dump_filter && cfg->write_file != NULL && !rotates(cfg) &&
	    open_dump(cfg, l, err, errlen) != 0)
		goto fail;
	/* The routing table, for the first-hop attribution; without it
	 * the attribution rests on the answers seen (core/firsthop.h). */
	if (!cfg->dump_filter && (l->route = route_open(l->route_err,
	    sizeof l->route_err)) != NULL)
		pipeline_set_route(pl, route_via_gateway, l->route);
	return l;
fail:
	live_close(l, NULL, 0);
	return NULL;
}

/* The watcher, timers and signals on l->loop; 0, or -1 out of memory. */
static int
register_all(struct live *l, int fd)
{
	struct loop *lp = l->loop;

	if ((l->fd_id = loop_fd_add(lp, fd, POLLIN, on_capture, l)) < 0 ||
	    (l->out_id = loop_fd_add(lp, STDOUT_FILENO, 0, on_stdout, l)) < 0 ||
	    (l->prep_id = loop_prepare(lp, prepare, l)) < 0 ||
	    (l->tick_id = loop_timer_add(lp, on_tick, l)) < 0 ||
	    (l->end_id = loop_timer_add(lp, on_end, l)) < 0 ||
	    (l->sig_id[0] = loop_signal(lp, SIGINT, on_stop_signal, l)) < 0 ||
	    (l->sig_id[1] = loop_signal(lp, SIGTERM, on_stop_signal, l)) < 0 ||
	    (l->sig_id[2] = loop_signal(lp, SIGUSR1, on_snapshot, l)) < 0)
		return -1;
	if (l->cfg->duration_us != 0)
		loop_timer_at(lp, l->end_id, loop_now() + l->cfg->duration_us);
	return 0;
}

static int64_t
gap_clock(void *ctx)
{
	return live_now(ctx);
}

static void
gap_fatal(void *ctx, const char *msg)
{
	stop(ctx, LIVE_CAPTURE_ERROR, "%s", msg);
}

/* The run outlives its interface going down or away (io/capgap.h). */
static int
follow_interface(struct live *l, int fd)
{
	struct capgap_env env;

	env.loop = l->loop;
	env.pl = l->pl;
	env.fd_id = l->fd_id;
	env.now = gap_clock;
	env.fatal = gap_fatal;
	env.ctx = l;
	pipeline_set_live(l->pl);
	return (l->gap = capgap_new(&env, fd, l->ifname)) == NULL ? -1 : 0;
}

/* -G's and --stats-interval's timers and SIGHUP (with -w only: else it
 * keeps its default action and ends the run). */
static int
register_outputs(struct live *l)
{
	struct loop *lp = l->loop;
	const struct live_config *cfg = l->cfg;

	if (l->dump != NULL &&
	    (l->sig_id[3] = loop_signal(lp, SIGHUP, on_reopen, l)) < 0)
		return -1;
	if (l->dump != NULL && cfg->rotate_interval_us > 0) {
		if ((l->rot_id = loop_timer_add(lp, on_rotate, l)) < 0)
			return -1;
		l->rot_due = loop_now() + cfg->rotate_interval_us;
		loop_timer_at(lp, l->rot_id, l->rot_due);
	}
	if (cfg->stats_interval_us > 0) {
		if ((l->stats_id = loop_timer_add(lp, on_stats, l)) < 0)
			return -1;
		l->stats_due = loop_now() + cfg->stats_interval_us;
		loop_timer_at(lp, l->stats_id, l->stats_due);
	}
	return 0;
}

int
live_attach(struct live *l, struct loop *lp, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	const char *dlt_name = pcap_datalink_val_to_name(l->dlt);
	int fd;

	l->loop = lp;
	l->anchor_ts = loop_wall();
	l->anchor_mono = loop_now();
	if (signals_catch(err, errlen) != 0)
		return -1;
	signals_ignore_pipe();
	if (l->cfg->write_file != NULL && rotates(l->cfg) &&
	    open_dump(l->cfg, l, err, errlen) != 0)
		return -1;
	logline(LOG_INFO, "listening on %s, link type %s", l->ifname,
	    dlt_name ? dlt_name : "unknown");
	if (l->route == NULL)
		logline(LOG_WARNING, "no routing table (%s): answers in "
		    "the server's name are told from the first hop's by the "
		    "answers seen only", l->route_err);
	if (pcap_setnonblock(l->p, 1, ebuf) != 0) {
		snprintf(err, errlen, "%s", ebuf);
		return -1;
	}
	if ((fd = pcap_get_selectable_fd(l->p)) < 0) {
		snprintf(err, errlen, "capture handle has no selectable fd");
		return -1;
	}
	if (register_all(l, fd) != 0 || follow_interface(l, fd) != 0 ||
	    register_outputs(l) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The kernel's counters from the start (on_tick keeps them). */
	l->stats_at = loop_now();
	record_kernel_stats(l);
	return 0;
}

/* Takes what live_attach() put on the loop off it. */
static void
unregister_all(struct live *l)
{
	int i;

	if (l->loop == NULL)
		return;
	capgap_free(l->gap);
	loop_fd_del(l->loop, l->fd_id);
	loop_fd_del(l->loop, l->out_id);
	loop_prepare_del(l->loop, l->prep_id);
	loop_timer_del(l->loop, l->tick_id);
	loop_timer_del(l->loop, l->end_id);
	loop_timer_del(l->loop, l->rot_id);
	loop_timer_del(l->loop, l->stats_id);
	for (i = 0; i < 4; i++)
		loop_signal_del(l->loop, l->sig_id[i]);
}

int
live_close(struct live *l, char *err, size_t errlen)
{
	int rc;

	if (l == NULL)
		return LIVE_OK;
	unregister_all(l);
	if (l->p != NULL && l->loop != NULL)
		record_kernel_stats(l);
	/* A full disk must not leave a short evidence file unsaid. */
	if (l->dump != NULL && l->rc == LIVE_OK && rotate_flush(l->dump) != 0) {
		l->rc = LIVE_CAPTURE_ERROR;
		snprintf(l->err, sizeof l->err,
		    "-w %s: cannot write the evidence file", rotate_name(l->dump));
	}
	if (rotate_close(l->dump) != 0 && l->rc == LIVE_OK) {
		l->rc = LIVE_CAPTURE_ERROR;
		snprintf(l->err, sizeof l->err, "-w: cannot write the evidence file");
	}
	free(l->filter);
	if (l->p != NULL)
		pcap_close(l->p);
	if (l->route != NULL) {
		pipeline_set_route(l->pl, NULL, NULL);
		route_close(l->route);
	}
	if (l->rc != LIVE_OK && err != NULL)
		snprintf(err, errlen, "%s", l->err);
	rc = l->rc;
	free(l);
	return rc;
}

const char *
live_ifname(const struct live *l)
{
	return l->ifname;
}

/*
 * Live capture on the run's event loop (io/loop.h): the capture handle's
 * selectable fd is a watcher, the tracker's next deadline a timer, and
 * --duration, -G, --stats-interval, SIGINT/SIGTERM (stop), SIGUSR1
 * (snapshot) and SIGHUP (a new -w file) are the loop's too.  Whatever else the run does (probe's sends, DNS) registers on the
 * same loop.  Phases, as the caller orders them: live_open() while still
 * privileged, then drop privileges, then live_attach() and loop_run(),
 * then live_close().
 */
#ifndef SMTPSCOPE_LIVE_H
#define SMTPSCOPE_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/pipeline.h"
#include "util/portset.h"

struct loop;

struct live_config {
	const char *ifname;		/* NULL: the first suitable interface */
	int snaplen;
	int buffer_kib;			/* kernel buffer, 0: libpcap's default */
	const char *filter_template;	/* bpf/smtp.bpf or --filter-file */
	const struct portset *ports;	/* server ports */
	const char *write_file;		/* -w: evidence pcapng, or NULL */
	uint64_t rotate_size;		/* -C in bytes, 0: none (io/rotate.h) */
	int64_t rotate_interval_us;	/* -G, 0: none */
	int rotate_count;		/* -W, 0: none */
	int64_t stats_interval_us;	/* --stats-interval, 0: none */
	int argc;			/* the command line, for -w's comment */
	char *const *argv;
	const char *user;		/* -Z */
	uint64_t max_verdicts;		/* -c, 0: no limit */
	int64_t duration_us;		/* --duration, 0: no limit */
	int dump_filter;		/* -d: print the compiled filter and stop */
	int immediate;			/* each packet at once: probes wait on it */
};

enum {
	LIVE_OK = 0,
	LIVE_CAPTURE_ERROR = -2,	/* the capture failed after it started */
	LIVE_OUTPUT_ERROR = -3,		/* standard output failed (closed pipe) */
};

struct live;

/*
 * The privileged part: the capture handle, its filter and the -w file
 * (with -C or -G, as tcpdump does, the first file is made by live_attach(),
 * after privileges are dropped, as every later one is).  With dump_filter, prints the compiled filter instead and opens no -w
 * file.  NULL with err set when nothing can be captured (bad interface,
 * no permission).  Packets go to pl once attached.
 */
struct live *live_open(const struct live_config *cfg, struct pipeline *pl,
    char *err, size_t errlen);
/* After privileges are dropped: catches the signals, registers on l and
 * says "listening on".  The loop stops at a signal, -c, --duration or a
 * capture or output error.  0, or -1 with err set. */
int live_attach(struct live *lv, struct loop *l, char *err, size_t errlen);
/* After the loop: the kernel's counters to the pipeline, the -w file
 * flushed and closed, the handle closed, lv freed.  LIVE_OK or the error
 * that ended the run (message in err). */
int live_close(struct live *lv, char *err, size_t errlen);
/* The interface captured on (-i, or the one chosen without it). */
const char *live_ifname(const struct live *lv);

#endif

/*
 * Live capture, in the shape of libpcap's testprogs/selpolltest.c: a
 * non-blocking handle, poll() on its selectable fd, and a poll timeout taken
 * from the tracker's nearest deadline so a DROP verdict arrives on time on an
 * idle link.  Time is the wall clock, as the kernel stamps packets with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <pcap/pcap.h>

#include "core/decode.h"
#include "io/filter.h"
#include "io/live.h"
#include "io/privs.h"

static volatile sig_atomic_t stop_requested, snapshot_requested;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		snapshot_requested = 1;
	else
		stop_requested = 1;
}

/* No SA_RESTART: a signal must wake poll(). */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int64_t
now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

struct live {
	struct pipeline *pl;
	pcap_t *p;
	pcap_dumper_t *dump;
	int dlt;
};

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct live *l = (struct live *)user;
	int64_t ts = ts_us(h->ts.tv_sec, h->ts.tv_usec);

	if (pipeline_packet(l->pl, l->dlt, ts, data, h->caplen, h->len) &&
	    l->dump != NULL)
		pcap_dump((u_char *)l->dump, h, data);
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
	pcap_set_immediate_mode(l->p, 1);
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

	if (filter_compile(l->p, cfg->filter_template, cfg->ports, &prog) != 0) {
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
 * The -w file, opened while still root: O_NOFOLLOW so a symlink planted in
 * its place is not followed, mode 0600 (it holds mail traffic headers).
 */
static int
open_dump(const char *path, struct live *l, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	FILE *fp;

	if (fd < 0 || (fp = fdopen(fd, "wb")) == NULL) {
		snprintf(err, errlen, "-w %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((l->dump = pcap_dump_fopen(l->p, fp)) == NULL) {
		snprintf(err, errlen, "-w %s: %s", path, pcap_geterr(l->p));
		fclose(fp);
		return -1;
	}
	return 0;
}

static void
record_kernel_stats(struct live *l)
{
	struct pcap_stat ps;

	if (pcap_stats(l->p, &ps) == 0)
		pipeline_set_kernel_stats(l->pl, ps.ps_recv, ps.ps_drop,
		    ps.ps_ifdrop);
}

/* Milliseconds until the next thing to do; at most a second. */
static int
poll_timeout(int64_t d, int64_t now)
{
	int64_t ms;

	if (d <= now)
		return 0;
	ms = (d - now + 999) / 1000;
	return ms > 1000 ? 1000 : (int)ms;
}

#define MAX_HOOK_FDS 16

static int
loop(const struct live_config *cfg, struct live *l, const struct live_hooks *h,
    char *err, size_t errlen)
{
	struct pollfd pfd[1 + MAX_HOOK_FDS];
	int64_t end = cfg->duration_us ? now_us() + cfg->duration_us : 0;

	if (pcap_setnonblock(l->p, 1, err) != 0)
		return LIVE_SETUP_ERROR;
	pfd[0].fd = pcap_get_selectable_fd(l->p);
	pfd[0].events = POLLIN;
	if (pfd[0].fd < 0) {
		snprintf(err, errlen, "capture handle has no selectable fd");
		return LIVE_SETUP_ERROR;
	}
	while (!stop_requested) {
		int64_t now = now_us(), d = pipeline_next_deadline(l->pl);
		int n = 0;

		pipeline_tick(l->pl, now);
		if (snapshot_requested) {
			snapshot_requested = 0;
			record_kernel_stats(l);
			pipeline_snapshot(l->pl);
		}
		if (pipeline_done(l->pl) || (end != 0 && now >= end))
			break;
		if (pipeline_output_failed(l->pl)) {
			snprintf(err, errlen, "cannot write the output (%s)",
			    strerror(errno));
			return LIVE_OUTPUT_ERROR;
		}
		if (end != 0 && end < d)
			d = end;
		if (h != NULL) {
			int64_t hd = h->deadline(h->ctx, now);

			n = h->pollfds(h->ctx, pfd + 1, MAX_HOOK_FDS);
			if (hd < d)
				d = hd;
		}
		if (poll(pfd, (nfds_t)(1 + n), poll_timeout(d, now)) < 0) {
			if (errno != EINTR) {
				snprintf(err, errlen, "poll: %s", strerror(errno));
				return LIVE_CAPTURE_ERROR;
			}
			pfd[0].revents = 0;
		}
		if (pcap_dispatch(l->p, -1, on_packet, (u_char *)l) == PCAP_ERROR) {
			snprintf(err, errlen, "%s", pcap_geterr(l->p));
			return LIVE_CAPTURE_ERROR;
		}
		if (l->dump != NULL && pcap_dump_flush(l->dump) != 0) {
			snprintf(err, errlen, "-w: cannot write the evidence file");
			return LIVE_CAPTURE_ERROR;
		}
		if (h != NULL && h->step(h->ctx, pfd + 1, n, now_us()))
			break;
	}
	return LIVE_OK;
}

int
live_run(const struct live_config *cfg, struct pipeline *pl,
    const struct live_hooks *hooks, char *err, size_t errlen)
{
	char name[256];
	const char *ifname = cfg->ifname;
	struct live l = { pl, NULL, NULL, 0 };
	int rc = LIVE_SETUP_ERROR;

	if (ifname == NULL &&
	    (ifname = default_interface(name, sizeof name, err, errlen)) == NULL)
		return LIVE_SETUP_ERROR;
	/* Open everything privileged first, then drop root, then run. */
	if (open_handle(cfg, ifname, &l, err, errlen) != 0 ||
	    set_filter(cfg, &l, err, errlen) != 0)
		goto out;
	if (cfg->dump_filter) {
		rc = LIVE_OK;
		goto out;
	}
	if (cfg->write_file != NULL && open_dump(cfg->write_file, &l, err,
	    errlen) != 0)
		goto out;
	if (hooks != NULL && hooks->privileged != NULL &&
	    hooks->privileged(hooks->ctx, err, errlen) != 0)
		goto out;
	if (privs_drop(cfg->user, err, errlen) != 0)
		goto out;
	catch_signals();
	fprintf(stderr, "smtpscope: listening on %s, link type %s\n", ifname,
	    pcap_datalink_val_to_name(l.dlt) ? pcap_datalink_val_to_name(l.dlt) :
	    "unknown");
	rc = loop(cfg, &l, hooks, err, errlen);
	record_kernel_stats(&l);
out:
	if (l.dump != NULL) {
		/* A full disk must not leave a short evidence file unsaid. */
		if ((pcap_dump_flush(l.dump) != 0 ||
		    ferror(pcap_dump_file(l.dump))) && rc == LIVE_OK) {
			snprintf(err, errlen, "-w %s: cannot write the evidence file",
			    cfg->write_file);
			rc = LIVE_CAPTURE_ERROR;
		}
		pcap_dump_close(l.dump);
	}
	if (l.p != NULL)
		pcap_close(l.p);
	return rc;
}

/*
 * The greeter: resolve the names (probe/resolve.h), then one SMTP
 * conversation per (source, target address, port), GREET_PARALLEL at a
 * time, each a small state machine on the loop:
 *
 *   connect --> greeting --220--> EHLO --> QUIT --> done
 *                        \--other----------^
 *
 * Every step has its timer; a step that fails ends the conversation with
 * its outcome (probe/greetres.h).  The kernel does the handshake, so the
 * source must be an address of this host: it is bound to, never forged.
 * Nothing is written but "EHLO name" and "QUIT".
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <poll.h>
#include <unistd.h>

#include "io/loop.h"
#include "probe/greet.h"
#include "probe/resolve.h"

enum step { ST_WAIT, ST_CONNECT, ST_GREETING, ST_EHLO, ST_QUIT, ST_DONE };

/* One conversation to have. */
struct job {
	struct addr src;		/* family 0: the kernel's choice */
	const struct resolved *dst;
	uint16_t port;
};

/* One conversation under way: GREET_PARALLEL slots, reused. */
struct session {
	struct greeter *g;
	int busy;
	struct greet_result r;
	enum step step;
	int fd, watch, timer;
	int64_t started;		/* loop_now() at connect() */
	struct smtp_parser p;
	size_t got;			/* bytes read from the server */
	char out[300];			/* what is still to be written */
	size_t outlen;
};

struct greeter {
	const struct greet_config *cfg;
	struct loop *loop;
	greet_fn fn;
	void *ctx;
	struct resolver *res;
	struct resolved *literal;	/* the address targets */
	int nliteral;
	int kick;			/* a timer: build, then start sessions */
	struct job *jobs;
	size_t n, cap, next, open, done;
	struct session slot[GREET_PARALLEL];
	int built, failed;
	char err[256];
};

static void __attribute__((format(printf, 2, 3)))
fail(struct greeter *g, const char *fmt, ...)
{
	va_list ap;

	if (!g->failed) {
		va_start(ap, fmt);
		vsnprintf(g->err, sizeof g->err, fmt, ap);
		va_end(ap);
	}
	g->failed = 1;
}

static socklen_t
to_sockaddr(const struct addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (a->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->b, 4);
		return sizeof *s4;
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	memcpy(&s6->sin6_addr, a->b, 16);
	return sizeof *s6;
}

static void
from_sockaddr(const struct sockaddr *sa, struct addr *a)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;

	memset(a, 0, sizeof *a);
	if (sa->sa_family == AF_INET) {
		memcpy(&s4, sa, sizeof s4);
		a->family = 4;
		memcpy(a->b, &s4.sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		memcpy(&s6, sa, sizeof s6);
		a->family = 6;
		memcpy(a->b, &s6.sin6_addr, 16);
	}
}

/* A socket bound to src (any port; none: the kernel's choice later). */
static int
bound_socket(const struct addr *src, int family, int *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	fd = socket(family == 4 ? AF_INET : AF_INET6,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (src != NULL && src->family != 0) {
		len = to_sockaddr(src, 0, &ss);
		if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
			*err = errno;
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Is a configured on one of this host's interfaces?  (bind() alone would
 * take any address under net.ipv4.ip_nonlocal_bind, and so send forged
 * SYNs.)  1 yes, 0 no, -1 with errno when the list cannot be read. */
static int
host_has(const struct addr *a)
{
	struct ifaddrs *ifs, *i;
	struct addr x;
	int found = 0;

	if (getifaddrs(&ifs) != 0)
		return -1;
	for (i = ifs; i != NULL && !found; i = i->ifa_next) {
		if (i->ifa_addr == NULL || (i->ifa_addr->sa_family != AF_INET &&
		    i->ifa_addr->sa_family != AF_INET6))
			continue;
		from_sockaddr(i->ifa_addr, &x);
		found = addr_eq(&x, a);
	}
	freeifaddrs(ifs);
	return found;
}

/* Every source must be one of this host's addresses. */
static int
check_sources(const struct probe_spec *ps, char *err, size_t errlen)
{
	char a[ADDR_STRLEN];
	int i, fd, e = 0, has;

	for (i = 0; i < ps->nsources; i++) {
		addr_str(&ps->sources[i], a);
		if ((has = host_has(&ps->sources[i])) <= 0) {
			snprintf(err, errlen, "--source %s: %s", a, has < 0 ?
			    strerror(errno) : "not an address of this host "
			    "(--greet connects through the kernel from it)");
			return -1;
		}
		fd = bound_socket(&ps->sources[i], ps->sources[i].family, &e);
		if (fd < 0) {
			snprintf(err, errlen, "--source %s: %s", a, strerror(e));
			return -1;
		}
		close(fd);
	}
	return 0;
}

static void on_kick(void *ctx, int64_t now);
static void on_idle(void *ctx);

struct greeter *
greeter_new(const struct greet_config *cfg, struct loop *l, greet_fn fn,
    void *ctx, char *err, size_t errlen)
{
	const struct probe_spec *ps = cfg->spec;
	struct greeter *g;
	int i;

	if (ps->ndomains + ps->ntargets == 0) {
		snprintf(err, errlen, "probe: nothing to probe (give --mx or --target)");
		return NULL;
	}
	if (check_sources(ps, err, errlen) != 0)
		return NULL;
	if ((g = calloc(1, sizeof *g)) == NULL ||
	    (g->literal = calloc((size_t)ps->ntargets + 1, sizeof *g->literal)) == NULL ||
	    (g->kick = loop_timer_add(l, on_kick, g)) < 0) {
		if (g != NULL)
			free(g->literal);
		free(g);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->cfg = cfg;
	g->loop = l;
	g->fn = fn;
	g->ctx = ctx;
	if ((g->res = resolver_new(l, cfg->dns_server, cfg->family, err,
	    errlen)) == NULL) {
		greeter_free(g);
		return NULL;
	}
	resolver_on_idle(g->res, on_idle, g);
	for (i = 0; i < ps->ndomains; i++)
		resolver_add_domain(g->res, ps->domains[i]);
	for (i = 0; i < ps->ntargets; i++) {
		struct resolved *lt = &g->literal[g->nliteral];

		if (addr_parse(ps->targets[i], &lt->a)) {
			lt->mx_pref = -1;
			g->nliteral++;
		} else
			resolver_add_host(g->res, ps->targets[i]);
	}
	if (!resolver_busy(g->res))
		loop_timer_at(l, g->kick, 0);
	return g;
}

static void
session_close(struct greeter *g, struct session *s)
{
	if (s->watch >= 0)
		loop_fd_del(g->loop, s->watch);
	if (s->timer >= 0)
		loop_timer_del(g->loop, s->timer);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = s->watch = s->timer = -1;
}

void
greeter_free(struct greeter *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < GREET_PARALLEL; i++)
		if (g->slot[i].busy)
			session_close(g, &g->slot[i]);
	if (g->kick >= 0)
		loop_timer_del(g->loop, g->kick);
	resolver_free(g->res);
	free(g->jobs);
	free(g->literal);
	free(g);
}

int
greeter_failed(const struct greeter *g, char *err, size_t errlen)
{
	if (g->failed)
		snprintf(err, errlen, "%s", g->err);
	return g->failed;
}

static void
on_idle(void *ctx)
{
	struct greeter *g = ctx;

	loop_timer_at(g->loop, g->kick, 0);
}

/* One more conversation to have, unless --max-probes is reached. */
static void
add_job(struct greeter *g, const struct addr *src, const struct resolved *dst,
    uint16_t port)
{
	struct job *j;

	if (g->failed)
		return;
	if (g->n == (size_t)g->cfg->max) {
		fail(g, "more connections than --max-probes %d allows; name "
		    "fewer sources, targets or ports", g->cfg->max);
		return;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;

		if ((j = reallocarray(g->jobs, cap, sizeof *j)) == NULL) {
			fail(g, "out of memory");
			return;
		}
		g->jobs = j;
		g->cap = cap;
	}
	j = &g->jobs[g->n++];
	memset(j, 0, sizeof *j);
	if (src != NULL)
		j->src = *src;
	j->dst = dst;
	j->port = port;
}

/* Every (target, port, source) of matching families, targets in the
 * order given, names' addresses in MX order. */
static void
build(struct greeter *g)
{
	const struct probe_spec *ps = g->cfg->spec;
	const struct resolved *r, *dst;
	const struct dns_note *notes;
	size_t nr = resolver_results(g->res, &r), k, i;
	uint32_t port;
	int s;

	for (i = 0, k = resolver_notes(g->res, &notes); i < k; i++)
		fprintf(g->cfg->notes, "dns: %s: %s\n", notes[i].name, notes[i].what);
	fflush(g->cfg->notes);
	g->built = 1;
	for (k = 0; k < (size_t)g->nliteral + nr; k++) {
		dst = k < (size_t)g->nliteral ? &g->literal[k] : &r[k - g->nliteral];
		if (g->cfg->family && dst->a.family != g->cfg->family)
			continue;
		for (port = portset_next(ps->ports, 1); port != 0;
		    port = portset_next(ps->ports, port + 1)) {
			if (ps->nsources == 0)
				add_job(g, NULL, dst, (uint16_t)port);
			for (s = 0; s < ps->nsources; s++)
				if (ps->sources[s].family == dst->a.family)
					add_job(g, &ps->sources[s], dst,
					    (uint16_t)port);
		}
	}
	if (!g->failed && g->n == 0)
		fail(g, "nothing to probe: no address resolved, or none of the "
		    "family of a source");
}

static void session_start(struct greeter *g, struct session *s);

/* A free slot set up for job number k. */
static struct session *
session_new(struct greeter *g, size_t k)
{
	const struct job *j = &g->jobs[k];
	struct session *s = NULL;
	int i;

	for (i = 0; i < GREET_PARALLEL && s == NULL; i++)
		if (!g->slot[i].busy)
			s = &g->slot[i];
	memset(s, 0, sizeof *s);
	s->g = g;
	s->busy = 1;
	s->fd = s->watch = s->timer = -1;
	s->r.seq = (uint32_t)k;
	s->r.source = j->src;
	s->r.server = j->dst->a;
	s->r.port = j->port;
	s->r.mx = j->dst->host[0] != '\0' ? j->dst->host : NULL;
	s->r.mx_pref = j->dst->mx_pref;
	s->r.connect_us = -1;
	s->r.starttls = -1;
	return s;
}

/* Builds the sessions once the names are resolved, starts as many as may
 * be open, and stops the loop when all are done. */
static void
on_kick(void *ctx, int64_t now)
{
	struct greeter *g = ctx;

	(void)now;
	if (!g->built) {
		if (resolver_busy(g->res))
			return;
		build(g);
	}
	while (!g->failed && g->next < g->n && g->open < GREET_PARALLEL) {
		g->open++;
		session_start(g, session_new(g, g->next++));
	}
	if (g->failed || g->done == g->n)
		loop_stop(g->loop);
}

/* The conversation is over: its result goes out, the next may start. */
static void
finish(struct greeter *g, struct session *s, enum greet_outcome o)
{
	session_close(g, s);
	s->r.outcome = o;
	s->step = ST_DONE;
	if (s->r.hint == SMTP_HINT_NONE && s->r.has_greeting)
		s->r.hint = smtp_reply_hint(&s->r.greeting);
	if (s->r.hint == SMTP_HINT_NONE && s->r.has_ehlo && s->r.ehlo.code >= 400)
		s->r.hint = smtp_reply_hint(&s->r.ehlo);
	g->fn(g->ctx, &s->r);
	s->busy = 0;
	g->open--;
	g->done++;
	loop_timer_at(g->loop, g->kick, 0);
}

/* Writes what is queued; POLLOUT while some is left.  -1: the server is
 * gone. */
static int
flush_out(struct greeter *g, struct session *s)
{
	ssize_t k;

	while (s->outlen > 0) {
		k = send(s->fd, s->out, s->outlen, MSG_NOSIGNAL);
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (k <= 0)
			return -1;
		memmove(s->out, s->out + k, s->outlen - (size_t)k);
		s->outlen -= (size_t)k;
	}
	loop_fd_events(g->loop, s->watch, s->outlen > 0 ? POLLIN | POLLOUT : POLLIN);
	return 0;
}

/* The next step: a command written (EHLO or QUIT), its reply awaited. */
static void
next_step(struct greeter *g, struct session *s, enum step st)
{
	if (st == ST_EHLO)
		s->outlen = (size_t)snprintf(s->out, sizeof s->out, "EHLO %s\r\n",
		    g->cfg->helo);
	else
		s->outlen = (size_t)snprintf(s->out, sizeof s->out, "QUIT\r\n");
	s->step = st;
	smtp_parser_init(&s->p);
	loop_timer_at(g->loop, s->timer, loop_now() + g->cfg->step_us);
	if (flush_out(g, s) != 0) {
		if (st == ST_EHLO) {
			s->r.why = "the server closed the connection before EHLO";
			finish(g, s, GREET_EHLO_REJECTED);
		} else
			finish(g, s, s->r.outcome);
	}
}

static void on_io(void *ctx, short revents);
static void on_step_timer(void *ctx, int64_t now);

static void
session_start(struct greeter *g, struct session *s)
{
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(&s->r.server, s->r.port, &ss);
	int e = 0;

	s->r.ts_us = loop_wall();
	s->started = loop_now();
	s->step = ST_CONNECT;
	s->r.outcome = GREET_CONNECT_ERROR;
	if ((s->fd = bound_socket(&s->r.source, s->r.server.family, &e)) < 0) {
		s->r.err = e;
		finish(g, s, GREET_CONNECT_ERROR);
		return;
	}
	if (connect(s->fd, (struct sockaddr *)&ss, len) != 0 &&
	    errno != EINPROGRESS) {
		s->r.err = errno;
		finish(g, s, errno == ECONNREFUSED ? GREET_REFUSED :
		    GREET_CONNECT_ERROR);
		return;
	}
	if ((s->watch = loop_fd_add(g->loop, s->fd, POLLOUT, on_io, s)) < 0 ||
	    (s->timer = loop_timer_add(g->loop, on_step_timer, s)) < 0) {
		fail(g, "out of memory");
		finish(g, s, GREET_CONNECT_ERROR);
		return;
	}
	loop_timer_at(g->loop, s->timer, s->started + g->cfg->step_us);
}

/* connect() is done, one way or the other. */
static void
connected(struct greeter *g, struct session *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int e = 0;

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
		e = errno;
	if (e != 0) {
		s->r.err = e;
		finish(g, s, e == ECONNREFUSED ? GREET_REFUSED :
		    e == ETIMEDOUT ? GREET_CONNECT_TIMEOUT : GREET_CONNECT_ERROR);
		return;
	}
	s->r.connect_us = loop_now() - s->started;
	len = sizeof ss;
	if (s->r.source.family == 0 &&
	    getsockname(s->fd, (struct sockaddr *)&ss, &len) == 0)
		from_sockaddr((struct sockaddr *)&ss, &s->r.source);
	s->step = ST_GREETING;
	smtp_parser_init(&s->p);
	loop_fd_events(g->loop, s->watch, POLLIN);
	loop_timer_at(g->loop, s->timer, loop_now() + g->cfg->step_us);
}

/* A whole reply to the step s is at. */
static void
replied(struct greeter *g, struct session *s)
{
	int k;

	if (s->step == ST_GREETING) {
		s->r.has_greeting = 1;
		s->r.greeting = s->p.r;
		s->r.outcome = GREET_GREETING;
		/* Only a 220 is followed by EHLO; to any other, QUIT. */
		next_step(g, s, s->p.r.code == 220 ? ST_EHLO : ST_QUIT);
		return;
	}
	if (s->step == ST_EHLO) {
		s->r.has_ehlo = 1;
		s->r.ehlo = s->p.r;
		s->r.starttls = 0;
		/* The keywords are the lines after the first (RFC 5321 4.1.1.1). */
		for (k = 1; k < s->p.r.nlines; k++)
			if (strncasecmp(s->p.r.lines[k], "STARTTLS", 8) == 0 &&
			    (s->p.r.lines[k][8] == '\0' || s->p.r.lines[k][8] == ' '))
				s->r.starttls = 1;
		if (s->p.r.code != 250)
			s->r.outcome = GREET_EHLO_REJECTED;
		next_step(g, s, ST_QUIT);
		return;
	}
	finish(g, s, s->r.outcome);	/* QUIT's reply */
}

/* The server closed (or reset) the connection, or sent what cannot be
 * read: the outcome by the step it happened at. */
static void
cut_short(struct greeter *g, struct session *s, const char *why)
{
	if (s->step == ST_GREETING) {
		s->r.why = why;
		finish(g, s, s->got == 0 && why == NULL ? GREET_CLOSED :
		    GREET_BAD_REPLY);
	} else if (s->step == ST_EHLO) {
		s->r.why = why != NULL ? why : "the server closed the connection "
		    "after EHLO, with no reply";
		finish(g, s, GREET_EHLO_REJECTED);
	} else
		finish(g, s, s->r.outcome);
}

static void
readable(struct greeter *g, struct session *s)
{
	uint8_t buf[1024];
	size_t used;
	ssize_t k;

	k = recv(s->fd, buf, sizeof buf, 0);
	if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (k <= 0) {
		cut_short(g, s, s->got == 0 ? NULL :
		    "the connection closed in the middle of a reply");
		return;
	}
	if ((s->got += (size_t)k) > GREET_BYTES_MAX) {
		cut_short(g, s, "more than 64 KiB from the server");
		return;
	}
	/* A reply may end inside buf; what follows answers no command of
	 * ours, and is not read. */
	switch (smtp_feed(&s->p, buf, (size_t)k, &used)) {
	case SMTP_MORE:
		return;
	case SMTP_BAD:
		cut_short(g, s, s->p.why);
		return;
	case SMTP_DONE:
		replied(g, s);
		return;
	}
}

static void
on_io(void *ctx, short revents)
{
	struct session *s = ctx;
	struct greeter *g = s->g;

	if (s->step == ST_CONNECT) {
		connected(g, s);
		return;
	}
	if ((revents & POLLOUT) && flush_out(g, s) != 0) {
		cut_short(g, s, NULL);
		return;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR))
		readable(g, s);
}

static void
on_step_timer(void *ctx, int64_t now)
{
	struct session *s = ctx;
	struct greeter *g = s->g;

	(void)now;
	switch (s->step) {
	case ST_CONNECT:
		s->r.err = ETIMEDOUT;
		finish(g, s, GREET_CONNECT_TIMEOUT);
		break;
	case ST_GREETING:
		s->r.why = s->got > 0 ? "the greeting did not end within the "
		    "timeout" : NULL;
		finish(g, s, s->got > 0 ? GREET_BAD_REPLY : GREET_NO_GREETING);
		break;
	case ST_EHLO:
		s->r.why = "no reply to EHLO within the timeout";
		finish(g, s, GREET_EHLO_REJECTED);
		break;
	default:
		finish(g, s, s->r.outcome);	/* no reply to QUIT: fine */
	}
}

/*
 * c-ares on the run's loop: ARES_OPT_SOCK_STATE_CB adds, changes and
 * removes its sockets as loop watchers; ares_process_fd() serves a ready
 * socket, and on the loop timer kept at ares_timeout() it fires c-ares' own
 * query timeouts and retries.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <ares.h>

#include "io/loop.h"
#include "probe/resolve.h"

#define MAX_SOCKS 16
#define MAX_RESULTS 1024
#define MAX_NOTES 256
#define MAX_PTRS 512
#define MAX_DNSBLS 512

/* One c-ares socket on the loop; the slot is its watcher's context, so
 * slots never move. */
struct sock {
	struct resolver *r;
	ares_socket_t fd;		/* ARES_SOCKET_BAD: a free slot */
	int id;				/* its loop watcher */
};

struct resolver {
	ares_channel ch;
	struct loop *loop;
	int timer;			/* at c-ares' next timeout */
	int family;
	int pending;			/* queries in flight */
	int finished;			/* one finished since idle was last called */
	void (*idle)(void *ctx);
	void *idle_ctx;
	struct sock socks[MAX_SOCKS];
	struct resolved results[MAX_RESULTS];
	size_t nresults;
	struct dns_note notes[MAX_NOTES];
	size_t nnotes;
	struct ptr_result ptrs[MAX_PTRS];
	size_t nptrs;
	struct dnsbl_result dnsbls[MAX_DNSBLS];
	size_t ndnsbls;
};

/* A lookup in flight: which name, and for which MX (if any). */
struct job {
	struct resolver *r;
	char name[RESOLVE_NAME_MAX];
	char domain[RESOLVE_NAME_MAX];
	int mx_pref;
	int fallback;			/* A/AAAA of a domain that has no MX */
};

static struct sock *
sock_find(struct resolver *r, ares_socket_t fd)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++)
		if (r->socks[i].fd == fd)
			return &r->socks[i];
	return NULL;
}

/* The loop timer at c-ares' next timeout; or due at once when the last
 * query has finished, so the idle callback runs from the loop. */
static void
arm(struct resolver *r)
{
	struct timeval tv, *t;
	int64_t when = LOOP_NEVER;

	if (r->pending == 0 && r->finished)
		when = loop_now();
	else if (r->pending > 0) {
		t = ares_timeout(r->ch, NULL, &tv);
		when = loop_now() + (t == NULL ? 1000000 :
		    (int64_t)t->tv_sec * 1000000 + t->tv_usec);
	}
	loop_timer_at(r->loop, r->timer, when);
}

/* After c-ares ran: the idle callback if nothing is left in flight. */
static void
settle(struct resolver *r)
{
	if (r->pending == 0 && r->finished) {
		r->finished = 0;
		if (r->idle != NULL)
			r->idle(r->idle_ctx);
	}
	arm(r);
}

static void
on_sock(void *ctx, short revents)
{
	struct sock *s = ctx;
	struct resolver *r = s->r;
	ares_socket_t fd = s->fd;

	ares_process_fd(r->ch,
	    (revents & (POLLIN | POLLERR | POLLHUP)) ? fd : ARES_SOCKET_BAD,
	    (revents & POLLOUT) ? fd : ARES_SOCKET_BAD);
	settle(r);
}

static void
on_timer(void *ctx, int64_t now)
{
	struct resolver *r = ctx;

	(void)now;
	/* c-ares' timeouts and retries */
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	settle(r);
}

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct resolver *r = data;
	struct sock *s = sock_find(r, fd);
	short events = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));

	if (events == 0) {
		if (s != NULL) {
			loop_fd_del(r->loop, s->id);
			s->fd = ARES_SOCKET_BAD;
		}
		return;
	}
	if (s != NULL) {
		loop_fd_events(r->loop, s->id, events);
		return;
	}
	/* No room (or memory): c-ares still times the query out. */
	if ((s = sock_find(r, ARES_SOCKET_BAD)) == NULL ||
	    (s->id = loop_fd_add(r->loop, fd, events, on_sock, s)) < 0)
		return;
	s->r = r;
	s->fd = fd;
}

/* A query ended (its callback runs inside c-ares). */
static void
query_done(struct resolver *r)
{
	r->pending--;
	r->finished = 1;
}

static void
note(struct resolver *r, const char *name, int failed, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
note(struct resolver *r, const char *name, int failed, const char *fmt, ...)
{
	struct dns_note *n;
	va_list ap;

	if (r->nnotes == MAX_NOTES)
		return;
	n = &r->notes[r->nnotes++];
	snprintf(n->name, sizeof n->name, "%s", name);
	n->failed = failed;
	va_start(ap, fmt);
	vsnprintf(n->what, sizeof n->what, fmt, ap);
	va_end(ap);
}

/* DNS status as an operator reads it in dig(1) output. */
static const char *
status_name(int status)
{
	switch (status) {
	case ARES_ENOTFOUND: return "NXDOMAIN";
	case ARES_ENODATA: return "NODATA";
	case ARES_ESERVFAIL: return "SERVFAIL";
	case ARES_EREFUSED: return "REFUSED";
	case ARES_ETIMEOUT: return "timeout";
	case ARES_ECONNREFUSED: return "server unreachable";
	case ARES_EBADRESP: return "bad response";
	default: return ares_strerror(status);
	}
}

static struct job *
job_new(struct resolver *r, const char *name, const char *domain, int pref)
{
	struct job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	j->r = r;
	snprintf(j->name, sizeof j->name, "%s", name);
	snprintf(j->domain, sizeof j->domain, "%s", domain);
	j->mx_pref = pref;
	return j;
}

static void on_addrinfo(void *arg, int status, int timeouts,
    struct ares_addrinfo *ai);

static void
lookup_addresses(struct job *j)
{
	struct ares_addrinfo_hints hints;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = j->r->family == 4 ? AF_INET :
	    j->r->family == 6 ? AF_INET6 : AF_UNSPEC;
	j->r->pending++;
	ares_getaddrinfo(j->r->ch, j->name, NULL, &hints, on_addrinfo, j);
}

static void
on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct job *j = arg;
	struct resolver *r = j->r;
	struct ares_addrinfo_node *n;
	char list[120] = "", a[ADDR_STRLEN];
	size_t before = r->nresults;

	(void)timeouts;
	query_done(r);
	if (status != ARES_SUCCESS) {
		note(r, j->name, 1, "A/AAAA: %s", status_name(status));
		free(j);
		return;
	}
	for (n = ai->nodes; n != NULL && r->nresults < MAX_RESULTS; n = n->ai_next) {
		struct resolved *res = &r->results[r->nresults];

		memset(res, 0, sizeof *res);
		if (n->ai_family == AF_INET) {
			res->a.family = 4;
			memcpy(res->a.b, &((struct sockaddr_in *)(void *)n->ai_addr)->sin_addr, 4);
		} else if (n->ai_family == AF_INET6) {
			res->a.family = 6;
			memcpy(res->a.b, &((struct sockaddr_in6 *)(void *)n->ai_addr)->sin6_addr, 16);
		} else
			continue;
		snprintf(res->host, sizeof res->host, "%s", j->name);
		snprintf(res->domain, sizeof res->domain, "%s", j->domain);
		res->mx_pref = j->mx_pref;
		r->nresults++;
		if (strlen(list) < sizeof list - ADDR_STRLEN - 8)
			snprintf(list + strlen(list), sizeof list - strlen(list),
			    "%s%s", list[0] ? " " : "", addr_str(&res->a, a));
	}
	ares_freeaddrinfo(ai);
	if (r->nresults == before)
		note(r, j->name, 1, "A/AAAA: no address");
	else
		note(r, j->name, 0, "A/AAAA: %s", list);
	free(j);
}

static int
pref_cmp(const void *x, const void *y)
{
	const struct ares_mx_reply *const *a = x, *const *b = y;

	if ((*a)->priority != (*b)->priority)
		return (*a)->priority - (*b)->priority;
	return strcmp((*a)->host, (*b)->host);
}

static void
on_mx(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct job *j = arg, *h;
	struct resolver *r = j->r;
	struct ares_mx_reply *mx = NULL, *m, *sorted[64];
	int n = 0, i;

	(void)timeouts;
	query_done(r);
	if (status == ARES_SUCCESS)
		status = ares_parse_mx_reply(abuf, alen, &mx);
	if (status == ARES_ENODATA || (status == ARES_SUCCESS && mx == NULL)) {
		/* No MX: the name itself is the mail exchanger (implicit MX). */
		note(r, j->name, 0, "MX: none, using its A/AAAA (implicit MX)");
		j->fallback = 1;
		j->mx_pref = 0;
		lookup_addresses(j);
		return;
	}
	if (status != ARES_SUCCESS) {
		note(r, j->name, 1, "MX: %s", status_name(status));
		free(j);
		return;
	}
	for (m = mx; m != NULL && n < 64; m = m->next)
		sorted[n++] = m;
	qsort(sorted, (size_t)n, sizeof sorted[0], pref_cmp);
	/* RFC 7505 null MX: the domain accepts no mail. */
	if (n == 1 && sorted[0]->host[0] == '\0') {
		note(r, j->name, 1, "MX: null MX (RFC 7505): the domain accepts no mail");
	} else {
		for (i = 0; i < n; i++) {
			note(r, j->name, 0, "MX: %s (%u)", sorted[i]->host,
			    sorted[i]->priority);
			if ((h = job_new(r, sorted[i]->host, j->name,
			    sorted[i]->priority)) != NULL)
				lookup_addresses(h);
		}
	}
	ares_free_data(mx);
	free(j);
}

struct resolver *
resolver_new(struct loop *l, const char *server, int family, char *err,
    size_t errlen)
{
	struct ares_options o;
	struct resolver *r;
	int i, rc, mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;

	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
		return NULL;
	}
	if ((r = calloc(1, sizeof *r)) == NULL ||
	    (r->timer = loop_timer_add(l, on_timer, r)) < 0) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->loop = l;
	for (i = 0; i < MAX_SOCKS; i++)
		r->socks[i].fd = ARES_SOCKET_BAD;
	r->family = family;
	memset(&o, 0, sizeof o);
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = r;
	o.timeout = 2000;
	o.tries = 2;
	if (server != NULL) {
		/* A resolver named on the command line: DNS only, no /etc/hosts. */
		o.lookups = (char *)"b";
		mask |= ARES_OPT_LOOKUPS;
	}
	if ((rc = ares_init_options(&r->ch, &o, mask)) != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
		loop_timer_del(l, r->timer);
		free(r);
		return NULL;
	}
	if (server != NULL &&
	    (rc = ares_set_servers_ports_csv(r->ch, server)) != ARES_SUCCESS) {
		snprintf(err, errlen, "--dns-server %s: %s", server, ares_strerror(rc));
		resolver_free(r);
		return NULL;
	}
	return r;
}

void
resolver_free(struct resolver *r)
{
	int i;

	if (r == NULL)
		return;
	/* Ends the queries in flight (their callbacks see ARES_EDESTRUCTION)
	 * and closes the sockets, through sock_state(). */
	ares_destroy(r->ch);
	for (i = 0; i < MAX_SOCKS; i++)
		if (r->socks[i].fd != ARES_SOCKET_BAD)
			loop_fd_del(r->loop, r->socks[i].id);
	loop_timer_del(r->loop, r->timer);
	free(r);
}

void
resolver_on_idle(struct resolver *r, void (*fn)(void *ctx), void *ctx)
{
	r->idle = fn;
	r->idle_ctx = ctx;
}

void
resolver_add_domain(struct resolver *r, const char *domain)
{
	struct job *j = job_new(r, domain, domain, -1);

	if (j == NULL)
		return;
	r->pending++;
	ares_query(r->ch, domain, ns_c_in, ns_t_mx, on_mx, j);
	arm(r);
}

void
resolver_add_host(struct resolver *r, const char *host)
{
	struct job *j = job_new(r, host, "", -1);

	if (j != NULL)
		lookup_addresses(j);
	arm(r);
}

int
resolver_busy(const struct resolver *r)
{
	return r->pending > 0;
}

size_t
resolver_results(const struct resolver *r, const struct resolved **out)
{
	*out = r->results;
	return r->nresults;
}

size_t
resolver_notes(const struct resolver *r, const struct dns_note **out)
{
	*out = r->notes;
	return r->nnotes;
}

struct ptr_job {
	struct resolver *r;
	struct ptr_result *p;
};

/* The answer to a PTR query.  Asked with ares_query, not
 * ares_gethostbyaddr: the latter ends with "not found" (NXDOMAIN) also when
 * the server could not be reached. */
static void
on_ptr(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct ptr_job *j = arg;
	const struct addr *a = &j->p->a;
	struct hostent *he = NULL;

	(void)timeouts;
	query_done(j->r);
	if (status == ARES_SUCCESS)
		status = ares_parse_ptr_reply(abuf, alen, a->b, a->family == 6 ? 16 : 4,
		    a->family == 6 ? AF_INET6 : AF_INET, &he);
	if (status == ARES_SUCCESS && he != NULL && he->h_name != NULL)
		snprintf(j->p->name, sizeof j->p->name, "%s", he->h_name);
	else
		snprintf(j->p->status, sizeof j->p->status, "%s",
		    status_name(status == ARES_SUCCESS ? ARES_EBADRESP : status));
	if (he != NULL)
		ares_free_hostent(he);
	free(j);
}

/* The reversed octets (IPv4) or nibbles (IPv6) of a, then zone. */
static void
reverse_name(const struct addr *a, const char *zone, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char rev[80], *p = rev;
	int i;

	if (a->family == 4)
		p += sprintf(p, "%u.%u.%u.%u.", a->b[3], a->b[2], a->b[1], a->b[0]);
	else
		for (i = 15; i >= 0; i--) {
			*p++ = hex[a->b[i] & 15], *p++ = '.';
			*p++ = hex[a->b[i] >> 4], *p++ = '.';
		}
	*p = '\0';
	snprintf(out, len, "%s%s", rev, zone);
}

void
resolver_add_ptr(struct resolver *r, const struct addr *a)
{
	char name[RESOLVE_NAME_MAX];
	struct ptr_job *j;
	size_t i;

	for (i = 0; i < r->nptrs; i++)
		if (addr_eq(&r->ptrs[i].a, a))
			return;
	if (r->nptrs == MAX_PTRS || (j = calloc(1, sizeof *j)) == NULL)
		return;
	j->r = r;
	j->p = &r->ptrs[r->nptrs++];
	memset(j->p, 0, sizeof *j->p);
	j->p->a = *a;
	reverse_name(a, a->family == 6 ? "ip6.arpa" : "in-addr.arpa", name,
	    sizeof name);
	r->pending++;
	ares_query(r->ch, name, ns_c_in, ns_t_ptr, on_ptr, j);
	arm(r);
}

struct bl_job {
	struct resolver *r;
	struct dnsbl_result *d;
	char name[RESOLVE_NAME_MAX + 80];
};

/* TXT strings: printable ASCII, the rest dropped. */
static void
on_dnsbl_txt(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct bl_job *j = arg;
	struct ares_txt_reply *txt = NULL, *t;
	size_t n = 0, k;

	(void)timeouts;
	query_done(j->r);
	if (status == ARES_SUCCESS &&
	    ares_parse_txt_reply(abuf, alen, &txt) == ARES_SUCCESS) {
		for (t = txt; t != NULL; t = t->next)
			for (k = 0; k < t->length && n + 1 < sizeof j->d->reason; k++)
				if (t->txt[k] >= 0x20 && t->txt[k] < 0x7f)
					j->d->reason[n++] = (char)t->txt[k];
		j->d->reason[n] = '\0';
		ares_free_data(txt);
	}
	free(j);
}

static void
on_dnsbl_a(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct bl_job *j = arg;
	struct ares_addrttl a[4];
	int n = 4;

	(void)timeouts;
	query_done(j->r);
	if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		j->d->listed = 0;
		free(j);
		return;
	}
	if (status != ARES_SUCCESS ||
	    ares_parse_a_reply(abuf, alen, NULL, a, &n) != ARES_SUCCESS || n < 1) {
		j->d->listed = -1;
		snprintf(j->d->status, sizeof j->d->status, "%s",
		    status_name(status == ARES_SUCCESS ? ARES_EBADRESP : status));
		free(j);
		return;
	}
	j->d->listed = 1;
	inet_ntop(AF_INET, &a[0].ipaddr, j->d->code, sizeof j->d->code);
	/* The listing's reason, where the zone publishes one. */
	j->r->pending++;
	ares_query(j->r->ch, j->name, ns_c_in, ns_t_txt, on_dnsbl_txt, j);
}

void
resolver_add_dnsbl(struct resolver *r, const struct addr *a, const char *zone)
{
	struct bl_job *j;

	if (r->ndnsbls == MAX_DNSBLS || (j = calloc(1, sizeof *j)) == NULL)
		return;
	j->r = r;
	j->d = &r->dnsbls[r->ndnsbls++];
	memset(j->d, 0, sizeof *j->d);
	j->d->a = *a;
	j->d->listed = -1;
	snprintf(j->d->zone, sizeof j->d->zone, "%s", zone);
	reverse_name(a, zone, j->name, sizeof j->name);
	r->pending++;
	ares_query(r->ch, j->name, ns_c_in, ns_t_a, on_dnsbl_a, j);
	arm(r);
}

size_t
resolver_ptrs(const struct resolver *r, const struct ptr_result **out)
{
	*out = r->ptrs;
	return r->nptrs;
}

size_t
resolver_dnsbls(const struct resolver *r, const struct dnsbl_result **out)
{
	*out = r->dnsbls;
	return r->ndnsbls;
}

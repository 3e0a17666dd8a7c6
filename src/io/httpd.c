/*
 * The metrics endpoint: libmicrohttpd in external epoll mode.  Its one
 * epoll fd sits on our loop (readable: some socket of its is ready) and
 * MHD_run() does the work; a timer armed from MHD_get_timeout() before
 * each poll closes idle connections and finishes what MHD left pending.
 *
 * libmicrohttpd bounds connections (in all, per address), their memory
 * (a request head beyond it gets 431) and their silence.  It has no bound
 * on a request that trickles a byte at a time, each byte resetting the
 * idle clock (slowloris), so each connection is tracked here from its
 * start, or from the end of its last request, and cut with shutdown(2)
 * when a request has taken HTTPD_REQUEST_S: MHD reads the end of the
 * stream and closes it.  A well-behaved scraper on a kept-alive
 * connection finishes each request in milliseconds and is never cut.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>

#include <microhttpd.h>

#include "io/httpd.h"

struct slot {
	struct MHD_Connection *c;	/* NULL: free */
	int fd;
	int64_t since;		/* start, or end of the last request */
	int cut;		/* shut down, waiting for MHD to close it */
};

struct httpd {
	struct MHD_Daemon *d;
	httpd_body_fn body;
	void *ctx;
	struct loop *loop;
	int fd_id, timer_id, prepare_id;
	struct slot slot[HTTPD_MAX_CONNS];
};

#define REQUEST_US ((int64_t)HTTPD_REQUEST_S * 1000000)

static struct slot *
slot_of(struct httpd *h, const struct MHD_Connection *c)
{
	int i;

	for (i = 0; i < HTTPD_MAX_CONNS; i++)
		if (h->slot[i].c == c)
			return &h->slot[i];
	return NULL;
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
    enum MHD_ConnectionNotificationCode what)
{
	struct httpd *h = cls;
	const union MHD_ConnectionInfo *ci;
	struct slot *s;

	(void)socket_ctx;
	if (what == MHD_CONNECTION_NOTIFY_CLOSED) {
		if ((s = slot_of(h, c)) != NULL)
			s->c = NULL;
		return;
	}
	/* MHD admits no more than HTTPD_MAX_CONNS, the slots' number. */
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL || (s = slot_of(h, NULL)) == NULL)
		return;
	s->c = c;
	s->fd = ci->connect_fd;
	s->since = loop_now();
	s->cut = 0;
}

/* A request answered: the next one's time starts now. */
static void
on_completed(void *cls, struct MHD_Connection *c, void **req_ctx,
    enum MHD_RequestTerminationCode why)
{
	struct httpd *h = cls;
	struct slot *s = slot_of(h, c);

	(void)req_ctx;
	(void)why;
	if (s != NULL)
		s->since = loop_now();
}

/* A short fixed answer (the text is static). */
static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* A request that announces a body: none is read. */
static int
has_body(struct MHD_Connection *c)
{
	const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (len != NULL && strcmp(len, "0") != 0) ||
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

static enum MHD_Result
serve(struct httpd *h, struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t len = 0;
	char *text = h->body(h->ctx, &len);

	if (text == NULL)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(text);
		return MHD_NO;
	}
	/* The Prometheus text exposition format. */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; version=0.0.4; charset=utf-8");
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

/* *req_ctx of a request found good: its second call serves it. */
static char good_request;

/*
 * Called first once the request head is read, before any body: a refusal
 * is given then, so a body is never read (libmicrohttpd then closes the
 * connection).  A good request is answered at its second call, as
 * libmicrohttpd wants for the connection to be kept alive.
 */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **req_ctx)
{
	(void)version;
	(void)upload_data;
	if (*req_ctx == &good_request)
		return serve(cls, c);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or HEAD "
		    "/metrics only\n");
	if (*upload_size != 0 || has_body(c))
		return reply(c, MHD_HTTP_CONTENT_TOO_LARGE, "no request body "
		    "is read\n");
	if (strcmp(url, "/metrics") != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, "only /metrics is served "
		    "here\n");
	*req_ctx = &good_request;
	return MHD_YES;
}

/* The listening socket: bound and listening, non-blocking. */
static int
listen_on(const struct addr *a, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (a->family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->b, 4);
		sl = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a->b, 16);
		sl = sizeof *sin6;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    (a->family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
	    sizeof one) != 0) ||
	    bind(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    listen(fd, HTTPD_MAX_CONNS) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

struct httpd *
httpd_open(const struct addr *a, uint16_t port, httpd_body_fn body,
    void *ctx, char *err, size_t errlen)
{
	struct httpd *h;
	int fd;

	if ((h = calloc(1, sizeof *h)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->body = body;
	h->ctx = ctx;
	h->fd_id = h->timer_id = h->prepare_id = -1;
	if ((fd = listen_on(a, port, err, errlen)) < 0) {
		free(h);
		return NULL;
	}
	h->d = MHD_start_daemon(MHD_USE_EPOLL | (a->family == 6 ? MHD_USE_IPv6 :
	    0), 0, NULL, NULL, on_request, h,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTPD_MAX_CONNS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTPD_MAX_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTPD_IDLE_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTPD_MEMORY,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "libmicrohttpd cannot serve on it");
		close(fd);
		free(h);
		return NULL;
	}
	return h;
}

/* Cuts every request older than HTTPD_REQUEST_S (see the top). */
static void
cut_slow(struct httpd *h, int64_t now)
{
	int i;

	for (i = 0; i < HTTPD_MAX_CONNS; i++) {
		struct slot *s = &h->slot[i];

		if (s->c != NULL && !s->cut && now - s->since >= REQUEST_US) {
			shutdown(s->fd, SHUT_RDWR);
			s->cut = 1;
		}
	}
}

static void
on_ready(void *ctx, short revents)
{
	struct httpd *h = ctx;

	(void)revents;
	MHD_run(h->d);
}

static void
on_timer(void *ctx, int64_t now)
{
	struct httpd *h = ctx;

	cut_slow(h, now);
	MHD_run(h->d);
}

/* Before each poll: the timer at MHD's deadline or the oldest request's. */
static void
rearm(void *ctx)
{
	struct httpd *h = ctx;
	MHD_UNSIGNED_LONG_LONG ms;
	int64_t now = loop_now(), when = LOOP_NEVER;
	int i;

	if (MHD_get_timeout(h->d, &ms) == MHD_YES)
		when = now + (int64_t)(ms < 60000 ? ms : 60000) * 1000;
	for (i = 0; i < HTTPD_MAX_CONNS; i++)
		if (h->slot[i].c != NULL && !h->slot[i].cut &&
		    h->slot[i].since + REQUEST_US < when)
			when = h->slot[i].since + REQUEST_US;
	loop_timer_at(h->loop, h->timer_id, when);
}

int
httpd_attach(struct httpd *h, struct loop *l)
{
	const union MHD_DaemonInfo *di;

	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (di == NULL)
		return -1;
	h->loop = l;
	if ((h->fd_id = loop_fd_add(l, di->epoll_fd, POLLIN, on_ready, h)) < 0 ||
	    (h->timer_id = loop_timer_add(l, on_timer, h)) < 0 ||
	    (h->prepare_id = loop_prepare(l, rearm, h)) < 0)
		return -1;
	return 0;
}

void
httpd_close(struct httpd *h)
{
	if (h == NULL)
		return;
	if (h->loop != NULL) {
		loop_fd_del(h->loop, h->fd_id);
		loop_timer_del(h->loop, h->timer_id);
		loop_prepare_del(h->loop, h->prepare_id);
	}
	MHD_stop_daemon(h->d);	/* closes the listening socket too */
	free(h);
}

/*
 * The metrics endpoint (io/httpd.c) on the event loop, over loopback:
 * each request is written by a client socket registered on the same
 * loop, which stops when the server has closed the connection (the
 * requests say "Connection: close") or after 5 s.  What the answers are:
 * 200 with the body callback's text, HEAD without it, 404, 405 with
 * Allow, 413 for a body, 431 for a head over the memory limit.  The lab
 * (tests/lab/prometheus-lab.sh) covers floods, slowloris and Prometheus.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "io/httpd.h"
#include "io/loop.h"

static const char body_text[] = "# TYPE t_total counter\nt_total 14\n";
static int bodies;	/* body callbacks made */
static size_t big;	/* nonzero: a body of this many bytes instead */

static char *
body(void *ctx, size_t *len)
{
	char *b;

	(void)ctx;
	bodies++;
	if (big == 0) {
		*len = sizeof body_text - 1;
		return strdup(body_text);
	}
	if ((b = malloc(big)) != NULL)
		memset(b, 'x', big);
	*len = big;
	return b;
}

struct client {
	struct loop *loop;
	int fd;
	char buf[4 << 20];	/* a big body fits */
	size_t n;
};

static void
on_client(void *ctx, short revents)
{
	struct client *c = ctx;
	ssize_t r;

	(void)revents;
	r = read(c->fd, c->buf + c->n, sizeof c->buf - 1 - c->n);
	if (r <= 0 || c->n + (size_t)r >= sizeof c->buf - 1)
		loop_stop(c->loop);
	if (r > 0)
		c->n += (size_t)r;
	c->buf[c->n] = '\0';
}

static void
on_deadline(void *ctx, int64_t now)
{
	(void)now;
	loop_stop(ctx);
}

/* Listens on 127.0.0.1 at a port free here; its number. */
static struct httpd *
open_somewhere(uint16_t *port)
{
	struct addr a;
	struct httpd *h = NULL;
	char err[256];
	int i;

	assert_true(addr_parse("127.0.0.1", &a));
	for (i = 0; i < 200 && h == NULL; i++) {
		*port = (uint16_t)(20000 + (getpid() * 7 + i * 131) % 40000);
		h = httpd_open(&a, *port, body, NULL, err, sizeof err);
	}
	assert_non_null(h);
	return h;
}

/* Sends req (len bytes) and returns what came back, NUL-terminated. */
static char *
exchange(const char *req, size_t len)
{
	static struct client c;
	struct sockaddr_in sin;
	struct httpd *h;
	uint16_t port;
	int t;

	memset(&c, 0, sizeof c);
	h = open_somewhere(&port);
	assert_non_null(c.loop = loop_new());
	assert_int_equal(httpd_attach(h, c.loop), 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((c.fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(c.fd, (struct sockaddr *)&sin, sizeof sin), 0);
	/* the loop is not running: the kernel's buffers take it all */
	assert_int_equal(send(c.fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
	assert_true(loop_fd_add(c.loop, c.fd, POLLIN, on_client, &c) >= 0);
	assert_true((t = loop_timer_add(c.loop, on_deadline, c.loop)) >= 0);
	loop_timer_at(c.loop, t, loop_now() + 5000000);
	assert_int_equal(loop_run(c.loop), 0);
	close(c.fd);
	httpd_close(h);
	loop_free(c.loop);
	return c.buf;
}

static char *
request(const char *method, const char *path, const char *extra)
{
	char req[512];
	int n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: t\r\n"
	    "Connection: close\r\n%s\r\n", method, path, extra);

	return exchange(req, (size_t)n);
}

static void
get_metrics(void **state)
{
	char *r;

	(void)state;
	bodies = 0;
	r = request("GET", "/metrics", "");
	assert_true(strncmp(r, "HTTP/1.1 200 ", 13) == 0);
	assert_non_null(strstr(r, "\r\nContent-Type: text/plain; version=0.0.4; "
	    "charset=utf-8\r\n"));
	assert_non_null(strstr(r, "\r\n\r\n"));
	assert_string_equal(strstr(r, "\r\n\r\n") + 4, body_text);
	assert_int_equal(bodies, 1);
	/* the query string is not part of the path */
	r = request("GET", "/metrics?x=1", "");
	assert_true(strncmp(r, "HTTP/1.1 200 ", 13) == 0);
}

static void
head_metrics(void **state)
{
	char *r;

	(void)state;
	r = request("HEAD", "/metrics", "");
	assert_true(strncmp(r, "HTTP/1.1 200 ", 13) == 0);
	assert_null(strstr(r, "t_total"));
}

static void
refusals(void **state)
{
	char *r;

	(void)state;
	bodies = 0;
	r = request("GET", "/", "");
	assert_true(strncmp(r, "HTTP/1.1 404 ", 13) == 0);
	r = request("GET", "/metricsx", "");
	assert_true(strncmp(r, "HTTP/1.1 404 ", 13) == 0);
	r = request("POST", "/metrics", "Content-Length: 3\r\n");
	assert_true(strncmp(r, "HTTP/1.1 405 ", 13) == 0);
	assert_non_null(strstr(r, "\r\nAllow: GET, HEAD\r\n"));
	r = request("PUT", "/metrics", "");
	assert_true(strncmp(r, "HTTP/1.1 405 ", 13) == 0);
	r = request("GET", "/metrics", "Content-Length: 3\r\n");
	assert_true(strncmp(r, "HTTP/1.1 413 ", 13) == 0);
	r = request("GET", "/metrics", "Transfer-Encoding: chunked\r\n");
	assert_true(strncmp(r, "HTTP/1.1 413 ", 13) == 0);
	assert_int_equal(bodies, 0);	/* no refusal asked for the body */
}

/* A body many times the socket buffers: sent whole, by later rounds of
 * the loop (libmicrohttpd's epoll fd ready again for writing). */
static void
big_body(void **state)
{
	size_t want = 3 << 20;
	char *r, *b;

	(void)state;
	big = want;
	r = request("GET", "/metrics", "");
	big = 0;
	assert_true(strncmp(r, "HTTP/1.1 200 ", 13) == 0);
	assert_non_null(b = strstr(r, "\r\n\r\n"));
	assert_int_equal(strlen(b + 4), want);
	assert_int_equal(strspn(b + 4, "x"), want);
}

/* A request head larger than the connection's memory: 431. */
static void
huge_head(void **state)
{
	size_t n = HTTPD_MEMORY + 4096, k;
	char *req = malloc(n + 64), *r;

	(void)state;
	assert_non_null(req);
	k = (size_t)sprintf(req, "GET /metrics HTTP/1.1\r\nHost: t\r\nX-Big: ");
	memset(req + k, 'a', n);
	memcpy(req + k + n, "\r\n\r\n", 4);
	r = exchange(req, k + n + 4);
	free(req);
	assert_true(strncmp(r, "HTTP/1.1 431 ", 13) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_metrics),
		cmocka_unit_test(head_metrics),
		cmocka_unit_test(refusals),
		cmocka_unit_test(huge_head),
		cmocka_unit_test(big_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

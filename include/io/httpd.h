/*
 * The metrics endpoint (--metrics-listen): HTTP served by libmicrohttpd
 * inside the event loop, in its external epoll mode (no thread of its
 * own).  It answers GET and HEAD /metrics with what the body callback
 * returns, 404 to any other path, 405 to any other method, 413 to a
 * request with a body; connections, their memory and their time are
 * bounded (HTTPD_* below, smtpscope(8) METRICS).
 */
#ifndef SMTPSCOPE_HTTPD_H
#define SMTPSCOPE_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include "io/loop.h"
#include "util/addr.h"

#define HTTPD_MAX_CONNS		16	/* at once, in all */
#define HTTPD_MAX_PER_IP	4	/* at once, from one address */
#define HTTPD_IDLE_S		5	/* silence that closes a connection */
#define HTTPD_REQUEST_S		10	/* a request's whole time, however
					 * slowly its bytes trickle in */
#define HTTPD_MEMORY		(16 * 1024)	/* a connection's buffers:
					 * a larger request head gets 431 */

/* The exposition: malloc'd text (the endpoint frees it) and its length;
 * NULL when out of memory (the client gets 500). */
typedef char *(*httpd_body_fn)(void *ctx, size_t *len);

struct httpd;

/* Listens on a:port (while still privileged: the port may be below
 * 1024) and starts the server, not yet polled.  NULL with a message in
 * err (which names no option; the caller does). */
struct httpd *httpd_open(const struct addr *a, uint16_t port,
    httpd_body_fn body, void *ctx, char *err, size_t errlen);
/* Puts the server's epoll fd and its timer on the loop.  -1 when out
 * of memory. */
int httpd_attach(struct httpd *h, struct loop *l);
/* Takes it off the loop (if attached), closes every connection and the
 * listening socket. */
void httpd_close(struct httpd *h);

#endif

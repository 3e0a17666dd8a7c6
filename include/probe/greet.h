/*
 * probe --greet: from each source to each target address and port, a real
 * TCP connection through the kernel (a non-blocking socket bound to the
 * source, driven by the run's loop) that reads the greeting, sends EHLO
 * when it is 220, notes whether STARTTLS is offered, and sends QUIT.
 * Nothing else is ever sent.  Bounded: SMTP_LINE_MAX per line,
 * SMTP_LINES_MAX per reply, GREET_BYTES_MAX per connection, a timeout per
 * step (connect, greeting, EHLO reply, QUIT reply), GREET_PARALLEL
 * connections at once.
 */
#ifndef SMTPSCOPE_GREET_H
#define SMTPSCOPE_GREET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "probe/greetres.h"
#include "probe/probespec.h"

#define GREET_BYTES_MAX	(64 * 1024)	/* read from one server, at most */
#define GREET_PARALLEL	16		/* connections open at once */

struct loop;
struct greeter;

struct greet_config {
	const struct probe_spec *spec;
	int family;			/* 0, 4 or 6 */
	const char *dns_server;
	const char *helo;		/* the EHLO name (smtp_helo_ok()) */
	int64_t step_us;		/* the timeout of each step */
	int max;			/* at most this many connections */
	FILE *notes;			/* where DNS outcomes are reported */
};

typedef void (*greet_fn)(void *ctx, const struct greet_result *r);

/*
 * Checks the sources (each must be an address of this host: it is bound
 * to, never spoofed), starts the lookups on l; fn gets each result as it
 * is known, and the loop is stopped when all are.  NULL with err.
 */
struct greeter *greeter_new(const struct greet_config *cfg, struct loop *l,
    greet_fn fn, void *ctx, char *err, size_t errlen);
/* Non-zero when the run failed (nothing to probe, too many, no memory). */
int greeter_failed(const struct greeter *g, char *err, size_t errlen);
void greeter_free(struct greeter *g);

#endif

/* Output sinks: records in, text out.  A small vtable, as zmap's output modules. */
#ifndef SMTPSCOPE_SINK_H
#define SMTPSCOPE_SINK_H

#include <stdio.h>

#include "core/record.h"
#include "core/stats.h"

struct sink;

struct sink_ops {
	void (*record)(struct sink *s, const struct record *r);
	/* End of input (or a SIGUSR1 snapshot when final is 0). */
	void (*finish)(struct sink *s, const struct stats *st, int final);
	void (*free)(struct sink *s);
};

struct sink {
	const struct sink_ops *ops;
	FILE *out;			/* NULL: a sink that writes nothing */
};

/* The free op of a sink that owns nothing but its own allocation. */
void sink_free(struct sink *s);

struct sink *sink_text_new(FILE *out);
struct sink *sink_json_new(FILE *out);
struct sink *sink_csv_new(FILE *out);
struct sink *sink_summary_new(FILE *out);
struct sink *sink_matrix_new(FILE *out);	/* probe: source x target */
/* What the reports look up in DNS when the run ends (-r, --dnsbl). */
struct scope_dns {
	int resolve;			/* PTR names */
	const char *zones[8];		/* DNS blocklist zones */
	int nzones;
	const char *server;		/* --dns-server, or NULL */
};

/* --scope (findings per destination) and/or --evidence (unblock request),
 * with PTR names and blocklist results when asked. */
struct sink *sink_scope_new(FILE *out, int scope, int evidence,
    const char *capture, const struct scope_dns *dns);


#endif

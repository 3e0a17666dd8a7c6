/*
 * --resolve and --dnsbl for the scope report: the command layer asks the report
 * which addresses it names, resolves them with c-ares on an io/loop, and
 * hands the answers back as plain data.  The report itself does no DNS.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "io/loop.h"
#include "lookups.h"
#include "probe/resolve.h"
#include "report/scope.h"

/* The lookups of one run and their results, which the scope report reads
 * until they are freed. */
struct lookups {
	const struct scope_dns *cfg;
	struct loop *loop;
	struct resolver *res;
	struct dns_name *names;
	struct dns_listing *lists;
	struct dns_results out;
	char err[256];
};

/* An address the scope report names: its PTR name (--resolve) and, for a
 * source, its listing in each zone (--dnsbl). */
static void
lookup_want(void *ctx, const struct addr *a, bool source)
{
	struct lookups *lk = ctx;
	int z;

	if (lk->cfg->resolve)
		resolver_add_ptr(lk->res, a);
	for (z = 0; source && z < lk->cfg->nzones; z++)
		resolver_add_dnsbl(lk->res, a, lk->cfg->zones[z]);
}

/* A lookup still in flight when the report's 6 seconds ended
 * (lookups_wait) has no status of its own: it timed out. */
static const char *
unanswered(bool failed, const char *status)
{
	return failed && status[0] == '\0' ? "timeout" : status;
}

/* The resolver's answers as the report's plain data. */
static int
lookup_results(struct lookups *lk)
{
	const struct ptr_result *p;
	const struct dnsbl_result *b;
	size_t i, np = resolver_ptrs(lk->res, &p), nb = resolver_dnsbls(lk->res, &b);

	lk->names = calloc(np + 1, sizeof *lk->names);
	lk->lists = calloc(nb + 1, sizeof *lk->lists);
	if (lk->names == NULL || lk->lists == NULL)
		return -1;
	for (i = 0; i < np; i++)
		lk->names[i] = (struct dns_name){ p[i].a, p[i].name,
		    unanswered(p[i].name[0] == '\0', p[i].status) };
	for (i = 0; i < nb; i++)
		lk->lists[i] = (struct dns_listing){ b[i].a, b[i].zone,
		    b[i].listed, b[i].code, b[i].reason,
		    unanswered(b[i].listed < 0, b[i].status) };
	lk->out.names = lk->names;
	lk->out.nnames = np;
	lk->out.lists = lk->lists;
	lk->out.nlists = nb;
	return 0;
}

static void
lookups_idle(void *ctx)
{
	loop_stop(ctx);
}

static void
lookups_timeout(void *ctx, int64_t now)
{
	(void)now;
	loop_stop(ctx);
}

/* Runs the loop until no query is left in flight, or 6 seconds, what the
 * lookups of a report are given in all.  0, or -1 when out of memory. */
static int
lookups_wait(struct lookups *lk)
{
	int t;

	if (!resolver_busy(lk->res))
		return 0;
	resolver_on_idle(lk->res, lookups_idle, lk->loop);
	if ((t = loop_timer_add(lk->loop, lookups_timeout, lk->loop)) < 0)
		return -1;
	loop_timer_at(lk->loop, t, loop_now() + 6000000);
	loop_run(lk->loop);
	loop_timer_del(lk->loop, t);
	return 0;
}

struct lookups *
lookups_new(const struct scope_dns *dns)
{
	struct lookups *lk = calloc(1, sizeof *lk);

	if (lk == NULL)
		return NULL;
	lk->cfg = dns;
	lk->out.names_asked = dns->resolve != 0;
	lk->out.lists_asked = dns->nzones > 0;
	if ((lk->loop = loop_new()) == NULL)
		lk->out.error = "out of memory";
	else if ((lk->res = resolver_new(lk->loop, dns->server, 0, lk->err,
	    sizeof lk->err)) == NULL)
		lk->out.error = lk->err;
	return lk;
}

void
lookups_run(struct lookups *lk, struct sink *scope_sink)
{
	if (lk->out.error == NULL && (sink_scope_wanted(scope_sink,
	    lookup_want, lk) != 0 || lookups_wait(lk) != 0 ||
	    lookup_results(lk) != 0))
		lk->out.error = "out of memory";
	sink_scope_set_dns(scope_sink, &lk->out);
}

void
lookups_free(struct lookups *lk)
{
	if (lk == NULL)
		return;
	resolver_free(lk->res);
	loop_free(lk->loop);
	free(lk->names);
	free(lk->lists);
	free(lk);
}


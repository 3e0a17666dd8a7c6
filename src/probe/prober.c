/*
 * The prober.  Phases: resolve names, then send (probe/schedule.h says
 * which SYN is due when), then wait until every probe has its record.
 * Classification is the pipeline's: each SYN sent is fed to it
 * (pipeline_syn_sent) tagged with the probe's origin, the capture supplies
 * the answers, and the records come back through the prober's own sink,
 * which only takes note: the probe is done, and an accepted one is owed a
 * RST.  Every SYN and RST goes out from the prober's step, never from
 * inside a record callback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/loop.h"
#include "probe/inject.h"
#include "probe/prober.h"
#include "probe/resolve.h"
#include "probe/schedule.h"

enum phase { PH_RESOLVE, PH_SEND, PH_DONE };

struct probe {
	struct tuple t;
	uint32_t isn;
	struct origin o;		/* name, MX and spec; o.id: its number */
	int rst_queued;			/* accepted: a RST is owed */
};

/* The pipeline's sink through which the prober sees its records. */
struct prober_sink {
	struct sink base;
	struct prober *p;
};

static const struct sink_ops prober_sink_ops;

struct prober {
	const struct probe_config *cfg;
	struct pipeline *pl;
	struct injector *inj;
	struct loop *loop;
	int timer;			/* every send, and the checks */
	struct resolver *res;
	struct resolved *literal;	/* address targets, one per spec entry */
	int nliteral;
	struct probe *probes;
	size_t n;
	struct schedule *sched;
	uint32_t *rst;			/* probes owed a RST, in record order */
	size_t nrst;
	uint32_t *used;			/* pick_port(): tuples taken, by probe + 1 */
	int *trace_end;			/* --trace: per trace, the first hop that
					 * ends it (record_trace_end()); 0: none */
	int ntraces;
	uint32_t used_mask;
	uint32_t secret;
	enum phase phase;
	char err[256];
	int failed;
};

static uint32_t
random32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
		v = (uint32_t)getpid() * 2654435761u ^ (uint32_t)time(NULL);
	return v;
}

static int
is_literal(const struct prober *p, const struct resolved *r)
{
	return r >= p->literal && r < p->literal + p->nliteral;
}

/* The source address the routing table would use towards dst. */
static int
route_source(const struct addr *dst, struct addr *src)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, rc = -1;

	memset(&ss, 0, sizeof ss);
	memset(src, 0, sizeof *src);
	if (dst->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(25);
		memcpy(&s4->sin_addr, dst->b, 4);
		len = sizeof *s4;
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(25);
		memcpy(&s6->sin6_addr, dst->b, 16);
		len = sizeof *s6;
	}
	if ((fd = socket(ss.ss_family, SOCK_DGRAM, 0)) < 0)
		return -1;
	/* A UDP connect() sends nothing; it only asks for a route. */
	if (connect(fd, (struct sockaddr *)&ss, len) == 0 &&
	    getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		src->family = dst->family;
		if (dst->family == 4)
			memcpy(src->b, &((struct sockaddr_in *)&ss)->sin_addr, 4);
		else
			memcpy(src->b, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
		rc = 0;
	}
	close(fd);
	return rc;
}

/* Asks the resolver once per distinct name. */
static int
seen_before(const struct probe_config *cfg, int spec, int idx, int domain)
{
	const char *name = domain ? cfg->specs[spec].domains[idx] :
	    cfg->specs[spec].targets[idx];
	int s, i;

	for (s = 0; s <= spec; s++) {
		const struct probe_spec *ps = &cfg->specs[s];
		int n = domain ? ps->ndomains : ps->ntargets;

		for (i = 0; i < n && (s < spec || i < idx); i++)
			if (strcmp(domain ? ps->domains[i] : ps->targets[i], name) == 0)
				return 1;
	}
	return 0;
}

/* Literal addresses kept, names handed to the resolver, once each. */
static void
ask_names(struct prober *p)
{
	const struct probe_config *cfg = p->cfg;
	int s, i;

	for (s = 0; s < cfg->nspecs; s++) {
		const struct probe_spec *ps = &cfg->specs[s];

		for (i = 0; i < ps->ndomains; i++)
			if (!seen_before(cfg, s, i, 1))
				resolver_add_domain(p->res, ps->domains[i]);
		for (i = 0; i < ps->ntargets; i++) {
			struct resolved *l = &p->literal[p->nliteral];

			if (seen_before(cfg, s, i, 0))
				continue;
			if (addr_parse(ps->targets[i], &l->a)) {
				snprintf(l->host, sizeof l->host, "%s", ps->targets[i]);
				l->mx_pref = -1;
				p->nliteral++;
			} else
				resolver_add_host(p->res, ps->targets[i]);
		}
	}
}

/* The prober's sink, added to the pipeline (which frees it). */
static int
add_sink(struct prober *p)
{
	struct prober_sink *ps = calloc(1, sizeof *ps);

	if (ps == NULL)
		return -1;
	ps->base.ops = &prober_sink_ops;
	ps->p = p;
	if (pipeline_add_sink(p->pl, &ps->base) != 0) {
		free(ps);
		return -1;
	}
	return 0;
}

static void on_timer(void *ctx, int64_t now);
static void on_resolved(void *ctx);

/* The timer, the resolver and the sink, then the lookups; 0, or -1 with
 * err set. */
static int
start(struct prober *p, char *err, size_t errlen)
{
	if ((p->timer = loop_timer_add(p->loop, on_timer, p)) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((p->res = resolver_new(p->loop, p->cfg->dns_server, p->cfg->family,
	    err, errlen)) == NULL)
		return -1;
	if (add_sink(p) != 0) {
		snprintf(err, errlen, "out of memory, or too many outputs");
		return -1;
	}
	resolver_on_idle(p->res, on_resolved, p);
	ask_names(p);
	/* Literal addresses only: nothing to wait for. */
	if (!resolver_busy(p->res))
		loop_timer_at(p->loop, p->timer, 0);
	return 0;
}

/* The resolver has nothing left in flight: the probes can be built. */
static void
on_resolved(void *ctx)
{
	struct prober *p = ctx;

	if (p->phase == PH_RESOLVE)
		loop_timer_at(p->loop, p->timer, 0);
}

struct prober *
prober_new(const struct probe_config *cfg, struct loop *l, struct pipeline *pl,
    char *err, size_t errlen)
{
	struct prober *p;
	int s, nt = 0;

	for (s = 0; s < cfg->nspecs; s++) {
		const struct probe_spec *ps = &cfg->specs[s];

		if (ps->ndomains + ps->ntargets == 0) {
			snprintf(err, errlen, "probe: nothing to probe (give --mx or --target)");
			return NULL;
		}
		nt += ps->ntargets;
	}
	if ((p = calloc(1, sizeof *p)) == NULL ||
	    (p->literal = calloc((size_t)nt + 1, sizeof *p->literal)) == NULL) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->timer = -1;
	p->cfg = cfg;
	p->pl = pl;
	p->loop = l;
	p->secret = random32();
	p->phase = PH_RESOLVE;
	if (start(p, err, errlen) != 0) {
		prober_free(p);
		return NULL;
	}
	return p;
}

int
prober_open(struct prober *p, char *err, size_t errlen)
{
	p->inj = injector_open(err, errlen);
	return p->inj == NULL ? -1 : 0;
}

void
prober_free(struct prober *p)
{
	if (p == NULL)
		return;
	injector_close(p->inj);
	resolver_free(p->res);
	if (p->timer >= 0)
		loop_timer_del(p->loop, p->timer);
	sched_free(p->sched);
	free(p->probes);
	free(p->rst);
	free(p->used);
	free(p->trace_end);
	free(p->literal);
	free(p);
}

static void __attribute__((format(printf, 2, 3)))
fail(struct prober *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->failed) {
		va_start(ap, fmt);
		vsnprintf(p->err, sizeof p->err, fmt, ap);
		va_end(ap);
	}
	p->failed = 1;
	p->phase = PH_DONE;
}

int
prober_failed(const struct prober *p, char *err, size_t errlen)
{
	if (p->failed)
		snprintf(err, errlen, "%s", p->err);
	return p->failed;
}

/* Is t's tuple taken by a probe already?  (hash h) */
static int
port_used(const struct prober *p, const struct tuple *t, uint32_t h)
{
	uint32_t k;

	for (k = h & p->used_mask; p->used[k] != 0; k = (k + 1) & p->used_mask)
		if (tuple_eq(&p->probes[p->used[k] - 1].t, t))
			return 1;
	return 0;
}

static void
port_take(struct prober *p, uint32_t h, size_t probe)
{
	uint32_t k;

	for (k = h & p->used_mask; p->used[k] != 0; k = (k + 1) & p->used_mask)
		;
	p->used[k] = (uint32_t)probe + 1;
}

/* A source port not yet used towards the same target and port: a random
 * one, looked up in a hash set of the tuples taken (O(1) per probe).  The
 * ISN is a keyed hash of the tuple: answers are checked against it. */
static void
pick_port(struct prober *p, struct probe *pr)
{
	uint32_t h;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		pr->t.client_port = (uint16_t)(32768 + random32() % 28232);
		h = tuple_hash(&pr->t, p->secret);
		if (!port_used(p, &pr->t, h))
			break;
	}
	pr->isn = h;
	port_take(p, h, (size_t)(pr - p->probes));
}

static int
add_probe(struct prober *p, int spec, const struct addr *src,
    const struct resolved *dst, uint16_t port, int hop)
{
	struct probe *pr;

	if (p->n == (size_t)p->cfg->max_probes) {
		fail(p, "more probes than --max-probes %d allows; name fewer "
		    "sources, targets or ports", p->cfg->max_probes);
		return -1;
	}
	pr = &p->probes[p->n];
	memset(pr, 0, sizeof *pr);
	pr->t.client = *src;
	pr->t.server = dst->a;
	pr->t.server_port = port;
	pick_port(p, pr);
	/* The name the address came from; none for a literal --target. */
	pr->o.mx = is_literal(p, dst) ? NULL : dst->host;
	pr->o.domain = dst->domain[0] ? dst->domain : NULL;
	pr->o.mx_pref = dst->mx_pref;
	pr->o.spec = spec;
	pr->o.id = (uint32_t)p->n++;
	pr->o.hop = hop;
	pr->o.trace = p->ntraces;
	return 0;
}

/* One probe, or with --trace one per TTL from 1 to --max-ttl, each on a
 * source port of its own: every answer names the hop it is about. */
static void
add_probes(struct prober *p, int spec, const struct addr *src,
    const struct resolved *dst, uint16_t port)
{
	int hop;

	if (!p->cfg->trace) {
		add_probe(p, spec, src, dst, port, 0);
		return;
	}
	for (hop = 1; hop <= p->cfg->max_ttl && !p->failed; hop++)
		add_probe(p, spec, src, dst, port, hop);
	p->ntraces++;
}

static void
report_notes(const struct prober *p)
{
	const struct dns_note *n;
	size_t i, k = resolver_notes(p->res, &n);

	for (i = 0; i < k; i++)
		fprintf(p->cfg->notes, "dns: %s: %s\n", n[i].name, n[i].what);
	fflush(p->cfg->notes);
}

/* Does resolved address r answer one of spec's names? */
static int
spec_wants(const struct prober *p, const struct probe_spec *ps,
    const struct resolved *r)
{
	int i;

	if (is_literal(p, r)) {
		for (i = 0; i < ps->ntargets; i++)
			if (strcmp(ps->targets[i], r->host) == 0)
				return 1;
		return 0;
	}
	if (r->domain[0] != '\0') {
		for (i = 0; i < ps->ndomains; i++)
			if (strcmp(ps->domains[i], r->domain) == 0)
				return 1;
		return 0;
	}
	for (i = 0; i < ps->ntargets; i++)
		if (strcmp(ps->targets[i], r->host) == 0)
			return 1;
	return 0;
}

/* One spec's (target, port, source) with matching families, in MX order. */
static void
build_spec(struct prober *p, int spec, const struct resolved *r, size_t nr)
{
	const struct probe_spec *ps = &p->cfg->specs[spec];
	const struct resolved *dst;
	struct addr src;
	uint32_t port;
	int s;
	size_t l;

	for (l = 0; l < (size_t)p->nliteral + nr && !p->failed; l++) {
		dst = l < (size_t)p->nliteral ? &p->literal[l] : &r[l - p->nliteral];
		if (!spec_wants(p, ps, dst) ||
		    (p->cfg->family && dst->a.family != p->cfg->family))
			continue;
		for (port = portset_next(ps->ports, 1); port != 0 && !p->failed;
		    port = portset_next(ps->ports, port + 1)) {
			if (ps->nsources == 0) {
				if (route_source(&dst->a, &src) == 0)
					add_probes(p, spec, &src, dst, (uint16_t)port);
				continue;
			}
			for (s = 0; s < ps->nsources && !p->failed; s++)
				if (ps->sources[s].family == dst->a.family)
					add_probes(p, spec, &ps->sources[s], dst,
					    (uint16_t)port);
		}
	}
}

/* The hash set pick_port() uses, at most half full. */
static int
alloc_build(struct prober *p)
{
	size_t max = (size_t)p->cfg->max_probes, nb = 2;

	while (nb < 2 * max)
		nb <<= 1;
	p->probes = calloc(max, sizeof *p->probes);
	p->rst = calloc(max, sizeof *p->rst);
	p->used = calloc(nb, sizeof *p->used);
	p->used_mask = (uint32_t)(nb - 1);
	p->trace_end = calloc(max, sizeof *p->trace_end);
	return p->probes != NULL && p->rst != NULL && p->used != NULL &&
	    p->trace_end != NULL ? 0 : -1;
}

static void
build_probes(struct prober *p)
{
	const struct resolved *r;
	size_t nr = resolver_results(p->res, &r);
	struct sched_config sc;
	int s;

	report_notes(p);
	if (alloc_build(p) != 0) {
		fail(p, "out of memory");
		return;
	}
	for (s = 0; s < p->cfg->nspecs && !p->failed; s++)
		build_spec(p, s, r, nr);
	free(p->used);
	p->used = NULL;
	if (!p->failed && p->n == 0 && !p->cfg->allow_empty) {
		fail(p, "nothing to probe: no address resolved, or none of the "
		    "family of a source");
		return;
	}
	if (p->failed || p->n == 0) {
		p->phase = PH_DONE;
		return;
	}
	sc.rate = p->cfg->rate;
	sc.retries = p->cfg->retries;
	sc.timeout_us = p->cfg->timeout_us;
	if ((p->sched = sched_new(&sc, p->n)) == NULL) {
		fail(p, "out of memory");
		return;
	}
	p->phase = PH_SEND;
}

/* The RSTs the records asked for since the last step. */
static void
send_rsts(struct prober *p)
{
	char err[256];
	size_t i;

	for (i = 0; i < p->nrst; i++) {
		const struct probe *pr = &p->probes[p->rst[i]];

		/* Leave no half-open connection on the recipient. */
		injector_rst(p->inj, &pr->t, pr->isn + 1, (uint8_t)p->cfg->ttl, err,
		    sizeof err);
	}
	p->nrst = 0;
}

/* --trace: an earlier hop of o's trace ended it (nearer the sender). */
static int
trace_over(const struct prober *p, const struct origin *o)
{
	int end = o->hop > 0 ? p->trace_end[o->trace] : 0;

	return end > 0 && o->hop > end;
}

/* One SYN of probe pr (--trace: with its hop's TTL).  Sent, it is fed to
 * the pipeline before any answer can be read; refused by this host's stack
 * (a prohibit route, an OUTPUT rule, no route), it is that probe's
 * verdict, with no SYN counted, and the run goes on; any other failure
 * ends the run. */
static void
send_syn(struct prober *p, struct probe *pr, int64_t wall)
{
	uint8_t ttl = (uint8_t)(pr->o.hop > 0 ? pr->o.hop : p->cfg->ttl);
	struct verdict v;
	char err[256], a[ADDR_STRLEN];
	int werr;

	if (injector_syn(p->inj, &pr->t, pr->isn, ttl, &werr, err,
	    sizeof err) == 0)
		pipeline_syn_sent(p->pl, wall, &pr->t, pr->isn, ttl, &pr->o);
	else if (verdict_not_sent(werr, &v))
		pipeline_syn_unsent(p->pl, wall, &pr->t, pr->isn, &pr->o, v);
	else
		fail(p, "cannot send a SYN to %s: %s",
		    addr_str(&pr->t.server, a), err);
}

/* The SYNs due at now (monotonic); wall is the packet clock for the
 * pipeline. */
static void
send_due(struct prober *p, int64_t now, int64_t wall)
{
	long i;

	while (!p->failed && (i = sched_take(p->sched, now)) >= 0) {
		if (trace_over(p, &p->probes[i].o)) {
			sched_done(p->sched, (size_t)i);	/* never sent */
			continue;
		}
		send_syn(p, &p->probes[i], wall);
	}
}

/* The prober's sink: takes note of a record of one of its probes, and
 * sends nothing. */
static void
on_record(struct sink *s, const struct record *r)
{
	struct prober *p = ((struct prober_sink *)s)->p;
	struct probe *pr;
	uint32_t id;

	if (r->origin == NULL || (id = r->origin->id) >= p->n ||
	    r->origin != &p->probes[id].o)
		return;		/* not one of ours */
	pr = &p->probes[id];
	sched_done(p->sched, id);
	if (pr->o.hop > 0 && record_trace_end(r) &&
	    (p->trace_end[pr->o.trace] == 0 || pr->o.hop < p->trace_end[pr->o.trace]))
		p->trace_end[pr->o.trace] = pr->o.hop;
	if (r->v.cls == VC_ACCEPTED && !pr->rst_queued) {
		pr->rst_queued = 1;
		p->rst[p->nrst++] = id;
	}
	/* The timer sends the RST, and sees whether the run is over. */
	loop_timer_at(p->loop, p->timer, 0);
}

static void
on_finish(struct sink *s, const struct stats *st, int final)
{
	(void)s, (void)st, (void)final;
}

static const struct sink_ops prober_sink_ops = {
	.record = on_record,
	.finish = on_finish,
	.free = sink_free,
};

/* The prober's one timer: builds the probes once the names are resolved,
 * then sends the RSTs owed and the SYNs due, and stops the loop when every
 * probe has its record (or the give-up time is past). */
static void
on_timer(void *ctx, int64_t now)
{
	struct prober *p = ctx;

	if (p->phase == PH_RESOLVE) {
		if (resolver_busy(p->res))
			return;		/* on_resolved() comes */
		build_probes(p);
	}
	if (p->phase == PH_SEND) {
		send_rsts(p);
		send_due(p, now, loop_wall());
		if (p->failed || sched_over(p->sched, now))
			p->phase = PH_DONE;
	}
	if (p->phase == PH_DONE) {
		loop_stop(p->loop);
		return;
	}
	loop_timer_at(p->loop, p->timer, p->nrst > 0 ? 0 : sched_next(p->sched));
}

void
prober_flush(struct prober *p)
{
	if (p->inj != NULL)
		send_rsts(p);
}

/*
 * --scope and --evidence: the operator's questions after "deliveries fail".
 * Records are aggregated per destination (server address and port) and
 * source address; at the end each destination gets the findings its counts
 * support, and --evidence writes the block a postmaster reads.  Tables are
 * bounded: past the limits, counts go to "other" and are said to.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/loop.h"
#include "probe/resolve.h"
#include "report/sink.h"
#include "util/timefmt.h"

#define MAX_DESTS 512
#define MAX_SOURCES 32		/* per destination */
#define MAX_SAMPLES 3
#define MAX_FAILS 64		/* failure times kept per source */
#define NONE INT64_MIN

struct source_stat {
	struct addr a;
	uint64_t n[VC_COUNT];
	int64_t last_ok;		/* last accepted attempt */
	int64_t first_fail;		/* first failure */
	/* The latest failures by first-SYN time (records come in verdict
	 * order): at the end, those after the last success are counted. */
	struct { int64_t ts; char reason[48]; } fail[MAX_FAILS];
	int nfail;
};

struct sample {
	int64_t ts;
	struct addr client;
	uint16_t client_port;
	char verdict[48];
	int icmp_type, icmp_code;
	struct addr responder;
};

struct dest {
	struct addr server;
	uint16_t port;
	char mx[80], domain[80];
	int mx_pref;
	uint64_t n[VC_COUNT];
	int64_t first_ts, last_ts;
	struct source_stat src[MAX_SOURCES];
	int nsrc;
	uint64_t other_sources;		/* attempts from sources past the table */
	/* who answered the failures */
	uint64_t fail_by_hop, fail_local;
	struct addr hop_addr, local_addr;
	int local_is_self;		/* the sending host answered itself */
	int hop_hops;
	int synack_hops;		/* hop distance of the server's SYN-ACKs; -1 none */
	uint64_t rst_other_hops;	/* RSTs from its address at another distance */
	int rst_hops;
	struct sample samples[MAX_SAMPLES];
	int nsamples;
	char reasons[120];		/* distinct failure reasons seen */
};

struct scope_sink {
	struct sink base;
	int scope, evidence;
	struct dest d[MAX_DESTS];
	int nd;
	uint64_t other_dests;
	const char *capture;		/* -w file beside the evidence */
	struct scope_dns dns;
	struct resolver *res;		/* at the end: PTR names, blocklists */
	struct loop *loop;		/* the resolver's, for now (see lookups()) */
};

static int
failed(enum vclass c)
{
	return c == VC_REFUSED || c == VC_PROHIBITED || c == VC_UNREACHABLE ||
	    c == VC_DROPPED;
}

static uint64_t
fails(const uint64_t n[VC_COUNT])
{
	return n[VC_REFUSED] + n[VC_PROHIBITED] + n[VC_UNREACHABLE] + n[VC_DROPPED];
}

static struct dest *
dest_of(struct scope_sink *s, const struct record *r)
{
	struct dest *d;
	int i;

	for (i = 0; i < s->nd; i++)
		if (s->d[i].port == r->t.server_port &&
		    addr_eq(&s->d[i].server, &r->t.server))
			return &s->d[i];
	if (s->nd == MAX_DESTS)
		return NULL;
	d = &s->d[s->nd++];
	memset(d, 0, sizeof *d);
	d->server = r->t.server;
	d->port = r->t.server_port;
	d->mx_pref = -1;
	d->first_ts = r->first_syn_us;
	d->synack_hops = d->rst_hops = d->hop_hops = -1;
	return d;
}

static struct source_stat *
source_of(struct dest *d, const struct addr *a)
{
	struct source_stat *s;
	int i;

	for (i = 0; i < d->nsrc; i++)
		if (addr_eq(&d->src[i].a, a))
			return &d->src[i];
	if (d->nsrc == MAX_SOURCES)
		return NULL;
	s = &d->src[d->nsrc++];
	memset(s, 0, sizeof *s);
	s->a = *a;
	s->last_ok = s->first_fail = NONE;
	return s;
}

static void
add_reason(char *list, size_t len, const char *r)
{
	size_t n = strlen(r);
	const char *p = list;

	while ((p = strstr(p, r)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	if (strlen(list) + n + 3 < len)
		snprintf(list + strlen(list), len - strlen(list), "%s%s",
		    list[0] ? ", " : "", r);
}

/* Keeps the MAX_FAILS latest failure times, replacing the earliest. */
static void
keep_failure(struct source_stat *src, int64_t ts, const char *verdict)
{
	int i, k = src->nfail;

	if (k == MAX_FAILS) {
		for (k = 0, i = 1; i < MAX_FAILS; i++)
			if (src->fail[i].ts < src->fail[k].ts)
				k = i;
		if (ts <= src->fail[k].ts)
			return;
	} else
		src->nfail++;
	src->fail[k].ts = ts;
	snprintf(src->fail[k].reason, sizeof src->fail[k].reason, "%s", verdict);
}

static void
scope_record(struct sink *sk, const struct record *r)
{
	struct scope_sink *s = (struct scope_sink *)sk;
	struct dest *d = dest_of(s, r);
	const struct origin *o = r->origin;
	struct source_stat *src;
	char verdict[48];

	if (d == NULL) {
		s->other_dests++;
		return;
	}
	if (o != NULL && o->mx != NULL && d->mx[0] == '\0') {
		snprintf(d->mx, sizeof d->mx, "%s", o->mx);
		d->mx_pref = o->mx_pref;
	}
	if (o != NULL && o->domain != NULL && d->domain[0] == '\0')
		snprintf(d->domain, sizeof d->domain, "%s", o->domain);
	d->n[r->v.cls]++;
	if (r->first_syn_us < d->first_ts)
		d->first_ts = r->first_syn_us;
	if (r->verdict_us > d->last_ts)
		d->last_ts = r->verdict_us;
	if (r->v.cls == VC_ACCEPTED && r->hops >= 0 && record_responder_is_server(r))
		d->synack_hops = r->hops;
	if ((src = source_of(d, &r->t.client)) == NULL) {
		d->other_sources++;
		return;
	}
	src->n[r->v.cls]++;
	snprintf(verdict, sizeof verdict, "%s/%s", vclass_name(r->v.cls), r->v.reason);
	if (r->v.cls == VC_ACCEPTED) {
		if (r->first_syn_us > src->last_ok)
			src->last_ok = r->first_syn_us;
		return;
	}
	if (!failed(r->v.cls))
		return;
	add_reason(d->reasons, sizeof d->reasons, verdict);
	if (src->first_fail == NONE || r->first_syn_us < src->first_fail)
		src->first_fail = r->first_syn_us;
	keep_failure(src, r->first_syn_us, verdict);
	if (r->responder.family != 0 && !record_responder_is_server(r)) {
		/* The sending host itself, or the first router (an answer that
		 * crossed no router), is the local side; further is a middlebox. */
		if (addr_eq(&r->responder, &r->t.client) || r->hops == 0) {
			d->fail_local++;
			d->local_addr = r->responder;
			d->local_is_self = addr_eq(&r->responder, &r->t.client);
		} else {
			d->fail_by_hop++;
			d->hop_addr = r->responder;
			d->hop_hops = r->hops;
		}
	}
	if (r->v.cls == VC_REFUSED && r->icmp_type < 0 && record_responder_is_server(r))
		d->rst_hops = r->hops;
	if (d->nsamples < MAX_SAMPLES) {
		struct sample *sm = &d->samples[d->nsamples++];

		sm->ts = r->first_syn_us;
		sm->client = r->t.client;
		sm->client_port = r->t.client_port;
		snprintf(sm->verdict, sizeof sm->verdict, "%s", verdict);
		sm->icmp_type = r->icmp_type;
		sm->icmp_code = r->icmp_code;
		sm->responder = r->responder;
	}
}

static void print_dnsbl(FILE *out, const struct scope_sink *s,
    const struct addr *only);

/* The PTR name of a, when -r found one. */
static const char *
name_of(const struct scope_sink *s, const struct addr *a)
{
	const struct ptr_result *p;
	size_t i, n;

	if (s->res == NULL)
		return NULL;
	n = resolver_ptrs(s->res, &p);
	for (i = 0; i < n; i++)
		if (addr_eq(&p[i].a, a) && p[i].name[0])
			return p[i].name;
	return NULL;
}

static void
put_dest(FILE *out, const struct dest *d)
{
	char ep[ENDPOINT_STRLEN];

	fputs(endpoint_str(&d->server, d->port, ep), out);
	if (d->mx[0] && d->mx_pref >= 0)
		fprintf(out, " (%s, MX %d of %s)", d->mx, d->mx_pref,
		    d->domain[0] ? d->domain : "?");
	else if (d->mx[0])
		fprintf(out, " (%s)", d->mx);
}

static void
put_sources(FILE *out, const struct dest *d, int want_ok)
{
	char a[ADDR_STRLEN];
	int i, first = 1;

	for (i = 0; i < d->nsrc; i++) {
		const struct source_stat *s = &d->src[i];
		int ok = s->n[VC_ACCEPTED] > 0 && fails(s->n) == 0;
		int bad = s->n[VC_ACCEPTED] == 0 && fails(s->n) > 0;

		if ((want_ok && !ok) || (!want_ok && !bad))
			continue;
		fprintf(out, "%s%s", first ? "" : ", ", addr_str(&s->a, a));
		first = 0;
	}
	if (first)
		fputs("none", out);
}

static void
put_time(FILE *out, int64_t us)
{
	char t[40];

	fmt_time(t, sizeof t, us);
	fputs(t, out);
}

/* The findings a destination's counts support, each with those counts. */
static void
findings(FILE *out, const struct scope_sink *s, const struct dest *d)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	uint64_t f = fails(d->n), ok = d->n[VC_ACCEPTED];
	int i, nok = 0, nbad = 0, said = 0, forged = 0;
	uint64_t bad_attempts = 0, ok_attempts = 0;

	for (i = 0; i < d->nsrc; i++) {
		const struct source_stat *src = &d->src[i];

		if (src->n[VC_ACCEPTED] > 0 && fails(src->n) == 0)
			nok++, ok_attempts += src->n[VC_ACCEPTED];
		if (src->n[VC_ACCEPTED] == 0 && fails(src->n) > 0)
			nbad++, bad_attempts += fails(src->n);
	}
	if (d->fail_local > 0) {
		fprintf(out, "    finding: local firewall or provider block, not the "
		    "recipient: %" PRIu64 " of %" PRIu64 " failures were answered by %s, "
		    "%s\n", d->fail_local, f, addr_str(&d->local_addr, a),
		    d->local_is_self ? "the sending host itself" :
		    "the first hop (no router between it and the sender)");
		said++;
	}
	if (d->fail_by_hop > 0) {
		fprintf(out, "    finding: a middlebox on the path, not the recipient: "
		    "%" PRIu64 " of %" PRIu64 " failures were answered by %s, %d hops "
		    "away, not by the server\n", d->fail_by_hop, f,
		    addr_str(&d->hop_addr, a), d->hop_hops);
		said++;
	}
	/* SYN-ACKs from the same address on any port give its distance. */
	for (i = 0; i < s->nd && d->rst_hops >= 0 && !forged; i++) {
		const struct dest *o = &s->d[i];

		if (!addr_eq(&o->server, &d->server) || o->synack_hops < 0 ||
		    o->synack_hops == d->rst_hops)
			continue;
		fprintf(out, "    finding: a middlebox forging resets, not the "
		    "recipient: RSTs from the server's address came from %d hops "
		    "away while its SYN-ACKs (port %u) came from %d\n", d->rst_hops,
		    o->port, o->synack_hops);
		said++;
		forged = 1;
	}
	if (nbad > 0 && nok > 0) {
		fputs("    finding: block aimed at ", out);
		put_sources(out, d, 0);
		fprintf(out, ": all %" PRIu64 " of their attempts failed (%s) "
		    "while ", bad_attempts, d->reasons);
		put_sources(out, d, 1);
		fprintf(out, " %s accepted on all %" PRIu64 " attempts by the same "
		    "server and port\n", nok > 1 ? "were" : "was", ok_attempts);
		said++;
	}
	/* Accepted, then failing from some time on: failures (by first-SYN
	 * time) after the last success.  A failure between successes is not a
	 * transition. */
	for (i = 0; i < d->nsrc; i++) {
		const struct source_stat *src = &d->src[i];
		int k, after = 0, first = -1;

		if (src->last_ok == NONE)
			continue;
		for (k = 0; k < src->nfail; k++)
			if (src->fail[k].ts > src->last_ok) {
				after++;
				if (first < 0 || src->fail[k].ts < src->fail[first].ts)
					first = k;
			}
		if (after == 0)
			continue;
		fprintf(out, "    finding: rate limiting or a new block for %s: "
		    "accepted %" PRIu64 " time%s (the last at ",
		    addr_str(&src->a, b), src->n[VC_ACCEPTED],
		    src->n[VC_ACCEPTED] == 1 ? "" : "s");
		put_time(out, src->last_ok);
		fprintf(out, "), then %s from ", src->fail[first].reason);
		put_time(out, src->fail[first].ts);
		fprintf(out, " (%d failure%s since)\n", after, after == 1 ? "" : "s");
		said++;
	}
	if (ok == 0 && f > 0 && d->fail_local == 0 && d->fail_by_hop == 0 &&
	    !forged) {
		fprintf(out, "    finding: every source failed: %" PRIu64 " attempt%s "
		    "from %d source%s, none accepted (%s): recipient outage, closed "
		    "listener, or a blanket policy\n", f, f == 1 ? "" : "s",
		    d->nsrc, d->nsrc == 1 ? "" : "s", d->reasons);
		said++;
	}
	/* One MX of a domain failing while another accepts. */
	if (d->domain[0] && ok == 0 && f > 0) {
		for (i = 0; i < s->nd; i++) {
			const struct dest *o = &s->d[i];

			/* Another MX host (address), on the same port. */
			if (addr_eq(&o->server, &d->server) || o->port != d->port ||
			    strcmp(o->domain, d->domain) != 0 || o->n[VC_ACCEPTED] == 0)
				continue;
			fprintf(out, "    finding: one MX host down or misconfigured: %s "
			    "failed all %" PRIu64 " attempts while %s (%s) of %s accepted "
			    "%" PRIu64 "\n", d->mx[0] ? d->mx : addr_str(&d->server, a), f,
			    o->mx[0] ? o->mx : "another MX", addr_str(&o->server, b),
			    d->domain, o->n[VC_ACCEPTED]);
			said++;
			break;
		}
	}
	if (!said && f == 0 && ok > 0)
		fprintf(out, "    finding: no failure: %" PRIu64 " accepted\n", ok);
}

static void
print_scope(FILE *out, const struct scope_sink *s)
{
	int i, c;

	fputs("scope:\n", out);
	for (i = 0; i < s->nd; i++) {
		const struct dest *d = &s->d[i];
		int64_t last_ok = NONE, first_fail = NONE;
		int k;

		fputs("  ", out);
		put_dest(out, d);
		fputs("\n    attempts:", out);
		for (c = 0; c < VC_COUNT; c++)
			if (d->n[c])
				fprintf(out, " %s %" PRIu64, vclass_name(c), d->n[c]);
		fputs("\n    sources accepted: ", out);
		put_sources(out, d, 1);
		fputs("; failed: ", out);
		put_sources(out, d, 0);
		if (d->other_sources)
			fprintf(out, "; %" PRIu64 " attempts from further sources not "
			    "listed", d->other_sources);
		putc('\n', out);
		for (k = 0; k < d->nsrc; k++) {
			if (d->src[k].last_ok > last_ok)
				last_ok = d->src[k].last_ok;
			if (d->src[k].first_fail != NONE &&
			    (first_fail == NONE || d->src[k].first_fail < first_fail))
				first_fail = d->src[k].first_fail;
		}
		fputs("    last accepted: ", out);
		if (last_ok == NONE)
			fputs("never", out);
		else
			put_time(out, last_ok);
		fputs("; first failure: ", out);
		if (first_fail == NONE)
			fputs("none", out);
		else
			put_time(out, first_fail);
		putc('\n', out);
		findings(out, s, d);
	}
	if (s->other_dests)
		fprintf(out, "  (%" PRIu64 " attempts to further destinations not "
		    "listed)\n", s->other_dests);
}

/* The block for an unblock request: plain text a postmaster reads in a
 * minute.  One per destination that failed. */
static void
print_evidence(FILE *out, const struct scope_sink *s)
{
	char a[ADDR_STRLEN];
	int i, k, first;

	fputs("evidence (for an unblock request; times in UTC):\n", out);
	if (s->capture != NULL)
		fprintf(out, "  Packet capture: %s\n", s->capture);
	for (i = 0; i < s->nd; i++) {
		const struct dest *d = &s->d[i];
		uint64_t f = fails(d->n);

		if (f == 0)
			continue;
		fputs("  Sending addresses with failures:", out);
		for (k = 0, first = 1; k < d->nsrc; k++)
			if (fails(d->src[k].n)) {
				fprintf(out, "%s %s", first ? "" : ",",
				    addr_str(&d->src[k].a, a));
				first = 0;
			}
		fputs("\n  Destination: ", out);
		put_dest(out, d);
		if (name_of(s, &d->server) != NULL)
			fprintf(out, " [PTR %s]", name_of(s, &d->server));
		fputs("\n  Window (UTC): ", out);
		put_time(out, d->first_ts);
		fputs(" to ", out);
		put_time(out, d->last_ts);
		fprintf(out, "\n  Results: %" PRIu64 " of %" PRIu64 " attempts failed "
		    "(%s); %" PRIu64 " accepted\n", f, f + d->n[VC_ACCEPTED] +
		    d->n[VC_UNRESOLVED], d->reasons, d->n[VC_ACCEPTED]);
		for (k = 0; k < d->nsamples; k++) {
			const struct sample *sm = &d->samples[k];
			char b[ADDR_STRLEN], ep[ENDPOINT_STRLEN];

			fputs("  Sample: ", out);
			put_time(out, sm->ts);
			fprintf(out, " %s -> ", endpoint_str(&sm->client,
			    sm->client_port, ep));
			put_dest(out, d);
			fprintf(out, " %s", sm->verdict);
			if (sm->icmp_type >= 0)
				fprintf(out, " (ICMP%s %d/%d from %s)",
				    sm->responder.family == 6 ? "v6" : "", sm->icmp_type,
				    sm->icmp_code, addr_str(&sm->responder, b));
			else if (sm->responder.family)
				fprintf(out, " (TCP RST from %s)", addr_str(&sm->responder, b));
			else
				fputs(" (no answer to any SYN)", out);
			putc('\n', out);
		}
		fputs("  Other senders accepted in the same window: ", out);
		put_sources(out, d, 1);
		putc('\n', out);
		for (k = 0; k < d->nsrc; k++) {
			const char *nm = name_of(s, &d->src[k].a);

			if (fails(d->src[k].n) == 0)
				continue;
			if (nm != NULL)
				fprintf(out, "  Sender %s has PTR %s\n",
				    addr_str(&d->src[k].a, a), nm);
			if (s->dns.nzones > 0) {
				fputs("  Blocklists:\n", out);
				print_dnsbl(out, s, &d->src[k].a);
			}
		}
		putc('\n', out);
	}
}

static void
stop_loop(void *ctx)
{
	loop_stop(ctx);
}

static void
stop_loop_timer(void *ctx, int64_t now)
{
	(void)now;
	loop_stop(ctx);
}

/* Temporary: the lookups run on a loop of their own, at most 6 s, until
 * the command layer makes them on the run's loop. */
static void
wait_lookups(struct scope_sink *s)
{
	int t;

	if (!resolver_busy(s->res))
		return;
	resolver_on_idle(s->res, stop_loop, s->loop);
	if ((t = loop_timer_add(s->loop, stop_loop_timer, s->loop)) < 0)
		return;
	loop_timer_at(s->loop, t, loop_now() + 6000000);
	loop_run(s->loop);
	loop_timer_del(s->loop, t);
}

/* -r and --dnsbl: every address in the report, asked once, at the end, so
 * the records themselves stay as the packets said. */
static void
lookups(struct scope_sink *s)
{
	char err[256];
	int i, k, z;

	if (!s->dns.resolve && s->dns.nzones == 0)
		return;
	resolver_free(s->res);
	s->res = NULL;
	if (s->loop == NULL && (s->loop = loop_new()) == NULL) {
		fprintf(s->base.out, "dns: out of memory\n");
		return;
	}
	if ((s->res = resolver_new(s->loop, s->dns.server, 0, err,
	    sizeof err)) == NULL) {
		fprintf(s->base.out, "dns: %s\n", err);
		return;
	}
	for (i = 0; i < s->nd; i++) {
		const struct dest *d = &s->d[i];

		if (s->dns.resolve)
			resolver_add_ptr(s->res, &d->server);
		for (k = 0; k < d->nsrc; k++) {
			if (s->dns.resolve)
				resolver_add_ptr(s->res, &d->src[k].a);
			for (z = 0; z < s->dns.nzones; z++) {
				const struct dnsbl_result *b;
				size_t j, n = resolver_dnsbls(s->res, &b);
				int seen = 0;

				for (j = 0; j < n && !seen; j++)
					seen = addr_eq(&b[j].a, &d->src[k].a) &&
					    strcmp(b[j].zone, s->dns.zones[z]) == 0;
				if (!seen)
					resolver_add_dnsbl(s->res, &d->src[k].a,
					    s->dns.zones[z]);
			}
		}
	}
	wait_lookups(s);
}

static void
print_names(FILE *out, const struct scope_sink *s)
{
	const struct ptr_result *p;
	char a[ADDR_STRLEN];
	size_t i, n;

	if (s->res == NULL || !s->dns.resolve)
		return;
	n = resolver_ptrs(s->res, &p);
	fputs("names (PTR):\n", out);
	for (i = 0; i < n; i++)
		fprintf(out, "  %s %s%s%s\n", addr_str(&p[i].a, a),
		    p[i].name[0] ? p[i].name : "(no name: ",
		    p[i].name[0] ? "" : (p[i].status[0] ? p[i].status : "no answer"),
		    p[i].name[0] ? "" : ")");
}

static void
print_dnsbl(FILE *out, const struct scope_sink *s, const struct addr *only)
{
	const struct dnsbl_result *b;
	char a[ADDR_STRLEN];
	size_t i, n;

	if (s->res == NULL)
		return;
	n = resolver_dnsbls(s->res, &b);
	for (i = 0; i < n; i++) {
		if (only != NULL && !addr_eq(only, &b[i].a))
			continue;
		fprintf(out, "  %s ", addr_str(&b[i].a, a));
		if (b[i].listed == 1)
			fprintf(out, "LISTED in %s: %s%s%s%s\n", b[i].zone, b[i].code,
			    b[i].reason[0] ? " \"" : "", b[i].reason,
			    b[i].reason[0] ? "\"" : "");
		else if (b[i].listed == 0)
			fprintf(out, "not listed in %s\n", b[i].zone);
		else
			fprintf(out, "unknown in %s: lookup failed (%s)\n", b[i].zone,
			    b[i].status[0] ? b[i].status : "no answer");
	}
}

static void
scope_finish(struct sink *sk, const struct stats *st, int final)
{
	struct scope_sink *s = (struct scope_sink *)sk;

	(void)st;
	/* DNS only at the end: a SIGUSR1 snapshot must not hold up capture. */
	if (final)
		lookups(s);
	if (s->scope)
		print_scope(sk->out, s);
	if (s->evidence)
		print_evidence(sk->out, s);
	print_names(sk->out, s);
	if (s->res != NULL && s->dns.nzones > 0 && !s->evidence) {
		fputs("blocklists (DNSBL):\n", sk->out);
		print_dnsbl(sk->out, s, NULL);
	}
	fflush(sk->out);
}

static void
scope_free(struct sink *sk)
{
	struct scope_sink *s = (struct scope_sink *)sk;

	resolver_free(s->res);
	loop_free(s->loop);
	free(s);
}

static const struct sink_ops scope_ops = { scope_record, scope_finish, scope_free };

struct sink *
sink_scope_new(FILE *out, int scope, int evidence, const char *capture,
    const struct scope_dns *dns)
{
	struct scope_sink *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->base.ops = &scope_ops;
	s->base.out = out;
	s->scope = scope;
	s->evidence = evidence;
	s->capture = capture;
	if (dns != NULL)
		s->dns = *dns;
	return &s->base;
}

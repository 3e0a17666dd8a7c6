/*
 * --scope and --evidence as text: the operator's questions after
 * "deliveries fail".  The counting and the findings are findings/scope.h's;
 * this file only writes them, with the PTR names and blocklist answers the
 * command layer hands over (report/scope.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "findings/scope.h"
#include "report/finding.h"
#include "report/scope.h"
#include "util/timefmt.h"

struct scope_sink {
	struct sink base;
	int scope, evidence;
	const char *capture;		/* -w file beside the evidence */
	struct scope *agg;
	struct scope_finding *f;	/* one destination's, SCOPE_MAX_FINDINGS */
	const struct dns_results *dns;	/* the final report's lookups; NULL */
	FILE *json;			/* --scope --json: the findings there */
	const char *sensor;
};

static void
put_time(FILE *out, int64_t us)
{
	char t[40];

	fmt_time(t, sizeof t, us);
	fputs(t, out);
}

/* "class/reason" of a failure kind. */
static const char *
kind_str(const struct scope *agg, uint8_t id, char buf[48])
{
	const struct scope_kind *k = scope_kind(agg, id);

	snprintf(buf, 48, "%s/%s", vclass_name(k->cls), k->reason);
	return buf;
}

/* The destination's distinct failure kinds, first seen first, as many as
 * fit in about 120 characters. */
static const char *
reasons_str(const struct scope *agg, const struct scope_dest *d, char *buf,
    size_t len)
{
	char v[48];
	size_t n, used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < d->nreasons; i++) {
		n = strlen(kind_str(agg, d->reason[i], v));
		if (used + n + 3 < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used ? ", " : "", v);
	}
	return buf;
}

static void
put_dest(FILE *out, const struct scope_dest *d)
{
	char ep[ENDPOINT_STRLEN];

	fputs(endpoint_str(&d->server, d->port, ep), out);
	if (d->mx != NULL && d->mx_pref >= 0)
		fprintf(out, " (%s, MX %d of %s)", d->mx, d->mx_pref,
		    d->domain != NULL ? d->domain : "?");
	else if (d->mx != NULL)
		fprintf(out, " (%s)", d->mx);
}

/* The sources accepted every time (want_ok) or failed every time: the
 * first max of them (0: all), then how many more. */
static void
put_sources(FILE *out, const struct scope_dest *d, int want_ok, uint32_t max)
{
	char a[ADDR_STRLEN];
	uint32_t i, n = 0;

	for (i = 0; i < d->nsrc; i++) {
		const struct scope_source *s = &d->src[i];

		if (want_ok ? !scope_source_accepted(s) : !scope_source_failed(s))
			continue;
		if (max != 0 && n >= max) {
			n++;
			continue;
		}
		/* fputs, not fprintf: these lists are most of a scope
		 * report's bytes (10 of 10.3 MB on the bench file). */
		if (n++ > 0)
			fputs(", ", out);
		fputs(addr_str(&s->a, a), out);
	}
	if (n == 0)
		fputs("none", out);
	else if (max != 0 && n > max)
		fprintf(out, " and %" PRIu32 " more", n - max);
}

/* Who answered instead of the recipient: the sending host or its first
 * hop, a middlebox, or a device forging the server's RSTs. */
static void
put_answered(FILE *out, const struct scope *agg, const struct scope_finding *f)
{
	char a[ADDR_STRLEN];
	int h = f->u.answered.hops;

	if (f->kind == SF_LOCAL_BLOCK && f->u.answered.first_hop)
		fprintf(out, "local firewall or provider block, not the "
		    "recipient: %" PRIu64 " of %" PRIu64 " failures were "
		    "answered by the first hop in the server's name (%s): forged "
		    "by the first hop, not sent by the recipient\n",
		    f->u.answered.n, f->failures,
		    addr_str(&f->u.answered.by, a));
	else if (f->kind == SF_LOCAL_BLOCK)
		fprintf(out, "local firewall or provider block, not the "
		    "recipient: %" PRIu64 " of %" PRIu64 " failures were "
		    "answered by %s, %s\n", f->u.answered.n, f->failures,
		    addr_str(&f->u.answered.by, a), f->u.answered.self ?
		    "the sending host itself" :
		    "the first hop (no router between it and the sender)");
	else if (f->kind == SF_MIDDLEBOX)
		fprintf(out, "a middlebox on the path, not the recipient: "
		    "%" PRIu64 " of %" PRIu64 " failures were answered by %s, "
		    "%d hop%s away, not by the server\n", f->u.answered.n,
		    f->failures, addr_str(&f->u.answered.by, a), h,
		    h == 1 ? "" : "s");
	else
		fprintf(out, "a middlebox forging resets, not the recipient: "
		    "RSTs from the server's address came from %d hops away while "
		    "its SYN-ACKs (port %u) came from %d\n",
		    f->u.forged.rst_hops,
		    scope_dest(agg, f->u.forged.synack_dest)->port,
		    f->u.forged.synack_hops);
}

static void
put_block(FILE *out, const struct scope *agg, const struct scope_dest *d,
    const struct scope_finding *f)
{
	char r[120];

	/* The finding names a few; the destination's "sources" line above
	 * lists them all, as the window engine's text does (FINDING_MAX_SHOWN). */
	fputs("block aimed at ", out);
	put_sources(out, d, 0, FINDING_MAX_SHOWN);
	fprintf(out, ": all %" PRIu64 " of their attempts failed (%s) while ",
	    f->u.block.failed, reasons_str(agg, d, r, sizeof r));
	put_sources(out, d, 1, FINDING_MAX_SHOWN);
	fprintf(out, " %s accepted on all %" PRIu64 " attempts by the same "
	    "server and port\n", f->u.block.naccepted > 1 ? "were" : "was",
	    f->u.block.accepted);
}

static void
put_rate(FILE *out, const struct scope *agg, const struct scope_dest *d,
    const struct scope_finding *f)
{
	char a[ADDR_STRLEN], v[48];
	uint32_t k = f->u.rate.since;

	fprintf(out, "rate limiting or a new block for %s: accepted %" PRIu64
	    " time%s (the last at ", addr_str(&d->src[f->u.rate.source].a, a),
	    f->u.rate.accepted, f->u.rate.accepted == 1 ? "" : "s");
	put_time(out, f->u.rate.last_ok);
	fprintf(out, "), then %s from ", kind_str(agg, f->u.rate.first_kind, v));
	put_time(out, f->u.rate.first_ts);
	fprintf(out, " (%" PRIu32 " failure%s since)\n", k, k == 1 ? "" : "s");
}

/* What one source alone cannot tell: whether a block is aimed at it. */
static void
put_one_source(FILE *out, const struct scope_dest *d)
{
	char a[ADDR_STRLEN];

	fprintf(out, "only %s was seen; probe from another address to tell a "
	    "block aimed at you from an outage", addr_str(&d->src[0].a, a));
}

static void
put_all_failed(FILE *out, const struct scope *agg, const struct scope_dest *d,
    const struct scope_finding *f)
{
	char r[120];
	uint64_t n = f->failures;
	uint32_t k = f->u.all_failed.nsources;

	if (!scope_one_source(d)) {
		fprintf(out, "every source failed: %" PRIu64 " attempt%s from %"
		    PRIu32 " source%s, none accepted (%s): recipient outage, "
		    "closed listener, or a blanket policy\n", n, n == 1 ? "" : "s",
		    k, k == 1 ? "" : "s", reasons_str(agg, d, r, sizeof r));
		return;
	}
	fprintf(out, "every attempt failed: %" PRIu64 " attempt%s from one "
	    "source, none accepted (%s): ", n, n == 1 ? "" : "s",
	    reasons_str(agg, d, r, sizeof r));
	put_one_source(out, d);
	putc('\n', out);
}

static void
put_mx_down(FILE *out, const struct scope *agg, const struct scope_dest *d,
    const struct scope_finding *f)
{
	const struct scope_dest *o = scope_dest(agg, f->u.mx_down.other);
	char a[ADDR_STRLEN];

	fprintf(out, "one MX host down or misconfigured: %s failed all %" PRIu64
	    " attempts while ", d->mx != NULL ? d->mx : addr_str(&d->server, a),
	    f->failures);
	fprintf(out, "%s (%s) of %s accepted %" PRIu64 "\n", o->mx != NULL ?
	    o->mx : "another MX", addr_str(&o->server, a), d->domain,
	    f->u.mx_down.accepted);
}

/* One finding on a line of its own, after lead. */
static void
put_finding(FILE *out, const struct scope *agg, const struct scope_finding *f,
    const char *lead)
{
	const struct scope_dest *d = scope_dest(agg, f->dest);

	fputs(lead, out);
	switch (f->kind) {
	case SF_LOCAL_BLOCK: case SF_MIDDLEBOX: case SF_FORGED_RESET:
		put_answered(out, agg, f);
		break;
	case SF_SOURCE_BLOCK:
		put_block(out, agg, d, f);
		break;
	case SF_RATE_LIMIT:
		put_rate(out, agg, d, f);
		break;
	case SF_ALL_FAILED:
		put_all_failed(out, agg, d, f);
		break;
	case SF_MX_DOWN:
		put_mx_down(out, agg, d, f);
		break;
	case SF_NO_FAILURE:
		fprintf(out, "no failure: %" PRIu64 " accepted\n",
		    f->u.no_failure.accepted);
		break;
	}
}

/* What the MTA's log says of the finding's server, on a line of its own. */
static void
put_log(FILE *out, struct scope *agg, const struct scope_finding *f,
    const char *lead)
{
	struct finding v;
	char words[512];

	/* The view is a walk over the destination's sources: not for
	 * nothing (read --scope of a 1,000,000-packet bench mix: 2% of its
	 * instructions). */
	if (!scope_has_log(agg))
		return;
	scope_finding_view(agg, f, &v);
	finding_log_words(&v, words, sizeof words);
	if (words[0] != '\0')
		fprintf(out, "%slog: %s\n", lead, words);
}

static void
put_dest_head(FILE *out, const struct scope_dest *d)
{
	int c;

	fputs("  ", out);
	put_dest(out, d);
	fputs("\n    attempts:", out);
	for (c = 0; c < VC_COUNT; c++)
		if (d->n[c])
			fprintf(out, " %s %" PRIu64, vclass_name(c), d->n[c]);
	fputs("\n    sources accepted: ", out);
	put_sources(out, d, 1, 0);
	fputs("; failed: ", out);
	put_sources(out, d, 0, 0);
	if (d->other_sources)
		fprintf(out, "; %" PRIu64 " attempts from further sources not "
		    "listed", d->other_sources);
	fputs("\n    last accepted: ", out);
	if (d->last_ok == SCOPE_NONE)
		fputs("never", out);
	else
		put_time(out, d->last_ok);
	fputs("; first failure: ", out);
	if (d->fail.first == SCOPE_NONE)
		fputs("none", out);
	else
		put_time(out, d->fail.first);
	putc('\n', out);
}

static void
print_scope(FILE *out, const struct scope_sink *s)
{
	struct scope *agg = s->agg;
	uint32_t i;
	int k, n;

	fputs("scope:\n", out);
	for (i = 0; i < scope_ndests(agg); i++) {
		put_dest_head(out, scope_dest(agg, i));
		n = scope_findings(agg, i, s->f);
		for (k = 0; k < n; k++) {
			put_finding(out, agg, &s->f[k], "    finding: ");
			put_log(out, agg, &s->f[k], "      ");
		}
	}
	if (scope_other_dests(agg))
		fprintf(out, "  (%" PRIu64 " attempts to further destinations not "
		    "listed)\n", scope_other_dests(agg));
	if (scope_fails_not_kept(agg))
		fprintf(out, "  (%" PRIu64 " failures not kept for the rate "
		    "limiting findings: their counts may be short)\n",
		    scope_fails_not_kept(agg));
}

/* --scope with --json: each finding a JSON line (report/finding.h); what
 * the budget left out, said on the report's stream. */
static void
print_scope_json(FILE *out, const struct scope_sink *s)
{
	struct scope *agg = s->agg;
	struct finding v;
	uint32_t i;
	int k, n;

	for (i = 0; i < scope_ndests(agg); i++) {
		n = scope_findings(agg, i, s->f);
		for (k = 0; k < n; k++) {
			scope_finding_view(agg, &s->f[k], &v);
			finding_write_json(s->json, &v, s->sensor);
		}
	}
	if (scope_other_dests(agg))
		fprintf(out, "scope: %" PRIu64 " attempts to further destinations "
		    "not listed\n", scope_other_dests(agg));
	if (scope_fails_not_kept(agg))
		fprintf(out, "scope: %" PRIu64 " failures not kept for the rate "
		    "limiting findings: their counts may be short\n",
		    scope_fails_not_kept(agg));
	fflush(s->json);
}

/* The PTR name of a, when -r found one. */
static const char *
name_of(const struct dns_results *dns, const struct addr *a)
{
	size_t i;

	for (i = 0; dns != NULL && i < dns->nnames; i++)
		if (addr_eq(&dns->names[i].a, a) && dns->names[i].name[0])
			return dns->names[i].name;
	return NULL;
}

static void
print_dnsbl(FILE *out, const struct dns_results *dns, const struct addr *only)
{
	char a[ADDR_STRLEN];
	size_t i;

	for (i = 0; dns->error == NULL && i < dns->nlists; i++) {
		const struct dns_listing *b = &dns->lists[i];

		if (only != NULL && !addr_eq(only, &b->a))
			continue;
		fprintf(out, "  %s ", addr_str(&b->a, a));
		if (b->listed == 1)
			fprintf(out, "LISTED in %s: %s%s%s%s\n", b->zone, b->code,
			    b->reason[0] ? " \"" : "", b->reason,
			    b->reason[0] ? "\"" : "");
		else if (b->listed == 0)
			fprintf(out, "not listed in %s\n", b->zone);
		else
			fprintf(out, "unknown in %s: lookup failed (%s)\n", b->zone,
			    b->status[0] ? b->status : "no answer");
	}
}

static void
put_sample(FILE *out, const struct scope *agg, const struct scope_dest *d,
    const struct scope_sample *sm)
{
	char a[ADDR_STRLEN], ep[ENDPOINT_STRLEN], v[48];

	fputs("  Sample: ", out);
	put_time(out, sm->ts);
	fprintf(out, " %s -> ", endpoint_str(&sm->client, sm->client_port, ep));
	put_dest(out, d);
	fprintf(out, " %s", kind_str(agg, sm->kind, v));
	if (sm->icmp_type >= 0)
		fprintf(out, " (ICMP%s %d/%d from %s",
		    sm->responder.family == 6 ? "v6" : "", sm->icmp_type,
		    sm->icmp_code, addr_str(&sm->responder, a));
	else if (sm->responder.family)
		fprintf(out, " (TCP RST from %s", addr_str(&sm->responder, a));
	else
		fputs(" (no answer to any SYN", out);
	fputs(sm->first_hop ? ", made by the first hop)\n" : ")\n", out);
}

/* The sending side of one destination's evidence: who failed, and what
 * DNS says of them. */
static void
put_senders(FILE *out, const struct scope_sink *s, const struct scope_dest *d)
{
	char a[ADDR_STRLEN];
	uint32_t k;
	const char *nm;

	fputs("  Other senders accepted in the same window: ", out);
	put_sources(out, d, 1, 0);
	putc('\n', out);
	for (k = 0; k < d->nsrc; k++) {
		if (scope_source_failures(&d->src[k]) == 0)
			continue;
		if ((nm = name_of(s->dns, &d->src[k].a)) != NULL)
			fprintf(out, "  Sender %s has PTR %s\n",
			    addr_str(&d->src[k].a, a), nm);
		if (s->dns != NULL && s->dns->lists_asked) {
			fputs("  Blocklists:\n", out);
			print_dnsbl(out, s->dns, &d->src[k].a);
		}
	}
}

/* Whom a finding that is not the recipient's doing goes to instead;
 * only: the block rests on no other finding. */
static void
put_not_recipient(FILE *out, const struct scope_finding *f, bool only)
{
	char a[ADDR_STRLEN];
	int h = f->u.answered.hops;

	fprintf(out, "  Not the recipient's doing: %s; take it to ", only ?
	    "do not send this to them as an unblock request" :
	    "leave this finding out of an unblock request to them");
	if (f->kind == SF_LOCAL_BLOCK && f->u.answered.self)
		fprintf(out, "whoever runs the firewall of the sending host %s\n",
		    addr_str(&f->u.answered.by, a));
	else if (f->kind == SF_LOCAL_BLOCK && f->u.answered.first_hop)
		fputs("your network team or provider, who run the first hop "
		    "(your gateway), which answers in the server's name\n", out);
	else if (f->kind == SF_LOCAL_BLOCK)
		fprintf(out, "your network team or provider, who run the first "
		    "hop %s\n", addr_str(&f->u.answered.by, a));
	else if (f->kind == SF_MIDDLEBOX)
		fprintf(out, "your network team or provider, to find who runs %s "
		    "(%d hop%s away)\n", addr_str(&f->u.answered.by, a), h,
		    h == 1 ? "" : "s");
	else
		fputs("your network team or provider, to find the device on the "
		    "path that answers in the server's name\n", out);
}

/* The findings a destination's block rests on, and what they mean for an
 * unblock request. */
static void
put_grounds(FILE *out, const struct scope_sink *s, uint32_t i)
{
	const struct scope_dest *d = scope_dest(s->agg, i);
	struct finding v;
	bool said = false;
	int k, away = 0, n = scope_findings(s->agg, i, s->f);

	for (k = 0; k < n; k++) {
		scope_finding_view(s->agg, &s->f[k], &v);
		away += v.not_recipient;
	}
	for (k = 0; k < n; k++) {
		put_finding(out, s->agg, &s->f[k], "  Finding: ");
		put_log(out, s->agg, &s->f[k], "    ");
		scope_finding_view(s->agg, &s->f[k], &v);
		if (v.not_recipient)
			put_not_recipient(out, &s->f[k], away == n);
		said = said || (v.one_source && v.kind == FK_ALL_FAILED);
	}
	if (n == 0)
		fputs("  Finding: none: the failures are mixed with acceptances, "
		    "neither aimed at some sources nor after a last success\n",
		    out);
	if (scope_one_source(d) && away == 0 && !said) {
		fputs("  Sources: ", out);
		put_one_source(out, d);
		putc('\n', out);
	}
}

/* One destination's block for an unblock request. */
static void
put_evidence(FILE *out, const struct scope_sink *s, uint32_t i)
{
	const struct scope_dest *d = scope_dest(s->agg, i);
	char a[ADDR_STRLEN], r[120];
	uint64_t f = scope_failures(d->n);
	uint32_t k;
	const char *sep = "";

	put_grounds(out, s, i);
	fputs("  Sending addresses with failures:", out);
	for (k = 0; k < d->nsrc; k++)
		if (scope_source_failures(&d->src[k])) {
			fprintf(out, "%s %s", sep, addr_str(&d->src[k].a, a));
			sep = ",";
		}
	fputs("\n  Destination: ", out);
	put_dest(out, d);
	if (name_of(s->dns, &d->server) != NULL)
		fprintf(out, " [PTR %s]", name_of(s->dns, &d->server));
	fprintf(out, "\n  Window (%s): ", timefmt_zone_name());
	put_time(out, d->first_ts);
	fputs(" to ", out);
	put_time(out, d->last_ts);
	fprintf(out, "\n  Results: %" PRIu64 " of %" PRIu64 " attempts failed "
	    "(%s); %" PRIu64 " accepted\n", f, f + d->n[VC_ACCEPTED] +
	    d->n[VC_UNRESOLVED], reasons_str(s->agg, d, r, sizeof r),
	    d->n[VC_ACCEPTED]);
	for (k = 0; k < d->nsamples; k++)
		put_sample(out, s->agg, d, &d->sample[k]);
	put_senders(out, s, d);
	putc('\n', out);
}

/* The block for an unblock request: plain text a postmaster reads in a
 * minute.  One per destination that failed. */
static void
print_evidence(FILE *out, const struct scope_sink *s)
{
	uint32_t i;

	fprintf(out, "evidence (for an unblock request; times in %s):\n",
	    timefmt_zone_name());
	if (s->capture != NULL)
		fprintf(out, "  Packet capture: %s\n", s->capture);
	for (i = 0; i < scope_ndests(s->agg); i++)
		if (scope_failures(scope_dest(s->agg, i)->n) > 0)
			put_evidence(out, s, i);
}

static void
print_names(FILE *out, const struct dns_results *dns)
{
	char a[ADDR_STRLEN];
	size_t i;

	fputs("names (PTR):\n", out);
	for (i = 0; i < dns->nnames; i++) {
		const struct dns_name *p = &dns->names[i];

		fprintf(out, "  %s %s%s%s\n", addr_str(&p->a, a),
		    p->name[0] ? p->name : "(no name: ",
		    p->name[0] ? "" : (p->status[0] ? p->status : "no answer"),
		    p->name[0] ? "" : ")");
	}
}

static void
scope_record(struct sink *sk, const struct record *r)
{
	struct scope_sink *s = (struct scope_sink *)sk;

	if (s->agg != NULL)
		scope_add(s->agg, r);
}

static void
scope_finish(struct sink *sk, const struct stats *st, int final)
{
	struct scope_sink *s = (struct scope_sink *)sk;
	const struct dns_results *dns = final ? s->dns : NULL;

	(void)st;
	if (dns != NULL && dns->error != NULL)
		fprintf(sk->out, "dns: %s\n", dns->error);
	if (s->scope && s->json != NULL)
		print_scope_json(sk->out, s);
	else if (s->scope)
		print_scope(sk->out, s);
	if (s->evidence)
		print_evidence(sk->out, s);
	if (dns != NULL && dns->error == NULL && dns->names_asked)
		print_names(sk->out, dns);
	if (dns != NULL && dns->error == NULL && dns->lists_asked &&
	    !s->evidence) {
		fputs("blocklists (DNSBL):\n", sk->out);
		print_dnsbl(sk->out, dns, NULL);
	}
	fflush(sk->out);
}

static void
scope_free_sink(struct sink *sk)
{
	struct scope_sink *s = (struct scope_sink *)sk;

	scope_free(s->agg);
	free(s->f);
	free(s);
}

static const struct sink_ops scope_ops = {
	.record = scope_record,
	.finish = scope_finish,
	.free = scope_free_sink,
};

struct sink *
sink_scope_new(FILE *out, int scope, int evidence, const char *capture)
{
	struct scope_sink *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	/* The seed only keys the hash tables; the report's order is the
	 * records'. */
	s->agg = scope_new((uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)s);
	s->f = calloc(SCOPE_MAX_FINDINGS, sizeof *s->f);
	if (s->agg == NULL || s->f == NULL) {
		scope_free(s->agg);
		free(s->f);
		free(s);
		return NULL;
	}
	s->base.ops = &scope_ops;
	s->base.out = out;
	s->scope = scope;
	s->evidence = evidence;
	s->capture = capture;
	return &s->base;
}

int
sink_scope_wanted(struct sink *sk,
    void (*fn)(void *ctx, const struct addr *a, bool source), void *ctx)
{
	return scope_addresses(((struct scope_sink *)sk)->agg, fn, ctx);
}

void
sink_scope_json(struct sink *sk, FILE *out, const char *sensor)
{
	((struct scope_sink *)sk)->json = out;
	((struct scope_sink *)sk)->sensor = sensor;
}

void
sink_scope_log(struct sink *sk, const struct ml_event *e)
{
	scope_add_log(((struct scope_sink *)sk)->agg, e);
}

void
sink_scope_set_dns(struct sink *sk, const struct dns_results *r)
{
	((struct scope_sink *)sk)->dns = r;
}

struct scope *
sink_scope_aggregate(struct sink *sk)
{
	return ((struct scope_sink *)sk)->agg;
}

void
sink_scope_write_evidence(struct sink *sk, FILE *out, uint32_t i)
{
	put_evidence(out, (struct scope_sink *)sk, i);
}

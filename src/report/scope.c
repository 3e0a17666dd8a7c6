/*
 * --scope and --evidence as text: the operator's questions after
 * "deliveries fail".  The counting and the findings are findings/scope.h's;
 * this file only writes them, with the PTR names and blocklist answers the
 * command layer hands over (report/scope.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "findings/scope.h"
#include "report/finding.h"
#include "report/linebuf.h"
#include "report/scope.h"
#include "util/addr.h"
#include "util/digits.h"
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

/*
 * The text goes out through a buffer of the report's own, and what is
 * written per source or per finding (address lists, rate limits, the
 * destinations' heads) piece by piece, not through printf: stdio's cost
 * per call was most of the report's (read --scope of the bench file, 8 MB
 * of report: 123M instructions fewer, 1.7% of the run).  The rest keeps
 * its format strings (wprintf).
 */
struct wr {
	struct line l;			/* report/linebuf.h */
	char *p;			/* the end of what l holds */
	const struct scope *agg;
	char kind[SCOPE_KIND_SLOTS + 1][48];	/* kind_str's; "": not yet */
};

static void
wr_init(struct wr *w, FILE *f, const struct scope *agg)
{
	w->l.out = f;
	w->p = w->l.buf;
	w->agg = agg;
	memset(w->kind, 0, sizeof w->kind);
}

static void
wflush(struct wr *w)
{
	line_end(&w->l, w->p);
	w->p = w->l.buf;
}

static void
wmem(struct wr *w, const char *p, size_t n)
{
	w->p = line_add(&w->l, w->p, p, n);
}

static void
wstr(struct wr *w, const char *s)
{
	wmem(w, s, strlen(s));
}

/* A literal: its length a constant. */
#define WLIT(w, lit) wmem(w, lit, sizeof lit - 1)

static void
wch(struct wr *w, char c)
{
	wmem(w, &c, 1);
}

/* As printf's %PRIu64. */
static void
wnum(struct wr *w, uint64_t v)
{
	char t[DIGITS_MAX];

	wmem(w, t, (size_t)(put_u64(t, v) - t));
}

/* As printf's %d. */
static void
wint(struct wr *w, int v)
{
	char t[DIGITS_MAX + 1];

	wmem(w, t, (size_t)(put_i64(t, v) - t));
}

/* "s" after a count other than 1. */
static void
wplural(struct wr *w, uint64_t n)
{
	if (n != 1)
		wch(w, 's');
}

static void
wprintf(struct wr *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
wprintf(struct wr *w, const char *fmt, ...)
{
	va_list ap;
	size_t room = (size_t)(w->l.buf + sizeof w->l.buf - w->p);
	int n;

	va_start(ap, fmt);
	n = vsnprintf(w->p, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < room) {
		w->p += n;
		return;
	}
	wflush(w);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof w->l.buf)
		w->p += vsnprintf(w->p, sizeof w->l.buf, fmt, ap);
	else if (n >= 0)
		vfprintf(w->l.out, fmt, ap);
	va_end(ap);
}

static void
waddr(struct wr *w, const struct addr *a)
{
	char t[ADDR_STRLEN];

	wmem(w, t, (size_t)(addr_put(t, a) - t));
}

static void
put_time(struct wr *w, int64_t us)
{
	char t[TIMEFMT_MAX];

	wmem(w, t, (size_t)(timefmt_put(t, us) - t));
}

/* "class/reason" of a failure kind, made once a report (every id past
 * the slots is the same unknown kind). */
static const char *
kind_str(struct wr *w, uint8_t id)
{
	const struct scope_kind *k = scope_kind(w->agg, id);
	char *v = w->kind[id < SCOPE_KIND_SLOTS ? id : SCOPE_KIND_SLOTS];

	if (v[0] == '\0')
		snprintf(v, 48, "%s/%s", vclass_name(k->cls), k->reason);
	return v;
}

/* The destination's distinct failure kinds, first seen first, as many as
 * fit in 119 characters. */
static void
put_reasons(struct wr *w, const struct scope_dest *d)
{
	const char *v;
	size_t n, used = 0;
	int i;

	for (i = 0; i < d->nreasons; i++) {
		n = strlen(v = kind_str(w, d->reason[i]));
		if (used + n + 3 >= 120)
			continue;
		if (used > 0) {
			WLIT(w, ", ");
			used += 2;
		}
		wmem(w, v, n);
		used += n;
	}
}

/* As endpoint_str(), without its snprintf: once a destination (read
 * --scope of a capture with one destination per attempt: 6% fewer
 * instructions). */
static void
put_endpoint(struct wr *w, const struct addr *a, uint16_t port)
{
	char t[ENDPOINT_STRLEN];

	wmem(w, t, (size_t)(endpoint_put(t, a, port) - t));
}

static void
put_dest(struct wr *w, const struct scope_dest *d)
{
	put_endpoint(w, &d->server, d->port);
	if (d->mx == NULL)
		return;
	WLIT(w, " (");
	wstr(w, d->mx);
	if (d->mx_pref >= 0) {
		WLIT(w, ", MX ");
		wint(w, d->mx_pref);
		WLIT(w, " of ");
		wstr(w, d->domain != NULL ? d->domain : "?");
	}
	wch(w, ')');
}

/* The sources accepted every time (want_ok) or failed every time: the
 * first max of them (0: all), then how many more. */
static void
put_sources(struct wr *w, const struct scope_dest *d, int want_ok,
    uint32_t max)
{
	uint32_t i, n = 0;

	for (i = 0; i < d->nsrc; i++) {
		const struct scope_source *s = &d->src[i];

		if (want_ok ? !scope_source_accepted(s) : !scope_source_failed(s))
			continue;
		if (max != 0 && n >= max) {
			n++;
			continue;
		}
		if (n++ > 0)
			wmem(w, ", ", 2);
		waddr(w, scope_source_addr(w->agg, s));
	}
	if (n == 0)
		wstr(w, "none");
	else if (max != 0 && n > max) {
		WLIT(w, " and ");
		wnum(w, n - max);
		WLIT(w, " more");
	}
}

/* "N of M failures were answered by ". */
static void
put_answered_count(struct wr *w, const struct scope_finding *f)
{
	wnum(w, f->u.answered.n);
	WLIT(w, " of ");
	wnum(w, f->failures);
	WLIT(w, " failures were answered by ");
}

/* Who answered instead of the recipient: the sending host or its first
 * hop, a middlebox, or a device forging the server's RSTs. */
static void
put_answered(struct wr *w, const struct scope_finding *f)
{
	int h = f->u.answered.hops;

	if (f->kind == SF_LOCAL_BLOCK) {
		WLIT(w, "local firewall or provider block, not the "
		    "recipient: ");
		put_answered_count(w, f);
		if (f->u.answered.first_hop) {
			WLIT(w, "the first hop in the server's name (");
			waddr(w, &f->u.answered.by);
			WLIT(w, "): forged by the first hop, not sent by the "
			    "recipient\n");
			return;
		}
		waddr(w, &f->u.answered.by);
		if (f->u.answered.self)
			WLIT(w, ", the sending host itself\n");
		else
			WLIT(w, ", the first hop (no router between it and "
			    "the sender)\n");
	} else if (f->kind == SF_MIDDLEBOX) {
		WLIT(w, "a middlebox on the path, not the recipient: ");
		put_answered_count(w, f);
		waddr(w, &f->u.answered.by);
		WLIT(w, ", ");
		wint(w, h);
		WLIT(w, " hop");
		wplural(w, (uint64_t)h);
		WLIT(w, " away, not by the server\n");
	} else {
		WLIT(w, "a middlebox forging resets, not the recipient: "
		    "RSTs from the server's address came from ");
		wint(w, f->u.forged.rst_hops);
		WLIT(w, " hops away while its SYN-ACKs (port ");
		wnum(w, scope_dest(w->agg, f->u.forged.synack_dest)->port);
		WLIT(w, ") came from ");
		wint(w, f->u.forged.synack_hops);
		wch(w, '\n');
	}
}

static void
put_block(struct wr *w, const struct scope_dest *d,
    const struct scope_finding *f)
{
	/* The finding names a few; the destination's "sources" line above
	 * lists them all, as the window engine's text does (FINDING_MAX_SHOWN). */
	WLIT(w, "block aimed at ");
	put_sources(w, d, 0, FINDING_MAX_SHOWN);
	WLIT(w, ": all ");
	wnum(w, f->u.block.failed);
	WLIT(w, " of their attempts failed (");
	put_reasons(w, d);
	WLIT(w, ") while ");
	put_sources(w, d, 1, FINDING_MAX_SHOWN);
	if (f->u.block.naccepted > 1)
		WLIT(w, " were");
	else
		WLIT(w, " was");
	WLIT(w, " accepted on all ");
	wnum(w, f->u.block.accepted);
	WLIT(w, " attempts by the same server and port\n");
}

/* Piece by piece: most findings of a busy capture are these. */
static void
put_rate(struct wr *w, const struct scope_dest *d,
    const struct scope_finding *f)
{
	uint32_t k = f->u.rate.since;

	WLIT(w, "rate limiting or a new block for ");
	waddr(w, scope_source_addr(w->agg, &d->src[f->u.rate.source]));
	WLIT(w, ": accepted ");
	wnum(w, f->u.rate.accepted);
	if (f->u.rate.accepted == 1)
		WLIT(w, " time (the last at ");
	else
		WLIT(w, " times (the last at ");
	put_time(w, f->u.rate.last_ok);
	WLIT(w, "), then ");
	wstr(w, kind_str(w, f->u.rate.first_kind));
	WLIT(w, " from ");
	put_time(w, f->u.rate.first_ts);
	WLIT(w, " (");
	wnum(w, k);
	if (k == 1)
		WLIT(w, " failure since)\n");
	else
		WLIT(w, " failures since)\n");
}

/* What one source alone cannot tell: whether a block is aimed at it. */
static void
put_one_source(struct wr *w, const struct scope_dest *d)
{
	WLIT(w, "only ");
	waddr(w, scope_source_addr(w->agg, &d->src[0]));
	WLIT(w, " was seen; probe from another address to tell a block aimed "
	    "at you from an outage");
}

static void
put_all_failed(struct wr *w, const struct scope_dest *d,
    const struct scope_finding *f)
{
	uint64_t n = f->failures;
	uint32_t k = f->u.all_failed.nsources;

	if (!scope_one_source(d)) {
		WLIT(w, "every source failed: ");
		wnum(w, n);
		WLIT(w, " attempt");
		wplural(w, n);
		WLIT(w, " from ");
		wnum(w, k);
		WLIT(w, " source");
		wplural(w, k);
		WLIT(w, ", none accepted (");
		put_reasons(w, d);
		WLIT(w, "): recipient outage, closed listener, or a blanket "
		    "policy\n");
		return;
	}
	WLIT(w, "every attempt failed: ");
	wnum(w, n);
	WLIT(w, " attempt");
	wplural(w, n);
	WLIT(w, " from one source, none accepted (");
	put_reasons(w, d);
	WLIT(w, "): ");
	put_one_source(w, d);
	wch(w, '\n');
}

static void
put_mx_down(struct wr *w, const struct scope_dest *d,
    const struct scope_finding *f)
{
	const struct scope_dest *o = scope_dest(w->agg, f->u.mx_down.other);

	WLIT(w, "one MX host down or misconfigured: ");
	if (d->mx != NULL)
		wstr(w, d->mx);
	else
		waddr(w, &d->server);
	WLIT(w, " failed all ");
	wnum(w, f->failures);
	WLIT(w, " attempts while ");
	wstr(w, o->mx != NULL ? o->mx : "another MX");
	WLIT(w, " (");
	waddr(w, &o->server);
	WLIT(w, ") of ");
	wstr(w, d->domain);
	WLIT(w, " accepted ");
	wnum(w, f->u.mx_down.accepted);
	wch(w, '\n');
}

/* One finding on a line of its own, after lead. */
static void
put_finding(struct wr *w, const struct scope_finding *f, const char *lead)
{
	const struct scope_dest *d = scope_dest(w->agg, f->dest);

	wstr(w, lead);
	switch (f->kind) {
	case SF_LOCAL_BLOCK: case SF_MIDDLEBOX: case SF_FORGED_RESET:
		put_answered(w, f);
		break;
	case SF_SOURCE_BLOCK:
		put_block(w, d, f);
		break;
	case SF_RATE_LIMIT:
		put_rate(w, d, f);
		break;
	case SF_ALL_FAILED:
		put_all_failed(w, d, f);
		break;
	case SF_MX_DOWN:
		put_mx_down(w, d, f);
		break;
	case SF_NO_FAILURE:
		WLIT(w, "no failure: ");
		wnum(w, f->u.no_failure.accepted);
		WLIT(w, " accepted\n");
		break;
	}
}

/* What the MTA's log says of the finding's server, on a line of its own. */
static void
put_log(struct wr *w, struct scope *agg, const struct scope_finding *f,
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
		wprintf(w, "%slog: %s\n", lead, words);
}

static void
put_dest_head(struct wr *w, const struct scope_dest *d)
{
	int c;

	wstr(w, "  ");
	put_dest(w, d);
	wstr(w, "\n    attempts:");
	for (c = 0; c < VC_COUNT; c++)
		if (d->n[c]) {
			wch(w, ' ');
			wstr(w, vclass_name(c));
			wch(w, ' ');
			wnum(w, d->n[c]);
		}
	wstr(w, "\n    sources accepted: ");
	put_sources(w, d, 1, 0);
	wstr(w, "; failed: ");
	put_sources(w, d, 0, 0);
	if (d->other_sources) {
		WLIT(w, "; ");
		wnum(w, d->other_sources);
		WLIT(w, " attempts from further sources not listed");
	}
	wstr(w, "\n    last accepted: ");
	if (d->last_ok == SCOPE_NONE)
		wstr(w, "never");
	else
		put_time(w, d->last_ok);
	wstr(w, "; first failure: ");
	if (d->fail.first == SCOPE_NONE)
		wstr(w, "none");
	else
		put_time(w, d->fail.first);
	wch(w, '\n');
}

static void
print_scope(struct wr *w, const struct scope_sink *s)
{
	struct scope *agg = s->agg;
	uint32_t i;
	int k, n;

	wstr(w, "scope:\n");
	for (i = 0; i < scope_ndests(agg); i++) {
		put_dest_head(w, scope_dest(agg, i));
		n = scope_findings(agg, i, s->f);
		for (k = 0; k < n; k++) {
			put_finding(w, &s->f[k], "    finding: ");
			put_log(w, agg, &s->f[k], "      ");
		}
	}
	if (scope_other_dests(agg))
		wprintf(w, "  (%" PRIu64 " attempts to further destinations not "
		    "listed)\n", scope_other_dests(agg));
	if (scope_fails_not_kept(agg))
		wprintf(w, "  (%" PRIu64 " failures not kept for the rate "
		    "limiting findings: their counts may be short)\n",
		    scope_fails_not_kept(agg));
}

/* --scope with --json: each finding a JSON line (report/finding.h); what
 * the budget left out, said on the report's stream. */
static void
print_scope_json(struct wr *w, const struct scope_sink *s)
{
	struct scope *agg = s->agg;
	struct finding v;
	uint32_t i;
	int k, n;

	wflush(w);		/* before the findings, when s->json is w's */
	for (i = 0; i < scope_ndests(agg); i++) {
		n = scope_findings(agg, i, s->f);
		for (k = 0; k < n; k++) {
			scope_finding_view(agg, &s->f[k], &v);
			finding_write_json(s->json, &v, s->sensor);
		}
	}
	if (scope_other_dests(agg))
		wprintf(w, "scope: %" PRIu64 " attempts to further destinations "
		    "not listed\n", scope_other_dests(agg));
	if (scope_fails_not_kept(agg))
		wprintf(w, "scope: %" PRIu64 " failures not kept for the rate "
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
print_dnsbl(struct wr *w, const struct dns_results *dns,
    const struct addr *only)
{
	char a[ADDR_STRLEN];
	size_t i;

	for (i = 0; dns->error == NULL && i < dns->nlists; i++) {
		const struct dns_listing *b = &dns->lists[i];

		if (only != NULL && !addr_eq(only, &b->a))
			continue;
		wprintf(w, "  %s ", addr_str(&b->a, a));
		if (b->listed == 1)
			wprintf(w, "LISTED in %s: %s%s%s%s\n", b->zone, b->code,
			    b->reason[0] ? " \"" : "", b->reason,
			    b->reason[0] ? "\"" : "");
		else if (b->listed == 0)
			wprintf(w, "not listed in %s\n", b->zone);
		else
			wprintf(w, "unknown in %s: lookup failed (%s)\n", b->zone,
			    b->status[0] ? b->status : "no answer");
	}
}

static void
put_sample(struct wr *w, const struct scope_dest *d,
    const struct scope_sample *sm)
{
	char a[ADDR_STRLEN], ep[ENDPOINT_STRLEN];

	wstr(w, "  Sample: ");
	put_time(w, sm->ts);
	wprintf(w, " %s -> ", endpoint_str(&sm->client, sm->client_port, ep));
	put_dest(w, d);
	wprintf(w, " %s", kind_str(w, sm->kind));
	if (sm->icmp_type >= 0)
		wprintf(w, " (ICMP%s %d/%d from %s",
		    sm->responder.family == 6 ? "v6" : "", sm->icmp_type,
		    sm->icmp_code, addr_str(&sm->responder, a));
	else if (sm->responder.family)
		wprintf(w, " (TCP RST from %s", addr_str(&sm->responder, a));
	else
		wstr(w, " (no answer to any SYN");
	wstr(w, sm->first_hop ? ", made by the first hop)\n" : ")\n");
}

/* The sending side of one destination's evidence: who failed, and what
 * DNS says of them. */
static void
put_senders(struct wr *w, const struct scope_sink *s,
    const struct scope_dest *d)
{
	char a[ADDR_STRLEN];
	uint32_t k;
	const struct addr *sa;
	const char *nm;

	wstr(w, "  Other senders accepted in the same window: ");
	put_sources(w, d, 1, 0);
	wch(w, '\n');
	for (k = 0; k < d->nsrc; k++) {
		if (scope_source_failures(&d->src[k]) == 0)
			continue;
		sa = scope_source_addr(s->agg, &d->src[k]);
		if ((nm = name_of(s->dns, sa)) != NULL)
			wprintf(w, "  Sender %s has PTR %s\n", addr_str(sa, a),
			    nm);
		if (s->dns != NULL && s->dns->lists_asked) {
			wstr(w, "  Blocklists:\n");
			print_dnsbl(w, s->dns, sa);
		}
	}
}

/* Whom a finding that is not the recipient's doing goes to instead;
 * only: the block rests on no other finding. */
static void
put_not_recipient(struct wr *w, const struct scope_finding *f, bool only)
{
	char a[ADDR_STRLEN];
	int h = f->u.answered.hops;

	wprintf(w, "  Not the recipient's doing: %s; take it to ", only ?
	    "do not send this to them as an unblock request" :
	    "leave this finding out of an unblock request to them");
	if (f->kind == SF_LOCAL_BLOCK && f->u.answered.self)
		wprintf(w, "whoever runs the firewall of the sending host %s\n",
		    addr_str(&f->u.answered.by, a));
	else if (f->kind == SF_LOCAL_BLOCK && f->u.answered.first_hop)
		wstr(w, "your network team or provider, who run the first hop "
		    "(your gateway), which answers in the server's name\n");
	else if (f->kind == SF_LOCAL_BLOCK)
		wprintf(w, "your network team or provider, who run the first "
		    "hop %s\n", addr_str(&f->u.answered.by, a));
	else if (f->kind == SF_MIDDLEBOX)
		wprintf(w, "your network team or provider, to find who runs %s "
		    "(%d hop%s away)\n", addr_str(&f->u.answered.by, a), h,
		    h == 1 ? "" : "s");
	else
		wstr(w, "your network team or provider, to find the device on "
		    "the path that answers in the server's name\n");
}

/* The findings a destination's block rests on, and what they mean for an
 * unblock request. */
static void
put_grounds(struct wr *w, const struct scope_sink *s, uint32_t i)
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
		put_finding(w, &s->f[k], "  Finding: ");
		put_log(w, s->agg, &s->f[k], "    ");
		scope_finding_view(s->agg, &s->f[k], &v);
		if (v.not_recipient)
			put_not_recipient(w, &s->f[k], away == n);
		said = said || (v.one_source && v.kind == FK_ALL_FAILED);
	}
	if (n == 0)
		wstr(w, "  Finding: none: the failures are mixed with "
		    "acceptances, neither aimed at some sources nor after a last "
		    "success\n");
	if (scope_one_source(d) && away == 0 && !said) {
		wstr(w, "  Sources: ");
		put_one_source(w, d);
		wch(w, '\n');
	}
}

/* One destination's block for an unblock request. */
static void
put_evidence(struct wr *w, const struct scope_sink *s, uint32_t i)
{
	const struct scope_dest *d = scope_dest(s->agg, i);
	char a[ADDR_STRLEN];
	uint64_t f = scope_failures(d->n);
	uint32_t k;
	const char *sep = "";

	put_grounds(w, s, i);
	wstr(w, "  Sending addresses with failures:");
	for (k = 0; k < d->nsrc; k++)
		if (scope_source_failures(&d->src[k])) {
			wprintf(w, "%s %s", sep,
			    addr_str(scope_source_addr(s->agg, &d->src[k]), a));
			sep = ",";
		}
	wstr(w, "\n  Destination: ");
	put_dest(w, d);
	if (name_of(s->dns, &d->server) != NULL)
		wprintf(w, " [PTR %s]", name_of(s->dns, &d->server));
	wprintf(w, "\n  Window (%s): ", timefmt_zone_name());
	put_time(w, d->first_ts);
	wstr(w, " to ");
	put_time(w, d->last_ts);
	WLIT(w, "\n  Results: ");
	wnum(w, f);
	WLIT(w, " of ");
	wnum(w, f + d->n[VC_ACCEPTED] + d->n[VC_UNRESOLVED]);
	WLIT(w, " attempts failed (");
	put_reasons(w, d);
	WLIT(w, "); ");
	wnum(w, d->n[VC_ACCEPTED]);
	WLIT(w, " accepted\n");
	for (k = 0; k < d->nsamples; k++)
		put_sample(w, d, &d->sample[k]);
	put_senders(w, s, d);
	wch(w, '\n');
}

/* The block for an unblock request: plain text a postmaster reads in a
 * minute.  One per destination that failed. */
static void
print_evidence(struct wr *w, const struct scope_sink *s)
{
	uint32_t i;

	wprintf(w, "evidence (for an unblock request; times in %s):\n",
	    timefmt_zone_name());
	if (s->capture != NULL)
		wprintf(w, "  Packet capture: %s\n", s->capture);
	for (i = 0; i < scope_ndests(s->agg); i++)
		if (scope_failures(scope_dest(s->agg, i)->n) > 0)
			put_evidence(w, s, i);
}

static void
print_names(struct wr *w, const struct dns_results *dns)
{
	char a[ADDR_STRLEN];
	size_t i;

	wstr(w, "names (PTR):\n");
	for (i = 0; i < dns->nnames; i++) {
		const struct dns_name *p = &dns->names[i];

		wprintf(w, "  %s %s%s%s\n", addr_str(&p->a, a),
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
	struct wr w;

	(void)st;
	wr_init(&w, sk->out, s->agg);
	if (dns != NULL && dns->error != NULL)
		wprintf(&w, "dns: %s\n", dns->error);
	if (s->scope && s->json != NULL)
		print_scope_json(&w, s);
	else if (s->scope)
		print_scope(&w, s);
	if (s->evidence)
		print_evidence(&w, s);
	if (dns != NULL && dns->error == NULL && dns->names_asked)
		print_names(&w, dns);
	if (dns != NULL && dns->error == NULL && dns->lists_asked &&
	    !s->evidence) {
		wstr(&w, "blocklists (DNSBL):\n");
		print_dnsbl(&w, dns, NULL);
	}
	wflush(&w);
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
	struct scope_sink *s = (struct scope_sink *)sk;
	struct wr w;

	wr_init(&w, out, s->agg);
	put_evidence(&w, s, i);
	wflush(&w);
}

/*
 * --scope and --evidence: the aggregation and findings of findings/scope.h
 * rendered as text, with what --resolve and --dnsbl found.  The report does no
 * DNS: the command layer asks it which addresses it names
 * (sink_scope_wanted), looks them up, and hands the answers over as plain
 * data (sink_scope_set_dns) before the final report.
 */
#ifndef SMTPSCOPE_REPORT_SCOPE_H
#define SMTPSCOPE_REPORT_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "maillog/event.h"
#include "report/sink.h"
#include "util/addr.h"

/* The PTR name of an address (--resolve). */
struct dns_name {
	struct addr a;
	const char *name;	/* "": none found */
	const char *status;	/* then why: "NXDOMAIN", "timeout"; "": no answer */
};

/* An address looked up in a DNS blocklist zone (--dnsbl). */
struct dns_listing {
	struct addr a;
	const char *zone;
	int listed;		/* 1 listed, 0 not listed, -1 lookup failed */
	const char *code;	/* listed: the A answer, such as 127.0.0.2 */
	const char *reason;	/* listed: the TXT answer, sanitised; "": none */
	const char *status;	/* failed: why; "": no answer */
};

/* What the lookups found, in the order they were asked. */
struct dns_results {
	bool names_asked;		/* -r */
	bool lists_asked;		/* --dnsbl */
	const char *error;		/* no lookups were made: why; NULL */
	const struct dns_name *names;
	size_t nnames;
	const struct dns_listing *lists;
	size_t nlists;
};

/* --scope (findings per destination) and/or --evidence (unblock request);
 * capture: the -w file to name in the evidence, or NULL. */
struct sink *sink_scope_new(FILE *out, int scope, int evidence,
    const char *capture);

/* --scope with --json: the findings as JSON lines to out (sensor: this
 * one's name) instead of the text block. */
void sink_scope_json(struct sink *s, FILE *out, const char *sensor);
/* A line of the MTA's log for the whole run's findings (findings/scope.h
 * scope_add_log). */
void sink_scope_log(struct sink *s, const struct ml_event *e);

/* Calls fn for each address the report names, in report order: each
 * destination's server (source false), then its sources (source true),
 * each address once per role.  0, or -1 when out of memory. */
int sink_scope_wanted(struct sink *s,
    void (*fn)(void *ctx, const struct addr *a, bool source), void *ctx);

/* The lookups' results for the final report (never a snapshot's); they
 * must stay valid until the sink is freed. */
void sink_scope_set_dns(struct sink *s, const struct dns_results *r);

/* For --html (report/html.h), which renders the same counts: the
 * aggregation behind the report, and the evidence block of its
 * destination i as --evidence writes it (with the lookups' results). */
struct scope;
struct scope *sink_scope_aggregate(struct sink *s);
void sink_scope_write_evidence(struct sink *s, FILE *out, uint32_t i);

#endif

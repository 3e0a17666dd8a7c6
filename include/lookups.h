/* --resolve and --dnsbl: the DNS lookups the scope report's addresses get when a
 * run ends. */
#ifndef SMTPSCOPE_LOOKUPS_H
#define SMTPSCOPE_LOOKUPS_H

#include "conf.h"
#include "report/sink.h"

struct lookups;

/*
 * The resolver of --resolve and --dnsbl, made while files may still be opened
 * (c-ares reads /etc/resolv.conf): before the sandbox.  NULL when out of
 * memory; a resolver that cannot be made is an error lookups_run() hands
 * to the report.
 */
struct lookups *lookups_new(const struct scope_dns *dns);
/*
 * Looks up what the scope report names (PTR names, blocklist listings),
 * at most 6 seconds in all, and hands the results (or why there are none)
 * to the report.  They stay valid until lookups_free().
 */
void lookups_run(struct lookups *lk, struct sink *scope_sink);
void lookups_free(struct lookups *lk);

#endif

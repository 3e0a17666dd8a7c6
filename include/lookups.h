/* -r and --dnsbl: the DNS lookups the scope report's addresses get when a
 * run ends. */
#ifndef SMTPSCOPE_LOOKUPS_H
#define SMTPSCOPE_LOOKUPS_H

#include "conf.h"
#include "report/sink.h"

struct lookups;

/*
 * Looks up what the scope report names (PTR names, blocklist listings),
 * at most 6 seconds in all, and hands the results (or why there are none)
 * to the report.  They stay valid until lookups_free(); NULL when out of
 * memory.
 */
struct lookups *lookups_run(const struct scope_dns *dns, struct sink *scope_sink);
void lookups_free(struct lookups *lk);

#endif

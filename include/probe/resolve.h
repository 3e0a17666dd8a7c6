/*
 * DNS through c-ares, on the run's event loop (io/loop.h): c-ares' sockets
 * are loop watchers and its next timeout a loop timer.  MX records in
 * preference order, each MX's A and AAAA; a name without MX falls back to its
 * own A/AAAA, as an MTA does (RFC 5321 5.1).  Failures are kept per name.
 */
#ifndef SMTPSCOPE_RESOLVE_H
#define SMTPSCOPE_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

#define RESOLVE_NAME_MAX 256

/* One address to probe, with where it came from. */
struct resolved {
	struct addr a;
	char host[RESOLVE_NAME_MAX];	/* the name resolved (MX host or target) */
	char domain[RESOLVE_NAME_MAX];	/* --mx domain, or "" for --target */
	int mx_pref;			/* MX preference; -1: not from an MX */
};

/* What DNS said about one name, for the report. */
struct dns_note {
	char name[RESOLVE_NAME_MAX];
	char what[160];			/* "MX mx1.example.test (10)", "NXDOMAIN" ... */
	int failed;			/* 1: this name gives nothing to probe */
};

/* A PTR name for an address (--resolve). */
struct ptr_result {
	struct addr a;
	char name[RESOLVE_NAME_MAX];	/* "" when the lookup failed */
	char status[32];		/* "NXDOMAIN", "timeout" ... when it failed */
};

/* One address looked up in one DNS blocklist zone (--dnsbl). */
struct dnsbl_result {
	struct addr a;
	char zone[RESOLVE_NAME_MAX];
	int listed;			/* 1 listed, 0 not listed, -1 lookup failed */
	char code[16];			/* the A answer, e.g. 127.0.0.2 */
	char reason[200];		/* the TXT answer, sanitised */
	char status[32];		/* why the lookup failed */
};

struct loop;
struct resolver;

/* server: "ADDR", "ADDR:PORT", "[V6]:PORT" or NULL for the system's.
 * family: 0 both, 4 or 6 only.  The loop must outlive the resolver. */
struct resolver *resolver_new(struct loop *l, const char *server, int family,
    char *err, size_t errlen);
/* Ends the queries still in flight (their results stay empty). */
void resolver_free(struct resolver *r);

/* fn is called from the loop whenever a query has finished and none is
 * left in flight (never from inside resolver_add_*()); it may add more. */
void resolver_on_idle(struct resolver *r, void (*fn)(void *ctx), void *ctx);

void resolver_add_domain(struct resolver *r, const char *domain);
void resolver_add_host(struct resolver *r, const char *host);
void resolver_add_ptr(struct resolver *r, const struct addr *a);
/* reversed octets (IPv4) or nibbles (IPv6) under zone: A, then TXT */
void resolver_add_dnsbl(struct resolver *r, const struct addr *a,
    const char *zone);
/* Queries in flight. */
int resolver_busy(const struct resolver *r);

size_t resolver_results(const struct resolver *r, const struct resolved **out);
size_t resolver_notes(const struct resolver *r, const struct dns_note **out);
size_t resolver_ptrs(const struct resolver *r, const struct ptr_result **out);
size_t resolver_dnsbls(const struct resolver *r, const struct dnsbl_result **out);

#endif

/*
 * The verdict taxonomy (DESIGN.md).  ICMP codes map to the class and reason an
 * operator knows from nmap --reason, and to the errno Linux reports for them
 * (net/ipv4/icmp.c icmp_err_convert[], net/ipv6/icmp.c tab_unreach[]).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/verdict.h"

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

static const char *const class_names[VC_COUNT] = {
	[VC_ACCEPTED] = "accepted",
	[VC_REFUSED] = "refused",
	[VC_PROHIBITED] = "prohibited",
	[VC_UNREACHABLE] = "unreachable",
	[VC_DROPPED] = "dropped",
	[VC_UNRESOLVED] = "unresolved",
};

const char *
vclass_name(enum vclass c)
{
	return (unsigned)c < VC_COUNT ? class_names[c] : "?";
}

/* The verdicts not indexed by an ICMP code (the tables below): one place
 * for each reason, which verdict_reason_known() also reads. */
enum {
	V_SYN_ACK, V_CLIENT_ACK, V_RESET, V_NO_RESPONSE, V_CAPTURE_ENDED,
	V_SUPERSEDED, V_CAPTURE_GAP, V_DEST_UNREACH4, V_DEST_UNREACH6, V_TTL_EXCEEDED,
	V_LOCAL_PROHIBIT, V_LOCAL_FILTER, V_LOCAL_UNREACH, V_LOCAL_NO_ROUTE,
	V_OTHERS
};

static const struct verdict others[V_OTHERS] = {
	[V_SYN_ACK] = { VC_ACCEPTED, "syn-ack", 0 },
	/* One-sided capture: the client acknowledged a server ISN, so a
	 * SYN-ACK came. */
	[V_CLIENT_ACK] = { VC_ACCEPTED, "client-ack", 0 },
	[V_RESET] = { VC_REFUSED, "reset", ECONNREFUSED },
	[V_NO_RESPONSE] = { VC_DROPPED, "no-response", ETIMEDOUT },
	[V_CAPTURE_ENDED] = { VC_UNRESOLVED, "capture-ended", 0 },
	/* A new SYN (new sequence number) on the same ports replaced it. */
	[V_SUPERSEDED] = { VC_UNRESOLVED, "superseded", 0 },
	/* No answer seen, but the capture was blind for part of the wait
	 * (its interface down or gone): silence that proves nothing. */
	[V_CAPTURE_GAP] = { VC_UNRESOLVED, "capture-gap", 0 },
	/* codes past the tables below */
	[V_DEST_UNREACH4] = { VC_UNREACHABLE, "dest-unreach", EHOSTUNREACH },
	[V_DEST_UNREACH6] = { VC_UNREACHABLE, "dest-unreach", EPROTO },
	/* ICMP type 11, ICMPv6 type 3 */
	[V_TTL_EXCEEDED] = { VC_UNREACHABLE, "ttl-exceeded", EHOSTUNREACH },
	/*
	 * probe: this host's own stack refused to send the SYN (the send's
	 * errno), so it never left: a prohibit route, an OUTPUT rule of the
	 * firewall, an unreachable route, no route at all.
	 */
	[V_LOCAL_PROHIBIT] = { VC_PROHIBITED, "local-prohibit", EACCES },
	[V_LOCAL_FILTER] = { VC_PROHIBITED, "local-filter", EPERM },
	[V_LOCAL_UNREACH] = { VC_UNREACHABLE, "local-unreach", EHOSTUNREACH },
	[V_LOCAL_NO_ROUTE] = { VC_UNREACHABLE, "local-no-route", ENETUNREACH },
};

struct verdict verdict_syn_ack(void) { return others[V_SYN_ACK]; }
struct verdict verdict_client_ack(void) { return others[V_CLIENT_ACK]; }
struct verdict verdict_reset(void) { return others[V_RESET]; }
struct verdict verdict_no_response(void) { return others[V_NO_RESPONSE]; }
struct verdict verdict_unresolved(void) { return others[V_CAPTURE_ENDED]; }
struct verdict verdict_superseded(void) { return others[V_SUPERSEDED]; }
struct verdict verdict_capture_gap(void) { return others[V_CAPTURE_GAP]; }

bool
verdict_same(struct verdict a, struct verdict b)
{
	return a.cls == b.cls && (a.reason == b.reason ||
	    strcmp(a.reason, b.reason) == 0);
}

bool
verdict_not_sent(int err, struct verdict *out)
{
	switch (err) {
	case EACCES: *out = others[V_LOCAL_PROHIBIT]; return true;
	case EPERM: *out = others[V_LOCAL_FILTER]; return true;
	case EHOSTUNREACH: *out = others[V_LOCAL_UNREACH]; return true;
	case ENETUNREACH: *out = others[V_LOCAL_NO_ROUTE]; return true;
	default: return false;
	}
}

/* ICMP type 3, indexed by code. */
static const struct verdict unreach4[16] = {
	[0] = { VC_UNREACHABLE, "net-unreach", ENETUNREACH },
	[1] = { VC_UNREACHABLE, "host-unreach", EHOSTUNREACH },
	[2] = { VC_UNREACHABLE, "proto-unreach", ENOPROTOOPT },
	[3] = { VC_REFUSED, "port-unreach", ECONNREFUSED },
	[4] = { VC_UNREACHABLE, "frag-needed", EMSGSIZE },
	[5] = { VC_UNREACHABLE, "source-route-failed", EOPNOTSUPP },
	[6] = { VC_UNREACHABLE, "net-unknown", ENETUNREACH },
	[7] = { VC_UNREACHABLE, "host-unknown", EHOSTDOWN },
	[8] = { VC_UNREACHABLE, "host-isolated", ENONET },
	[9] = { VC_PROHIBITED, "net-prohibited", ENETUNREACH },
	[10] = { VC_PROHIBITED, "host-prohibited", EHOSTUNREACH },
	[11] = { VC_UNREACHABLE, "net-tos-unreach", ENETUNREACH },
	[12] = { VC_UNREACHABLE, "host-tos-unreach", EHOSTUNREACH },
	[13] = { VC_PROHIBITED, "admin-prohibited", EHOSTUNREACH },
	[14] = { VC_PROHIBITED, "admin-prohibited", EHOSTUNREACH },	/* precedence violation */
	[15] = { VC_PROHIBITED, "admin-prohibited", EHOSTUNREACH },	/* precedence cutoff */
};

/* ICMPv6 type 1, indexed by code. */
static const struct verdict unreach6[7] = {
	[0] = { VC_UNREACHABLE, "no-route", ENETUNREACH },
	[1] = { VC_PROHIBITED, "admin-prohibited", EACCES },
	[2] = { VC_UNREACHABLE, "beyond-scope", EHOSTUNREACH },
	[3] = { VC_UNREACHABLE, "host-unreach", EHOSTUNREACH },
	[4] = { VC_REFUSED, "port-unreach", ECONNREFUSED },
	[5] = { VC_PROHIBITED, "admin-prohibited", EACCES },	/* source address failed policy */
	[6] = { VC_PROHIBITED, "admin-prohibited", EACCES },	/* reject route */
};

bool
verdict_icmp(int family, uint8_t type, uint8_t code, struct verdict *out)
{
	if (family == 4 && type == 3)
		*out = code < NITEMS(unreach4) ? unreach4[code] :
		    others[V_DEST_UNREACH4];
	else if (family == 6 && type == 1)
		*out = code < NITEMS(unreach6) ? unreach6[code] :
		    others[V_DEST_UNREACH6];
	else if (verdict_icmp_time_exceeded(family, type))
		*out = others[V_TTL_EXCEEDED];
	else
		return false;
	return true;
}

bool
verdict_icmp_time_exceeded(int family, uint8_t type)
{
	return (family == 4 && type == 11) || (family == 6 && type == 3);
}

const char *
errno_name(int err)
{
	switch (err) {
	case 0: return NULL;
	case ECONNREFUSED: return "ECONNREFUSED";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENETUNREACH: return "ENETUNREACH";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EMSGSIZE: return "EMSGSIZE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EHOSTDOWN: return "EHOSTDOWN";
	case ENONET: return "ENONET";
	case EPROTO: return "EPROTO";
	default: return "EIO";
	}
}

int
hops_from_ttl(uint8_t ttl)
{
	if (ttl <= 64)
		return 64 - ttl;
	if (ttl <= 128)
		return 128 - ttl;
	return 255 - ttl;
}

int
vclass_from_name(const char *name)
{
	int c;

	for (c = 0; c < VC_COUNT; c++)
		if (strcmp(class_names[c], name) == 0)
			return c;
	return -1;
}

/* Does table t of n verdicts give reason with class c? */
static bool
in_table(const struct verdict *t, size_t n, enum vclass c, const char *reason)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].cls == c && strcmp(t[i].reason, reason) == 0)
			return true;
	return false;
}

bool
verdict_reason_known(enum vclass c, const char *reason)
{
	return in_table(others, NITEMS(others), c, reason) ||
	    in_table(unreach4, NITEMS(unreach4), c, reason) ||
	    in_table(unreach6, NITEMS(unreach6), c, reason);
}

/* The entry of table t of n verdicts with class c, reason and the errno
 * named errname (NULL: none), or NULL. */
static const struct verdict *
find_in(const struct verdict *t, size_t n, enum vclass c, const char *reason,
    const char *errname)
{
	const char *en;
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].cls != c || strcmp(t[i].reason, reason) != 0)
			continue;
		en = errno_name(t[i].err);
		if (errname == NULL ? en == NULL : en != NULL && strcmp(en, errname) == 0)
			return &t[i];
	}
	return NULL;
}

bool
verdict_find(enum vclass c, const char *reason, const char *errname,
    struct verdict *out)
{
	const struct verdict *v;

	if ((v = find_in(others, NITEMS(others), c, reason, errname)) == NULL &&
	    (v = find_in(unreach4, NITEMS(unreach4), c, reason, errname)) == NULL &&
	    (v = find_in(unreach6, NITEMS(unreach6), c, reason, errname)) == NULL)
		return false;
	*out = *v;
	return true;
}

/* The first entry of table t of n verdicts with class c and reason. */
static const struct verdict *
first_of(const struct verdict *t, size_t n, enum vclass c, const char *reason)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].cls == c && strcmp(t[i].reason, reason) == 0)
			return &t[i];
	return NULL;
}

bool
verdict_by_reason(enum vclass c, const char *reason, struct verdict *out)
{
	const struct verdict *v;

	if ((v = first_of(others, NITEMS(others), c, reason)) == NULL &&
	    (v = first_of(unreach4, NITEMS(unreach4), c, reason)) == NULL &&
	    (v = first_of(unreach6, NITEMS(unreach6), c, reason)) == NULL)
		return false;
	*out = *v;
	return true;
}

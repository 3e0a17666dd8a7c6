/*
 * The verdict taxonomy (DESIGN.md).  ICMP codes map to the class and reason an
 * operator knows from nmap --reason, and to the errno Linux reports for them
 * (net/ipv4/icmp.c icmp_err_convert[], net/ipv6/icmp.c tab_unreach[]).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/verdict.h"

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

static struct verdict
mk(enum vclass c, const char *reason, int err)
{
	struct verdict v = { c, reason, err };
	return v;
}

struct verdict verdict_syn_ack(void) { return mk(VC_ACCEPTED, "syn-ack", 0); }
/* One-sided capture: the client acknowledged a server ISN, so a SYN-ACK came. */
struct verdict verdict_client_ack(void) { return mk(VC_ACCEPTED, "client-ack", 0); }
struct verdict verdict_reset(void) { return mk(VC_REFUSED, "reset", ECONNREFUSED); }
struct verdict verdict_no_response(void) { return mk(VC_DROPPED, "no-response", ETIMEDOUT); }
struct verdict verdict_unresolved(void) { return mk(VC_UNRESOLVED, "capture-ended", 0); }
/* A new SYN (new sequence number) on the same ports replaced it. */
struct verdict verdict_superseded(void) { return mk(VC_UNRESOLVED, "superseded", 0); }

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
	if (family == 4 && type == 3) {
		*out = code < 16 ? unreach4[code] :
		    mk(VC_UNREACHABLE, "dest-unreach", EHOSTUNREACH);
		return true;
	}
	if (family == 4 && type == 11) {
		*out = mk(VC_UNREACHABLE, "ttl-exceeded", EHOSTUNREACH);
		return true;
	}
	if (family == 6 && type == 1) {
		*out = code < 7 ? unreach6[code] :
		    mk(VC_UNREACHABLE, "dest-unreach", EPROTO);
		return true;
	}
	if (family == 6 && type == 3) {
		*out = mk(VC_UNREACHABLE, "ttl-exceeded", EHOSTUNREACH);
		return true;
	}
	return false;
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

/* Every reason the taxonomy gives, with its class: the tables above and
 * the verdicts made outside them. */
bool
verdict_reason_known(enum vclass c, const char *reason)
{
	static const struct verdict others[] = {
		{ VC_ACCEPTED, "syn-ack", 0 }, { VC_ACCEPTED, "client-ack", 0 },
		{ VC_REFUSED, "reset", 0 }, { VC_DROPPED, "no-response", 0 },
		{ VC_UNRESOLVED, "capture-ended", 0 }, { VC_UNRESOLVED, "superseded", 0 },
		{ VC_UNREACHABLE, "dest-unreach", 0 }, { VC_UNREACHABLE, "ttl-exceeded", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof others / sizeof others[0]; i++)
		if (others[i].cls == c && strcmp(others[i].reason, reason) == 0)
			return true;
	for (i = 0; i < 16; i++)
		if (unreach4[i].cls == c && strcmp(unreach4[i].reason, reason) == 0)
			return true;
	for (i = 0; i < 7; i++)
		if (unreach6[i].cls == c && strcmp(unreach6[i].reason, reason) == 0)
			return true;
	return false;
}

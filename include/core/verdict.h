/*
 * The verdict taxonomy of DESIGN.md: class, reason (nmap --reason words where
 * one exists) and the errno a Linux client's connect() would have reported.
 * Pure functions, no state.
 */
#ifndef SMTPSCOPE_VERDICT_H
#define SMTPSCOPE_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

enum vclass {
	VC_ACCEPTED,
	VC_REFUSED,
	VC_PROHIBITED,
	VC_UNREACHABLE,
	VC_DROPPED,
	VC_UNRESOLVED,		/* still open when the capture ended */
	VC_COUNT
};

struct verdict {
	enum vclass cls;
	const char *reason;	/* static string */
	int err;		/* errno value, 0 = success / none */
};

const char *vclass_name(enum vclass c);
/* The class named, or -1. */
int vclass_from_name(const char *name);
/* Is reason one the taxonomy gives for class c? */
bool verdict_reason_known(enum vclass c, const char *reason);
/*
 * The taxonomy's verdict of class c with reason and the errno named errname
 * (errno_name(); NULL: none), so that its reason is the taxonomy's own
 * static string (records read back from JSON).  False when the taxonomy
 * has no such verdict.
 */
bool verdict_find(enum vclass c, const char *reason, const char *errname,
    struct verdict *out);

/* A verdict of class c with reason, whatever its errno (the verdict a
 * correction record names); false when the taxonomy has none. */
bool verdict_by_reason(enum vclass c, const char *reason, struct verdict *out);

/* A SYN-ACK, a RST answering the SYN, no answer, the capture ending. */
struct verdict verdict_syn_ack(void);
struct verdict verdict_client_ack(void);
struct verdict verdict_reset(void);
struct verdict verdict_no_response(void);
struct verdict verdict_unresolved(void);
struct verdict verdict_superseded(void);
/* No answer, but the live capture saw nothing for part of the wait. */
struct verdict verdict_capture_gap(void);
/* Same class and reason? */
bool verdict_same(struct verdict a, struct verdict b);

/*
 * probe: the SYN was never sent because this host's stack refused it with
 * err (EACCES: a prohibit route; EPERM: a firewall rule on output;
 * EHOSTUNREACH: an unreachable route; ENETUNREACH: no route).  False for
 * any other errno, which is not a verdict.
 */
bool verdict_not_sent(int err, struct verdict *out);

/*
 * An ICMP (family 4) or ICMPv6 (family 6) error of type/code quoting the SYN.
 * Returns false for type/codes that are not errors about the attempt.
 */
bool verdict_icmp(int family, uint8_t type, uint8_t code, struct verdict *out);

/* Is an ICMP (family 4) or ICMPv6 (family 6) error of this type a time
 * exceeded (the TTL ran out on the way)? */
bool verdict_icmp_time_exceeded(int family, uint8_t type);

/* "ECONNREFUSED" etc.; NULL for 0. */
const char *errno_name(int err);

/* Initial TTL guess (64, 128 or 255) and the hop distance it implies. */
int hops_from_ttl(uint8_t ttl);

#endif

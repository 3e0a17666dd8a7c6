/* One attempt's outcome, as handed to every sink. */
#ifndef SMTPSCOPE_RECORD_H
#define SMTPSCOPE_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "util/addr.h"
#include "core/nflog.h"
#include "core/verdict.h"

#define GREETING_MAX 160	/* sanitised text, escapes included */

/* Where a probe's target came from (probe, verify); the prober owns it. */
struct origin {
	const char *mx;			/* MX host (or --target name); NULL: none */
	const char *domain;		/* the --mx domain it serves; NULL: none */
	int mx_pref;			/* MX preference; -1: none */
	int spec;			/* which probe_spec (verify: expectation) */
	uint32_t id;			/* the prober's number for the probe */
	/* probe --trace: the SYN's TTL (1..), and which trace it is part
	 * of; hop 0: not a trace probe */
	int hop;
	int trace;
};

struct record {
	struct tuple t;
	int64_t first_syn_us;		/* microseconds since the epoch, UTC */
	int64_t verdict_us;
	struct verdict v;
	uint32_t syns;			/* SYN transmissions seen (retransmissions included) */
	int64_t rtt_us;			/* -1: none */
	int icmp_type, icmp_code;	/* -1: none */
	struct addr responder;		/* family 0: none */
	/* The answer carries the server's address but was made by the first
	 * hop (core/firsthop.h): the responder is not the server. */
	bool responder_first_hop;
	int reply_ttl;			/* -1: none */
	int hops;			/* -1: none */
	int greeting_code;		/* -1: none */
	bool has_greeting;
	bool greeting_truncated;	/* cut by the snap length or the length cap */
	/* the probe this attempt is; NULL: captured traffic */
	const struct origin *origin;
	/* TCP Fast Open: bytes of data the SYN carried (0: none), and how
	 * many of them the SYN-ACK acknowledged (-1: no SYN-ACK seen). */
	uint32_t syn_data;
	int32_t syn_data_acked;
	/* A RST answered the SYN before the SYN-ACK the client took:
	 * RESET_INJECTED when that SYN-ACK answers the same transmission
	 * (no stack sends both, so the RST was forged), RESET_RETRIED when
	 * the client sent the SYN again after the RST.  reset_ttl is the
	 * RST's TTL. */
	uint8_t reset_before;
	int reset_ttl;			/* -1: none */
	/* watch: this record corrects the one written earlier for the
	 * same attempt, whose verdict was corrects. */
	bool correction;
	struct verdict corrects;
	/* the sensor that saw it (smtpscope scope: from its JSON); NULL:
	 * this one, named by --sensor */
	const char *sensor;
	/* The NFLOG rule that logged the attempt's SYN (core/nflog.h);
	 * NULL: not seen through NFLOG */
	const struct nflog_tag *nflog;
	/* Set only when has_greeting.  Last, so that the tracker clears the
	 * rest and leaves it alone. */
	char greeting[GREETING_MAX + 1];
};

enum { RESET_NONE, RESET_INJECTED, RESET_RETRIED };

/* A sensor's name (--sensor, the records' "sensor"): 1 to SENSOR_MAX
 * printable ASCII characters, no space, quote or backslash, so it is one
 * word in every output. */
#define SENSOR_MAX 64

static inline bool
record_sensor_ok(const char *s)
{
	int n;

	for (n = 0; s[n] != '\0'; n++)
		if (n == SENSOR_MAX || s[n] <= ' ' || s[n] > '~' || s[n] == '"' ||
		    s[n] == '\'' || s[n] == '\\')
			return false;
	return n > 0;
}

/* probe --trace: does this hop's answer end the trace?  Anything but a
 * time exceeded (the SYN's TTL ran out at a router) or no answer. */
static inline bool
record_trace_end(const struct record *r)
{
	if (r->v.cls == VC_DROPPED || r->v.cls == VC_UNRESOLVED)
		return false;
	return r->icmp_type < 0 || !verdict_icmp_time_exceeded(r->t.server.family,
	    (uint8_t)r->icmp_type);
}

static inline bool record_responder_is_server(const struct record *r)
{
	return r->responder.family != 0 && !r->responder_first_hop &&
	    addr_eq(&r->responder, &r->t.server);
}

#endif

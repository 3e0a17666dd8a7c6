/* A record as named fields: the JSON and CSV schema, defined once. */
#ifndef SMTPSCOPE_FIELDS_H
#define SMTPSCOPE_FIELDS_H

#include <stdio.h>

#include "core/record.h"

/*
 * The fields in their order (names per DESIGN.md), as X(name, TYPE,
 * value...) of the record r; each output says how it writes a TYPE:
 *	TIME us		RFC 3339 (util/timefmt.h)
 *	ADDR a		an address
 *	ADDR_OPT a	an address; absent for family 0
 *	NUM v		a number
 *	OPT v		a number; absent when v < 0
 *	MS us		milliseconds with three decimals; absent when us < 0
 *	WORD s		a string of ours that needs no escaping
 *	WORD_OPT s	the same; absent when NULL
 *	BOOL_IF c, v	true or false; absent unless c
 *	TEXT_IF c, s	sanitised text (printable ASCII, core/greeting.c),
 *			which may hold quotes and backslashes; absent unless c
 *	STR_OPT s	any string; absent when NULL
 * JSON adds "responder_first_hop":true between the two lists when the
 * record's responder_first_hop is set, and only then: CSV keeps its
 * columns.
 */
#define RECORD_FIELDS_HEAD(X) \
	X(ts, TIME, r->first_syn_us) \
	X(verdict_ts, TIME, r->verdict_us) \
	X(client, ADDR, &r->t.client) \
	X(client_port, NUM, r->t.client_port) \
	X(server, ADDR, &r->t.server) \
	X(server_port, NUM, r->t.server_port) \
	X(family, NUM, r->t.client.family) \
	X(class, WORD, vclass_name(r->v.cls)) \
	X(reason, WORD, r->v.reason) \
	X(syns, NUM, r->syns) \
	X(rtt_ms, MS, r->rtt_us) \
	X(icmp_type, OPT, r->icmp_type) \
	X(icmp_code, OPT, r->icmp_code) \
	X(responder, ADDR_OPT, &r->responder) \
	X(responder_is_server, BOOL_IF, r->responder.family != 0, \
	    record_responder_is_server(r))
#define RECORD_FIELDS_TAIL(X) \
	X(reply_ttl, OPT, r->reply_ttl) \
	X(hops, OPT, r->hops) \
	X(errno, WORD_OPT, errno_name(r->v.err)) \
	X(greeting_code, OPT, r->greeting_code) \
	X(greeting, TEXT_IF, r->has_greeting, r->greeting) \
	X(greeting_truncated, BOOL_IF, r->has_greeting, r->greeting_truncated)
/* Probe records (r->origin set) add these; the source is the client side
 * before any NAT. */
#define PROBE_FIELDS(X) \
	X(source, ADDR, &r->t.client) \
	X(mx, STR_OPT, r->origin->mx) \
	X(mx_pref, OPT, r->origin->mx_pref) \
	X(domain, STR_OPT, r->origin->domain)
#define RECORD_FIELDS(X) RECORD_FIELDS_HEAD(X) RECORD_FIELDS_TAIL(X)

#define FIELD_ID_(name, ...) FIELD_##name,
enum field_id {
	RECORD_FIELDS(FIELD_ID_)
	NFIELDS,		/* every record */
	FIELD_PROBE_ = NFIELDS - 1,
	PROBE_FIELDS(FIELD_ID_)
	NFIELDS_MAX
};
#undef FIELD_ID_
extern const char *const field_names[NFIELDS_MAX];

#define FIELD_FIRST_HOP "responder_first_hop"
/* JSON ends with these two when the attempt's SYN was seen through NFLOG
 * (the record's nflog), and only then. */
#define FIELD_NFLOG_GROUP "nflog_group"
#define FIELD_NFLOG_PREFIX "nflog_prefix"

/* verify's own fields, after a record's, as text.  FK_WORD: a string we
 * made that needs no escaping; FK_STR may need it. */
enum field_kind { FK_NULL, FK_NUM, FK_STR, FK_WORD, FK_BOOL };

struct field {
	const char *name;
	enum field_kind kind;
	const char *text;		/* the value: points to val or to a string
					 * that lives as long as the record */
	char val[48];			/* room for a number */
};

/* One JSON object: "type":"attempt", "sensor" (the record's, else
 * sensor; null when neither is known), the record's fields, then nextra
 * more (verify). */
void json_write_record(FILE *out, const struct record *r, const char *sensor,
    const struct field *extra, int nextra);
void json_put_string(FILE *out, const char *s);	/* a JSON string */

#endif

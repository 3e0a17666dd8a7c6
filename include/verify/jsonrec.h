/*
 * The JSON records of any sensor (smtpscope's --json lines) read back into
 * struct record, for smtpscope scope.  A line is taken from its first '{',
 * so a journald or syslog prefix is no matter; every field is checked
 * against the schema and the verdict taxonomy.  Parsed with jansson.
 *
 * The records' sensors and probe origins are interned: the pointers stay
 * valid until jsonrec_free(), and their number is bounded.
 */
#ifndef SMTPSCOPE_JSONREC_H
#define SMTPSCOPE_JSONREC_H

#include <stddef.h>

#include "core/record.h"

#define JSONREC_MAX_SENSORS 1024	/* distinct sensors in one run */
#define JSONREC_MAX_ORIGINS 4096	/* distinct (mx, domain, mx_pref) */
#define JSONREC_NAME_MAX 255		/* mx and domain names */

enum jsonrec_status {
	JR_RECORD,		/* an attempt: *r is filled */
	JR_NOT_JSON,		/* no '{' on the line */
	JR_OTHER_TYPE,		/* a JSON line of another type (finding, summary) */
	JR_BAD,			/* refused: why says which field, and what is wrong */
};

struct jsonrec;

/* NULL when out of memory. */
struct jsonrec *jsonrec_new(void);
void jsonrec_free(struct jsonrec *jr);

/*
 * One line of len bytes (its newline, if any, included or not).  On
 * JR_BAD, why holds one printable line: "client: '192.0.2.x' is not an
 * IPv4 or IPv6 address", "bad JSON at column 12: ...".
 */
enum jsonrec_status jsonrec_parse(struct jsonrec *jr, const char *line,
    size_t len, struct record *r, char *why, size_t whylen);

#endif

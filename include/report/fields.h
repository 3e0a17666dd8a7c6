/* A record as named fields: the JSON and CSV schema, defined once. */
#ifndef SMTPSCOPE_FIELDS_H
#define SMTPSCOPE_FIELDS_H

#include <stdio.h>

#include "core/record.h"

/* FK_WORD: a string we made that needs no escaping (times, addresses,
 * class and reason names); FK_STR may need it (greetings, names).  Scanning
 * the words too makes `read --json` of the bench file 1.07 times as slow. */
enum field_kind { FK_NULL, FK_NUM, FK_STR, FK_WORD, FK_BOOL };

struct field {
	const char *name;
	enum field_kind kind;
	const char *text;		/* the value: points to val or to a string
					 * that lives as long as the record */
	char val[48];			/* room for numbers, times and addresses */
};

#define NFIELDS 21		/* every record */
#define NFIELDS_MAX 25		/* probe records add source, mx, mx_pref, domain */

/* JSON adds "responder_first_hop":true after responder_is_server (field
 * 14) when the record's responder_first_hop is set, and only then: CSV
 * keeps its columns, and other records their fields. */
#define FIELD_RESPONDER_IS_SERVER 14
#define FIELD_FIRST_HOP "responder_first_hop"
/* JSON ends with these two when the attempt's SYN was seen through NFLOG
 * (the record's nflog), and only then. */
#define FIELD_NFLOG_GROUP "nflog_group"
#define FIELD_NFLOG_PREFIX "nflog_prefix"

/* Fills f and returns how many fields the record has. */
int record_fields(const struct record *r, struct field f[NFIELDS_MAX]);

/* One JSON object: "type":"attempt", "sensor" (the record's, else
 * sensor; null when neither is known), the record's fields, then nextra
 * more (verify). */
void json_write_record(FILE *out, const struct record *r, const char *sensor,
    const struct field *extra, int nextra);
void json_put_string(FILE *out, const char *s);	/* a JSON string */

#endif

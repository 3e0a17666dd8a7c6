/* A record as named fields: the JSON and CSV schema, defined once. */
#ifndef SMTPSCOPE_FIELDS_H
#define SMTPSCOPE_FIELDS_H

#include "record.h"

enum field_kind { FK_NULL, FK_NUM, FK_STR, FK_BOOL };

struct field {
	const char *name;
	enum field_kind kind;
	char val[GREETING_MAX + 8];	/* text of the value (FK_BOOL: "true"/"false") */
};

#define NFIELDS 21

extern const char *const field_names[NFIELDS];

void record_fields(const struct record *r, struct field f[NFIELDS]);

#endif

/* The names of the record's fields (report/fields.h): the CSV header. */
#include "report/fields.h"

#define FIELD_NAME_(name, ...) #name,
const char *const field_names[NFIELDS_MAX] = {
	RECORD_FIELDS(FIELD_NAME_)
	PROBE_FIELDS(FIELD_NAME_)
};
#undef FIELD_NAME_

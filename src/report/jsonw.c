/* JSON fields of report/jsonw.h. */
#include <inttypes.h>

#include "report/fields.h"
#include "report/jsonw.h"
#include "util/timefmt.h"

void
jw_head(FILE *out, const char *type, const char *sensor)
{
	fprintf(out, "{\"type\":\"%s\"", type);
	jw_str(out, "sensor", sensor);
}

void
jw_key(FILE *out, const char *name)
{
	fprintf(out, ",\"%s\":", name);
}

void
jw_str(FILE *out, const char *name, const char *s)
{
	jw_key(out, name);
	if (s == NULL)
		fputs("null", out);
	else
		json_put_string(out, s);
}

void
jw_int(FILE *out, const char *name, int64_t v, bool present)
{
	jw_key(out, name);
	if (present)
		fprintf(out, "%" PRId64, v);
	else
		fputs("null", out);
}

void
jw_addr(FILE *out, const char *name, const struct addr *a)
{
	char s[ADDR_STRLEN];

	jw_key(out, name);
	if (a->family != 0)
		fprintf(out, "\"%s\"", addr_str(a, s));
	else
		fputs("null", out);
}

void
jw_time(FILE *out, const char *name, int64_t us)
{
	char t[40];

	jw_key(out, name);
	if (us == INT64_MIN) {
		fputs("null", out);
		return;
	}
	fmt_time(t, sizeof t, us);
	fprintf(out, "\"%s\"", t);
}

void
jw_ms(FILE *out, const char *name, int64_t us)
{
	jw_key(out, name);
	if (us >= 0)
		fprintf(out, "%" PRId64 ".%03" PRId64, us / 1000, us % 1000);
	else
		fputs("null", out);
}

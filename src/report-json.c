/* JSON lines: one object per record, absent values as null. */
#include <stdlib.h>

#include "fields.h"
#include "sink.h"

/* JSON string escaping; control characters as \u00XX (greetings are
 * already printable, expectation text may not be). */
void
json_put_string(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', out);
		if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", (unsigned char)*s);
		else
			putc(*s, out);
	}
	putc('"', out);
}

void
json_write_record(FILE *out, const struct record *r, const struct field *extra,
    int nextra)
{
	struct field f[NFIELDS_MAX];
	int i, n;

	n = record_fields(r, f);
	putc('{', out);
	for (i = 0; i < n + nextra; i++) {
		const struct field *x = i < n ? &f[i] : &extra[i - n];

		if (i)
			putc(',', out);
		fprintf(out, "\"%s\":", x->name);
		if (x->kind == FK_NULL)
			fputs("null", out);
		else if (x->kind == FK_STR)
			json_put_string(out, x->text ? x->text : x->val);
		else
			fputs(x->val, out);
	}
	fputs("}\n", out);
}

static void
json_record(struct sink *s, const struct record *r)
{
	json_write_record(s->out, r, NULL, 0);
}

static void
json_finish(struct sink *s, const struct stats *st, int final)
{
	(void)st;
	(void)final;
	fflush(s->out);
}

static void
json_free(struct sink *s)
{
	free(s);
}

static const struct sink_ops json_ops = { json_record, json_finish, json_free };

struct sink *
sink_json_new(FILE *out)
{
	struct sink *s = calloc(1, sizeof *s);

	if (s != NULL) {
		s->ops = &json_ops;
		s->out = out;
	}
	return s;
}

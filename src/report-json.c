/* JSON lines: one object per record, absent values as null. */
#include <stdlib.h>

#include "fields.h"
#include "sink.h"

/* Field text is printable ASCII (greetings are sanitised), so escaping the
 * quote and the backslash is all JSON needs. */
static void
put_string(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', out);
		putc(*s, out);
	}
	putc('"', out);
}

static void
json_record(struct sink *s, const struct record *r)
{
	struct field f[NFIELDS_MAX];
	int i, n;

	n = record_fields(r, f);
	putc('{', s->out);
	for (i = 0; i < n; i++) {
		if (i)
			putc(',', s->out);
		fprintf(s->out, "\"%s\":", f[i].name);
		if (f[i].kind == FK_NULL)
			fputs("null", s->out);
		else if (f[i].kind == FK_STR)
			put_string(s->out, f[i].val);
		else
			fputs(f[i].val, s->out);
	}
	fputs("}\n", s->out);
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

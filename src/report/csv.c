/* CSV with a header line; absent values are empty fields. */
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "report/sink.h"

struct csv_sink {
	struct sink base;
	int header_done;
};

static void
put_field(FILE *out, const struct field *f)
{
	const char *p;

	if (f->kind == FK_NULL)
		return;
	if (f->kind != FK_STR || strpbrk(f->text, ",\"") == NULL) {
		/* numbers, booleans and our own words never need quoting */
		fputs(f->text, out);
		return;
	}
	putc('"', out);
	for (p = f->text; *p; p++) {
		if (*p == '"')
			putc('"', out);
		putc(*p, out);
	}
	putc('"', out);
}

/* The header names the fields of the first record (probe records have
 * more); with no record at all, those every record has. */
static void
header(struct csv_sink *c, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(c->base.out, "%s%s", i ? "," : "", field_names[i]);
	putc('\n', c->base.out);
	c->header_done = 1;
}

static void
csv_record(struct sink *s, const struct record *r)
{
	struct csv_sink *c = (struct csv_sink *)s;
	struct field f[NFIELDS_MAX];
	int i, n;

	n = record_fields(r, f);
	if (!c->header_done)
		header(c, n);
	for (i = 0; i < n; i++) {
		if (i)
			putc(',', s->out);
		put_field(s->out, &f[i]);
	}
	putc('\n', s->out);
}

static void
csv_finish(struct sink *s, const struct stats *st, int final)
{
	struct csv_sink *c = (struct csv_sink *)s;

	(void)st;
	if (final && !c->header_done)
		header(c, NFIELDS);	/* no attempts: still a well-formed file */
	fflush(s->out);
}

static const struct sink_ops csv_ops = {
	.record = csv_record,
	.finish = csv_finish,
	.free = sink_free,
};

struct sink *
sink_csv_new(FILE *out)
{
	struct csv_sink *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->base.ops = &csv_ops;
	c->base.out = out;
	return &c->base;
}

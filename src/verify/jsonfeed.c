/* JSON lines of many sensors in, records out in verdict-time order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verify/jsonfeed.h"

/* One file: where it is, and its next record. */
struct input {
	FILE *fp;
	const char *name;
	uint64_t lineno;
	int have;			/* head holds its next record */
	struct record head;
};

struct feed {
	struct jsonrec *jr;
	const struct jsonfeed_ops *ops;
	void *ctx;
	struct input_stats *in;
	char line[JSONFEED_MAX_LINE];
};

/* One line of fp into buf (cap bytes at most, the rest of a longer line
 * skipped, *cut set), without its newline: its length, or -1 at the end
 * of the file. */
static long
read_line(FILE *fp, char *buf, size_t cap, int *cut)
{
	size_t n = 0;
	int ch;

	*cut = 0;
	while ((ch = getc_unlocked(fp)) != EOF && ch != '\n') {
		if (n < cap)
			buf[n++] = (char)ch;
		else
			*cut = 1;
	}
	if (ch == EOF && n == 0)
		return -1;
	return (long)n;
}

/* One line of in: a record in in->head (in->have), or counted. */
static void
take_line(struct feed *f, struct input *in, size_t len)
{
	char why[256];

	switch (jsonrec_parse(f->jr, f->line, len, &in->head, why, sizeof why)) {
	case JR_RECORD:
		in->have = 1;
		f->in->records++;
		break;
	case JR_NOT_JSON:
		f->in->not_json++;
		break;
	case JR_OTHER_TYPE:
		f->in->other_type++;
		break;
	case JR_BAD:
		f->in->bad++;
		f->ops->bad(f->ctx, in->name, in->lineno, why);
		break;
	}
}

/* Reads in up to its next record, or to its end. */
static void
advance(struct feed *f, struct input *in)
{
	char why[160];
	long len;
	int cut;

	in->have = 0;
	while (!in->have &&
	    (len = read_line(in->fp, f->line, sizeof f->line, &cut)) >= 0) {
		in->lineno++;
		f->in->lines++;
		if (!cut) {
			take_line(f, in, (size_t)len);
			continue;
		}
		f->in->bad++;
		snprintf(why, sizeof why, "line longer than %d bytes",
		    JSONFEED_MAX_LINE);
		f->ops->bad(f->ctx, in->name, in->lineno, why);
	}
	if (!in->have && ferror(in->fp)) {
		snprintf(why, sizeof why, "read error: %s", strerror(errno));
		f->ops->bad(f->ctx, in->name, 0, why);
		clearerr(in->fp);
		in->fp = NULL;
	}
}

int
jsonfeed_run(struct jsonrec *jr, FILE *const *fp, const char *const *name,
    int n, const struct jsonfeed_ops *ops, void *ctx, struct input_stats *st)
{
	struct feed *f = calloc(1, sizeof *f);
	struct input *in = calloc((size_t)(n > 0 ? n : 1), sizeof *in);
	int i, best;

	if (f == NULL || in == NULL) {
		free(f);
		free(in);
		return -1;
	}
	*f = (struct feed){ jr, ops, ctx, st, { 0 } };
	st->files += (uint64_t)n;
	for (i = 0; i < n; i++) {
		in[i].fp = fp[i];
		in[i].name = name[i];
		advance(f, &in[i]);
	}
	/* The earliest verdict next; a tie goes to the file named first. */
	for (;;) {
		for (best = -1, i = 0; i < n; i++)
			if (in[i].have && (best < 0 ||
			    in[i].head.verdict_us < in[best].head.verdict_us))
				best = i;
		if (best < 0)
			break;
		ops->record(ctx, &in[best].head);
		if (in[best].fp != NULL)
			advance(f, &in[best]);
		else
			in[best].have = 0;
	}
	free(in);
	free(f);
	return 0;
}

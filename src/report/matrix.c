/*
 * The probe matrix: rows are source addresses, columns are target
 * address:port (with the MX name), cells the verdict.  It tells "refuses
 * everyone" from "refuses one source" at a glance.  Columns are in MX
 * order: by preference, then address, then port; targets without a
 * preference (literal --target, a host name) after those with one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/sink.h"

#define MATRIX_CELLS 4096
#define MATRIX_AXIS 256

struct column {
	struct addr a;
	uint16_t port;
	int pref;			/* MX preference; -1: none */
	int idx;			/* its number in the cells */
	char label[80];
};

struct cell {
	int row, col;
	char verdict[40];
};

struct matrix_sink {
	struct sink base;
	struct addr rows[MATRIX_AXIS];
	int nrows;
	struct column cols[MATRIX_AXIS];
	int ncols;
	struct cell cells[MATRIX_CELLS];
	int ncells, dropped;
};

static int
row_of(struct matrix_sink *m, const struct addr *a)
{
	int i;

	for (i = 0; i < m->nrows; i++)
		if (addr_eq(&m->rows[i], a))
			return i;
	if (m->nrows == MATRIX_AXIS)
		return -1;
	m->rows[m->nrows] = *a;
	return m->nrows++;
}

static int
col_of(struct matrix_sink *m, const struct record *r)
{
	const struct origin *o = r->origin;
	struct column *c;
	int i;

	for (i = 0; i < m->ncols; i++)
		if (m->cols[i].port == r->t.server_port &&
		    addr_eq(&m->cols[i].a, &r->t.server))
			return i;
	if (m->ncols == MATRIX_AXIS)
		return -1;
	c = &m->cols[m->ncols];
	c->a = r->t.server;
	c->port = r->t.server_port;
	c->pref = o != NULL && o->mx_pref >= 0 ? o->mx_pref : -1;
	c->idx = m->ncols;
	if (o != NULL && o->mx != NULL && o->mx_pref >= 0)
		snprintf(c->label, sizeof c->label, "%s (MX %d)", o->mx, o->mx_pref);
	else if (o != NULL && o->mx != NULL)
		snprintf(c->label, sizeof c->label, "%s", o->mx);
	return m->ncols++;
}

static void
matrix_record(struct sink *s, const struct record *r)
{
	struct matrix_sink *m = (struct matrix_sink *)s;
	int row = row_of(m, &r->t.client), col = col_of(m, r);
	struct cell *c;

	if (row < 0 || col < 0 || m->ncells == MATRIX_CELLS) {
		m->dropped++;
		return;
	}
	c = &m->cells[m->ncells++];
	c->row = row;
	c->col = col;
	snprintf(c->verdict, sizeof c->verdict, "%s/%s", vclass_name(r->v.cls),
	    r->v.reason);
}

/* MX order: a preference before none, lower preference first, then the
 * address (IPv4 first, then byte order), then the port. */
static int
column_cmp(const void *x, const void *y)
{
	const struct column *a = x, *b = y;
	int d;

	if ((a->pref < 0) != (b->pref < 0))
		return a->pref < 0 ? 1 : -1;
	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	if (a->a.family != b->a.family)
		return a->a.family < b->a.family ? -1 : 1;
	if ((d = memcmp(a->a.b, b->a.b, sizeof a->a.b)) != 0)
		return d;
	return (int)a->port - (int)b->port;
}

static void
matrix_finish(struct sink *s, const struct stats *st, int final)
{
	struct matrix_sink *m = (struct matrix_sink *)s;
	char a[ADDR_STRLEN], head[16];
	int r, c, i;

	(void)st;
	if (!final || m->ncells == 0)
		return;
	qsort(m->cols, (size_t)m->ncols, sizeof *m->cols, column_cmp);
	fprintf(s->out, "matrix: rows are sources, columns targets\n");
	for (c = 0; c < m->ncols; c++) {
		char ep[ENDPOINT_STRLEN];

		fprintf(s->out, "  [%d] %s%s%s\n", c + 1, m->cols[c].label,
		    m->cols[c].label[0] ? " " : "",
		    endpoint_str(&m->cols[c].a, m->cols[c].port, ep));
	}
	fprintf(s->out, "%-39s", "source");
	for (c = 0; c < m->ncols; c++) {
		snprintf(head, sizeof head, "[%d]", c + 1);
		fprintf(s->out, c + 1 < m->ncols ? " %-28s" : " %s", head);
	}
	putc('\n', s->out);
	for (r = 0; r < m->nrows; r++) {
		fprintf(s->out, "%-39s", addr_str(&m->rows[r], a));
		for (c = 0; c < m->ncols; c++) {
			const char *v = "-";

			for (i = 0; i < m->ncells; i++)
				if (m->cells[i].row == r &&
				    m->cells[i].col == m->cols[c].idx)
					v = m->cells[i].verdict;
			fprintf(s->out, c + 1 < m->ncols ? " %-28s" : " %s", v);
		}
		putc('\n', s->out);
	}
	if (m->dropped)
		fprintf(s->out, "(%d probes not shown: matrix full)\n", m->dropped);
	fflush(s->out);
}

static const struct sink_ops matrix_ops = {
	.record = matrix_record,
	.finish = matrix_finish,
	.free = sink_free,
};

struct sink *
sink_matrix_new(FILE *out)
{
	struct matrix_sink *m = calloc(1, sizeof *m);

	if (m == NULL)
		return NULL;
	m->base.ops = &matrix_ops;
	m->base.out = out;
	return &m->base;
}

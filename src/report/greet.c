/*
 * probe --greet as text, JSON lines and a matrix.  The replies' text is
 * already printable ASCII with backslashes doubled (util/smtpreply.h).
 */
#define _GNU_SOURCE		/* strerrorname_np(3) */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/verdict.h"
#include "report/fields.h"
#include "report/greet.h"
#include "report/jsonw.h"
#include "util/timefmt.h"

/* "ECONNREFUSED", or NULL when there is no error. */
static const char *
err_name(int e)
{
	const char *n;

	if (e == 0)
		return NULL;
	n = strerrorname_np(e);
	return n != NULL ? n : errno_name(e);
}

static void
put_quoted(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('\\', out);
		putc(*s, out);
	}
	putc('"', out);
}

/* The finding a reply's text makes, as a line of its own. */
static void
text_finding(FILE *out, const struct greet_result *r)
{
	const struct smtp_reply *rep = r->has_greeting &&
	    smtp_reply_hint(&r->greeting) != SMTP_HINT_NONE ? &r->greeting : &r->ehlo;
	char a[ADDR_STRLEN], ep[ENDPOINT_STRLEN];

	fprintf(out, "finding: %s: %s answers %s with %d%s%s: ",
	    smtp_hint_name(r->hint), endpoint_str(&r->server, r->port, ep),
	    addr_str(&r->source, a), rep->code, rep->enhanced[0] ? " " : "",
	    rep->enhanced);
	if (r->hint == SMTP_HINT_BLOCKLIST)
		fputs("the text names a DNS blocklist; look up the address the "
		    "server saw (behind NAT, the public one) in it\n", out);
	else
		fputs("the text names a connection or rate limit; send slower, "
		    "or from fewer connections at once\n", out);
}

void
greet_write_text(FILE *out, const struct greet_result *r)
{
	char ts[ADDR_STRLEN], buf[ADDR_STRLEN], ep[ENDPOINT_STRLEN];
	const char *en;

	fmt_time(ts, sizeof ts, r->ts_us);
	fprintf(out, "%s %s -> ", ts, addr_str(&r->source, buf));
	fprintf(out, "%s greet %s", endpoint_str(&r->server, r->port, ep),
	    greet_outcome_name(r->outcome));
	if (r->has_greeting) {
		fprintf(out, " %d%s%s ", r->greeting.code,
		    r->greeting.enhanced[0] ? " " : "", r->greeting.enhanced);
		put_quoted(out, r->greeting.lines[0]);
		if (r->greeting.nlines > 1)
			fprintf(out, " (+%d lines)", r->greeting.nlines - 1);
	}
	if (r->has_ehlo)
		fprintf(out, " ehlo=%d", r->ehlo.code);
	if (r->starttls >= 0)
		fprintf(out, " starttls=%s", r->starttls ? "yes" : "no");
	if (r->connect_us >= 0)
		fprintf(out, " connect=%" PRId64 ".%03" PRId64 "ms",
		    r->connect_us / 1000, r->connect_us % 1000);
	if ((en = err_name(r->err)) != NULL)
		fprintf(out, " errno=%s", en);
	if (r->why != NULL) {
		fputs(" why=", out);
		put_quoted(out, r->why);
	}
	if (r->mx != NULL)
		fprintf(out, " mx=%s", r->mx);
	putc('\n', out);
	if (r->hint != SMTP_HINT_NONE)
		text_finding(out, r);
}

static void
json_lines(FILE *out, const char *name, const struct smtp_reply *rep, int has)
{
	int k;

	fprintf(out, ",\"%s\":", name);
	if (!has) {
		fputs("null", out);
		return;
	}
	putc('[', out);
	for (k = 0; k < rep->nlines; k++) {
		if (k > 0)
			putc(',', out);
		json_put_string(out, rep->lines[k]);
	}
	putc(']', out);
}

static void
json_replies(FILE *out, const struct greet_result *r)
{
	const struct smtp_reply *g = &r->greeting, *e = &r->ehlo;

	jw_int(out, "greeting_code", g->code, r->has_greeting);
	jw_str(out, "enhanced_code", r->has_greeting && g->enhanced[0] ?
	    g->enhanced : NULL);
	jw_str(out, "greeting", r->has_greeting ? g->lines[0] : NULL);
	json_lines(out, "greeting_lines", g, r->has_greeting);
	fprintf(out, ",\"greeting_truncated\":%s", !r->has_greeting ? "null" :
	    g->cut ? "true" : "false");
	jw_int(out, "ehlo_code", e->code, r->has_ehlo);
	jw_str(out, "ehlo_enhanced_code", r->has_ehlo && e->enhanced[0] ?
	    e->enhanced : NULL);
	json_lines(out, "ehlo_lines", e, r->has_ehlo);
	fprintf(out, ",\"starttls\":%s", r->starttls < 0 ? "null" :
	    r->starttls ? "true" : "false");
}

void
greet_write_json(FILE *out, const struct greet_result *r, const char *sensor)
{
	char buf[ADDR_STRLEN];

	jw_head(out, "greeting", sensor);
	fmt_time(buf, sizeof buf, r->ts_us);
	fprintf(out, ",\"ts\":\"%s\"", buf);
	fprintf(out, ",\"source\":\"%s\"", addr_str(&r->source, buf));
	fprintf(out, ",\"server\":\"%s\",\"server_port\":%u,\"family\":%d",
	    addr_str(&r->server, buf), r->port, r->server.family);
	jw_str(out, "mx", r->mx);
	jw_int(out, "mx_pref", r->mx_pref, r->mx_pref >= 0);
	fprintf(out, ",\"outcome\":\"%s\"", greet_outcome_name(r->outcome));
	jw_str(out, "errno", err_name(r->err));
	jw_ms(out, "connect_ms", r->connect_us);
	json_replies(out, r);
	jw_str(out, "finding", smtp_hint_name(r->hint));
	jw_str(out, "why", r->why);
	fputs("}\n", out);
}

/* The matrix: rows are sources, columns server:port in the order first
 * seen (the targets' MX order), cells the greeting code or the outcome. */
#define GMATRIX_AXIS 256
#define GMATRIX_CELLS 4096

struct gcol {
	struct addr a;
	uint16_t port;
	uint32_t seq;			/* the first of its conversations */
	char label[80];
};

struct gcell {
	int row, col;
	char text[32];
};

struct greet_matrix {
	struct addr rows[GMATRIX_AXIS];
	uint32_t rowseq[GMATRIX_AXIS];	/* the first of each row's conversations */
	int nrows;
	struct gcol cols[GMATRIX_AXIS];
	int ncols;
	struct gcell cells[GMATRIX_CELLS];
	int ncells, dropped;
};

struct greet_matrix *
greet_matrix_new(void)
{
	return calloc(1, sizeof(struct greet_matrix));
}

void
greet_matrix_free(struct greet_matrix *m)
{
	free(m);
}

static int
grow_row(struct greet_matrix *m, const struct addr *a, uint32_t seq)
{
	int i;

	for (i = 0; i < m->nrows; i++)
		if (addr_eq(&m->rows[i], a)) {
			if (seq < m->rowseq[i])
				m->rowseq[i] = seq;
			return i;
		}
	if (m->nrows == GMATRIX_AXIS)
		return -1;
	m->rows[m->nrows] = *a;
	m->rowseq[m->nrows] = seq;
	return m->nrows++;
}

static int
grow_col(struct greet_matrix *m, const struct greet_result *r)
{
	struct gcol *c;
	int i;

	for (i = 0; i < m->ncols; i++)
		if (m->cols[i].port == r->port && addr_eq(&m->cols[i].a, &r->server)) {
			if (r->seq < m->cols[i].seq)
				m->cols[i].seq = r->seq;
			return i;
		}
	if (m->ncols == GMATRIX_AXIS)
		return -1;
	c = &m->cols[m->ncols];
	c->a = r->server;
	c->port = r->port;
	c->seq = r->seq;
	if (r->mx != NULL && r->mx_pref >= 0)
		snprintf(c->label, sizeof c->label, "%s (MX %d)", r->mx, r->mx_pref);
	else if (r->mx != NULL)
		snprintf(c->label, sizeof c->label, "%s", r->mx);
	return m->ncols++;
}

void
greet_matrix_add(struct greet_matrix *m, const struct greet_result *r)
{
	int row = grow_row(m, &r->source, r->seq), col = grow_col(m, r);
	struct gcell *c;

	if (row < 0 || col < 0 || m->ncells == GMATRIX_CELLS) {
		m->dropped++;
		return;
	}
	c = &m->cells[m->ncells++];
	c->row = row;
	c->col = col;
	if (r->outcome == GREET_GREETING)
		snprintf(c->text, sizeof c->text, "%d%s%s%s", r->greeting.code,
		    r->greeting.enhanced[0] ? " " : "", r->greeting.enhanced,
		    r->starttls == 1 ? " starttls" : "");
	else if (r->outcome == GREET_EHLO_REJECTED && r->has_ehlo)
		snprintf(c->text, sizeof c->text, "%d, EHLO %d",
		    r->greeting.code, r->ehlo.code);
	else
		snprintf(c->text, sizeof c->text, "%s", greet_outcome_name(r->outcome));
}

static const char *
cell_text(const struct greet_matrix *m, int row, int col)
{
	int i;

	for (i = 0; i < m->ncells; i++)
		if (m->cells[i].row == row && m->cells[i].col == col)
			return m->cells[i].text;
	return "-";
}

/* Rows and columns in the order the conversations were set up (the
 * targets as given, an MX's addresses in preference order, the sources as
 * given), whatever order they ended in: order[] by seq[]. */
static void
seq_order(const uint32_t *seq, int n, int order[GMATRIX_AXIS])
{
	int i, j, t;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && seq[order[j]] < seq[order[j - 1]]; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

void
greet_matrix_print(const struct greet_matrix *m, FILE *out)
{
	char a[ADDR_STRLEN], ep[ENDPOINT_STRLEN], head[16];
	int r, c, order[GMATRIX_AXIS], rows[GMATRIX_AXIS];
	uint32_t colseq[GMATRIX_AXIS];

	if (m->ncells == 0)
		return;
	for (c = 0; c < m->ncols; c++)
		colseq[c] = m->cols[c].seq;
	seq_order(colseq, m->ncols, order);
	seq_order(m->rowseq, m->nrows, rows);
	fprintf(out, "greet matrix: rows are sources, columns targets\n");
	for (c = 0; c < m->ncols; c++)
		fprintf(out, "  [%d] %s%s%s\n", c + 1, m->cols[order[c]].label,
		    m->cols[order[c]].label[0] ? " " : "",
		    endpoint_str(&m->cols[order[c]].a, m->cols[order[c]].port, ep));
	fprintf(out, "%-39s", "source");
	for (c = 0; c < m->ncols; c++) {
		snprintf(head, sizeof head, "[%d]", c + 1);
		fprintf(out, c + 1 < m->ncols ? " %-18s" : " %s", head);
	}
	putc('\n', out);
	for (r = 0; r < m->nrows; r++) {
		fprintf(out, "%-39s", addr_str(&m->rows[rows[r]], a));
		for (c = 0; c < m->ncols; c++)
			fprintf(out, c + 1 < m->ncols ? " %-18s" : " %s",
			    cell_text(m, rows[r], order[c]));
		putc('\n', out);
	}
	if (m->dropped)
		fprintf(out, "(%d connections not shown: matrix full)\n", m->dropped);
}

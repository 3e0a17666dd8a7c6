/*
 * The page's grid: rows are sources, columns destinations, each cell the
 * verdicts of that source's attempts there (report/html.h).  A cell of
 * one class is coloured by it; a cell of several is "mixed", with a bar
 * of their shares.  The same for the probe matrix and a capture.
 */
#include <stdlib.h>
#include <string.h>

#include "html_internal.h"

static int
addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, sizeof a->b);
}

static uint64_t
dest_total(const struct scope_dest *d)
{
	uint64_t t = 0;
	int c;

	for (c = 0; c < VC_COUNT; c++)
		t += d->n[c];
	return t;
}

/* More failures first, then more attempts. */
static int
busier(const struct scope_dest *a, const struct scope_dest *b)
{
	uint64_t fa = scope_failures(a->n), fb = scope_failures(b->n);

	if (fa != fb)
		return fa > fb;
	return dest_total(a) > dest_total(b);
}

static const struct scope *order_agg;	/* qsort's context */

/* The probe matrix's order (report/matrix.c): a preference before none,
 * lower first, then the address, then the port. */
static int
col_cmp(const void *x, const void *y)
{
	const struct scope_dest *a = scope_dest(order_agg, *(const uint32_t *)x);
	const struct scope_dest *b = scope_dest(order_agg, *(const uint32_t *)y);
	int d;

	if ((a->mx_pref < 0) != (b->mx_pref < 0))
		return a->mx_pref < 0 ? 1 : -1;
	if (a->mx_pref != b->mx_pref)
		return a->mx_pref < b->mx_pref ? -1 : 1;
	if ((d = addr_cmp(&a->server, &b->server)) != 0)
		return d;
	return (int)a->port - (int)b->port;
}

void
html_choose_cols(struct scope *agg, struct html_cols *c)
{
	uint32_t i, nd = scope_ndests(agg);
	int k;

	memset(c, 0, sizeof *c);
	for (i = 0; i < nd; i++) {
		const struct scope_dest *d = scope_dest(agg, i);

		/* Kept busiest first: when full, d takes the least busy's place
		 * only if it is busier (ties: the first seen stays). */
		k = c->n < HTML_MAX_COLS ? c->n : HTML_MAX_COLS - 1;
		if (c->n == HTML_MAX_COLS && !busier(d, scope_dest(agg, c->dest[k])))
			continue;
		for (; k > 0 && busier(d, scope_dest(agg, c->dest[k - 1])); k--)
			c->dest[k] = c->dest[k - 1];
		c->dest[k] = i;
		if (c->n < HTML_MAX_COLS)
			c->n++;
	}
	c->more = nd - (uint32_t)c->n;
	for (i = 0; c->more > 0 && i < nd; i++) {
		for (k = 0; k < c->n && c->dest[k] != i; k++)
			;
		if (k == c->n)
			c->more_attempts += dest_total(scope_dest(agg, i));
	}
	memcpy(c->busiest, c->dest, sizeof c->busiest);
	order_agg = agg;
	qsort(c->dest, (size_t)c->n, sizeof *c->dest, col_cmp);
}

struct row {
	struct addr a;
	uint64_t fails, total;
};

static int
row_addr_cmp(const void *x, const void *y)
{
	return addr_cmp(&((const struct row *)x)->a, &((const struct row *)y)->a);
}

static int
row_busy_cmp(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->fails != b->fails)
		return a->fails > b->fails ? -1 : 1;
	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return addr_cmp(&a->a, &b->a);
}

/* The sources of the columns, each once with its attempts there: the
 * busiest HTML_MAX_ROWS, by address; NULL when out of memory. */
static struct row *
choose_rows(struct scope *agg, const struct html_cols *c, int *nrows,
    struct html_left *left)
{
	struct row *r;
	size_t n = 0, m, i, all = 0;
	int k, cls;

	for (k = 0; k < c->n; k++)
		all += scope_dest(agg, c->dest[k])->nsrc;
	if ((r = calloc(all ? all : 1, sizeof *r)) == NULL)
		return NULL;
	for (k = 0; k < c->n; k++) {
		const struct scope_dest *d = scope_dest(agg, c->dest[k]);

		for (i = 0; i < d->nsrc; i++, n++) {
			r[n].a = *scope_source_addr(agg, &d->src[i]);
			r[n].fails = scope_source_failures(&d->src[i]);
			for (cls = 0; cls < VC_COUNT; cls++)
				r[n].total += d->src[i].n[cls];
		}
	}
	qsort(r, n, sizeof *r, row_addr_cmp);
	for (i = 0, m = 0; i < n; i++) {
		if (m > 0 && addr_eq(&r[m - 1].a, &r[i].a)) {
			r[m - 1].fails += r[i].fails;
			r[m - 1].total += r[i].total;
		} else
			r[m++] = r[i];
	}
	qsort(r, m, sizeof *r, row_busy_cmp);
	for (i = HTML_MAX_ROWS; i < m; i++) {
		left->rows++;
		left->row_attempts += r[i].total;
	}
	*nrows = m < HTML_MAX_ROWS ? (int)m : HTML_MAX_ROWS;
	qsort(r, (size_t)*nrows, sizeof *r, row_addr_cmp);
	return r;
}

static const struct scope_source *
source_of(const struct scope *agg, const struct scope_dest *d,
    const struct addr *a)
{
	uint32_t i;

	for (i = 0; i < d->nsrc; i++)
		if (addr_eq(scope_source_addr(agg, &d->src[i]), a))
			return &d->src[i];
	return NULL;
}

/* The words of a class in a cell: with its reason when it is a failure
 * (that of the source's latest failure). */
static void
put_class(FILE *out, struct scope *agg, const struct scope_source *s, int c)
{
	const struct scope_kind *k = scope_kind(agg, s->last_kind);

	fprintf(out, "<b>%s</b>", vclass_name(c));
	if (scope_failed(c) && k != NULL && (int)k->cls == c) {
		putc(' ', out);
		html_escape(out, k->reason);
	}
}

static void
put_cell(FILE *out, struct scope *agg, const struct scope_dest *d,
    const struct scope_source *s, const char *src)
{
	uint64_t total = 0;
	int c, classes = 0, one = 0, first;

	fputs("<td", out);
	if (s == NULL) {
		fputs(" class=\"v-none\" data-verdict=\"none\" data-src=\"", out);
		html_escape(out, src);
		putc('"', out);
		html_dst_attr(out, d);
		fputs(">&ndash;</td>", out);
		return;
	}
	for (c = 0; c < VC_COUNT; c++)
		if (s->n[c]) {
			classes++;
			one = c;
			total += s->n[c];
		}
	fprintf(out, " class=\"v-%s\" data-verdict=\"%s\" data-src=\"",
	    classes == 1 ? vclass_name(one) : "mixed",
	    classes == 1 ? vclass_name(one) : "mixed");
	html_escape(out, src);
	putc('"', out);
	html_dst_attr(out, d);
	fprintf(out, "><span class=\"n\">%llu</span>", (unsigned long long)total);
	for (c = 0, first = 1; c < VC_COUNT; c++)
		if (s->n[c]) {
			if (classes > 1)
				fprintf(out, "%s%u ", first ? "" : "<br>", s->n[c]);
			put_class(out, agg, s, c);
			first = 0;
		}
	if (classes > 1) {
		fputs("<span class=\"bar\">", out);
		for (c = 0; c < VC_COUNT; c++)
			if (s->n[c])
				fprintf(out, "<i class=\"b-%s\" style=\"width:%.1f%%\">"
				    "</i>", vclass_name(c), 100.0 * s->n[c] / total);
		fputs("</span>", out);
	}
	fputs("</td>", out);
}

static void
put_col_heads(FILE *out, struct scope *agg, const struct html_cols *c)
{
	int k;

	fputs("<thead><tr><th scope=\"col\">source \\ destination</th>", out);
	for (k = 0; k < c->n; k++) {
		const struct scope_dest *d = scope_dest(agg, c->dest[k]);

		fputs("<th scope=\"col\"", out);
		html_dst_attr(out, d);
		putc('>', out);
		html_dest(out, d);
		fprintf(out, "<span class=\"mx\">%llu of %llu failed</span></th>",
		    (unsigned long long)scope_failures(d->n),
		    (unsigned long long)dest_total(d));
	}
	fputs("</tr></thead>\n", out);
}

void
html_grid(FILE *out, struct scope *agg, const struct html_cols *c,
    struct html_left *left)
{
	char a[ADDR_STRLEN];
	struct row *r;
	int i, k, n = 0;

	fputs("<section id=\"grid\">\n<h2>Sources &times; destinations</h2>\n",
	    out);
	if (c->n == 0) {
		fputs("<p>No attempts.</p>\n</section>\n", out);
		return;
	}
	if ((r = choose_rows(agg, c, &n, left)) == NULL) {
		fputs("<p>Out of memory for the grid.</p>\n</section>\n", out);
		return;
	}
	fputs("<p class=\"note\">Each cell: that source's attempts to that "
	    "destination, by verdict (the reason of its latest failure); a "
	    "number of attempts at the right.</p>\n<table class=\"grid\">\n", out);
	put_col_heads(out, agg, c);
	fputs("<tbody>\n", out);
	for (i = 0; i < n; i++) {
		addr_str(&r[i].a, a);
		fputs("<tr><th scope=\"row\">", out);
		html_escape(out, a);
		fputs("</th>", out);
		for (k = 0; k < c->n; k++) {
			const struct scope_dest *d = scope_dest(agg, c->dest[k]);

			put_cell(out, agg, d, source_of(agg, d, &r[i].a), a);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n</section>\n", out);
	free(r);
}

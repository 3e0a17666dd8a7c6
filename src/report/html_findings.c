/*
 * The page's findings and evidence (report/html.h): the --scope findings
 * in the words of report/finding_text.c, those about failures first, and
 * the --evidence block of each destination that failed, as report/scope.c
 * writes it, escaped.
 */
#include <stdlib.h>

#include "html_internal.h"
#include "report/finding.h"
#include "report/scope.h"

static void
put_row(FILE *out, struct html_sink *h, struct scope *agg,
    const struct scope_finding *sf)
{
	const struct scope_dest *d = scope_dest(agg, sf->dest);
	struct finding f;
	char text[1024];

	scope_finding_view(agg, sf, &f);
	finding_sentence(&f, h->sensor, text, sizeof text);
	fprintf(out, "<tr class=\"f-%s\" data-kind=\"%s\"", finding_kind_name(f.kind),
	    finding_kind_name(f.kind));
	html_dst_attr(out, d);
	fputs("><td>", out);
	html_dest(out, d);
	fprintf(out, "</td><td><b>%s</b>%s</td><td>", finding_kind_name(f.kind),
	    f.not_recipient ? "<br>not the recipient" : "");
	html_escape(out, text);
	fputs("</td></tr>\n", out);
}

/* The findings about failures (failures true) or the others, up to the
 * table's room; returns the rows written. */
static int
put_rows(FILE *out, struct html_sink *h, struct scope *agg, int failures,
    int room, struct html_left *left)
{
	uint32_t i;
	int k, n, rows = 0;

	for (i = 0; i < scope_ndests(agg); i++) {
		n = scope_findings(agg, i, h->f);
		for (k = 0; k < n; k++) {
			if ((h->f[k].kind != SF_NO_FAILURE) != failures)
				continue;
			if (rows == room) {
				left->findings++;
				continue;
			}
			put_row(out, h, agg, &h->f[k]);
			rows++;
		}
	}
	return rows;
}

void
html_findings(FILE *out, struct html_sink *h, struct scope *agg,
    struct html_left *left)
{
	int rows;

	fputs("<section id=\"findings\">\n<h2>Findings</h2>\n", out);
	fputs("<table class=\"findings\">\n<thead><tr><th>destination</th>"
	    "<th>finding</th><th>what it rests on</th></tr></thead>\n<tbody>\n",
	    out);
	rows = put_rows(out, h, agg, 1, HTML_MAX_FINDINGS, left);
	rows += put_rows(out, h, agg, 0, HTML_MAX_FINDINGS - rows, left);
	fputs("</tbody>\n</table>\n", out);
	if (rows == 0)
		fputs("<p>No findings.</p>\n", out);
	fputs("</section>\n", out);
}

/* One destination's block through a memory stream, then escaped. */
static void
put_block(FILE *out, struct html_sink *h, struct scope *agg, uint32_t i)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	fputs("<article class=\"evidence\"", out);
	html_dst_attr(out, scope_dest(agg, i));
	fputs(">\n<h3>", out);
	html_dest(out, scope_dest(agg, i));
	fputs("</h3>\n<pre>", out);
	if (mem != NULL) {
		sink_scope_write_evidence(h->scope, mem, i);
		if (fclose(mem) == 0)
			html_escape_n(out, text, len);
	}
	if (mem == NULL || text == NULL)
		fputs("(out of memory)", out);
	free(text);
	fputs("</pre>\n</article>\n", out);
}

void
html_evidence(FILE *out, struct html_sink *h, struct scope *agg,
    struct html_left *left)
{
	uint32_t i;
	int n = 0;

	fputs("<section id=\"evidence\">\n<h2>Evidence</h2>\n<p class=\"note\">"
	    "For an unblock request, one block per destination that failed, "
	    "as <code>--evidence</code> writes it (times in UTC).</p>\n", out);
	for (i = 0; i < scope_ndests(agg); i++) {
		if (scope_failures(scope_dest(agg, i)->n) == 0)
			continue;
		if (n == HTML_MAX_EVIDENCE) {
			left->evidence++;
			continue;
		}
		put_block(out, h, agg, i);
		n++;
	}
	if (n == 0)
		fputs("<p>No destination failed.</p>\n", out);
	fputs("</section>\n", out);
}

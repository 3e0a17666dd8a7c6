/*
 * --html: the page (report/html.h).  This file keeps the timeline's
 * points and writes the page's frame: head, style, the run's counts and
 * what the caps left out; html_grid.c, html_timeline.c and
 * html_findings.c write the sections.
 */
#include <stdlib.h>
#include <string.h>

#include "html_internal.h"
#include "report/scope.h"
#include "util/timefmt.h"

/* No script, no font, no fetch: only the inline style and SVG. */
static const char csp[] = "default-src 'none'; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'";

/* Okabe-Ito colours (told apart with most colour blindness), and a word
 * in every cell so that print in grey and mail without style still say it. */
static const char style[] =
    "*{box-sizing:border-box;-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}\n"
    "body{font:14px/1.4 system-ui,sans-serif;color:#111;background:#fff;"
    "margin:1.5em auto;max-width:1100px;padding:0 1em}\n"
    "h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .5em;"
    "border-bottom:1px solid #bbb}h3{font-size:1em;margin:1em 0 .3em}\n"
    "table{border-collapse:collapse;font-size:12px}"
    "th,td{border:1px solid #ccc;padding:3px 5px;vertical-align:top}\n"
    "th{background:#f4f4f4;text-align:left;font-weight:600}\n"
    ".grid td{min-width:7em}.grid .n{float:right;color:#333}\n"
    ".mx{display:block;font-weight:400;color:#444}\n"
    ".v-accepted{background:#cdeee3;border-left:4px solid #009e73}\n"
    ".v-refused{background:#f8d5bf;border-left:4px solid #d55e00}\n"
    ".v-prohibited{background:#f1d7e6;border-left:4px solid #cc79a7}\n"
    ".v-unreachable{background:#f9e3b3;border-left:4px solid #e69f00}\n"
    ".v-dropped{background:#ddd;border-left:4px solid #555}\n"
    ".v-unresolved{background:#f4f4f4;border-left:4px dotted #999}\n"
    ".v-mixed{background:#fff;border-left:4px double #333}\n"
    ".v-none{color:#999;text-align:center}\n"
    ".bar{display:flex;height:6px;margin-top:2px}.bar i{display:block}\n"
    ".b-accepted{background:#009e73}.b-refused{background:#d55e00}"
    ".b-prohibited{background:#cc79a7}.b-unreachable{background:#e69f00}"
    ".b-dropped{background:#555}.b-unresolved{background:#999}\n"
    ".legend span{display:inline-block;margin:0 .6em .3em 0;padding:1px 6px}\n"
    "pre{white-space:pre-wrap;word-break:break-word;background:#fafafa;"
    "border:1px solid #ddd;padding:.6em;font-size:12px}\n"
    "svg{max-width:100%;height:auto}svg text{font:11px sans-serif}\n"
    ".meta,.note{color:#444}\n"
    "@media print{body{margin:0;max-width:none;font-size:10pt}"
    "section{break-inside:avoid-page}article{break-inside:avoid}"
    "h2{break-after:avoid}}\n"
    "@page{size:A4 landscape;margin:12mm}\n";

void
html_time(FILE *out, int64_t us)
{
	char t[40];

	if (us == SCOPE_NONE) {
		fputs("never", out);
		return;
	}
	fmt_time(t, sizeof t, us);
	html_escape(out, t);
}

void
html_dst_attr(FILE *out, const struct scope_dest *d)
{
	char ep[ENDPOINT_STRLEN];

	fputs(" data-dst=\"", out);
	html_escape(out, endpoint_str(&d->server, d->port, ep));
	putc('"', out);
}

void
html_dest(FILE *out, const struct scope_dest *d)
{
	char ep[ENDPOINT_STRLEN];

	html_escape(out, endpoint_str(&d->server, d->port, ep));
	if (d->mx == NULL)
		return;
	fputs(" (", out);
	html_escape(out, d->mx);
	if (d->mx_pref >= 0) {
		fprintf(out, ", MX %d of ", d->mx_pref);
		html_escape(out, d->domain != NULL ? d->domain : "?");
	}
	putc(')', out);
}

static void
put_head(FILE *out, const struct html_sink *h)
{
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>smtpscope ", csp);
	html_escape(out, h->command);
	fputs(" report</title>\n<style>\n", out);
	fputs(style, out);
	fputs("</style>\n</head>\n<body>\n", out);
}

/* The run: command, sensor, window, and its attempts by class. */
static void
put_intro(FILE *out, const struct html_sink *h, const struct stats *st)
{
	uint64_t all = 0;
	int c;

	for (c = 0; c < VC_COUNT; c++)
		all += h->n[c];
	fputs("<header>\n<h1>smtpscope report</h1>\n<p class=\"meta\">", out);
	html_escape(out, h->command);
	fputs(" on sensor ", out);
	html_escape(out, h->sensor != NULL ? h->sensor : "?");
	fprintf(out, ": %llu attempt%s", (unsigned long long)all,
	    all == 1 ? "" : "s");
	if (st->packets > 0)
		fprintf(out, " in %llu packets", (unsigned long long)st->packets);
	if (all > 0) {
		fputs(", first SYNs from ", out);
		html_time(out, h->first);
		fputs(" to ", out);
		html_time(out, h->last);
	}
	fputs(" (times in UTC)</p>\n<p class=\"legend\" id=\"counts\">", out);
	for (c = 0; c < VC_COUNT; c++)
		fprintf(out, "<span class=\"v-%s\" data-class=\"%s\">%s %llu</span>",
		    vclass_name(c), vclass_name(c), vclass_name(c),
		    (unsigned long long)h->n[c]);
	fputs("</p>\n</header>\n", out);
}

/* What the caps left out, each counted; said even when nothing was. */
static void
put_left(FILE *out, const struct html_sink *h, struct scope *agg,
    const struct html_cols *c, const struct html_left *l)
{
	int said = 0;

	fputs("<section id=\"limits\">\n<h2>Not shown</h2>\n<ul>\n", out);
#define LEFT(cond, ...) do { if (cond) { said = 1; fputs("<li>", out); \
	fprintf(out, __VA_ARGS__); fputs("</li>\n", out); } } while (0)
	LEFT(c->more, "%u destinations (%llu attempts) are not in the grid, "
	    "which shows the %d with the most failures", c->more,
	    (unsigned long long)c->more_attempts, HTML_MAX_COLS);
	LEFT(l->rows, "%llu sources (%llu attempts) are not in the grid, which "
	    "shows the %d with the most failures", (unsigned long long)l->rows,
	    (unsigned long long)l->row_attempts, HTML_MAX_ROWS);
	LEFT(l->lanes, "%d destinations of the grid are not in the timeline, "
	    "which draws %d", l->lanes, HTML_MAX_LANES);
	LEFT(h->sample, "the timeline draws one attempt in %llu, chosen by a "
	    "hash of each (%u in all): its bars are of those",
	    (unsigned long long)h->sample + 1, h->npt);
	LEFT(h->not_drawn, "%llu attempts are not drawn in the timeline: out of "
	    "memory", (unsigned long long)h->not_drawn);
	LEFT(l->findings, "%llu findings are not listed (the first %d are)",
	    (unsigned long long)l->findings, HTML_MAX_FINDINGS);
	LEFT(l->evidence, "%llu evidence blocks are not given (the first %d are)",
	    (unsigned long long)l->evidence, HTML_MAX_EVIDENCE);
	LEFT(scope_other_dests(agg), "%llu attempts to destinations past the "
	    "scope budget are counted nowhere else",
	    (unsigned long long)scope_other_dests(agg));
	LEFT(scope_fails_not_kept(agg), "%llu failures were not kept for the "
	    "rate limiting findings: their counts may be short",
	    (unsigned long long)scope_fails_not_kept(agg));
#undef LEFT
	if (!said)
		fputs("<li>Nothing: every attempt is in the grid and the "
		    "timeline.</li>\n", out);
	fputs("</ul>\n</section>\n", out);
}

/* Keeps one more bit's worth fewer points: half of them, by their hash. */
static void
thin(struct html_sink *h)
{
	uint32_t i, k = 0;

	h->sample = h->sample << 1 | 1;
	for (i = 0; i < h->npt; i++)
		if ((h->pt[i].hash & h->sample) == 0)
			h->pt[k++] = h->pt[i];
	h->npt = k;
}

/* A correction (core/track.h) moves its attempt to its final class: the
 * count, and the point if it is drawn (the latest with its hash and time). */
static void
correct_point(struct html_sink *h, const struct record *r, uint32_t hash)
{
	uint32_t i;

	if ((unsigned)r->corrects.cls < VC_COUNT && h->n[r->corrects.cls] > 0)
		h->n[r->corrects.cls]--;
	for (i = h->npt; i-- > 0;)
		if (h->pt[i].hash == hash && h->pt[i].ts == r->first_syn_us) {
			h->pt[i].cls = (uint8_t)r->v.cls;
			return;
		}
}

static void
html_record(struct sink *s, const struct record *r)
{
	struct html_sink *h = (struct html_sink *)s;
	/* The tuple with its time: a retried port is another attempt. */
	uint32_t hash = tuple_hash(&r->t, (uint32_t)r->first_syn_us);
	struct html_point *p;

	h->n[r->v.cls]++;
	if (r->correction) {
		correct_point(h, r, hash);
		return;
	}
	if (h->first == INT64_MIN || r->first_syn_us < h->first)
		h->first = r->first_syn_us;
	if (h->last == INT64_MIN || r->first_syn_us > h->last)
		h->last = r->first_syn_us;
	while ((hash & h->sample) == 0 && h->npt == HTML_MAX_POINTS)
		thin(h);
	if ((hash & h->sample) != 0)
		return;
	if (h->npt == h->cappt) {
		uint32_t cap = h->cappt ? h->cappt * 2 : 1024;

		if ((p = realloc(h->pt, cap * sizeof *p)) == NULL) {
			h->not_drawn++;
			return;
		}
		h->pt = p;
		h->cappt = cap;
	}
	p = &h->pt[h->npt++];
	p->ts = r->first_syn_us;
	p->hash = hash;
	p->port = r->t.server_port;
	p->cls = (uint8_t)r->v.cls;
	p->server = r->t.server;
}

static void
html_finish(struct sink *s, const struct stats *st, int final)
{
	struct html_sink *h = (struct html_sink *)s;
	struct scope *agg = sink_scope_aggregate(h->scope);
	struct html_left left;
	struct html_cols cols;

	if (!final)
		return;
	memset(&left, 0, sizeof left);
	html_choose_cols(agg, &cols);
	put_head(s->out, h);
	put_intro(s->out, h, st);
	html_grid(s->out, agg, &cols, &left);
	html_timeline(s->out, h, agg, &cols, &left);
	html_findings(s->out, h, agg, &left);
	html_evidence(s->out, h, agg, &left);
	put_left(s->out, h, agg, &cols, &left);
	fputs("<footer class=\"note\"><p>Written by smtpscope " 
	    "(see smtpscope(8), OUTPUT, HTML).</p></footer>\n</body>\n</html>\n",
	    s->out);
	fflush(s->out);
}

static void
html_free(struct sink *s)
{
	struct html_sink *h = (struct html_sink *)s;

	free(h->pt);
	free(h->f);
	free(h);
}

static const struct sink_ops html_ops = {
	.record = html_record,
	.finish = html_finish,
	.free = html_free,
};

struct sink *
sink_html_new(FILE *out, struct sink *scope, const char *command,
    const char *sensor)
{
	struct html_sink *h;

	if (scope == NULL || (h = calloc(1, sizeof *h)) == NULL)
		return NULL;
	if ((h->f = calloc(SCOPE_MAX_FINDINGS, sizeof *h->f)) == NULL) {
		free(h);
		return NULL;
	}
	h->base.ops = &html_ops;
	h->base.out = out;
	h->scope = scope;
	h->command = command;
	h->sensor = sensor;
	h->first = h->last = INT64_MIN;
	return &h->base;
}

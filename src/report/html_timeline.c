/*
 * The page's timeline (report/html.h): for each destination of the grid,
 * up to HTML_MAX_LANES, one lane per verdict class with a bar for each
 * slice of time the attempts fell in, as inline SVG; a rate limit's last
 * acceptance and onset (the --scope finding) are drawn across it.
 */
#include <string.h>

#include "html_internal.h"
#include "util/timefmt.h"

#define TL_W 1000		/* the drawing's width */
#define TL_LEFT 190		/* room for the names at the left */
#define TL_BINS 160		/* slices of time, 5 units wide */
#define TL_BIN_W 5
#define TL_LANE 14		/* one class */
#define TL_HEAD 18		/* the destination's name above its lanes */
#define TL_AXIS 30
#define TL_MARKS 4		/* rate limits drawn per destination */

static const char *const colour[VC_COUNT] = {
	"#009e73", "#d55e00", "#cc79a7", "#e69f00", "#555555", "#999999"
};

struct span {
	int64_t t0, len;		/* the first first SYN, and last - first */
};

static double
x_of(const struct span *sp, int64_t ts)
{
	return TL_LEFT + (double)(ts - sp->t0) * TL_BINS * TL_BIN_W /
	    (double)sp->len;
}

static int
bin_of(const struct span *sp, int64_t ts)
{
	int b = (int)((double)(ts - sp->t0) * TL_BINS / (double)sp->len);

	return b < 0 ? 0 : b >= TL_BINS ? TL_BINS - 1 : b;
}

/* Is column k drawn: one of the HTML_MAX_LANES busiest? */
static int
drawn(const struct html_cols *c, int k)
{
	int i;

	for (i = 0; i < HTML_MAX_LANES && i < c->n; i++)
		if (c->busiest[i] == c->dest[k])
			return 1;
	return 0;
}

static int
of_dest(const struct html_point *p, const struct scope_dest *d)
{
	return p->port == d->port && addr_eq(&p->server, &d->server);
}

/* The classes of d's points, as bits. */
static unsigned
classes(const struct html_sink *h, const struct scope_dest *d)
{
	unsigned mask = 0;
	uint32_t i;

	for (i = 0; i < h->npt; i++)
		if (of_dest(&h->pt[i], d))
			mask |= 1u << h->pt[i].cls;
	return mask;
}

static int
lanes_of(unsigned mask)
{
	int c, n = 0;

	for (c = 0; c < VC_COUNT; c++)
		n += mask >> c & 1;
	return n;
}

/* "HH:MM:SS", with milliseconds when the whole is under a minute. */
static void
put_clock(FILE *out, int64_t us, int64_t len)
{
	char t[40];

	fmt_time(t, sizeof t, us);
	fprintf(out, "%.*s", len < 60000000 ? 12 : 8, t + 11);
}

/* A rate limit's last acceptance and first failure after it. */
static void
put_marks(FILE *out, struct html_sink *h, struct scope *agg, uint32_t dest,
    const struct span *sp, int y0, int y1)
{
	int k, n = scope_findings(agg, dest, h->f), drawn = 0, right;
	double x;

	for (k = 0; k < n && drawn < TL_MARKS; k++) {
		const struct scope_finding *f = &h->f[k];

		if (f->kind != SF_RATE_LIMIT)
			continue;
		drawn++;
		fprintf(out, "<line class=\"last-ok\" x1=\"%.1f\" x2=\"%.1f\" "
		    "y1=\"%d\" y2=\"%d\" stroke=\"#009e73\" stroke-width=\"1.5\"/>\n",
		    x_of(sp, f->u.rate.last_ok), x_of(sp, f->u.rate.last_ok), y0, y1);
		fprintf(out, "<line class=\"onset\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
		    "y2=\"%d\" stroke=\"#d55e00\" stroke-width=\"2\" "
		    "stroke-dasharray=\"4 2\"><title>rate limit: failing from ",
		    x_of(sp, f->u.rate.first_ts), x_of(sp, f->u.rate.first_ts),
		    y0, y1);
		html_time(out, f->u.rate.first_ts);
		/* The label reads away from the right edge. */
		x = x_of(sp, f->u.rate.first_ts);
		right = x > TL_LEFT + TL_BINS * TL_BIN_W * 0.7;
		fprintf(out, "</title></line>\n<text x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"%s\" fill=\"#d55e00\">rate limit from ",
		    right ? x - 4 : x + 4, y0 - 4, right ? "end" : "start");
		put_clock(out, f->u.rate.first_ts, sp->len);
		fputs("</text>\n", out);
	}
}

/* One destination: its name, then a lane per class it had. */
static int
put_block(FILE *out, struct html_sink *h, struct scope *agg, uint32_t dest,
    unsigned mask, const struct span *sp, int y)
{
	uint32_t n[TL_BINS][VC_COUNT];
	const struct scope_dest *d = scope_dest(agg, dest);
	uint32_t i, max = 1;
	int b, c, lane = 0;

	memset(n, 0, sizeof n);
	for (i = 0; i < h->npt; i++)
		if (of_dest(&h->pt[i], d) &&
		    ++n[bin_of(sp, h->pt[i].ts)][h->pt[i].cls] > max)
			max = n[bin_of(sp, h->pt[i].ts)][h->pt[i].cls];
	fprintf(out, "<g class=\"dest\"");
	html_dst_attr(out, d);
	fprintf(out, ">\n<text x=\"0\" y=\"%d\" font-weight=\"bold\">", y + 13);
	html_dest(out, d);
	fputs("</text>\n", out);
	for (c = 0; c < VC_COUNT; c++) {
		int ly = y + TL_HEAD + lane * TL_LANE;

		if (!(mask >> c & 1))
			continue;
		lane++;
		fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n"
		    "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n",
		    TL_LEFT - 6, ly + 9, vclass_name(c), TL_LEFT,
		    TL_LEFT + TL_BINS * TL_BIN_W, ly + TL_LANE - 1, ly + TL_LANE - 1);
		for (b = 0; b < TL_BINS; b++) {
			int bh = n[b][c] ? 2 + (int)((TL_LANE - 3) * (uint64_t)n[b][c] /
			    max) : 0;

			if (bh > 0)
				fprintf(out, "<rect class=\"t-%s\" x=\"%d\" y=\"%d\" "
				    "width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s: "
				    "%s%llu</title></rect>\n", vclass_name(c),
				    TL_LEFT + b * TL_BIN_W, ly + TL_LANE - 1 - bh,
				    TL_BIN_W - 1, bh, colour[c], vclass_name(c),
				    h->sample ? "about " : "", (unsigned long long)n[b][c] *
				    ((uint64_t)h->sample + 1));
		}
	}
	put_marks(out, h, agg, dest, sp, y + TL_HEAD, y + TL_HEAD + lane * TL_LANE);
	fputs("</g>\n", out);
	return TL_HEAD + lane * TL_LANE + 12;
}

static void
put_axis(FILE *out, const struct span *sp, int y)
{
	int k;

	fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
	    "stroke=\"#333\"/>\n", TL_LEFT, TL_LEFT + TL_BINS * TL_BIN_W, y, y);
	for (k = 0; k <= 4; k++) {
		int64_t t = sp->t0 + sp->len * k / 4;
		double x = x_of(sp, t);

		fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
		    "stroke=\"#333\"/>\n<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">",
		    x, x, y, y + 4, x, y + 16, k == 0 ? "start" : k == 4 ? "end" :
		    "middle");
		put_clock(out, t, sp->len);
		fputs("</text>\n", out);
	}
}

void
html_timeline(FILE *out, struct html_sink *h, struct scope *agg,
    const struct html_cols *c, struct html_left *left)
{
	unsigned mask[HTML_MAX_COLS];
	struct span sp = { h->first, h->last - h->first };
	int k, y = 4, height = 4 + TL_AXIS;

	fputs("<section id=\"timeline\">\n<h2>Attempts over time</h2>\n", out);
	if (h->npt == 0) {
		fputs("<p>No attempts drawn.</p>\n</section>\n", out);
		return;
	}
	if (sp.len <= 0)
		sp.len = 1;
	left->lanes = c->n > HTML_MAX_LANES ? c->n - HTML_MAX_LANES : 0;
	for (k = 0; k < c->n; k++) {
		mask[k] = drawn(c, k) ? classes(h, scope_dest(agg, c->dest[k])) : 0;
		if (mask[k])
			height += TL_HEAD + lanes_of(mask[k]) * TL_LANE + 12;
	}
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n<title>Attempts "
	    "per destination and verdict over time</title>\n", TL_W, height,
	    TL_W, height);
	for (k = 0; k < c->n; k++)
		if (mask[k])
			y += put_block(out, h, agg, c->dest[k], mask[k], &sp, y);
	put_axis(out, &sp, y + 4);
	fputs("</svg>\n<p class=\"note\">First SYNs from ", out);
	html_time(out, sp.t0);
	fputs(" to ", out);
	html_time(out, h->last);
	fprintf(out, ", in %d slices of %.3f s; a bar's height is its count "
	    "against the destination's busiest slice.  A dashed line: a rate "
	    "limit's first failure after the last acceptance (solid).</p>\n"
	    "</section>\n", TL_BINS, (double)sp.len / TL_BINS / 1e6);
}

/* The parts of the --html page (report/html.h), shared by html*.c. */
#ifndef SMTPSCOPE_REPORT_HTML_INTERNAL_H
#define SMTPSCOPE_REPORT_HTML_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "findings/scope.h"
#include "report/html.h"

/* One attempt for the timeline: first SYN, the hash that sampled it,
 * destination, class (32 bytes). */
struct html_point {
	int64_t ts;
	uint32_t hash;
	uint16_t port;
	uint8_t cls;
	struct addr server;
};

struct html_sink {
	struct sink base;
	struct sink *scope;		/* the --scope sink whose counts we draw */
	const char *command, *sensor;
	struct html_point *pt;
	uint32_t npt, cappt;
	/* The points kept: those whose hash has none of these bits set;
	 * one more bit each time they would be more than HTML_MAX_POINTS. */
	uint32_t sample;
	uint64_t not_drawn;		/* sampled, but no memory for them */
	uint64_t n[VC_COUNT];		/* every attempt, by class */
	int64_t first, last;		/* first SYNs; INT64_MIN: none yet */
	struct scope_finding *f;	/* one destination's, SCOPE_MAX_FINDINGS */
};

/* The destinations the grid and the timeline show: those with the most
 * failures (then attempts), in MX order as the probe matrix (preference,
 * address, port). */
struct html_cols {
	uint32_t dest[HTML_MAX_COLS];
	uint32_t busiest[HTML_MAX_COLS];	/* the same, busiest first */
	int n;
	uint32_t more;			/* destinations not shown */
	uint64_t more_attempts;		/* their attempts */
};

/* What a cap left out, for the page's last section. */
struct html_left {
	uint64_t rows, row_attempts;	/* sources not in the grid */
	uint64_t findings, evidence;	/* not listed */
	int lanes;			/* grid destinations not in the timeline */
};

void html_choose_cols(struct scope *agg, struct html_cols *c);
void html_grid(FILE *out, struct scope *agg, const struct html_cols *c,
    struct html_left *left);
void html_timeline(FILE *out, struct html_sink *h, struct scope *agg,
    const struct html_cols *c, struct html_left *left);
void html_findings(FILE *out, struct html_sink *h, struct scope *agg,
    struct html_left *left);
void html_evidence(FILE *out, struct html_sink *h, struct scope *agg,
    struct html_left *left);

/* "203.0.113.25:25 (mx1.example, MX 10 of example.com)", escaped. */
void html_dest(FILE *out, const struct scope_dest *d);
/* The destination as data-dst="ADDR:PORT". */
void html_dst_attr(FILE *out, const struct scope_dest *d);
/* An RFC 3339 time, escaped; "never" for SCOPE_NONE. */
void html_time(FILE *out, int64_t us);

#endif

/*
 * --html FILE: one self-contained HTML page at the end of a run (read,
 * watch, probe, scope): a source x destination grid coloured by verdict,
 * a timeline of attempts per class per destination (inline SVG), the
 * findings and the evidence blocks.  No script, no font, nothing fetched:
 * a Content-Security-Policy of default-src 'none' says so to the browser.
 * Every string that came from a packet, DNS or JSON is escaped.
 *
 * The counting behind the grid, the findings and the evidence is the
 * --scope report's (report/scope.h), whose sink this one is given; the
 * timeline keeps its own points, up to HTML_MAX_POINTS: past that, one
 * attempt in 2, 4, 8 ... chosen by a hash of each, so that the whole run
 * stays drawn.  What a cap leaves out is counted and said on the page.
 */
#ifndef SMTPSCOPE_REPORT_HTML_H
#define SMTPSCOPE_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "core/sink.h"

#define HTML_MAX_COLS 32	/* destinations in the grid and timeline */
#define HTML_MAX_ROWS 64	/* sources in the grid */
#define HTML_MAX_LANES 12	/* destinations drawn in the timeline */
#define HTML_MAX_POINTS 65536	/* attempts kept for the timeline, 32 bytes each */
#define HTML_MAX_FINDINGS 200	/* rows of the findings table */
#define HTML_MAX_EVIDENCE 25	/* evidence blocks */

/* The page of a run to out, written when the run ends (not on a SIGUSR1
 * snapshot); scope: the --scope sink of the same pipeline, which must
 * finish before this one; command and sensor name the run in the page. */
struct sink *sink_html_new(FILE *out, struct sink *scope, const char *command,
    const char *sensor);

/* s as HTML text (element content or a quoted attribute value): & < > "
 * and ' as entities, newline and tab kept, other control characters and
 * bytes that are not well-formed UTF-8 as U+FFFD. */
void html_escape(FILE *out, const char *s);
/* The same for the first n bytes of s (NUL bytes among them too). */
void html_escape_n(FILE *out, const char *s, size_t n);

#endif

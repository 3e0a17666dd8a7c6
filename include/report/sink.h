/* The outputs: records in, text out (core/sink.h is the interface). */
#ifndef SMTPSCOPE_SINK_H
#define SMTPSCOPE_SINK_H

#include <stdio.h>

#include "core/sink.h"

struct sink *sink_text_new(FILE *out);
/* sensor: the name records of this host carry (--sensor). */
struct sink *sink_json_new(FILE *out, const char *sensor);
struct sink *sink_csv_new(FILE *out);
struct sink *sink_summary_new(FILE *out);
/* --top: the rows of each table (most failures first), the rest on one
 * line; 0: every row.  SUMMARY_TOP_DEFAULT until set. */
#define SUMMARY_TOP_DEFAULT 20
void sink_summary_top(struct sink *s, int top);
/* The summary as one JSON line ("type":"summary"), for --json. */
struct sink *sink_summary_json_new(FILE *out, const char *sensor);
/* --stats-interval: the JSON summary so far ("final":false,
 * "interval":true), or one "pulse:" line of text. */
void sink_summary_pulse(struct sink *s, const struct stats *st);
struct sink *sink_matrix_new(FILE *out);	/* probe: source x target */
/* probe --trace: a hop table and a statement per trace (report/trace.h),
 * or with json one "type":"trace" line each. */
struct sink *sink_trace_new(FILE *out, int json, const char *sensor,
    int max_ttl);
/* --scope and --evidence: report/scope.h. */

#endif

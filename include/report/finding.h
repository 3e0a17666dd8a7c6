/*
 * Findings (findings/finding.h) as text and as JSON lines, and the sink of
 * --findings: the windowed findings of findings/stream.h written as they
 * start, change and end.
 */
#ifndef SMTPSCOPE_REPORT_FINDING_H
#define SMTPSCOPE_REPORT_FINDING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/sink.h"
#include "findings/finding.h"
#include "maillog/event.h"

/* What the finding says, in one sentence (no time, no state). */
void finding_sentence(const struct finding *f, const char *sensor, char *buf,
    size_t len);
/* What the MTA's log adds ("postfix logged 3 failures since ... for 2
 * recipients ..."), "" when it says nothing of the server. */
void finding_log_words(const struct finding *f, char *buf, size_t len);
/* "TIME finding STATE KIND DEST: sentence" and a newline. */
void finding_write_text(FILE *out, const struct finding *f, const char *sensor);
/* One JSON object and a newline; sensor names this run's sensor. */
void finding_write_json(FILE *out, const struct finding *f, const char *sensor);

/* --findings: json or text to out, the counters at the end to report;
 * window_us as --window. */
struct sink *sink_findings_new(FILE *out, FILE *report, int json,
    const char *sensor, int64_t window_us);
/* Each finding event of s (a sink_findings_new() sink) also to fn(ctx, f)
 * (the metrics' active findings). */
void sink_findings_observe(struct sink *s,
    void (*fn)(void *ctx, const struct finding *f), void *ctx);
/* A line of the MTA's log for the findings (findings/stream.h
 * stream_add_log). */
void sink_findings_log(struct sink *s, const struct ml_event *e);

#endif

/* verify: PASS/FAIL per expectation, from the records of its probes. */
#ifndef SMTPSCOPE_VERIFY_H
#define SMTPSCOPE_VERIFY_H

#include <stdio.h>

#include "verify/expect.h"
#include "report/sink.h"

/* Reports at the end of the run: text (PASS/FAIL lines) or JSON records
 * with expect_line, expect, pass and why added; sensor: the name JSON
 * lines carry (--sensor). */
struct sink *sink_verify_new(FILE *out, const struct expect_file *f,
    const char *path, int json, const char *sensor);
/* Expectations that failed (valid after the pipeline finished). */
int verify_failed(const struct sink *s);

#endif

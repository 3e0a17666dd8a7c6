/* diff: what changed between two JSON outputs of probe, verify or read. */
#ifndef SMTPSCOPE_DIFF_H
#define SMTPSCOPE_DIFF_H

#include <stddef.h>
#include <stdio.h>

enum { DIFF_SAME = 0, DIFF_DIFFERENT = 1, DIFF_ERROR = -1 };

/* Compares the files, prints the differences to out; DIFF_ERROR with a
 * "file:line:col: message" in err. */
int diff_files(const char *before, const char *after, FILE *out, char *err,
    size_t errlen);

#endif

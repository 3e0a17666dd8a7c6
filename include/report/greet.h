/*
 * probe --greet's outputs: one text line (and a finding line) or one JSON
 * line ("type":"greeting") per conversation, and the source x target
 * matrix of greeting codes.  They format and write; nothing else.
 */
#ifndef SMTPSCOPE_REPORT_GREET_H
#define SMTPSCOPE_REPORT_GREET_H

#include <stdio.h>

#include "probe/greetres.h"

void greet_write_text(FILE *out, const struct greet_result *r);
void greet_write_json(FILE *out, const struct greet_result *r,
    const char *sensor);

struct greet_matrix;

struct greet_matrix *greet_matrix_new(void);
void greet_matrix_add(struct greet_matrix *m, const struct greet_result *r);
void greet_matrix_print(const struct greet_matrix *m, FILE *out);
void greet_matrix_free(struct greet_matrix *m);

#endif

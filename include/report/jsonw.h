/*
 * JSON fields for the lines that are not records (findings, traces,
 * greetings), written straight to a stream, each after a comma; what is
 * absent is null.  Records have their own line buffer (report/json.c).
 */
#ifndef SMTPSCOPE_REPORT_JSONW_H
#define SMTPSCOPE_REPORT_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/addr.h"

/* {"type":"TYPE","sensor":"SENSOR" (null when sensor is NULL). */
void jw_head(FILE *out, const char *type, const char *sensor);
/* ,"name": */
void jw_key(FILE *out, const char *name);
/* ,"name":"s", escaped; null when s is NULL. */
void jw_str(FILE *out, const char *name, const char *s);
/* ,"name":v; null unless present. */
void jw_int(FILE *out, const char *name, int64_t v, bool present);
/* ,"name":"address"; null for family 0. */
void jw_addr(FILE *out, const char *name, const struct addr *a);
/* ,"name":"RFC 3339 time"; null for INT64_MIN. */
void jw_time(FILE *out, const char *name, int64_t us);
/* ,"name":milliseconds with three decimals; null when us < 0. */
void jw_ms(FILE *out, const char *name, int64_t us);

#endif

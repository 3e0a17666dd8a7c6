/* A reader for the flat JSON objects smtpscope writes, one per line. */
#ifndef SMTPSCOPE_JSONL_H
#define SMTPSCOPE_JSONL_H

#include <stddef.h>

#define JSONL_MAX_FIELDS 40

struct jsonl_field {
	const char *key;
	const char *val;	/* strings unescaped; numbers, true, false as written */
	int is_null;
};

/*
 * Parses one line in place (it is modified).  Returns the number of fields,
 * or -1 with the 1-based column of the error in *col and a message in why.
 * Nested objects and arrays are refused: our records have none.
 */
int jsonl_parse(char *line, struct jsonl_field *f, int max, int *col,
    const char **why);

/* The value of key, or NULL when it is absent or null. */
const char *jsonl_get(const struct jsonl_field *f, int n, const char *key);

#endif

/*
 * Records keyed by (source, server, server port) — the client port is
 * random per probe, so it is not part of the key.  A key seen several times
 * (read output) keeps its distinct verdicts in order.  Both files are
 * sorted by key, then merged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/diff.h"
#include "verify/jsonl.h"

#define DIFF_MAX_RECORDS 2000000
#define LINE_MAX_LEN 8192

struct entry {
	char *key;		/* "source -> server:port", as printed */
	char *verdict;		/* "class/reason[, class/reason...]" */
};

struct table {
	struct entry *e;
	size_t n, cap;
};

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->e[i].key);
		free(t->e[i].verdict);
	}
	free(t->e);
}

static int
add(struct table *t, const char *key, const char *verdict)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct entry *ne = realloc(t->e, cap * sizeof *ne);

		if (ne == NULL)
			return -1;
		t->e = ne;
		t->cap = cap;
	}
	t->e[t->n].key = strdup(key);
	t->e[t->n].verdict = strdup(verdict);
	if (t->e[t->n].key == NULL || t->e[t->n].verdict == NULL)
		return -1;
	t->n++;
	return 0;
}

static int
by_key(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	return strcmp(a->key, b->key);
}

/* The key and verdict of a parsed line: 1, or 0 for verify's line of an
 * expectation with no probe (no record), or -1 when it is not a record. */
static int
entry_of(const struct jsonl_field *f, int n, char *key, size_t keylen,
    char *verdict, size_t verdictlen)
{
	const char *src, *srv, *port, *cls, *reason, *fam;

	src = jsonl_get(f, n, "source");
	if (src == NULL)
		src = jsonl_get(f, n, "client");
	srv = jsonl_get(f, n, "server");
	port = jsonl_get(f, n, "server_port");
	cls = jsonl_get(f, n, "class");
	reason = jsonl_get(f, n, "reason");
	fam = jsonl_get(f, n, "family");
	if (src == NULL || srv == NULL || port == NULL || cls == NULL ||
	    reason == NULL)
		return jsonl_get(f, n, "expect_line") != NULL ? 0 : -1;
	snprintf(key, keylen, fam && strcmp(fam, "6") == 0 ?
	    "%s -> [%s]:%s" : "%s -> %s:%s", src, srv, port);
	snprintf(verdict, verdictlen, "%s/%s", cls, reason);
	return 1;
}

/* A line that names another type first ({"type":"finding", ...), as ours
 * all do: skipped unparsed, whatever its other fields hold. */
static int
other_type_first(const char *line)
{
	static const char key[] = "{\"type\":\"";
	const char *p = line + strspn(line, " \t");

	return strncmp(p, key, sizeof key - 1) == 0 &&
	    strncmp(p + sizeof key - 1, "attempt\"", 8) != 0;
}

/* The records of path, in file order: the attempts, and lines with no
 * type (written before records had one). */
static int
load(const char *path, struct table *t, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN + 2], key[600], verdict[80];
	struct jsonl_field f[JSONL_MAX_FIELDS];
	FILE *fp;
	int lineno = 0, n, col;
	const char *why, *type;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(err, errlen, "%s:%d:1: line too long", path, lineno);
			goto fail;
		}
		if (line[strspn(line, " \t\r\n")] == '\0' || other_type_first(line))
			continue;
		if ((n = jsonl_parse(line, f, JSONL_MAX_FIELDS, &col, &why)) < 0) {
			snprintf(err, errlen, "%s:%d:%d: %s", path, lineno, col, why);
			goto fail;
		}
		type = jsonl_get(f, n, "type");
		if (type != NULL && strcmp(type, "attempt") != 0)
			continue;	/* a summary, a finding, an expectation */
		switch (entry_of(f, n, key, sizeof key, verdict, sizeof verdict)) {
		case 0:
			continue;
		case -1:
			snprintf(err, errlen, "%s:%d:1: not a smtpscope record (needs "
			    "client or source, server, server_port, class, reason)",
			    path, lineno);
			goto fail;
		}
		if (t->n == DIFF_MAX_RECORDS) {
			snprintf(err, errlen, "%s: more than %d records", path,
			    DIFF_MAX_RECORDS);
			goto fail;
		}
		if (add(t, key, verdict) != 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(fp);
	return 0;
fail:
	fclose(fp);
	return -1;
}

/* Is v one of the ", "-separated items of list? */
static int
has_item(const char *list, const char *v)
{
	size_t n = strlen(v);
	const char *p = list;

	while ((p = strstr(p, v)) != NULL) {
		if ((p == list || (p >= list + 2 && p[-2] == ',' && p[-1] == ' ')) &&
		    (p[n] == '\0' || p[n] == ','))
			return 1;
		p += n;
	}
	return 0;
}

/* Equal keys (adjacent once sorted) become one entry whose verdicts are
 * the distinct ones, in the order the file gave them. */
static int
collapse(struct table *t)
{
	size_t i, j, w = 0;

	for (i = 0; i < t->n; i = j) {
		char buf[1024];

		snprintf(buf, sizeof buf, "%s", t->e[i].verdict);
		for (j = i + 1; j < t->n && strcmp(t->e[j].key, t->e[i].key) == 0; j++) {
			/* Against the distinct verdicts kept so far (a handful),
			 * not every earlier record: a busy key has thousands. */
			if (!has_item(buf, t->e[j].verdict) &&
			    strlen(buf) + strlen(t->e[j].verdict) + 3 < sizeof buf)
				strcat(strcat(buf, ", "), t->e[j].verdict);
		}
		free(t->e[i].verdict);
		if ((t->e[i].verdict = strdup(buf)) == NULL)
			return -1;
		for (size_t k = i + 1; k < j; k++) {
			free(t->e[k].key);
			free(t->e[k].verdict);
		}
		t->e[w++] = t->e[i];
	}
	t->n = w;
	return 0;
}

/* qsort is not stable: sort an index so equal keys keep file order. */
struct keyed {
	struct entry e;
	size_t order;
};

static int
by_key_then_order(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;
	int c = strcmp(a->e.key, b->e.key);

	return c ? c : (a->order > b->order) - (a->order < b->order);
}

static int
sort_table(struct table *t)
{
	struct keyed *k = malloc((t->n ? t->n : 1) * sizeof *k);
	size_t i;

	if (k == NULL)
		return -1;
	for (i = 0; i < t->n; i++) {
		k[i].e = t->e[i];
		k[i].order = i;
	}
	qsort(k, t->n, sizeof *k, by_key_then_order);
	for (i = 0; i < t->n; i++)
		t->e[i] = k[i].e;
	free(k);
	return collapse(t);
}

int
diff_files(const char *before, const char *after, FILE *out, char *err,
    size_t errlen)
{
	struct table a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	size_t i = 0, j = 0, changed = 0, appeared = 0, gone = 0, same = 0;
	int rc = DIFF_ERROR;

	if (load(before, &a, err, errlen) != 0 || load(after, &b, err, errlen) != 0)
		goto out;
	if (sort_table(&a) != 0 || sort_table(&b) != 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	while (i < a.n || j < b.n) {
		int c = i == a.n ? 1 : j == b.n ? -1 : by_key(&a.e[i], &b.e[j]);

		if (c < 0) {
			fprintf(out, "disappeared %s %s\n", a.e[i].key, a.e[i].verdict);
			gone++, i++;
		} else if (c > 0) {
			fprintf(out, "appeared    %s %s\n", b.e[j].key, b.e[j].verdict);
			appeared++, j++;
		} else {
			if (strcmp(a.e[i].verdict, b.e[j].verdict) != 0) {
				fprintf(out, "changed     %s %s -> %s\n", a.e[i].key,
				    a.e[i].verdict, b.e[j].verdict);
				changed++;
			} else
				same++;
			i++, j++;
		}
	}
	fprintf(out, "diff: %zu changed, %zu appeared, %zu disappeared, %zu unchanged\n",
	    changed, appeared, gone, same);
	rc = changed + appeared + gone ? DIFF_DIFFERENT : DIFF_SAME;
out:
	table_free(&a);
	table_free(&b);
	return rc;
}

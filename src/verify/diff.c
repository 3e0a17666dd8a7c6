/*
 * Records keyed by (source, server, server port) — the client port is
 * random per probe, so it is not part of the key.  A key seen several times
 * (read output) keeps its distinct verdicts in order.  Both files are
 * sorted by key, then merged.  Lines are parsed with jansson.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/diff.h"

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

/* The text of key k of o: a string as it is, a whole number in decimal
 * (in buf); NULL when absent, null or of another type. */
static const char *
text_of(const json_t *o, const char *k, char buf[24])
{
	const json_t *v = json_object_get(o, k);

	if (json_is_string(v))
		return json_string_value(v);
	if (!json_is_integer(v))
		return NULL;
	snprintf(buf, 24, "%lld", (long long)json_integer_value(v));
	return buf;
}

/* The key and verdict of a record: 1, or 0 for verify's line of an
 * expectation with no probe (no record), or -1 when it is not a record. */
static int
entry_of(const json_t *o, char *key, size_t keylen, char *verdict,
    size_t verdictlen)
{
	const char *src, *srv, *port, *cls, *reason, *fam;
	char pb[24], fb[24], sb[24], cb[24];

	src = text_of(o, "source", sb);
	if (src == NULL)
		src = text_of(o, "client", cb);
	srv = json_string_value(json_object_get(o, "server"));
	port = text_of(o, "server_port", pb);
	cls = json_string_value(json_object_get(o, "class"));
	reason = json_string_value(json_object_get(o, "reason"));
	fam = text_of(o, "family", fb);
	if (src == NULL || srv == NULL || port == NULL || cls == NULL ||
	    reason == NULL) {
		json_t *e = json_object_get(o, "expect_line");

		return e != NULL && !json_is_null(e) ? 0 : -1;
	}
	snprintf(key, keylen, fam && strcmp(fam, "6") == 0 ?
	    "%s -> [%s]:%s" : "%s -> %s:%s", src, srv, port);
	snprintf(verdict, verdictlen, "%s/%s", cls, reason);
	return 1;
}

/* Is o a line to skip: of a type other than attempt (a summary, a
 * finding, an expectation)?  A line with no type is a record written
 * before records had one. */
static int
other_type(const json_t *o)
{
	const json_t *t = json_object_get(o, "type");

	return t != NULL && !(json_is_string(t) &&
	    strcmp(json_string_value(t), "attempt") == 0);
}

/* jansson quotes the input in its messages: keep them printable. */
static void
printable(char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s > '~')
			*s = '?';
}

/* One line (its newline cut): 1 a record (key, verdict), 0 a line to skip,
 * -1 an error ("file:line:col: message" in err). */
static int
parse_line(const char *line, const char *path, int lineno, char *key,
    size_t keylen, char *verdict, size_t verdictlen, char *err, size_t errlen)
{
	json_error_t je;
	json_t *o;
	int rc;

	if (line[strspn(line, " \t\r")] == '\0')
		return 0;
	if ((o = json_loads(line, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		printable(je.text);
		snprintf(err, errlen, "%s:%d:%d: %s", path, lineno,
		    je.column > 0 ? je.column : 1, je.text);
		return -1;
	}
	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s:%d:1: not a JSON object", path, lineno);
		rc = -1;
	} else if (other_type(o))
		rc = 0;
	else if ((rc = entry_of(o, key, keylen, verdict, verdictlen)) < 0)
		snprintf(err, errlen, "%s:%d:1: not a smtpscope record (needs "
		    "client or source, server, server_port, class, reason)",
		    path, lineno);
	json_decref(o);
	return rc;
}

/* The records of path, in file order: the attempts, and lines with no
 * type (written before records had one). */
static int
load(const char *path, struct table *t, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN + 2], key[600], verdict[80];
	FILE *fp;
	int lineno = 0;

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
		line[strcspn(line, "\n")] = '\0';
		switch (parse_line(line, path, lineno, key, sizeof key, verdict,
		    sizeof verdict, err, errlen)) {
		case 0:
			continue;
		case -1:
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

/* Of a verdict list: 0 every verdict accepted, 2 failures only (refused,
 * prohibited, unreachable, dropped), 1 both; -1 none of either (only
 * unresolved). */
static int
badness(const char *list)
{
	int ok = 0, failed = 0;
	const char *p;

	for (p = list; p != NULL; p = strstr(p, ", ")) {
		p += p == list ? 0 : 2;
		if (strncmp(p, "accepted/", 9) == 0)
			ok = 1;
		else if (strncmp(p, "unresolved/", 11) != 0)
			failed = 1;
	}
	return ok && failed ? 1 : failed ? 2 : ok ? 0 : -1;
}

/* A changed key: a regression when it fails more than it did
 * (accepted -> refused), fixed when less, else just changed. */
enum change { CH_OTHER, CH_REGRESSION, CH_FIXED };

static enum change
change_of(const char *before, const char *after)
{
	int b = badness(before), a = badness(after);

	if (b < 0 || a < 0 || a == b)
		return CH_OTHER;
	return a > b ? CH_REGRESSION : CH_FIXED;
}

int
diff_files(const char *before, const char *after, FILE *out, char *err,
    size_t errlen)
{
	struct table a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	static const char *const tag[] = { "changed    ", "regression ",
	    "fixed      " };
	size_t i = 0, j = 0, changed = 0, appeared = 0, gone = 0, same = 0;
	size_t n[3] = { 0, 0, 0 };
	enum change ch;
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
				ch = change_of(a.e[i].verdict, b.e[j].verdict);
				fprintf(out, "%s %s %s -> %s\n", tag[ch], a.e[i].key,
				    a.e[i].verdict, b.e[j].verdict);
				changed++, n[ch]++;
			} else
				same++;
			i++, j++;
		}
	}
	fprintf(out, "diff: %zu changed (%zu regression%s, %zu fixed), %zu "
	    "appeared, %zu disappeared, %zu unchanged\n", changed,
	    n[CH_REGRESSION], n[CH_REGRESSION] == 1 ? "" : "s", n[CH_FIXED],
	    appeared, gone, same);
	rc = changed + appeared + gone ? DIFF_DIFFERENT : DIFF_SAME;
out:
	table_free(&a);
	table_free(&b);
	return rc;
}

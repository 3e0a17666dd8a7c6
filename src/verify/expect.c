/* The verify expectations file: a small line grammar with exact positions
 * in its error messages.  A file with any error runs nothing. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/expect.h"

#define LINE_MAX_LEN EXPECT_LINE_MAX

struct parser {
	const char *path;
	int line;
	const char *start;		/* of the line, for columns */
	const char *p;			/* next character */
	char *err;
	size_t errlen;
	struct expectation *e;
	size_t strings_used;
};

static int __attribute__((format(printf, 3, 4)))
syntax(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(ps->err, ps->errlen, "%s:%d:%d: ", ps->path, ps->line,
	    (int)(at - ps->start) + 1);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* The next whitespace-separated word: [*w, *w + *n); 0 at end of line. */
static int
word(struct parser *ps, const char **w, size_t *n)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
	if (*ps->p == '\0' || *ps->p == '#')
		return 0;
	*w = ps->p;
	while (*ps->p != '\0' && *ps->p != ' ' && *ps->p != '\t' && *ps->p != '#')
		ps->p++;
	*n = (size_t)(ps->p - *w);
	return 1;
}

static int
is(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && strncmp(w, kw, n) == 0;
}

/* A copy of [w, w+n) kept in the expectation's string area. */
static const char *
keep(struct parser *ps, const char *w, size_t n)
{
	char *s = ps->e->strings + ps->strings_used;

	memcpy(s, w, n);
	s[n] = '\0';
	ps->strings_used += n + 1;
	return s;
}

/* RFC 1123 host name: labels of letters, digits and hyphens. */
static int
hostname_ok(const char *s, size_t n)
{
	size_t i, label = 0;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			/* No empty label, none ending in a hyphen. */
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '_' ||
		    (s[i] == '-' && label > 0)) {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return s[n - 1] != '-';
}

/* Calls each comma-separated item of [w, w+n) with its position. */
static int
items(struct parser *ps, const char *w, size_t n,
    int (*one)(struct parser *, const char *, size_t))
{
	const char *end = w + n, *c;

	while (w < end) {
		c = memchr(w, ',', (size_t)(end - w));
		if (c == NULL)
			c = end;
		if (c == w)
			return syntax(ps, w, "empty item in list");
		if (one(ps, w, (size_t)(c - w)) != 0)
			return -1;
		w = c + 1;
	}
	return 0;
}

static int
one_source(struct parser *ps, const char *w, size_t n)
{
	char buf[64];
	struct addr a;

	if (n >= sizeof buf)
		return syntax(ps, w, "bad address '%.*s'", (int)n, w);
	memcpy(buf, w, n);
	buf[n] = '\0';
	if (!addr_parse(buf, &a))
		return syntax(ps, w, "bad address '%s'", buf);
	if (ps->e->spec.nsources == PROBE_MAX_ARGS)
		return syntax(ps, w, "too many sources");
	ps->e->spec.sources[ps->e->spec.nsources++] = a;
	return 0;
}

static int
one_target(struct parser *ps, const char *w, size_t n)
{
	struct probe_spec *sp = &ps->e->spec;
	char buf[64];
	struct addr a;

	if (n > 3 && strncmp(w, "mx:", 3) == 0) {
		if (!hostname_ok(w + 3, n - 3))
			return syntax(ps, w + 3, "bad domain '%.*s'", (int)(n - 3), w + 3);
		if (sp->ndomains == PROBE_MAX_ARGS)
			return syntax(ps, w, "too many targets");
		sp->domains[sp->ndomains++] = keep(ps, w + 3, n - 3);
		return 0;
	}
	if (n < sizeof buf) {
		memcpy(buf, w, n);
		buf[n] = '\0';
	}
	/* Digits and dots (or a colon) mean an address was meant. */
	if (n < sizeof buf && (strchr(buf, ':') != NULL ||
	    strspn(buf, "0123456789.") == n)) {
		if (!addr_parse(buf, &a))
			return syntax(ps, w, "bad address '%s'", buf);
	} else if (!hostname_ok(w, n))
		return syntax(ps, w, "bad address or host name '%.*s'", (int)n, w);
	if (sp->ntargets == PROBE_MAX_ARGS)
		return syntax(ps, w, "too many targets");
	sp->targets[sp->ntargets++] = keep(ps, w, n);
	return 0;
}

static int
one_port(struct parser *ps, const char *w, size_t n)
{
	const char *bad;

	if (portset_parse_item(&ps->e->ports, w, n, &bad) != PORTSET_OK)
		return syntax(ps, w, "bad port '%.*s' (1-65535)", (int)n, w);
	return 0;
}

static int
one_item(struct parser *ps, const char *w, size_t n)
{
	struct expectation *e = ps->e;
	struct expect_item *it;
	const char *slash = memchr(w, '/', n);
	size_t cn = slash ? (size_t)(slash - w) : n;
	char cls[32];
	int c;

	if (e->nitems == EXPECT_MAX_ITEMS)
		return syntax(ps, w, "too many verdicts in any-of");
	if (cn >= sizeof cls)
		return syntax(ps, w, "unknown class '%.*s'", (int)cn, w);
	memcpy(cls, w, cn);
	cls[cn] = '\0';
	if ((c = vclass_from_name(cls)) < 0 || c == VC_UNRESOLVED)
		return syntax(ps, w, "unknown class '%s' (accepted, refused, "
		    "prohibited, unreachable, dropped)", cls);
	it = &e->items[e->nitems++];
	it->cls = (enum vclass)c;
	it->reason[0] = '\0';
	if (slash != NULL) {
		size_t rn = n - cn - 1;

		if (rn == 0 || rn >= sizeof it->reason)
			return syntax(ps, slash + 1, "bad reason '%.*s'", (int)rn,
			    slash + 1);
		memcpy(it->reason, slash + 1, rn);
		it->reason[rn] = '\0';
		if (!verdict_reason_known(it->cls, it->reason))
			return syntax(ps, slash + 1, "'%s' is not a reason of class %s",
			    it->reason, cls);
	}
	return 0;
}

static int
parse_line(struct parser *ps)
{
	struct expectation *e = ps->e;
	const char *w;
	size_t n;
	int have_to = 0, have_expect = 0, have_port = 0;

	while (word(ps, &w, &n)) {
		const char *kw = w;
		size_t kn = n;

		if (is(kw, kn, "from") || is(kw, kn, "to") || is(kw, kn, "port") ||
		    is(kw, kn, "via")) {
			if (!word(ps, &w, &n))
				return syntax(ps, ps->p, "'%.*s' needs a value", (int)kn, kw);
			if (is(kw, kn, "from")) {
				if (e->spec.nsources || have_to)
					return syntax(ps, kw, "'from' must come once, before 'to'");
				if (items(ps, w, n, one_source) != 0)
					return -1;
			} else if (is(kw, kn, "to")) {
				if (have_to++)
					return syntax(ps, kw, "'to' given twice");
				if (items(ps, w, n, one_target) != 0)
					return -1;
			} else if (is(kw, kn, "port")) {
				if (have_port++)
					return syntax(ps, kw, "'port' given twice");
				if (items(ps, w, n, one_port) != 0)
					return -1;
			} else {
				char buf[64];

				if (!have_expect)
					return syntax(ps, kw, "'via' comes after 'expect'");
				if (e->via)
					return syntax(ps, kw, "'via' given twice");
				if (is(w, n, "target")) {
					e->via = 2;
					continue;
				}
				if (n >= sizeof buf)
					return syntax(ps, w, "bad address '%.*s'", (int)n, w);
				memcpy(buf, w, n);
				buf[n] = '\0';
				if (!addr_parse(buf, &e->via_addr))
					return syntax(ps, w, "bad address '%s' (or 'target')", buf);
				e->via = 1;
			}
			continue;
		}
		if (is(kw, kn, "expect")) {
			if (have_expect++)
				return syntax(ps, kw, "'expect' given twice");
			if (!word(ps, &w, &n))
				return syntax(ps, ps->p, "'expect' needs a verdict");
			e->kind = EX_ONE;
			if (is(w, n, "any-of") || is(w, n, "not")) {
				e->kind = is(w, n, "not") ? EX_NOT : EX_ANY_OF;
				if (!word(ps, &w, &n))
					return syntax(ps, ps->p, "a verdict must follow");
			}
			if (items(ps, w, n, one_item) != 0)
				return -1;
			if (e->kind != EX_ANY_OF && e->nitems > 1)
				return syntax(ps, w, "several verdicts need 'any-of'");
			continue;
		}
		return syntax(ps, kw, "unknown keyword '%.*s' (from, to, port, "
		    "expect, via)", (int)kn, kw);
	}
	if (!have_to)
		return syntax(ps, ps->p, "missing 'to'");
	if (!have_expect)
		return syntax(ps, ps->p, "missing 'expect'");
	return have_port ? 1 : 0;
}

int
expect_load(const char *path, const struct portset *default_ports,
    struct expect_file *f, char *err, size_t errlen)
{
	char buf[LINE_MAX_LEN + 2];
	struct parser ps;
	FILE *fp;
	int cap = 0, rc = 0;

	memset(f, 0, sizeof *f);
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(&ps, 0, sizeof ps);
	ps.path = path;
	ps.err = err;
	ps.errlen = errlen;
	while (rc == 0 && fgets(buf, sizeof buf, fp) != NULL) {
		size_t len = strlen(buf);
		struct expectation *e;
		const char *q;
		int r;

		ps.line++;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (!feof(fp)) {
			snprintf(err, errlen, "%s:%d:1: line longer than %d characters",
			    path, ps.line, LINE_MAX_LEN);
			rc = -1;
			break;
		}
		if (memchr(buf, '\0', len) != NULL || strlen(buf) != len) {
			snprintf(err, errlen, "%s:%d:1: NUL byte in line", path, ps.line);
			rc = -1;
			break;
		}
		for (q = buf; *q == ' ' || *q == '\t' || *q == '\r'; q++)
			;
		if (*q == '\0' || *q == '#')
			continue;
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if (f->n == cap) {
			struct expectation *ne;

			cap = cap ? cap * 2 : 16;
			if ((ne = realloc(f->e, (size_t)cap * sizeof *ne)) == NULL) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
				break;
			}
			f->e = ne;
		}
		e = &f->e[f->n++];
		memset(e, 0, sizeof *e);
		if ((e->strings = malloc(len + 1)) == NULL) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
		e->line = ps.line;
		/* q is within buf, which holds at most LINE_MAX_LEN characters. */
		memcpy(e->text, q, strlen(q) + 1 <= sizeof e->text ?
		    strlen(q) + 1 : sizeof e->text - 1);
		e->text[sizeof e->text - 1] = '\0';
		ps.start = buf;
		ps.p = buf;
		ps.e = e;
		ps.strings_used = 0;
		if ((r = parse_line(&ps)) < 0) {
			rc = -1;
			break;
		}
		if (r == 0)
			e->ports = *default_ports;
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(fp);
	if (rc == 0 && f->n == 0) {
		snprintf(err, errlen, "%s: no expectations in the file", path);
		rc = -1;
	}
	if (rc != 0) {
		expect_free(f);
		return rc;
	}
	/* Only now: the array moved while it grew. */
	for (cap = 0; cap < f->n; cap++)
		f->e[cap].spec.ports = &f->e[cap].ports;
	return 0;
}

void
expect_free(struct expect_file *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		free(f->e[i].strings);
	free(f->e);
	memset(f, 0, sizeof *f);
}

static bool
item_met(const struct expect_item *it, const struct record *r)
{
	return r->v.cls == it->cls &&
	    (it->reason[0] == '\0' || strcmp(it->reason, r->v.reason) == 0);
}

bool
expect_met(const struct expectation *e, const struct record *r, char *why,
    size_t whylen)
{
	bool met = false;
	char a[ADDR_STRLEN];
	int i;

	for (i = 0; i < e->nitems && !met; i++)
		met = item_met(&e->items[i], r);
	if (e->kind == EX_NOT)
		met = !met;
	if (!met) {
		snprintf(why, whylen, "observed %s/%s", vclass_name(r->v.cls),
		    r->v.reason);
		return false;
	}
	if (e->via == 1 && !addr_eq(&r->responder, &e->via_addr)) {
		snprintf(why, whylen, "answered by %s, not by the expected hop",
		    r->responder.family ? addr_str(&r->responder, a) : "nobody");
		return false;
	}
	if (e->via == 2 && !record_responder_is_server(r)) {
		snprintf(why, whylen, "answered by %s, not by the target",
		    r->responder.family ? addr_str(&r->responder, a) : "nobody");
		return false;
	}
	why[0] = '\0';
	return true;
}

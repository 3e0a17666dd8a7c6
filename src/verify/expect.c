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
	char *p;
	int n;

	n = snprintf(ps->err, ps->errlen, "%s:%d:%d: ", ps->path, ps->line,
	    (int)(at - ps->start) + 1);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	/* The words quoted come from the file: no control byte reaches the
	 * terminal (found by tests/fuzz/fuzz_expect). */
	for (p = ps->err + n; *p != '\0'; p++)
		if (*p != '\t' && (*p < ' ' || *p > '~'))
			*p = '?';
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

/* "via ADDR" or "via target", after "expect". */
static int
parse_via(struct parser *ps, const char *kw, const char *w, size_t n,
    int have_expect)
{
	struct expectation *e = ps->e;
	char buf[64];

	if (!have_expect)
		return syntax(ps, kw, "'via' comes after 'expect'");
	if (e->via)
		return syntax(ps, kw, "'via' given twice");
	if (is(w, n, "target")) {
		e->via = 2;
		return 0;
	}
	if (n >= sizeof buf)
		return syntax(ps, w, "bad address '%.*s'", (int)n, w);
	memcpy(buf, w, n);
	buf[n] = '\0';
	if (!addr_parse(buf, &e->via_addr))
		return syntax(ps, w, "bad address '%s' (or 'target')", buf);
	e->via = 1;
	return 0;
}

/* "[any-of | not] ITEM[,ITEM...]" after "expect". */
static int
parse_expect(struct parser *ps)
{
	struct expectation *e = ps->e;
	const char *w;
	size_t n;

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
	return 0;
}

/* Which keywords a line has had so far. */
struct seen {
	int to, expect, port;
};

/* A keyword that takes one value: from, to, port, via. */
static int
parse_valued(struct parser *ps, const char *kw, size_t kn, struct seen *seen)
{
	const char *w;
	size_t n;

	if (!word(ps, &w, &n))
		return syntax(ps, ps->p, "'%.*s' needs a value", (int)kn, kw);
	if (is(kw, kn, "from")) {
		if (ps->e->spec.nsources || seen->to)
			return syntax(ps, kw, "'from' must come once, before 'to'");
		return items(ps, w, n, one_source);
	}
	if (is(kw, kn, "to")) {
		if (seen->to++)
			return syntax(ps, kw, "'to' given twice");
		return items(ps, w, n, one_target);
	}
	if (is(kw, kn, "port")) {
		if (seen->port++)
			return syntax(ps, kw, "'port' given twice");
		return items(ps, w, n, one_port);
	}
	return parse_via(ps, kw, w, n, seen->expect);
}

/* One line's keywords; 1 when it named its ports, 0 when not, -1. */
static int
parse_line(struct parser *ps)
{
	struct seen seen = { 0, 0, 0 };
	const char *kw;
	size_t kn;

	while (word(ps, &kw, &kn)) {
		if (is(kw, kn, "from") || is(kw, kn, "to") || is(kw, kn, "port") ||
		    is(kw, kn, "via")) {
			if (parse_valued(ps, kw, kn, &seen) != 0)
				return -1;
		} else if (is(kw, kn, "expect")) {
			if (seen.expect++)
				return syntax(ps, kw, "'expect' given twice");
			if (parse_expect(ps) != 0)
				return -1;
		} else
			return syntax(ps, kw, "unknown keyword '%.*s' (from, to, "
			    "port, expect, via)", (int)kn, kw);
	}
	if (!seen.to)
		return syntax(ps, ps->p, "missing 'to'");
	if (!seen.expect)
		return syntax(ps, ps->p, "missing 'expect'");
	return seen.port ? 1 : 0;
}

/*
 * Reads one line into buf without its end of line; 1: a line, 0: end of
 * file, -1: too long or with a NUL byte (err set).
 */
static int
read_line(FILE *fp, char *buf, size_t size, struct parser *ps, size_t *lenp)
{
	size_t len;

	if (fgets(buf, (int)size, fp) == NULL)
		return 0;
	len = strlen(buf);
	ps->line++;
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (!feof(fp)) {
		snprintf(ps->err, ps->errlen, "%s:%d:1: line longer than %d "
		    "characters", ps->path, ps->line, LINE_MAX_LEN);
		return -1;
	}
	/* fgets stops at no NUL: a shorter string means one was read */
	if (strlen(buf) != len) {
		snprintf(ps->err, ps->errlen, "%s:%d:1: NUL byte in line", ps->path,
		    ps->line);
		return -1;
	}
	*lenp = len;
	return 1;
}

/* A new, zeroed expectation at the end of f, with room for len bytes of
 * names; NULL when out of memory. */
static struct expectation *
add_expectation(struct expect_file *f, int *cap, size_t len)
{
	struct expectation *e;

	if (f->n == *cap) {
		int ncap = *cap ? *cap * 2 : 16;

		if ((e = realloc(f->e, (size_t)ncap * sizeof *e)) == NULL)
			return NULL;
		f->e = e;
		*cap = ncap;
	}
	e = &f->e[f->n++];
	memset(e, 0, sizeof *e);
	if ((e->strings = malloc(len + 1)) == NULL)
		return NULL;
	return e;
}

/* Parses one line of text (not blank or a comment) into a new
 * expectation; 0 or -1 with ps->err set. */
static int
one_line(struct parser *ps, struct expect_file *f, int *cap, char *buf,
    size_t len, const char *text, const struct portset *default_ports)
{
	struct expectation *e;
	int r;

	if ((e = add_expectation(f, cap, len)) == NULL) {
		snprintf(ps->err, ps->errlen, "out of memory");
		return -1;
	}
	e->line = ps->line;
	/* text is within buf, which holds at most LINE_MAX_LEN characters. */
	snprintf(e->text, sizeof e->text, "%s", text);
	ps->start = buf;
	ps->p = buf;
	ps->e = e;
	ps->strings_used = 0;
	if ((r = parse_line(ps)) < 0)
		return -1;
	if (r == 0)
		e->ports = *default_ports;
	return 0;
}

int
expect_load(const char *path, const struct portset *default_ports,
    struct expect_file *f, char *err, size_t errlen)
{
	char buf[LINE_MAX_LEN + 2];
	struct parser ps;
	FILE *fp;
	size_t len;
	int cap = 0, rc = 0, i;

	memset(f, 0, sizeof *f);
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(&ps, 0, sizeof ps);
	ps.path = path;
	ps.err = err;
	ps.errlen = errlen;
	while (rc == 0 && (rc = read_line(fp, buf, sizeof buf, &ps, &len)) == 1) {
		const char *q = buf + strspn(buf, " \t\r");

		rc = 0;
		if (*q == '\0' || *q == '#')
			continue;
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
		rc = one_line(&ps, f, &cap, buf, len, q, default_ports);
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
	for (i = 0; i < f->n; i++)
		f->e[i].spec.ports = &f->e[i].ports;
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

/* What e expects, as written: "accepted", "any of dropped, refused/reset",
 * "not prohibited". */
static void
expected_str(const struct expectation *e, char *buf, size_t len)
{
	size_t n;
	int i;

	n = (size_t)snprintf(buf, len, "%s", e->kind == EX_ANY_OF ? "any of " :
	    e->kind == EX_NOT ? "not " : "");
	for (i = 0; i < e->nitems && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s%s%s", i ? ", " : "",
		    vclass_name(e->items[i].cls), e->items[i].reason[0] ? "/" : "",
		    e->items[i].reason);
}

bool
expect_met(const struct expectation *e, const struct record *r, char *why,
    size_t whylen)
{
	bool met = false;
	char a[ADDR_STRLEN], want[EXPECT_MAX_ITEMS * 48], via[ADDR_STRLEN];
	int i;

	for (i = 0; i < e->nitems && !met; i++)
		met = item_met(&e->items[i], r);
	if (e->kind == EX_NOT)
		met = !met;
	if (!met) {
		expected_str(e, want, sizeof want);
		snprintf(why, whylen, "expected %s, observed %s/%s", want,
		    vclass_name(r->v.cls), r->v.reason);
		return false;
	}
	if (e->via == 1 && !addr_eq(&r->responder, &e->via_addr)) {
		snprintf(why, whylen, "expected an answer from %s, answered by %s",
		    addr_str(&e->via_addr, via),
		    r->responder.family ? addr_str(&r->responder, a) : "nobody");
		return false;
	}
	if (e->via == 2 && !record_responder_is_server(r)) {
		snprintf(why, whylen, "expected an answer from the target, "
		    "answered by %s%s",
		    r->responder_first_hop ? "the first hop in the name of " : "",
		    r->responder.family ? addr_str(&r->responder, a) : "nobody");
		return false;
	}
	why[0] = '\0';
	return true;
}

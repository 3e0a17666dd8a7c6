/*
 * SMTP replies, bounds-checked: a line is collected whole (at most
 * SMTP_LINE_MAX bytes) and only then read, through its length.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/addr.h"
#include "util/smtpreply.h"

void
smtp_parser_init(struct smtp_parser *p)
{
	memset(p, 0, sizeof *p);
	p->status = SMTP_MORE;
}

static enum smtp_status
bad(struct smtp_parser *p, const char *why)
{
	p->why = why;
	return p->status = SMTP_BAD;
}

/* "5.7.1" at s (n bytes) of class cls, followed by a space or the end:
 * its length, else 0 (RFC 3463: class.subject.detail, 1-3 digits each). */
static size_t
enhanced_len(const uint8_t *s, size_t n, int cls)
{
	size_t i = 0, part, digits;

	if (n < 5 || s[0] != (uint8_t)('0' + cls) || s[1] != '.')
		return 0;
	i = 2;
	for (part = 0; part < 2; part++) {
		for (digits = 0; i < n && isdigit(s[i]) && digits < 3; i++)
			digits++;
		if (digits == 0)
			return 0;
		if (part == 0 && (i == n || s[i++] != '.'))
			return 0;
	}
	return i == n || s[i] == ' ' ? i : 0;
}

/* The text of a line into out: printable ASCII, others as \xHH, '\' as
 * \\; *cut set when it does not fit. */
static void
sanitise(char *out, const uint8_t *s, size_t n, int *cut)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = s[i];
		size_t need = c >= 0x20 && c < 0x7f && c != '\\' ? 1 :
		    c == '\\' ? 2 : 4;

		if (k + need > SMTP_TEXT_MAX) {
			*cut = 1;
			break;
		}
		if (need == 1)
			out[k] = (char)c;
		else if (need == 2)
			memcpy(out + k, "\\\\", 2);
		else
			snprintf(out + k, 5, "\\x%02x", c);
		k += need;
	}
	out[k] = '\0';
}

/* A whole line (without its CRLF): one more line of the reply. */
static enum smtp_status
end_line(struct smtp_parser *p, const uint8_t *s, size_t n)
{
	struct smtp_reply *r = &p->r;
	size_t skip, e;
	int code;

	if (n < 3 || s[0] < '2' || s[0] > '5' || !isdigit(s[1]) ||
	    !isdigit(s[2]))
		return bad(p, "a line without a reply code");
	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	if (n > 3 && s[3] != ' ' && s[3] != '-')
		return bad(p, "no space or hyphen after the reply code");
	if (r->nlines > 0 && code != r->code)
		return bad(p, "a line's code differs from the first line's");
	if (r->nlines == SMTP_LINES_MAX)
		return bad(p, "more lines than a reply may have (32)");
	r->code = code;
	skip = n > 3 ? 4 : 3;
	e = enhanced_len(s + skip, n - skip, code / 100);
	if (e > 0 && r->nlines == 0)
		snprintf(r->enhanced, sizeof r->enhanced, "%.*s", (int)e,
		    (const char *)(s + skip));
	/* The enhanced code is a field of its own; the text follows it. */
	if (e > 0 && strlen(r->enhanced) == e &&
	    memcmp(r->enhanced, s + skip, e) == 0)
		for (skip += e; skip < n && s[skip] == ' '; skip++)
			;
	sanitise(r->lines[r->nlines++], s + skip, n - skip, &r->cut);
	return p->status = n > 3 && s[3] == '-' ? SMTP_MORE : SMTP_DONE;
}

enum smtp_status
smtp_feed(struct smtp_parser *p, const uint8_t *buf, size_t len, size_t *used)
{
	size_t i;

	*used = 0;
	if (p->status != SMTP_MORE)
		return p->status;
	for (i = 0; i < len && p->status == SMTP_MORE; i++) {
		size_t n = p->linelen;

		if (buf[i] != '\n') {
			/* room for the CR of a line of SMTP_LINE_MAX - 2 */
			if (n == SMTP_LINE_MAX - 1)
				return bad(p, "a line longer than 1000 bytes");
			p->line[p->linelen++] = buf[i];
			continue;
		}
		if (n > 0 && p->line[n - 1] == '\r')
			n--;
		p->linelen = 0;
		end_line(p, p->line, n);
	}
	*used = i;
	return p->status;
}

/* Is word (with its '<' and '>' marks) at s[at]? */
static int
word_at(const char *s, size_t at, const char *w, size_t wl, int start, int end)
{
	size_t i;

	if (start && at > 0 && isalnum((unsigned char)s[at - 1]))
		return 0;
	for (i = 0; i < wl; i++)
		if (s[at + i] == '\0' ||
		    tolower((unsigned char)s[at + i]) != tolower((unsigned char)w[i]))
			return 0;
	return !end || !isalnum((unsigned char)s[at + wl]);
}

int
smtp_reply_has(const struct smtp_reply *r, const char *word)
{
	int start = word[0] == '<', end, k;
	size_t wl, at;

	word += start;
	wl = strlen(word);
	end = wl > 0 && word[wl - 1] == '>';
	wl -= end;
	if (wl == 0)
		return 0;
	for (k = 0; k < r->nlines && k < SMTP_LINES_MAX; k++)
		for (at = 0; r->lines[k][at] != '\0'; at++)
			if (word_at(r->lines[k], at, word, wl, start, end))
				return 1;
	return 0;
}

static int
has_any(const struct smtp_reply *r, const char *const *words)
{
	for (; *words != NULL; words++)
		if (smtp_reply_has(r, *words))
			return 1;
	return 0;
}

enum smtp_hint
smtp_reply_hint(const struct smtp_reply *r)
{
	static const char *const blocklist[] = { "blocked using", "<listed>",
	    "<rbl>", "dnsbl", "spamhaus", "<zen.", "blocklist", "blacklist",
	    "block list", "black list", "spamcop", "<sorbs", "barracuda", NULL };
	static const char *const rate[] = { "too many connections",
	    "too many concurrent", "<rate>", "<ratelimit", "<rate-limit",
	    "try again later", "<throttl", NULL };

	if (r->code >= 400 && has_any(r, blocklist))
		return SMTP_HINT_BLOCKLIST;
	if ((r->code == 421 || r->code == 450) && has_any(r, rate))
		return SMTP_HINT_RATE_LIMIT;
	return SMTP_HINT_NONE;
}

const char *
smtp_hint_name(enum smtp_hint h)
{
	switch (h) {
	case SMTP_HINT_BLOCKLIST: return "blocklist";
	case SMTP_HINT_RATE_LIMIT: return "rate-limit";
	default: return NULL;
	}
}

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]". */
static int
address_literal_ok(const char *name, size_t n)
{
	char a[ADDR_STRLEN + 8];
	struct addr x;
	int v6;

	if (n < 3 || n >= sizeof a || name[n - 1] != ']')
		return 0;
	v6 = strncmp(name, "[IPv6:", 6) == 0;
	snprintf(a, sizeof a, "%.*s", (int)(n - (v6 ? 7 : 2)), name + (v6 ? 6 : 1));
	return addr_parse(a, &x) && x.family == (v6 ? 6 : 4);
}

int
smtp_helo_ok(const char *name)
{
	size_t n = strlen(name), i, label = 0;

	if (n > 0 && name[0] == '[')
		return address_literal_ok(name, n);
	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i <= n; i++) {
		char c = name[i];

		if (c == '.' || c == '\0') {
			/* no empty label, none starting or ending with '-' */
			if (label == 0 || label > 63 || name[i - label] == '-' ||
			    name[i - 1] == '-')
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)c) || c == '-')
			label++;
		else
			return 0;
	}
	return 1;
}

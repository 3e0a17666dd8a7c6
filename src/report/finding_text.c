/* A finding in words (report/finding.h): the sentence text output and the
 * JSON "text" field share.  Built by plain appends, not printf: --scope
 * --json writes one per destination (a capture where each attempt has a
 * server of its own: 6% fewer instructions). */
#include <stdio.h>
#include <string.h>

#include "report/finding.h"
#include "util/digits.h"
#include "util/timefmt.h"

/* The sentence so far, cut to fit len with its NUL (as snprintf would). */
struct buf {
	char *p;
	size_t len, n;
};

static void
putn(struct buf *b, const char *s, size_t n)
{
	size_t room = b->len - 1 - b->n;	/* n < len always */

	if (n > room)
		n = room;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
put(struct buf *b, const char *s)
{
	putn(b, s, strlen(s));
}

/* A literal: its length a constant. */
#define PUTL(b, lit) putn(b, lit, sizeof lit - 1)

static void
put_u(struct buf *b, uint64_t v)
{
	char t[DIGITS_MAX];

	putn(b, t, (size_t)(put_u64(t, v) - t));
}

static void
put_d(struct buf *b, int v)
{
	char t[DIGITS_MAX + 1];

	putn(b, t, (size_t)(put_i64(t, v) - t));
}

/* "s" after a count other than 1. */
static void
plural(struct buf *b, uint64_t n)
{
	if (n != 1)
		PUTL(b, "s");
}

static void
put_time(struct buf *b, int64_t us)
{
	char t[TIMEFMT_MAX];

	if (us == INT64_MIN) {
		PUTL(b, "never");
		return;
	}
	putn(b, t, (size_t)(timefmt_put(t, us) - t));
}

static void
put_addr(struct buf *b, const struct addr *a)
{
	char s[ADDR_STRLEN];

	putn(b, s, (size_t)(addr_put(s, a) - s));
}

/* "A, B and 3 more", sensors named when there are several. */
static void
put_sources(struct buf *b, const struct finding_source *v, uint32_t n,
    int sensors)
{
	uint32_t i, shown = n < FINDING_MAX_LISTED ? n : FINDING_MAX_LISTED;

	if (n == 0) {
		PUTL(b, "none");
		return;
	}
	for (i = 0; i < shown && i < FINDING_MAX_SHOWN; i++) {
		if (i > 0)
			PUTL(b, ", ");
		put_addr(b, &v[i].a);
		if (sensors && v[i].sensor != NULL) {
			PUTL(b, " (");
			put(b, v[i].sensor);
			PUTL(b, ")");
		}
	}
	if (n > i) {
		PUTL(b, " and ");
		put_u(b, n - i);
		PUTL(b, " more");
	}
}

static void
put_reason(struct buf *b, const struct finding *f)
{
	put(b, vclass_name(f->cls));
	PUTL(b, "/");
	put(b, f->reason != NULL ? f->reason : "?");
}

static void
put_failures(struct buf *b, const struct finding *f)
{
	put_u(b, f->failures);
	PUTL(b, " failure");
	plural(b, f->failures);
	PUTL(b, " (");
	put_reason(b, f);
	PUTL(b, ") since ");
	put_time(b, f->first_fail);
}

static void
answered(struct buf *b, const struct finding *f)
{
	bool in_name = addr_eq(&f->responder, &f->server);

	if (f->kind == FK_LOCAL_BLOCK) {
		PUTL(b, "local firewall or provider block, not the recipient: ");
		put_failures(b, f);
		PUTL(b, " answered by ");
		put_addr(b, &f->responder);
		if (f->nfailed == 1 && addr_eq(&f->responder, &f->failed[0].a))
			PUTL(b, ", the sending host itself");
		else if (in_name)
			PUTL(b, ", the first hop in the server's name");
		else
			PUTL(b, ", the first hop");
		return;
	}
	if (f->kind == FK_MIDDLEBOX) {
		PUTL(b, "a middlebox on the path, not the recipient: ");
		put_failures(b, f);
		PUTL(b, " answered by ");
		put_addr(b, &f->responder);
		PUTL(b, ", ");
		put_d(b, f->hops);
		PUTL(b, " hop");
		plural(b, (uint64_t)f->hops);
		PUTL(b, " away");
		return;
	}
	PUTL(b, "a middlebox forging resets, not the recipient: RSTs with the "
	    "server's address came from ");
	put_d(b, f->hops);
	PUTL(b, " hops away while its SYN-ACKs (port ");
	put_u(b, f->synack_port);
	PUTL(b, ") came from ");
	put_d(b, f->synack_hops);
	PUTL(b, " (");
	put_failures(b, f);
	PUTL(b, ")");
}

static void
sensors(struct buf *b, const struct finding *f)
{
	if (f->sensors_seen <= 1)
		return;
	PUTL(b, "; failing from ");
	put_u(b, f->sensors_failed);
	PUTL(b, " of ");
	put_u(b, f->sensors_seen);
	PUTL(b, " sensors");
}

static void
about_sources(struct buf *b, const struct finding *f, int many)
{
	if (f->kind == FK_SOURCE_BLOCK) {
		PUTL(b, "block aimed at ");
		put_sources(b, f->failed, f->nfailed, many);
		PUTL(b, ": ");
		put_failures(b, f);
		PUTL(b, " while ");
		put_sources(b, f->ok, f->naccepted, many);
		put(b, f->naccepted == 1 ? " was" : " were");
		PUTL(b, " accepted (");
		put_u(b, f->accepted);
		PUTL(b, " attempt");
		plural(b, f->accepted);
		PUTL(b, ")");
	} else if (f->kind == FK_RATE_LIMIT) {
		PUTL(b, "rate limiting of ");
		put_sources(b, f->failed, f->nfailed, many);
		PUTL(b, ": accepted and failing by turns, ");
		put_failures(b, f);
		PUTL(b, ", last accepted ");
		put_time(b, f->last_ok);
	} else {
		if (f->kind == FK_MX_DOWN)
			PUTL(b, "one MX host down or misconfigured: ");
		else
			PUTL(b, "every source failing, none accepted: ");
		put_failures(b, f);
		PUTL(b, " from ");
		put_u(b, f->nfailed);
		PUTL(b, " source");
		plural(b, f->nfailed);
		PUTL(b, "; last accepted ");
		put_time(b, f->last_ok);
	}
	sensors(b, f);
}

static void
mx_down(struct buf *b, const struct finding *f)
{
	PUTL(b, " while ");
	if (f->other_mx != NULL) {
		put(b, f->other_mx);
		PUTL(b, " (");
	}
	put_addr(b, &f->other_server);
	if (f->other_mx != NULL)
		PUTL(b, ")");
	PUTL(b, " of ");
	put(b, f->domain != NULL ? f->domain : "the domain");
	PUTL(b, " accepted ");
	put_u(b, f->other_accepted);
}

static void
one_source(struct buf *b, const struct finding *f)
{
	if (!f->one_source || f->not_recipient || f->nfailed != 1 ||
	    f->kind == FK_SOURCE_BLOCK)
		return;
	PUTL(b, "; only ");
	put_addr(b, &f->failed[0].a);
	PUTL(b, " was seen: probe from another address to tell a block aimed "
	    "at it from an outage");
}

/* " for at least 3 recipients" and the like. */
static void
count_of(struct buf *b, const char *pre, const char *more, uint32_t n,
    const char *what)
{
	put(b, pre);
	put(b, more);
	put_u(b, n);
	put(b, what);
	plural(b, n);
}

/* What the MTA's log adds: how many recipients, messages and domains its
 * failure lines concern, and its own words. */
static void
log_words(struct buf *b, const struct finding *f)
{
	const char *more = f->log_at_least ? "at least " : "";

	if (f->log_first == INT64_MIN)
		return;
	put(b, f->log_mta);
	PUTL(b, " logged ");
	put_u(b, f->log_attempts);
	PUTL(b, " failed attempt");
	plural(b, f->log_attempts);
	PUTL(b, " since ");
	put_time(b, f->log_first);
	if (f->log_recipients > 0)
		count_of(b, " for ", more, f->log_recipients, " recipient");
	if (f->log_messages > 0)
		count_of(b, " of ", more, f->log_messages, " message");
	if (f->log_domain != NULL) {
		PUTL(b, " to ");
		put(b, f->log_domain);
	}
	if (f->log_domains > 1)
		count_of(b, " and ", "", f->log_domains - 1, " more domain");
	if (f->log_text != NULL) {
		PUTL(b, ", last: \"");
		put(b, f->log_text);
		PUTL(b, "\"");
	}
}

static const char *
end_words(enum finding_end e)
{
	switch (e) {
	case FE_ACCEPTED: return "accepted again";
	case FE_QUIET: return "no failure for a window";
	case FE_EVICTED: return "state evicted to stay within the memory budget";
	case FE_CHANGED_KIND: return "the failures now support another finding";
	default: return NULL;
	}
}

void
finding_sentence(const struct finding *f, const char *sensor, char *buf,
    size_t len)
{
	struct buf b = { buf, len, 0 };

	(void)sensor;
	if (len == 0)
		return;
	buf[0] = '\0';
	if (finding_kind_not_recipient(f->kind))
		answered(&b, f);
	else if (f->kind == FK_NO_FAILURE) {
		PUTL(&b, "no failure: ");
		put_u(&b, f->accepted);
		PUTL(&b, " accepted");
	} else
		about_sources(&b, f, f->sensors_seen > 1);
	if (f->kind == FK_MX_DOWN)
		mx_down(&b, f);
	one_source(&b, f);
	if (f->log_first != INT64_MIN)
		PUTL(&b, "; ");
	log_words(&b, f);
	if (f->state == FS_ENDED && end_words(f->end) != NULL) {
		PUTL(&b, " (ended: ");
		put(&b, end_words(f->end));
		PUTL(&b, ")");
	}
}

void
finding_log_words(const struct finding *f, char *buf, size_t len)
{
	struct buf b = { buf, len, 0 };

	if (len == 0)
		return;
	buf[0] = '\0';
	log_words(&b, f);
}

void
finding_write_text(FILE *out, const struct finding *f, const char *sensor)
{
	char t[40], ep[ENDPOINT_STRLEN], s[1024];

	fmt_time(t, sizeof t, f->ts);
	finding_sentence(f, sensor, s, sizeof s);
	fprintf(out, "%s finding %s %s %s", t, finding_state_name(f->state),
	    finding_kind_name(f->kind), endpoint_str(&f->server, f->port, ep));
	if (f->mx != NULL)
		fprintf(out, " (%s%s%s)", f->mx, f->domain != NULL ? ", " : "",
		    f->domain != NULL ? f->domain : "");
	fprintf(out, ": %s\n", s);
}

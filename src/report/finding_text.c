/* A finding in words (report/finding.h): the sentence text output and the
 * JSON "text" field share. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/finding.h"
#include "util/timefmt.h"

struct buf {
	char *p;
	size_t len, n;
};

static void __attribute__((format(printf, 2, 3)))
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (b->n >= b->len)
		return;
	va_start(ap, fmt);
	k = vsnprintf(b->p + b->n, b->len - b->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		b->n += (size_t)k < b->len - b->n ? (size_t)k : b->len - b->n - 1;
}

static void
put_time(struct buf *b, int64_t us)
{
	char t[40];

	if (us == INT64_MIN) {
		put(b, "never");
		return;
	}
	fmt_time(t, sizeof t, us);
	put(b, "%s", t);
}

static void
put_addr(struct buf *b, const struct addr *a)
{
	char s[ADDR_STRLEN];

	put(b, "%s", addr_str(a, s));
}

/* "A, B and 3 more", sensors named when there are several. */
static void
put_sources(struct buf *b, const struct finding_source *v, uint32_t n,
    int sensors)
{
	uint32_t i, shown = n < FINDING_MAX_LISTED ? n : FINDING_MAX_LISTED;

	if (n == 0) {
		put(b, "none");
		return;
	}
	for (i = 0; i < shown && i < FINDING_MAX_SHOWN; i++) {
		put(b, i == 0 ? "" : ", ");
		put_addr(b, &v[i].a);
		if (sensors && v[i].sensor != NULL)
			put(b, " (%s)", v[i].sensor);
	}
	if (n > i)
		put(b, " and %u more", n - i);
}

static void
put_reason(struct buf *b, const struct finding *f)
{
	put(b, "%s/%s", vclass_name(f->cls), f->reason != NULL ? f->reason : "?");
}

static void
put_failures(struct buf *b, const struct finding *f)
{
	put(b, "%llu failure%s (", (unsigned long long)f->failures,
	    f->failures == 1 ? "" : "s");
	put_reason(b, f);
	put(b, ") since ");
	put_time(b, f->first_fail);
}

static void
answered(struct buf *b, const struct finding *f)
{
	bool in_name = addr_eq(&f->responder, &f->server);

	if (f->kind == FK_LOCAL_BLOCK) {
		put(b, "local firewall or provider block, not the recipient: ");
		put_failures(b, f);
		put(b, " answered by ");
		put_addr(b, &f->responder);
		if (f->nfailed == 1 && addr_eq(&f->responder, &f->failed[0].a))
			put(b, ", the sending host itself");
		else
			put(b, ", the first hop%s", in_name ?
			    " in the server's name" : "");
		return;
	}
	if (f->kind == FK_MIDDLEBOX) {
		put(b, "a middlebox on the path, not the recipient: ");
		put_failures(b, f);
		put(b, " answered by ");
		put_addr(b, &f->responder);
		put(b, ", %d hop%s away", f->hops, f->hops == 1 ? "" : "s");
		return;
	}
	put(b, "a middlebox forging resets, not the recipient: RSTs with the "
	    "server's address came from %d hops away while its SYN-ACKs (port "
	    "%u) came from %d (", f->hops, f->synack_port, f->synack_hops);
	put_failures(b, f);
	put(b, ")");
}

static void
sensors(struct buf *b, const struct finding *f)
{
	if (f->sensors_seen > 1)
		put(b, "; failing from %u of %u sensors", f->sensors_failed,
		    f->sensors_seen);
}

static void
about_sources(struct buf *b, const struct finding *f, int many)
{
	if (f->kind == FK_SOURCE_BLOCK) {
		put(b, "block aimed at ");
		put_sources(b, f->failed, f->nfailed, many);
		put(b, ": ");
		put_failures(b, f);
		put(b, " while ");
		put_sources(b, f->ok, f->naccepted, many);
		put(b, " %s accepted (%llu attempt%s)",
		    f->naccepted == 1 ? "was" : "were",
		    (unsigned long long)f->accepted, f->accepted == 1 ? "" : "s");
	} else if (f->kind == FK_RATE_LIMIT) {
		put(b, "rate limiting of ");
		put_sources(b, f->failed, f->nfailed, many);
		put(b, ": accepted and failing by turns, %llu failure%s (",
		    (unsigned long long)f->failures, f->failures == 1 ? "" : "s");
		put_reason(b, f);
		put(b, ") since ");
		put_time(b, f->first_fail);
		put(b, ", last accepted ");
		put_time(b, f->last_ok);
	} else {
		put(b, f->kind == FK_MX_DOWN ? "one MX host down or misconfigured: " :
		    "every source failing, none accepted: ");
		put_failures(b, f);
		put(b, " from %u source%s", f->nfailed, f->nfailed == 1 ? "" : "s");
		put(b, "; last accepted ");
		put_time(b, f->last_ok);
	}
	sensors(b, f);
}

static void
mx_down(struct buf *b, const struct finding *f)
{
	put(b, " while ");
	if (f->other_mx != NULL)
		put(b, "%s (", f->other_mx);
	put_addr(b, &f->other_server);
	put(b, "%s of %s accepted %llu", f->other_mx != NULL ? ")" : "",
	    f->domain != NULL ? f->domain : "the domain",
	    (unsigned long long)f->other_accepted);
}

static void
one_source(struct buf *b, const struct finding *f)
{
	if (!f->one_source || f->not_recipient || f->nfailed != 1 ||
	    f->kind == FK_SOURCE_BLOCK)
		return;
	put(b, "; only ");
	put_addr(b, &f->failed[0].a);
	put(b, " was seen: probe from another address to tell a block aimed "
	    "at it from an outage");
}

/* What the MTA's log adds: how many recipients, messages and domains its
 * failure lines concern, and its own words. */
static void
log_words(struct buf *b, const struct finding *f)
{
	const char *more = f->log_at_least ? "at least " : "";

	if (f->log_first == INT64_MIN)
		return;
	put(b, "%s logged %llu failed attempt%s since ", f->log_mta,
	    (unsigned long long)f->log_attempts, f->log_attempts == 1 ? "" : "s");
	put_time(b, f->log_first);
	if (f->log_recipients > 0)
		put(b, " for %s%u recipient%s", more, f->log_recipients,
		    f->log_recipients == 1 ? "" : "s");
	if (f->log_messages > 0)
		put(b, " of %s%u message%s", more, f->log_messages,
		    f->log_messages == 1 ? "" : "s");
	if (f->log_domain != NULL)
		put(b, " to %s", f->log_domain);
	if (f->log_domains > 1)
		put(b, " and %u more domain%s", f->log_domains - 1,
		    f->log_domains == 2 ? "" : "s");
	if (f->log_text != NULL)
		put(b, ", last: \"%s\"", f->log_text);
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
	else if (f->kind == FK_NO_FAILURE)
		put(&b, "no failure: %llu accepted",
		    (unsigned long long)f->accepted);
	else
		about_sources(&b, f, f->sensors_seen > 1);
	if (f->kind == FK_MX_DOWN)
		mx_down(&b, f);
	one_source(&b, f);
	if (f->log_first != INT64_MIN)
		put(&b, "; ");
	log_words(&b, f);
	if (f->state == FS_ENDED && end_words(f->end) != NULL)
		put(&b, " (ended: %s)", end_words(f->end));
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

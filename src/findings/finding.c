/* The names of findings/finding.h, as JSON and the man page give them. */
#include <stddef.h>
#include <string.h>

#include "findings/finding.h"

const char *
finding_kind_name(enum finding_kind k)
{
	static const char *const name[FK_COUNT] = {
		"local_block", "middlebox", "forged_reset", "source_block",
		"rate_limit", "all_failed", "mx_down", "no_failure",
	};

	return (unsigned)k < FK_COUNT ? name[k] : "?";
}

const char *
finding_state_name(enum finding_state s)
{
	static const char *const name[] = {
		"started", "changed", "ended", "final",
	};

	return (unsigned)s <= FS_FINAL ? name[s] : "?";
}

const char *
finding_end_name(enum finding_end e)
{
	static const char *const name[] = {
		NULL, "accepted", "quiet", "evicted", "changed_kind",
	};

	return (unsigned)e <= FE_CHANGED_KIND ? name[e] : NULL;
}

void
finding_init(struct finding *f, enum finding_kind k, enum finding_state s,
    int64_t ts, const struct addr *server, uint16_t port, const char *mx,
    const char *domain, int mx_pref)
{
	/* All but the lists of sources, which the counts make empty: clearing
	 * their 1 KiB too cost 1% of read --findings on bench-tenth (cachegrind
	 * instructions). */
	memset(f, 0, offsetof(struct finding, failed));
	f->kind = k;
	f->state = s;
	f->end = FE_NONE;
	f->ts = ts;
	f->started = s == FS_FINAL ? INT64_MIN : ts;
	f->server = *server;
	f->port = port;
	f->mx = mx;
	f->domain = domain;
	f->mx_pref = mx_pref;
	f->cls = VC_ACCEPTED;
	f->first_fail = f->last_fail = f->last_ok = INT64_MIN;
	f->hops = f->synack_hops = -1;
	f->not_recipient = finding_kind_not_recipient(k);
	f->log_first = f->log_last = INT64_MIN;
}

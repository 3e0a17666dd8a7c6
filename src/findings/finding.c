/* The names of findings/finding.h, as JSON and the man page give them. */
#include <stddef.h>

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

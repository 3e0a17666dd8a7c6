/*
 * Expectations files for verify: one expectation per line,
 *   [from ADDR[,ADDR...]] to TARGET[,TARGET...] [port LIST] expect EXPR [via WHO]
 * TARGET: an address, a host name, or mx:DOMAIN (every MX address);
 * EXPR: CLASS[/REASON], any-of ITEM[,ITEM...], or not ITEM;
 * WHO: an address, or "target" (the server itself answered).
 */
#ifndef SMTPSCOPE_EXPECT_H
#define SMTPSCOPE_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "probe/probespec.h"
#include "util/portset.h"

#define EXPECT_MAX_ITEMS 8
#define EXPECT_LINE_MAX 1024		/* longer lines are an error */

enum expect_kind { EX_ONE, EX_ANY_OF, EX_NOT };

struct expect_item {
	enum vclass cls;
	char reason[32];		/* "" = any reason of the class */
};

struct expectation {
	int line;
	char text[EXPECT_LINE_MAX + 1];	/* the line as written, trimmed */
	enum expect_kind kind;
	struct expect_item items[EXPECT_MAX_ITEMS];
	int nitems;
	int via;			/* 0 none, 1 an address, 2 the target itself */
	struct addr via_addr;
	struct probe_spec spec;		/* what to probe */
	struct portset ports;
	char *strings;			/* owns the names the spec points to */
};

struct expect_file {
	struct expectation *e;
	int n;
};

/*
 * Parses path.  Returns 0, or -1 with "path:line:col: message" in err; on
 * error nothing is kept.  default_ports applies to lines without "port".
 */
int expect_load(const char *path, const struct portset *default_ports,
    struct expect_file *f, char *err, size_t errlen);
void expect_free(struct expect_file *f);

/* Does one probe's record meet the expectation? why explains a failure. */
bool expect_met(const struct expectation *e, const struct record *r,
    char *why, size_t whylen);

#endif

/*
 * What a trace's hops say together, in one sentence: where the SYN was
 * accepted, reset, refused or prohibited, and by whom; or from which hop on
 * nothing answered.  Pure: the hops in, the statement out.
 */
#include <stdio.h>
#include <string.h>

#include "report/trace.h"

void
trace_add(struct trace *tr, const struct record *r)
{
	int h = r->origin != NULL ? r->origin->hop : 0;

	if (h < 1 || h > tr->max_ttl || tr->hop[h].origin != NULL)
		return;
	tr->hop[h] = *r;
}

static bool
seen(const struct trace *tr, int h)
{
	return tr->hop[h].origin != NULL;
}

/* A router's time exceeded answered hop h. */
static bool
time_exceeded(const struct trace *tr, int h)
{
	return seen(tr, h) && tr->hop[h].icmp_type >= 0 &&
	    verdict_icmp_time_exceeded(tr->hop[h].t.server.family,
	    (uint8_t)tr->hop[h].icmp_type);
}

static int
end_hop(const struct trace *tr)
{
	int h;

	for (h = 1; h <= tr->max_ttl; h++)
		if (seen(tr, h) && record_trace_end(&tr->hop[h]))
			return h;
	return 0;
}

int
trace_last(const struct trace *tr)
{
	int h, end = end_hop(tr);

	if (end > 0)
		return end;
	for (h = tr->max_ttl; h > 0 && !seen(tr, h); h--)
		;
	return h;
}

/*
 * The hop of the device that made the answer ending the trace at hop end.
 * A router that blocks in its forwarding path still counts the TTL down
 * first, so its own time exceeded answered the hop before: an ICMP error
 * from an address that answered an earlier hop is that router's; an answer
 * in the server's name whose reply TTL says it came from nearer than the
 * server is the router's at that distance.
 */
static int
device_hop(const struct trace *tr, int end, struct addr *by)
{
	const struct record *r = &tr->hop[end];
	int k;

	*by = r->responder;
	if (r->responder_first_hop || record_responder_is_server(r)) {
		k = r->responder_first_hop ? 1 : r->hops + 1;
		if (r->hops >= 0 && k >= 1 && k < end && time_exceeded(tr, k)) {
			*by = tr->hop[k].responder;
			return k;
		}
		return end;
	}
	for (k = end - 1; k >= 1; k--)
		if (time_exceeded(tr, k) && addr_eq(&tr->hop[k].responder, by))
			return k;
	return end;
}

static void
ended(const struct trace *tr, struct trace_result *res)
{
	const struct record *r = &tr->hop[res->end];
	const char *what = r->v.cls == VC_ACCEPTED ? "accepted" : r->v.reason;
	char a[ADDR_STRLEN], ttl[40] = "";

	res->at = device_hop(tr, res->end, &res->by);
	if (res->at != res->end)
		snprintf(ttl, sizeof ttl, " (answering the TTL %d SYN)", res->end);
	if (!addr_eq(&r->responder, &r->t.server))
		snprintf(res->statement, sizeof res->statement, "%s at hop %d by %s%s",
		    what, res->at, addr_str(&res->by, a), ttl);
	else if (res->at != res->end || r->responder_first_hop)
		snprintf(res->statement, sizeof res->statement,
		    "%s at hop %d by %s, which is not the server%s", what, res->at,
		    addr_str(&res->by, a), ttl);
	else
		snprintf(res->statement, sizeof res->statement,
		    "%s at hop %d (the server)", what, res->at);
}

static void
unended(const struct trace *tr, struct trace_result *res)
{
	char a[ADDR_STRLEN];
	int h, last = 0;

	for (h = 1; h <= tr->max_ttl; h++)
		if (time_exceeded(tr, h))
			last = h;
	if (last == tr->max_ttl) {
		res->at = last;
		res->by = tr->hop[last].responder;
		snprintf(res->statement, sizeof res->statement,
		    "not reached within %d hops: the last answer came from %s",
		    tr->max_ttl, addr_str(&res->by, a));
		return;
	}
	res->silent_from = last + 1;
	if (last == 0) {
		snprintf(res->statement, sizeof res->statement,
		    "silent from hop 1 on: nothing answered");
		return;
	}
	res->at = last;
	res->by = tr->hop[last].responder;
	snprintf(res->statement, sizeof res->statement,
	    "silent from hop %d on: dropped after %s", last + 1,
	    addr_str(&res->by, a));
}

void
trace_result(const struct trace *tr, struct trace_result *res)
{
	memset(res, 0, sizeof *res);
	if ((res->end = end_hop(tr)) > 0)
		ended(tr, res);
	else
		unended(tr, res);
}

/*
 * Per-server and per-client counts per class, and the capture counters.
 * The tables have a fixed size so that a flood of spoofed clients cannot grow
 * memory: keys past the limit are added up in an "(other)" row.  Printed,
 * a table shows its --top rows with the most failures, then one line adds
 * up the rest.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "report/sink.h"

#define AGG_MAX 1024		/* rows per table */
#define AGG_SLOTS 2048		/* open addressing, load <= 1/2 */

struct agg_row {
	struct addr a;
	uint16_t port;
	uint64_t n[VC_COUNT];
};

/* The keys' hashes apart from the rows, so that a lookup probes 8 KB, not
 * the rows' 150, and reads a row only where its hash matches: once the
 * table is full, most lookups of a capture with many servers find
 * nothing. */
struct agg {
	uint32_t hash[AGG_SLOTS];	/* never 0; 0: an empty slot */
	struct agg_row slot[AGG_SLOTS];
	struct agg_row other;
	uint32_t rows;
};

struct summary_sink {
	struct sink base;
	int json;			/* one JSON line, not the tables */
	const char *sensor;		/* json: this sensor's name */
	int top;			/* rows shown per table; 0: all */
	uint64_t total[VC_COUNT];
	struct agg servers, clients;
};

static struct agg_row *
agg_get(struct agg *g, const struct addr *a, uint16_t port)
{
	uint32_t hash = addr_hash(a, port, 0) | 1u << 31, h;

	for (h = hash & (AGG_SLOTS - 1); g->hash[h] != 0;
	    h = (h + 1) & (AGG_SLOTS - 1))
		if (g->hash[h] == hash && g->slot[h].port == port &&
		    addr_eq(&g->slot[h].a, a))
			return &g->slot[h];
	if (g->rows >= AGG_MAX)
		return &g->other;
	g->rows++;
	g->hash[h] = hash;
	g->slot[h].a = *a;
	g->slot[h].port = port;
	return &g->slot[h];
}

static void
summary_record(struct sink *s, const struct record *r)
{
	struct summary_sink *m = (struct summary_sink *)s;
	/* A correction moves its attempt from the class written before. */
	int was = r->correction ? (int)r->corrects.cls : -1;

	m->total[r->v.cls]++;
	if (was >= 0)
		m->total[was]--;
	if (m->json)
		return;		/* no tables */
	agg_get(&m->servers, &r->t.server, r->t.server_port)->n[r->v.cls]++;
	agg_get(&m->clients, &r->t.client, 0)->n[r->v.cls]++;
	if (was >= 0) {
		agg_get(&m->servers, &r->t.server, r->t.server_port)->n[was]--;
		agg_get(&m->clients, &r->t.client, 0)->n[was]--;
	}
}

static uint64_t
row_failures(const struct agg_row *r)
{
	return r->n[VC_REFUSED] + r->n[VC_PROHIBITED] + r->n[VC_UNREACHABLE] +
	    r->n[VC_DROPPED];
}

static uint64_t
row_total(const struct agg_row *r)
{
	uint64_t t = 0;
	int c;

	for (c = 0; c < VC_COUNT; c++)
		t += r->n[c];
	return t;
}

/* Most failures first, then most attempts, then by address and port. */
static int
row_cmp(const void *x, const void *y)
{
	const struct agg_row *a = x, *b = y;
	uint64_t fa = row_failures(a), fb = row_failures(b);
	uint64_t ta = row_total(a), tb = row_total(b);
	int c;

	if (fa != fb)
		return fa > fb ? -1 : 1;
	if (ta != tb)
		return ta > tb ? -1 : 1;
	if (a->a.family != b->a.family)
		return a->a.family - b->a.family;
	if ((c = memcmp(a->a.b, b->a.b, 16)) != 0)
		return c;
	return (int)a->port - (int)b->port;
}

static void
print_counts(FILE *out, const uint64_t n[VC_COUNT])
{
	uint64_t total = 0;
	int c;

	for (c = 0; c < VC_COUNT; c++)
		total += n[c];
	fprintf(out, " %7" PRIu64, total);
	for (c = 0; c < VC_COUNT; c++)
		fprintf(out, " %*" PRIu64, (int)strlen(vclass_name(c)), n[c]);
	putc('\n', out);
}

static void
print_table(FILE *out, const char *title, struct agg *g, int with_port,
    int top)
{
	struct agg_row rows[AGG_MAX];
	char a[ADDR_STRLEN], key[ADDR_STRLEN + 10];
	uint64_t rest[VC_COUNT] = { 0 };
	uint32_t i, n = 0, shown;
	int c;

	fprintf(out, "%-45s %7s", title, "total");
	for (c = 0; c < VC_COUNT; c++)
		fprintf(out, " %s", vclass_name(c));
	putc('\n', out);
	for (i = 0; i < AGG_SLOTS; i++)
		if (g->hash[i] != 0)
			rows[n++] = g->slot[i];
	qsort(rows, n, sizeof rows[0], row_cmp);
	shown = top > 0 && (uint32_t)top < n ? (uint32_t)top : n;
	for (i = 0; i < shown; i++) {
		fprintf(out, "  %-43s", with_port ?
		    endpoint_str(&rows[i].a, rows[i].port, key) :
		    addr_str(&rows[i].a, a));
		print_counts(out, rows[i].n);
	}
	if (shown < n) {
		for (; i < n; i++)
			for (c = 0; c < VC_COUNT; c++)
				rest[c] += rows[i].n[c];
		snprintf(key, sizeof key, "(%" PRIu32 " more; --top to see)",
		    n - shown);
		fprintf(out, "  %-43s", key);
		print_counts(out, rest);
	}
	for (c = 0; c < VC_COUNT; c++)
		if (g->other.n[c]) {
			fprintf(out, "  %-43s", "(other)");
			print_counts(out, g->other.n);
			break;
		}
}

static void
summary_finish(struct sink *s, const struct stats *st, int final)
{
	struct summary_sink *m = (struct summary_sink *)s;
	FILE *out = s->out;
	uint64_t total = 0;
	int c;

	for (c = 0; c < VC_COUNT; c++)
		total += m->total[c];
	fprintf(out, "summary%s: %" PRIu64 " attempts", final ? "" : " so far", total);
	for (c = 0; c < VC_COUNT; c++)
		fprintf(out, ", %s %" PRIu64, vclass_name(c), m->total[c]);
	putc('\n', out);
	if (total > 0) {
		print_table(out, "by server", &m->servers, 1, m->top);
		print_table(out, "by client", &m->clients, 0, m->top);
	}
	if (st->input.files > 0) {
		/* smtpscope scope: records read back, no packet */
		fprintf(out, "input: %" PRIu64 " files, %" PRIu64 " lines, %"
		    PRIu64 " records, %" PRIu64 " not JSON, %" PRIu64 " of other "
		    "types, %" PRIu64 " bad\n", st->input.files, st->input.lines,
		    st->input.records,
		    st->input.not_json, st->input.other_type, st->input.bad);
		fflush(out);
		return;
	}
	fprintf(out, "packets: %" PRIu64 " read, tcp %" PRIu64 ", icmp-error %"
	    PRIu64 ", not-ip %" PRIu64 ", other-proto %" PRIu64 ", fragment %"
	    PRIu64 ", truncated %" PRIu64 ", malformed %" PRIu64 "\n",
	    st->packets, st->frames.tcp, st->frames.icmp_error, st->frames.not_ip,
	    st->frames.other_proto, st->frames.fragment, st->frames.truncated,
	    st->frames.malformed);
	fprintf(out, "ignored: not-smtp %" PRIu64 ", midstream %" PRIu64
	    ", unmatched syn-ack %" PRIu64 ", unmatched rst %" PRIu64
	    ", unmatched icmp %" PRIu64 ", duplicate syns %" PRIu64
	    ", after verdict %" PRIu64 ", time went back %" PRIu64
	    ", evicted %" PRIu64 "\n",
	    st->not_smtp, st->midstream, st->unmatched_synack,
	    st->unmatched_rst, st->unmatched_icmp, st->duplicate_syns,
	    st->after_verdict, st->time_backwards, st->evicted);
	if (st->kernel_received >= 0)
		fprintf(out, "kernel: received %" PRId64 ", dropped %" PRId64
		    ", interface dropped %" PRId64 "\n", st->kernel_received,
		    st->kernel_dropped, st->if_dropped);
	if (st->gaps >= 0)
		fprintf(out, "capture gaps: %" PRId64 ", %" PRId64 ".%03" PRId64
		    " s\n", st->gaps, st->gap_us / 1000000,
		    st->gap_us % 1000000 / 1000);
	fflush(out);
}

/* ,"name":v for each of n counters. */
static void
json_counts(FILE *out, const char *const *names, const uint64_t *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(out, ",\"%s\":%" PRIu64, names[i], v[i]);
}

/* A kernel counter, null when not available (not live). */
static void
json_kernel(FILE *out, const char *name, int64_t v)
{
	if (v >= 0)
		fprintf(out, ",\"%s\":%" PRId64, name, v);
	else
		fprintf(out, ",\"%s\":null", name);
}

/* The summary as one line; the names are smtpscope(8)'s.  interval:
 * --stats-interval's pulse (final is 0), which adds "interval":true and
 * the attempt table's occupancy; the other summaries keep their shape. */
static void
summary_json(struct summary_sink *m, const struct stats *st, int final,
    int interval)
{
	static const char *const frames[] = { "frames_tcp",
	    "frames_icmp_error", "frames_not_ip", "frames_other_proto",
	    "frames_fragment", "frames_truncated", "frames_malformed" };
	static const char *const ignored[] = { "ignored_not_smtp",
	    "ignored_midstream", "ignored_unmatched_synack",
	    "ignored_unmatched_rst", "ignored_unmatched_icmp",
	    "ignored_duplicate_syns", "ignored_after_verdict",
	    "ignored_time_backwards", "ignored_evicted" };
	static const char *const input[] = { "input_files", "input_lines",
	    "input_records", "input_not_json", "input_other_type", "input_bad" };
	const uint64_t fv[] = { st->frames.tcp, st->frames.icmp_error,
	    st->frames.not_ip, st->frames.other_proto, st->frames.fragment,
	    st->frames.truncated, st->frames.malformed };
	const uint64_t iv[] = { st->not_smtp, st->midstream,
	    st->unmatched_synack, st->unmatched_rst, st->unmatched_icmp,
	    st->duplicate_syns, st->after_verdict, st->time_backwards,
	    st->evicted };
	const uint64_t nv[] = { st->input.files, st->input.lines, st->input.records,
	    st->input.not_json, st->input.other_type, st->input.bad };
	FILE *out = m->base.out;
	uint64_t total = 0;
	int c;

	for (c = 0; c < VC_COUNT; c++)
		total += m->total[c];
	fputs("{\"type\":\"summary\",\"sensor\":", out);
	if (m->sensor != NULL)
		json_put_string(out, m->sensor);
	else
		fputs("null", out);
	fprintf(out, ",\"final\":%s,%s\"attempts\":%" PRIu64,
	    final ? "true" : "false", interval ? "\"interval\":true," : "", total);
	for (c = 0; c < VC_COUNT; c++)
		fprintf(out, ",\"%s\":%" PRIu64, vclass_name(c), m->total[c]);
	fprintf(out, ",\"packets\":%" PRIu64, st->packets);
	json_counts(out, frames, fv, (int)(sizeof fv / sizeof fv[0]));
	json_counts(out, ignored, iv, (int)(sizeof iv / sizeof iv[0]));
	json_kernel(out, "kernel_received", st->kernel_received);
	json_kernel(out, "kernel_dropped", st->kernel_dropped);
	json_kernel(out, "kernel_if_dropped", st->if_dropped);
	/* Live capture only (a file's gaps are not known): absent, not
	 * null, so the summaries of files keep their shape. */
	if (st->gaps >= 0)
		fprintf(out, ",\"gaps\":%" PRId64 ",\"gap_seconds\":%" PRId64
		    ".%03" PRId64, st->gaps, st->gap_us / 1000000,
		    st->gap_us % 1000000 / 1000);
	if (interval)
		fprintf(out, ",\"table_used\":%" PRIu64 ",\"table_size\":%"
		    PRIu64, st->table_used, st->table_size);
	json_counts(out, input, nv, (int)(sizeof nv / sizeof nv[0]));
	fputs("}\n", out);
	fflush(out);
}

static void
summary_end(struct sink *s, const struct stats *st, int final)
{
	struct summary_sink *m = (struct summary_sink *)s;

	if (m->json)
		summary_json(m, st, final, 0);
	else
		summary_finish(s, st, final);
}

void
sink_summary_pulse(struct sink *s, const struct stats *st)
{
	struct summary_sink *m = (struct summary_sink *)s;
	FILE *out = s->out;
	uint64_t total = 0;
	int c;

	if (m->json) {
		summary_json(m, st, 0, 1);
		return;
	}
	for (c = 0; c < VC_COUNT; c++)
		total += m->total[c];
	fprintf(out, "pulse: %" PRIu64 " attempts", total);
	for (c = 0; c < VC_COUNT; c++)
		fprintf(out, ", %s %" PRIu64, vclass_name(c), m->total[c]);
	fprintf(out, "; packets %" PRIu64 "; table %" PRIu64 "/%" PRIu64
	    ", evicted %" PRIu64, st->packets, st->table_used, st->table_size,
	    st->evicted);
	if (st->kernel_received >= 0)
		fprintf(out, "; kernel received %" PRId64 ", dropped %" PRId64
		    ", interface dropped %" PRId64, st->kernel_received,
		    st->kernel_dropped, st->if_dropped);
	putc('\n', out);
	fflush(out);
}

static const struct sink_ops summary_ops = {
	.record = summary_record,
	.finish = summary_end,
	.free = sink_free,
};

struct sink *
sink_summary_new(FILE *out)
{
	struct summary_sink *m = calloc(1, sizeof *m);

	if (m == NULL)
		return NULL;
	m->base.ops = &summary_ops;
	m->base.out = out;
	m->top = SUMMARY_TOP_DEFAULT;
	return &m->base;
}

void
sink_summary_top(struct sink *s, int top)
{
	if (s != NULL)
		((struct summary_sink *)s)->top = top;
}

struct sink *
sink_summary_json_new(FILE *out, const char *sensor)
{
	struct sink *s = sink_summary_new(out);

	if (s != NULL) {
		((struct summary_sink *)s)->json = 1;
		((struct summary_sink *)s)->sensor = sensor;
	}
	return s;
}

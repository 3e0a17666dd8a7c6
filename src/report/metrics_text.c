/*
 * The text exposition of the metrics registry (Prometheus text format
 * 0.0.4): for each metric a HELP and a TYPE line, then its samples, label
 * values escaped (backslash, double quote, newline).  Names follow the
 * Prometheus conventions: smtpscope_ prefix, base units, counters end in
 * _total.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics_internal.h"

struct buf {
	char *p;
	size_t len, cap;
	int failed;		/* out of memory: the exposition is dropped */
};

static void __attribute__((format(printf, 2, 3)))
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t want;
	char *np;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < b->cap - b->len) {
		b->len += (size_t)n;
		return;
	}
	for (want = b->cap * 2; want <= b->len + (size_t)n; want *= 2)
		;
	if ((np = realloc(b->p, want)) == NULL) {
		b->failed = 1;
		return;
	}
	b->p = np;
	b->cap = want;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* A label value, escaped as the format asks. */
static void
put_value(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\\')
			put(b, "\\\\");
		else if (*s == '"')
			put(b, "\\\"");
		else if (*s == '\n')
			put(b, "\\n");
		else
			put(b, "%c", *s);
}

static void
put_label(struct buf *b, const char *sep, const char *name, const char *value)
{
	put(b, "%s%s=\"", sep, name);
	put_value(b, value);
	put(b, "\"");
}

static void
header(struct buf *b, const char *name, const char *type, const char *help)
{
	put(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *
reason_name(const struct metrics *m, int i)
{
	return i < m->nreasons ? m->reasons[i] : "other";
}

static void
put_attempt(struct buf *b, const struct metrics *m, uint32_t k, uint64_t n)
{
	char a[ADDR_STRLEN], port[8];
	int pi = (int)MX_PORT(k), si = (int)MX_SOURCE(k);

	if (pi < m->nports)
		snprintf(port, sizeof port, "%u", m->ports[pi]);
	else
		strcpy(port, "other");
	put(b, "smtpscope_attempts_total");
	put_label(b, "{", "class", vclass_name((enum vclass)MX_CLASS(k)));
	put_label(b, ",", "reason", reason_name(m, (int)MX_REASON(k)));
	put_label(b, ",", "port", port);
	put_label(b, ",", "source", si < m->nsources ?
	    addr_str(&m->sources[si], a) : "other");
	put(b, "} %llu\n", (unsigned long long)n);
}

static void
put_correction(struct buf *b, const struct metrics *m, uint32_t k, uint64_t n)
{
	put(b, "smtpscope_attempt_corrections_total");
	put_label(b, "{", "from_class", vclass_name((enum vclass)MX_FROM(k)));
	put_label(b, ",", "class", vclass_name((enum vclass)MX_CLASS(k)));
	put_label(b, ",", "reason", reason_name(m, (int)MX_REASON(k)));
	put(b, "} %llu\n", (unsigned long long)n);
}

static void
put_series(struct buf *b, const struct metrics *m)
{
	const struct mx_series *s;
	uint32_t i;

	header(b, "smtpscope_attempts_total", "counter", "Connection attempts "
	    "by the verdict first written: class, reason, server port and "
	    "source address (the first 64 sources and 16 ports seen have "
	    "their own label, later ones \"other\").");
	for (i = 0; i < m->nseries; i++)
		if (!((s = &m->slots[m->order[i]])->key & MX_CORR))
			put_attempt(b, m, s->key, s->n);
	header(b, "smtpscope_attempt_corrections_total", "counter",
	    "Verdicts overturned by later packets (a correction record), by "
	    "the class written before and the verdict now.");
	for (i = 0; i < m->nseries; i++)
		if ((s = &m->slots[m->order[i]])->key & MX_CORR)
			put_correction(b, m, s->key, s->n);
}

static void
put_one(struct buf *b, const char *name, const char *type, const char *help,
    uint64_t v)
{
	header(b, name, type, help);
	put(b, "%s %llu\n", name, (unsigned long long)v);
}

static void
put_frames(struct buf *b, const struct stats *st)
{
	static const char *const kind[] = { "tcp", "icmp_error", "not_ip",
	    "other_proto", "fragment", "truncated", "malformed" };
	const uint64_t n[] = { st->frames.tcp, st->frames.icmp_error,
	    st->frames.not_ip, st->frames.other_proto, st->frames.fragment,
	    st->frames.truncated, st->frames.malformed };
	size_t i;

	header(b, "smtpscope_frames_total", "counter", "Frames read, by what "
	    "the decoder made of them.");
	for (i = 0; i < sizeof n / sizeof n[0]; i++)
		put(b, "smtpscope_frames_total{kind=\"%s\"} %llu\n", kind[i],
		    (unsigned long long)n[i]);
	header(b, "smtpscope_unmatched_answers_total", "counter", "Answers "
	    "that match no SYN seen: SYN-ACKs, RSTs, ICMP errors.");
	put(b, "smtpscope_unmatched_answers_total{kind=\"syn_ack\"} %llu\n"
	    "smtpscope_unmatched_answers_total{kind=\"rst\"} %llu\n"
	    "smtpscope_unmatched_answers_total{kind=\"icmp\"} %llu\n",
	    (unsigned long long)st->unmatched_synack,
	    (unsigned long long)st->unmatched_rst,
	    (unsigned long long)st->unmatched_icmp);
}

/* pcap_stats(): live capture only (-1 when reading files). */
static void
put_kernel(struct buf *b, const struct stats *st)
{
	if (st->kernel_received < 0)
		return;
	put_one(b, "smtpscope_kernel_received_packets_total", "counter",
	    "Packets the kernel's capture filter passed (pcap_stats ps_recv).",
	    (uint64_t)st->kernel_received);
	put_one(b, "smtpscope_kernel_dropped_packets_total", "counter",
	    "Packets dropped because the capture buffer was full (ps_drop).",
	    (uint64_t)(st->kernel_dropped > 0 ? st->kernel_dropped : 0));
	put_one(b, "smtpscope_kernel_interface_dropped_packets_total",
	    "counter", "Packets the interface or its driver dropped "
	    "(ps_ifdrop).", (uint64_t)(st->if_dropped > 0 ? st->if_dropped : 0));
	if (st->gaps < 0)
		return;
	put_one(b, "smtpscope_capture_gaps_total", "counter", "Times the "
	    "capture interface went down or away (io/capgap.h).",
	    (uint64_t)st->gaps);
	header(b, "smtpscope_capture_gap_seconds_total", "counter", "Seconds "
	    "the capture saw nothing, its interface down or gone.");
	put(b, "smtpscope_capture_gap_seconds_total %lld.%06lld\n",
	    (long long)(st->gap_us / 1000000), (long long)(st->gap_us % 1000000));
}

static void
put_stats(struct buf *b, const struct stats *st)
{
	put_frames(b, st);
	put_kernel(b, st);
	put_one(b, "smtpscope_attempt_table_entries", "gauge", "Attempts "
	    "held in the table now (finished ones kept a moment included).",
	    st->table_used);
	put_one(b, "smtpscope_attempt_table_capacity", "gauge", "Attempts "
	    "the table holds at most (--max-attempts).", st->table_size);
	put_one(b, "smtpscope_attempt_table_evictions_total", "counter",
	    "Unanswered attempts dropped from the full table.", st->evicted);
}

static void
put_findings(struct buf *b, const struct metrics *m)
{
	int k;

	header(b, "smtpscope_findings_active", "gauge", "Findings in force now "
	    "(--findings), by kind.");
	for (k = 0; k < FK_COUNT; k++)
		put(b, "smtpscope_findings_active{kind=\"%s\"} %llu\n",
		    finding_kind_name((enum finding_kind)k),
		    (unsigned long long)m->active[k]);
	header(b, "smtpscope_findings_started_total", "counter", "Findings "
	    "started (--findings), by kind.");
	for (k = 0; k < FK_COUNT; k++)
		put(b, "smtpscope_findings_started_total{kind=\"%s\"} %llu\n",
		    finding_kind_name((enum finding_kind)k),
		    (unsigned long long)m->started[k]);
}

static void
put_times(struct buf *b, const struct metrics *m)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	header(b, "smtpscope_start_time_seconds", "gauge", "When this run "
	    "started, in seconds since the epoch.");
	put(b, "smtpscope_start_time_seconds %.6f\n", m->start_us / 1e6);
	header(b, "smtpscope_metrics_timestamp_seconds", "gauge", "When these "
	    "metrics were written, in seconds since the epoch (the run's "
	    "pulse).");
	put(b, "smtpscope_metrics_timestamp_seconds %.6f\n",
	    (double)ts.tv_sec + ts.tv_nsec / 1e9);
}

char *
metrics_expose(struct metrics *m, size_t *len)
{
	struct buf b = { malloc(4096), 0, 4096, 0 };

	if (b.p == NULL)
		return NULL;
	b.p[0] = '\0';
	put_series(&b, m);
	if (m->st != NULL)
		put_stats(&b, m->st);
	if (m->findings)
		put_findings(&b, m);
	put_times(&b, m);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

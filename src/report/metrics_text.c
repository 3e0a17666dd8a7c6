/*
 * The text exposition of the metrics registry (Prometheus text format
 * 0.0.4): for each metric a HELP and a TYPE line, then its samples, label
 * values escaped (backslash, double quote, newline).  Names follow the
 * Prometheus conventions: smtpscope_ prefix, base units, counters end in
 * _total.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics_internal.h"
#include "util/strbuf.h"

/* A label value, escaped as the format asks. */
static void
put_value(struct strbuf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\\')
			strbuf_printf(b, "\\\\");
		else if (*s == '"')
			strbuf_printf(b, "\\\"");
		else if (*s == '\n')
			strbuf_printf(b, "\\n");
		else
			strbuf_printf(b, "%c", *s);
}

static void
put_label(struct strbuf *b, const char *sep, const char *name,
    const char *value)
{
	strbuf_printf(b, "%s%s=\"", sep, name);
	put_value(b, value);
	strbuf_printf(b, "\"");
}

static void
header(struct strbuf *b, const char *name, const char *type, const char *help)
{
	strbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static const char *
reason_name(const struct metrics *m, int i)
{
	return i < m->nreasons ? m->reasons[i] : "other";
}

static void
put_attempt(struct strbuf *b, const struct metrics *m, uint32_t k, uint64_t n)
{
	char a[ADDR_STRLEN], port[8];
	int pi = (int)MX_PORT(k), si = (int)MX_SOURCE(k);

	if (pi < m->nports)
		snprintf(port, sizeof port, "%u", m->ports[pi]);
	else
		strcpy(port, "other");
	strbuf_printf(b, "smtpscope_attempts_total");
	put_label(b, "{", "class", vclass_name((enum vclass)MX_CLASS(k)));
	put_label(b, ",", "reason", reason_name(m, (int)MX_REASON(k)));
	put_label(b, ",", "port", port);
	put_label(b, ",", "source", si < m->nsources ?
	    addr_str(&m->sources[si], a) : "other");
	strbuf_printf(b, "} %llu\n", (unsigned long long)n);
}

static void
put_correction(struct strbuf *b, const struct metrics *m, uint32_t k,
    uint64_t n)
{
	strbuf_printf(b, "smtpscope_attempt_corrections_total");
	put_label(b, "{", "from_class", vclass_name((enum vclass)MX_FROM(k)));
	put_label(b, ",", "class", vclass_name((enum vclass)MX_CLASS(k)));
	put_label(b, ",", "reason", reason_name(m, (int)MX_REASON(k)));
	strbuf_printf(b, "} %llu\n", (unsigned long long)n);
}

static void
put_series(struct strbuf *b, const struct metrics *m)
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
put_one(struct strbuf *b, const char *name, const char *type, const char *help,
    uint64_t v)
{
	header(b, name, type, help);
	strbuf_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

static void
put_frames(struct strbuf *b, const struct stats *st)
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
		strbuf_printf(b, "smtpscope_frames_total{kind=\"%s\"} %llu\n",
		    kind[i], (unsigned long long)n[i]);
	header(b, "smtpscope_unmatched_answers_total", "counter", "Answers "
	    "that match no SYN seen: SYN-ACKs, RSTs, ICMP errors.");
	strbuf_printf(b,
	    "smtpscope_unmatched_answers_total{kind=\"syn_ack\"} %llu\n"
	    "smtpscope_unmatched_answers_total{kind=\"rst\"} %llu\n"
	    "smtpscope_unmatched_answers_total{kind=\"icmp\"} %llu\n",
	    (unsigned long long)st->unmatched_synack,
	    (unsigned long long)st->unmatched_rst,
	    (unsigned long long)st->unmatched_icmp);
}

/* pcap_stats(): live capture only (-1 when reading files). */
static void
put_kernel(struct strbuf *b, const struct stats *st)
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
	    "(ps_ifdrop).",
	    (uint64_t)(st->if_dropped > 0 ? st->if_dropped : 0));
	if (st->gaps < 0)
		return;
	put_one(b, "smtpscope_capture_gaps_total", "counter", "Times the "
	    "capture interface went down or away (io/capgap.h).",
	    (uint64_t)st->gaps);
	header(b, "smtpscope_capture_gap_seconds_total", "counter", "Seconds "
	    "the capture saw nothing, its interface down or gone.");
	strbuf_printf(b, "smtpscope_capture_gap_seconds_total %lld.%06lld\n",
	    (long long)(st->gap_us / 1000000),
	    (long long)(st->gap_us % 1000000));
}

static void
put_stats(struct strbuf *b, const struct stats *st)
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

/* One sample per finding kind, after the metric's HELP and TYPE. */
static void
put_by_kind(struct strbuf *b, const char *name, const char *type,
    const char *help, const uint64_t v[FK_COUNT])
{
	int k;

	header(b, name, type, help);
	for (k = 0; k < FK_COUNT; k++)
		strbuf_printf(b, "%s{kind=\"%s\"} %llu\n", name,
		    finding_kind_name((enum finding_kind)k),
		    (unsigned long long)v[k]);
}

static void
put_findings(struct strbuf *b, const struct metrics *m)
{
	put_by_kind(b, "smtpscope_findings_active", "gauge", "Findings in "
	    "force now (--findings), by kind.", m->active);
	put_by_kind(b, "smtpscope_findings_started_total", "counter",
	    "Findings started (--findings), by kind.", m->started);
}

static void
put_times(struct strbuf *b, const struct metrics *m)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	header(b, "smtpscope_start_time_seconds", "gauge", "When this run "
	    "started, in seconds since the epoch.");
	strbuf_printf(b, "smtpscope_start_time_seconds %.6f\n",
	    m->start_us / 1e6);
	header(b, "smtpscope_metrics_timestamp_seconds", "gauge", "When these "
	    "metrics were written, in seconds since the epoch (the run's "
	    "pulse).");
	strbuf_printf(b, "smtpscope_metrics_timestamp_seconds %.6f\n",
	    (double)ts.tv_sec + ts.tv_nsec / 1e9);
}

char *
metrics_expose(struct metrics *m, size_t *len)
{
	struct strbuf b = { NULL, 0, 0, 0 };

	strbuf_printf(&b, "%s", "");
	put_series(&b, m);
	if (m->st != NULL)
		put_stats(&b, m->st);
	if (m->findings)
		put_findings(&b, m);
	put_times(&b, m);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	*len = b.len;
	return b.s;
}

/* The metrics registry (report/metrics.h): counts by label, the bounds of
 * the labels (top-N, "other"), escaping, corrections, findings, and the
 * exposition's HELP/TYPE lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "records.h"
#include "report/metrics.h"

/* The value of the sample whose name and labels are exactly series, or
 * -1 when the exposition has no such line. */
static long long
sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	const char *p;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL)
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

/* Sum of the samples of one metric (lines starting with name and '{'). */
static long long
total(const char *text, const char *name, int *nseries)
{
	size_t n = strlen(name);
	const char *p, *sp;
	long long sum = 0;

	*nseries = 0;
	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL)
		if (strncmp(p, name, n) == 0 && p[n] == '{' &&
		    (sp = strchr(p, ' ')) != NULL) {
			sum += strtoll(sp + 1, NULL, 10);
			(*nseries)++;
		}
	return sum;
}

static char *
expose(struct metrics *m)
{
	size_t len = 0;		/* under -flto, gcc does not know that a
				 * failed assert_non_null() does not return */
	char *t = metrics_expose(m, &len);

	assert_non_null(t);
	assert_int_equal(strlen(t), len);
	return t;
}

static void
counts_by_label(void **state)
{
	struct metrics *m = metrics_new(NULL, 0);
	struct addr a = v4(192, 0, 2, 10), b = v4(192, 0, 2, 11);
	struct addr srv = v4(198, 51, 100, 25);
	struct record r;
	char *t;
	int i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < 3; i++) {
		r = attempt(a, srv, 25, 0, 1, verdict_syn_ack());
		metrics_record(m, &r);
	}
	r = attempt(b, srv, 25, 0, 1, verdict_reset());
	metrics_record(m, &r);
	r = attempt(b, srv, 587, 0, 1, verdict_no_response());
	metrics_record(m, &r);
	t = expose(m);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"accepted\","
	    "reason=\"syn-ack\",port=\"25\",source=\"192.0.2.10\"}"), 3);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"refused\","
	    "reason=\"reset\",port=\"25\",source=\"192.0.2.11\"}"), 1);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"dropped\","
	    "reason=\"no-response\",port=\"587\",source=\"192.0.2.11\"}"), 1);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"accepted\","
	    "reason=\"syn-ack\",port=\"25\",source=\"192.0.2.11\"}"), -1);
	/* No stats given: no table or frame metrics; no findings. */
	assert_null(strstr(t, "smtpscope_attempt_table_entries"));
	assert_null(strstr(t, "smtpscope_findings_active"));
	assert_non_null(strstr(t, "\nsmtpscope_metrics_timestamp_seconds "));
	free(t);
	metrics_free(m);
}

/* A correction counts once, as a correction; the attempt stays as first
 * written. */
static void
corrections(void **state)
{
	struct metrics *m = metrics_new(NULL, 0);
	struct addr a = v4(192, 0, 2, 10), srv = v4(198, 51, 100, 25);
	struct record r = attempt(a, srv, 25, 0, 1, verdict_no_response());
	char *t;

	(void)state;
	metrics_record(m, &r);
	r.v = verdict_syn_ack();
	r.correction = true;
	r.corrects = verdict_no_response();
	metrics_record(m, &r);
	t = expose(m);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"dropped\","
	    "reason=\"no-response\",port=\"25\",source=\"192.0.2.10\"}"), 1);
	assert_int_equal(sample(t, "smtpscope_attempt_corrections_total{"
	    "from_class=\"dropped\",class=\"accepted\",reason=\"syn-ack\"}"), 1);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"accepted\","
	    "reason=\"syn-ack\",port=\"25\",source=\"192.0.2.10\"}"), -1);
	free(t);
	metrics_free(m);
}

/* Sources past the first 64 and ports past the first 16 share "other";
 * those seen first keep their label. */
static void
top_n_overflow(void **state)
{
	struct metrics *m = metrics_new(NULL, 0);
	struct addr srv = v4(198, 51, 100, 25);
	struct record r;
	char *t;
	int i, n;

	(void)state;
	for (i = 0; i < METRICS_MAX_SOURCES + 6; i++) {
		r = attempt(v4(192, 0, 2, (uint8_t)i), srv, 25, 0, 1,
		    verdict_reset());
		metrics_record(m, &r);
	}
	/* The first source again, after the table filled: still its own. */
	r = attempt(v4(192, 0, 2, 0), srv, 25, 0, 1, verdict_reset());
	metrics_record(m, &r);
	for (i = 0; i < METRICS_MAX_PORTS + 4; i++) {
		r = attempt(v4(192, 0, 2, 0), srv, (uint16_t)(2000 + i), 0, 1,
		    verdict_syn_ack());
		metrics_record(m, &r);
	}
	t = expose(m);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"refused\","
	    "reason=\"reset\",port=\"25\",source=\"192.0.2.0\"}"), 2);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"refused\","
	    "reason=\"reset\",port=\"25\",source=\"192.0.2.63\"}"), 1);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"refused\","
	    "reason=\"reset\",port=\"25\",source=\"192.0.2.64\"}"), -1);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"refused\","
	    "reason=\"reset\",port=\"25\",source=\"other\"}"), 6);
	/* Port 25 took a label first: 15 of the new ports fit. */
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"accepted\","
	    "reason=\"syn-ack\",port=\"2014\",source=\"192.0.2.0\"}"), 1);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"accepted\","
	    "reason=\"syn-ack\",port=\"other\",source=\"192.0.2.0\"}"), 5);
	assert_int_equal(total(t, "smtpscope_attempts_total", &n),
	    METRICS_MAX_SOURCES + 7 + METRICS_MAX_PORTS + 4);
	free(t);
	metrics_free(m);
}

/* Past the series budget, new combinations go to port and source
 * "other" of their class and reason; nothing is lost from the total. */
static void
series_budget(void **state)
{
	static const char *reasons[] = { "reset", "port-unreach", "other-a",
	    "other-b" };
	struct metrics *m = metrics_new(NULL, 0);
	struct addr srv = v4(198, 51, 100, 25);
	struct verdict v = verdict_reset();
	struct record r;
	long long want = 0;
	char *t;
	int s, p, k, n;

	(void)state;
	for (k = 0; k < 4; k++)
		for (s = 0; s < METRICS_MAX_SOURCES; s++)
			for (p = 0; p < METRICS_MAX_PORTS; p++) {
				v.reason = reasons[k];
				r = attempt(v4(192, 0, 2, (uint8_t)s), srv,
				    (uint16_t)(25 + p), 0, 1, v);
				metrics_record(m, &r);
				want++;
			}
	t = expose(m);
	assert_int_equal(total(t, "smtpscope_attempts_total", &n), want);
	assert_true(n <= METRICS_MAX_SERIES);
	assert_true(sample(t, "smtpscope_attempts_total{class=\"refused\","
	    "reason=\"other-b\",port=\"other\",source=\"other\"}") > 0);
	free(t);
	metrics_free(m);
}

/* Label values escaped: backslash, double quote, newline. */
static void
escaping(void **state)
{
	struct metrics *m = metrics_new(NULL, 0);
	struct verdict v = verdict_reset();
	struct record r;
	char *t;

	(void)state;
	v.reason = "a\"b\\c\nd";
	r = attempt(v4(192, 0, 2, 1), v4(198, 51, 100, 25), 25, 0, 1, v);
	metrics_record(m, &r);
	t = expose(m);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"refused\","
	    "reason=\"a\\\"b\\\\c\\nd\",port=\"25\",source=\"192.0.2.1\"}"), 1);
	free(t);
	metrics_free(m);
}

/* Reasons past METRICS_MAX_REASONS are "other". */
static void
reason_overflow(void **state)
{
	struct metrics *m = metrics_new(NULL, 0);
	static char names[METRICS_MAX_REASONS + 2][16];
	struct verdict v = verdict_reset();
	struct record r;
	char *t;
	int i;

	(void)state;
	for (i = 0; i < METRICS_MAX_REASONS + 2; i++) {
		snprintf(names[i], sizeof names[i], "r%d", i);
		v.reason = names[i];
		r = attempt(v4(192, 0, 2, 1), v4(198, 51, 100, 25), 25, 0, 1, v);
		metrics_record(m, &r);
	}
	t = expose(m);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"refused\","
	    "reason=\"other\",port=\"25\",source=\"192.0.2.1\"}"), 2);
	assert_int_equal(sample(t, "smtpscope_attempts_total{class=\"refused\","
	    "reason=\"r47\",port=\"25\",source=\"192.0.2.1\"}"), 1);
	free(t);
	metrics_free(m);
}

static void
findings_active(void **state)
{
	struct metrics *m = metrics_new(NULL, 1);
	struct addr srv = v4(198, 51, 100, 25);
	struct finding f;
	char *t;

	(void)state;
	finding_init(&f, FK_SOURCE_BLOCK, FS_STARTED, 0, &srv, 25, NULL, NULL, -1);
	metrics_finding(m, &f);
	f.port = 587;
	metrics_finding(m, &f);
	f.state = FS_CHANGED;
	metrics_finding(m, &f);
	f.state = FS_ENDED;
	metrics_finding(m, &f);
	t = expose(m);
	assert_int_equal(sample(t, "smtpscope_findings_active{kind=\"source_block\"}"), 1);
	assert_int_equal(sample(t, "smtpscope_findings_started_total{kind=\"source_block\"}"), 2);
	assert_int_equal(sample(t, "smtpscope_findings_active{kind=\"all_failed\"}"), 0);
	free(t);
	metrics_free(m);
}

/* The pipeline's counters; kernel ones only when known (live). */
static void
stats_metrics(void **state)
{
	struct metrics *m;
	struct stats st;
	char *t;

	(void)state;
	memset(&st, 0, sizeof st);
	st.kernel_received = st.kernel_dropped = st.if_dropped = -1;
	st.table_used = 12;
	st.table_size = 100;
	st.evicted = 3;
	st.frames.tcp = 40;
	st.unmatched_rst = 2;
	m = metrics_new(&st, 0);
	t = expose(m);
	assert_int_equal(sample(t, "smtpscope_attempt_table_entries"), 12);
	assert_int_equal(sample(t, "smtpscope_attempt_table_capacity"), 100);
	assert_int_equal(sample(t, "smtpscope_attempt_table_evictions_total"), 3);
	assert_int_equal(sample(t, "smtpscope_frames_total{kind=\"tcp\"}"), 40);
	assert_int_equal(sample(t, "smtpscope_unmatched_answers_total{kind=\"rst\"}"), 2);
	assert_null(strstr(t, "smtpscope_kernel_"));
	free(t);
	st.kernel_received = 1000;
	st.kernel_dropped = 7;
	st.if_dropped = 0;
	t = expose(m);
	assert_int_equal(sample(t, "smtpscope_kernel_received_packets_total"), 1000);
	assert_int_equal(sample(t, "smtpscope_kernel_dropped_packets_total"), 7);
	assert_int_equal(sample(t, "smtpscope_kernel_interface_dropped_packets_total"), 0);
	free(t);
	metrics_free(m);
}

/* Every sample's metric has its HELP and TYPE lines before it, once. */
static void
help_and_type(void **state)
{
	struct metrics *m;
	struct stats st;
	struct record r;
	char *t, *line, *save, name[128], want[160];
	char *types = calloc(1, 65536);

	(void)state;
	memset(&st, 0, sizeof st);
	st.kernel_received = 5;
	m = metrics_new(&st, 1);
	r = attempt(v4(192, 0, 2, 1), v4(198, 51, 100, 25), 25, 0, 1,
	    verdict_syn_ack());
	metrics_record(m, &r);
	t = expose(m);
	for (line = strtok_r(t, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "# TYPE %127s", name) == 1) {
			snprintf(want, sizeof want, " %s ", name);
			assert_null(strstr(types, want));
			strcat(types, want);
			continue;
		}
		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%127[a-z_]", name), 1);
		snprintf(want, sizeof want, " %s ", name);
		assert_non_null(strstr(types, want));
	}
	free(types);
	free(t);
	metrics_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_by_label),
		cmocka_unit_test(corrections),
		cmocka_unit_test(top_n_overflow),
		cmocka_unit_test(series_budget),
		cmocka_unit_test(escaping),
		cmocka_unit_test(reason_overflow),
		cmocka_unit_test(findings_active),
		cmocka_unit_test(stats_metrics),
		cmocka_unit_test(help_and_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

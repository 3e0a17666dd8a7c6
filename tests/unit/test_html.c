/* The --html page (report/html.h): the escaper, hostile names from
 * packets, DNS and JSON never reaching the page as markup, and the caps
 * said on the page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "records.h"

#include "core/stats.h"
#include "report/html.h"
#include "report/scope.h"

static char *text;

/* s (n bytes) through html_escape_n. */
static const char *
esc(const char *s, size_t n)
{
	size_t len;
	FILE *out;

	free(text);
	assert_non_null(out = open_memstream(&text, &len));
	html_escape_n(out, s, n);
	fclose(out);
	return text;
}

#define ESC(lit) esc(lit, sizeof lit - 1)
#define R "&#xFFFD;"

static void
escapes_markup(void **state)
{
	(void)state;
	assert_string_equal(ESC("a<b>&\"'c"), "a&lt;b&gt;&amp;&quot;&#39;c");
	assert_string_equal(ESC("<script>alert(1)</script>"),
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_string_equal(ESC("plain 220 mx.example ESMTP"),
	    "plain 220 mx.example ESMTP");
	assert_string_equal(ESC("a\nb\tc"), "a\nb\tc");
	assert_string_equal(ESC(""), "");
}

static void
replaces_controls(void **state)
{
	(void)state;
	assert_string_equal(ESC("a\x01" "b\x7f" "c\r"), "a" R "b" R "c" R);
	assert_string_equal(ESC("a\0b"), "a" R "b");
	/* C1 control U+0085, and the bidirectional override U+202E. */
	assert_string_equal(ESC("x\xc2\x85y"), "x" R "y");
	assert_string_equal(ESC("gro\xe2\x80\xaeup.com"), "gro" R "up.com");
	assert_string_equal(ESC("\xe2\x81\xa6x"), R "x");
}

static void
checks_utf8(void **state)
{
	(void)state;
	/* Well-formed: kept as they are. */
	assert_string_equal(ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7"),
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7");
	/* Overlong '/', a surrogate, past U+10FFFF, cut short, a lone
	 * continuation byte, bytes never in UTF-8. */
	assert_string_equal(ESC("\xc0\xaf"), R R);
	assert_string_equal(ESC("\xe0\x80\xaf"), R R R);
	assert_string_equal(ESC("\xed\xa0\x80"), R R R);
	assert_string_equal(ESC("\xf4\x90\x80\x80"), R R R R);
	assert_string_equal(ESC("ab\xe2\x82"), "ab" R R);
	assert_string_equal(ESC("\x80x"), R "x");
	assert_string_equal(ESC("\xfe\xff"), R R);
	/* An overlong '<' does not become one. */
	assert_string_equal(ESC("\xc0\xbc"), R R);
}

/* The page of n records, with --scope's sink behind it; final 0: a
 * snapshot. */
static const char *
page(const struct record *r, int n, const char *sensor, int final)
{
	struct stats st;
	struct sink *sc, *h;
	size_t len;
	FILE *out;
	int i;

	free(text);
	assert_non_null(out = open_memstream(&text, &len));
	assert_non_null(sc = sink_scope_new(stdout, 0, 0, NULL));
	assert_non_null(h = sink_html_new(out, sc, "read", sensor));
	for (i = 0; i < n; i++) {
		sc->ops->record(sc, &r[i]);
		h->ops->record(h, &r[i]);
	}
	memset(&st, 0, sizeof st);
	h->ops->finish(h, &st, final);
	h->ops->free(h);
	sc->ops->free(sc);
	fclose(out);
	return text;
}

static void
has(const char *s)
{
	if (strstr(text, s) == NULL)
		fail_msg("no \"%s\" in the page", s);
}

static void
lacks(const char *s)
{
	if (strstr(text, s) != NULL)
		fail_msg("\"%s\" in the page", s);
}

static int
count(const char *s)
{
	const char *p = text;
	int n = 0;

	while ((p = strstr(p, s)) != NULL) {
		n++;
		p += strlen(s);
	}
	return n;
}

#define SRC_A v4(192, 0, 2, 10)
#define SRC_B v4(192, 0, 2, 11)
#define MX1 v4(203, 0, 113, 25)
#define MX2 v4(203, 0, 113, 26)

/* Probe records whose MX name, domain and sensors are hostile: a DNS
 * answer and other sensors' JSON can say anything. */
static void
hostile_names(void **state)
{
	static const struct origin o1 = {
		"<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>",
		10, 0, 1, 0, 0 };
	static const struct origin o2 = {
		"mx2.example\xe2\x80\xae", "ex'ample&lt;", 20, 0, 2, 0, 0 };
	struct record r[4];

	(void)state;
	r[0] = attempt(SRC_A, MX1, 25, 1 * S, 2 * S, verdict_reset());
	r[1] = attempt(SRC_B, MX1, 25, 3 * S, 4 * S, verdict_syn_ack());
	r[2] = attempt(SRC_A, MX2, 25, 5 * S, 6 * S, verdict_syn_ack());
	r[3] = attempt(SRC_B, MX2, 25, 7 * S, 8 * S, verdict_reset());
	r[0].origin = r[1].origin = &o1;
	r[2].origin = r[3].origin = &o2;
	r[0].sensor = "<u>a</u>";
	r[1].sensor = "x\"onmouseover=\"y";
	page(r, 4, "<i>me</i>", 1);
	lacks("<script");
	lacks("<img");
	lacks("<u>a");
	lacks("<i>me");
	lacks("\"onmouseover");
	lacks("\xe2\x80\xae");
	has("&lt;script&gt;alert(1)&lt;/script&gt;");
	has("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
	has("ex&#39;ample&amp;lt;");
	has("mx2.example" R);
	has("&lt;i&gt;me&lt;/i&gt;");
	/* The page itself: no script, no fetch. */
	has("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	    "'none';");
	lacks(" src=\"");
	lacks("href=");
	has("data-kind=\"source_block\"");
	has("<td class=\"v-refused\" data-verdict=\"refused\" data-src=\"192.0.2.10\" "
	    "data-dst=\"203.0.113.25:25\">");
	has("<td class=\"v-accepted\" data-verdict=\"accepted\" data-src=\"192.0.2.11\" "
	    "data-dst=\"203.0.113.25:25\">");
}

/* Past HTML_MAX_COLS destinations and HTML_MAX_ROWS sources, the page
 * says what it left out. */
static void
caps_said(void **state)
{
	enum { DESTS = HTML_MAX_COLS + 8, SOURCES = HTML_MAX_ROWS + 6 };
	struct record *r = calloc(DESTS + SOURCES, sizeof *r);
	int i;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < DESTS; i++)
		r[i] = attempt(SRC_A, v4(203, 0, 113, (uint8_t)i), 25, i * S,
		    i * S + S, i < 4 ? verdict_reset() : verdict_syn_ack());
	for (i = 0; i < SOURCES; i++)
		r[DESTS + i] = attempt(v4(198, 51, 100, (uint8_t)i), MX1, 587,
		    i * S, i * S + S, verdict_no_response());
	page(r, DESTS + SOURCES, "t", 1);
	/* The refused ones are among the columns kept (the most failures). */
	assert_int_equal(count("<th scope=\"col\" data-dst="), HTML_MAX_COLS);
	assert_int_equal(count("<th scope=\"row\">"), HTML_MAX_ROWS);
	has("data-dst=\"203.0.113.0:25\">");
	has("data-dst=\"203.0.113.25:587\">");
	has("<li>9 destinations (9 attempts) are not in the grid");
	has("<li>7 sources (7 attempts) are not in the grid");
	has("<li>20 destinations of the grid are not in the timeline");
	/* The timeline draws the busiest of them. */
	has("<g class=\"dest\" data-dst=\"203.0.113.25:587\">");
	has("<g class=\"dest\" data-dst=\"203.0.113.3:25\">");
	assert_int_equal(count("<g class=\"dest\""), HTML_MAX_LANES);
	free(r);
}

/* Past HTML_MAX_POINTS attempts the timeline samples them, drawing the
 * whole run: the last attempts' failures are there, said as sampled. */
static void
timeline_sampled(void **state)
{
	enum { N = HTML_MAX_POINTS + HTML_MAX_POINTS / 2 };
	struct record *r = calloc(N, sizeof *r);
	int i;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < N; i++) {
		r[i] = attempt(SRC_A, MX1, 25, i * S, i * S + S, i < N - 1000 ?
		    verdict_syn_ack() : verdict_reset());
		r[i].t.client_port = (uint16_t)(1024 + i % 60000);
	}
	page(r, N, "t", 1);
	has("<li>the timeline draws one attempt in 2, chosen by a hash of each (");
	has("<rect class=\"t-refused\"");
	has("<title>refused: about ");
	has("<line class=\"onset\" ");
	free(r);
}

static void
snapshot_writes_nothing(void **state)
{
	struct record r = attempt(SRC_A, MX1, 25, S, 2 * S, verdict_reset());

	(void)state;
	assert_string_equal(page(&r, 1, "t", 0), "");
	page(&r, 1, "t", 1);
	has("<!DOCTYPE html>");
	has("</html>\n");
	has("<li>Nothing: every attempt is in the grid and the timeline.</li>");
}

/* A correction moves its attempt: the page counts one, accepted, as the
 * summary does (an injected RST the client ignored). */
static void
correction_counted_once(void **state)
{
	struct record r[2];

	(void)state;
	r[0] = attempt(SRC_A, MX1, 25, S, 2 * S, verdict_reset());
	r[1] = attempt(SRC_A, MX1, 25, S, 3 * S, verdict_syn_ack());
	r[1].correction = true;
	r[1].corrects = verdict_reset();
	page(r, 2, "t", 1);
	has(">accepted 1<");
	has(">refused 0<");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_markup),
		cmocka_unit_test(replaces_controls),
		cmocka_unit_test(checks_utf8),
		cmocka_unit_test(hostile_names),
		cmocka_unit_test(caps_said),
		cmocka_unit_test(timeline_sampled),
		cmocka_unit_test(snapshot_writes_nothing),
		cmocka_unit_test(correction_counted_once),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(text);
	return rc;
}

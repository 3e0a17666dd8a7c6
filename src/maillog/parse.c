/* Lines cut from bytes, checked, framed and read as Postfix or Exim. */
#include <string.h>
#include <time.h>

#include "internal.h"

void
ml_parser_init(struct ml_parser *p, const struct ml_clock *clock,
    ml_event_fn fn, void *ctx)
{
	memset(p, 0, sizeof *p);
	p->clock = *clock;
	p->fn = fn;
	p->ctx = ctx;
	p->last_ts = INT64_MIN;
	for (int i = 0; i < ML_LAST_PIDS; i++)
		p->last[i].pid = -2;
}

/* Replaces each byte that is not part of valid UTF-8 with '?': 1 when
 * one was. */
static int
fix_utf8(char *s, size_t n)
{
	size_t i = 0, k, need;
	unsigned char c;
	int bad = 0;

	while (i < n) {
		c = (unsigned char)s[i];
		need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 :
		    c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 4;
		for (k = 1; need < 4 && k <= need; k++)
			if (i + k >= n || ((unsigned char)s[i + k] & 0xc0) != 0x80)
				need = 4;
		/* overlong three-byte forms, surrogates, beyond U+10FFFF */
		if (need == 2 && ((c == 0xe0 && (unsigned char)s[i + 1] < 0xa0) ||
		    (c == 0xed && (unsigned char)s[i + 1] > 0x9f)))
			need = 4;
		if (need == 3 && ((c == 0xf0 && (unsigned char)s[i + 1] < 0x90) ||
		    (c == 0xf4 && (unsigned char)s[i + 1] > 0x8f)))
			need = 4;
		if (need == 4) {
			s[i++] = '?';
			bad = 1;
		} else
			i += need + 1;
	}
	return bad;
}

/* An RFC 3164 time: the year from --log-year (plus one after each
 * December -> January), else the one that puts it at most a day after
 * now. */
static int64_t
syslog_time(struct ml_parser *p, const struct ml_frame *f)
{
	struct tm now;
	time_t t = (time_t)p->clock.now_s;
	int64_t us;
	int y;

	if (p->last_mon == 12 && f->mon == 1)
		p->year_bump++;
	p->last_mon = f->mon;
	if (p->clock.year != 0)
		return ml_civil_us(&p->clock, p->clock.year + p->year_bump, f->mon,
		    f->day, f->hour, f->min, f->sec, f->usec, 0, 0);
	gmtime_r(&t, &now);
	y = now.tm_year + 1900;
	us = ml_civil_us(&p->clock, y, f->mon, f->day, f->hour, f->min, f->sec,
	    f->usec, 0, 0);
	if (us == INT64_MIN || us > (p->clock.now_s + 86400) * 1000000)
		us = ml_civil_us(&p->clock, y - 1, f->mon, f->day, f->hour, f->min,
		    f->sec, f->usec, 0, 0);
	return us;
}

/* The slot of pid's last attempt: its own, or the next one to reuse. */
static struct ml_last *
last_of(struct ml_parser *p, int pid)
{
	struct ml_last *l;
	int i;

	for (i = 0; i < ML_LAST_PIDS; i++)
		if (p->last[i].pid == pid)
			return &p->last[i];
	l = &p->last[p->last_next++ % ML_LAST_PIDS];
	memset(l, 0, sizeof *l);
	l->pid = -2;
	return l;
}

/* A status line that repeats the attempt its process logged just before
 * (same server, port and outcome; the same message when both name one)
 * is not a second attempt. */
static void
dedupe(struct ml_parser *p, struct ml_event *e)
{
	struct ml_last *l;

	if (!e->attempt)
		return;
	l = last_of(p, e->pid);
	if (e->status != ML_ST_NONE && l->pid == e->pid &&
	    addr_eq(&l->server, &e->server) && l->outcome == e->outcome &&
	    (l->port == e->port || l->port == 0 || e->port == 0) &&
	    (l->qid[0] == '\0' || strcmp(l->qid, e->queue_id) == 0))
		e->attempt = false;
	l->pid = e->pid;
	l->server = e->server;
	l->port = e->port;
	l->outcome = e->outcome;
	memcpy(l->qid, e->queue_id, sizeof l->qid);
}

/* The framed line as an event, or counted as no delivery. */
static void
deliver(struct ml_parser *p, const struct ml_frame *f, int64_t ts)
{
	struct ml_event e;
	int r;

	memset(&e, 0, sizeof e);
	e.ts_us = ts;
	e.pid = f->pid;
	memcpy(e.prog, f->prog, sizeof e.prog);
	if ((r = ml_postfix(f, &e)) < 0)
		r = ml_exim(f, &e);
	if (r < 0) {
		p->n.other_daemon++;
		return;
	}
	if (r == 0 || ts == INT64_MIN) {
		p->n.not_delivery += r == 0;
		return;
	}
	dedupe(p, &e);
	p->n.events++;
	p->fn(p->ctx, &e);
}

void
ml_parse_line(struct ml_parser *p, char *line, size_t len)
{
	static struct ml_frame f;	/* 8 KiB: not on the stack */
	int64_t ts;

	p->n.lines++;
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (memchr(line, '\0', len) != NULL) {
		p->n.nul++;
		return;
	}
	p->n.bad_utf8 += fix_utf8(line, len);
	switch (ml_frame_line(p, line, len, &f)) {
	case FRAME_NONE: p->n.unframed++; return;
	case FRAME_BAD_JSON: p->n.bad_json++; return;
	case FRAME_BAD_TIME: p->n.bad_time++; break;
	case FRAME_OK: break;
	}
	p->n.framed++;
	ts = f.mon != 0 ? syslog_time(p, &f) : f.ts_us;
	if (ts == INT64_MIN && f.mon != 0)
		p->n.bad_time++;
	if (ts != INT64_MIN) {
		if (p->last_ts != INT64_MIN && ts < p->last_ts - 1000000)
			p->n.time_back++;
		p->last_ts = ts;
	}
	deliver(p, &f, ts);
}

void
ml_feed(struct ml_parser *p, const char *buf, size_t n)
{
	const char *nl;
	size_t k;

	while (n > 0) {
		nl = memchr(buf, '\n', n);
		k = nl != NULL ? (size_t)(nl - buf) : n;
		if (!p->skipping && p->len + k > ML_LINE_MAX) {
			p->n.too_long++;
			p->skipping = 1;
		}
		if (!p->skipping) {
			memcpy(p->line + p->len, buf, k);
			p->len += k;
		}
		if (nl == NULL)
			return;
		if (!p->skipping) {
			p->line[p->len] = '\0';
			ml_parse_line(p, p->line, p->len);
		} else
			p->n.lines++;
		p->len = 0;
		p->skipping = 0;
		buf += k + 1;
		n -= k + 1;
	}
}

void
ml_finish(struct ml_parser *p)
{
	if (p->skipping)
		p->n.lines++;
	else if (p->len > 0) {
		p->line[p->len] = '\0';
		ml_parse_line(p, p->line, p->len);
	}
	p->len = 0;
	p->skipping = 0;
}

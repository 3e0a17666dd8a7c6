/*
 * A log line's frame: its time, its program and pid, its message.  The
 * formats: journalctl -o json (one object a line), Exim's own main log
 * ("2026-12-02 11:00:00[.123][ +0100][ [pid]] ..."), RFC 5424
 * ("<22>1 TIME HOST APP PROCID MSGID SD MSG"), ISO 8601 syslog as rsyslog
 * writes it on Debian 12 ("TIME HOST TAG[PID]: MSG"), RFC 3164 ("Dec  2
 * 11:00:00 HOST TAG[PID]: MSG", year and zone not given).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

/* n digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* ".ffffff" (1 to 9 digits) as microseconds; advances *s. */
static int
fraction(const char **s)
{
	const char *p = *s;
	int us = 0, k = 0;

	if (*p != '.' && *p != ',')
		return 0;
	for (p++; *p >= '0' && *p <= '9'; p++, k++)
		if (k < 6)
			us = us * 10 + (*p - '0');
	for (; k < 6; k++)
		us *= 10;
	*s = p;
	return us;
}

/* "Z", "+01:00", "+0100"; advances *s.  1 when a zone was read. */
static int
zone(const char **s, int *zone_s)
{
	const char *p = *s;
	int h, m, colon;

	if (*p == 'Z') {
		*zone_s = 0;
		*s = p + 1;
		return 1;
	}
	if ((*p != '+' && *p != '-') || strnlen(p, 6) < 5)
		return 0;
	colon = p[3] == ':';
	if ((h = digits(p + 1, 2)) < 0 || (m = digits(p + 3 + colon, 2)) < 0 ||
	    h > 23 || m > 59)
		return 0;
	*zone_s = (*p == '-' ? -1 : 1) * (h * 3600 + m * 60);
	*s = p + 5 + colon;
	return 1;
}

/* "YYYY-MM-DD?HH:MM:SS[.f][zone]" with sep between date and time. */
static const char *
iso_time(const struct ml_parser *p, const char *s, char sep, int64_t *us)
{
	int y, mo, d, h, mi, sec, frac, zs = 0, zk;

	if (strnlen(s, 19) < 19)
		return NULL;
	y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || s[4] != '-' || s[7] != '-' || s[10] != sep)
		return NULL;
	h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
	if (h < 0 || mi < 0 || sec < 0 || s[13] != ':' || s[16] != ':')
		return NULL;
	s += 19;
	frac = fraction(&s);
	zk = zone(&s, &zs);
	*us = ml_civil_us(&p->clock, y, mo, d, h, mi, sec, frac, zk, zs);
	return s;
}

/* "TAG[PID]: MSG" or "TAG: MSG". */
static int
tag_msg(char *s, struct ml_frame *f)
{
	size_t n = strcspn(s, "[: ");
	char *end;
	long pid;

	if (n == 0 || n > ML_PROG_MAX)
		return 0;
	memcpy(f->prog, s, n);
	f->prog[n] = '\0';
	s += n;
	if (*s == '[') {
		pid = strtol(s + 1, &end, 10);
		if (end == s + 1 || *end != ']' || pid < 0 || pid > 1 << 30)
			return 0;
		f->pid = (int)pid;
		s = end + 1;
	}
	if (s[0] != ':' || s[1] != ' ')
		return 0;
	f->msg = s + 2;
	return 1;
}

/* The word at s (one space after): the byte after it, or NULL. */
static char *
word(char *s)
{
	char *sp = strchr(s, ' ');

	return sp != NULL && sp != s ? sp + 1 : NULL;
}

/* "<PRI>" at the front, as forwarded syslog keeps it. */
static char *
skip_pri(char *s)
{
	size_t n;

	if (*s != '<')
		return s;
	n = strspn(s + 1, "0123456789");
	return n >= 1 && n <= 3 && s[n + 1] == '>' ? s + n + 2 : s;
}

/* RFC 5424 after "1 ": TIME HOST APP PROCID MSGID SD MSG. */
static enum frame_result
rfc5424(struct ml_parser *p, char *s, struct ml_frame *f)
{
	char *host, *app, *procid, *msgid, *sd;
	size_t n;

	if ((s = (char *)iso_time(p, s, 'T', &f->ts_us)) == NULL || *s != ' ')
		return FRAME_NONE;
	if ((host = s + 1, app = word(host)) == NULL ||
	    (procid = word(app)) == NULL || (msgid = word(procid)) == NULL ||
	    (sd = word(msgid)) == NULL)
		return FRAME_NONE;
	n = (size_t)(procid - app - 1);
	if (n == 0 || n > ML_PROG_MAX)
		return FRAME_NONE;
	memcpy(f->prog, app, n);
	f->prog[n] = '\0';
	f->pid = isdigit((unsigned char)*procid) ? atoi(procid) : -1;
	if (*sd == '-')
		f->msg = sd[1] == ' ' ? sd + 2 : sd + 1;
	else if (*sd == '[' && (f->msg = strstr(sd, "] ")) != NULL)
		f->msg += 2;	/* structured data: up to its last "] " */
	else
		return FRAME_NONE;
	if (strncmp(f->msg, "\xef\xbb\xbf", 3) == 0)
		f->msg += 3;	/* RFC 5424's BOM */
	return f->ts_us == INT64_MIN ? FRAME_BAD_TIME : FRAME_OK;
}

/* RFC 3164: "Mmm dd hh:mm:ss[.f] HOST TAG[PID]: MSG". */
static enum frame_result
rfc3164(char *s, struct ml_frame *f)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *m, *t;
	char *host;

	if (strlen(s) < 16 || s[3] != ' ')
		return FRAME_NONE;
	for (m = months; *m != '\0' && strncmp(m, s, 3) != 0; m += 3)
		;
	if (*m == '\0')
		return FRAME_NONE;
	f->day = s[4] == ' ' ? digits(s + 5, 1) : digits(s + 4, 2);
	f->hour = digits(s + 7, 2), f->min = digits(s + 10, 2);
	f->sec = digits(s + 13, 2);
	if (f->day < 1 || f->hour < 0 || f->min < 0 || f->sec < 0 ||
	    s[9] != ':' || s[12] != ':')
		return FRAME_NONE;
	t = s + 15;
	f->usec = fraction(&t);
	if (*t != ' ' || (host = word((char *)t + 1)) == NULL || !tag_msg(host, f))
		return FRAME_NONE;
	/* the year is the parser's to guess (parse.c) */
	f->mon = (int)((m - months) / 3) + 1;
	return FRAME_OK;
}

/* Exim's main log: the line's own time, local unless a zone follows. */
static enum frame_result
exim_log(struct ml_parser *p, char *s, struct ml_frame *f)
{
	char *end;
	long pid;

	if ((s = (char *)iso_time(p, s, ' ', &f->ts_us)) == NULL || *s != ' ')
		return FRAME_NONE;
	s++;
	if (*s == '[') {
		pid = strtol(s + 1, &end, 10);
		if (end == s + 1 || *end != ']' || end[1] != ' ' || pid < 0)
			return FRAME_NONE;
		f->pid = (int)pid;
		s = end + 2;
	}
	strcpy(f->prog, "exim");
	f->msg = s;
	return f->ts_us == INT64_MIN ? FRAME_BAD_TIME : FRAME_OK;
}

/* journalctl MESSAGE: a string, or an array of bytes when not UTF-8. */
static int
journal_message(json_t *m, struct ml_frame *f)
{
	size_t i, n = 0;
	json_t *b;

	if (json_is_string(m)) {
		n = json_string_length(m);
		if (n > ML_LINE_MAX)
			n = ML_LINE_MAX;
		memcpy(f->buf, json_string_value(m), n);
	} else if (json_is_array(m)) {
		json_array_foreach(m, i, b) {
			if (!json_is_integer(b) || n == ML_LINE_MAX)
				break;
			f->buf[n++] = (char)json_integer_value(b);
		}
	} else
		return 0;
	f->buf[n] = '\0';
	if (memchr(f->buf, '\0', n) != NULL)
		return 0;
	f->msg = f->buf;
	return 1;
}

static enum frame_result
journal(char *s, size_t len, struct ml_frame *f)
{
	json_t *o, *ts, *id, *pid;
	const char *tv;
	enum frame_result r = FRAME_BAD_JSON;

	if ((o = json_loadb(s, len, 0, NULL)) == NULL)
		return FRAME_BAD_JSON;
	ts = json_object_get(o, "__REALTIME_TIMESTAMP");
	id = json_object_get(o, "SYSLOG_IDENTIFIER");
	pid = json_object_get(o, "_PID");
	if (pid == NULL)
		pid = json_object_get(o, "SYSLOG_PID");
	if (json_is_string(ts) && (tv = json_string_value(ts))[0] != '\0' &&
	    strspn(tv, "0123456789") == strlen(tv) && strlen(tv) <= 17 &&
	    journal_message(json_object_get(o, "MESSAGE"), f)) {
		f->ts_us = strtoll(tv, NULL, 10);
		ml_copy_text(f->prog, sizeof f->prog,
		    json_is_string(id) ? json_string_value(id) : "", ML_PROG_MAX);
		f->pid = json_is_string(pid) ? atoi(json_string_value(pid)) : -1;
		r = FRAME_OK;
	}
	json_decref(o);
	return r;
}

enum frame_result
ml_frame_line(struct ml_parser *p, char *line, size_t len, struct ml_frame *f)
{
	enum frame_result r;
	char *s;

	f->ts_us = INT64_MIN;
	f->mon = 0;
	f->prog[0] = '\0';
	f->pid = -1;
	f->msg = NULL;
	if (line[0] == '{')
		return journal(line, len, f);
	if ((r = exim_log(p, line, f)) != FRAME_NONE)
		return r;
	s = skip_pri(line);
	if (s[0] == '1' && s[1] == ' ')
		return rfc5424(p, s + 2, f);
	if (iso_time(p, s, 'T', &f->ts_us) != NULL) {
		char *host = strchr(s, ' ');

		if (host == NULL || (host = word(host + 1)) == NULL ||
		    !tag_msg(host, f))
			return FRAME_NONE;
		return f->ts_us == INT64_MIN ? FRAME_BAD_TIME : FRAME_OK;
	}
	return rfc3164(s, f);
}

/*
 * Exim main-log delivery lines, after the time (and [pid]):
 *   ID H=HOST [ADDR][:PORT] [I=[ADDR]:PORT] Connection refused
 *   ID H=HOST [ADDR]: SMTP error from remote mail server after initial connection: 554 ...
 *   ID H=HOST [ADDR]: Remote host closed connection in response to initial connection
 *   ID => RCPT R=... T=... H=HOST [ADDR] ... C="250 ..."   (-> more recipients)
 *   ID == RCPT R=... T=... defer (111): Connection refused
 *   ID ** RCPT R=... T=... H=HOST [ADDR]: SMTP error from remote mail server after ...
 * The sending address is logged with log_selector +outgoing_interface
 * (I=[ADDR]:PORT); Exim 4.96 writes it on deliveries, not on failures.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* "10HmaX-0005vi-00" or "1wvYIb-00000005S1o-3buz": the message ID. */
static size_t
message_id(const char *s)
{
	size_t a = strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	size_t b, c;

	if (a != 6 || s[a] != '-')
		return 0;
	b = strspn(s + 7, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	if (b < 6 || s[7 + b] != '-')
		return 0;
	c = strspn(s + 8 + b, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	return c >= 2 && c <= 4 && s[8 + b + c] == ' ' ? 8 + b + c : 0;
}

/* "[ADDR]:PORT" after I=: the sending address. */
static void
interface(const char *s, struct ml_event *e)
{
	const char *i = strstr(s, " I=[");
	char a[ADDR_STRLEN + 1];
	size_t n;

	if (i == NULL)
		return;
	i += 4;
	n = strcspn(i, "]");
	if (n > ADDR_STRLEN || i[n] != ']')
		return;
	memcpy(a, i, n);
	a[n] = '\0';
	if (!addr_parse(a, &e->source))
		e->source.family = 0;
}

/* "H=HOST [ADDR][:PORT]" anywhere in s: the byte after it, or NULL. */
static const char *
host(const char *s, struct ml_event *e)
{
	const char *h = strstr(s, "H="), *end;
	char buf[ML_HOST_MAX + ADDR_STRLEN + 4];
	size_t hn, an, pn;
	long port;

	for (; h != NULL && h != s && h[-1] != ' '; h = strstr(h + 2, "H="))
		;
	if (h == NULL)
		return NULL;
	h += 2;
	hn = strcspn(h, " ");
	if (hn == 0 || hn > ML_HOST_MAX || h[hn] != ' ' || h[hn + 1] != '[')
		return NULL;
	an = strcspn(h + hn + 1, "]");
	if (an > ADDR_STRLEN + 1 || h[hn + 1 + an] != ']')
		return NULL;
	/* "HOST[ADDR]", as Postfix writes it, for the one reader */
	memcpy(buf, h, hn);
	memcpy(buf + hn, h + hn + 1, an + 1);
	buf[hn + an + 1] = '\0';
	if (ml_host_addr(buf, e, 0) == NULL)
		return NULL;
	end = h + hn + an + 2;
	if (*end == ':' && (pn = strspn(end + 1, "0123456789")) > 0 && pn < 6) {
		port = strtol(end + 1, NULL, 10);
		e->port = port > 0 && port < 65536 ? (uint16_t)port : 0;
		end += 1 + pn;
	}
	if (*end == '*')
		end++;		/* "H=... [...]*": a TLS session resumed */
	return end;
}

/* After "H=HOST [ADDR]": what the connection came to. */
static enum ml_outcome
host_outcome(const char *r)
{
	const char *x;

	if (*r == ':')
		r++;
	if (*r == ' ')
		r++;
	if ((x = ml_skip(r, "SMTP error from remote mail server after initial connection: ")) != NULL)
		return x[0] == '4' ? ML_GREET4XX : ML_GREET5XX;
	/* connect(2)'s own errors first: Exim 4.96 logs a connect that timed
	 * out as "SMTP timeout after initial connection: Connection timed
	 * out" (the lab's DROP) */
	if (ml_errno_outcome(r) != ML_OTHER)
		return ml_errno_outcome(r);
	if (strstr(r, "in response to initial connection") != NULL ||
	    strstr(r, "after initial connection") != NULL)
		return ML_LOSTGREET;
	if (ml_skip(r, "SMTP error from remote mail server") != NULL)
		return ML_REJECTED;
	if (strstr(r, "TLS") != NULL)
		return ML_TLS;
	return ML_OTHER;
}

/* "=> RCPT", "-> RCPT", "== RCPT", "** RCPT". */
static int
recipient(const char *s, struct ml_event *e)
{
	size_t n = strcspn(s + 3, " ");
	const char *r, *why;

	ml_set_rcpt(e, s + 3, n);
	interface(s, e);
	r = host(s, e);
	if (s[0] == '=' && s[1] == '>') {
		e->status = ML_ST_SENT, e->outcome = ML_DELIVERED;
		e->attempt = r != NULL;
		return 1;
	}
	if (s[0] == '-' && s[1] == '>') {
		e->status = ML_ST_SENT, e->outcome = ML_DELIVERED;
		return 1;	/* the same connection as the "=>" before */
	}
	e->status = s[0] == '=' ? ML_ST_DEFERRED : ML_ST_BOUNCED;
	if (r != NULL) {
		/* "defer (110): Connection timed out H=...": the errno first */
		e->outcome = ml_errno_outcome(s) != ML_OTHER ? ml_errno_outcome(s) :
		    host_outcome(r);
		e->attempt = true;	/* parse.c drops a repeat of the host line */
	} else if ((why = strstr(s, " defer (")) != NULL &&
	    (why = strstr(why, "): ")) != NULL)
		e->outcome = ml_errno_outcome(why + 3);
	else
		e->outcome = ML_OTHER;
	return 1;
}

int
ml_exim(const struct ml_frame *f, struct ml_event *e)
{
	const char *s = f->msg, *r;
	size_t id;

	if (strcmp(f->prog, "exim") != 0 && strcmp(f->prog, "exim4") != 0)
		return -1;
	e->mta = ML_EXIM;
	/* Exim to syslog keeps its own time (syslog_timestamp): skip it */
	if (strnlen(s, 21) > 20 && s[4] == '-' && s[7] == '-' && s[10] == ' ' &&
	    s[13] == ':' && s[16] == ':' && s[19] == ' ')
		s += 20;
	if ((id = message_id(s)) == 0)
		return 0;
	memcpy(e->queue_id, s, id < sizeof e->queue_id ? id : sizeof e->queue_id - 1);
	e->queue_id[id < sizeof e->queue_id ? id : sizeof e->queue_id - 1] = '\0';
	s += id + 1;
	ml_copy_text(e->text, sizeof e->text, s, strlen(s));
	if (strlen(s) > 3 && s[2] == ' ' && (strncmp(s, "=> ", 3) == 0 ||
	    strncmp(s, "-> ", 3) == 0 || strncmp(s, "== ", 3) == 0 ||
	    strncmp(s, "** ", 3) == 0))
		return recipient(s, e);
	if (strncmp(s, "H=", 2) != 0 || (r = host(s, e)) == NULL)
		return 0;
	interface(s, e);
	e->outcome = host_outcome(r);
	e->attempt = true;
	return 1;
}

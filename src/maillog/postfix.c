/*
 * Postfix smtp(8) delivery lines (and error(8)'s deferrals), under any
 * syslog_name ("postfix/smtp", "postfix-out/smtp"):
 *   connect to HOST[ADDR]:PORT: Connection refused
 *   QID: host HOST[ADDR] refused to talk to me: 554 ...
 *   QID: host HOST[ADDR] said: 450 ... (in reply to RCPT TO command)
 *   QID: lost connection with HOST[ADDR] while receiving the initial server greeting
 *   QID: conversation with HOST[ADDR] timed out while receiving the initial ...
 *   QID: to=<RCPT>, relay=HOST[ADDR]:PORT|none, ..., status=S (TEXT)
 * Postfix does not log the sending address (smtp_bind_address) on these.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* "refused to talk to me: 421 ..." and "said: 554 ...": the code. */
static int
reply_code(const char *s)
{
	if (s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9')
		return 0;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* "host HOST[ADDR] refused to talk to me: ..." / "... said: ...". */
static int
host_reply(const char *s, struct ml_event *e)
{
	const char *r;

	if ((s = ml_host_addr(s, e, 0)) == NULL)
		return 0;
	if ((r = ml_skip(s, " refused to talk to me: ")) != NULL)
		e->outcome = reply_code(r) / 100 == 4 ? ML_GREET4XX : ML_GREET5XX;
	else if (ml_skip(s, " said: ") != NULL)
		e->outcome = ML_REJECTED;
	else
		return 0;
	return 1;
}

/* "lost connection with" / "conversation with ... timed out". */
static int
lost(const char *s, struct ml_event *e)
{
	if ((s = ml_host_addr(s, e, 0)) == NULL)
		return 0;
	if (strstr(s, "while receiving the initial server greeting") != NULL)
		e->outcome = ML_LOSTGREET;
	else if (strstr(s, "TLS") != NULL)
		e->outcome = ML_TLS;
	else
		e->outcome = ML_OTHER;
	return 1;
}

/* What a message says of the connection: the line itself, or a status
 * line's reason in parentheses. */
static int
connection_text(const char *s, struct ml_event *e)
{
	const char *r;

	if ((r = ml_skip(s, "delivery temporarily suspended: ")) != NULL)
		return connection_text(r, e) || (e->outcome = ML_OTHER, 1);
	if ((r = ml_skip(s, "connect to ")) != NULL) {
		if ((r = ml_host_addr(r, e, 1)) == NULL || (r = ml_skip(r, ": ")) == NULL)
			return 0;
		e->outcome = ml_errno_outcome(r);
		return 1;
	}
	if ((r = ml_skip(s, "host ")) != NULL)
		return host_reply(r, e);
	if ((r = ml_skip(s, "lost connection with ")) != NULL ||
	    (r = ml_skip(s, "conversation with ")) != NULL)
		return lost(r, e);
	/* "SSL_connect error to HOST[ADDR]:PORT: lost connection" */
	if ((r = ml_skip(s, "SSL_connect error to ")) != NULL) {
		if (ml_host_addr(r, e, 1) == NULL)
			return 0;
		e->outcome = ML_TLS;
		return 1;
	}
	if (strstr(s, "TLS") != NULL || strstr(s, "SSL_connect") != NULL) {
		e->outcome = ML_TLS;
		return 1;
	}
	return 0;
}

/* The value of "key=" in the key=value list before the status. */
static const char *
field(const char *s, const char *key, size_t *n)
{
	size_t k = strlen(key);
	const char *v;

	for (v = s; (v = strstr(v, key)) != NULL; v += k)
		if (v == s || v[-1] == ' ') {
			v += k;
			*n = strcspn(v, ",");
			return v;
		}
	return NULL;
}

static int
status_line(const char *s, struct ml_event *e)
{
	const char *to, *relay, *st, *why;
	size_t n, rn;

	if ((to = field(s, "to=", &n)) == NULL || (st = strstr(s, ", status=")) == NULL)
		return 0;
	if (n >= 2 && to[0] == '<' && to[n - 1] == '>')
		to++, n -= 2;
	ml_set_rcpt(e, to, n);
	st += 9;
	if (strncmp(st, "sent", 4) == 0)
		e->status = ML_ST_SENT, e->outcome = ML_DELIVERED;
	else if (strncmp(st, "deferred", 8) == 0)
		e->status = ML_ST_DEFERRED, e->outcome = ML_OTHER;
	else if (strncmp(st, "bounced", 7) == 0)
		e->status = ML_ST_BOUNCED, e->outcome = ML_OTHER;
	else
		return 0;	/* expired, undeliverable: no delivery */
	why = strchr(st, '(');
	why = why != NULL ? why + 1 : "";
	ml_copy_text(e->text, sizeof e->text, why, strcspn(why, "\n"));
	n = strlen(e->text);
	if (n > 0 && e->text[n - 1] == ')')
		e->text[n - 1] = '\0';
	relay = field(s, "relay=", &rn);
	if (relay != NULL && ml_host_addr(relay, e, 1) != NULL)
		e->attempt = true;
	if (e->status != ML_ST_SENT) {
		struct ml_event c = *e;

		if (connection_text(why, &c)) {
			*e = c;
			e->attempt = e->server.family != 0;
		}
	}
	return 1;
}

/* Postfix's smtp(8) (or error(8)) under any syslog_name. */
static int
postfix_prog(const char *prog, int *is_error)
{
	const char *slash = strrchr(prog, '/');

	if (strncmp(prog, "postfix", 7) != 0 || slash == NULL)
		return 0;
	*is_error = strcmp(slash, "/error") == 0;
	return strcmp(slash, "/smtp") == 0 || *is_error;
}

int
ml_postfix(const struct ml_frame *f, struct ml_event *e)
{
	const char *s = f->msg;
	size_t q = strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	int is_error = 0;

	if (!postfix_prog(f->prog, &is_error))
		return -1;
	e->mta = ML_POSTFIX;
	if (q > 0 && q < sizeof e->queue_id && s[q] == ':' && s[q + 1] == ' ') {
		memcpy(e->queue_id, s, q);
		e->queue_id[q] = '\0';
		s += q + 2;
	}
	if (strncmp(s, "to=", 3) == 0) {
		if (!status_line(s, e))
			return 0;
		if (is_error)
			e->attempt = false;	/* error(8) connects to nobody */
		return 1;
	}
	if (is_error || ml_skip(s, "warning: ") != NULL || !connection_text(s, e) ||
	    e->server.family == 0)
		return 0;
	e->attempt = true;
	ml_copy_text(e->text, sizeof e->text, s, strlen(s));
	return 1;
}

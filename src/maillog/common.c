/* The pieces of delivery lines both MTAs write: HOST[ADDR]:PORT,
 * connect(2) errors, recipients, text. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *
ml_skip(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

void
ml_copy_text(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i;

	if (cap == 0)
		return;
	for (i = 0; i < n && i < cap - 1 && s[i] != '\0'; i++)
		dst[i] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '?';
	dst[i] = '\0';
}

/* Digits to a port: 1..65535, else 0. */
static uint16_t
port_of(const char *s, const char **end)
{
	long v = 0;
	int k;

	for (k = 0; k < 6 && s[k] >= '0' && s[k] <= '9'; k++)
		v = v * 10 + (s[k] - '0');
	*end = s + k;
	return k > 0 && k < 6 && v > 0 && v < 65536 ? (uint16_t)v : 0;
}

const char *
ml_host_addr(const char *s, struct ml_event *e, int want_port)
{
	const char *lb, *rb, *end;
	char a[ADDR_STRLEN + 1];
	size_t hn;

	lb = strchr(s, '[');
	if (lb == NULL || (hn = (size_t)(lb - s)) == 0 || hn > ML_HOST_MAX ||
	    memchr(s, ' ', hn) != NULL)
		return NULL;
	rb = strchr(lb, ']');
	if (rb == NULL || (size_t)(rb - lb - 1) > ADDR_STRLEN)
		return NULL;
	memcpy(a, lb + 1, (size_t)(rb - lb - 1));
	a[rb - lb - 1] = '\0';
	/* "relay=sub1.example.com[private/dovecot-lmtp]": not a server */
	if (!addr_parse(a, &e->server))
		return NULL;
	ml_copy_text(e->host, sizeof e->host, s, hn);
	end = rb + 1;
	if (want_port && *end == ':') {
		e->port = port_of(end + 1, &end);
		if (e->port == 0)
			return NULL;
	}
	return end;
}

enum ml_outcome
ml_errno_outcome(const char *text)
{
	static const struct { const char *s; enum ml_outcome o; } map[] = {
		{ "Connection refused", ML_REFUSED },
		{ "Connection timed out", ML_TIMEDOUT },
		{ "No route to host", ML_NOROUTE },
		{ "Network is unreachable", ML_NETUNREACH },
	};
	size_t i;

	/* anywhere in the text: Exim writes "H=... [...]:25: HOST [ADDR]: No
	 * route to host" and "SMTP timeout after initial connection:
	 * Connection timed out" */
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strstr(text, map[i].s) != NULL)
			return map[i].o;
	return ML_OTHER;
}

void
ml_set_rcpt(struct ml_event *e, const char *s, size_t n)
{
	const char *at;

	ml_copy_text(e->rcpt, sizeof e->rcpt, s, n);
	at = strrchr(e->rcpt, '@');
	ml_copy_text(e->domain, sizeof e->domain, at != NULL ? at + 1 : "",
	    ML_HOST_MAX);
}

const char *
ml_outcome_name(enum ml_outcome o)
{
	static const char *const names[ML_NOUTCOMES] = {
		"delivered", "refused", "timed-out", "no-route", "net-unreachable",
		"greeting-4xx", "greeting-5xx", "lost-before-greeting", "tls-failed",
		"rejected", "other",
	};

	return (unsigned)o < ML_NOUTCOMES ? names[o] : "other";
}

const char *
ml_status_name(enum ml_status s)
{
	switch (s) {
	case ML_ST_SENT: return "sent";
	case ML_ST_DEFERRED: return "deferred";
	case ML_ST_BOUNCED: return "bounced";
	default: return NULL;
	}
}

/* What the MTA's log says about each server (findings/logfacts.h). */
#include <stdlib.h>
#include <string.h>

#include "findings/logfacts.h"
#include "util/hindex.h"

/* Distinct messages, recipients and domains are told apart by a 64-bit
 * hash of their text, tagged by kind. */
enum { ID_MSG, ID_RCPT, ID_DOM, ID_KINDS };

struct lf_entry {
	struct addr server;
	uint16_t port;			/* of the last line with one; 0: none */
	enum ml_mta mta;
	uint64_t lines, attempts;	/* failure lines; attempts among them */
	int64_t first, last;		/* times of the first and last line */
	uint32_t n[ID_KINDS];		/* distinct, up to LOGFACTS_MAX_IDS */
	bool more[ID_KINDS];		/* past it */
	uint64_t *id[ID_KINDS];		/* the hashes, allocated when first used */
	char domain[ML_HOST_MAX + 1];	/* the first recipient domain */
	char text[ML_TEXT_MAX + 1];	/* the last words */
};

struct logfacts {
	int64_t quiet_us;
	struct lf_entry **e;		/* each its own allocation: the strings
					 * stay where findings point */
	uint32_t n;
	struct hindex idx;
	uint64_t overflow;
};

struct lf_key {
	const struct logfacts *lf;
	const struct addr *server;
};

struct logfacts *
logfacts_new(int64_t quiet_us)
{
	struct logfacts *lf = calloc(1, sizeof *lf);

	if (lf == NULL)
		return NULL;
	if ((lf->e = calloc(LOGFACTS_MAX, sizeof *lf->e)) == NULL) {
		free(lf);
		return NULL;
	}
	lf->quiet_us = quiet_us;
	return lf;
}

void
logfacts_free(struct logfacts *lf)
{
	uint32_t i;
	int k;

	if (lf == NULL)
		return;
	for (i = 0; i < lf->n; i++) {
		for (k = 0; k < ID_KINDS; k++)
			free(lf->e[i]->id[k]);
		free(lf->e[i]);
	}
	free(lf->e);
	hindex_free(&lf->idx);
	free(lf);
}

static bool
same_server(const void *key, uint32_t item)
{
	const struct lf_key *k = key;

	return addr_eq(&k->lf->e[item]->server, k->server);
}

static struct lf_entry *
find(const struct logfacts *lf, const struct addr *server)
{
	struct lf_key k = { lf, server };
	uint32_t i = hindex_find(&lf->idx, addr_hash(server, 0, 0x106), same_server,
	    &k);

	return i == HINDEX_NONE ? NULL : lf->e[i];
}

static struct lf_entry *
add_entry(struct logfacts *lf, const struct addr *server)
{
	struct lf_entry *x;

	if (lf->n == LOGFACTS_MAX || (x = calloc(1, sizeof *x)) == NULL)
		return NULL;
	if (hindex_add(&lf->idx, addr_hash(server, 0, 0x106), lf->n) != 0) {
		free(x);
		return NULL;
	}
	x->server = *server;
	lf->e[lf->n++] = x;
	return x;
}

static uint64_t
hash64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* Counts s as one of kind k, once. */
static void
distinct(struct lf_entry *x, int k, const char *s)
{
	uint64_t h = hash64(s);
	uint32_t i;

	if (s[0] == '\0')
		return;
	for (i = 0; i < x->n[k]; i++)
		if (x->id[k][i] == h)
			return;
	if (x->n[k] == LOGFACTS_MAX_IDS) {
		x->more[k] = true;
		return;
	}
	if (x->id[k] == NULL &&
	    (x->id[k] = malloc(LOGFACTS_MAX_IDS * sizeof *x->id[k])) == NULL) {
		x->more[k] = true;
		return;
	}
	x->id[k][x->n[k]++] = h;
}

/* After a quiet spell a server's lines are counted afresh. */
static void
restart(struct lf_entry *x)
{
	int k;

	x->lines = x->attempts = 0;
	for (k = 0; k < ID_KINDS; k++)
		x->n[k] = 0, x->more[k] = false;
	x->domain[0] = '\0';
}

void
logfacts_add(struct logfacts *lf, const struct ml_event *e)
{
	struct lf_entry *x;

	if (!ml_failed(e) || e->server.family == 0)
		return;
	if ((x = find(lf, &e->server)) == NULL &&
	    (x = add_entry(lf, &e->server)) == NULL) {
		lf->overflow++;
		return;
	}
	if (x->lines > 0 && lf->quiet_us != INT64_MAX &&
	    e->ts_us - x->last > lf->quiet_us)
		restart(x);
	if (x->lines++ == 0)
		x->first = x->last = e->ts_us;
	if (e->ts_us > x->last)
		x->last = e->ts_us;
	x->attempts += e->attempt;
	if (e->port != 0)
		x->port = e->port;
	x->mta = e->mta;
	distinct(x, ID_MSG, e->queue_id);
	if (e->status == ML_ST_DEFERRED || e->status == ML_ST_BOUNCED)
		distinct(x, ID_RCPT, e->rcpt);
	distinct(x, ID_DOM, e->domain);
	if (x->domain[0] == '\0' && e->domain[0] != '\0')
		memcpy(x->domain, e->domain, sizeof x->domain);
	if (e->text[0] != '\0')
		memcpy(x->text, e->text, sizeof x->text);
}

void
logfacts_fill(const struct logfacts *lf, struct finding *f)
{
	const struct lf_entry *x = lf != NULL ? find(lf, &f->server) : NULL;

	if (x == NULL || x->lines == 0 || (x->port != 0 && x->port != f->port))
		return;
	f->log_attempts = x->attempts;
	f->log_first = x->first;
	f->log_last = x->last;
	f->log_messages = x->n[ID_MSG];
	f->log_recipients = x->n[ID_RCPT];
	f->log_domains = x->n[ID_DOM];
	f->log_at_least = x->more[ID_MSG] || x->more[ID_RCPT] || x->more[ID_DOM];
	f->log_domain = x->domain[0] != '\0' ? x->domain : NULL;
	f->log_text = x->text[0] != '\0' ? x->text : NULL;
	f->log_mta = x->mta == ML_POSTFIX ? "postfix" : "exim";
}

uint64_t
logfacts_overflow(const struct logfacts *lf)
{
	return lf->overflow;
}

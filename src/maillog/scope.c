/* Per recipient domain and per MX host: counts, times, sending addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maillog/scope.h"

void
ml_scope_init(struct ml_scope *s)
{
	memset(s, 0, sizeof *s);
	s->first_ts = s->last_ts = INT64_MIN;
}

static void
table_free(struct ml_table *t)
{
	free(t->row);
	hindex_free(&t->idx);
}

void
ml_scope_free(struct ml_scope *s)
{
	table_free(&s->domains);
	table_free(&s->hosts);
}

static const struct ml_table *eq_table;	/* hindex_eq_fn has no context */

static bool
key_eq(const void *key, uint32_t item)
{
	return strcmp(eq_table->row[item].key, key) == 0;
}

/* The row for key, made when new; NULL past ML_SCOPE_MAX or without
 * memory (*oom set). */
static struct ml_row *
row_for(struct ml_table *t, const char *key, int *oom)
{
	uint32_t h = hash_str(key, 0x6d61696c), i;
	struct ml_row *r;

	eq_table = t;
	if ((i = hindex_find(&t->idx, h, key_eq, key)) != HINDEX_NONE)
		return &t->row[i];
	if (t->n == ML_SCOPE_MAX) {
		t->overflow++;
		return NULL;
	}
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;

		if ((r = realloc(t->row, cap * sizeof *r)) == NULL)
			return *oom = 1, NULL;
		t->row = r, t->cap = cap;
	}
	if (hindex_add(&t->idx, h, t->n) != 0)
		return *oom = 1, NULL;
	r = &t->row[t->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->key, sizeof r->key, "%s", key);
	r->first_failure = r->last_failure = r->last_success = INT64_MIN;
	return r;
}

/* One event on a row; with outcome, it counts among the outcomes (every
 * recipient line of a domain; only the attempts of a host). */
static void
count(struct ml_row *r, const struct ml_event *e, bool outcome)
{
	int i;

	if (outcome) {
		r->events++;
		r->outcome[e->outcome]++;
	}
	r->sent += e->status == ML_ST_SENT;
	r->deferred += e->status == ML_ST_DEFERRED;
	r->bounced += e->status == ML_ST_BOUNCED;
	if (ml_failed(e)) {
		if (r->first_failure == INT64_MIN || e->ts_us < r->first_failure)
			r->first_failure = e->ts_us;
		if (e->ts_us >= r->last_failure) {
			r->last_failure = e->ts_us;
			memcpy(r->last_text, e->text, sizeof r->last_text);
		}
	} else if (e->ts_us > r->last_success)
		r->last_success = e->ts_us;
	if (e->source.family == 0)
		return;
	for (i = 0; i < r->nsource; i++)
		if (addr_eq(&r->source[i], &e->source))
			return;
	if (r->nsource < ML_SOURCES_MAX)
		r->source[r->nsource++] = e->source;
}

int
ml_scope_add(struct ml_scope *s, const struct ml_event *e)
{
	char key[sizeof ((struct ml_row *)0)->key], a[ADDR_STRLEN];
	struct ml_row *r;
	int oom = 0;

	if (s->first_ts == INT64_MIN || e->ts_us < s->first_ts)
		s->first_ts = e->ts_us;
	if (e->ts_us > s->last_ts)
		s->last_ts = e->ts_us;
	s->attempts += e->attempt;
	if (e->status != ML_ST_NONE) {
		s->recipients++;
		if (e->domain[0] != '\0' &&
		    (r = row_for(&s->domains, e->domain, &oom)) != NULL)
			count(r, e, true);
	}
	if (e->server.family == 0 || (!e->attempt && e->status == ML_ST_NONE))
		return oom ? -1 : 0;
	/* as Postfix names it: host[addr]:port */
	addr_str(&e->server, a);
	if (e->port != 0)
		snprintf(key, sizeof key, "%s[%s]:%u", e->host, a, e->port);
	else
		snprintf(key, sizeof key, "%s[%s]", e->host, a);
	if ((r = row_for(&s->hosts, key, &oom)) != NULL) {
		if (r->server.family == 0) {
			memcpy(r->host, e->host, sizeof r->host);
			r->server = e->server;
			r->port = e->port;
		}
		count(r, e, e->attempt);
	}
	return oom ? -1 : 0;
}

static int
by_failures(const void *a, const void *b)
{
	const struct ml_row *x = *(const struct ml_row *const *)a;
	const struct ml_row *y = *(const struct ml_row *const *)b;
	uint64_t fx = x->events - x->outcome[ML_DELIVERED];
	uint64_t fy = y->events - y->outcome[ML_DELIVERED];

	if (fx != fy)
		return fx > fy ? -1 : 1;
	return strcmp(x->key, y->key);
}

const struct ml_row **
ml_scope_sorted(const struct ml_table *t)
{
	const struct ml_row **v;
	uint32_t i;

	if (t->n == 0 || (v = malloc(t->n * sizeof *v)) == NULL)
		return NULL;
	for (i = 0; i < t->n; i++)
		v[i] = &t->row[i];
	qsort(v, t->n, sizeof *v, by_failures);
	return v;
}

/*
 * The counting half of the metrics registry (report/metrics.h): records
 * and findings in, counts by bounded labels.  Sources and ports get their
 * label index when first seen, so a series never moves to "other" later
 * (a counter must not go back); the series table has room reserved for
 * the "other" series, which always fit.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics_internal.h"

struct metrics *
metrics_new(const struct stats *st, int findings)
{
	struct metrics *m = calloc(1, sizeof *m);
	struct timespec ts;

	if (m == NULL)
		return NULL;
	m->slots = calloc(MX_SLOTS, sizeof *m->slots);
	m->order = calloc(MX_SLOTS, sizeof *m->order);
	if (m->slots == NULL || m->order == NULL) {
		metrics_free(m);
		return NULL;
	}
	m->st = st;
	m->findings = findings;
	clock_gettime(CLOCK_REALTIME, &ts);
	m->start_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m->order);
	free(m);
}

#define MX_SOURCE_SLOTS (2 * METRICS_MAX_SOURCES)

static int
source_index(struct metrics *m, const struct addr *a)
{
	uint32_t i = addr_hash(a, 0, 0x6d78) & (MX_SOURCE_SLOTS - 1);
	int k;

	for (; (k = m->source_slot[i]) != 0; i = (i + 1) & (MX_SOURCE_SLOTS - 1))
		if (addr_eq(&m->sources[k - 1], a))
			return k - 1;
	if (m->nsources == METRICS_MAX_SOURCES)
		return MX_OTHER_SOURCE;
	m->sources[m->nsources] = *a;
	m->source_slot[i] = (uint8_t)(m->nsources + 1);
	return m->nsources++;
}

static int
port_index(struct metrics *m, uint16_t port)
{
	int i;

	for (i = 0; i < m->nports; i++)
		if (m->ports[i] == port)
			return i;
	if (m->nports == METRICS_MAX_PORTS)
		return MX_OTHER_PORT;
	m->ports[m->nports] = port;
	return m->nports++;
}

/* Reasons are the taxonomy's static strings: compared by address first. */
static int
reason_index(struct metrics *m, const char *reason)
{
	int i;

	if (reason == NULL)
		reason = "none";
	for (i = 0; i < m->nreasons; i++)
		if (m->reasons[i] == reason)
			return i;
	for (i = 0; i < m->nreasons; i++)
		if (strcmp(m->reasons[i], reason) == 0)
			return i;
	if (m->nreasons == METRICS_MAX_REASONS)
		return MX_OTHER_REASON;
	m->reasons[m->nreasons] = reason;
	return m->nreasons++;
}

static uint32_t
key_hash(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x7feb352du;
	k ^= k >> 15;
	return k;
}

/* Series with named labels: what is left after the room for every
 * correction (from, class, reason) and every "other" (class, reason). */
#define MX_NAMED_MAX (METRICS_MAX_SERIES - VC_COUNT * (VC_COUNT + 1) * \
    (MX_OTHER_REASON + 1))

/*
 * Adds n to the series key; a new series past the table's share for
 * named labels is counted under the same class and reason with every
 * other label "other" (its reserved share holds them all).
 */
static void
series_add(struct metrics *m, uint32_t key, uint32_t other, uint64_t n)
{
	uint32_t i;

	for (i = key_hash(key) & (MX_SLOTS - 1); m->slots[i].key != 0;
	    i = (i + 1) & (MX_SLOTS - 1))
		if (m->slots[i].key == key) {
			m->slots[i].n += n;
			return;
		}
	if (key != other && m->nseries >= MX_NAMED_MAX) {
		series_add(m, other, other, n);
		return;
	}
	m->slots[i].key = key;
	m->slots[i].n = n;
	m->order[m->nseries++] = (uint16_t)i;
}

void
metrics_record(struct metrics *m, const struct record *r)
{
	int reason = reason_index(m, r->v.reason);
	uint32_t key, other;

	if (r->correction) {
		key = MX_KEY(1, r->corrects.cls, r->v.cls, reason, 0, 0);
		series_add(m, key, key, 1);
		return;
	}
	key = MX_KEY(0, 0, r->v.cls, reason, port_index(m, r->t.server_port),
	    source_index(m, &r->t.client));
	other = MX_KEY(0, 0, r->v.cls, reason, MX_OTHER_PORT, MX_OTHER_SOURCE);
	series_add(m, key, other, 1);
}

void
metrics_finding(void *ctx, const struct finding *f)
{
	struct metrics *m = ctx;

	if ((unsigned)f->kind >= FK_COUNT)
		return;
	if (f->state == FS_STARTED) {
		m->started[f->kind]++;
		m->active[f->kind]++;
	} else if (f->state == FS_ENDED && m->active[f->kind] > 0)
		m->active[f->kind]--;
}

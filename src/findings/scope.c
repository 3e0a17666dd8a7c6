/*
 * The aggregation of findings/scope.h: destinations in chunks allocated as
 * they fill, found through a hashed index of (server, port); each
 * destination's sources in a block of its own that doubles as it grows,
 * with their index by address number after them.  Failure windows and
 * samples come from pools (findings/pool.h), samples when a failure first
 * needs them.
 *
 * Chunks and blocks are cut from huge-page regions (util/region.h), as are
 * the pools' slabs: a record reads its destination, a source and its slot
 * at random in tens of megabytes, where 4 KiB pages add page walks, and
 * the dests mix has 100,000 blocks of a few sources, where malloc adds a
 * header and a free each.  CPU of read --scope against the same with
 * malloc'd memory, paired, n=9-11: dests 0.91-0.93 (three measurements),
 * heavy 0.95-0.98, the bench's mixed capture 0.93-1.00.  The price: a
 * block left as its destination grows is kept for the next to grow to
 * its size, and when all grow at the same pace none is reused: up to as
 * much again as the blocks in use (smtpscope(8), Limits).
 */
#include <stdlib.h>
#include <string.h>

#include "findings/scope.h"
#include "util/array.h"
#include "internal.h"

/*
 * A destination's block, past its first source: capsrc sources, then
 * 2 * capsrc 2-byte slots of its index, each 0 (empty) or source k + 1
 * under 5 bits of its address number's hash (the tag): a lookup reads a
 * source only when the tag matches.  Per destination, not one index of all
 * pairs: the slots of one destination lie together, 2 bytes, not 8.
 * Sources are 64 bytes, blocks 64-byte aligned: a source is one cache
 * line.  (read --scope of the bench file, against one index of all pairs
 * and 80-byte sources each with a malloc'd failure window: its last-level
 * cache misses over read's 2.36M -> 1.44M in cachegrind.)
 */
#define SLOT_SHIFT 11		/* k + 1 below, the tag above */
#define TAG_MASK 31
_Static_assert(SCOPE_MAX_SOURCES < 1 << SLOT_SHIFT, "k + 1 must fit a slot");
_Static_assert(sizeof(struct scope_source) == 64, "a source, a line");
#define SRC_ALIGN 64

/*
 * Each chunk of destinations carries a first block (one source, no index:
 * that source is compared) for each of them, after the destinations: most
 * destinations of a busy capture have one source, and the block then
 * costs no allocation of its own (read --scope of a capture with one
 * destination per attempt: 6% fewer instructions than a posix_memalign
 * and a free each).  capsrc 1 says the block is the chunk's.
 */
#define FIRST_BLOCK sizeof(struct scope_source)
#define DESTS_BYTES ((SCOPE_CHUNK * sizeof(struct scope_dest) + \
    SRC_ALIGN - 1) / SRC_ALIGN * SRC_ALIGN)

struct scope *
scope_new(uint32_t seed)
{
	struct scope *s = calloc(1, sizeof *s);

	if (s != NULL) {
		s->seed = seed;
		s->last_ts = SCOPE_NONE;
		s->fails.size = sizeof(struct scope_fail);
		s->samples.size = sizeof(struct scope_sample);
	}
	return s;
}

void
scope_free(struct scope *s)
{
	uint32_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nd; i++) {
		struct scope_dest *d = dest_at(s, i);

		free(d->mx);
		free(d->domain);
	}
	region_free_all(&s->mem);
	free(s->chunk);
	hindex_free(&s->by_dest);
	hindex_free(&s->by_addr);
	free(s->addr);
	pool_free_all(&s->fails);
	pool_free_all(&s->samples);
	hindex_free(&s->by_server);
	hindex_free(&s->by_domain);
	hindex_free(&s->by_sensor);
	free(s->sensor);
	free(s->mark);
	logfacts_free(s->log);
	free(s);
}

/* Keys of the indexes: what a lookup compares an item with. */
struct dest_key {
	const struct scope *s;
	const struct addr *a;
	uint16_t port;
	const char *domain;
};

struct addr_key {
	const struct scope *s;
	const struct addr *a;
};

struct sensor_key {
	const struct scope *s;
	const char *name;
};

static bool
dest_is(const void *key, uint32_t i)
{
	const struct dest_key *k = key;
	const struct scope_dest *d = dest_at(k->s, i);

	return d->port == k->port && addr_eq(&d->server, k->a);
}

static bool
server_is(const void *key, uint32_t i)
{
	const struct dest_key *k = key;

	return addr_eq(&dest_at(k->s, i)->server, k->a);
}

static bool
domain_is(const void *key, uint32_t i)
{
	const struct dest_key *k = key;
	const struct scope_dest *d = dest_at(k->s, i);

	return d->port == k->port && d->domain != NULL &&
	    strcmp(d->domain, k->domain) == 0;
}

static bool
addr_is(const void *key, uint32_t i)
{
	const struct addr_key *k = key;

	return addr_eq(&k->s->addr[i], k->a);
}

/* The first destination with this server address: i itself when it is
 * the first. */
static uint32_t
first_of_server(struct scope *s, uint32_t i)
{
	const struct addr *a = &dest_at(s, i)->server;
	struct dest_key k = { s, a, 0, NULL };
	uint32_t h = addr_hash(a, 0, s->seed);
	uint32_t j = hindex_find(&s->by_server, h, server_is, &k);

	if (j != HINDEX_NONE)
		return j;
	return hindex_add(&s->by_server, h, i) == 0 ? i : HINDEX_NONE;
}

/* Room for destination s->nd: a new chunk when the last is full. */
static int
room_for_dest(struct scope *s)
{
	struct scope_dest **c;
	void *p;

	if (s->nd >= SCOPE_MAX_DESTS)
		return -1;
	if (s->nd < s->nchunks * SCOPE_CHUNK)
		return 0;
	if ((c = realloc(s->chunk, (s->nchunks + 1) * sizeof *c)) == NULL)
		return -1;
	s->chunk = c;
	if ((p = region_alloc(&s->mem, DESTS_BYTES +
	    SCOPE_CHUNK * FIRST_BLOCK)) == NULL)
		return -1;
	c[s->nchunks++] = p;
	return 0;
}

static void
answer_init(struct scope_answer *a)
{
	memset(a, 0, sizeof *a);
	a->first = a->last = SCOPE_NONE;
	a->hops = -1;
}

/* The number of r's destination, new if need be; HINDEX_NONE past the
 * budget. */
static uint32_t
dest_of(struct scope *s, const struct record *r)
{
	struct dest_key k = { s, &r->t.server, r->t.server_port, NULL };
	uint32_t h = addr_hash(&r->t.server, r->t.server_port, s->seed);
	uint32_t i = hindex_find(&s->by_dest, h, dest_is, &k);
	struct scope_dest *d;

	if (i != HINDEX_NONE)
		return i;
	if (room_for_dest(s) != 0 || hindex_add(&s->by_dest, h, s->nd) != 0)
		return HINDEX_NONE;
	d = dest_at(s, s->nd);
	memset(d, 0, sizeof *d);
	d->server = r->t.server;
	d->port = r->t.server_port;
	d->mx_pref = -1;
	d->first_ts = r->first_syn_us;
	d->last_ts = r->verdict_us;
	d->last_ok = SCOPE_NONE;
	answer_init(&d->fail);
	answer_init(&d->local);
	answer_init(&d->hop);
	answer_init(&d->rst);
	d->synack_hops = -1;
	d->same_domain = HINDEX_NONE;
	d->same_server = first_of_server(s, s->nd);
	return s->nd++;
}

static bool
sensor_is(const void *key, uint32_t i)
{
	const struct sensor_key *k = key;

	return strcmp(k->s->sensor[i], k->name) == 0;
}

/* The number of a sensor, numbered as first seen from 1 (0: this host,
 * NULL); HINDEX_NONE when out of memory.  Pointers are the records',
 * stable for the run; names are compared, not pointers. */
static uint32_t
sensor_of(struct scope *s, const char *name)
{
	struct sensor_key k = { s, name };
	uint32_t h, i, cap = s->capsensors;

	if (name == NULL)
		return 0;
	h = hash_str(name, s->seed);
	if ((i = hindex_find(&s->by_sensor, h, sensor_is, &k)) != HINDEX_NONE)
		return i;
	i = s->nsensors == 0 ? 1 : s->nsensors;	/* 0: this host */
	if (array_reserve((void **)&s->sensor, &cap, i, SCOPE_MAX_PAIRS + 1,
	    sizeof *s->sensor) != 0 ||
	    array_reserve((void **)&s->mark, &s->capsensors, i, SCOPE_MAX_PAIRS + 1,
	    sizeof *s->mark) != 0 || hindex_add(&s->by_sensor, h, i) != 0)
		return HINDEX_NONE;
	s->sensor[0] = NULL;
	s->mark[0] = 0;			/* not used: mark0 */
	s->sensor[i] = name;
	s->mark[i] = 0;
	s->nsensors = i + 1;
	return i;
}

static uint16_t *
slots_of(const struct scope_dest *d)
{
	return (uint16_t *)(void *)(d->src + d->capsrc);
}

/* Where address number id goes in d's index (its first slot to look at)
 * and its tag there, from one product: different bits of it. */
static uint32_t
slot_hash(const struct scope *s, const struct scope_dest *d, uint32_t id,
    uint16_t *tag)
{
	uint32_t x = (id ^ s->seed) * 0x9e3779b1u;

	*tag = (uint16_t)(x >> 16 & TAG_MASK) << SLOT_SHIFT;
	return (x >> 21) & (2 * d->capsrc - 1);
}

/* The source of d with address number id: its k, or HINDEX_NONE. */
static uint32_t
source_find(const struct scope *s, const struct scope_dest *d, uint32_t id)
{
	const uint16_t *slot;
	uint32_t j, k, mask = 2 * d->capsrc - 1;
	uint16_t tag;

	if (d->capsrc <= 1)
		return d->nsrc > 0 && d->src[0].addr_id == id ? 0 : HINDEX_NONE;
	slot = slots_of(d);
	for (j = slot_hash(s, d, id, &tag); slot[j] != 0; j = (j + 1) & mask) {
		k = (slot[j] & ((1u << SLOT_SHIFT) - 1)) - 1;
		if ((slot[j] & ~((1u << SLOT_SHIFT) - 1)) == tag &&
		    d->src[k].addr_id == id)
			return k;
	}
	return HINDEX_NONE;
}

static void
slot_put(const struct scope *s, struct scope_dest *d, uint32_t k)
{
	uint16_t *slot = slots_of(d), tag;
	uint32_t j, mask = 2 * d->capsrc - 1;

	for (j = slot_hash(s, d, d->src[k].addr_id, &tag); slot[j] != 0;
	    j = (j + 1) & mask)
		;
	slot[j] = (uint16_t)(tag | (k + 1));
}

/* The bytes of a block of cap sources and their index. */
#define BLOCK_BYTES(cap) ((cap) * (sizeof(struct scope_source) + \
    2 * sizeof(uint16_t)))
_Static_assert(BLOCK_BYTES(SCOPE_MAX_SOURCES) <= REGION_SIZE &&
    DESTS_BYTES + SCOPE_CHUNK * FIRST_BLOCK <= REGION_SIZE &&
    REGION_ALIGN % SRC_ALIGN == 0, "blocks and chunks fit a region, aligned");
_Static_assert((1u << POOL_SLAB_SHIFT) * sizeof(struct scope_sample) <=
    REGION_SIZE && (1u << POOL_SLAB_SHIFT) * sizeof(struct scope_fail) <=
    REGION_SIZE, "a slab of each pool fits a region");

/* The spare blocks' list of a capacity (2 to SCOPE_MAX_SOURCES). */
static void **
spare_of(struct scope *s, uint32_t cap)
{
	return &s->spare[__builtin_ctz(cap) - 1];
}

/* Room for source d->nsrc of destination di: a block twice the size
 * (the chunk's first block at first), up to SCOPE_MAX_SOURCES, a spare
 * one when there is; 0, or -1 when full or out of memory.  The block left
 * becomes a spare (a chunk's first block never does), its first bytes
 * the link to the next. */
static int
room_for_source(struct scope *s, uint32_t di)
{
	struct scope_dest *d = dest_at(s, di);
	struct scope_source *old = d->src;
	uint32_t oldcap = d->capsrc, cap = oldcap == 0 ? 1 : oldcap * 2, k;
	void *p;

	if (d->nsrc < d->capsrc)
		return 0;
	if (d->nsrc >= SCOPE_MAX_SOURCES)
		return -1;
	if (cap == 1) {
		d->src = (struct scope_source *)(void *)((char *)
		    s->chunk[di / SCOPE_CHUNK] + DESTS_BYTES +
		    (size_t)(di % SCOPE_CHUNK) * FIRST_BLOCK);
		d->capsrc = 1;
		return 0;
	}
	if ((p = *spare_of(s, cap)) != NULL)
		memcpy(spare_of(s, cap), p, sizeof(void *));
	else if ((p = region_alloc(&s->mem, BLOCK_BYTES(cap))) == NULL)
		return -1;
	d->src = p;
	d->capsrc = cap;
	memcpy(d->src, old, d->nsrc * sizeof *d->src);
	memset(slots_of(d), 0, 2 * cap * sizeof(uint16_t));
	for (k = 0; k < d->nsrc; k++)
		slot_put(s, d, k);
	if (oldcap > 1) {
		memcpy(old, spare_of(s, oldcap), sizeof(void *));
		*spare_of(s, oldcap) = old;
	}
	return 0;
}

/* The number of address a, new if need be; HINDEX_NONE when out of
 * memory.  Only sources listed number their address: at most
 * SCOPE_MAX_PAIRS of them. */
static uint32_t
addr_number(struct scope *s, const struct addr *a, uint32_t h)
{
	if (array_reserve((void **)&s->addr, &s->capaddrs, s->naddrs,
	    SCOPE_MAX_PAIRS, sizeof *s->addr) != 0 ||
	    hindex_add(&s->by_addr, h, s->naddrs) != 0)
		return HINDEX_NONE;
	s->addr[s->naddrs] = *a;
	return s->naddrs++;
}

/* Source a of destination di, new if need be; NULL past the budget. */
static struct scope_source *
source_of(struct scope *s, uint32_t di, const struct record *r)
{
	struct scope_dest *d = dest_at(s, di);
	const struct addr *a = &r->t.client;
	struct addr_key key = { s, a };
	uint32_t h = addr_hash(a, 0, s->seed), sensor, k;
	uint32_t id = hindex_find(&s->by_addr, h, addr_is, &key);
	struct scope_source *src;

	if (id != HINDEX_NONE && (k = source_find(s, d, id)) != HINDEX_NONE)
		return &d->src[k];
	if (s->npairs >= SCOPE_MAX_PAIRS ||
	    (sensor = sensor_of(s, r->sensor)) == HINDEX_NONE ||
	    room_for_source(s, di) != 0 ||
	    (id == HINDEX_NONE && (id = addr_number(s, a, h)) == HINDEX_NONE))
		return NULL;
	s->npairs++;
	src = &d->src[d->nsrc];
	memset(src, 0, sizeof *src);
	src->addr_id = id;
	src->sensor = sensor;
	src->last_ok = src->first_fail = src->last_fail = SCOPE_NONE;
	if (d->capsrc > 1)
		slot_put(s, d, d->nsrc);
	d->nsrc++;
	return src;
}

/* The number of a failure kind, numbered as first seen. */
static uint8_t
kind_of(struct scope *s, enum vclass c, const char *reason)
{
	int i;

	if (reason == NULL)
		reason = "?";
	for (i = 0; i < s->nkinds; i++)
		if (s->kind[i].cls == c && (s->kind[i].reason == reason ||
		    strcmp(s->kind[i].reason, reason) == 0))
			return (uint8_t)i;
	if (s->nkinds == SCOPE_MAX_KINDS) {
		i = SCOPE_MAX_KINDS + (int)c;
		s->kind[i].cls = c;
		s->kind[i].reason = "other";
		return (uint8_t)i;
	}
	s->kind[s->nkinds].cls = c;
	s->kind[s->nkinds].reason = reason;
	return (uint8_t)s->nkinds++;
}

static void
add_reason(struct scope_dest *d, uint8_t kind)
{
	int i;

	for (i = 0; i < d->nreasons; i++)
		if (d->reason[i] == kind)
			return;
	d->reason[d->nreasons++] = kind;
}

/* The probe's names, the first given. */
static void
add_names(struct scope *s, uint32_t i, const struct record *r)
{
	struct scope_dest *d = dest_at(s, i);
	const struct origin *o = r->origin;
	struct dest_key k;
	uint32_t h;

	if (o == NULL)
		return;
	if (o->mx != NULL && o->mx[0] != '\0' && d->mx == NULL &&
	    (d->mx = strdup(o->mx)) != NULL)
		d->mx_pref = o->mx_pref;
	if (o->domain == NULL || o->domain[0] == '\0' || d->domain != NULL ||
	    (d->domain = strdup(o->domain)) == NULL)
		return;
	k = (struct dest_key){ s, NULL, d->port, d->domain };
	h = hash_str(d->domain, s->seed ^ d->port);
	d->same_domain = hindex_find(&s->by_domain, h, domain_is, &k);
	if (d->same_domain == HINDEX_NONE && hindex_add(&s->by_domain, h, i) == 0)
		d->same_domain = i;
}

/* Drops the kept failures that began at or before src's last acceptance:
 * last_ok only grows, so they can never count again. */
static void
forget_until_ok(const struct scope *s, struct scope_source *src)
{
	struct scope_fail *f;
	int i, n = 0;

	if (src->nfail == 0)
		return;
	f = fails_of(s, src);
	for (i = 0; i < src->nfail; i++)
		if (f[i].ts > src->last_ok)
			f[n++] = f[i];
	src->nfail = (uint8_t)n;
}

/* Room for one more failure time in src's window: 2, then twice as many,
 * up to SCOPE_MAX_FAILS, within the budget of all failure times. */
static void
grow_window(struct scope *s, struct scope_source *src)
{
	uint32_t cap = src->capfail, want = cap == 0 ? 2 : cap * 2, h;

	_Static_assert(SCOPE_MAX_FAILS == 2 << (POOL_CLASSES - 1),
	    "the pool has windows of every size up to SCOPE_MAX_FAILS");
	if (src->nfail < cap || cap >= SCOPE_MAX_FAILS)
		return;
	if (s->fail_times + (want - cap) > SCOPE_MAX_FAIL_TIMES ||
	    (h = pool_get(&s->fails, pool_class(want))) == POOL_NONE)
		return;
	if (cap > 0) {
		memcpy(pool_at(&s->fails, h), fails_of(s, src),
		    src->nfail * sizeof(struct scope_fail));
		pool_put(&s->fails, src->fail, pool_class(cap));
	}
	src->fail = h;
	src->capfail = (uint8_t)want;
	s->fail_times += want - cap;
}

/* Keeps a failure that began after src's last acceptance: the latest
 * SCOPE_MAX_FAILS of them, replacing the earliest. */
static void
keep_failure(struct scope *s, struct scope_source *src, int64_t ts,
    uint8_t kind)
{
	struct scope_fail *f;
	int i, k;

	if (src->last_ok != SCOPE_NONE && ts <= src->last_ok)
		return;
	grow_window(s, src);
	if (src->nfail < src->capfail) {
		f = fails_of(s, src);
		f[src->nfail].ts = ts;
		f[src->nfail++].kind = kind;
		return;
	}
	if (src->capfail < SCOPE_MAX_FAILS)
		s->fails_not_kept++;	/* this one or the earliest is lost */
	if (src->nfail == 0)
		return;
	f = fails_of(s, src);
	for (k = 0, i = 1; i < src->nfail; i++)
		if (f[i].ts < f[k].ts)
			k = i;
	if (ts <= f[k].ts)
		return;
	f[k].ts = ts;
	f[k].kind = kind;
}

static void
accepted(const struct scope *s, struct scope_dest *d,
    struct scope_source *src, int64_t ts)
{
	if (ts <= src->last_ok)
		return;
	src->last_ok = ts;
	forget_until_ok(s, src);
	if (ts > d->last_ok)
		d->last_ok = ts;
}

/* Counts failure r, of source k and kind, in a; the latest by first-SYN
 * time (of equal ones, the last counted) gives the rest. */
static void
answer_add(struct scope_answer *a, const struct record *r, uint32_t k,
    uint8_t kind)
{
	int64_t ts = r->first_syn_us;

	if (a->n++ == 0 || ts < a->first)
		a->first = ts;
	if (a->n > 1 && ts < a->last)
		return;
	a->last = ts;
	a->by = r->responder;
	a->hops = r->hops;
	a->src = k;
	a->kind = kind;
	a->self = r->responder.family != 0 &&
	    addr_eq(&r->responder, &r->t.client);
	a->first_hop = r->responder_first_hop;
}

/* Who answered a failure, when not the server: the sending host itself,
 * or the first router (an answer that crossed no router, in its own name
 * or in the server's), is the local side; further on is a middlebox. */
static void
answered_by(struct scope_dest *d, const struct record *r, uint32_t k,
    uint8_t kind)
{
	if (r->responder.family == 0 || record_responder_is_server(r))
		return;
	if (addr_eq(&r->responder, &r->t.client) || r->hops == 0)
		answer_add(&d->local, r, k, kind);
	else
		answer_add(&d->hop, r, k, kind);
}

/* A destination's samples are an array of the pool, not a calloc of
 * their own: the calloc and the free at the end were 1.6% of the
 * instructions of read --scope of dests-tenth.pcap (13,000 servers). */
#define SAMPLES_CLASS 1
_Static_assert(SCOPE_MAX_SAMPLES <= 2 << SAMPLES_CLASS, "the samples fit");

static void
add_sample(struct scope *s, struct scope_dest *d, const struct record *r,
    uint8_t kind)
{
	struct scope_sample *sm;
	uint32_t h;

	if (d->nsamples == SCOPE_MAX_SAMPLES)
		return;
	if (d->sample == NULL) {
		if ((h = pool_get(&s->samples, SAMPLES_CLASS)) == POOL_NONE)
			return;
		d->sample = pool_at(&s->samples, h);
	}
	sm = &d->sample[d->nsamples++];
	sm->ts = r->first_syn_us;
	sm->client = r->t.client;
	sm->client_port = r->t.client_port;
	sm->kind = kind;
	sm->icmp_type = (int16_t)r->icmp_type;
	sm->icmp_code = (int16_t)r->icmp_code;
	sm->responder = r->responder;
	sm->first_hop = r->responder_first_hop;
}

static void
failure(struct scope *s, struct scope_dest *d, struct scope_source *src,
    const struct record *r)
{
	uint8_t kind = kind_of(s, r->v.cls, r->v.reason);
	int64_t ts = r->first_syn_us;
	uint32_t k = (uint32_t)(src - d->src);

	add_reason(d, kind);
	if (src->first_fail == SCOPE_NONE || ts < src->first_fail)
		src->first_fail = ts;
	if (src->last_fail == SCOPE_NONE || ts >= src->last_fail) {
		src->last_fail = ts;
		src->last_kind = kind;
	}
	keep_failure(s, src, ts, kind);
	answer_add(&d->fail, r, k, kind);
	answered_by(d, r, k, kind);
	if (r->v.cls == VC_REFUSED && r->icmp_type < 0 &&
	    record_responder_is_server(r))
		answer_add(&d->rst, r, k, kind);
	add_sample(s, d, r, kind);
}

/*
 * A correction (core/track.h) moves its attempt from the class its first
 * record gave: the attempt counts once, in its final class.  What the first
 * record showed (the RST, who sent it, the sample) stays as evidence; the
 * source's failure times go only when it has no failure left.
 */
static void
uncount(struct scope_dest *d, struct scope_source *src,
    const struct record *r)
{
	enum vclass was = r->corrects.cls;
	int c, left = 0;

	if (d->n[was] > 0)
		d->n[was]--;
	if (scope_failed(was) && d->fail.n > 0 && --d->fail.n == 0)
		d->fail.first = d->fail.last = SCOPE_NONE;
	if (src == NULL)
		return;
	if (src->n[was] > 0 && src->n[was] < UINT32_MAX)
		src->n[was]--;
	for (c = 0; c < VC_COUNT; c++)
		if (scope_failed((enum vclass)c))
			left += src->n[c] > 0;
	if (!left) {
		src->first_fail = src->last_fail = SCOPE_NONE;
		src->nfail = 0;
	}
}

void
scope_add_log(struct scope *s, const struct ml_event *e)
{
	if (s->log == NULL && (s->log = logfacts_new(INT64_MAX)) == NULL)
		return;
	logfacts_add(s->log, e);
}

bool
scope_has_log(const struct scope *s)
{
	return s->log != NULL;
}

void
scope_add(struct scope *s, const struct record *r)
{
	struct scope_dest *d;
	struct scope_source *src;
	uint32_t i;

	if ((unsigned)r->v.cls >= VC_COUNT)
		return;
	s->settled = false;
	if (r->verdict_us > s->last_ts)
		s->last_ts = r->verdict_us;
	if ((i = dest_of(s, r)) == HINDEX_NONE) {
		s->other_dests++;
		return;
	}
	d = dest_at(s, i);
	add_names(s, i, r);
	d->n[r->v.cls]++;
	if (r->first_syn_us < d->first_ts)
		d->first_ts = r->first_syn_us;
	if (r->verdict_us > d->last_ts)
		d->last_ts = r->verdict_us;
	if (r->v.cls == VC_ACCEPTED && r->hops >= 0 &&
	    record_responder_is_server(r))
		d->synack_hops = r->hops;
	/* Failures from sources past the budget count in the destination's
	 * totals only. */
	if ((src = source_of(s, i, r)) == NULL) {
		if (r->correction && (unsigned)r->corrects.cls < VC_COUNT)
			uncount(d, NULL, r);
		else
			d->other_sources++;
		return;
	}
	if (src->n[r->v.cls] < UINT32_MAX)
		src->n[r->v.cls]++;
	if (r->correction && (unsigned)r->corrects.cls < VC_COUNT)
		uncount(d, src, r);
	if (r->v.cls == VC_ACCEPTED)
		accepted(s, d, src, r->first_syn_us);
	else if (scope_failed(r->v.cls))
		failure(s, d, src, r);
}

uint32_t
scope_ndests(const struct scope *s)
{
	return s->nd;
}

const struct scope_dest *
scope_dest(const struct scope *s, uint32_t i)
{
	return i < s->nd ? dest_at(s, i) : NULL;
}

uint64_t
scope_other_dests(const struct scope *s)
{
	return s->other_dests;
}

uint64_t
scope_fails_not_kept(const struct scope *s)
{
	return s->fails_not_kept;
}

const char *
scope_sensor(const struct scope *s, uint32_t id)
{
	return id < s->nsensors ? s->sensor[id] : NULL;
}

const struct addr *
scope_source_addr(const struct scope *s, const struct scope_source *src)
{
	return &s->addr[src->addr_id];
}

const struct scope_kind *
scope_kind(const struct scope *s, uint8_t id)
{
	static const struct scope_kind unknown = { VC_COUNT, "?" };

	return id < SCOPE_KIND_SLOTS && s->kind[id].reason != NULL ?
	    &s->kind[id] : &unknown;
}

/* The addresses scope_addresses has given, and as what. */
struct seen_addr {
	struct addr a;
	uint8_t roles;		/* bit 0: as a server, bit 1: as a source */
};

struct seen {
	struct hindex idx;
	struct seen_addr *v;
	uint32_t n, cap, seed;
};

struct seen_key {
	const struct seen *set;
	const struct addr *a;
};

static bool
seen_is(const void *key, uint32_t i)
{
	const struct seen_key *k = key;

	return addr_eq(&k->set->v[i].a, k->a);
}

/* 1 when a is new in this role, 0 when not, -1 when out of memory. */
static int
first_as(struct seen *set, const struct addr *a, uint8_t role)
{
	struct seen_key k = { set, a };
	uint32_t h = addr_hash(a, 0, set->seed);
	uint32_t i = hindex_find(&set->idx, h, seen_is, &k);

	if (i == HINDEX_NONE) {
		if (array_reserve((void **)&set->v, &set->cap, set->n, UINT32_MAX - 1,
		    sizeof *set->v) != 0 || hindex_add(&set->idx, h, set->n) != 0)
			return -1;
		i = set->n++;
		set->v[i].a = *a;
		set->v[i].roles = 0;
	}
	if (set->v[i].roles & role)
		return 0;
	set->v[i].roles |= role;
	return 1;
}

int
scope_addresses(const struct scope *s,
    void (*fn)(void *ctx, const struct addr *a, bool source), void *ctx)
{
	struct seen set = { .seed = s->seed };
	uint32_t i, k;
	int rc = 0, fresh;

	for (i = 0; i < s->nd && rc == 0; i++) {
		const struct scope_dest *d = dest_at(s, i);

		if ((fresh = first_as(&set, &d->server, 1)) > 0)
			fn(ctx, &d->server, false);
		rc = fresh < 0 ? -1 : 0;
		for (k = 0; k < d->nsrc && rc == 0; k++) {
			const struct addr *a = scope_source_addr(s, &d->src[k]);

			if ((fresh = first_as(&set, a, 2)) > 0)
				fn(ctx, a, true);
			rc = fresh < 0 ? -1 : 0;
		}
	}
	hindex_free(&set.idx);
	free(set.v);
	return rc;
}

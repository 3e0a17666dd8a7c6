/*
 * Attempt table.  Fixed capacity, allocated once: a pool of attempts, an
 * index of tuple -> attempt, and one list per state.  Every state has a single
 * timeout measured from the time the attempt entered or refreshed it, and time
 * never goes backwards inside the tracker, so appending at the tail keeps each
 * list sorted by deadline: expiry only ever looks at list heads.
 *
 * Most segments belong to connections already decided (or to none we
 * track), and only an attempt still waiting can use a segment without SYN
 * or RST: a client's ACK only while PENDING (or while GREETING after a
 * SYN-ACK that came after a verdict, which the client has yet to take), a
 * server's data only while GREETING.  A small counting filter of the
 * attempts each kind of segment can move lets such segments skip the table, whose entries are cache misses
 * once it holds a minute of connections: without the filter, `read --json`
 * of the bench file is 1.07 times as slow.  For the same reason the index
 * is open-addressed and keeps each key's hash beside its attempt number: a
 * lookup reads one or two adjacent index lines, and touches an attempt only
 * when the hash matches.
 */
#include <assert.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/greeting.h"
#include "core/track.h"

#define NIL UINT32_MAX
/* The clock before any packet. */
#define NO_TIME (INT64_MIN / 2)

/* Copies of one SYN closer together than this are capture duplicates (an
 * "any" capture sees each packet twice), not retransmissions: no stack
 * retransmits a SYN within 50 ms. */
#define DUP_SYN_US 50000

/* Slots of the waiting-attempts filter: 32 KiB of counters, one byte
 * each (two, 64 KiB: read --json of the heavy mix 4% slower). */
#define WAIT_BITS 14
#define WAIT_SLOTS (1u << WAIT_BITS)

enum state {
	ST_FREE,
	ST_PENDING,	/* SYN sent, no answer yet; deadline = last SYN + timeout */
	ST_GREETING,	/* SYN-ACK seen; deadline = SYN-ACK + greeting wait */
	ST_DONE,	/* verdict emitted; kept to absorb duplicates and late answers */
	ST_NLISTS
};

/*
 * 256 bytes, four cache lines.  Line 1 holds what a lookup, the state
 * lists and expiry read, each field set by new_attempt().  It zeroes line
 * 2, which holds every other field read before the attempt's own events
 * set it.  Lines 3 and 4 are never cleared: each of their fields is
 * written before it is read, by an answer (answered says whether
 * responder and the fields beside it are set), a verdict, or a SYN-ACK
 * after a verdict (prev_*).  An attempt never answered touches three
 * lines, not the five of a 264-byte entry cleared whole: 43 % fewer LL
 * misses on the flood file.
 */
struct attempt {
	/* line 1 */
	alignas(64) struct tuple t;
	uint8_t state;
	uint8_t confirm;		/* GREETING: a SYN-ACK after a verdict; the
					 * client has yet to take it */
	uint32_t hash;			/* tuple_hash(t): compared before t itself */
	uint32_t prev, next;		/* state list; next: free list, when free */
	uint32_t isn;
	/* The deadline of the attempt after this one in its list (next):
	 * expiry learns the next head's deadline from the head it ends,
	 * without waiting for that attempt's line (list_unlink()). */
	int64_t next_deadline;
	/* line 2 */
	int64_t first_syn_us, last_syn_us;	/* packet time, for the record */
	const struct origin *origin;	/* probe: its own SYN; NULL: captured */
	const struct nflog_tag *nflog;	/* the NFLOG rule that logged its SYN */
	uint32_t syns;
	int32_t data_acked;		/* of the SYN's data, acknowledged; -1: no SYN-ACK */
	int16_t icmp_type, icmp_code;	/* -1: the answer was not ICMP */
	uint16_t syn_data;		/* TCP Fast Open: the SYN's data bytes */
	uint8_t copy_due;		/* probe: the capture's copy of its SYN is due */
	uint8_t soft;			/* a soft ICMP error is held while the client retries */
	uint8_t printed;		/* watch: a record with printed_v is out */
	uint8_t reset_before;		/* RESET_*: a RST came before the SYN-ACK taken */
	uint8_t via_nflog;		/* its first SYN was an NFLOG copy */
	uint8_t blind;			/* its wait overlaps a capture gap */
	uint8_t answered;		/* responder, reply_ttl, first_hop, rtt_us are set */
	uint8_t prev_first_hop;
	/* line 3 */
	alignas(64) struct verdict v;
	int64_t answer_us;		/* time of the answer */
	int64_t rtt_us;			/* answer - the SYN transmission before it */
	struct addr responder;
	uint8_t reply_ttl;
	uint8_t first_hop;		/* the answer was the first hop's, in the server's name */
	uint8_t rst_ttl;
	uint32_t server_isn;		/* from the SYN-ACK: the greeting is at +1 */
	/* line 4: confirm, the verdict the SYN-ACK would overturn, to go
	 * back to if the client does not take it; watch, the record out */
	alignas(64) struct verdict prev_v;
	int64_t prev_us, prev_rtt_us;
	struct verdict printed_v;
};
static_assert(sizeof(struct attempt) == 256, "struct attempt is not 4 lines");

struct list {
	uint32_t head, tail;
	int64_t head_deadline;		/* of head, when there is one */
};

struct tracker {
	struct track_config cfg;
	struct stats *st;
	record_fn emit;
	void *ctx;
	struct attempt *pool;
	struct slot {
		uint32_t hash;		/* of the attempt's tuple */
		uint32_t i;		/* the attempt; NIL: empty */
	} *index;			/* linear probing, at most half full */
	uint32_t mask;
	uint32_t free_head;		/* released slots */
	uint32_t fresh;			/* slots from here on were never used */
	uint32_t seed;
	uint8_t saw_nflog;		/* an NFLOG copy of a SYN was seen */
	uint8_t blind;			/* in a capture gap (tracker_blind()) */
	int64_t now;			/* latest time seen; never decreases */
	/* No deadline comes before this (at most the earliest of the list
	 * heads'): until now reaches it, expiry has nothing to look at. */
	int64_t wake;
	/* A packet stamped more than TRACK_JUMP_US past now, not believed
	 * until the next packet agrees; ahead_i is the attempt it moved. */
	int64_t ahead;
	uint8_t ahead_set;
	uint32_t touched;		/* the attempt set_state() last moved */
	uint32_t ahead_i;
	struct list lists[ST_NLISTS];
	struct firsthop fh;		/* next hops, for the first-hop attribution */
	/* Attempts PENDING and GREETING per slot (wait_slot()); a counter
	 * that reaches its maximum (255) stays there, costing only lookups:
	 * on average once some 4 million attempts wait at once. */
	struct {
		uint8_t n[2];			/* [0] PENDING, [1] GREETING */
	} waiting[WAIT_SLOTS];
};

struct tracker *
tracker_new(const struct track_config *cfg, struct stats *st, record_fn emit,
    void *ctx)
{
	struct tracker *t;
	uint32_t nb = 1, i;

	if (cfg->max_attempts == 0 || cfg->max_attempts > (1u << 30))
		return NULL;
	while (nb < cfg->max_attempts * 2u)
		nb <<= 1;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	/* Not cleared: new_attempt() sets what it must. */
	t->pool = aligned_alloc(alignof(struct attempt),
	    (size_t)cfg->max_attempts * sizeof *t->pool);
	t->index = malloc(nb * sizeof *t->index);
	if (t->pool == NULL || t->index == NULL) {
		tracker_free(t);
		return NULL;
	}
	t->cfg = *cfg;
	t->st = st;
	st->table_size = cfg->max_attempts;
	t->emit = emit;
	t->ctx = ctx;
	t->mask = nb - 1;
	for (i = 0; i < nb; i++)
		t->index[i].i = NIL;
	/* Slots are handed out in order before any is reused, so a short
	 * capture touches only the pages of the pool it uses. */
	t->free_head = NIL;
	t->fresh = 0;
	for (i = 0; i < ST_NLISTS; i++)
		t->lists[i].head = t->lists[i].tail = NIL;
	t->seed = (uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)t;
	t->now = NO_TIME;	/* before any clamped timestamp, with room below */
	t->wake = INT64_MAX;
	t->touched = NIL;
	return t;
}

void
tracker_set_route(struct tracker *t, firsthop_route_fn fn, void *ctx)
{
	firsthop_set_route(&t->fh, fn, ctx);
}

void
tracker_free(struct tracker *t)
{
	if (t == NULL)
		return;
	free(t->pool);
	free(t->index);
	free(t);
}

static int
is_waiting(int state)
{
	return state == ST_PENDING || state == ST_GREETING;
}

/* A cheap mix of the key (no seed: a crafted collision only costs the
 * lookup the filter would have saved). */
static uint32_t
wait_slot(const struct tuple *k)
{
	uint32_t x = (uint32_t)k->client_port << 16 | k->server_port, a, b;

	memcpy(&a, k->client.b, 4);
	memcpy(&b, k->client.b + 12, 4);
	x ^= a ^ b;
	memcpy(&a, k->server.b, 4);
	memcpy(&b, k->server.b + 12, 4);
	x ^= (a ^ b) * 0x85ebca6bu;
	x *= 0x9e3779b1u;
	return x >> (32 - WAIT_BITS);
}

static void
bump(uint8_t *c, int delta)
{
	if (*c != UINT8_MAX)
		*c = (uint8_t)(*c + delta);
}

/* Counts the attempt with key k and confirm flag in or out of the filter
 * for state s, if s waits: [0] counts the attempts a client segment can
 * move (PENDING, and GREETING with a SYN-ACK the client has yet to take),
 * [1] those a server segment can (GREETING). */
static void
wait_key(struct tracker *t, const struct tuple *k, int confirm, int s,
    int delta)
{
	uint8_t *n;

	if (!is_waiting(s))
		return;
	n = t->waiting[wait_slot(k)].n;
	if (s == ST_PENDING || confirm)
		bump(&n[0], delta);
	if (s == ST_GREETING)
		bump(&n[1], delta);
}

/* wait_key() for attempt a. */
static void
wait_count(struct tracker *t, const struct attempt *a, int s, int delta)
{
	wait_key(t, &a->t, a->confirm, s, delta);
}

/* Sets a's confirm flag, keeping the filter's counts right. */
static void
set_confirm(struct tracker *t, struct attempt *a, int on)
{
	wait_count(t, a, a->state, -1);
	a->confirm = (uint8_t)on;
	wait_count(t, a, a->state, 1);
}

/* No attempt with key k is in state s (PENDING: none a client segment can
 * move; GREETING: none a server segment can). */
static int
none_waiting(const struct tracker *t, const struct tuple *k, int s)
{
	return t->waiting[wait_slot(k)].n[s == ST_GREETING] == 0;
}

static void
list_unlink(struct tracker *t, uint32_t i)
{
	struct attempt *a = &t->pool[i];
	struct list *l = &t->lists[a->state];

	if (a->prev != NIL) {
		t->pool[a->prev].next = a->next;
		t->pool[a->prev].next_deadline = a->next_deadline;
	} else {
		/* A list of several timeouts is not sorted: the new head's
		 * deadline may come before the old one's. */
		l->head = a->next;
		l->head_deadline = a->next_deadline;
		if (a->next != NIL && l->head_deadline < t->wake)
			t->wake = l->head_deadline;
		/* The new head is the next to expire (or, table full, to be
		 * evicted and reused: lines 1 and 2), most likely while a
		 * later packet is handled: fetched now, it is in the cache
		 * by then.  read --json of the bench's SYN flood, a new
		 * attempt evicting the oldest each packet: 12% faster. */
		if (a->next != NIL) {
			__builtin_prefetch(&t->pool[a->next]);
			__builtin_prefetch((char *)&t->pool[a->next] + 64);
		}
	}
	if (a->next != NIL)
		t->pool[a->next].prev = a->prev;
	else
		l->tail = a->prev;
}

/* Puts attempt i, in no list, at the tail of the list for state s with
 * deadline; the filter's counts are the caller's. */
static inline void
list_append(struct tracker *t, uint32_t i, enum state s, int64_t deadline)
{
	struct attempt *a = &t->pool[i];
	struct list *l = &t->lists[s];

	a->state = (uint8_t)s;
	if (deadline < t->wake)
		t->wake = deadline;
	t->touched = i;
	a->next = NIL;
	a->prev = l->tail;
	if (l->tail != NIL) {
		t->pool[l->tail].next = i;
		t->pool[l->tail].next_deadline = deadline;
	} else {
		l->head = i;
		l->head_deadline = deadline;
	}
	l->tail = i;
}

/* The deadline of attempt i, in a list. */
static int64_t
deadline_of(const struct tracker *t, uint32_t i)
{
	const struct attempt *a = &t->pool[i];

	return a->prev == NIL ? t->lists[a->state].head_deadline :
	    t->pool[a->prev].next_deadline;
}

/* Moves attempt i to the tail of the list for state s with a new deadline. */
static void
set_state(struct tracker *t, uint32_t i, enum state s, int64_t deadline)
{
	struct attempt *a = &t->pool[i];

	if (a->state != ST_FREE)
		list_unlink(t, i);
	wait_count(t, a, a->state, -1);
	wait_count(t, a, s, 1);
	list_append(t, i, s, deadline);
}

static uint32_t
find_hashed(const struct tracker *t, const struct tuple *k, uint32_t h)
{
	const struct slot *s;
	uint32_t j;

	for (j = h & t->mask;; j = (j + 1) & t->mask) {
		s = &t->index[j];
		if (s->i == NIL)
			return NIL;
		if (s->hash == h && tuple_eq(&t->pool[s->i].t, k))
			return s->i;
	}
}

static uint32_t
find(const struct tracker *t, const struct tuple *k)
{
	return find_hashed(t, k, tuple_hash(k, t->seed));
}

/* Puts attempt i, whose t is set, into the index. */
static void
index_in(struct tracker *t, uint32_t i, uint32_t h)
{
	uint32_t j = h & t->mask;

	while (t->index[j].i != NIL)
		j = (j + 1) & t->mask;
	t->index[j].hash = h;
	t->index[j].i = i;
	t->pool[i].hash = h;
}

/* Takes attempt i out of the index, moving back the entries after it that
 * would otherwise be cut off from their home slot (no tombstones). */
static void
index_out(struct tracker *t, uint32_t i)
{
	uint32_t j = t->pool[i].hash & t->mask, k, home;

	while (t->index[j].i != i)
		j = (j + 1) & t->mask;
	for (;;) {
		t->index[j].i = NIL;
		for (k = (j + 1) & t->mask;; k = (k + 1) & t->mask) {
			if (t->index[k].i == NIL)
				return;
			home = t->index[k].hash & t->mask;
			/* Stays if its home is cyclically within (j, k]. */
			if (j < k ? (j < home && home <= k) : (j < home || home <= k))
				continue;
			break;
		}
		t->index[j] = t->index[k];
		j = k;
	}
}

static void
release(struct tracker *t, uint32_t i)
{
	struct attempt *a = &t->pool[i];

	index_out(t, i);
	list_unlink(t, i);
	wait_count(t, a, a->state, -1);
	a->state = ST_FREE;
	a->next = t->free_head;
	t->free_head = i;
	t->st->table_used--;
}

static void
emit(struct tracker *t, const struct attempt *a, int64_t when,
    const struct greeting *g, bool correction)
{
	struct record r;

	memset(&r, 0, offsetof(struct record, greeting));
	r.t = a->t;
	r.first_syn_us = a->first_syn_us;
	r.verdict_us = when;
	r.v = a->v;
	r.syns = a->syns;
	r.rtt_us = -1;
	r.icmp_type = a->icmp_type;
	r.icmp_code = a->icmp_code;
	r.reply_ttl = r.hops = r.greeting_code = -1;
	r.origin = a->origin;
	r.nflog = a->nflog;
	if (a->answered) {
		r.responder = a->responder;
		r.responder_first_hop = a->first_hop;
		/* No RTT for a SYN the host refused itself (never sent). */
		r.rtt_us = a->syns == 0 ? -1 : a->rtt_us;
		r.reply_ttl = a->reply_ttl;
		r.hops = hops_from_ttl(a->reply_ttl);
	}
	if (g != NULL && g->present) {
		r.has_greeting = true;
		r.greeting_code = g->code;
		r.greeting_truncated = g->truncated;
		memcpy(r.greeting, g->text, sizeof r.greeting);
	}
	r.syn_data = a->syn_data;
	r.syn_data_acked = a->data_acked;
	r.reset_ttl = -1;
	if (a->v.cls == VC_ACCEPTED && a->reset_before != RESET_NONE) {
		r.reset_before = a->reset_before;
		r.reset_ttl = a->rst_ttl;
	}
	r.correction = correction;
	if (correction)
		r.corrects = a->printed_v;
	else
		t->st->attempts++;
	t->emit(t->ctx, &r);
}

/* A verdict that later packets of the same attempt can overturn: a RST
 * (the client may retry, or may not have taken it) or no answer yet. */
static int
revisable(const struct tracker *t, const struct attempt *a)
{
	return t->cfg.corrections && a->origin == NULL &&
	    a->syns > 0 && a->icmp_type < 0 &&
	    (verdict_same(a->v, verdict_reset()) ||
	    verdict_same(a->v, verdict_no_response()));
}

/* Attempt i has its verdict: write the record, or a correction when a
 * record with another verdict is out already. */
static void
report(struct tracker *t, uint32_t i, int64_t when, const struct greeting *g)
{
	struct attempt *a = &t->pool[i];

	if (a->printed) {
		if (!verdict_same(a->v, a->printed_v)) {
			emit(t, a, when, g, true);
			a->printed_v = a->v;
		}
		return;
	}
	emit(t, a, when, g, false);
	if (t->cfg.corrections) {
		a->printed = 1;
		a->printed_v = a->v;
	}
}

/* Reports the verdict and keeps the attempt around to absorb duplicates. */
static void
decide(struct tracker *t, uint32_t i, int64_t when, const struct greeting *g)
{
	report(t, i, when, g);
	set_state(t, i, ST_DONE, t->now + t->cfg.linger_us);
	t->pool[i].confirm = 0;
}

/* The client did not take the SYN-ACK that came after a verdict: back to
 * that verdict.  Returns its time. */
static int64_t
restore(struct attempt *a)
{
	a->v = a->prev_v;
	a->answer_us = a->prev_us;
	a->reset_before = RESET_NONE;
	a->data_acked = -1;
	a->icmp_type = a->icmp_code = -1;
	if (verdict_same(a->prev_v, verdict_reset())) {
		a->rtt_us = a->prev_rtt_us;
		a->responder = a->t.server;	/* a RST matches in its name */
		a->reply_ttl = a->rst_ttl;
		a->first_hop = a->prev_first_hop;
	} else
		a->answered = 0;
	return a->prev_us;
}

/* Attempt i's wait for its greeting is over without one: reported
 * accepted as of its SYN-ACK, unless the client has yet to take that. */
static void
greeting_over(struct tracker *t, uint32_t i)
{
	struct attempt *a = &t->pool[i];

	report(t, i, a->confirm ? restore(a) : a->answer_us, NULL);
}

/* Attempt i's deadline passed: its verdict is due, or its linger is over. */
static void
expire_one(struct tracker *t, uint32_t i)
{
	struct attempt *a = &t->pool[i];

	switch (a->state) {
	case ST_PENDING:
		/* Unanswered: dropped; or the soft error held becomes the
		 * verdict, as the client's connect() reports it when it gives up. */
		if (!a->soft)
			a->v = a->blind ? verdict_capture_gap() :
			    verdict_no_response();
		decide(t, i, a->last_syn_us + t->cfg.timeout_us, NULL);
		break;
	case ST_GREETING:
		greeting_over(t, i);
		set_state(t, i, ST_DONE, t->now + t->cfg.linger_us);
		a->confirm = 0;
		break;
	default:
		release(t, i);
		break;
	}
}

/*
 * A free slot, evicting when the table is full: first a finished attempt,
 * then the oldest one waiting for a greeting (its verdict is already known),
 * and only then the oldest unanswered attempt, which is counted as evicted.
 */
static uint32_t
alloc_slot(struct tracker *t)
{
	uint32_t i;

	t->st->table_used++;
	if (t->free_head == NIL && t->fresh < t->cfg.max_attempts)
		return t->fresh++;
	if (t->free_head == NIL) {
		if ((i = t->lists[ST_DONE].head) == NIL) {
			if ((i = t->lists[ST_GREETING].head) != NIL)
				greeting_over(t, i);
			else {
				i = t->lists[ST_PENDING].head;
				t->st->evicted++;
			}
		}
		release(t, i);
	}
	i = t->free_head;
	t->free_head = t->pool[i].next;
	return i;
}

/* Ends every attempt whose deadline has passed; wake becomes the earliest
 * deadline left at a list head. */
static void
expire_due(struct tracker *t)
{
	int s;
	uint32_t i;

	t->wake = INT64_MAX;
	for (s = ST_PENDING; s < ST_NLISTS; s++) {
		while ((i = t->lists[s].head) != NIL &&
		    t->lists[s].head_deadline <= t->now)
			expire_one(t, i);
	}
	for (s = ST_PENDING; s < ST_NLISTS; s++)
		if (t->lists[s].head != NIL && t->lists[s].head_deadline < t->wake)
			t->wake = t->lists[s].head_deadline;
}

/*
 * The usual packet: no jump pending, and time moves on by less than one
 * (or stays).  The list heads are looked at only once wake has come:
 * looking at them for every packet cost 7 % of the instructions of
 * `read --json` of the bench file.  0 for any other packet (packet_time()).
 */
static inline int
time_step(struct tracker *t, int64_t now)
{
	if (t->ahead_set || (uint64_t)now - (uint64_t)t->now > TRACK_JUMP_US)
		return 0;
	t->now = now;
	if (now >= t->wake)
		expire_due(t);
	return 1;
}

/* tracker_packet_time() for a step back, a jump, or a jump pending. */
static void
packet_time(struct tracker *t, int64_t now)
{
	struct attempt *a;
	int64_t d;

	if (t->ahead_set) {
		t->ahead_set = 0;
		/* The packet after the jump agrees: the jump was real.  The
		 * one attempt the jumping packet moved got its deadline from
		 * the old clock; it gets it from the new one. */
		if (now > t->now + TRACK_JUMP_US && t->touched != NIL &&
		    (a = &t->pool[t->touched])->state != ST_FREE) {
			d = (t->ahead < now ? t->ahead : now) - t->now;
			set_state(t, t->touched, a->state,
			    deadline_of(t, t->touched) + d);
		}
	} else if (now > t->now + TRACK_JUMP_US && t->now != NO_TIME) {
		t->ahead_set = 1;
		t->ahead = now;
		t->touched = NIL;
		return;		/* not believed yet */
	}
	tracker_expire(t, now);
}

void
tracker_packet_time(struct tracker *t, int64_t now)
{
	if (!time_step(t, now))
		packet_time(t, now);
}

/* A clock step back, not the usual reordering of packets from several
 * interfaces or a packet stamped just before a live timer tick. */
#define STEP_BACK_US 1000000

/* Packet time, clamped so that a capture whose clock steps back cannot
 * reorder deadlines; such steps are counted. */
static void
advance(struct tracker *t, int64_t now)
{
	if (time_step(t, now))
		return;
	if (now < t->now - STEP_BACK_US)
		t->st->time_backwards++;
	packet_time(t, now);
}

/* The key of a client->server segment. */
static void
client_tuple(const struct packet *p, struct tuple *k)
{
	k->client = p->src;
	k->server = p->dst;
	k->client_port = p->u.tcp.sport;
	k->server_port = p->u.tcp.dport;
}

/* A new pending attempt for key k, whose hash is h (the caller's lookup
 * computed it); syns is 0 for a SYN never on the wire. */
static uint32_t
new_attempt(struct tracker *t, const struct tuple *k, uint32_t h,
    uint32_t isn, uint32_t syns, int64_t now)
{
	uint32_t i = alloc_slot(t);
	struct attempt *a = &t->pool[i];

	/* Line 1 is set field by field (the list and the index set theirs);
	 * line 2 is cleared. */
	memset(&a->first_syn_us, 0, offsetof(struct attempt, v) -
	    offsetof(struct attempt, first_syn_us));
	a->confirm = 0;
	a->t = *k;
	a->isn = isn;
	a->syns = syns;
	a->icmp_type = a->icmp_code = -1;
	a->data_acked = -1;
	a->first_syn_us = a->last_syn_us = now;
	a->blind = t->blind;
	index_in(t, i, h);
	/* set_state() from no state, without its calls: 3 % of the
	 * instructions for the flood file, one new attempt per packet.  The
	 * filter's slot from k, not from a->t: its loads would wait for the
	 * copy just stored there (half of new_attempt's time, flood file). */
	wait_key(t, k, 0, ST_PENDING, 1);
	list_append(t, i, ST_PENDING, t->now + t->cfg.timeout_us);
	return i;
}

/* Time moves to now; the attempt of a client's SYN p, or NIL, with its
 * key and hash in k and h. */
static uint32_t
find_syn(struct tracker *t, int64_t now, const struct packet *p,
    struct tuple *k, uint32_t *h)
{
	advance(t, now);
	client_tuple(p, k);
	*h = tuple_hash(k, t->seed);
	return find_hashed(t, k, *h);
}

/* The data bytes a SYN carries (TCP Fast Open), as many as we keep. */
static uint16_t
syn_data(const struct packet *p)
{
	uint32_t n = p->u.tcp.payload_wire_len;

	return (uint16_t)(n > UINT16_MAX ? UINT16_MAX : n);
}

/*
 * The client sends the SYN of an attempt decided as refused by a RST or
 * dropped again: it did not give up, so the attempt is not over.  It
 * waits for an answer once more; its verdict stays if none comes (held
 * like a soft error, even when the input ends).
 */
static void
reopen(struct tracker *t, uint32_t i, int64_t now)
{
	struct attempt *a = &t->pool[i];

	if (a->printed)
		t->st->after_verdict++;		/* after the record written */
	a->syns++;
	a->last_syn_us = now;
	if (verdict_same(a->v, verdict_reset()))
		a->reset_before = RESET_RETRIED;
	a->soft = 1;
	set_state(t, i, ST_PENDING, t->now + t->cfg.timeout_us);
}

/* Does ack acknowledge attempt a's SYN: ISN+1, or up to its data too? */
static int
acks_syn(const struct attempt *a, uint32_t ack)
{
	return ack - (a->isn + 1) <= a->syn_data;
}

/* A client's SYN; returns its attempt. */
static uint32_t
syn(struct tracker *t, int64_t now, const struct packet *p)
{
	struct tuple k;
	struct attempt *a;
	uint32_t i, h;

	i = find_syn(t, now, p, &k, &h);
	if (i != NIL) {
		a = &t->pool[i];
		if (a->isn == p->u.tcp.seq) {
			if (now - a->last_syn_us < DUP_SYN_US &&
			    now + DUP_SYN_US > a->last_syn_us && a->copy_due)
				a->copy_due = 0;	/* our own SYN, seen on the wire */
			else if (now - a->last_syn_us < DUP_SYN_US &&
			    now >= a->last_syn_us)
				t->st->duplicate_syns++;
			else if (a->state == ST_DONE && revisable(t, a))
				reopen(t, i, now);
			else if (a->state != ST_PENDING) {
				/* A client still retrying a decided attempt: keep
				 * absorbing its retransmissions as long as they come. */
				t->st->after_verdict++;
				if (a->state == ST_DONE)
					set_state(t, i, ST_DONE,
					    t->now + t->cfg.linger_us);
			}
			else {
				/* A wait that starts after a gap sees it all. */
				a->blind = t->blind;
				a->syns++;
				a->last_syn_us = now;
				set_state(t, i, ST_PENDING,
				    t->now + t->cfg.timeout_us);
			}
			if (p->u.tcp.payload_wire_len > a->syn_data)
				a->syn_data = syn_data(p);
			return i;
		}
		/* A new sequence number: a new attempt on the same ports. */
		if (a->state == ST_PENDING) {
			a->v = verdict_superseded();
			report(t, i, now, NULL);
		} else if (a->state == ST_GREETING)
			greeting_over(t, i);
		release(t, i);
	}
	i = new_attempt(t, &k, h, p->u.tcp.seq, 1, now);
	t->pool[i].syn_data = syn_data(p);
	t->pool[i].via_nflog = p->nflog;
	return i;
}

/*
 * A capture of both an NFLOG group and an interface holds each SYN twice,
 * the NFLOG copy stamped when it was read (the kernel may hold it back up
 * to a second).  The kind of copy that showed the attempt first counts its
 * transmissions; a copy of the other kind with the same ISN counts
 * nothing, at any distance in time, and only names the NFLOG rule.
 */
void
tracker_syn(struct tracker *t, int64_t now, const struct packet *p)
{
	struct attempt *a;
	struct tuple k;
	uint32_t i;

	/* Without NFLOG so far, the usual case: no lookup of our own. */
	t->saw_nflog |= p->nflog;
	if (!t->saw_nflog) {
		syn(t, now, p);
		return;
	}
	client_tuple(p, &k);
	i = find_hashed(t, &k, tuple_hash(&k, t->seed));
	if (i == NIL || t->pool[i].isn != p->u.tcp.seq ||
	    t->pool[i].via_nflog == p->nflog)
		i = syn(t, now, p);
	a = &t->pool[i];
	if (a->nflog == NULL && p->nflog)
		a->nflog = p->nflog_tag;
}

/*
 * Records who answered; a TCP answer replaces a soft ICMP error held.  A
 * RST or ICMP error in the server's name may be the first hop's; a SYN-ACK
 * is taken as the server's.  Every answer teaches the next-hop table.
 */
static void
answer(struct tracker *t, struct attempt *a, int64_t now,
    const struct packet *p, struct verdict v)
{
	a->first_hop = v.cls != VC_ACCEPTED &&
	    firsthop_made(&t->fh, &a->t.server, p);
	firsthop_learn(&t->fh, p);
	a->v = v;
	a->answer_us = now;
	a->rtt_us = now >= a->last_syn_us ? now - a->last_syn_us : 0;
	a->responder = p->src;
	a->reply_ttl = p->ttl;
	a->answered = 1;
	a->icmp_type = a->icmp_code = -1;
	a->soft = 0;
}

/* The attempt a server->client segment answers; NIL also for a segment
 * without SYN or RST when no attempt waits for a greeting (see the top). */
static uint32_t
find_reply(const struct tracker *t, const struct packet *p)
{
	struct tuple k;

	k.client = p->dst;
	k.server = p->src;
	k.client_port = p->u.tcp.dport;
	k.server_port = p->u.tcp.sport;
	if (!(p->u.tcp.flags & (TCPF_SYN | TCPF_RST)) &&
	    none_waiting(t, &k, ST_GREETING))
		return NIL;
	return find(t, &k);
}

void
tracker_syn_sent(struct tracker *t, int64_t now, const struct packet *p,
    const struct origin *o)
{
	struct attempt *a = &t->pool[syn(t, now, p)];

	a->copy_due = 1;
	a->origin = o;
}

void
tracker_syn_unsent(struct tracker *t, int64_t now, const struct packet *p,
    const struct origin *o, struct verdict v)
{
	struct tuple k;
	struct attempt *a;
	uint32_t i, h;

	/* A retransmission the host refused: not counted; the attempt waits
	 * for answers to the SYNs that did leave. */
	if (find_syn(t, now, p, &k, &h) != NIL)
		return;
	i = new_attempt(t, &k, h, p->u.tcp.seq, 0, now);
	a = &t->pool[i];
	a->origin = o;
	a->v = v;
	a->answer_us = now;
	decide(t, i, now, NULL);
}

/* Is tcp a SYN-ACK acknowledging attempt a's SYN? */
static int
is_synack(const struct attempt *a, const struct tcp_info *tcp)
{
	return (tcp->flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) ==
	    (TCPF_SYN | TCPF_ACK) && acks_syn(a, tcp->ack);
}

/*
 * Can a SYN-ACK still decide attempt a, though it comes after a verdict?
 * After a client ACK seen first, within TRACK_REORDER_US of it (two
 * capture points, several queues: the SYN-ACK is stamped after the ACK
 * that answers it); after a RST or no answer, while the attempt is kept,
 * if the client then takes it (below).
 */
static int
late_synack(const struct tracker *t, const struct attempt *a)
{
	if (a->state == ST_GREETING)
		return !a->answered && !a->confirm;
	return a->state == ST_DONE && revisable(t, a);
}

/* Attempt i's SYN p is answered by the SYN-ACK p: wait for the greeting
 * (or, for a confirm attempt, for the client to take it). */
static void
syn_acked(struct tracker *t, uint32_t i, int64_t now, const struct packet *p)
{
	struct attempt *a = &t->pool[i];

	answer(t, a, now, p, verdict_syn_ack());
	a->server_isn = p->u.tcp.seq;
	a->data_acked = (int32_t)(p->u.tcp.ack - (a->isn + 1));
	set_state(t, i, ST_GREETING, t->now + t->cfg.greet_wait_us);
}

/* A SYN-ACK p for attempt i decided as refused by a RST, or dropped (the
 * client has yet to take it), or as accepted by a client ACK seen first. */
static void
late_syn_acked(struct tracker *t, uint32_t i, int64_t now,
    const struct packet *p)
{
	struct attempt *a = &t->pool[i];

	if (a->state == ST_DONE) {
		a->prev_v = a->v;
		if (verdict_same(a->v, verdict_reset())) {
			/* The RST's answer, for restore(). */
			a->prev_us = a->answer_us;
			a->prev_rtt_us = a->rtt_us;
			a->prev_first_hop = a->first_hop;
			a->reset_before = RESET_INJECTED;
		} else
			a->prev_us = a->last_syn_us + t->cfg.timeout_us;
		a->confirm = 1;		/* not waiting yet: no count to move */
	}
	syn_acked(t, i, now, p);
}

/* A server's segment that answers no SYN we track (or not this one). */
static void
unmatched_reply(struct tracker *t, uint8_t flags)
{
	if (flags & TCPF_SYN)
		t->st->unmatched_synack++;
	else if (flags & TCPF_RST)
		t->st->unmatched_rst++;
	else
		t->st->midstream++;
}

void
tracker_server_tcp(struct tracker *t, int64_t now, const struct packet *p)
{
	const struct tcp_info *tcp = &p->u.tcp;
	uint32_t i;
	struct attempt *a;
	struct greeting g;

	advance(t, now);
	i = find_reply(t, p);
	if (i == NIL) {
		unmatched_reply(t, tcp->flags);
		return;
	}
	a = &t->pool[i];
	if (a->state == ST_PENDING) {
		if (is_synack(a, tcp))
			syn_acked(t, i, now, p);
		else if ((tcp->flags & TCPF_RST) && !(tcp->flags & TCPF_SYN) &&
		    ((tcp->flags & TCPF_ACK) ? acks_syn(a, tcp->ack) :
		    tcp->seq == 0)) {
			answer(t, a, now, p, verdict_reset());
			a->rst_ttl = p->ttl;
			decide(t, i, now, NULL);
		} else
			unmatched_reply(t, tcp->flags);
		return;
	}
	if (is_synack(a, tcp) && late_synack(t, a)) {
		late_syn_acked(t, i, now, p);
		return;
	}
	if (a->state == ST_GREETING && !(tcp->flags & TCPF_SYN)) {
		/* Only the server's first bytes are its greeting: a reordered
		 * or forged segment elsewhere in the stream is not. */
		if (tcp->payload_wire_len > 0 && tcp->seq != a->server_isn + 1)
			t->st->midstream++;
		else if (tcp->payload_len > 0) {
			greeting_parse(&g, tcp->payload, tcp->payload_len,
			    tcp->payload_wire_len);
			decide(t, i, now, &g);
		} else if (tcp->payload_wire_len > 0) {
			/* The snap length kept none of it: no greeting to report. */
			decide(t, i, now, NULL);
		} else if (tcp->flags & (TCPF_RST | TCPF_FIN)) {
			greeting_over(t, i);	/* closed before any greeting */
			set_state(t, i, ST_DONE, t->now + t->cfg.linger_us);
			a->confirm = 0;
		} else
			t->st->midstream++;
		return;
	}
	if (tcp->flags & (TCPF_SYN | TCPF_RST))
		t->st->after_verdict++;		/* a repeated or late answer */
	else
		t->st->midstream++;
}

void
tracker_client_tcp(struct tracker *t, int64_t now, const struct packet *p)
{
	struct tuple k;
	uint32_t i;
	struct attempt *a;

	uint8_t fl = p->u.tcp.flags;

	advance(t, now);
	client_tuple(p, &k);
	/* Only an ACK or a RST can move a waiting attempt (below). */
	if ((fl & TCPF_SYN) || !(fl & (TCPF_ACK | TCPF_RST)) ||
	    none_waiting(t, &k, ST_PENDING) || (i = find(t, &k)) == NIL) {
		t->st->midstream++;
		return;
	}
	a = &t->pool[i];
	if (!acks_syn(a, p->u.tcp.seq))
		t->st->midstream++;
	else if (a->state == ST_PENDING && !(fl & TCPF_RST)) {
		/*
		 * One-sided capture: an ACK from the client with sequence
		 * ISN+1 (past the SYN's data, if any) means the handshake
		 * completed, so a SYN-ACK arrived that we did not see.  It is
		 * the verdict unless that SYN-ACK comes within
		 * TRACK_REORDER_US after all.
		 */
		a->v = verdict_client_ack();
		a->answer_us = now;
		a->server_isn = p->u.tcp.ack - 1;
		a->data_acked = (int32_t)(p->u.tcp.seq - (a->isn + 1));
		set_state(t, i, ST_GREETING, t->now + TRACK_REORDER_US);
	} else if (a->state == ST_GREETING && a->confirm) {
		/* The client takes the SYN-ACK that came after a verdict, or
		 * refuses it with a RST: it had taken that verdict. */
		if (fl & TCPF_RST)
			decide(t, i, restore(a), NULL);
		else
			set_confirm(t, a, 0);
	} else
		t->st->midstream++;
}

/* An error the sending host sent itself about its own SYN (the quote shows
 * the SYN flag and its sender is the quoted source). */
static int
local_reject(const struct packet *p)
{
	const struct icmp_info *ic = &p->u.icmp;

	return ic->has_seq && ic->has_flags &&
	    (ic->qflags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN &&
	    addr_eq(&p->src, &ic->qsrc);
}

/* A time exceeded about a probe of probe --trace (its TTL ran out). */
static int
trace_hop(const struct attempt *a, const struct packet *p)
{
	return a->origin != NULL && a->origin->hop > 0 &&
	    verdict_icmp_time_exceeded(p->src.family, p->u.icmp.type);
}

void
tracker_icmp(struct tracker *t, int64_t now, const struct packet *p)
{
	const struct icmp_info *ic = &p->u.icmp;
	struct tuple k;
	struct verdict v;
	uint32_t i, h;
	struct attempt *a;

	advance(t, now);
	k.client = ic->qsrc;
	k.server = ic->qdst;
	k.client_port = ic->qsport;
	k.server_port = ic->qdport;
	h = tuple_hash(&k, t->seed);
	i = find_hashed(t, &k, h);
	if (i == NIL && local_reject(p) && verdict_icmp(p->src.family, ic->type,
	    ic->code, &v)) {
		/* The sending host refused its own SYN (an OUTPUT REJECT): the
		 * SYN never reached the wire, so this error is the attempt. */
		i = new_attempt(t, &k, h, ic->qseq, 0, now);
	}
	if (i == NIL || !ic->has_seq || t->pool[i].isn != ic->qseq ||
	    !verdict_icmp(p->src.family, ic->type, ic->code, &v)) {
		t->st->unmatched_icmp++;
		return;
	}
	a = &t->pool[i];
	if (a->state != ST_PENDING || (a->soft && v.cls == VC_UNREACHABLE)) {
		t->st->after_verdict++;
		return;
	}
	answer(t, a, now, p, v);
	a->icmp_type = ic->type;
	a->icmp_code = ic->code;
	/*
	 * Unreachable-class errors (host/net unreachable, no route, TTL
	 * exceeded) are soft: many clients retry the SYN and may still
	 * connect.  Hold the error; a later SYN-ACK or RST wins, otherwise it
	 * is the verdict when the attempt times out.  Refusals and
	 * prohibitions end the attempt at once, and so does a time exceeded
	 * answering a trace probe: its TTL was set to run out, and every
	 * retransmission runs out at the same hop.
	 */
	if (v.cls == VC_UNREACHABLE && a->syns > 0 && !trace_hop(a, p)) {
		a->soft = 1;
		return;
	}
	decide(t, i, now, NULL);
}

void
tracker_expire(struct tracker *t, int64_t now)
{
	if (now > t->now)
		t->now = now;
	if (t->now >= t->wake)
		expire_due(t);
}

void
tracker_blind(struct tracker *t, int64_t now, int blind)
{
	uint32_t i;

	tracker_expire(t, now);
	t->blind = (uint8_t)(blind != 0);
	if (blind)
		for (i = t->lists[ST_PENDING].head; i != NIL; i = t->pool[i].next)
			t->pool[i].blind = 1;
}

int64_t
tracker_next_deadline(const struct tracker *t)
{
	int64_t d = INT64_MAX;
	int s;

	/* Finished attempts need no timer: they only free a slot. */
	for (s = ST_PENDING; s < ST_DONE; s++)
		if (t->lists[s].head != NIL && t->lists[s].head_deadline < d)
			d = t->lists[s].head_deadline;
	return d;
}

void
tracker_finish(struct tracker *t, int64_t now)
{
	uint32_t i;

	if (t->ahead_set && now >= t->ahead)
		now = t->now;	/* a last packet's jump, never confirmed */
	tracker_expire(t, now);
	while ((i = t->lists[ST_GREETING].head) != NIL)
		expire_one(t, i);
	while ((i = t->lists[ST_PENDING].head) != NIL) {
		/* A soft error held is evidence enough; no answer at all is not. */
		if (!t->pool[i].soft)
			t->pool[i].v = verdict_unresolved();
		decide(t, i, t->now, NULL);
	}
}

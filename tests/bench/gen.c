/*
 * gen: a deterministic synthetic SMTP capture for the benchmark and the flood
 * test, with the verdicts smtpscope(8) must give for it ("truth").
 *
 *   gen [--seed N] (--packets N | --attempts N) [--rate R] [--mix heavy]
 *       [--servers N] [--max-attempts M] --out F --truth T
 *   gen [--seed N] --flood N --max-attempts M [--rate R] --out F --truth T
 *   gen [--seed N] --scope N [--dests D] [--sources S] [--duration SEC]
 *       [--cap-sources K] --out F --truth T
 *
 * The pcap (Ethernet, microsecond timestamps) is written with plain stdio.
 * The same arguments always give the same bytes.
 *
 * Mixed capture (--packets / --attempts), --rate SMTP attempts per second
 * (default 2000), each with an outcome drawn from a fixed mix:
 *   complete sessions (220 greeting, EHLO, with or without a mail
 *   transaction, QUIT, FINs), 421 and 554 greetings followed by a close,
 *   RST refusals, ICMP 3/3 and ICMPv6 1/4 (port-unreach), ICMP 3/10
 *   (host-prohibited), ICMP 3/13 and ICMPv6 1/1 (admin-prohibited; on IPv6
 *   the SYN retransmission and a second error follow, as from Linux),
 *   ICMP 3/1 and ICMPv6 1/3 from a router after one retransmission
 *   (host-unreach, a soft error: one more SYN follows and counts), and
 *   SYNs that nothing answers,
 *   retransmitted at +1 s and +3 s.  Errors quote the SYN in full or, from
 *   routers, its IP header and the first 8 bytes of TCP.  About 20% IPv6,
 *   15% 802.1Q-tagged, 15% to port 587.  About a third of the packets are
 *   background: HTTPS sessions and DNS over UDP (a few with an ICMP port
 *   unreachable for a late answer).  Every attempt has a client address and
 *   port of its own.  The file ends with 15 s of DNS only, so that every
 *   unanswered attempt reaches its 10 s timeout inside the file.
 *   --servers N: the servers drawn from (default 250), each with an IPv4
 *   address (203.0.113.1-250, then 198.18.0.0/15) and an IPv6 one
 *   (2001:db8:25::N).  The truth holds for a table of --max-attempts M
 *   (default 100000) only while fewer than M attempts start within any
 *   27 s (see mixed()): gen warns, or with --max-attempts fails, if not.
 *
 * --mix heavy: the same, heavier on attempts: about 9 packets each with
 *   the background instead of 14 (fewer complete sessions; 421s, 554s
 *   and tarpits that never greet), half of them failed (RST, ICMP, no
 *   answer), 10% IPv6, 10% 802.1Q, at 1550 attempts a second by
 *   default: with smtpscope's 64 s linger about 100000 in its table.
 *
 * Flood (--flood N, for a table of --max-attempts M, which the prediction
 * depends on):
 *   0-1 s    M/2 SYNs nothing answers and M/5 SYNs answered by a RST
 *   12.00 s  M/10 attempts answered by a SYN-ACK and the client's ACK, and
 *            no greeting (a tarpit)
 *   12.02 s  N SYNs, each from a client address and port of its own,
 *            at --rate per second (default 100000), nothing answers
 *            (the last M of them to a second address, 203.0.113.26)
 *   then     11 s of DNS, so that the flood's last SYNs time out
 *   DNS every 10 ms throughout.  With a table of M attempts: the phase-1
 *   SYNs time out at 10-11 s (dropped); the flood takes the free slots,
 *   then the decided attempts being kept, then the attempts waiting for a
 *   greeting (reported accepted, without one), and from then on each flood
 *   SYN evicts the oldest unanswered one: N - M evicted; the last M time
 *   out in the tail (dropped).
 *
 * Scope (--scope N, for the findings engine's bench): N attempts to D
 * destinations (default 100000; every one gets at least one, the busiest
 * most) on port 25 from S source addresses (default 1000), at times
 * spread evenly over --duration seconds (default 7200), then 15 s of DNS.
 * Accepted attempts are a SYN, the SYN-ACK and the client's ACK (no
 * greeting); refused ones a RST; prohibited ones an ICMP 3/13 or ICMPv6
 * 1/1 from the server; dropped ones three SYNs.  Which destinations fail
 * whom is said at scope_mix below.  The truth adds "scope KEY N" lines:
 * destinations, sources, pairs (destination and source), listed-sources
 * (pairs within the first K sources of a destination, default 1024: what
 * the scope keeps), failing-destinations, failures.
 *
 * The truth file has one "key count" line per expected count, sorted by
 * key: "verdict CLASS/REASON", "greeting CODE|none" (accepted records),
 * "family 4|6", "server_port P", "syns N", "icmp TYPE/CODE", "records N",
 * and the summary counters "summary KEY N" with the key spelt as in the
 * summary's "packets:" and "ignored:" lines, spaces as underscores,
 * "servers N" (distinct server addresses); a flood adds "server ADDR:PORT
 * COLUMN N" for rows of the "by server" table.
 */
#define _DEFAULT_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_SEC	1767225600LL	/* 2026-01-01T00:00:00Z */
#define SEC		1000000LL
#define MS		1000LL
#define SNAPLEN		262144
#define TIMEOUT_US	(10 * SEC)	/* smtpscope's default --timeout */

/* TCP flags */
#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

/* ---- deterministic random numbers (splitmix64) ---- */

static uint64_t rng;

static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t
rndn(uint32_t n)		/* 0 .. n-1 */
{
	return (uint32_t)(((rnd() >> 32) * n) >> 32);
}

static int64_t
rndr(int64_t lo, int64_t hi)	/* lo .. hi */
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

static int
chance(unsigned permille)
{
	return rndn(1000) < permille;
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL) {
		fprintf(stderr, "gen: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- time-ordered output: a heap of built frames ---- */

struct ev {
	int64_t t;
	uint64_t seq;		/* ties keep scheduling order */
	uint8_t *frame;
	uint32_t len;
};

static struct ev *heap;
static size_t nheap, capheap;
static uint64_t evseq;
static FILE *out;
static uint64_t written;
static int64_t last_written = INT64_MIN;

static int
ev_less(const struct ev *a, const struct ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void
heap_push(int64_t t, uint8_t *frame, uint32_t len)
{
	size_t i;

	if (nheap == capheap) {
		capheap = capheap ? capheap * 2 : 4096;
		heap = realloc(heap, capheap * sizeof *heap);
		if (heap == NULL) {
			fprintf(stderr, "gen: out of memory\n");
			exit(1);
		}
	}
	i = nheap++;
	heap[i].t = t;
	heap[i].seq = evseq++;
	heap[i].frame = frame;
	heap[i].len = len;
	while (i > 0 && ev_less(&heap[i], &heap[(i - 1) / 2])) {
		struct ev tmp = heap[i];

		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

static void
put32(uint32_t v)
{
	fwrite(&v, 4, 1, out);	/* host order, as the magic number says */
}

/* Writes every frame scheduled before `until` in time order. */
static void
flush_until(int64_t until)
{
	while (nheap > 0 && heap[0].t < until) {
		struct ev e = heap[0];
		size_t i = 0;

		heap[0] = heap[--nheap];
		for (;;) {
			size_t l = 2 * i + 1, r = l + 1, m = i;

			if (l < nheap && ev_less(&heap[l], &heap[m]))
				m = l;
			if (r < nheap && ev_less(&heap[r], &heap[m]))
				m = r;
			if (m == i)
				break;
			struct ev tmp = heap[i];
			heap[i] = heap[m];
			heap[m] = tmp;
			i = m;
		}
		if (e.t < last_written) {
			fprintf(stderr, "gen: internal error: time went back\n");
			exit(1);
		}
		last_written = e.t;
		put32((uint32_t)(BASE_SEC + e.t / SEC));
		put32((uint32_t)(e.t % SEC));
		put32(e.len);
		put32(e.len);
		fwrite(e.frame, 1, e.len, out);
		free(e.frame);
		written++;
	}
}

/* ---- truth ---- */

struct count {
	char key[48];
	uint64_t n;
};

static struct count counts[256];
static int ncounts;

static void
tally(const char *key, uint64_t n)
{
	int i;

	for (i = 0; i < ncounts; i++)
		if (strcmp(counts[i].key, key) == 0) {
			counts[i].n += n;
			return;
		}
	if (ncounts == (int)(sizeof counts / sizeof counts[0])) {
		fprintf(stderr, "gen: too many truth keys\n");
		exit(1);
	}
	snprintf(counts[ncounts].key, sizeof counts[0].key, "%s", key);
	counts[ncounts++].n = n;
}

static void tallyf(uint64_t n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tallyf(uint64_t n, const char *fmt, ...)
{
	char key[48];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof key, fmt, ap);
	va_end(ap);
	tally(key, n);
}

/* Summary counters, predicted from what is written. */
static uint64_t s_tcp, s_icmp_error, s_other_proto, s_not_smtp, s_midstream,
    s_after_verdict, s_evicted;

/* One record smtpscope must write.  greeting: -2 not accepted, -1 none. */
static void
expect(const char *verdict, int family, int port, int syns, int itype,
    int icode, int greeting)
{
	tallyf(1, "verdict %s", verdict);
	tallyf(1, "family %d", family);
	tallyf(1, "server_port %d", port);
	tallyf(1, "syns %d", syns);
	tally("records", 1);
	if (itype >= 0)
		tallyf(1, "icmp %d/%d", itype, icode);
	if (greeting == -1)
		tally("greeting none", 1);
	else if (greeting >= 0)
		tallyf(1, "greeting %d", greeting);
}

static int
count_cmp(const void *a, const void *b)
{
	return strcmp(((const struct count *)a)->key,
	    ((const struct count *)b)->key);
}

/* ---- addresses ---- */

struct ep {
	uint8_t fam;		/* 4 or 6 */
	uint8_t a[16];
};

static struct ep
v4(int a, int b, int c, int d)
{
	struct ep e;

	memset(&e, 0, sizeof e);
	e.fam = 4;
	e.a[0] = (uint8_t)a, e.a[1] = (uint8_t)b, e.a[2] = (uint8_t)c,
	    e.a[3] = (uint8_t)d;
	return e;
}

/* 2001:db8:NET::HOST */
static struct ep
v6(int net, uint32_t host)
{
	struct ep e;

	memset(&e, 0, sizeof e);
	e.fam = 6;
	e.a[0] = 0x20, e.a[1] = 0x01, e.a[2] = 0x0d, e.a[3] = 0xb8;
	e.a[4] = (uint8_t)(net >> 8), e.a[5] = (uint8_t)net;
	e.a[12] = (uint8_t)(host >> 24), e.a[13] = (uint8_t)(host >> 16);
	e.a[14] = (uint8_t)(host >> 8), e.a[15] = (uint8_t)host;
	return e;
}

#define NCLIENT4 506	/* 192.0.2.1-253, 198.51.100.1-253 */
#define NCLIENT6 1024	/* 2001:db8:c1::1-400 */
#define NSERVER 250	/* 203.0.113.1-250, 2001:db8:25::1-fa */
#define NBENCH4 131072	/* 198.18.0.0/15 (RFC 2544): servers past 250 */
#define PORTS 28232	/* 32768-60999, Linux's ephemeral range */

static struct ep
client_addr(int fam, uint32_t i)
{
	if (fam == 6)
		return v6(0xc1, i + 1);
	return i < 253 ? v4(192, 0, 2, (int)i + 1) :
	    v4(198, 51, 100, (int)i - 253 + 1);
}

/* Attempt k of a family gets a client address and port of its own, until
 * NCLIENT * PORTS attempts (14 million IPv4, 28 million IPv6). */
static uint64_t next_client[7];

static void
new_client(int fam, struct ep *c, uint16_t *port)
{
	uint64_t k = next_client[fam]++;
	uint32_t n = fam == 6 ? NCLIENT6 : NCLIENT4;

	uint64_t i = k % n, start = (i * 0x9e3779b97f4a7c15ULL) >> 40;

	*c = client_addr(fam, (uint32_t)i);
	/* each client's ports count up from a start of its own */
	*port = (uint16_t)(32768 + (start + k / n) % PORTS);
}

/* Servers the mixed capture draws from (--servers). */
static uint32_t nservers = NSERVER;

/* Busy MX hosts get more attempts: a skewed pick among nservers. */
static int
pick_server(void)
{
	uint32_t a = rndn(nservers), b = rndn(nservers);

	return (int)(a < b ? a : b);
}

static struct ep
server_addr(int fam, int i)
{
	uint32_t j = (uint32_t)i - NSERVER;

	if (fam == 6)
		return v6(0x25, (uint32_t)i + 1);
	return i < NSERVER ? v4(203, 0, 113, i + 1) :
	    v4(198, 18 + (int)(j >> 16), (int)(j >> 8 & 255), (int)(j & 255));
}

/* Hop distance from the capture point to server i, stable per server. */
static int
server_hops(int i)
{
	return 3 + (i * 7) % 17;
}

/* The distinct server addresses of the attempts ("servers N"): an open
 * addressing set of family and address, family 0 an empty slot. */
static uint8_t (*srvset)[17];
static size_t nsrvset, capsrvset;

static void
srvset_add(const uint8_t *key)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < 17; i++)
		h = (h ^ key[i]) * 16777619u;
	for (i = h & (capsrvset - 1); srvset[i][0] != 0;
	    i = (i + 1) & (capsrvset - 1))
		if (memcmp(srvset[i], key, 17) == 0)
			return;
	memcpy(srvset[i], key, 17);
	nsrvset++;
}

static void
note_server(const struct ep *s)
{
	uint8_t key[17], (*old)[17] = srvset;
	size_t j, oldcap = capsrvset;

	if (nsrvset * 2 >= capsrvset) {
		capsrvset = capsrvset ? capsrvset * 2 : 1024;
		if ((srvset = calloc(capsrvset, sizeof *srvset)) == NULL) {
			fprintf(stderr, "gen: out of memory\n");
			exit(1);
		}
		nsrvset = 0;
		for (j = 0; j < oldcap; j++)
			if (old[j][0] != 0)
				srvset_add(old[j]);
		free(old);
	}
	key[0] = s->fam;
	memcpy(key + 1, s->a, 16);
	srvset_add(key);
}

/* ---- packets ---- */

static uint16_t ip_id;

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16),
	    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/*
 * An IP packet around l4 (whose checksum field this fills in) into ip;
 * returns its length.
 */
static size_t
build_ip(uint8_t *ip, const struct ep *src, const struct ep *dst, int ttl,
    uint8_t proto, const uint8_t *l4, size_t l4len)
{
	size_t hl = src->fam == 4 ? 20 : 40, al = src->fam == 4 ? 4 : 16;
	uint8_t *l = ip + hl;
	uint32_t s = 0;
	int csum_at;

	memcpy(l, l4, l4len);
	csum_at = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	l[csum_at] = l[csum_at + 1] = 0;
	if (proto != 1) {	/* pseudo-header */
		s = sum16(src->a, al, 0);
		s = sum16(dst->a, al, s);
		s += proto + (uint32_t)l4len;
	}
	s = sum16(l, l4len, s);
	be16(l + csum_at, fold(s));
	if (src->fam == 4) {
		ip[0] = 0x45;
		ip[1] = proto == 1 ? 0xc0 : 0;
		be16(ip + 2, (uint32_t)(20 + l4len));
		be16(ip + 4, ip_id++);
		be16(ip + 6, proto == 6 ? 0x4000 : 0);
		ip[8] = (uint8_t)ttl;
		ip[9] = proto;
		ip[10] = ip[11] = 0;
		memcpy(ip + 12, src->a, 4);
		memcpy(ip + 16, dst->a, 4);
		be16(ip + 10, fold(sum16(ip, 20, 0)));
	} else {
		be32(ip, 0x60000000);
		be16(ip + 4, (uint32_t)l4len);
		ip[6] = proto == 1 ? 58 : proto;
		ip[7] = (uint8_t)ttl;
		memcpy(ip + 8, src->a, 16);
		memcpy(ip + 24, dst->a, 16);
	}
	return hl + l4len;
}

/* Schedules ip in an Ethernet frame, 802.1Q-tagged when vlan != 0.  up: the
 * frame goes from the capture host's side (the clients) towards the router. */
static void
emit_ip(int64_t t, int vlan, int up, int fam, const uint8_t *ip, size_t iplen)
{
	static const uint8_t host_mac[6] = { 0x02, 0, 0x5e, 0x10, 0, 0x01 };
	static const uint8_t gw_mac[6] = { 0x02, 0, 0x5e, 0x10, 0, 0xfe };
	size_t hl = vlan ? 18 : 14;
	uint8_t *f = xmalloc(hl + iplen);

	memcpy(f, up ? gw_mac : host_mac, 6);
	memcpy(f + 6, up ? host_mac : gw_mac, 6);
	if (vlan) {
		be16(f + 12, 0x8100);
		be16(f + 14, (uint32_t)vlan);
	}
	be16(f + hl - 2, fam == 4 ? 0x0800 : 0x86dd);
	memcpy(f + hl, ip, iplen);
	heap_push(t, f, (uint32_t)(hl + iplen));
}

/* One TCP connection as seen at the capture point. */
struct conn {
	struct ep c, s;
	uint16_t cport, sport;
	int vlan;
	int cttl, sttl;		/* TTL / hop limit of each side's packets here */
	uint32_t cnxt, snxt;	/* next sequence number each side sends */
	uint32_t ctsval, ststval;
	int64_t t;		/* time of the latest packet */
	int npkts;
	int smtp;		/* to a server port: counts as midstream etc. */
};

static uint8_t last_ip[2048];	/* the last TCP packet built, for quotes */
static size_t last_iplen;

/*
 * Sends a segment dt after the previous one of the connection.  SYNs carry
 * Linux's options (MSS, SACK permitted, timestamps, window scale); other
 * segments a timestamp option.  seq overrides the sequence number when not
 * -1 (retransmissions).
 */
static void
tcp_send(struct conn *k, int64_t dt, int from_server, uint8_t flags,
    const void *payload, size_t plen)
{
	uint8_t seg[1600], *o;
	size_t hl;
	const struct ep *src = from_server ? &k->s : &k->c;
	const struct ep *dst = from_server ? &k->c : &k->s;
	uint32_t *nxt = from_server ? &k->snxt : &k->cnxt;
	uint32_t *ts = from_server ? &k->ststval : &k->ctsval;
	uint32_t ack = from_server ? k->cnxt : k->snxt;

	k->t += dt;
	*ts += (uint32_t)(dt / MS);
	memset(seg, 0, 60);
	be16(seg, from_server ? k->sport : k->cport);
	be16(seg + 2, from_server ? k->cport : k->sport);
	/* Linux answers a SYN to a closed port with RST,ACK and sequence 0 */
	be32(seg + 4, (flags & RST) ? 0 : *nxt);
	be32(seg + 8, flags & ACK ? ack : 0);
	seg[13] = flags;
	o = seg + 20;
	if (flags & SYN) {
		*o++ = 2, *o++ = 4;
		be16(o, src->fam == 4 ? 1460 : 1440), o += 2;
		*o++ = 4, *o++ = 2;
		*o++ = 8, *o++ = 10;
		be32(o, *ts), o += 4;
		be32(o, flags & ACK ? k->ctsval : 0), o += 4;
		*o++ = 1, *o++ = 3, *o++ = 3, *o++ = 7;
		be16(seg + 14, from_server ? 65160 : 64240);
	} else if (!(flags & RST)) {
		*o++ = 1, *o++ = 1, *o++ = 8, *o++ = 10;
		be32(o, *ts), o += 4;
		be32(o, from_server ? k->ctsval : k->ststval), o += 4;
		be16(seg + 14, 502);
	}
	hl = (size_t)(o - seg);
	seg[12] = (uint8_t)(hl / 4 << 4);
	if (plen > sizeof seg - hl)
		plen = sizeof seg - hl;
	memcpy(seg + hl, payload, plen);
	last_iplen = build_ip(last_ip, src, dst, from_server ? k->sttl : k->cttl,
	    6, seg, hl + plen);
	emit_ip(k->t, k->vlan, !from_server, src->fam, last_ip, last_iplen);
	*nxt += (uint32_t)plen + ((flags & (SYN | FIN)) ? 1 : 0);
	k->npkts++;
	s_tcp++;
	if (!k->smtp)
		s_not_smtp++;
}

static void
tcp_str(struct conn *k, int64_t dt, int from_server, const char *s)
{
	tcp_send(k, dt, from_server, PSH | ACK, s, strlen(s));
}

/* The same SYN again (a retransmission) at absolute time t. */
static void
syn_again(struct conn *k, int64_t t, const uint8_t *syn_ip, size_t len)
{
	k->t = t;
	emit_ip(t, k->vlan, 1, k->c.fam, syn_ip, len);
	k->npkts++;
	s_tcp++;
}

/* An ICMP or ICMPv6 error from resp to dst quoting qlen bytes of q. */
static void
icmp_send(int64_t t, int vlan, const struct ep *resp, const struct ep *dst,
    int ttl, int type, int code, const uint8_t *q, size_t qlen)
{
	uint8_t msg[1600], ip[1700];
	size_t n;

	memset(msg, 0, 8);
	msg[0] = (uint8_t)type;
	msg[1] = (uint8_t)code;
	memcpy(msg + 8, q, qlen);
	n = build_ip(ip, resp, dst, ttl, resp->fam == 4 ? 1 : 58, msg, 8 + qlen);
	emit_ip(t, vlan, 0, resp->fam, ip, n);
}

/* The quote of a SYN: all of it, or (short) its IP header and 8 bytes. */
static size_t
quote_len(const uint8_t *syn_ip, size_t len, int fam, int short_quote)
{
	size_t hl = fam == 4 ? (size_t)(syn_ip[0] & 15) * 4 : 40;

	return short_quote && hl + 8 < len ? hl + 8 : len;
}

/* ---- SMTP attempts ---- */

enum kind {
	K_FULL, K_SHORT, K_421, K_554, K_RST, K_PORT, K_HOSTPROHIB, K_ADMIN,
	K_UNREACH, K_DROP, K_NOGREET, K_NKINDS
};

static const unsigned mix_default[K_NKINDS] = {	/* per mille */
	[K_FULL] = 300, [K_SHORT] = 170, [K_421] = 20, [K_554] = 20,
	[K_RST] = 140, [K_PORT] = 80, [K_HOSTPROHIB] = 50, [K_ADMIN] = 60,
	[K_UNREACH] = 20, [K_DROP] = 140,
};

/* --mix heavy: half the attempts fail, the sessions are short or never
 * greeted (K_NOGREET), about 9 packets an attempt with the background. */
static const unsigned mix_heavy[K_NKINDS] = {
	[K_FULL] = 60, [K_SHORT] = 160, [K_421] = 100, [K_554] = 60,
	[K_NOGREET] = 120,
	[K_RST] = 180, [K_PORT] = 70, [K_HOSTPROHIB] = 40, [K_ADMIN] = 50,
	[K_UNREACH] = 30, [K_DROP] = 130,
};

static const unsigned *mix = mix_default;
/* per mille: SMTP attempts over IPv6, background flows over IPv6, frames
 * 802.1Q-tagged */
static unsigned smtp_v6_pm = 200, bg_v6_pm = 150, vlan_pm = 150;

static uint64_t smtp_pkts, bg_pkts;	/* scheduled, by category */
static uint64_t next_bgport;
static uint64_t nattempts;

/* A connection from a client of its own (SMTP) or a background one. */
static void
new_conn(struct conn *k, int fam, int64_t t, int vlan_permille, int smtp)
{
	memset(k, 0, sizeof *k);
	k->smtp = smtp;
	if (smtp)
		new_client(fam, &k->c, &k->cport);
	else {
		k->c = client_addr(fam, rndn(fam == 4 ? NCLIENT4 : NCLIENT6));
		k->cport = (uint16_t)(10000 + next_bgport++ % 20000);
	}
	k->vlan = chance(vlan_permille) ? 100 + (int)rndn(8) : 0;
	k->cttl = 64;
	k->cnxt = (uint32_t)rnd();
	k->snxt = (uint32_t)rnd();
	k->ctsval = (uint32_t)rnd();
	k->ststval = (uint32_t)rnd();
	k->t = t;
}

static const char *const mx_names[] = {
	"mx1.example.net", "mail.example.org", "smtp.example.com",
	"mx.mail.example", "relay.example.net", "in1.smtp.example.org",
};

/* Starts one SMTP attempt of kind kd at time t; all its packets are
 * scheduled now. */
static void
smtp_attempt(int64_t t, enum kind kd, int fam, int port)
{
	struct conn k;
	uint8_t syn[256];
	size_t synlen, ql;
	char buf[1600];
	int srv = pick_server(), hops = server_hops(srv), syns = 1, gcode = -2;
	int64_t rtt = rndr(2 * MS, 2 * MS + (int64_t)(hops) * 6 * MS), t0 = t;
	struct ep router;
	uint64_t before = s_tcp;
	const char *mx = mx_names[srv % 6];

	new_conn(&k, fam, t, vlan_pm, 1);
	k.s = server_addr(fam, srv);
	k.sport = (uint16_t)port;
	k.sttl = 64 - hops;
	router = fam == 4 ? v4(198, 51, 100, 254) : v6(0xff, 1);
	nattempts++;
	note_server(&k.s);

	tcp_send(&k, 0, 0, SYN, NULL, 0);
	memcpy(syn, last_ip, last_iplen);
	synlen = last_iplen;

	switch (kd) {
	case K_FULL: case K_SHORT: case K_421: case K_554:
		tcp_send(&k, rtt, 1, SYN | ACK, NULL, 0);
		tcp_send(&k, rndr(30, 200), 0, ACK, NULL, 0);
		gcode = kd == K_421 ? 421 : kd == K_554 ? 554 : 220;
		if (gcode == 220 && chance(100))
			snprintf(buf, sizeof buf, "220-%s ESMTP\r\n220 no UCE\r\n", mx);
		else if (gcode == 220)
			snprintf(buf, sizeof buf,
			    "220 %s ESMTP Postfix (Debian/GNU)\r\n", mx);
		else if (gcode == 421)
			snprintf(buf, sizeof buf, "421 4.7.0 %s Too many "
			    "connections, try again later\r\n", mx);
		else
			snprintf(buf, sizeof buf, "554 5.7.1 %s Service "
			    "unavailable; client host blocked using "
			    "zen.example.org\r\n", mx);
		tcp_str(&k, rndr(300, 40 * MS), 1, buf);	/* greeting */
		if (kd == K_421) {
			tcp_send(&k, 100, 1, FIN | ACK, NULL, 0);
			tcp_send(&k, rtt, 0, FIN | ACK, NULL, 0);
			tcp_send(&k, rtt, 1, ACK, NULL, 0);
			break;
		}
		tcp_str(&k, rndr(100, 500), 0, "EHLO out.example.com\r\n");
		if (kd == K_554) {
			tcp_str(&k, rtt, 1, "554 5.7.1 go away\r\n");
		} else {
			tcp_str(&k, rtt, 1, "250-mx.example.net\r\n250-PIPELINING\r\n"
			    "250-SIZE 10240000\r\n250-STARTTLS\r\n250-8BITMIME\r\n"
			    "250 SMTPUTF8\r\n");
		}
		if (kd == K_FULL) {
			size_t body = (size_t)rndr(200, 900), i;

			tcp_str(&k, rndr(100, 500), 0,
			    "MAIL FROM:<bounce@out.example.com> SIZE=2048\r\n");
			tcp_str(&k, rtt, 1, "250 2.1.0 Ok\r\n");
			tcp_str(&k, rndr(100, 500), 0,
			    "RCPT TO:<postmaster@example.net>\r\n");
			tcp_str(&k, rtt, 1, "250 2.1.5 Ok\r\n");
			tcp_str(&k, rndr(100, 500), 0, "DATA\r\n");
			tcp_str(&k, rtt, 1, "354 End data with <CR><LF>.<CR><LF>\r\n");
			for (i = 0; i < body; i++)
				buf[i] = (char)('a' + (i * 7 + i / 61) % 26);
			for (i = 60; i < body; i += 62)
				buf[i] = '\r', buf[i + 1 < body ? i + 1 : i] = '\n';
			memcpy(buf + body - 5, "\r\n.\r\n", 5);
			tcp_send(&k, rndr(100, 500), 0, PSH | ACK, buf, body);
			snprintf(buf, sizeof buf, "250 2.0.0 Ok: queued as %08X\r\n",
			    (unsigned)rnd());
			tcp_str(&k, rtt + rndr(1 * MS, 30 * MS), 1, buf);
		}
		tcp_str(&k, rndr(100, 500), 0, "QUIT\r\n");
		tcp_str(&k, rtt, 1, "221 2.0.0 Bye\r\n");
		tcp_send(&k, 50, 1, FIN | ACK, NULL, 0);
		tcp_send(&k, rtt, 0, FIN | ACK, NULL, 0);
		tcp_send(&k, rtt, 1, ACK, NULL, 0);
		break;
	case K_NOGREET:
		/* a tarpit: the handshake, then nothing within --greet-wait */
		tcp_send(&k, rtt, 1, SYN | ACK, NULL, 0);
		tcp_send(&k, rndr(30, 200), 0, ACK, NULL, 0);
		break;
	case K_RST:
		tcp_send(&k, rtt, 1, RST | ACK, NULL, 0);
		break;
	case K_PORT:
		/* iptables REJECT on the server: ICMP from it, the SYN in full */
		ql = quote_len(syn, synlen, fam, 0);
		icmp_send(t0 + rtt, k.vlan, &k.s, &k.c, k.sttl,
		    fam == 4 ? 3 : 1, fam == 4 ? 3 : 4, syn, ql);
		break;
	case K_HOSTPROHIB:
		/* v4 only: REJECT --reject-with icmp-host-prohibited */
		if (chance(500))
			icmp_send(t0 + rtt, k.vlan, &k.s, &k.c, k.sttl, 3, 10, syn,
			    quote_len(syn, synlen, fam, 0));
		else
			icmp_send(t0 + rtt / 2, k.vlan, &router, &k.c, 254, 3, 10,
			    syn, quote_len(syn, synlen, fam, 1));
		break;
	case K_ADMIN:
		if (fam == 4) {
			/* a router ACL; old routers quote 8 bytes of TCP */
			icmp_send(t0 + rtt / 2, k.vlan, &router, &k.c, 253, 3, 13,
			    syn, quote_len(syn, synlen, fam, chance(500)));
		} else {
			/* Linux reports EACCES only after the retransmission:
			 * the second SYN and the second error come after the
			 * verdict. */
			icmp_send(t0 + rtt / 2, k.vlan, &router, &k.c, 63, 1, 1,
			    syn, quote_len(syn, synlen, fam, 0));
			syn_again(&k, t0 + 1 * SEC, syn, synlen);
			icmp_send(t0 + 1 * SEC + rtt / 2, k.vlan, &router, &k.c, 63,
			    1, 1, syn, quote_len(syn, synlen, fam, 0));
			s_after_verdict += 2;
		}
		break;
	case K_UNREACH:
		/* The last router's neighbour resolution fails after 3 s: it
		 * answers the first SYN after the client retransmitted once,
		 * and the client's next retransmission comes after that.  The
		 * error is soft: the attempt stays open, that SYN counts, and
		 * the verdict comes when the timeout passes. */
		syn_again(&k, t0 + 1 * SEC, syn, synlen);
		icmp_send(t0 + 2 * SEC + 900 * MS + rtt / 2, k.vlan, &router,
		    &k.c, fam == 4 ? 250 : 60, fam == 4 ? 3 : 1,
		    fam == 4 ? 1 : 3, syn, quote_len(syn, synlen, fam, chance(500)));
		syn_again(&k, t0 + 3 * SEC, syn, synlen);
		syns = 3;
		break;
	case K_DROP:
		syn_again(&k, t0 + 1 * SEC, syn, synlen);
		syn_again(&k, t0 + 3 * SEC, syn, synlen);
		syns = 3;
		break;
	default:
		break;
	}

	switch (kd) {
	case K_FULL: case K_SHORT: case K_421: case K_554:
		/* all but the SYN, SYN-ACK and greeting are midstream */
		s_midstream += (s_tcp - before) - 3;
		expect("accepted/syn-ack", fam, port, syns, -1, -1, gcode);
		break;
	case K_NOGREET:
		s_midstream++;		/* the client's ACK */
		expect("accepted/syn-ack", fam, port, syns, -1, -1, -1);
		break;
	case K_RST:
		expect("refused/reset", fam, port, syns, -1, -1, -2);
		break;
	case K_PORT:
		expect("refused/port-unreach", fam, port, syns, fam == 4 ? 3 : 1,
		    fam == 4 ? 3 : 4, -2);
		s_icmp_error++;
		break;
	case K_HOSTPROHIB:
		expect("prohibited/host-prohibited", fam, port, syns, 3, 10, -2);
		s_icmp_error++;
		break;
	case K_ADMIN:
		expect("prohibited/admin-prohibited", fam, port, syns,
		    fam == 4 ? 3 : 1, fam == 4 ? 13 : 1, -2);
		s_icmp_error += fam == 4 ? 1 : 2;
		break;
	case K_UNREACH:
		expect("unreachable/host-unreach", fam, port, syns,
		    fam == 4 ? 3 : 1, fam == 4 ? 1 : 3, -2);
		s_icmp_error++;
		break;
	case K_DROP:
		expect("dropped/no-response", fam, port, syns, -1, -1, -2);
		break;
	default:
		break;
	}
	smtp_pkts += (uint64_t)k.npkts + (kd == K_PORT || kd == K_HOSTPROHIB ||
	    kd == K_UNREACH || (kd == K_ADMIN && fam == 4) ? 1 :
	    kd == K_ADMIN ? 2 : 0);
}

/* ---- background ---- */

static const struct ep *
resolver(int fam)
{
	static struct ep r4, r6;

	if (r4.fam == 0) {
		r4 = v4(192, 0, 2, 254);
		r6 = v6(0x53, 0x53);
	}
	return fam == 4 ? &r4 : &r6;
}

static int64_t
dns_pair(int64_t t, int fam)
{
	uint8_t q[512], ip[600], ans_ip[600];
	struct ep c;
	uint16_t cport, id = (uint16_t)rnd();
	size_t n, qn, an;
	int64_t rtt = rndr(300, 30 * MS);
	char name[64];
	int i, vlan = chance(vlan_pm) ? 100 : 0;

	c = client_addr(fam, rndn(fam == 4 ? 253 : 64));
	cport = (uint16_t)(10000 + next_bgport++ % 20000);
	/* UDP header, DNS header, one question */
	memset(q, 0, sizeof q);
	be16(q, cport);
	be16(q + 2, 53);
	be16(q + 8, id);
	be16(q + 10, 0x0100);
	be16(q + 12, 1);
	n = 20;
	snprintf(name, sizeof name, "mx%u.example%u.net",
	    (unsigned)rndn(50), (unsigned)rndn(900));
	{
		char *lab = name, *dot;

		while (lab != NULL) {
			dot = strchr(lab, '.');
			i = dot ? (int)(dot - lab) : (int)strlen(lab);
			q[n++] = (uint8_t)i;
			memcpy(q + n, lab, (size_t)i);
			n += (size_t)i;
			lab = dot ? dot + 1 : NULL;
		}
		q[n++] = 0;
	}
	be16(q + n, fam == 4 ? 1 : 28), n += 2;	/* A or AAAA */
	be16(q + n, 1), n += 2;
	be16(q + 4, (uint32_t)(n));
	qn = build_ip(ip, &c, resolver(fam), 64, 17, q, n);
	emit_ip(t, vlan, 1, fam, ip, qn);
	/* the answer: same question, one record */
	be16(q, 53);
	be16(q + 2, cport);
	be16(q + 10, 0x8180);
	be16(q + 14, 1);
	q[n++] = 0xc0, q[n++] = 12;
	be16(q + n, fam == 4 ? 1 : 28), n += 2;
	be16(q + n, 1), n += 2;
	be32(q + n, 300), n += 4;
	if (fam == 4) {
		be16(q + n, 4), n += 2;
		memcpy(q + n, server_addr(4, pick_server()).a, 4), n += 4;
	} else {
		be16(q + n, 16), n += 2;
		memcpy(q + n, server_addr(6, pick_server()).a, 16), n += 16;
	}
	be16(q + 4, (uint32_t)n);
	an = build_ip(ans_ip, resolver(fam), &c, 60, 17, q, n);
	emit_ip(t + rtt, vlan, 0, fam, ans_ip, an);
	bg_pkts += 2;
	s_other_proto += 2;
	if (chance(10)) {	/* the answer came too late: port unreachable */
		size_t ql = an > 548 ? 548 : an;

		icmp_send(t + rtt + 40, vlan, &c, resolver(fam), 64,
		    fam == 4 ? 3 : 1, fam == 4 ? 3 : 4, ans_ip, ql);
		bg_pkts++;
		s_other_proto++;
	}
	return t + rtt;
}

static void
https_flow(int64_t t, int fam)
{
	struct conn k;
	uint8_t data[1400];
	int64_t rtt = rndr(2 * MS, 80 * MS);
	int srv = pick_server();

	memset(data, 0x17, sizeof data);
	new_conn(&k, fam, t, vlan_pm, 0);
	k.s = fam == 4 ? v4(203, 0, 113, 100 + srv % 100) :
	    v6(0x443, (uint32_t)srv + 1);
	k.sport = 443;
	k.sttl = 50;
	tcp_send(&k, 0, 0, SYN, NULL, 0);
	tcp_send(&k, rtt, 1, SYN | ACK, NULL, 0);
	tcp_send(&k, 60, 0, ACK, NULL, 0);
	/* a resumed TLS session and a small request */
	tcp_send(&k, 80, 0, PSH | ACK, data, 250);		/* ClientHello */
	tcp_send(&k, rtt, 1, ACK, data, 400);			/* ServerHello ... */
	tcp_send(&k, 20, 1, PSH | ACK, data, 100);
	tcp_send(&k, 60, 0, ACK, NULL, 0);
	tcp_send(&k, rndr(1 * MS, 5 * MS), 0, PSH | ACK, data, 120);	/* request */
	tcp_send(&k, rtt + rndr(1 * MS, 20 * MS), 1, PSH | ACK, data,
	    (size_t)rndr(100, 500));				/* response */
	tcp_send(&k, 60, 0, ACK, NULL, 0);
	tcp_send(&k, rndr(50 * MS, 400 * MS), 0, FIN | ACK, NULL, 0);
	tcp_send(&k, rtt, 1, FIN | ACK, NULL, 0);
	tcp_send(&k, 60, 0, ACK, NULL, 0);
	bg_pkts += (uint64_t)k.npkts;
}

/* One background flow: two in three DNS, one in three HTTPS. */
static void
background(int64_t t)
{
	int fam = chance(bg_v6_pm) ? 6 : 4;

	if (rndn(3) < 2)
		dns_pair(t, fam);
	else
		https_flow(t, fam);
}

/* DNS every 10 ms from `from` to `to`: keeps time moving. */
static void
dns_ticks(int64_t from, int64_t to)
{
	int64_t t;

	for (t = from; t < to; t += 10 * MS) {
		dns_pair(t, 4);
		flush_until(t);
	}
}

/* ---- the two scenarios ---- */

static enum kind
pick_kind(void)
{
	unsigned r = rndn(1000), acc = 0;
	int i;

	for (i = 0; i < K_NKINDS; i++) {
		acc += mix[i];
		if (r < acc)
			return (enum kind)i;
	}
	return K_FULL;
}

static int64_t
gap(double rate)	/* exponential, mean 1/rate s, at least 1 us */
{
	double u = ((double)(rnd() >> 11) + 1) * 0x1.0p-53;
	double x = 0;

	x = -log(u) / rate * 1e6;
	return x < 1 ? 1 : (int64_t)x;
}

/*
 * The truth holds only if smtpscope's table (--max-attempts M) never
 * gives up an attempt that has packets to come.  Every attempt here is
 * decided within 13 s of its first SYN (the last retransmission at +3 s,
 * then the 10 s timeout) and sends nothing after that.  When the table is
 * full smtpscope reuses the finished attempt decided first, and evicts an
 * unanswered one only when none is finished.  So if fewer than M attempts
 * start within any SPAN_US, a full table holds one started longer ago,
 * decided over 13 s ago: that one or an older one is reused, never
 * an attempt still in progress.  Returns the most that start within
 * SPAN_US (at most M).
 */
#define SPAN_US		(27 * SEC)

static uint64_t
mixed(uint64_t max_packets, uint64_t max_attempts, double rate, uint64_t m)
{
	int64_t t = 0, prev = 0, *ring = xmalloc(m * sizeof *ring);
	const uint64_t tail_pkts = 3100;	/* 15 s of DNS, roughly */
	uint64_t head = 0, live = 0, peak = 0;

	for (;;) {
		enum kind kd;
		int fam, port;

		if (max_packets && smtp_pkts + bg_pkts + tail_pkts >= max_packets)
			break;
		if (max_attempts && nattempts >= max_attempts)
			break;
		t = prev + gap(rate);
		/* background flows in [prev, t) until they are a third */
		while (bg_pkts * 2 < smtp_pkts)
			background(prev + (int64_t)rndn((uint32_t)(t - prev)));
		kd = pick_kind();
		fam = kd != K_HOSTPROHIB && chance(smtp_v6_pm) ? 6 : 4;
		port = chance(150) ? 587 : 25;
		smtp_attempt(t, kd, fam, port);
		flush_until(t);
		prev = t;
		for (; live > 0 && ring[head] <= t - SPAN_US; live--)
			head = (head + 1) % m;
		if (live < m)
			ring[(head + live++) % m] = t;
		peak = live > peak ? live : peak;
	}
	/* 15 s of DNS only after the last attempt: every SYN times out */
	dns_ticks(t + 5 * MS, t + 15 * SEC);
	flush_until(INT64_MAX);
	free(ring);
	return peak;
}

static void
flood(uint64_t n, uint64_t m, double rate)
{
	uint64_t p1 = m / 2, a1 = m / 5, g = m / 10, i, tot = p1 + a1;
	int64_t t = 0, step, dns = 0, end;
	struct conn k;

	if (n < m || m < 20 || (double)m / rate > 4.0) {
		fprintf(stderr, "gen: --flood needs N >= M >= 20 and M/rate < 4 s\n");
		exit(1);
	}
	/* phase 1: 0-1 s */
	step = SEC / (int64_t)tot;
	for (i = 0; i < tot; i++) {
		int answered = (i + 1) * a1 / tot > i * a1 / tot;

		t = (int64_t)i * step;
		for (; dns <= t; dns += 10 * MS)
			dns_pair(dns, 4);
		new_conn(&k, 4, t, 0, 1);
		nattempts++;
		k.s = v4(203, 0, 113, 100 + (int)(i % 50));
		note_server(&k.s);
		k.sport = 25;
		k.sttl = 64 - server_hops((int)(i % 50));
		tcp_send(&k, 0, 0, SYN, NULL, 0);
		if (answered) {
			tcp_send(&k, rndr(1 * MS, 50 * MS), 1, RST | ACK, NULL, 0);
			expect("refused/reset", 4, 25, 1, -1, -1, -2);
		} else
			expect("dropped/no-response", 4, 25, 1, -1, -1, -2);
		flush_until(t);
	}
	/* gap: the phase-1 SYNs time out at 10-11 s */
	dns_ticks(dns, 12 * SEC);
	/* phase 2: a tarpit answers M/10 attempts and never greets */
	step = 10 * MS / (int64_t)g;
	for (i = 0; i < g; i++) {
		t = 12 * SEC + (int64_t)i * step;
		new_conn(&k, 4, t, 0, 1);
		nattempts++;
		k.s = v4(203, 0, 113, 251);
		note_server(&k.s);
		k.sport = 25;
		k.sttl = 50;
		tcp_send(&k, 0, 0, SYN, NULL, 0);
		tcp_send(&k, 1 * MS, 1, SYN | ACK, NULL, 0);
		tcp_send(&k, 50, 0, ACK, NULL, 0);
		s_midstream++;
		expect("accepted/syn-ack", 4, 25, 1, -1, -1, -1);
		flush_until(t);
	}
	/* the flood: bare SYNs without options, like a flooding tool's */
	step = (int64_t)(1e6 / rate);
	if (step < 1)
		step = 1;
	dns = 12 * SEC + 20 * MS;
	for (i = 0; i < n; i++) {
		uint8_t seg[20], ip[64];
		size_t len;
		/* the last M go to another address of the same MX, so that
		 * the summary's table shows which SYNs were evicted */
		struct ep c, s = v4(203, 0, 113, i < n - m ? 25 : 26);
		uint16_t cport;

		t = 12 * SEC + 20 * MS + (int64_t)i * step;
		for (; dns <= t; dns += 10 * MS)
			dns_pair(dns, 4);
		new_client(4, &c, &cport);
		nattempts++;
		if (i >= n - m)		/* the others are evicted: no record */
			note_server(&s);
		memset(seg, 0, sizeof seg);
		be16(seg, cport);
		be16(seg + 2, 25);
		be32(seg + 4, (uint32_t)rnd());
		seg[12] = 5 << 4;
		seg[13] = SYN;
		be16(seg + 14, 1024);
		len = build_ip(ip, &c, &s, 64 - (int)rndn(20), 6, seg, 20);
		emit_ip(t, 0, 1, 4, ip, len);
		s_tcp++;
		flush_until(t);
	}
	s_evicted = n - m;
	for (i = 0; i < m; i++)
		expect("dropped/no-response", 4, 25, 1, -1, -1, -2);
	/* rows of the summary's "by server" table */
	tally("server 203.0.113.25:25 total", 0);
	tally("server 203.0.113.26:25 total", m);
	tally("server 203.0.113.26:25 dropped", m);
	tally("server 203.0.113.251:25 total", g);
	tally("server 203.0.113.251:25 accepted", g);
	end = t + 11 * SEC;
	dns_ticks(dns, end);
	flush_until(INT64_MAX);
}

/* ---- the scope mix ---- */

/*
 * Destination d (of D) is 203.0.113.(d + 1) for the first min(254, D/2),
 * 2001:db8:25::/64 host d + 1 after them; all on port 25.  Source s (of S)
 * is one of the first min(506, S/2) IPv4 client addresses, then one of
 * 2001:db8:c1::/64.  Each destination has a profile, from a hash of its
 * number, so that the findings engine has findings to make:
 *   down (2%)      every attempt dropped
 *   blocks (5%)    a quarter of the sources (by a hash of the pair) always
 *                  refused, the others as a normal destination
 *   turns (2%)     as a normal destination until a time of its own (a
 *                  quarter to three quarters of the way in), then every
 *                  attempt prohibited
 *   normal (91%)   accepted 92%, refused 3%, prohibited 1%, dropped 4%
 */
enum sprof { P_NORMAL, P_DOWN, P_BLOCKS, P_TURNS };
enum sout { O_OK, O_RST, O_PROHIB, O_DROP };

struct scopemix {
	uint32_t ndest, nsrc, ndest4, nsrc4, cap;
	int64_t duration;
	uint64_t salt;
	uint16_t *port;		/* next client port of each source */
	uint8_t *pairs;		/* bitmap: (dest, source) pairs seen */
	uint32_t *listed;	/* sources of each destination, up to cap */
	uint8_t *failed;	/* destinations with a failure */
	uint8_t *used;		/* sources that made an attempt */
	uint64_t npairs, nlisted, nfailed, nfailures, nused;
};

/* A stable hash of x: traits of destinations and pairs, apart from the
 * random stream so that they do not depend on the order of attempts. */
static uint64_t
trait(const struct scopemix *m, uint64_t x)
{
	uint64_t z = x * 0x9e3779b97f4a7c15ULL + m->salt;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static enum sprof
dest_profile(const struct scopemix *m, uint32_t d, int64_t *since)
{
	uint64_t h = trait(m, d);
	unsigned r = (unsigned)(h % 1000);

	if (r < 20)
		return P_DOWN;
	if (r < 70)
		return P_BLOCKS;
	if (r < 90) {
		*since = m->duration / 4 +
		    (int64_t)((h >> 20) % (uint64_t)(m->duration / 2 + 1));
		return P_TURNS;
	}
	return P_NORMAL;
}

static enum sout
scope_outcome(const struct scopemix *m, uint32_t d, uint32_t s, int64_t t)
{
	int64_t since = 0;
	unsigned r;

	switch (dest_profile(m, d, &since)) {
	case P_DOWN:
		return O_DROP;
	case P_BLOCKS:
		if (trait(m, (uint64_t)d << 32 | s | 1ULL << 63) % 4 == 0)
			return O_RST;
		break;
	case P_TURNS:
		if (t >= since)
			return O_PROHIB;
		break;
	default:
		break;
	}
	r = rndn(1000);
	return r < 920 ? O_OK : r < 950 ? O_RST : r < 960 ? O_PROHIB : O_DROP;
}

static struct ep
scope_server(const struct scopemix *m, uint32_t d)
{
	if (d < m->ndest4)
		return v4(203, 0, 113, (int)d + 1);
	return v6(0x25, d + 1);
}

/* What the scope should hold: pairs, sources listed, failures. */
static void
scope_note(struct scopemix *m, uint32_t d, uint32_t s, enum sout o)
{
	uint64_t bit = (uint64_t)d * m->nsrc + s;

	if (!(m->pairs[bit / 8] & 1 << bit % 8)) {
		m->pairs[bit / 8] |= (uint8_t)(1 << bit % 8);
		m->npairs++;
		if (m->listed[d] < m->cap) {
			m->listed[d]++;
			m->nlisted++;
		}
	}
	if (!m->used[s]) {
		m->used[s] = 1;
		m->nused++;
	}
	if (o != O_OK) {
		m->nfailures++;
		if (!m->failed[d]) {
			m->failed[d] = 1;
			m->nfailed++;
		}
	}
}

/* One attempt from source s to destination d at t, all its packets. */
static void
scope_attempt(struct scopemix *m, int64_t t, uint32_t d, uint32_t s)
{
	struct conn k;
	uint8_t syn[256];
	size_t synlen;
	int fam = d < m->ndest4 ? 4 : 6, hops = server_hops((int)(d % 250));
	int64_t rtt = rndr(2 * MS, 2 * MS + (int64_t)hops * 6 * MS);
	enum sout o = scope_outcome(m, d, s, t);

	memset(&k, 0, sizeof k);
	k.smtp = 1;
	k.c = client_addr(fam, fam == 4 ? s : s - m->nsrc4);
	k.cport = m->port[s];
	m->port[s] = (uint16_t)(k.cport == 32768 + PORTS - 1 ? 32768 : k.cport + 1);
	k.s = scope_server(m, d);
	note_server(&k.s);
	k.sport = 25;
	k.cttl = 64;
	k.sttl = 64 - hops;
	k.cnxt = (uint32_t)rnd();
	k.snxt = (uint32_t)rnd();
	k.ctsval = (uint32_t)rnd();
	k.ststval = (uint32_t)rnd();
	k.t = t;
	nattempts++;
	scope_note(m, d, s, o);

	tcp_send(&k, 0, 0, SYN, NULL, 0);
	memcpy(syn, last_ip, last_iplen);
	synlen = last_iplen;
	switch (o) {
	case O_OK:
		tcp_send(&k, rtt, 1, SYN | ACK, NULL, 0);
		tcp_send(&k, rndr(30, 200), 0, ACK, NULL, 0);
		s_midstream++;
		expect("accepted/syn-ack", fam, 25, 1, -1, -1, -1);
		break;
	case O_RST:
		tcp_send(&k, rtt, 1, RST | ACK, NULL, 0);
		expect("refused/reset", fam, 25, 1, -1, -1, -2);
		break;
	case O_PROHIB:
		/* from the server's own firewall, the SYN in full; Linux
		 * retransmits once on IPv6 before it reports EACCES */
		icmp_send(t + rtt, 0, &k.s, &k.c, k.sttl, fam == 4 ? 3 : 1,
		    fam == 4 ? 13 : 1, syn, synlen);
		s_icmp_error++;
		if (fam == 6) {
			syn_again(&k, t + 1 * SEC, syn, synlen);
			icmp_send(t + 1 * SEC + rtt, 0, &k.s, &k.c, k.sttl, 1, 1,
			    syn, synlen);
			s_icmp_error++;
			s_after_verdict += 2;
		}
		expect("prohibited/admin-prohibited", fam, 25, 1,
		    fam == 4 ? 3 : 1, fam == 4 ? 13 : 1, -2);
		break;
	case O_DROP:
		syn_again(&k, t + 1 * SEC, syn, synlen);
		syn_again(&k, t + 3 * SEC, syn, synlen);
		expect("dropped/no-response", fam, 25, 3, -1, -1, -2);
		break;
	}
}

/* The destination of each attempt: every one once, the rest skewed to
 * the first (busy MX hosts get most attempts), all shuffled. */
static uint32_t *
scope_order(uint64_t n, uint32_t ndest)
{
	uint32_t *o = xmalloc(n * sizeof *o), tmp;
	uint64_t i, j;

	for (i = 0; i < n; i++) {
		double u = (double)(rnd() >> 11) * 0x1.0p-53;

		o[i] = i < ndest ? (uint32_t)i : (uint32_t)(ndest * u * u * u);
	}
	for (i = n - 1; i > 0; i--) {
		j = rnd() % (i + 1);
		tmp = o[i], o[i] = o[j], o[j] = tmp;
	}
	return o;
}

static void
scope_mix(uint64_t n, uint32_t ndest, uint32_t nsrc, uint32_t cap,
    int64_t seconds)
{
	struct scopemix m;
	uint32_t *order, s, d;
	uint64_t i;
	int64_t t = 0;
	double rate = (double)n / (double)seconds;

	if (ndest < 2 || n < ndest || nsrc < 2 || nsrc > 60000 || seconds < 60) {
		fprintf(stderr, "gen: --scope N needs N >= --dests >= 2, "
		    "2 <= --sources <= 60000, --duration >= 60\n");
		exit(1);
	}
	memset(&m, 0, sizeof m);
	m.ndest = ndest, m.nsrc = nsrc, m.cap = cap;
	m.ndest4 = ndest / 2 < 254 ? ndest / 2 : 254;
	m.nsrc4 = nsrc / 2 < NCLIENT4 ? nsrc / 2 : NCLIENT4;
	m.duration = seconds * SEC;
	m.salt = rnd();
	m.port = xmalloc(nsrc * sizeof *m.port);
	m.pairs = calloc((size_t)ndest * nsrc / 8 + 1, 1);
	m.listed = calloc(ndest, sizeof *m.listed);
	m.failed = calloc(ndest, 1);
	m.used = calloc(nsrc, 1);
	if (m.pairs == NULL || m.listed == NULL || m.failed == NULL ||
	    m.used == NULL) {
		fprintf(stderr, "gen: out of memory\n");
		exit(1);
	}
	for (s = 0; s < nsrc; s++)
		m.port[s] = (uint16_t)(32768 + trait(&m, s) % PORTS);
	order = scope_order(n, ndest);
	for (i = 0; i < n; i++) {
		t += gap(rate);
		d = order[i];
		s = d < m.ndest4 ? rndn(m.nsrc4) : m.nsrc4 + rndn(nsrc - m.nsrc4);
		scope_attempt(&m, t, d, s);
		flush_until(t);
	}
	/* 15 s of DNS only after the last attempt: every SYN times out */
	dns_ticks(t + 5 * MS, t + 15 * SEC);
	flush_until(INT64_MAX);
	tally("scope destinations", ndest);
	tally("scope sources", m.nused);
	tally("scope pairs", m.npairs);
	tally("scope listed-sources", m.nlisted);
	tally("scope failing-destinations", m.nfailed);
	tally("scope failures", m.nfailures);
	free(order);
	free(m.port);
	free(m.pairs);
	free(m.listed);
	free(m.failed);
	free(m.used);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gen [--seed N] (--packets N | --attempts N) [--rate R] "
	    "[--mix mixed|heavy]\n"
	    "           [--servers N] [--max-attempts M] "
	    "--out FILE --truth FILE\n"
	    "       gen [--seed N] --flood N --max-attempts M [--rate R] "
	    "--out FILE --truth FILE\n"
	    "       gen [--seed N] --scope N [--dests D] [--sources S] "
	    "[--duration SEC] [--cap-sources K] --out FILE --truth FILE\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "packets", required_argument, NULL, 'p' },
		{ "attempts", required_argument, NULL, 'a' },
		{ "flood", required_argument, NULL, 'f' },
		{ "max-attempts", required_argument, NULL, 'm' },
		{ "rate", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "truth", required_argument, NULL, 't' },
		{ "scope", required_argument, NULL, 'S' },
		{ "dests", required_argument, NULL, 'D' },
		{ "sources", required_argument, NULL, 'C' },
		{ "duration", required_argument, NULL, 'T' },
		{ "cap-sources", required_argument, NULL, 'K' },
		{ "mix", required_argument, NULL, 'X' },
		{ "servers", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t seed = 1, packets = 0, attempts = 0, fl = 0, maxatt = 0;
	uint64_t sc = 0, dests = 100000, sources = 1000, duration = 7200;
	uint64_t cap = 1024, nsrv = NSERVER, peak = 0;
	double rate = 0, rate0 = 2000;
	const char *outpath = NULL, *truthpath = NULL;
	FILE *tf;
	int c, i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'p': packets = strtoull(optarg, NULL, 10); break;
		case 'a': attempts = strtoull(optarg, NULL, 10); break;
		case 'f': fl = strtoull(optarg, NULL, 10); break;
		case 'm': maxatt = strtoull(optarg, NULL, 10); break;
		case 'r': rate = strtod(optarg, NULL); break;
		case 'o': outpath = optarg; break;
		case 't': truthpath = optarg; break;
		case 'S': sc = strtoull(optarg, NULL, 10); break;
		case 'D': dests = strtoull(optarg, NULL, 10); break;
		case 'C': sources = strtoull(optarg, NULL, 10); break;
		case 'T': duration = strtoull(optarg, NULL, 10); break;
		case 'K': cap = strtoull(optarg, NULL, 10); break;
		case 'N': nsrv = strtoull(optarg, NULL, 10); break;
		case 'X':
			if (strcmp(optarg, "heavy") == 0) {
				mix = mix_heavy;
				smtp_v6_pm = bg_v6_pm = vlan_pm = 100;
				rate0 = 1550;
			} else if (strcmp(optarg, "mixed") != 0)
				usage();
			break;
		default: usage();
		}
	}
	if (optind != argc || outpath == NULL || truthpath == NULL ||
	    (packets == 0 && attempts == 0 && fl == 0 && sc == 0) ||
	    (fl != 0 && (packets || attempts || sc || maxatt == 0)) ||
	    (sc != 0 && (packets || attempts)) ||
	    dests > UINT32_MAX || sources > UINT32_MAX || duration > 1000000 ||
	    cap > UINT32_MAX || nsrv < 1 || nsrv > NSERVER + NBENCH4 ||
	    maxatt > 100000000)
		usage();
	nservers = (uint32_t)nsrv;
	rng = seed * 0x2545f4914f6cdd1dULL + 1;
	if ((out = fopen(outpath, "wb")) == NULL) {
		perror(outpath);
		return 1;
	}
	setvbuf(out, NULL, _IOFBF, 1 << 20);
	put32(0xa1b2c3d4);
	put32(2 | 4u << 16);	/* version 2.4 */
	put32(0);
	put32(0);
	put32(SNAPLEN);
	put32(1);		/* Ethernet */
	if (fl)
		flood(fl, maxatt, rate > 0 ? rate : 100000);
	else if (sc)
		scope_mix(sc, (uint32_t)dests, (uint32_t)sources, (uint32_t)cap,
		    (int64_t)duration);
	else
		peak = mixed(packets, attempts, rate > 0 ? rate : rate0,
		    maxatt ? maxatt : 100000);
	if (fclose(out) != 0) {
		perror(outpath);
		return 1;
	}

	tally("summary read", written);
	tally("summary tcp", s_tcp);
	tally("summary icmp-error", s_icmp_error);
	tally("summary other-proto", s_other_proto);
	tally("summary not-ip", 0);
	tally("summary fragment", 0);
	tally("summary truncated", 0);
	tally("summary malformed", 0);
	tally("summary not-smtp", s_not_smtp);
	tally("summary midstream", s_midstream);
	tally("summary unmatched_syn-ack", 0);
	tally("summary unmatched_rst", 0);
	tally("summary unmatched_icmp", 0);
	tally("summary duplicate_syns", 0);
	tally("summary after_verdict", s_after_verdict);
	tally("summary time_went_back", 0);
	tally("summary evicted", s_evicted);
	tally("servers", nsrvset);
	if ((tf = fopen(truthpath, "w")) == NULL) {
		perror(truthpath);
		return 1;
	}
	qsort(counts, (size_t)ncounts, sizeof counts[0], count_cmp);
	for (i = 0; i < ncounts; i++)
		fprintf(tf, "%s %" PRIu64 "\n", counts[i].key, counts[i].n);
	if (fclose(tf) != 0) {
		perror(truthpath);
		return 1;
	}
	fprintf(stderr, "gen: %s: %" PRIu64 " packets, %" PRIu64
	    " SMTP attempts, %.1f s\n", outpath, written,
	    nattempts, (double)last_written / 1e6);
	if (peak >= (maxatt ? maxatt : 100000)) {
		fprintf(stderr, "gen: %s %" PRIu64 " attempts start within %d s: "
		    "the truth may be wrong for --max-attempts %" PRIu64
		    " (see mixed(); lower --rate)\n", maxatt ? "error:" :
		    "warning: at least", peak, (int)(SPAN_US / SEC),
		    maxatt ? maxatt : 100000);
		if (maxatt)
			return 1;
	}
	return 0;
}

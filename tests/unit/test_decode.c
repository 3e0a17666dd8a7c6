/*
 * Unit tests for src/decode.c.  Frames are assembled byte by byte here; each
 * is decoded from an exactly sized heap copy so the sanitizers catch any read
 * past the captured length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/decode.h"

/* pcap DLT values, spelled out so the test needs no libpcap headers. */
enum {
	L_NULL = 0, L_EN10MB = 1, L_RAW = 12, L_LINKTYPE_RAW = 101,
	L_LOOP = 108, L_SLL = 113, L_IPV4 = 228, L_IPV6 = 229, L_SLL2 = 276,
	L_PPP = 9, L_C_HDLC = 104, L_FRELAY = 107, L_NFLOG = 239,
};

static const uint8_t C4[4] = { 192, 0, 2, 10 };		/* client */
static const uint8_t S4[4] = { 198, 51, 100, 25 };	/* server */
static const uint8_t R4[4] = { 203, 0, 113, 1 };	/* router */
static const uint8_t C6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
static const uint8_t S6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x25 };
static const uint8_t R6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0xff, [15] = 1 };

#define CPORT	40001
#define SPORT	25
#define ISN	0xdeadbeefu	/* top bit set: catches sign mistakes */
#define ACKN	0x01020304u

/* ---- frame assembly ---- */

struct frame {
	uint8_t b[4096];
	size_t n;
};

static void
put(struct frame *f, const void *d, size_t n)
{
	assert_true(n <= sizeof(f->b) - f->n);
	memcpy(f->b + f->n, d, n);
	f->n += n;
}

static void
put8(struct frame *f, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(f, &b, 1);
}

static void
put16(struct frame *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v);
}

static void
put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void
zeros(struct frame *f, size_t n)
{
	while (n--)
		put8(f, 0);
}

static void
poke16(struct frame *f, size_t off, unsigned v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

static const uint8_t MACS[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

static void
eth(struct frame *f, unsigned type)
{
	put(f, MACS, 12);
	put16(f, type);
}

/* A VLAN tag's TCI and the type that follows it. */
static void
tag(struct frame *f, unsigned inner)
{
	put16(f, 0x0064);
	put16(f, inner);
}

static void
sll(struct frame *f, unsigned proto)
{
	put16(f, 0);		/* packet type: to us */
	put16(f, 1);		/* ARPHRD_ETHER */
	put16(f, 6);
	put(f, MACS, 6);
	zeros(f, 2);
	put16(f, proto);
}

static void
sll2(struct frame *f, unsigned proto)
{
	put16(f, proto);
	put16(f, 0);		/* reserved */
	put32(f, 2);		/* ifindex */
	put16(f, 1);		/* ARPHRD_ETHER */
	put8(f, 4);		/* outgoing */
	put8(f, 6);
	put(f, MACS, 6);
	zeros(f, 2);
}

static void
null_hdr(struct frame *f, uint32_t af, int little_endian)
{
	for (int i = 0; i < 4; i++)
		put8(f, little_endian ? af >> (8 * i) : af >> (24 - 8 * i));
}

/* IPv4 header with optlen bytes of options; ip4_done() sets the length. */
static size_t
ip4(struct frame *f, unsigned proto, const uint8_t *src, const uint8_t *dst,
    unsigned ttl, size_t optlen, unsigned frag)
{
	size_t off = f->n;

	put8(f, 0x40 | (unsigned)(5 + optlen / 4));
	put8(f, 0);
	put16(f, 0);		/* total length, set later */
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, ttl);
	put8(f, proto);
	put16(f, 0xdead);	/* checksum: never validated */
	put(f, src, 4);
	put(f, dst, 4);
	for (size_t i = 0; i < optlen; i++)
		put8(f, i + 1 < optlen ? 1 : 0);	/* NOPs, EOL */
	return off;
}

static void
ip4_done(struct frame *f, size_t off)
{
	poke16(f, off + 2, (unsigned)(f->n - off));
}

static size_t
ip6(struct frame *f, unsigned nh, const uint8_t *src, const uint8_t *dst,
    unsigned hlim)
{
	size_t off = f->n;

	put32(f, 0x60000000);
	put16(f, 0);		/* payload length, set later */
	put8(f, nh);
	put8(f, hlim);
	put(f, src, 16);
	put(f, dst, 16);
	return off;
}

static void
ip6_done(struct frame *f, size_t off)
{
	poke16(f, off + 4, (unsigned)(f->n - off - 40));
}

/* Hop-by-hop, routing or destination options header of units*8 bytes. */
static void
ext6(struct frame *f, unsigned nh, size_t units)
{
	put8(f, nh);
	put8(f, units - 1);
	zeros(f, units * 8 - 2);	/* Pad1 options */
}

static void
frag6(struct frame *f, unsigned nh, unsigned offset8, int more)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, offset8 << 3 | (more ? 1 : 0));
	put32(f, 0xcafe);
}

/* TCP header with optlen bytes of options (MSS first, then NOPs). */
static void
tcp(struct frame *f, unsigned sport, unsigned dport, uint32_t seq,
    uint32_t ack, unsigned flags, size_t optlen)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, seq);
	put32(f, ack);
	put8(f, (unsigned)((20 + optlen) / 4) << 4);
	put8(f, flags);
	put16(f, 64240);
	put16(f, 0xbeef);
	put16(f, 0);
	for (size_t i = 0; i < optlen; i++) {
		static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 };

		put8(f, i < 4 && optlen >= 4 ? mss[i] : 1);
	}
}

static void
icmp(struct frame *f, unsigned type, unsigned code)
{
	put8(f, type);
	put8(f, code);
	put16(f, 0);		/* checksum: never validated */
	put32(f, 0);
}

/* The client's SYN, as IPv4 (ttl 64) or IPv6 (hop limit 64), 20 option bytes. */
static void
syn4_body(struct frame *f)
{
	size_t o = ip4(f, 6, C4, S4, 64, 0, 0x4000);

	tcp(f, CPORT, SPORT, ISN, 0, TCPF_SYN, 20);
	ip4_done(f, o);
}

static void
syn6_body(struct frame *f)
{
	size_t o = ip6(f, 6, C6, S6, 64);

	tcp(f, CPORT, SPORT, ISN, 0, TCPF_SYN, 20);
	ip6_done(f, o);
}

/* The first qlen bytes of the client's SYN TCP header. */
static void
syn_quote(struct frame *f, size_t qlen)
{
	struct frame t = { .n = 0 };

	tcp(&t, CPORT, SPORT, ISN, 0, TCPF_SYN, 20);
	put(f, t.b, qlen < t.n ? qlen : t.n);
}

/* Ethernet + router -> client ICMP error quoting qlen bytes of the SYN's TCP. */
static void
icmp4_err(struct frame *f, unsigned type, unsigned code, size_t qlen)
{
	size_t o, q;

	eth(f, 0x0800);
	o = ip4(f, 1, R4, C4, 250, 0, 0);
	icmp(f, type, code);
	q = ip4(f, 6, C4, S4, 47, 0, 0x4000);
	poke16(f, q + 2, 60);	/* the original length, not the quote's */
	syn_quote(f, qlen);
	ip4_done(f, o);
}

static void
icmp6_err(struct frame *f, unsigned type, unsigned code, size_t qlen)
{
	size_t o;

	eth(f, 0x86dd);
	o = ip6(f, 58, R6, C6, 60);
	icmp(f, type, code);
	ip6(f, 6, C6, S6, 64);
	poke16(f, f->n - 36, 40);
	syn_quote(f, qlen);
	ip6_done(f, o);
}

/* ---- decoding and checks ---- */

/*
 * Decodes caplen bytes of f (wire length wirelen) from an exactly sized heap
 * copy; a payload pointer is checked to lie in the copy and mapped back to f.
 */
static enum decode_status
dec_cut(int dlt, const struct frame *f, size_t caplen, size_t wirelen,
    struct packet *p)
{
	uint8_t *copy;
	enum decode_status st;

	assert_true(caplen <= f->n);
	copy = malloc(caplen ? caplen : 1);
	assert_non_null(copy);
	memcpy(copy, f->b, caplen);
	/* Garbage: the decoder must write every field it promises. */
	memset(p, 0xa5, sizeof(*p));
	st = decode_packet(dlt, copy, (uint32_t)caplen, (uint32_t)wirelen, p);
	assert_in_range(st, 0, DEC_STATUS_COUNT - 1);
	assert_true(p->ll_len <= LLADDR_MAX);
	if (dlt != L_NFLOG)
		assert_int_equal(p->nflog, 0);
	if (st == DEC_TCP || st == DEC_ICMP_ERROR)
		assert_true(p->src.family == 4 || p->src.family == 6);
	if (st == DEC_TCP) {
		const uint8_t *pl = p->u.tcp.payload;

		assert_true(p->u.tcp.payload_len <= p->u.tcp.payload_wire_len);
		if (pl == NULL) {
			assert_int_equal(p->u.tcp.payload_len, 0);
		} else {
			assert_true(pl >= copy && p->u.tcp.payload_len <=
			    (size_t)(copy + caplen - pl));
			p->u.tcp.payload = f->b + (pl - copy);
		}
	}
	if (p->nflog && p->nflog_prefix != NULL) {	/* moved to f too */
		assert_true(p->nflog_prefix >= copy && p->nflog_prefix_len <=
		    (size_t)(copy + caplen - p->nflog_prefix));
		p->nflog_prefix = f->b + (p->nflog_prefix - copy);
	}
	if (p->ll_len > 0) {
		assert_true(p->ll_src >= copy && p->ll_len <=
		    (size_t)(copy + caplen - p->ll_src));
		p->ll_src = f->b + (p->ll_src - copy);
	}
	free(copy);
	return st;
}

static enum decode_status
dec(int dlt, const struct frame *f, struct packet *p)
{
	return dec_cut(dlt, f, f->n, f->n, p);
}

static void
assert_addr(const struct addr *a, int family, const uint8_t *b)
{
	size_t n = family == 4 ? 4 : 16;

	assert_int_equal(a->family, family);
	assert_memory_equal(a->b, b, n);
	for (size_t i = n; i < 16; i++)
		assert_int_equal(a->b[i], 0);
}

/* The fields of the client's SYN from syn4_body() / syn6_body(). */
static void
assert_syn(const struct packet *p, int family)
{
	assert_addr(&p->src, family, family == 4 ? C4 : C6);
	assert_addr(&p->dst, family, family == 4 ? S4 : S6);
	assert_int_equal(p->ttl, 64);
	assert_int_equal(p->u.tcp.sport, CPORT);
	assert_int_equal(p->u.tcp.dport, SPORT);
	assert_int_equal(p->u.tcp.seq, ISN);
	assert_int_equal(p->u.tcp.ack, 0);
	assert_int_equal(p->u.tcp.flags, TCPF_SYN);
	assert_null(p->u.tcp.payload);
	assert_int_equal(p->u.tcp.payload_len, 0);
	assert_int_equal(p->u.tcp.payload_wire_len, 0);
}

/* The quote fields of icmp4_err() / icmp6_err(). */
static void
assert_quote(const struct packet *p, int family, unsigned type,
    unsigned code, int has_seq)
{
	assert_addr(&p->src, family, family == 4 ? R4 : R6);
	assert_addr(&p->dst, family, family == 4 ? C4 : C6);
	assert_int_equal(p->ttl, family == 4 ? 250 : 60);
	assert_int_equal(p->u.icmp.type, type);
	assert_int_equal(p->u.icmp.code, code);
	assert_addr(&p->u.icmp.qsrc, family, family == 4 ? C4 : C6);
	assert_addr(&p->u.icmp.qdst, family, family == 4 ? S4 : S6);
	assert_int_equal(p->u.icmp.qsport, CPORT);
	assert_int_equal(p->u.icmp.qdport, SPORT);
	assert_int_equal(p->u.icmp.has_seq, has_seq);
	assert_int_equal(p->u.icmp.qseq, has_seq ? ISN : 0);
}

/* ---- link layers ---- */

static void
test_en10mb(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	eth(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 4);

	f.n = 0;
	eth(&f, 0x86dd);
	syn6_body(&f);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 6);
}

static void
test_vlan_8021q(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	eth(&f, 0x8100);
	tag(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 4);
}

static void
test_vlan_qinq(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	eth(&f, 0x88a8);
	tag(&f, 0x8100);
	tag(&f, 0x86dd);
	syn6_body(&f);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 6);

	f.n = 0;
	eth(&f, 0x9100);
	tag(&f, 0x8100);
	tag(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 4);
}

static void
test_vlan_limit(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	eth(&f, 0x8100);			/* 8 tags: the limit */
	for (int i = 0; i < 7; i++)
		tag(&f, 0x8100);
	tag(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 4);

	f.n = 0;
	eth(&f, 0x8100);			/* 9 tags */
	for (int i = 0; i < 8; i++)
		tag(&f, 0x8100);
	tag(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);

	f.n = 0;				/* tag cut by the snap length */
	eth(&f, 0x8100);
	tag(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec_cut(L_EN10MB, &f, 16, f.n, &p), DEC_TRUNCATED);
	assert_int_equal(dec_cut(L_EN10MB, &f, 16, 16, &p), DEC_MALFORMED);
}

static void
test_not_ip(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	eth(&f, 0x0806);			/* ARP */
	zeros(&f, 28);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_NOT_IP);

	f.n = 0;
	eth(&f, 0x8100);			/* LLDP behind a VLAN tag */
	tag(&f, 0x88cc);
	zeros(&f, 30);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_NOT_IP);

	f.n = 0;
	sll(&f, 0x0004);			/* 802.2 LLC */
	zeros(&f, 30);
	assert_int_equal(dec(L_SLL, &f, &p), DEC_NOT_IP);
}

static void
test_sll(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	sll(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(L_SLL, &f, &p), DEC_TCP);
	assert_syn(&p, 4);

	f.n = 0;
	sll(&f, 0x8100);			/* tag left in the data */
	tag(&f, 0x86dd);
	syn6_body(&f);
	assert_int_equal(dec(L_SLL, &f, &p), DEC_TCP);
	assert_syn(&p, 6);
}

static void
test_sll2(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	sll2(&f, 0x86dd);
	syn6_body(&f);
	assert_int_equal(dec(L_SLL2, &f, &p), DEC_TCP);
	assert_syn(&p, 6);

	f.n = 0;
	sll2(&f, 0x8100);
	tag(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(L_SLL2, &f, &p), DEC_TCP);
	assert_syn(&p, 4);

	/* The 16-byte SLL header is too short for SLL2. */
	assert_int_equal(dec_cut(L_SLL2, &f, 16, 16, &p), DEC_MALFORMED);
}

/* The link-layer source address: Ethernet's, or a cooked header's, at most
 * 8 bytes whatever its length field claims; none for raw IP. */
static void
test_link_source(void **state)
{
	static const uint8_t eight[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	eth(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_int_equal(p.ll_len, 6);
	assert_memory_equal(p.ll_src, MACS + 6, 6);
	/* Cut inside the Ethernet header: no address. */
	assert_int_equal(dec_cut(L_EN10MB, &f, 13, f.n, &p), DEC_TRUNCATED);
	assert_int_equal(p.ll_len, 0);

	f.n = 0;
	sll(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(L_SLL, &f, &p), DEC_TCP);
	assert_int_equal(p.ll_len, 6);
	assert_memory_equal(p.ll_src, MACS, 6);
	/* A length field past the 8-byte address field. */
	poke16(&f, 4, 0xffff);
	memcpy(f.b + 6, eight, 8);
	assert_int_equal(dec(L_SLL, &f, &p), DEC_TCP);
	assert_int_equal(p.ll_len, 8);
	assert_memory_equal(p.ll_src, eight, 8);

	f.n = 0;
	sll2(&f, 0x86dd);
	syn6_body(&f);
	assert_int_equal(dec(L_SLL2, &f, &p), DEC_TCP);
	assert_int_equal(p.ll_len, 6);
	assert_memory_equal(p.ll_src, MACS, 6);
	f.b[11] = 0;				/* no address (a tunnel) */
	assert_int_equal(dec(L_SLL2, &f, &p), DEC_TCP);
	assert_int_equal(p.ll_len, 0);
	f.b[11] = 200;
	assert_int_equal(dec(L_SLL2, &f, &p), DEC_TCP);
	assert_int_equal(p.ll_len, 8);

	f.n = 0;
	syn4_body(&f);
	assert_int_equal(dec(L_RAW, &f, &p), DEC_TCP);
	assert_int_equal(p.ll_len, 0);
	f.n = 0;
	null_hdr(&f, 2, 1);
	syn4_body(&f);
	assert_int_equal(dec(L_NULL, &f, &p), DEC_TCP);
	assert_int_equal(p.ll_len, 0);
}

static void
test_raw(void **state)
{
	static const int v4dlts[] = { L_RAW, L_LINKTYPE_RAW, L_IPV4 };
	static const int v6dlts[] = { L_RAW, L_LINKTYPE_RAW, L_IPV6 };
	struct frame f4 = { .n = 0 }, f6 = { .n = 0 };
	struct packet p;

	(void)state;
	syn4_body(&f4);
	syn6_body(&f6);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(dec(v4dlts[i], &f4, &p), DEC_TCP);
		assert_syn(&p, 4);
		assert_int_equal(dec(v6dlts[i], &f6, &p), DEC_TCP);
		assert_syn(&p, 6);
	}
	/* DLT_IPV4/IPV6 promise a version: the other one is malformed. */
	assert_int_equal(dec(L_IPV4, &f6, &p), DEC_MALFORMED);
	assert_int_equal(dec(L_IPV6, &f4, &p), DEC_MALFORMED);
	/* Raw IP with neither version. */
	f4.b[0] = 0x55;
	assert_int_equal(dec(L_RAW, &f4, &p), DEC_NOT_IP);
}

static void
test_null(void **state)
{
	static const uint32_t v6af[] = { 24, 28, 30 };
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	for (int le = 0; le < 2; le++) {
		f.n = 0;
		null_hdr(&f, 2, le);
		syn4_body(&f);
		assert_int_equal(dec(L_NULL, &f, &p), DEC_TCP);
		assert_syn(&p, 4);
		for (size_t i = 0; i < 3; i++) {
			f.n = 0;
			null_hdr(&f, v6af[i], le);
			syn6_body(&f);
			assert_int_equal(dec(L_NULL, &f, &p), DEC_TCP);
			assert_syn(&p, 6);
		}
		f.n = 0;
		null_hdr(&f, 7, le);		/* AF_ISO or so */
		syn4_body(&f);
		assert_int_equal(dec(L_NULL, &f, &p), DEC_NOT_IP);
	}
}

static void
test_loop(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	null_hdr(&f, 2, 0);
	syn4_body(&f);
	assert_int_equal(dec(L_LOOP, &f, &p), DEC_TCP);
	assert_syn(&p, 4);

	f.n = 0;
	null_hdr(&f, 24, 0);
	syn6_body(&f);
	assert_int_equal(dec(L_LOOP, &f, &p), DEC_TCP);
	assert_syn(&p, 6);

	f.n = 0;				/* LOOP is network order only */
	null_hdr(&f, 2, 1);
	syn4_body(&f);
	assert_int_equal(dec(L_LOOP, &f, &p), DEC_NOT_IP);
}

static void
test_zero_length(void **state)
{
	static const int dlts[] = { L_NULL, L_EN10MB, L_RAW,
	    L_LINKTYPE_RAW, L_LOOP, L_SLL, L_IPV4, L_IPV6, L_SLL2 };
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	for (size_t i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		assert_int_equal(dec(dlts[i], &f, &p), DEC_MALFORMED);
		assert_int_equal(decode_packet(dlts[i], NULL, 0, 0, &p),
		    DEC_MALFORMED);
		/* Nothing captured of a 60-byte frame: the snap length did it. */
		assert_int_equal(decode_packet(dlts[i], NULL, 0, 60, &p),
		    DEC_TRUNCATED);
		assert_int_equal(p.src.family, 0);
	}
}

static void
test_unknown_link(void **state)
{
	static const int yes[] = { 0, 1, 9, 12, 101, 104, 107, 108, 113, 228,
	    229, 239, 276 };
	/* 14 is DLT_PPP_BSDOS on Linux, raw IP only on BSD/OS. */
	static const int no[] = { -1, 2, 14, 105, 127, 192, 227, 230, 275, 1000 };
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(decode_link_supported(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(decode_link_supported(no[i]));
	eth(&f, 0x0800);
	syn4_body(&f);
	assert_int_equal(dec(127, &f, &p), DEC_NOT_IP);	/* radiotap */
	assert_int_equal(p.src.family, 0);
}

/* ---- PPP, Cisco HDLC, Frame Relay, NFLOG ---- */

static void
test_ppp(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	put16(&f, 0xff03);		/* HDLC address and control */
	put16(&f, 0x0021);
	syn4_body(&f);
	assert_int_equal(dec(L_PPP, &f, &p), DEC_TCP);
	assert_syn(&p, 4);
	f.n = 0;
	put16(&f, 0x0057);		/* no address and control */
	syn6_body(&f);
	assert_int_equal(dec(L_PPP, &f, &p), DEC_TCP);
	assert_syn(&p, 6);
	f.n = 0;
	put8(&f, 0x21);			/* protocol field compressed */
	syn4_body(&f);
	assert_int_equal(dec(L_PPP, &f, &p), DEC_TCP);
	f.n = 0;
	put16(&f, 0xc021);		/* LCP */
	zeros(&f, 8);
	assert_int_equal(dec(L_PPP, &f, &p), DEC_NOT_IP);
	f.n = 0;
	put16(&f, 0xff03);		/* cut before the protocol */
	assert_int_equal(dec(L_PPP, &f, &p), DEC_MALFORMED);
}

static void
test_c_hdlc(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	put16(&f, 0x0f00);		/* unicast address, control */
	put16(&f, 0x86dd);
	syn6_body(&f);
	assert_int_equal(dec(L_C_HDLC, &f, &p), DEC_TCP);
	assert_syn(&p, 6);
	f.n = 0;
	put16(&f, 0x8f00);
	put16(&f, 0x8035);		/* SLARP */
	zeros(&f, 20);
	assert_int_equal(dec(L_C_HDLC, &f, &p), DEC_NOT_IP);
	f.n = 0;
	put16(&f, 0x0f00);
	assert_int_equal(dec(L_C_HDLC, &f, &p), DEC_MALFORMED);
}

static void
test_frame_relay(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	put16(&f, 0x0401);		/* DLCI 64, EA set on the second byte */
	put8(&f, 0x03);			/* UI */
	put8(&f, 0xcc);			/* NLPID IPv4 */
	syn4_body(&f);
	assert_int_equal(dec(L_FRELAY, &f, &p), DEC_TCP);
	assert_syn(&p, 4);
	f.n = 0;
	put16(&f, 0x0401);
	put16(&f, 0x0300);		/* UI, pad */
	put8(&f, 0x80);			/* SNAP, OUI 0, IPv6 */
	put8(&f, 0);
	put16(&f, 0);
	put16(&f, 0x86dd);
	syn6_body(&f);
	assert_int_equal(dec(L_FRELAY, &f, &p), DEC_TCP);
	assert_syn(&p, 6);
	f.n = 0;
	put16(&f, 0x0401);
	put16(&f, 0x0800);		/* Cisco encapsulation */
	syn4_body(&f);
	assert_int_equal(dec(L_FRELAY, &f, &p), DEC_TCP);
	f.n = 0;
	put16(&f, 0x0401);
	put16(&f, 0x0308);		/* Q.933 signalling */
	zeros(&f, 8);
	assert_int_equal(dec(L_FRELAY, &f, &p), DEC_NOT_IP);
	f.n = 0;
	put32(&f, 0x04040404);		/* no last address byte */
	put8(&f, 0x03);
	assert_int_equal(dec(L_FRELAY, &f, &p), DEC_MALFORMED);
}

/* A TLV in the host's byte order, as libpcap hands NFLOG over. */
static void
nflog_tlv(struct frame *f, uint16_t type, const void *v, size_t n)
{
	uint16_t h[2] = { (uint16_t)(n + 4), type };

	put(f, h, 4);
	put(f, v, n);
	while (f->n % 4)
		put8(f, 0);
}

static void
nflog_hdr(struct frame *f, unsigned family, unsigned group)
{
	static const uint8_t hwproto[4] = { 0x08, 0x00, 3, 0 };

	put8(f, family);
	put8(f, 0);
	put16(f, group);
	nflog_tlv(f, 1, hwproto, 4);	/* NFULA_PACKET_HDR */
	nflog_tlv(f, 10, "smtp-out", 9);	/* NFULA_PREFIX, with its NUL */
}

static void
test_nflog(void **state)
{
	struct frame f = { .n = 0 }, body = { .n = 0 };
	struct packet p;

	(void)state;
	syn4_body(&body);
	nflog_hdr(&f, 2, 5);
	nflog_tlv(&f, 9, body.b, body.n);	/* NFULA_PAYLOAD */
	assert_int_equal(dec(L_NFLOG, &f, &p), DEC_TCP);
	assert_syn(&p, 4);
	assert_int_equal(p.nflog, 1);
	assert_int_equal(p.nflog_group, 5);
	assert_int_equal(p.nflog_prefix_len, 9);	/* the field, its NUL too */
	assert_memory_equal(p.nflog_prefix, "smtp-out", 9);
	/* Cut by the capture inside the payload: truncated. */
	assert_int_equal(dec_cut(L_NFLOG, &f, f.n - 30, f.n, &p),
	    DEC_TRUNCATED);
	/* Cut by the rule's copy range: the payload TLV is shorter than
	 * the IP packet.  Its TCP header is still whole. */
	f.n = 0;
	nflog_hdr(&f, 2, 5);
	nflog_tlv(&f, 9, body.b, body.n - 4);
	assert_int_equal(dec(L_NFLOG, &f, &p), DEC_TCP);
	body.n = 0;
	syn6_body(&body);
	f.n = 0;
	nflog_hdr(&f, 10, 65535);
	nflog_tlv(&f, 9, body.b, body.n);
	assert_int_equal(dec(L_NFLOG, &f, &p), DEC_TCP);
	assert_syn(&p, 6);
	assert_int_equal(p.nflog_group, 65535);
	/* No payload TLV; a TLV shorter than its header; version 1. */
	f.n = 0;
	nflog_hdr(&f, 2, 5);
	assert_int_equal(dec(L_NFLOG, &f, &p), DEC_NOT_IP);
	put16(&f, 0);
	put16(&f, 0);
	assert_int_equal(dec(L_NFLOG, &f, &p), DEC_MALFORMED);
	f.b[1] = 1;
	assert_int_equal(dec(L_NFLOG, &f, &p), DEC_NOT_IP);
	/* A TLV claiming more than the frame holds. */
	f.n = 0;
	nflog_hdr(&f, 2, 5);
	put16(&f, 0);
	nflog_tlv(&f, 9, body.b, 8);
	f.b[f.n - 12] = 0xff;
	f.b[f.n - 11] = 0x7f;
	assert_int_not_equal(dec(L_NFLOG, &f, &p), DEC_TCP);
}

/* ---- IPv4 ---- */

static void
test_ipv4_options(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	eth(&f, 0x0800);
	o = ip4(&f, 6, C4, S4, 64, 12, 0);	/* IHL 8 */
	tcp(&f, CPORT, SPORT, ISN, 0, TCPF_SYN, 20);
	ip4_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 4);

	/* Options cut by the snap length, or beyond the total length. */
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 24, f.n, &p), DEC_TRUNCATED);
	poke16(&f, o + 2, 24);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
}

static void
test_ipv4_bad_header(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	eth(&f, 0x0800);
	syn4_body(&f);

	f.b[14] = 0x44;				/* IHL 4 */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[14] = 0x65;				/* version 6 in an IPv4 frame */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[14] = 0x46;				/* IHL 6, total length 20 */
	poke16(&f, 16, 20);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[14] = 0x45;
	poke16(&f, 16, 19);			/* total length < 20 */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
}

static void
test_ipv4_total_length(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	eth(&f, 0x0800);
	syn4_body(&f);				/* 60 bytes of IP */

	/* Claims more than the frame holds, all of it captured. */
	poke16(&f, 16, 100);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	/* Same, with a snap length: still more than was on the wire. */
	assert_int_equal(dec_cut(L_EN10MB, &f, 54, f.n, &p), DEC_MALFORMED);
	poke16(&f, 16, 60);

	/* The IP header itself cut by the snap length vs. a runt frame. */
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 10, f.n, &p), DEC_TRUNCATED);
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 10, 14 + 10, &p),
	    DEC_MALFORMED);
	/* The TCP header cut by the snap length. */
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 30, f.n, &p), DEC_TRUNCATED);
	assert_addr(&p.src, 4, C4);
}

static void
test_ipv4_tso_zero_length(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	eth(&f, 0x0800);
	o = ip4(&f, 6, S4, C4, 64, 0, 0);
	tcp(&f, SPORT, CPORT, 1000, ISN + 1, TCPF_ACK | TCPF_PSH, 0);
	zeros(&f, 3000);
	/* Total length left 0, as a TSO send captured before segmentation. */
	(void)o;
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_int_equal(p.u.tcp.payload_len, 3000);
	assert_int_equal(p.u.tcp.payload_wire_len, 3000);
	assert_ptr_equal(p.u.tcp.payload, f.b + 54);
}

static void
test_ethernet_padding(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	eth(&f, 0x0800);
	o = ip4(&f, 6, S4, C4, 57, 0, 0);
	tcp(&f, SPORT, CPORT, 0, ISN + 1, TCPF_RST | TCPF_ACK, 0);
	ip4_done(&f, o);
	for (int i = 0; i < 6; i++)		/* pad to 60 bytes, not zeros */
		put8(&f, 0x41);
	assert_int_equal(f.n, 60);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_addr(&p.src, 4, S4);
	assert_addr(&p.dst, 4, C4);
	assert_int_equal(p.ttl, 57);
	assert_int_equal(p.u.tcp.sport, SPORT);
	assert_int_equal(p.u.tcp.dport, CPORT);
	assert_int_equal(p.u.tcp.seq, 0);
	assert_int_equal(p.u.tcp.ack, ISN + 1);
	assert_int_equal(p.u.tcp.flags, TCPF_RST | TCPF_ACK);
	assert_null(p.u.tcp.payload);
	assert_int_equal(p.u.tcp.payload_len, 0);
	assert_int_equal(p.u.tcp.payload_wire_len, 0);
}

static void
test_ipv4_fragments(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	eth(&f, 0x0800);
	o = ip4(&f, 6, C4, S4, 64, 0, 0x2000);	/* MF, offset 0 */
	tcp(&f, CPORT, SPORT, ISN, 0, TCPF_SYN, 20);
	ip4_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 4);

	poke16(&f, o + 6, 0x2000 | 185);	/* offset 1480 */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_FRAGMENT);
	assert_addr(&p.src, 4, C4);
	assert_addr(&p.dst, 4, S4);
	poke16(&f, o + 6, 1);			/* last fragment, offset 8 */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_FRAGMENT);
}

static void
test_ipv4_other_proto(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	eth(&f, 0x0800);
	o = ip4(&f, 17, C4, S4, 64, 0, 0);	/* UDP */
	zeros(&f, 8);
	ip4_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_OTHER_PROTO);
	assert_addr(&p.src, 4, C4);
	assert_int_equal(p.ttl, 64);
}

/* ---- IPv6 ---- */

static void
test_ipv6_ext_headers(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	eth(&f, 0x86dd);
	o = ip6(&f, 0, C6, S6, 64);
	ext6(&f, 43, 1);			/* hop-by-hop */
	ext6(&f, 60, 3);			/* routing, 24 bytes */
	ext6(&f, 51, 2);			/* dstopts */
	put8(&f, 6);				/* AH: 12 bytes, length 1 */
	put8(&f, 1);
	zeros(&f, 10);
	tcp(&f, CPORT, SPORT, ISN, 0, TCPF_SYN, 20);
	ip6_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 6);

	/* Cut inside the routing header by the snap length vs. by plen. */
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 40 + 8 + 12, f.n, &p),
	    DEC_TRUNCATED);
	poke16(&f, o + 4, 8 + 12);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
}

static void
test_ipv6_ext_chain_limit(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	for (int n = 16; n <= 17; n++) {
		f.n = 0;
		eth(&f, 0x86dd);
		o = ip6(&f, 60, C6, S6, 64);
		for (int i = 0; i < n; i++)
			ext6(&f, i + 1 < n ? 60 : 6, 1);
		tcp(&f, CPORT, SPORT, ISN, 0, TCPF_SYN, 20);
		ip6_done(&f, o);
		if (n == 16) {
			assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
			assert_syn(&p, 6);
		} else {
			assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
		}
	}
}

static void
test_ipv6_fragments(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o, fh;

	(void)state;
	eth(&f, 0x86dd);
	o = ip6(&f, 44, C6, S6, 64);
	fh = f.n;
	frag6(&f, 6, 0, 1);			/* first fragment */
	tcp(&f, CPORT, SPORT, ISN, 0, TCPF_SYN, 20);
	ip6_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_syn(&p, 6);

	poke16(&f, fh + 2, 181 << 3);		/* offset 1448, last */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_FRAGMENT);
	assert_addr(&p.src, 6, C6);
	assert_addr(&p.dst, 6, S6);
}

static void
test_ipv6_other(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	eth(&f, 0x86dd);
	o = ip6(&f, 0, C6, S6, 64);
	ext6(&f, 59, 1);			/* no next header */
	ip6_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_OTHER_PROTO);
	assert_addr(&p.src, 6, C6);
	assert_int_equal(p.ttl, 64);

	f.n = 0;				/* ICMPv4 inside IPv6 */
	eth(&f, 0x86dd);
	o = ip6(&f, 1, C6, S6, 64);
	icmp(&f, 3, 3);
	ip6_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_OTHER_PROTO);

	f.n = 0;				/* version 4 in an IPv6 frame */
	eth(&f, 0x86dd);
	syn6_body(&f);
	f.b[14] = 0x45;
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[14] = 0x60;
	/* Payload length beyond the frame; header cut by the snap length. */
	poke16(&f, 18, 41);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	poke16(&f, 18, 40);
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 39, f.n, &p), DEC_TRUNCATED);
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 39, 14 + 39, &p),
	    DEC_MALFORMED);
}

/* ---- TCP ---- */

static void
test_tcp_data_offset(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t doff = 14 + 20 + 12;

	(void)state;
	eth(&f, 0x0800);
	syn4_body(&f);				/* data offset 10 */

	f.b[doff] = 4 << 4;
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[doff] = 0;
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[doff] = 11 << 4;			/* 44 bytes, 40 present */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[doff] = 10 << 4;
	/*
	 * Options cut by the snap length (zeek/tcp-truncated-header.pcap):
	 * the fixed header is all we use, so it is still a segment.
	 */
	assert_int_equal(dec_cut(L_EN10MB, &f, f.n - 7, f.n, &p), DEC_TCP);
	assert_syn(&p, 4);
	/* Only 19 bytes of the fixed header. */
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 20 + 19, f.n, &p),
	    DEC_TRUNCATED);
	/* Fewer than 20 bytes of TCP, all of it the packet (data offset 5,
	 * so only the fixed header's length check can refuse it). */
	f.b[doff] = 5 << 4;
	poke16(&f, 16, 20 + 19);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
}

static void
test_tcp_payload(void **state)
{
	static const char greet[] = "220 mx.example.com ESMTP\r\n";
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o, pl;

	(void)state;
	eth(&f, 0x0800);
	o = ip4(&f, 6, S4, C4, 52, 0, 0x4000);
	tcp(&f, SPORT, CPORT, 777, ISN + 1, TCPF_PSH | TCPF_ACK, 12);
	pl = f.n;
	put(&f, greet, sizeof(greet) - 1);
	ip4_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_TCP);
	assert_addr(&p.src, 4, S4);
	assert_int_equal(p.ttl, 52);
	assert_int_equal(p.u.tcp.sport, SPORT);
	assert_int_equal(p.u.tcp.seq, 777);
	assert_int_equal(p.u.tcp.ack, ISN + 1);
	assert_int_equal(p.u.tcp.flags, TCPF_PSH | TCPF_ACK);
	assert_ptr_equal(p.u.tcp.payload, f.b + pl);
	assert_int_equal(p.u.tcp.payload_len, sizeof(greet) - 1);
	assert_int_equal(p.u.tcp.payload_wire_len, sizeof(greet) - 1);
	assert_memory_equal(p.u.tcp.payload, greet, sizeof(greet) - 1);

	/* Snap length cuts the payload: a TCP segment, short payload. */
	assert_int_equal(dec_cut(L_EN10MB, &f, pl + 4, f.n, &p), DEC_TCP);
	assert_ptr_equal(p.u.tcp.payload, f.b + pl);
	assert_int_equal(p.u.tcp.payload_len, 4);
	assert_int_equal(p.u.tcp.payload_wire_len, sizeof(greet) - 1);
	/* Options cut: no payload captured, its wire length still known. */
	assert_int_equal(dec_cut(L_EN10MB, &f, pl - 5, f.n, &p), DEC_TCP);
	assert_int_equal(p.u.tcp.seq, 777);
	assert_null(p.u.tcp.payload);
	assert_int_equal(p.u.tcp.payload_len, 0);
	assert_int_equal(p.u.tcp.payload_wire_len, sizeof(greet) - 1);
	/* Cut exactly at the end of the header: nothing captured. */
	assert_int_equal(dec_cut(L_EN10MB, &f, pl, f.n, &p), DEC_TCP);
	assert_null(p.u.tcp.payload);
	assert_int_equal(p.u.tcp.payload_len, 0);
	assert_int_equal(p.u.tcp.payload_wire_len, sizeof(greet) - 1);

	/* IPv6 payload, with a snap length. */
	f.n = 0;
	eth(&f, 0x86dd);
	o = ip6(&f, 6, S6, C6, 55);
	tcp(&f, SPORT, CPORT, 777, ISN + 1, TCPF_PSH | TCPF_ACK, 0);
	pl = f.n;
	put(&f, greet, sizeof(greet) - 1);
	ip6_done(&f, o);
	assert_int_equal(dec_cut(L_EN10MB, &f, pl + 10, f.n, &p), DEC_TCP);
	assert_addr(&p.src, 6, S6);
	assert_int_equal(p.ttl, 55);
	assert_ptr_equal(p.u.tcp.payload, f.b + pl);
	assert_int_equal(p.u.tcp.payload_len, 10);
	assert_int_equal(p.u.tcp.payload_wire_len, sizeof(greet) - 1);
}

/* ---- ICMPv4 ---- */

static void
test_icmp4_full_quote(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	icmp4_err(&f, 3, 3, 40);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
	assert_quote(&p, 4, 3, 3, 1);

	f.n = 0;
	icmp4_err(&f, 11, 0, 40);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
	assert_quote(&p, 4, 11, 0, 1);
}

static void
test_icmp4_short_quotes(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	/* RFC 792's 8 bytes: ports and sequence number. */
	icmp4_err(&f, 3, 10, 8);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
	assert_quote(&p, 4, 3, 10, 1);

	/* 4..7 bytes: ports only, no sequence number. */
	for (size_t q = 4; q < 8; q++) {
		f.n = 0;
		icmp4_err(&f, 3, 1, q);
		assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
		assert_quote(&p, 4, 3, 1, 0);
	}

	/* Fewer than 4 bytes: no ports. */
	f.n = 0;
	icmp4_err(&f, 3, 3, 3);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	/* A full quote cut by the snap length to 3 bytes of TCP. */
	f.n = 0;
	icmp4_err(&f, 3, 3, 40);
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 20 + 8 + 20 + 3, f.n, &p),
	    DEC_TRUNCATED);
	/* ... and to 6 bytes of TCP: ports, no sequence number. */
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 20 + 8 + 20 + 6, f.n, &p),
	    DEC_ICMP_ERROR);
	assert_quote(&p, 4, 3, 3, 0);
}

static void
test_icmp4_quote_variants(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o, q;

	(void)state;
	/* Quoted IP header with options. */
	eth(&f, 0x0800);
	o = ip4(&f, 1, R4, C4, 250, 0, 0);
	icmp(&f, 3, 13);
	ip4(&f, 6, C4, S4, 47, 8, 0);
	syn_quote(&f, 8);
	ip4_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
	assert_quote(&p, 4, 3, 13, 1);

	/* Quoted header: bad version, IHL < 5, options not quoted. */
	f.n = 0;
	icmp4_err(&f, 3, 3, 8);
	q = 14 + 20 + 8;
	f.b[q] = 0x65;
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[q] = 0x43;
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[q] = 0x4f;				/* 60-byte header, 28 quoted */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.b[q] = 0x45;

	/* Quoted non-first fragment: its TCP header is not there. */
	poke16(&f, q + 6, 0x0010);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_OTHER_PROTO);
	poke16(&f, q + 6, 0x2000);		/* first fragment is fine */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
	assert_quote(&p, 4, 3, 3, 1);

	/* Quoted header cut by the snap length. */
	assert_int_equal(dec_cut(L_EN10MB, &f, q + 12, f.n, &p), DEC_TRUNCATED);
	assert_int_equal(dec_cut(L_EN10MB, &f, q + 12, q + 12, &p),
	    DEC_MALFORMED);
}

static void
test_icmp4_not_ours(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	/* Port unreachable quoting UDP. */
	eth(&f, 0x0800);
	o = ip4(&f, 1, R4, C4, 250, 0, 0);
	icmp(&f, 3, 3);
	ip4(&f, 17, C4, S4, 64, 0, 0);
	put16(&f, 5353);
	put16(&f, 53);
	put16(&f, 30);
	put16(&f, 0);
	ip4_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_OTHER_PROTO);
	assert_addr(&p.src, 4, R4);

	/* Echo request and reply, redirect. */
	static const uint8_t types[] = { 8, 0, 5 };
	for (size_t i = 0; i < sizeof(types); i++) {
		f.n = 0;
		eth(&f, 0x0800);
		o = ip4(&f, 1, C4, S4, 64, 0, 0);
		icmp(&f, types[i], 0);
		zeros(&f, 28);
		ip4_done(&f, o);
		assert_int_equal(dec(L_EN10MB, &f, &p), DEC_OTHER_PROTO);
	}
}

static void
test_icmp4_truncated_header(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	eth(&f, 0x0800);
	o = ip4(&f, 1, R4, C4, 250, 0, 0);
	put8(&f, 3);
	put8(&f, 3);
	put16(&f, 0);				/* 4 of the 8 header bytes */
	ip4_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	assert_addr(&p.src, 4, R4);

	f.n = 0;
	icmp4_err(&f, 3, 3, 8);
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 20 + 4, f.n, &p),
	    DEC_TRUNCATED);
	/* Header complete but nothing of the quote captured. */
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 20 + 8, f.n, &p),
	    DEC_TRUNCATED);
}

/* ---- ICMPv6 ---- */

static void
test_icmp6_quotes(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;

	(void)state;
	icmp6_err(&f, 1, 1, 40);		/* admin prohibited, full quote */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
	assert_quote(&p, 6, 1, 1, 1);

	f.n = 0;
	icmp6_err(&f, 1, 4, 8);			/* port unreachable, 8 bytes */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
	assert_quote(&p, 6, 1, 4, 1);

	f.n = 0;
	icmp6_err(&f, 3, 0, 4);			/* hop limit exceeded, ports */
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
	assert_quote(&p, 6, 3, 0, 0);

	f.n = 0;
	icmp6_err(&f, 1, 0, 2);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);

	f.n = 0;				/* quoted version wrong */
	icmp6_err(&f, 1, 4, 8);
	f.b[14 + 40 + 8] = 0x45;
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
}

static void
test_icmp6_quote_ext_headers(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o, q;

	(void)state;
	eth(&f, 0x86dd);
	o = ip6(&f, 58, R6, C6, 60);
	icmp(&f, 1, 4);
	q = f.n;
	ip6(&f, 60, C6, S6, 64);
	ext6(&f, 6, 2);				/* quoted dstopts, 16 bytes */
	syn_quote(&f, 40);
	ip6_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_ICMP_ERROR);
	assert_quote(&p, 6, 1, 4, 1);

	/* The quote ends inside the quoted extension header. */
	f.n = q + 40 + 10;
	ip6_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	f.n = q + 40 + 1;			/* not even its length byte */
	ip6_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
	/* ... because of the snap length. */
	f.n = q + 40 + 16 + 40;
	ip6_done(&f, o);
	assert_int_equal(dec_cut(L_EN10MB, &f, q + 40 + 10, f.n, &p),
	    DEC_TRUNCATED);

	/* A quoted non-first fragment. */
	f.n = 0;
	eth(&f, 0x86dd);
	o = ip6(&f, 58, R6, C6, 60);
	icmp(&f, 1, 4);
	ip6(&f, 44, C6, S6, 64);
	frag6(&f, 6, 100, 0);
	syn_quote(&f, 8);
	ip6_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_OTHER_PROTO);
}

static void
test_icmp6_not_ours(void **state)
{
	struct frame f = { .n = 0 };
	struct packet p;
	size_t o;

	(void)state;
	/* Port unreachable quoting UDP. */
	eth(&f, 0x86dd);
	o = ip6(&f, 58, R6, C6, 60);
	icmp(&f, 1, 4);
	ip6(&f, 17, C6, S6, 64);
	zeros(&f, 8);
	ip6_done(&f, o);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_OTHER_PROTO);
	assert_addr(&p.src, 6, R6);

	/* Echo request, packet too big, parameter problem, NS. */
	static const uint8_t types[] = { 128, 2, 4, 135 };
	for (size_t i = 0; i < sizeof(types); i++) {
		f.n = 0;
		eth(&f, 0x86dd);
		o = ip6(&f, 58, C6, S6, 255);
		icmp(&f, types[i], 0);
		zeros(&f, 48);
		ip6_done(&f, o);
		assert_int_equal(dec(L_EN10MB, &f, &p), DEC_OTHER_PROTO);
	}

	/* ICMPv6 header cut short. */
	f.n = 0;
	icmp6_err(&f, 1, 1, 8);
	assert_int_equal(dec_cut(L_EN10MB, &f, 14 + 40 + 5, f.n, &p),
	    DEC_TRUNCATED);
	poke16(&f, 18, 5);
	assert_int_equal(dec(L_EN10MB, &f, &p), DEC_MALFORMED);
}

/* ---- everything else ---- */

/*
 * Every prefix of a set of frames, with and without a snap length, then
 * random corruptions: no read outside the copy (ASan), a valid status, and
 * a prefix never decodes as malformed when the full frame decodes.
 */
static void
test_prefixes_and_noise(void **state)
{
	struct frame fs[8];
	struct packet p;
	uint32_t rng = 12345;

	(void)state;
	memset(fs, 0, sizeof(fs));
	eth(&fs[0], 0x0800);
	syn4_body(&fs[0]);
	eth(&fs[1], 0x86dd);
	syn6_body(&fs[1]);
	icmp4_err(&fs[2], 3, 3, 40);
	icmp6_err(&fs[3], 1, 4, 40);
	sll2(&fs[4], 0x8100);
	tag(&fs[4], 0x0800);
	syn4_body(&fs[4]);
	null_hdr(&fs[5], 30, 1);
	syn6_body(&fs[5]);
	sll(&fs[6], 0x86dd);
	syn6_body(&fs[6]);
	eth(&fs[7], 0x86dd);
	{
		size_t o = ip6(&fs[7], 0, C6, S6, 64);

		ext6(&fs[7], 44, 1);
		frag6(&fs[7], 6, 0, 1);
		tcp(&fs[7], CPORT, SPORT, ISN, 0, TCPF_SYN, 20);
		ip6_done(&fs[7], o);
	}
	static const int dlt[8] = { L_EN10MB, L_EN10MB, L_EN10MB, L_EN10MB,
	    L_SLL2, L_NULL, L_SLL, L_EN10MB };

	for (size_t i = 0; i < 8; i++) {
		enum decode_status full = dec(dlt[i], &fs[i], &p);

		assert_true(full == DEC_TCP || full == DEC_ICMP_ERROR);
		for (size_t n = 0; n < fs[i].n; n++) {
			enum decode_status st = dec_cut(dlt[i], &fs[i], n,
			    fs[i].n, &p);

			assert_true(st == DEC_TRUNCATED || st == full);
			(void)dec_cut(dlt[i], &fs[i], n, n, &p);
		}
	}
	for (int round = 0; round < 20000; round++) {
		struct frame f = fs[round % 8];
		size_t cut;

		for (int k = 0; k < 1 + round % 4; k++) {
			rng = rng * 1103515245u + 12345u;
			f.b[(rng >> 8) % f.n] = (uint8_t)(rng >> 20);
		}
		cut = (rng >> 4) % (f.n + 1);
		(void)dec_cut(dlt[round % 8], &f, cut, f.n, &p);
		(void)dec_cut(dlt[round % 8], &f, cut, cut, &p);
		(void)dec(dlt[round % 8], &f, &p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_en10mb),
		cmocka_unit_test(test_vlan_8021q),
		cmocka_unit_test(test_vlan_qinq),
		cmocka_unit_test(test_vlan_limit),
		cmocka_unit_test(test_not_ip),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_sll2),
		cmocka_unit_test(test_link_source),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_unknown_link),
		cmocka_unit_test(test_ppp),
		cmocka_unit_test(test_c_hdlc),
		cmocka_unit_test(test_frame_relay),
		cmocka_unit_test(test_nflog),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_bad_header),
		cmocka_unit_test(test_ipv4_total_length),
		cmocka_unit_test(test_ipv4_tso_zero_length),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv4_other_proto),
		cmocka_unit_test(test_ipv6_ext_headers),
		cmocka_unit_test(test_ipv6_ext_chain_limit),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_ipv6_other),
		cmocka_unit_test(test_tcp_data_offset),
		cmocka_unit_test(test_tcp_payload),
		cmocka_unit_test(test_icmp4_full_quote),
		cmocka_unit_test(test_icmp4_short_quotes),
		cmocka_unit_test(test_icmp4_quote_variants),
		cmocka_unit_test(test_icmp4_not_ours),
		cmocka_unit_test(test_icmp4_truncated_header),
		cmocka_unit_test(test_icmp6_quotes),
		cmocka_unit_test(test_icmp6_quote_ext_headers),
		cmocka_unit_test(test_icmp6_not_ours),
		cmocka_unit_test(test_prefixes_and_noise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

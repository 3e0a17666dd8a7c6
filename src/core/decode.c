/*
 * Packet decoder: link -> IPv4/IPv6 (+ extension headers) -> TCP, or an
 * ICMP/ICMPv6 error with its quoted IP+TCP header.
 *
 * Every read goes through a cursor that knows two ends: the bytes captured
 * and the bytes the enclosing headers say exist on the wire.  Running out of
 * captured bytes that do exist on the wire is DEC_TRUNCATED (snaplen cut);
 * a header claiming more than exists on the wire is DEC_MALFORMED.  Length
 * checks use the overflow-safe form `n <= end - p`, and multi-byte fields are
 * read byte by byte (be16/be32) only after such a check.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/decode.h"

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define MAX_VLAN_TAGS	8
#define MAX_EXT_HDRS	16

#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_ICMPV6_	58

#define NFULA_PAYLOAD	9
#define NFULA_PREFIX	10
#define NFLOG_IP_MAX	(65535 + 40)	/* the longest IPv6 packet but a jumbogram */

/* Returned by the internal layers: "not done yet, go on". */
enum { MORE = -1 };

struct cur {
	const uint8_t *p;	/* next byte to read */
	const uint8_t *end;	/* end of the captured bytes in this view */
	size_t wire;		/* bytes from p that exist on the wire (>= end - p) */
};

static size_t
avail(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

/* Why n bytes are not all there: a snaplen cut, or an impossible length. */
static enum decode_status
short_of(const struct cur *c, size_t n)
{
	return n <= c->wire ? DEC_TRUNCATED : DEC_MALFORMED;
}

#define NEED(c, n) do {						\
	if (!((size_t)(n) <= avail(c)))				\
		return short_of((c), (n));			\
} while (0)

static void
skip(struct cur *c, size_t n)	/* only after NEED(c, n) */
{
	c->p += n;
	c->wire -= n;
}

/* Restricts the view to the len bytes an IP length field claims. */
static int
clamp(struct cur *c, size_t len)
{
	if (len > c->wire)
		return 0;
	c->wire = len;
	if (len < avail(c))
		c->end = c->p + len;
	return 1;
}

static uint16_t
be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t
be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* Constant sizes, one function a family: a few stores. */
static void
set_addr4(struct addr *a, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->b, b, 4);
}

static void
set_addr6(struct addr *a, const uint8_t *b)
{
	a->family = 6;
	memcpy(a->b, b, 16);
}

/* ---- link layer: leaves the cursor on the IP header, *etype its type ---- */

/* The source address of a link header: n bytes at b, which the caller's
 * NEED() covered; a cooked header's length field may claim more than its
 * 8-byte field holds. */
static void
set_lladdr(struct packet *out, const uint8_t *b, size_t n)
{
	out->ll_src = b;
	out->ll_len = (uint8_t)(n > LLADDR_MAX ? LLADDR_MAX : n);
}

static int
vlan_tags(struct cur *c, uint16_t *etype)
{
	int n = 0;

	while (*etype == 0x8100 || *etype == 0x88a8 || *etype == 0x9100) {
		if (n++ == MAX_VLAN_TAGS)
			return DEC_MALFORMED;
		NEED(c, 4);			/* TCI, then the inner type */
		*etype = be16(c->p + 2);
		skip(c, 4);
	}
	return MORE;
}

/* Raw IP link types carry no type field: the version nibble decides. */
static int
raw_ip(struct cur *c, uint16_t *etype)
{
	NEED(c, 1);
	switch (c->p[0] >> 4) {
	case 4: *etype = ETH_IPV4; return MORE;
	case 6: *etype = ETH_IPV6; return MORE;
	default: return DEC_NOT_IP;
	}
}

/* BSD loopback: an address family, host order (NULL) or network order (LOOP). */
static int
null_family(uint32_t af, uint16_t *etype)
{
	switch (af) {
	case 2: *etype = ETH_IPV4; return MORE;
	case 24: case 28: case 30: *etype = ETH_IPV6; return MORE;
	default: return DEC_NOT_IP;
	}
}

/* PPP's protocol field, after the optional HDLC address and control
 * bytes (ff 03); one byte when compressed (odd first byte, RFC 1661). */
static int
ppp(struct cur *c, uint16_t *etype)
{
	uint16_t proto;

	NEED(c, 2);
	if (c->p[0] == 0xff && c->p[1] == 0x03)
		skip(c, 2);
	NEED(c, 1);
	if (c->p[0] & 1) {
		proto = c->p[0];
		skip(c, 1);
	} else {
		NEED(c, 2);
		proto = be16(c->p);
		skip(c, 2);
	}
	switch (proto) {
	case 0x0021: *etype = ETH_IPV4; return MORE;
	case 0x0057: *etype = ETH_IPV6; return MORE;
	default: return DEC_NOT_IP;
	}
}

/*
 * Linux NFLOG: family, version 0, the log group (big-endian), then TLVs
 * whose length (counting their 4-byte header) and type are in the
 * capturing host's order, as libpcap hands them over; each is padded to
 * 4 bytes.  The prefix names the rule that logged the packet; the payload
 * is the IP packet, which the rule's copy range may cut short: its IP
 * length is believed up to the largest IP packet (cut: DEC_TRUNCATED).
 */
static int
nflog(struct cur *c, uint16_t *etype, struct packet *out)
{
	uint16_t len, type;
	size_t size;

	NEED(c, 4);
	if (c->p[1] != 0)
		return DEC_NOT_IP;		/* a version we do not know */
	out->nflog = 1;
	out->nflog_group = be16(c->p + 2);
	out->nflog_prefix = NULL;
	out->nflog_prefix_len = 0;
	out->nflog_tag = NULL;
	skip(c, 4);
	while (avail(c) >= 4) {
		memcpy(&len, c->p, 2);
		memcpy(&type, c->p + 2, 2);
		if (len < 4)
			return DEC_MALFORMED;
		if (type == NFULA_PAYLOAD) {
			skip(c, 4);
			if ((size_t)len - 4 < avail(c))
				c->end = c->p + len - 4;
			c->wire = NFLOG_IP_MAX > avail(c) ? NFLOG_IP_MAX : avail(c);
			return raw_ip(c, etype);
		}
		if (type == NFULA_PREFIX) {
			size = (size_t)len - 4 < avail(c) - 4 ?
			    (size_t)len - 4 : avail(c) - 4;
			out->nflog_prefix = c->p + 4;
			out->nflog_prefix_len = (uint8_t)(size > 255 ? 255 : size);
		}
		size = ((size_t)len + 3) & ~(size_t)3;
		NEED(c, size);
		skip(c, size);
	}
	return avail(c) < c->wire ? DEC_TRUNCATED : DEC_NOT_IP;
}

/* NLPIDs (ISO/IEC TR 9577) of Frame Relay's RFC 2427 encapsulation. */
static int
nlpid(struct cur *c, uint16_t *etype)
{
	NEED(c, 1);
	switch (c->p[0]) {
	case 0xcc: *etype = ETH_IPV4; skip(c, 1); return MORE;
	case 0x8e: *etype = ETH_IPV6; skip(c, 1); return MORE;
	case 0x80:			/* SNAP: OUI 0 carries an Ethernet type */
		NEED(c, 6);
		if (c->p[1] != 0 || c->p[2] != 0 || c->p[3] != 0)
			return DEC_NOT_IP;
		*etype = be16(c->p + 4);
		skip(c, 6);
		return MORE;
	default:
		return DEC_NOT_IP;
	}
}

/*
 * Frame Relay: a Q.922 address of 2 to 4 bytes (the last has its low bit
 * set), then either the UI control byte 03, an optional pad byte and an
 * NLPID (RFC 2427), or Cisco's encapsulation, an Ethernet type.
 */
static int
frame_relay(struct cur *c, uint16_t *etype)
{
	size_t n;

	for (n = 1; n <= 4; n++) {
		NEED(c, n);
		if (c->p[n - 1] & 1)
			break;
	}
	if (n < 2 || n > 4)
		return DEC_MALFORMED;
	skip(c, n);
	NEED(c, 2);
	if (c->p[0] != 0x03) {
		*etype = be16(c->p);
		skip(c, 2);
		return MORE;
	}
	skip(c, 1);
	NEED(c, 1);
	if (c->p[0] == 0x00)		/* the pad byte */
		skip(c, 1);
	return nlpid(c, etype);
}

static int
link_layer(int dlt, struct cur *c, uint16_t *etype, struct packet *out)
{
	uint32_t af;

	switch (dlt) {
	case DLT_EN10MB_:
		NEED(c, 14);
		*etype = be16(c->p + 12);
		set_lladdr(out, c->p + 6, 6);
		skip(c, 14);
		break;
	case DLT_SLL_:
		NEED(c, 16);
		*etype = be16(c->p + 14);
		set_lladdr(out, c->p + 6, be16(c->p + 4));
		skip(c, 16);
		break;
	case DLT_SLL2_:
		NEED(c, 20);
		*etype = be16(c->p);
		set_lladdr(out, c->p + 12, c->p[11]);
		skip(c, 20);
		break;
	case DLT_RAW_: case LINKTYPE_RAW_:
		return raw_ip(c, etype);
	case DLT_IPV4_:
		*etype = ETH_IPV4;
		return MORE;
	case DLT_IPV6_:
		*etype = ETH_IPV6;
		return MORE;
	case DLT_NULL_:
		NEED(c, 4);
		/* The capturing host's byte order, which we do not know. */
		af = be32(c->p);
		if (af > 0xffff)
			af = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 |
			    (uint32_t)c->p[1] << 8 | c->p[0];
		skip(c, 4);
		return null_family(af, etype);
	case DLT_LOOP_:
		NEED(c, 4);
		af = be32(c->p);
		skip(c, 4);
		return null_family(af, etype);
	case DLT_PPP_:
		return ppp(c, etype);
	case DLT_C_HDLC_:		/* address, control, Ethernet type */
		NEED(c, 4);
		*etype = be16(c->p + 2);
		skip(c, 4);
		return MORE;
	case DLT_FRELAY_:
		return frame_relay(c, etype);
	case DLT_NFLOG_:
		return nflog(c, etype, out);
	default:
		return DEC_NOT_IP;
	}
	return vlan_tags(c, etype);	/* the Ethernet and cooked headers' */
}

int
decode_link_supported(int dlt)
{
	switch (dlt) {
	case DLT_NULL_: case DLT_EN10MB_: case DLT_RAW_:
	case LINKTYPE_RAW_: case DLT_LOOP_: case DLT_SLL_: case DLT_IPV4_:
	case DLT_IPV6_: case DLT_SLL2_: case DLT_NFLOG_: case DLT_PPP_:
	case DLT_C_HDLC_: case DLT_FRELAY_:
		return 1;
	default:
		return 0;
	}
}

/* ---- IPv6 extension headers (outer packet and quotes alike) ---- */

/*
 * Skips extension headers; returns MORE with *nh set to the upper-layer
 * protocol, or a final status.  A non-first fragment is DEC_FRAGMENT outside
 * a quote; inside one it is simply not a TCP header we can read.  Inline
 * (its two callers): with every layer inlined the cursor stays in
 * registers, 1.7% of read --json's instructions on the bench file.
 */
static inline int
ip6_ext(struct cur *c, uint8_t *nh, int quoted)
{
	size_t len;

	for (int n = 0;; n++) {
		switch (*nh) {
		case 0: case 43: case 60:	/* hop-by-hop, routing, dstopts */
			NEED(c, 2);
			len = ((size_t)c->p[1] + 1) * 8;
			break;
		case 51:			/* AH: length in 4-byte units */
			NEED(c, 2);
			len = ((size_t)c->p[1] + 2) * 4;
			break;
		case 44:			/* fragment */
			NEED(c, 8);
			if (be16(c->p + 2) & 0xfff8)
				return quoted ? DEC_OTHER_PROTO : DEC_FRAGMENT;
			len = 8;
			break;
		case 59:			/* no next header */
			return DEC_OTHER_PROTO;
		default:
			return MORE;
		}
		if (n == MAX_EXT_HDRS)
			return DEC_MALFORMED;
		NEED(c, len);
		*nh = c->p[0];
		skip(c, len);
	}
}

/* ---- TCP and the ICMP errors ---- */

static enum decode_status
tcp(struct cur *c, struct tcp_info *t)
{
	size_t hlen;

	NEED(c, 20);
	hlen = (size_t)(c->p[12] >> 4) * 4;
	if (hlen < 20 || hlen > c->wire)
		return DEC_MALFORMED;
	t->sport = be16(c->p);
	t->dport = be16(c->p + 2);
	t->seq = be32(c->p + 4);
	t->ack = be32(c->p + 8);
	t->flags = c->p[13];
	t->payload_wire_len = (uint32_t)(c->wire - hlen);
	/*
	 * Options cut by the snap length (a SYN under a 68-byte snaplen) still
	 * leave everything we use: a segment with no captured payload.
	 */
	t->payload = NULL;
	t->payload_len = 0;
	if (hlen <= avail(c)) {
		skip(c, hlen);
		t->payload_len = (uint32_t)avail(c);
		if (t->payload_len)
			t->payload = c->p;
	}
	return DEC_TCP;
}

/*
 * The start of the quoted TCP header.  RFC 792 promises only 8 bytes past
 * the quoted IP header, so ports (4 bytes) are required and the sequence
 * number is optional: a 4..7-byte quote is an error without has_seq.
 */
static enum decode_status
quote_tcp(struct cur *c, struct icmp_info *ic)
{
	NEED(c, 4);
	ic->qsport = be16(c->p);
	ic->qdport = be16(c->p + 2);
	ic->qseq = ic->has_seq = 0;
	ic->qflags = ic->has_flags = 0;
	if (avail(c) >= 8) {
		ic->qseq = be32(c->p + 4);
		ic->has_seq = 1;
	}
	if (avail(c) >= 14) {
		ic->qflags = c->p[13];
		ic->has_flags = 1;
	}
	return DEC_ICMP_ERROR;
}

/*
 * The quoted IPv4 header.  Its total length and checksums are ignored: the
 * quote is cut short by design and NATs rewrite it.  The quoted IP headers
 * return MORE with the cursor on the TCP header.
 */
static int
quote4(struct cur *c, struct icmp_info *ic)
{
	size_t ihl;

	NEED(c, 20);
	ihl = (size_t)(c->p[0] & 0x0f) * 4;
	if (c->p[0] >> 4 != 4 || ihl < 20)
		return DEC_MALFORMED;
	NEED(c, ihl);
	if ((be16(c->p + 6) & 0x1fff) != 0 || c->p[9] != IPPROTO_TCP_)
		return DEC_OTHER_PROTO;
	set_addr4(&ic->qsrc, c->p + 12);
	set_addr4(&ic->qdst, c->p + 16);
	skip(c, ihl);
	return MORE;
}

/* The fixed IPv6 header, outer or quoted: 40 bytes, version 6, the
 * addresses.  The cursor stays at its start; MORE when it is whole. */
static int
ip6_fixed(struct cur *c, struct addr *src, struct addr *dst)
{
	NEED(c, 40);
	if (c->p[0] >> 4 != 6)
		return DEC_MALFORMED;
	set_addr6(src, c->p + 8);
	set_addr6(dst, c->p + 24);
	return MORE;
}

static int
quote6(struct cur *c, struct icmp_info *ic)
{
	uint8_t nh;
	int st;

	if ((st = ip6_fixed(c, &ic->qsrc, &ic->qdst)) != MORE)
		return st;
	nh = c->p[6];
	skip(c, 40);
	if ((st = ip6_ext(c, &nh, 1)) != MORE)
		return st;
	return nh == IPPROTO_TCP_ ? MORE : DEC_OTHER_PROTO;
}

/* ICMP type/code + checksum + 4 unused bytes, then the quote. */
static enum decode_status
icmp_error(struct cur *c, struct icmp_info *ic, int family)
{
	int st;

	NEED(c, 8);
	ic->type = c->p[0];
	ic->code = c->p[1];
	skip(c, 8);
	if (family == 4) {
		if (ic->type != 3 && ic->type != 11)	/* unreach, time exceeded */
			return DEC_OTHER_PROTO;
		st = quote4(c, ic);
	} else {
		if (ic->type != 1 && ic->type != 3)	/* unreach, time exceeded */
			return DEC_OTHER_PROTO;
		st = quote6(c, ic);
	}
	return st == MORE ? quote_tcp(c, ic) : (enum decode_status)st;
}

/* ---- IP ---- */

/* The IP layers return MORE with *proto the upper-layer protocol, the
 * cursor on its header. */
static int
ipv4(struct cur *c, struct packet *out, uint8_t *proto)
{
	size_t ihl, total;

	NEED(c, 20);
	ihl = (size_t)(c->p[0] & 0x0f) * 4;
	total = be16(c->p + 2);
	/* Total length 0: a TSO send captured before segmentation (tcpdump). */
	if (total == 0)
		total = c->wire;
	if (c->p[0] >> 4 != 4 || ihl < 20 || total < ihl)
		return DEC_MALFORMED;
	/* From here on Ethernet padding is out of view. */
	if (!clamp(c, total))
		return DEC_MALFORMED;
	NEED(c, ihl);
	set_addr4(&out->src, c->p + 12);
	set_addr4(&out->dst, c->p + 16);
	out->ttl = c->p[8];
	*proto = c->p[9];
	if (be16(c->p + 6) & 0x1fff)
		return DEC_FRAGMENT;
	skip(c, ihl);
	return MORE;
}

static int
ipv6(struct cur *c, struct packet *out, uint8_t *nh)
{
	size_t plen;
	int st;

	if ((st = ip6_fixed(c, &out->src, &out->dst)) != MORE)
		return st;
	*nh = c->p[6];
	out->ttl = c->p[7];
	/*
	 * Payload length 0: a jumbogram, or a Linux BIG TCP / GSO packet
	 * captured before segmentation; either way the frame says how long.
	 */
	plen = be16(c->p + 4);
	if (!clamp(c, plen ? 40 + plen : c->wire))
		return DEC_MALFORMED;
	skip(c, 40);
	return ip6_ext(c, nh, 0);
}

/*
 * The packet is not cleared first (1.3% of read --json's instructions on
 * the bench file).  Instead every field read later is written first for
 * this packet, whatever the path: src.family, ll_len and nflog here,
 * before the link layer sets the last two; src, dst and ttl with the IP
 * header; all of u.tcp for DEC_TCP, all of u.icmp for DEC_ICMP_ERROR; the
 * other NFLOG fields when nflog is 1.  tests/unit/test_decode.c fills the
 * packet with garbage before each decode to hold the decoder to it.
 */
enum decode_status
decode_packet(int dlt, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, struct packet *out)
{
	static const uint8_t none[1];
	struct cur c;
	uint16_t etype = 0;
	uint8_t proto, icmp;
	int st;

	out->src.family = 0;
	out->ll_len = 0;
	out->nflog = 0;
	if (data == NULL)	/* keep NULL out of pointer arithmetic */
		data = none, caplen = 0;
	c.p = data;
	c.end = data + caplen;
	c.wire = wirelen > caplen ? wirelen : caplen;

	if ((st = link_layer(dlt, &c, &etype, out)) != MORE)
		return (enum decode_status)st;
	if (etype == ETH_IPV4) {
		st = ipv4(&c, out, &proto);
		icmp = IPPROTO_ICMP_;
	} else if (etype == ETH_IPV6) {
		st = ipv6(&c, out, &proto);
		icmp = IPPROTO_ICMPV6_;
	} else
		return DEC_NOT_IP;
	if (st != MORE)
		return (enum decode_status)st;
	if (proto == IPPROTO_TCP_)
		return tcp(&c, &out->u.tcp);
	if (proto == icmp)
		return icmp_error(&c, &out->u.icmp, out->src.family);
	return DEC_OTHER_PROTO;
}

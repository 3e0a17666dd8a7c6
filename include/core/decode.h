/*
 * Packet decoder: link layer -> IPv4/IPv6 -> TCP or ICMP/ICMPv6 error with its
 * quoted IP+TCP header.  No I/O, no allocation; every read is bounds-checked.
 * The result points into the caller's packet buffer (payload, link address,
 * NFLOG prefix).
 */
#ifndef SMTPSCOPE_DECODE_H
#define SMTPSCOPE_DECODE_H

#include <stdint.h>

#include "util/addr.h"

struct nflog_tag;

/* Outcome of decoding one frame.  Each has its own counter in the summary
 * (struct stats, named there). */
enum decode_status {
	DEC_TCP = 0,		/* a TCP segment: see pkt.tcp */
	DEC_ICMP_ERROR,		/* an ICMP/ICMPv6 error quoting TCP: see pkt.icmp */
	DEC_NOT_IP,		/* ARP, LLDP, other ethertypes */
	DEC_OTHER_PROTO,	/* IP but neither TCP nor an ICMP error quoting TCP */
	DEC_FRAGMENT,		/* non-first IP fragment */
	DEC_TRUNCATED,		/* cut short by the snap length (caplen < wire length) */
	DEC_MALFORMED,		/* inconsistent headers: impossible lengths, bad version */
	DEC_STATUS_COUNT
};

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10

struct tcp_info {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	const uint8_t *payload;		/* captured payload bytes (may be NULL) */
	uint32_t payload_len;		/* bytes captured */
	uint32_t payload_wire_len;	/* bytes on the wire (from IP length) */
};

struct icmp_info {
	uint8_t type, code;		/* ICMP (family 4) or ICMPv6 (family 6) */
	/* The quoted (offending) packet, as the original sender wrote it. */
	struct addr qsrc, qdst;
	uint16_t qsport, qdport;
	uint32_t qseq;
	uint8_t has_seq;		/* quote long enough for the sequence number */
	uint8_t qflags;			/* quoted TCP flags, when has_flags */
	uint8_t has_flags;		/* quote long enough for the flags */
};

#define LLADDR_MAX 8	/* the longest link-layer address we keep (SLL's) */

struct packet {
	struct addr src, dst;		/* outer IP header */
	uint8_t ttl;			/* TTL or hop limit */
	/* The frame's link-layer source address (in the frame, like the
	 * payload): the Ethernet source, or the address of a cooked (SLL,
	 * SLL2) header, which Linux fills with the sender's MAC; for a
	 * reply, the next hop that handed it over.  ll_len 0: the link type
	 * has none, and ll_src is not set. */
	uint8_t ll_len;
	const uint8_t *ll_src;
	union {
		struct tcp_info tcp;
		struct icmp_info icmp;
	} u;
	/* An NFLOG copy (DLT_NFLOG_): the log group and the prefix of the
	 * rule that logged it: its field in the frame, up to 255 bytes,
	 * which ends at its first NUL if it has one (length 0: none); the
	 * NUL is looked for only when the prefix is used (core/nflog.h), as
	 * a strnlen() call here cost every packet saved registers.  nflog 0:
	 * a packet of any other link type, and the other
	 * NFLOG fields are not set (decode_packet() writes only what its
	 * outcome promises: every byte cleared costs on every packet). */
	uint8_t nflog;
	uint8_t nflog_prefix_len;
	uint16_t nflog_group;
	const uint8_t *nflog_prefix;
	/* The same, kept by the pipeline for the attempt (core/nflog.h). */
	const struct nflog_tag *nflog_tag;
};

/* The link types we decode: pcap's values (pcap/dlt.h), so that neither
 * the decoder nor our file reader needs libpcap's headers. */
#define DLT_NULL_	0
#define DLT_EN10MB_	1
#define DLT_PPP_	9
#define DLT_RAW_	12	/* Linux and most systems */
#define LINKTYPE_RAW_	101	/* raw IP in files; libpcap maps it to DLT_RAW */
#define DLT_C_HDLC_	104	/* Cisco HDLC */
#define DLT_FRELAY_	107	/* Frame Relay */
#define DLT_LOOP_	108
#define DLT_SLL_	113
#define DLT_IPV4_	228
#define DLT_IPV6_	229
#define DLT_NFLOG_	239	/* Linux NFLOG: what `tcpdump -i nflog:N` writes */
#define DLT_SLL2_	276

/* Is dlt (a value of pcap_datalink()) one of them? */
int decode_link_supported(int dlt);

/*
 * Decodes one frame.  caplen bytes are present at data; wirelen is the
 * original length.  Returns DEC_TCP or DEC_ICMP_ERROR with *out filled, or
 * another status saying why the frame carries nothing for us.
 */
enum decode_status decode_packet(int dlt, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, struct packet *out);

#endif

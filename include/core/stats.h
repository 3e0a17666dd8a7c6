/* Capture and pipeline counters, reported in the summary. */
#ifndef SMTPSCOPE_STATS_H
#define SMTPSCOPE_STATS_H

#include <stdint.h>

struct stats {
	uint64_t packets;			/* frames read */
	/* What the decoder made of each frame (core/decode.h's statuses). */
	struct {
		uint64_t tcp, icmp_error, not_ip, other_proto, fragment;
		uint64_t truncated, malformed;
	} frames;
	uint64_t not_smtp;		/* TCP/ICMP that is not about our ports */
	uint64_t unmatched_synack;	/* SYN-ACK with no SYN seen, or wrong ack */
	uint64_t unmatched_rst;		/* RST not answering a known SYN */
	uint64_t unmatched_icmp;	/* ICMP error quoting no known SYN */
	uint64_t duplicate_syns;	/* same SYN seen again within the duplicate window */
	uint64_t after_verdict;		/* SYNs and answers for an attempt already decided */
	uint64_t midstream;		/* segments of connections whose SYN we did not track */
	uint64_t time_backwards;	/* packets stamped over a second before the latest */
	uint64_t evicted;		/* attempts dropped because the table was full */
	uint64_t attempts;		/* attempts given a verdict (unresolved included) */
	uint64_t table_used;		/* attempts in the table now */
	uint64_t table_size;		/* its size (--max-attempts) */
	/* smtpscope scope: the JSON lines read, and what they were */
	struct input_stats {
		uint64_t files;		/* files read (0: not scope) */
		uint64_t lines;		/* lines read */
		uint64_t records;	/* attempt records taken */
		uint64_t not_json;	/* lines with no '{' */
		uint64_t other_type;	/* JSON lines of another type (finding, summary) */
		uint64_t bad;		/* lines refused (reported as FILE:LINE) */
	} input;
	/* live capture only (pcap_stats); -1 = not available */
	int64_t kernel_received, kernel_dropped, if_dropped;
	/* live capture only: gaps (interface down or gone) and their total
	 * length; gaps -1 = not a live capture */
	int64_t gaps, gap_us;
};

#endif

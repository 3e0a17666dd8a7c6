/* Tracker: events in, records out, under the time rules of DESIGN.md. */
#include "track_util.h"

static struct packet
icmp(struct addr from, uint8_t type, uint8_t code, uint16_t cport, uint32_t qseq,
    int has_seq)
{
	struct packet p;

	memset(&p, 0, sizeof p);
	p.src = from;
	p.dst = CLIENT;
	p.ttl = 254;
	p.u.icmp.type = type;
	p.u.icmp.code = code;
	p.u.icmp.qsrc = CLIENT;
	p.u.icmp.qdst = SERVER;
	p.u.icmp.qsport = cport;
	p.u.icmp.qdport = 25;
	p.u.icmp.qseq = qseq;
	p.u.icmp.has_seq = (uint8_t)has_seq;
	return p;
}

static void
accepted_with_greeting(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);
	static const uint8_t line[] = "220 mx.example.test ESMTP\r\n";

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = tcp(SERVER, CLIENT, 25, 40000, TCPF_SYN | TCPF_ACK, 7, ISN + 1, 61);
	tracker_server_tcp(t, 100 * S + 2500, &p);
	assert_int_equal(nrecs, 0);	/* waits for the greeting */
	/* A segment that is not the stream's first bytes is not the greeting. */
	p = tcp(SERVER, CLIENT, 25, 40000, TCPF_ACK | TCPF_PSH, 500, ISN + 1, 61);
	p.u.tcp.payload = line;
	p.u.tcp.payload_len = p.u.tcp.payload_wire_len = sizeof line - 1;
	tracker_server_tcp(t, 100 * S + 5000, &p);
	assert_int_equal(nrecs, 0);
	p = tcp(SERVER, CLIENT, 25, 40000, TCPF_ACK | TCPF_PSH, 8, ISN + 1, 61);
	p.u.tcp.payload = line;
	p.u.tcp.payload_len = p.u.tcp.payload_wire_len = sizeof line - 1;
	tracker_server_tcp(t, 100 * S + 9000, &p);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_ACCEPTED);
	assert_string_equal(recs[0].v.reason, "syn-ack");
	assert_int_equal(recs[0].rtt_us, 2500);
	assert_int_equal(recs[0].greeting_code, 220);
	assert_string_equal(recs[0].greeting, "mx.example.test ESMTP");
	assert_int_equal(recs[0].hops, 3);
	assert_true(record_responder_is_server(&recs[0]));
	tracker_finish(t, 200 * S);
	assert_int_equal(nrecs, 1);
	tracker_free(t);
}

static void
greeting_wait_ends(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = tcp(SERVER, CLIENT, 25, 40000, TCPF_SYN | TCPF_ACK, 7, ISN + 1, 64);
	tracker_server_tcp(t, 100 * S + 1000, &p);
	tracker_expire(t, 105 * S);
	assert_int_equal(nrecs, 0);
	tracker_expire(t, 105 * S + 1000);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_ACCEPTED);
	assert_false(recs[0].has_greeting);
	assert_int_equal(recs[0].greeting_code, -1);
	assert_int_equal(recs[0].verdict_us, 100 * S + 1000);
	tracker_free(t);
}

static void
drop_after_timeout_from_last_syn(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	tracker_syn(t, 100 * S + 10000, &p);	/* capture duplicate */
	tracker_syn(t, 101 * S, &p);		/* retransmission */
	tracker_syn(t, 103 * S, &p);
	assert_int_equal(tracker_next_deadline(t), 113 * S);
	tracker_expire(t, 112 * S);
	assert_int_equal(nrecs, 0);
	tracker_expire(t, 113 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_DROPPED);
	assert_string_equal(recs[0].v.reason, "no-response");
	assert_int_equal(recs[0].syns, 3);
	assert_int_equal(st.duplicate_syns, 1);
	assert_int_equal(recs[0].first_syn_us, 100 * S);
	assert_int_equal(recs[0].verdict_us, 113 * S);
	assert_int_equal(recs[0].rtt_us, -1);
	assert_int_equal(recs[0].responder.family, 0);
	/* A retransmission after the verdict belongs to the same attempt. */
	tracker_syn(t, 115 * S, &p);
	tracker_finish(t, 130 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(st.after_verdict, 1);
	tracker_free(t);
}

static void
rst_must_ack_the_syn(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	/* An injected RST acking the ISN itself, not ISN+1. */
	p = tcp(SERVER, CLIENT, 25, 40000, TCPF_RST | TCPF_ACK, 0, ISN, 46);
	tracker_server_tcp(t, 100 * S + 100, &p);
	assert_int_equal(nrecs, 0);
	assert_int_equal(st.unmatched_rst, 1);
	p = tcp(SERVER, CLIENT, 25, 40000, TCPF_RST | TCPF_ACK, 0, ISN + 1, 64);
	tracker_server_tcp(t, 100 * S + 200, &p);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_REFUSED);
	assert_string_equal(recs[0].v.reason, "reset");
	assert_string_equal(errno_name(recs[0].v.err), "ECONNREFUSED");
	/* Retransmitted SYN after the verdict (counted as after it) and a
	 * second RST answering it: the same verdict, no new record. */
	p = syn(40000, ISN);
	tracker_syn(t, 101 * S, &p);
	assert_int_equal(nrecs, 1);
	assert_int_equal(st.after_verdict, 1);
	p = tcp(SERVER, CLIENT, 25, 40000, TCPF_RST | TCPF_ACK, 0, ISN + 1, 64);
	tracker_server_tcp(t, 101 * S + 100, &p);
	assert_int_equal(nrecs, 1);
	assert_int_equal(st.after_verdict, 1);
	tracker_finish(t, 200 * S);
	assert_int_equal(nrecs, 1);
	tracker_free(t);
}

static void
icmp_from_router_matches_by_seq(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = icmp(ROUTER, 3, 13, 40000, ISN + 5, 1);	/* wrong seq */
	tracker_icmp(t, 100 * S + 10, &p);
	p = icmp(ROUTER, 3, 13, 40000, ISN, 0);		/* no seq in quote */
	tracker_icmp(t, 100 * S + 20, &p);
	p = icmp(ROUTER, 3, 13, 40001, ISN, 1);		/* other port */
	tracker_icmp(t, 100 * S + 30, &p);
	assert_int_equal(nrecs, 0);
	assert_int_equal(st.unmatched_icmp, 3);
	p = icmp(ROUTER, 3, 13, 40000, ISN, 1);
	tracker_icmp(t, 100 * S + 400, &p);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_PROHIBITED);
	assert_string_equal(recs[0].v.reason, "admin-prohibited");
	assert_int_equal(recs[0].icmp_type, 3);
	assert_int_equal(recs[0].icmp_code, 13);
	assert_false(record_responder_is_server(&recs[0]));
	assert_int_equal(recs[0].reply_ttl, 254);
	assert_int_equal(recs[0].hops, 1);
	assert_int_equal(recs[0].rtt_us, 400);
	tracker_free(t);
}

static const uint8_t ROUTER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t SERVER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x25 };

/* A server's answer to the SYN from cport, handed over by next hop mac. */
static void
answer_via(struct tracker *t, int64_t now, uint16_t cport, uint8_t flags,
    uint8_t ttl, const uint8_t *mac)
{
	struct packet p = syn(cport, ISN);

	tracker_syn(t, now, &p);
	p = tcp(SERVER, CLIENT, 25, cport, flags, 7, ISN + 1, ttl);
	p.ll_len = 6;
	p.ll_src = mac;
	tracker_server_tcp(t, now + 100, &p);
}

static int route_answer;

static int
route_fn(void *ctx, const struct addr *dst)
{
	(void)ctx;
	(void)dst;
	return route_answer;
}

/* A RST or ICMP error in the server's name from distance 0, through a
 * next hop whose other answers came from further away, is the first
 * hop's; a SYN-ACK is the server's all the same. */
static void
answers_of_the_first_hop(void **state)
{
	struct tracker *t = mk(64);
	struct packet p;

	(void)state;
	answer_via(t, 100 * S, 40000, TCPF_SYN | TCPF_ACK, 63, ROUTER_MAC);
	answer_via(t, 101 * S, 40001, TCPF_RST | TCPF_ACK, 64, ROUTER_MAC);
	answer_via(t, 102 * S, 40002, TCPF_RST | TCPF_ACK, 64, SERVER_MAC);
	answer_via(t, 103 * S, 40003, TCPF_SYN | TCPF_ACK, 64, ROUTER_MAC);
	p = syn(40004, ISN);
	tracker_syn(t, 104 * S, &p);
	p = icmp(SERVER, 3, 3, 40004, ISN, 1);
	p.ttl = 64;
	p.ll_len = 6;
	p.ll_src = ROUTER_MAC;
	tracker_icmp(t, 104 * S + 100, &p);
	/* The routing table says the server is on-link. */
	tracker_set_route(t, route_fn, NULL);
	route_answer = 0;
	answer_via(t, 105 * S, 40005, TCPF_RST | TCPF_ACK, 64, ROUTER_MAC);
	tracker_finish(t, 200 * S);
	assert_int_equal(nrecs, 6);
	for (int i = 0; i < nrecs; i++) {
		bool first = recs[i].t.client_port == 40001 ||
		    recs[i].t.client_port == 40004;

		assert_int_equal(recs[i].responder_first_hop, first);
		assert_int_equal(record_responder_is_server(&recs[i]), !first);
		assert_true(addr_eq(&recs[i].responder, &recs[i].t.server));
	}
	tracker_free(t);
}

static void
unresolved_at_end_and_new_isn(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = tcp(SERVER, CLIENT, 25, 40000, TCPF_RST | TCPF_ACK, 0, ISN + 1, 64);
	tracker_server_tcp(t, 100 * S + 100, &p);
	p = syn(40000, ISN + 7777);	/* the port reused: a new attempt */
	tracker_syn(t, 102 * S, &p);
	tracker_finish(t, 104 * S);
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[1].v.cls, VC_UNRESOLVED);
	assert_int_equal(recs[1].first_syn_us, 102 * S);
	assert_int_equal(recs[1].verdict_us, 104 * S);
	tracker_free(t);
}

static void
one_sided_capture_client_ack(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = tcp(CLIENT, SERVER, 40000, 25, TCPF_ACK, ISN + 1, 555, 64);
	tracker_client_tcp(t, 100 * S + 300, &p);
	/* decided once no SYN-ACK came within the reordering window */
	tracker_expire(t, 100 * S + 300 + TRACK_REORDER_US - 1);
	assert_int_equal(nrecs, 0);
	tracker_expire(t, 100 * S + 300 + TRACK_REORDER_US);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].verdict_us, 100 * S + 300);
	assert_int_equal(recs[0].v.cls, VC_ACCEPTED);
	assert_string_equal(recs[0].v.reason, "client-ack");
	assert_int_equal(recs[0].responder.family, 0);
	assert_int_equal(recs[0].reply_ttl, -1);
	tracker_free(t);
}

static void
flood_is_bounded_and_counted(void **state)
{
	struct tracker *t = mk(16);
	struct packet p;
	uint16_t port;

	(void)state;
	for (port = 1000; port < 1100; port++) {
		p = syn(port, ISN + port);
		tracker_syn(t, 100 * S + port, &p);
	}
	assert_int_equal(st.evicted, 84);
	tracker_finish(t, 101 * S);
	assert_int_equal(nrecs, 16);
	/* The newest survive. */
	assert_int_equal(recs[0].t.client_port, 1084);
	tracker_free(t);
}

/*
 * The NFLOG copy and the wire copy of one SYN, a second apart (the kernel
 * batches NFLOG messages): one transmission, named by the NFLOG rule.  A
 * second SYN of the first kind is a retransmission; one of the other kind
 * with another ISN is a new attempt.
 */
static void
nflog_and_wire_copies_are_one_syn(void **state)
{
	static const struct nflog_tag tag = { 5, "smtp-out" };
	struct tracker *t = mk(64);
	struct packet wire = syn(40000, ISN), nfl = wire;

	(void)state;
	nfl.nflog = 1;
	nfl.nflog_tag = &tag;
	tracker_syn(t, 100 * S, &wire);
	tracker_syn(t, 101 * S, &nfl);		/* its NFLOG copy, late */
	tracker_syn(t, 103 * S, &wire);		/* a retransmission */
	tracker_syn(t, 104 * S, &nfl);		/* its NFLOG copy */
	nfl.u.tcp.seq = ISN + 1;
	tracker_syn(t, 105 * S, &nfl);		/* a new attempt, seen via NFLOG */
	nfl.u.tcp.seq = ISN;
	tracker_finish(t, 200 * S);
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[0].syns, 2);
	assert_ptr_equal(recs[0].nflog, &tag);
	assert_int_equal(recs[1].syns, 1);
	assert_ptr_equal(recs[1].nflog, &tag);
	tracker_free(t);
	/* The NFLOG copy first: the same. */
	t = mk(64);
	tracker_syn(t, 100 * S, &nfl);
	tracker_syn(t, 100 * S + 20, &wire);
	tracker_finish(t, 200 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].syns, 1);
	assert_ptr_equal(recs[0].nflog, &tag);
	tracker_free(t);
}

static void
time_going_back_is_counted(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = syn(40001, ISN);
	tracker_syn(t, 50 * S, &p);	/* the clock stepped back */
	assert_int_equal(st.time_backwards, 1);
	/* Deadlines follow the latest time, so neither expires early. */
	tracker_expire(t, 109 * S);
	assert_int_equal(nrecs, 0);
	tracker_expire(t, 110 * S);
	assert_int_equal(nrecs, 2);
	tracker_free(t);
}

/* probe: a SYN its host refused to send is the attempt's verdict at once,
 * with no SYN counted; a refused retransmission is not counted either. */
static void
unsent_syn_is_a_verdict(void **state)
{
	struct tracker *t = mk(16);
	struct origin o = { NULL, NULL, -1, 0, 7, 0, 0 };
	struct packet p = syn(40000, ISN);
	struct verdict v;

	(void)state;
	assert_true(verdict_not_sent(EACCES, &v));
	tracker_syn_unsent(t, 1 * S, &p, &o, v);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_PROHIBITED);
	assert_string_equal(recs[0].v.reason, "local-prohibit");
	assert_int_equal(recs[0].v.err, EACCES);
	assert_int_equal(recs[0].syns, 0);
	assert_int_equal(recs[0].responder.family, 0);
	assert_int_equal(recs[0].rtt_us, -1);
	assert_ptr_equal(recs[0].origin, &o);
	assert_false(verdict_not_sent(ENOBUFS, &v));

	/* One SYN sent, its retransmission refused: still one SYN, and the
	 * attempt waits for its answer. */
	p = syn(40001, ISN);
	tracker_syn_sent(t, 2 * S, &p, &o);
	assert_true(verdict_not_sent(EPERM, &v));
	tracker_syn_unsent(t, 3 * S, &p, &o, v);
	assert_int_equal(nrecs, 1);
	tracker_expire(t, 20 * S);
	assert_int_equal(nrecs, 2);
	assert_string_equal(recs[1].v.reason, "no-response");
	assert_int_equal(recs[1].syns, 1);
	tracker_free(t);
}

static void
soft_error_then_connect(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = icmp(ROUTER, 3, 1, 40000, ISN, 1);	/* host unreachable: soft */
	tracker_icmp(t, 100 * S + 300, &p);
	assert_int_equal(nrecs, 0);
	p = syn(40000, ISN);			/* the client retries ... */
	tracker_syn(t, 101 * S, &p);
	p = tcp(SERVER, CLIENT, 25, 40000, TCPF_SYN | TCPF_ACK, 7, ISN + 1, 60);
	tracker_server_tcp(t, 101 * S + 500, &p);	/* ... and connects */
	tracker_expire(t, 107 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_ACCEPTED);
	assert_int_equal(recs[0].icmp_type, -1);
	assert_int_equal(recs[0].syns, 2);
	assert_int_equal(recs[0].rtt_us, 500);
	assert_true(record_responder_is_server(&recs[0]));
	tracker_free(t);
}

static void
soft_error_is_the_verdict_at_the_timeout(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = icmp(ROUTER, 3, 1, 40000, ISN, 1);
	tracker_icmp(t, 100 * S + 300, &p);
	p = syn(40000, ISN);
	tracker_syn(t, 101 * S, &p);
	tracker_expire(t, 110 * S + 999999);
	assert_int_equal(nrecs, 0);
	tracker_expire(t, 111 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_UNREACHABLE);
	assert_string_equal(recs[0].v.reason, "host-unreach");
	assert_int_equal(recs[0].verdict_us, 111 * S);
	assert_int_equal(recs[0].rtt_us, 300);
	assert_int_equal(recs[0].syns, 2);
	/* Held at the end of a capture, it is reported, not "unresolved". */
	p = syn(40001, ISN);
	tracker_syn(t, 112 * S, &p);
	p = icmp(ROUTER, 3, 0, 40001, ISN, 1);
	tracker_icmp(t, 112 * S + 10, &p);
	tracker_finish(t, 113 * S);
	assert_int_equal(nrecs, 2);
	assert_string_equal(recs[1].v.reason, "net-unreach");
	tracker_free(t);
}

/* A time exceeded quoting a SYN: matched by the quote as any ICMP error.
 * For captured traffic it is soft (held while the client may retry); for
 * a probe --trace SYN, whose TTL was set to run out, it is the hop's
 * answer at once, from the router that sent it. */
static void
time_exceeded_soft_or_trace_hop(void **state)
{
	static const struct origin hop3 = { NULL, NULL, -1, 0, 7, 3, 1 };
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = icmp(ROUTER, 11, 0, 40000, ISN + 1, 1);	/* another SYN's */
	tracker_icmp(t, 100 * S + 100, &p);
	assert_int_equal(st.unmatched_icmp, 1);
	p = icmp(ROUTER, 11, 0, 40000, ISN, 1);
	tracker_icmp(t, 100 * S + 300, &p);
	assert_int_equal(nrecs, 0);			/* held */
	tracker_expire(t, 110 * S);
	assert_int_equal(nrecs, 1);
	assert_string_equal(recs[0].v.reason, "ttl-exceeded");

	p = syn(40001, ISN);
	tracker_syn_sent(t, 120 * S, &p, &hop3);
	p = icmp(ROUTER, 11, 0, 40001, ISN, 1);
	tracker_icmp(t, 120 * S + 4000, &p);
	assert_int_equal(nrecs, 2);			/* at once */
	assert_int_equal(recs[1].v.cls, VC_UNREACHABLE);
	assert_string_equal(recs[1].v.reason, "ttl-exceeded");
	assert_int_equal(recs[1].icmp_type, 11);
	assert_int_equal(recs[1].rtt_us, 4000);
	assert_true(addr_eq(&recs[1].responder, &ROUTER_A));
	assert_false(record_responder_is_server(&recs[1]));
	assert_ptr_equal(recs[1].origin, &hop3);
	/* ICMPv6 type 3 is time exceeded; ICMP type 3 is not. */
	p = syn(40002, ISN);
	tracker_syn_sent(t, 130 * S, &p, &hop3);
	p = icmp(ROUTER, 3, 1, 40002, ISN, 1);		/* host unreachable */
	tracker_icmp(t, 130 * S + 10, &p);
	assert_int_equal(nrecs, 2);			/* soft: held */
	tracker_expire(t, 141 * S);
	assert_int_equal(nrecs, 3);
	assert_string_equal(recs[2].v.reason, "host-unreach");
	assert_true(verdict_icmp_time_exceeded(6, 3));
	assert_false(verdict_icmp_time_exceeded(4, 3));
	assert_true(verdict_icmp_time_exceeded(4, 11));
	assert_false(verdict_icmp_time_exceeded(6, 11));
	tracker_free(t);
}

static void
local_reject_without_syn_on_the_wire(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = icmp(CLIENT, 3, 3, 40000, ISN, 1);

	(void)state;
	/* A quote without flags cannot show it was a SYN: unmatched. */
	tracker_icmp(t, 100 * S, &p);
	assert_int_equal(st.unmatched_icmp, 1);
	/* A quoted ACK from the host itself: not a connection attempt. */
	p.u.icmp.has_flags = 1;
	p.u.icmp.qflags = TCPF_ACK;
	tracker_icmp(t, 100 * S, &p);
	assert_int_equal(st.unmatched_icmp, 2);
	/* From a router about a SYN we never saw: unmatched. */
	p = icmp(ROUTER, 3, 3, 40000, ISN, 1);
	p.u.icmp.has_flags = 1;
	p.u.icmp.qflags = TCPF_SYN;
	tracker_icmp(t, 100 * S, &p);
	assert_int_equal(st.unmatched_icmp, 3);
	assert_int_equal(nrecs, 0);
	/* The host refusing its own SYN: that error is the attempt. */
	p.src = CLIENT;
	tracker_icmp(t, 100 * S + 5, &p);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].v.cls, VC_REFUSED);
	assert_int_equal(recs[0].syns, 0);
	assert_int_equal(recs[0].rtt_us, -1);
	assert_false(record_responder_is_server(&recs[0]));
	/* Its duplicate is after the verdict. */
	tracker_icmp(t, 100 * S + 6, &p);
	assert_int_equal(nrecs, 1);
	assert_int_equal(st.after_verdict, 1);
	tracker_free(t);
}

/*
 * The open-addressed index under churn: a small table (many collisions),
 * random keys coming and going, lingering entries evicted to make room.
 * Every answer must still find its attempt, whatever was removed around it.
 */
static void
index_survives_churn(void **state)
{
	enum { CAP = 97, LIVE = 80, STEPS = 20000 };
	struct tracker *t = mk(CAP);
	struct packet live[LIVE], p;
	int nlive = 0, refused = 0;
	uint32_t seed = 12345;
	int64_t now = S;

	(void)state;
	assert_non_null(t);
	for (int step = 0; step < STEPS; step++) {
		seed = seed * 1103515245u + 12345u;
		now += 1000;
		if (nlive < LIVE && (nlive == 0 || (seed >> 16) % 2 == 0)) {
			seed = seed * 1103515245u + 12345u;
			p = tcp(v4(192, 0, 2, (uint8_t)(seed >> 24)),
			    v4(203, 0, 113, (uint8_t)(seed >> 16)),
			    (uint16_t)(1024 + (seed >> 3) % 60000), 25, TCPF_SYN,
			    ISN, 0, 64);
			tracker_syn(t, now, &p);
			/* a repeated key is the same attempt, not a new one */
			for (int i = 0; i < nlive; i++)
				if (memcmp(&live[i].src, &p.src, sizeof p.src) == 0 &&
				    memcmp(&live[i].dst, &p.dst, sizeof p.dst) == 0 &&
				    live[i].u.tcp.sport == p.u.tcp.sport)
					goto next;
			live[nlive++] = p;
		} else {
			int k = (int)((seed >> 8) % (uint32_t)nlive);

			p = tcp(live[k].dst, live[k].src, 25, live[k].u.tcp.sport,
			    TCPF_RST | TCPF_ACK, 0, ISN + 1, 60);
			nrecs = 0;
			tracker_server_tcp(t, now, &p);
			assert_int_equal(nrecs, 1);
			assert_int_equal(recs[0].v.cls, VC_REFUSED);
			assert_true(addr_eq(&recs[0].t.client, &live[k].src));
			assert_int_equal(recs[0].t.client_port, live[k].u.tcp.sport);
			live[k] = live[--nlive];
			refused++;
		}
next:;
	}
	assert_int_equal(st.unmatched_rst, 0);
	assert_int_equal(st.evicted, 0);
	assert_true(refused > STEPS / 3);
	tracker_free(t);
}

/* A live capture's gap (interface down or gone): the attempt waiting
 * when it began, or retransmitting only inside it, is not called dropped;
 * one whose wait started after it, or whose SYN came again after it, is. */
static void
capture_gap_is_not_a_drop(void **state)
{
	struct tracker *t = mk(64);
	struct packet a = syn(40000, ISN), b = syn(40001, ISN + 7),
	    c = syn(40002, ISN + 9), d = syn(40003, ISN + 11);

	(void)state;
	tracker_syn(t, 100 * S, &a);
	tracker_syn(t, 100 * S, &b);
	tracker_blind(t, 101 * S, 1);		/* the gap: 101 s .. 103 s */
	tracker_blind(t, 103 * S, 0);
	tracker_syn(t, 104 * S, &b);		/* b tries again, seen */
	tracker_syn(t, 105 * S, &c);		/* c starts after the gap */
	tracker_expire(t, 110 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].t.client_port, 40000);
	assert_int_equal(recs[0].v.cls, VC_UNRESOLVED);
	assert_string_equal(recs[0].v.reason, "capture-gap");
	assert_int_equal(recs[0].verdict_us, 110 * S);
	tracker_expire(t, 115 * S);
	assert_int_equal(nrecs, 3);
	assert_int_equal(recs[1].v.cls, VC_DROPPED);
	assert_int_equal(recs[2].v.cls, VC_DROPPED);
	/* An attempt whose timeout passed before the gap began is dropped. */
	tracker_syn(t, 120 * S, &d);
	tracker_blind(t, 131 * S, 1);
	assert_int_equal(nrecs, 4);
	assert_int_equal(recs[3].v.cls, VC_DROPPED);
	tracker_blind(t, 132 * S, 0);
	tracker_free(t);
}

/*
 * Expiry looks at no list before wake, the earliest deadline a list head
 * can have.  An attempt behind the head of the greeting list whose wait
 * (a client ACK's reordering window) ends before the head's is due as
 * soon as the head leaves; a step back in time moves no deadline.
 */
static void
expiry_wakes_at_every_deadline(void **state)
{
	static const uint8_t line[] = "220 mx.example.test ESMTP\r\n";
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 91 * S, &p);		/* dropped at 101 s */
	p = syn(40001, ISN);
	tracker_syn(t, 99 * S, &p);
	p = tcp(SERVER, CLIENT, 25, 40001, TCPF_SYN | TCPF_ACK, 7, ISN + 1, 61);
	tracker_server_tcp(t, 100 * S, &p);	/* waits for its greeting to 105 s */
	p = syn(40002, ISN);
	tracker_syn(t, 100 * S + 500000, &p);
	p = tcp(CLIENT, SERVER, 40002, 25, TCPF_ACK, ISN + 1, 555, 64);
	tracker_client_tcp(t, 100 * S + 950000, &p);	/* decided at 101.05 s */
	tracker_packet_time(t, 101 * S - 1);
	assert_int_equal(nrecs, 0);
	tracker_packet_time(t, 101 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].t.client_port, 40000);
	assert_string_equal(recs[0].v.reason, "no-response");
	/* 40001's greeting: 40002 heads the greeting list now. */
	p = tcp(SERVER, CLIENT, 25, 40001, TCPF_ACK | TCPF_PSH, 8, ISN + 1, 61);
	p.u.tcp.payload = line;
	p.u.tcp.payload_len = p.u.tcp.payload_wire_len = sizeof line - 1;
	tracker_server_tcp(t, 101 * S + 20000, &p);
	assert_int_equal(nrecs, 2);
	tracker_packet_time(t, 101 * S + 50000 - 1);
	assert_int_equal(nrecs, 2);
	tracker_packet_time(t, 101 * S + 50000);
	assert_int_equal(nrecs, 3);
	assert_int_equal(recs[2].t.client_port, 40002);
	assert_string_equal(recs[2].v.reason, "client-ack");

	/* Time goes back: deadlines stay where the latest time put them. */
	p = syn(40003, ISN);
	tracker_syn(t, 102 * S, &p);		/* dropped at 112 s */
	tracker_packet_time(t, 50 * S);
	p = syn(40004, ISN);
	tracker_syn(t, 60 * S, &p);		/* its wait starts at 102 s too */
	assert_int_equal(st.time_backwards, 1);
	tracker_packet_time(t, 70 * S);
	tracker_packet_time(t, 112 * S - 1);
	assert_int_equal(nrecs, 3);
	assert_int_equal(tracker_next_deadline(t), 112 * S);
	tracker_packet_time(t, 112 * S);
	assert_int_equal(nrecs, 5);
	assert_int_equal(recs[3].t.client_port, 40003);
	assert_int_equal(recs[4].t.client_port, 40004);
	assert_int_equal(recs[4].verdict_us, 70 * S);	/* its SYN + the timeout */
	assert_int_equal(tracker_next_deadline(t), INT64_MAX);
	tracker_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted_with_greeting),
		cmocka_unit_test(greeting_wait_ends),
		cmocka_unit_test(drop_after_timeout_from_last_syn),
		cmocka_unit_test(rst_must_ack_the_syn),
		cmocka_unit_test(icmp_from_router_matches_by_seq),
		cmocka_unit_test(answers_of_the_first_hop),
		cmocka_unit_test(unresolved_at_end_and_new_isn),
		cmocka_unit_test(one_sided_capture_client_ack),
		cmocka_unit_test(index_survives_churn),
		cmocka_unit_test(flood_is_bounded_and_counted),
		cmocka_unit_test(time_going_back_is_counted),
		cmocka_unit_test(nflog_and_wire_copies_are_one_syn),
		cmocka_unit_test(local_reject_without_syn_on_the_wire),
		cmocka_unit_test(unsent_syn_is_a_verdict),
		cmocka_unit_test(soft_error_then_connect),
		cmocka_unit_test(soft_error_is_the_verdict_at_the_timeout),
		cmocka_unit_test(time_exceeded_soft_or_trace_hop),
		cmocka_unit_test(capture_gap_is_not_a_drop),
		cmocka_unit_test(expiry_wakes_at_every_deadline),
	};

	return cmocka_run_group_tests_name("track", tests, NULL, NULL);
}

/*
 * Tracker rules for what the client experienced, each at its
 * boundary: TCP Fast Open acknowledgements, a client retrying after a RST
 * or past the timeout, a SYN-ACK after a RST that the client takes or
 * refuses, a SYN-ACK stamped after the client's ACK, a frame stamped far
 * ahead.
 */
#include "track_util.h"

#define SYNACK(ack, ttl) tcp(SERVER, CLIENT, 25, 40000, TCPF_SYN | TCPF_ACK, \
    7000, (ack), (ttl))
#define RST(ttl) tcp(SERVER, CLIENT, 25, 40000, TCPF_RST | TCPF_ACK, 0, \
    ISN + 1, (ttl))

/* A greeting "220 ok" from the server, after a SYN-ACK with ISN 7000. */
static struct packet
greeting(void)
{
	static const uint8_t text[] = "220 ok\r\n";
	struct packet p = tcp(SERVER, CLIENT, 25, 40000, TCPF_ACK | TCPF_PSH,
	    7001, ISN + 1, 64);

	p.u.tcp.payload = text;
	p.u.tcp.payload_len = p.u.tcp.payload_wire_len = 8;
	return p;
}

/* A tracker as probe has it: the first answer stands. */
static struct tracker *
mk_first_answer(void)
{
	struct track_config c = { 64, 10 * S, 5 * S, 10 * S, 0 };

	memset(&st, 0, sizeof st);
	nrecs = 0;
	return tracker_new(&c, &st, collect, NULL);
}

static struct packet
syn_with_data(uint32_t len)
{
	struct packet p = syn(40000, ISN);

	p.u.tcp.payload_wire_len = len;
	return p;
}

/* Any acknowledgement from ISN+1 to ISN+1+data matches; one past does not. */
static void
fast_open_acks_up_to_the_data(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn_with_data(10);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = SYNACK(ISN + 12, 64);
	tracker_server_tcp(t, 100 * S + 100, &p);
	assert_int_equal(st.unmatched_synack, 1);
	p = SYNACK(ISN + 11, 64);
	tracker_server_tcp(t, 100 * S + 200, &p);
	tracker_finish(t, 101 * S);
	assert_int_equal(nrecs, 1);
	assert_string_equal(recs[0].v.reason, "syn-ack");
	assert_int_equal(recs[0].syn_data, 10);
	assert_int_equal(recs[0].syn_data_acked, 10);
	tracker_free(t);

	/* The server ignored the data: ISN+1, none acknowledged. */
	t = mk(64);
	p = syn_with_data(10);
	tracker_syn(t, 100 * S, &p);
	p = SYNACK(ISN + 1, 64);
	tracker_server_tcp(t, 100 * S + 100, &p);
	tracker_finish(t, 101 * S);
	assert_int_equal(recs[0].syn_data_acked, 0);
	tracker_free(t);

	/* Without data, only ISN+1. */
	t = mk(64);
	p = syn(40000, ISN);
	tracker_syn(t, 100 * S, &p);
	p = SYNACK(ISN + 2, 64);
	tracker_server_tcp(t, 100 * S + 100, &p);
	assert_int_equal(st.unmatched_synack, 1);
	tracker_free(t);
}

/* A RST, the same SYN again (not a copy within 50 ms), a SYN-ACK the
 * client takes: a correction to accepted, the RST retried. */
static void
retry_after_reset_is_corrected(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	p = RST(64);
	tracker_server_tcp(t, 100 * S + 100, &p);
	assert_int_equal(nrecs, 1);
	assert_string_equal(recs[0].v.reason, "reset");
	p = syn(40000, ISN);
	tracker_syn(t, 100 * S + 49999, &p);	/* a capture duplicate */
	assert_int_equal(st.duplicate_syns, 1);
	assert_int_equal(st.after_verdict, 0);
	p = syn(40000, ISN);
	tracker_syn(t, 100 * S + 500000, &p);
	p = SYNACK(ISN + 1, 64);
	tracker_server_tcp(t, 100 * S + 500100, &p);
	p = greeting();
	tracker_server_tcp(t, 100 * S + 500200, &p);
	assert_int_equal(nrecs, 2);
	assert_true(recs[1].correction);
	assert_string_equal(recs[1].v.reason, "syn-ack");
	assert_string_equal(recs[1].corrects.reason, "reset");
	assert_int_equal(recs[1].reset_before, RESET_RETRIED);
	assert_int_equal(recs[1].syns, 2);
	assert_int_equal(recs[1].greeting_code, 220);
	assert_int_equal(st.attempts, 1);	/* a correction is no attempt */
	tracker_free(t);
}

/* A new tracker that has seen a SYN at 100 s, a RST (TTL 40) answering it
 * and then the SYN-ACK for the same SYN (TTL 64): one record so far. */
static struct tracker *
reset_then_synack(void)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	tracker_syn(t, 100 * S, &p);
	p = RST(40);
	tracker_server_tcp(t, 100 * S + 100, &p);
	p = SYNACK(ISN + 1, 64);
	tracker_server_tcp(t, 100 * S + 200, &p);
	assert_int_equal(nrecs, 1);
	return t;
}

/* A RST, then the SYN-ACK for the same SYN: accepted only once the client
 * takes it (its ACK); the RST was injected. */
static void
injected_reset_taken_over(void **state)
{
	struct tracker *t = reset_then_synack();
	struct packet p;

	(void)state;
	p = tcp(CLIENT, SERVER, 40000, 25, TCPF_ACK, ISN + 1, 7001, 64);
	tracker_client_tcp(t, 100 * S + 300, &p);
	tracker_expire(t, 106 * S);		/* the greeting wait ends */
	assert_int_equal(nrecs, 2);
	assert_true(recs[1].correction);
	assert_string_equal(recs[1].v.reason, "syn-ack");
	assert_int_equal(recs[1].reset_before, RESET_INJECTED);
	assert_int_equal(recs[1].reset_ttl, 40);
	assert_int_equal(recs[1].reply_ttl, 64);
	tracker_free(t);
}

/* The client answers the later SYN-ACK with a RST (it took the reset),
 * or nothing shows it took it: the RST stands, no correction. */
static void
injected_reset_not_taken(void **state)
{
	struct tracker *t = reset_then_synack();
	struct packet p;

	(void)state;
	p = tcp(CLIENT, SERVER, 40000, 25, TCPF_RST, ISN + 1, 0, 64);
	tracker_client_tcp(t, 100 * S + 300, &p);
	tracker_finish(t, 200 * S);
	assert_int_equal(nrecs, 1);
	assert_string_equal(recs[0].v.reason, "reset");
	tracker_free(t);

	t = reset_then_synack();
	tracker_finish(t, 200 * S);
	assert_int_equal(nrecs, 1);
	tracker_free(t);
}

/* Dropped at the timeout, then the client's next SYN is answered: a
 * correction; with corrections off (probe) the first verdict stands. */
static void
answer_after_the_timeout(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	tracker_expire(t, 110 * S);
	assert_int_equal(nrecs, 1);
	assert_string_equal(recs[0].v.reason, "no-response");
	p = syn(40000, ISN);
	tracker_syn(t, 116 * S, &p);
	p = SYNACK(ISN + 1, 64);
	tracker_server_tcp(t, 116 * S + 100, &p);
	p = greeting();
	tracker_server_tcp(t, 116 * S + 200, &p);
	assert_int_equal(nrecs, 2);
	assert_true(recs[1].correction);
	assert_string_equal(recs[1].corrects.reason, "no-response");
	assert_string_equal(recs[1].v.reason, "syn-ack");
	assert_int_equal(recs[1].syns, 2);
	assert_int_equal(recs[1].rtt_us, 100);
	assert_int_equal(recs[1].reset_before, RESET_NONE);
	tracker_free(t);

	t = mk_first_answer();
	p = syn(40000, ISN);
	tracker_syn(t, 100 * S, &p);
	tracker_expire(t, 110 * S);
	p = syn(40000, ISN);
	tracker_syn(t, 116 * S, &p);
	p = SYNACK(ISN + 1, 64);
	tracker_server_tcp(t, 116 * S + 100, &p);
	tracker_finish(t, 200 * S);
	assert_int_equal(nrecs, 1);
	assert_int_equal(st.after_verdict, 2);
	tracker_free(t);
}

/* The client's ACK first, its SYN-ACK stamped just after: the SYN-ACK
 * fills the record up to TRACK_REORDER_US after the ACK, not at it. */
static void
synack_after_client_ack(void **state)
{
	int64_t late[2] = { TRACK_REORDER_US - 1, TRACK_REORDER_US };
	struct tracker *t;
	struct packet p;
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		t = mk(64);
		p = syn(40000, ISN);
		tracker_syn(t, 100 * S, &p);
		p = tcp(CLIENT, SERVER, 40000, 25, TCPF_ACK, ISN + 1, 7001, 64);
		tracker_client_tcp(t, 100 * S + 50, &p);
		p = SYNACK(ISN + 1, 60);
		tracker_server_tcp(t, 100 * S + 50 + late[k], &p);
		p = greeting();
		tracker_server_tcp(t, 100 * S + 60 + late[k], &p);
		tracker_finish(t, 200 * S);
		assert_int_equal(nrecs, 1);
		if (k == 0) {
			assert_string_equal(recs[0].v.reason, "syn-ack");
			assert_int_equal(recs[0].reply_ttl, 60);
			assert_int_equal(recs[0].hops, 4);
			assert_int_equal(recs[0].greeting_code, 220);
		} else {
			assert_string_equal(recs[0].v.reason, "client-ack");
			assert_int_equal(recs[0].reply_ttl, -1);
			assert_int_equal(recs[0].verdict_us, 100 * S + 50);
		}
		tracker_free(t);
	}
}

/* One frame stamped 30 years ahead between a SYN and its SYN-ACK moves
 * no deadline; a jump the next frame agrees with is believed, and the
 * attempt the jumping frame started keeps its full timeout. */
static void
one_frame_far_ahead(void **state)
{
	struct tracker *t = mk(64);
	struct packet p = syn(40000, ISN);

	(void)state;
	tracker_syn(t, 100 * S, &p);
	tracker_packet_time(t, 100 * S + 30 * 365 * 86400 * S);
	p = SYNACK(ISN + 1, 64);
	tracker_server_tcp(t, 100 * S + 100, &p);
	tracker_finish(t, 101 * S);
	assert_int_equal(nrecs, 1);
	assert_string_equal(recs[0].v.reason, "syn-ack");
	assert_int_equal(st.time_backwards, 0);
	tracker_free(t);

	t = mk(64);
	p = syn(40000, ISN);
	tracker_syn(t, 100 * S, &p);
	p = syn(40001, ISN);
	tracker_syn(t, 100 * S + TRACK_JUMP_US + 1, &p);	/* the jump */
	tracker_packet_time(t, 100 * S + TRACK_JUMP_US + 2);	/* agrees */
	assert_int_equal(nrecs, 1);
	assert_string_equal(recs[0].v.reason, "no-response");
	assert_int_equal(recs[0].t.client_port, 40000);
	tracker_expire(t, 100 * S + TRACK_JUMP_US + 1 + 10 * S - 1);
	assert_int_equal(nrecs, 1);		/* 40001 still waits */
	tracker_expire(t, 100 * S + TRACK_JUMP_US + 1 + 10 * S);
	assert_int_equal(nrecs, 2);
	tracker_free(t);

	/* A step of exactly TRACK_JUMP_US is believed at once. */
	t = mk(64);
	p = syn(40000, ISN);
	tracker_syn(t, 100 * S, &p);
	tracker_packet_time(t, 100 * S + TRACK_JUMP_US);
	assert_int_equal(nrecs, 1);
	tracker_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fast_open_acks_up_to_the_data),
		cmocka_unit_test(retry_after_reset_is_corrected),
		cmocka_unit_test(injected_reset_taken_over),
		cmocka_unit_test(injected_reset_not_taken),
		cmocka_unit_test(answer_after_the_timeout),
		cmocka_unit_test(synack_after_client_ack),
		cmocka_unit_test(one_frame_far_ahead),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

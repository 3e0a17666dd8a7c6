/*
 * The capture filter against real captures: every packet the classifier
 * needs must pass pcap_offline_filter, and client-to-server data and other
 * ports must not.  Captures come from pcaps/ (run from the top of the tree).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <cmocka.h>

#include <pcap/pcap.h>

#include "core/decode.h"
#include "io/filter.h"

static struct portset ports;
static const unsigned port_list[] = { 25, 80, 81, 443, 465, 587, 2323, 8554, 9999 };

static int
in(uint16_t p)
{
	return portset_has(&ports, p);
}

struct counts {
	unsigned needed, needed_kept, data, data_kept, other, other_kept;
};

static void
check_file(const char *path, struct counts *c)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct packet p;
	pcap_t *pc;
	int dlt;

	if ((pc = pcap_open_offline(path, ebuf)) == NULL)
		fail_msg("%s: %s", path, ebuf);	/* every capture must be checked */
	dlt = pcap_datalink(pc);
	if (dlt == DLT_NFLOG_) {		/* no filter: the rules select */
		pcap_close(pc);
		return;
	}
	/* Compiled as watch compiles it, for this link type. */
	if (!decode_link_supported(dlt) ||
	    filter_compile(pc, bpf_smtp_template, &ports, &prog, NULL) != 0) {
		print_error("%s: %s\n", path, pcap_geterr(pc));
		fail();
	}
	while (pcap_next_ex(pc, &h, &data) == 1) {
		int kept = pcap_offline_filter(&prog, h, data) != 0;
		enum decode_status ds = decode_packet(dlt, data, h->caplen, h->len, &p);

		if (ds == DEC_TCP) {
			const struct tcp_info *t = &p.u.tcp;
			int from_server = in(t->sport);
			int to_server = in(t->dport) && !from_server;

			if (from_server || (to_server && (t->flags & (TCPF_SYN | TCPF_RST)))) {
				c->needed++;
				c->needed_kept += kept;
				if (!kept)
					print_message("missed in %s: tcp %u -> %u flags %#x\n",
					    path, t->sport, t->dport, t->flags);
			} else if (to_server && t->payload_wire_len > 0) {
				c->data++;
				c->data_kept += kept;
			} else if (!to_server) {
				c->other++;
				c->other_kept += kept;
			}
		} else if (ds == DEC_ICMP_ERROR && in(p.u.icmp.qdport)) {
			c->needed++;
			c->needed_kept += kept;
			if (!kept)
				print_message("missed in %s: icmp %u/%u quoting port %u\n",
				    path, p.u.icmp.type, p.u.icmp.code, p.u.icmp.qdport);
		}
	}
	pcap_freecode(&prog);
	pcap_close(pc);
}

static void
filter_keeps_what_is_needed(void **state)
{
	struct counts c = { 0, 0, 0, 0, 0, 0 };
	glob_t g;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof port_list / sizeof port_list[0]; i++)
		portset_add(&ports, port_list[i], port_list[i]);
	assert_int_equal(glob("pcaps/*/*.pcap*", 0, NULL, &g), 0);
	glob("pcaps/*/*.cap", GLOB_APPEND, NULL, &g);
	for (i = 0; i < g.gl_pathc; i++)
		check_file(g.gl_pathv[i], &c);
	globfree(&g);
	print_message("needed %u (kept %u), client data %u (kept %u), "
	    "other ports %u (kept %u)\n", c.needed, c.needed_kept, c.data,
	    c.data_kept, c.other, c.other_kept);
	assert_true(c.needed > 300);
	assert_int_equal(c.needed_kept, c.needed);
	/* Client data is dropped unless IPv6 extension headers hide the flags. */
	assert_true(c.data > 20);
	assert_true(c.data_kept * 10 < c.data);
	assert_true(c.other > 1000);
	assert_int_equal(c.other_kept, 0);
}

static void
malformed_templates_are_refused(void **state)
{
	struct portset p;
	char *f;

	(void)state;
	portset_clear(&p);
	portset_add(&p, 25, 25);
	assert_null(filter_build("tcp and @PORTS:@", &p, 1));
	assert_null(filter_build("tcp and @PORTS:tcp src", &p, 1));
	assert_null(filter_build("tcp and @OTHER@", &p, 1));
	/* not closed on its line: the '@' of a later comment does not close it */
	assert_null(filter_build("tcp and (@PORTS:tcp dst)\n# mail @ host\n", &p, 1));
	f = filter_build("# comment @PORTS@\n@PORTS:tcp dst@", &p, 1);
	assert_non_null(f);
	assert_string_equal(f, "((tcp dst port 25)) or (vlan and (((tcp dst port 25)) "
	    "or (vlan and (((tcp dst port 25)) or (vlan and ((tcp dst port 25)))))))");
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filter_keeps_what_is_needed),
		cmocka_unit_test(malformed_templates_are_refused),
	};

	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}

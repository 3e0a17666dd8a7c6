/*
 * libFuzzer harness: arbitrary bytes as a --filter-file template, expanded
 * (comments, line breaks, @PORTS:WHAT@ and @PORTS=WHAT@ placeholders) and
 * compiled by libpcap as watch does, for an Ethernet handle (with the VLAN
 * clauses) and a raw IP one (without).
 *
 * Input: byte 0 picks the ports; the rest, up to 4 KiB, is the template.
 * Seeds: tests/fuzz/corpus/filter (bpf/smtp.bpf and variants).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "io/filter.h"
#include "util/portset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TEMPLATE_MAX 4096	/* the expansion grows with it times the ports */

static void
pick_ports(struct portset *s, uint8_t how)
{
	uint32_t p;

	portset_clear(s);
	switch (how % 4) {
	case 0:
		portset_add(s, 25, 25);
		break;
	case 1:
		portset_add(s, 25, 25);
		portset_add(s, 587, 587);
		portset_add(s, 2525, 2530);
		break;
	case 2:
		portset_add(s, 1, 65535);
		break;
	default:			/* many runs, up to port 65535 */
		for (p = 1 + how / 4; p < 1000; p += 7)
			portset_add(s, (uint16_t)p, (uint16_t)p);
		portset_add(s, 65535, 65535);
		break;
	}
}

/* What filter_build hands on has no placeholder left and no line break. */
static void
check_expansion(const char *tmpl, const struct portset *ports, int vlan)
{
	char *f = filter_build(tmpl, ports, vlan);

	if (f == NULL)
		return;
	if (strpbrk(f, "@\n") != NULL)
		abort();
	free(f);
}

static void
compile(pcap_t *p, const char *tmpl, const struct portset *ports)
{
	struct bpf_program prog;
	char *expr = NULL;

	if (filter_compile(p, tmpl, ports, &prog, &expr) == 0) {
		if (expr == NULL || prog.bf_len == 0)
			abort();
		pcap_freecode(&prog);
		free(expr);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pcap_t *eth, *raw;
	struct portset ports;
	char *tmpl;

	if (eth == NULL) {
		eth = pcap_open_dead(DLT_EN10MB, 262144);
		raw = pcap_open_dead(DLT_RAW, 262144);
		if (eth == NULL || raw == NULL)
			abort();
	}
	if (size < 1 || size - 1 > TEMPLATE_MAX)
		return 0;
	pick_ports(&ports, data[0]);
	if ((tmpl = malloc(size)) == NULL)
		return 0;
	memcpy(tmpl, data + 1, size - 1);
	tmpl[size - 1] = '\0';
	check_expansion(tmpl, &ports, 0);
	check_expansion(tmpl, &ports, 1);
	compile(eth, tmpl, &ports);
	compile(raw, tmpl, &ports);
	free(tmpl);
	return 0;
}

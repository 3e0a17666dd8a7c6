/*
 * pcaploop: the bare libpcap reference loop for the benchmark.  Reads FILE
 * with pcap_dispatch and a callback that only counts, after installing the
 * BPF FILTER if one is given (libpcap runs it in user space for a savefile,
 * as for tcpdump -r).  Prints the number of packets that passed.
 *
 *   pcaploop FILE [FILTER]
 */
#define _DEFAULT_SOURCE	/* u_char and friends in pcap.h */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

static void
count(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	(void)h;
	(void)data;
	(*(uint64_t *)(void *)user)++;
}

int
main(int argc, char **argv)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	uint64_t n = 0;
	pcap_t *p;
	int r;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: pcaploop FILE [FILTER]\n");
		return 2;
	}
	if ((p = pcap_open_offline(argv[1], ebuf)) == NULL) {
		fprintf(stderr, "pcaploop: %s\n", ebuf);
		return 1;
	}
	if (argc == 3) {
		if (pcap_compile(p, &prog, argv[2], 1, PCAP_NETMASK_UNKNOWN) != 0 ||
		    pcap_setfilter(p, &prog) != 0) {
			fprintf(stderr, "pcaploop: %s\n", pcap_geterr(p));
			return 1;
		}
		pcap_freecode(&prog);
	}
	while ((r = pcap_dispatch(p, -1, count, (u_char *)&n)) > 0)
		;
	if (r == PCAP_ERROR) {
		fprintf(stderr, "pcaploop: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_close(p);
	printf("%" PRIu64 "\n", n);
	return 0;
}

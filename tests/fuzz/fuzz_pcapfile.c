/*
 * libFuzzer harness, differential: arbitrary bytes through our classic pcap
 * and pcapng readers and through libpcap must give the same records and
 * the same end (see pcapfile_same.h and pcapng_same.h).  Any difference
 * aborts with what differed.
 */
#define _GNU_SOURCE		/* memfd_create() */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pcapfile_same.h"
#include "pcapng_same.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[512];

	if (pcapfile_same(data, size, why, sizeof why) < 0) {
		fprintf(stderr, "pcapfile differs from libpcap: %s\n", why);
		abort();
	}
	if (pcapng_same(data, size, why, sizeof why) < 0) {
		fprintf(stderr, "pcapng differs from libpcap: %s\n", why);
		abort();
	}
	return 0;
}

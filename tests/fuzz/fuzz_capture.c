/*
 * libFuzzer harness: arbitrary bytes as a capture file (pcap or pcapng),
 * through the read path: our pcap reader or libpcap, then our pipeline.
 */
#define _GNU_SOURCE		/* memfd_create() */
#include <stddef.h>
#include <stdint.h>

#include "io/capture.h"
#include "fuzz_common.h"
#include "fuzz_memfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline *pl;
	struct capture *c;
	char err[512];
	int fd;

	if (size == 0 || (fd = fuzz_memfd(data, size)) < 0)
		return 0;
	if (capture_open_fd(fd, &c, err, sizeof err) != 0)
		return 0;
	pl = fuzz_pipeline();
	capture_read(c, pl, err, sizeof err);
	pipeline_finish(pl);
	pipeline_free(pl);
	return 0;
}

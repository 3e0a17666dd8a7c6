/*
 * libFuzzer harness: arbitrary bytes as a capture file (pcap or pcapng),
 * through the read path: libpcap, then our pipeline.
 */
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline pl;
	char err[512];
	FILE *fp;

	if (size == 0 || (fp = fmemopen((void *)data, size, "rb")) == NULL)
		return 0;
	fuzz_pipeline(&pl);
	capture_read_stream(fp, &pl, err, sizeof err);
	pipeline_finish(&pl);
	pipeline_free(&pl);
	return 0;
}

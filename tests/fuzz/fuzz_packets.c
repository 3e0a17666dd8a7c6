/*
 * libFuzzer harness: arbitrary bytes as a sequence of packets of one link
 * type, through decode, tracker, classifier and every sink.
 *
 * Input: byte 0 picks the link type; then records of
 *   len (2 bytes, big endian; top bit: the wire length is 64 bytes longer,
 *   as after a snaplen cut), dt (1 byte: +dt*10 ms; 254: +1 hour;
 *   255: 5 s back in time), then len bytes of frame.
 * tests/fuzz/mkseeds turns captures into this format.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

static const int links[] = { 1, 113, 276, 12, 101, 0, 108, 228, 229, 239, 9, 104,
    107 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline *pl;
	int64_t ts = 1700000000LL * 1000000;
	int dlt;

	if (size < 1)
		return 0;
	dlt = links[data[0] % (sizeof links / sizeof links[0])];
	data++, size--;
	pl = fuzz_pipeline();
	while (size >= 3) {
		uint32_t len = ((uint32_t)(data[0] & 0x7f) << 8) | data[1];
		uint32_t extra = (data[0] & 0x80) ? 64 : 0;
		uint8_t dt = data[2];

		data += 3, size -= 3;
		if (len > size)
			len = (uint32_t)size;
		if (dt == 255)
			ts -= 5000000;
		else if (dt == 254)
			ts += 3600LL * 1000000;
		else
			ts += (int64_t)dt * 10000;
		pipeline_packet(pl, dlt, ts, data, len, len + extra);
		data += len, size -= len;
		if (dt % 7 == 3)
			pipeline_tick(pl, ts);
	}
	pipeline_snapshot(pl);
	pipeline_finish(pl);
	pipeline_free(pl);
	return 0;
}

/*
 * Turns captures into seed inputs for fuzz_packets (see its format):
 *   mkseeds OUTDIR capture...
 */
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

static const int links[] = { 1, 113, 276, 12, 101, 0, 108, 228, 229, 239, 9, 104,
    107 };

int
main(int argc, char **argv)
{
	char ebuf[PCAP_ERRBUF_SIZE], out[4096];
	int i, k, n = 0;

	for (i = 2; i < argc; i++) {
		struct pcap_pkthdr *h;
		const u_char *d;
		pcap_t *p = pcap_open_offline(argv[i], ebuf);
		FILE *f;
		long long prev = -1;
		int sel = -1, count = 0;

		if (p == NULL)
			continue;
		for (k = 0; k < (int)(sizeof links / sizeof links[0]); k++)
			if (links[k] == pcap_datalink(p))
				sel = k;
		if (sel < 0) {
			pcap_close(p);
			continue;
		}
		snprintf(out, sizeof out, "%s/seed-%03d", argv[1], n++);
		if ((f = fopen(out, "wb")) == NULL)
			return 1;
		fputc(sel, f);
		while (pcap_next_ex(p, &h, &d) == 1 && count++ < 200) {
			long long t = (long long)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
			long long dt = prev < 0 ? 0 : (t - prev) / 10000;
			unsigned len = h->caplen > 0x7fff ? 0x7fff : h->caplen;

			prev = t;
			fputc((int)((len >> 8) | (h->len > h->caplen ? 0x80 : 0)), f);
			fputc((int)(len & 0xff), f);
			fputc(dt < 0 ? 255 : dt > 253 ? 254 : (int)dt, f);
			fwrite(d, 1, len, f);
		}
		fclose(f);
		pcap_close(p);
	}
	printf("%d seeds\n", n);
	return 0;
}

/*
 * The only file that includes <libnet.h>; its defines (libnet-config
 * --defines) are given to this file alone by the Makefile.
 * LIBNET_RAW4/RAW6 let the kernel route; the packet is rebuilt from scratch
 * for each probe (libnet_clear_packet), inner layers first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libnet.h>

#include "probe/inject.h"

struct injector {
	libnet_t *l4, *l6;
};

struct injector *
injector_open(char *err, size_t errlen)
{
	char e4[LIBNET_ERRBUF_SIZE] = "", e6[LIBNET_ERRBUF_SIZE] = "";
	struct injector *in = calloc(1, sizeof *in);

	if (in == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	in->l4 = libnet_init(LIBNET_RAW4, NULL, e4);
	in->l6 = libnet_init(LIBNET_RAW6, NULL, e6);
	if (in->l4 == NULL && in->l6 == NULL) {
		snprintf(err, errlen, "cannot open a raw socket (%s): run as root, "
		    "or give the binary CAP_NET_RAW", e4);
		free(in);
		return NULL;
	}
	return in;
}

void
injector_close(struct injector *in)
{
	if (in == NULL)
		return;
	if (in->l4 != NULL)
		libnet_destroy(in->l4);
	if (in->l6 != NULL)
		libnet_destroy(in->l6);
	free(in);
}

/* A Linux SYN's options: MSS 1460, SACK permitted, timestamps, NOP,
 * window scale 7 — SYN-cookie firewalls drop bare SYNs. */
static void
syn_options(uint8_t o[20])
{
	uint32_t tsval = (uint32_t)time(NULL) * 1000u;

	o[0] = 2, o[1] = 4, o[2] = 0x05, o[3] = 0xb4;
	o[4] = 4, o[5] = 2;
	o[6] = 8, o[7] = 10;
	o[8] = (uint8_t)(tsval >> 24), o[9] = (uint8_t)(tsval >> 16);
	o[10] = (uint8_t)(tsval >> 8), o[11] = (uint8_t)tsval;
	o[12] = o[13] = o[14] = o[15] = 0;
	o[16] = 1;
	o[17] = 3, o[18] = 3, o[19] = 7;
}

/* 0, or -1 with err set and *werr the errno of the write when the
 * kernel refused it (0 for any other failure). */
static int
send_segment(struct injector *in, const struct tuple *t, uint32_t seq,
    uint8_t flags, uint8_t ttl, int *werr, char *err, size_t errlen)
{
	libnet_t *l = t->server.family == 6 ? in->l6 : in->l4;
	uint8_t opts[20];
	uint32_t olen = flags == TH_SYN ? sizeof opts : 0;
	uint16_t tcplen = (uint16_t)(LIBNET_TCP_H + olen);

	*werr = 0;
	if (l == NULL) {
		snprintf(err, errlen, "no raw socket for IPv%d", t->server.family);
		return -1;
	}
	libnet_clear_packet(l);
	if (olen) {
		syn_options(opts);
		if (libnet_build_tcp_options(opts, olen, l, 0) == -1)
			goto fail;
	}
	if (libnet_build_tcp(t->client_port, t->server_port, seq, 0, flags,
	    flags == TH_SYN ? 64240 : 0, 0, 0, tcplen, NULL, 0, l, 0) == -1)
		goto fail;
	if (t->server.family == 6) {
		struct libnet_in6_addr s, d;

		memcpy(&s, t->client.b, 16);
		memcpy(&d, t->server.b, 16);
		/* libnet 1.1.6 fixes only an IPv4 length for options: say it here. */
		if (libnet_build_ipv6(0, 0, tcplen, IPPROTO_TCP, ttl, s, d, NULL, 0,
		    l, 0) == -1)
			goto fail;
	} else {
		uint32_t s, d;

		memcpy(&s, t->client.b, 4);
		memcpy(&d, t->server.b, 4);
		if (libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + tcplen), 0,
		    (uint16_t)libnet_get_prand(LIBNET_PRu16), IP_DF, ttl, IPPROTO_TCP,
		    0, s, d, NULL, 0, l, 0) == -1)
			goto fail;
	}
	errno = 0;
	if (libnet_write(l) == -1) {
		*werr = errno;	/* sendto()'s: libnet keeps it */
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s", libnet_geterror(l));
	return -1;
}

int
injector_syn(struct injector *in, const struct tuple *t, uint32_t seq,
    uint8_t ttl, int *werr, char *err, size_t errlen)
{
	return send_segment(in, t, seq, TH_SYN, ttl, werr, err, errlen);
}

int
injector_rst(struct injector *in, const struct tuple *t, uint32_t seq,
    uint8_t ttl, char *err, size_t errlen)
{
	int werr;

	return send_segment(in, t, seq, TH_RST, ttl, &werr, err, errlen);
}

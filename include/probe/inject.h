/* Crafted TCP segments through libnet raw sockets (IPv4 and IPv6). */
#ifndef SMTPSCOPE_INJECT_H
#define SMTPSCOPE_INJECT_H

#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

struct injector;

/* Opens the raw sockets (needs root or CAP_NET_RAW); NULL with err set when
 * neither family can be opened. */
struct injector *injector_open(char *err, size_t errlen);
void injector_close(struct injector *in);

/*
 * A SYN that looks like a Linux client's: MSS, SACK permitted, timestamps,
 * window scale, window 64240, DF, the given TTL.  0, or -1 with err set;
 * then *werr is the errno with which the kernel refused to send it
 * (EACCES, EPERM, ENETUNREACH...), or 0 when it failed before that.
 */
int injector_syn(struct injector *in, const struct tuple *t, uint32_t seq,
    uint8_t ttl, int *werr, char *err, size_t errlen);
/* A RST (seq = the SYN's + 1), so no half-open connection is left behind. */
int injector_rst(struct injector *in, const struct tuple *t, uint32_t seq,
    uint8_t ttl, char *err, size_t errlen);

#endif

/* Network addresses as plain values: family 4 or 6, bytes in network order. */
#ifndef SMTPSCOPE_ADDR_H
#define SMTPSCOPE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct addr {
	uint8_t family;		/* 4 or 6; 0 = none */
	uint8_t b[16];		/* IPv4 uses b[0..3], the rest stays zero */
};

/* The attempt key: client side and server side of one TCP connection. */
struct tuple {
	struct addr client;
	struct addr server;
	uint16_t client_port;
	uint16_t server_port;
};

#define ADDR_STRLEN 46	/* INET6_ADDRSTRLEN */
#define ENDPOINT_STRLEN (ADDR_STRLEN + 8)	/* "[addr]:port" */

/* Inline: every table lookup compares addresses. */
static inline bool
addr_eq(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && memcmp(a->b, b->b, sizeof a->b) == 0;
}

bool tuple_eq(const struct tuple *a, const struct tuple *b);
uint32_t tuple_hash(const struct tuple *t, uint32_t seed);
/* An address with a number beside it (a port, a table's index). */
uint32_t addr_hash(const struct addr *a, uint64_t extra, uint32_t seed);
/* The textual form (no brackets, "-" for family 0) at p, no NUL; returns
 * the end.  At most ADDR_STRLEN - 1 bytes. */
char *addr_put(char *p, const struct addr *a);
/* The same with a NUL after it; returns buf. */
const char *addr_str(const struct addr *a, char buf[ADDR_STRLEN]);
/* "192.0.2.1:25" or "[2001:db8::1]:25"; returns buf. */
const char *endpoint_str(const struct addr *a, uint16_t port,
    char buf[ENDPOINT_STRLEN]);
/* endpoint_str's text at p, without a NUL (at most ENDPOINT_STRLEN - 1
 * bytes); returns its end. */
char *endpoint_put(char *p, const struct addr *a, uint16_t port);
/* Parses an IPv4 or IPv6 literal; returns false when it is neither. */
bool addr_parse(const char *s, struct addr *out);

/* endpoint_parse()'s outcomes. */
enum endpoint_err {
	ENDPOINT_OK,
	ENDPOINT_NO_PORT,	/* no ":port" after the address */
	ENDPOINT_BAD_PORT,	/* not a number in 1-65535 */
	ENDPOINT_BAD_ADDR,	/* not an IPv4 or IPv6 literal (names too) */
	ENDPOINT_UNBRACKETED,	/* an IPv6 address without [ ] */
};

/* "192.0.2.1:9464" or "[2001:db8::1]:9464" (endpoint_str's forms): an
 * address literal and a port.  Host names are refused: a listening
 * address is named by its number, with no DNS at start. */
enum endpoint_err endpoint_parse(const char *s, struct addr *a,
    uint16_t *port);

#endif

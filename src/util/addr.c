/* Address values: comparison, hashing, text. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "util/addr.h"
#include "util/digits.h"

static uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

bool
tuple_eq(const struct tuple *a, const struct tuple *b)
{
	return a->client_port == b->client_port &&
	    a->server_port == b->server_port &&
	    addr_eq(&a->client, &b->client) && addr_eq(&a->server, &b->server);
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* A few multiply-xorshift rounds over the key's words, started from a
 * per-run seed so a flood of chosen tuples cannot aim at one bucket.  On
 * the per-packet path: no byte loop. */
uint32_t
tuple_hash(const struct tuple *t, uint32_t seed)
{
	uint64_t h = 0x6a09e667f3bcc909ull ^ seed;

	h = mix(h, ((uint64_t)t->client_port << 16 | t->server_port) |
	    (uint64_t)t->client.family << 32);
	h = mix(h, load64(t->client.b));
	h = mix(h, load64(t->server.b));
	if (t->client.family == 6) {
		h = mix(h, load64(t->client.b + 8));
		h = mix(h, load64(t->server.b + 8));
	}
	h *= 0xff51afd7ed558ccdull;
	return (uint32_t)(h ^ (h >> 32));
}

uint32_t
addr_hash(const struct addr *a, uint64_t extra, uint32_t seed)
{
	uint64_t h = 0xbb67ae8584caa73bull ^ seed;

	h = mix(h, extra ^ (uint64_t)a->family << 56);
	h = mix(h, load64(a->b));
	h = mix(h, load64(a->b + 8));
	h *= 0xff51afd7ed558ccdull;
	return (uint32_t)(h ^ (h >> 32));
}

/* "192.0.2.1" at p; returns the end.  By hand: inet_ntop formats through
 * sprintf, which makes `read --json` of the bench file 1.08 times as slow. */
static char *
put_ip4(char *p, const uint8_t *b)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (v >= 100) {
			*p++ = (char)('0' + v / 100);
			p = put2(p, v % 100);
		} else if (v >= 10)
			p = put2(p, v);
		else
			*p++ = (char)('0' + v);
		if (i < 3)
			*p++ = '.';
	}
	return p;
}

/* One group in lower-case hex, no leading zeros; returns the end. */
static char *
put_hex16(char *p, unsigned w)
{
	static const char hex[] = "0123456789abcdef";
	int n = w >= 0x1000 ? 4 : w >= 0x100 ? 3 : w >= 0x10 ? 2 : 1;

	for (int k = n - 1; k >= 0; k--, w >>= 4)
		p[k] = hex[w & 15];
	return p + n;
}

/*
 * The text glibc's inet_ntop gives (tests/unit/test_addr.c compares): the
 * longest run of two or more zero groups, the first of equal ones, becomes
 * "::"; ::a.b.c.d and ::ffff:a.b.c.d keep the IPv4 address dotted.
 */
static char *
put_ip6(char *p, const uint8_t *b)
{
	unsigned w[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0, i;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
		if (w[i] == 0) {
			if (cur < 0)
				cur = i, curlen = 0;
			if (++curlen > bestlen)
				best = cur, bestlen = curlen;
		} else
			cur = -1;
	}
	if (bestlen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + bestlen) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && best == 0 &&
		    (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff)))
			return put_ip4(p, b + 12);
		p = put_hex16(p, w[i]);
	}
	if (best >= 0 && best + bestlen == 8)
		*p++ = ':';
	return p;
}

char *
addr_put(char *p, const struct addr *a)
{
	if (a->family == 4)
		return put_ip4(p, a->b);
	if (a->family == 6)
		return put_ip6(p, a->b);
	*p++ = '-';
	return p;
}

const char *
addr_str(const struct addr *a, char buf[ADDR_STRLEN])
{
	*addr_put(buf, a) = '\0';
	return buf;
}

const char *
endpoint_str(const struct addr *a, uint16_t port, char buf[ENDPOINT_STRLEN])
{
	*endpoint_put(buf, a, port) = '\0';
	return buf;
}

char *
endpoint_put(char *p, const struct addr *a, uint16_t port)
{
	if (a->family == 6)
		*p++ = '[';
	p = addr_put(p, a);
	if (a->family == 6)
		*p++ = ']';
	*p++ = ':';
	return put_u64(p, port);
}

bool
addr_parse(const char *s, struct addr *out)
{
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, s, out->b) == 1) {
		out->family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->b) == 1) {
		out->family = 6;
		return true;
	}
	memset(out, 0, sizeof *out);
	return false;
}

/* "1" to "65535", digits only (no sign, space or 0x). */
static bool
port_parse(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 6; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	if (i == 0 || s[i] != '\0' || v < 1 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

enum endpoint_err
endpoint_parse(const char *s, struct addr *a, uint16_t *port)
{
	char host[ADDR_STRLEN];
	const char *colon, *h = s;
	size_t n;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL)
			return ENDPOINT_BAD_ADDR;
		h = s + 1;
		n = (size_t)(close - h);
		colon = close + 1;
		if (*colon != ':')
			return ENDPOINT_NO_PORT;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return ENDPOINT_NO_PORT;
		if (strchr(s, ':') != colon)
			return addr_parse(s, a) ? ENDPOINT_UNBRACKETED :
			    ENDPOINT_BAD_ADDR;
		n = (size_t)(colon - s);
	}
	if (n == 0 || n >= sizeof host)
		return ENDPOINT_BAD_ADDR;
	memcpy(host, h, n);
	host[n] = '\0';
	/* "[192.0.2.1]" is not a form anybody writes: brackets are IPv6's. */
	if (!addr_parse(host, a) || (s[0] == '[') != (a->family == 6)) {
		memset(a, 0, sizeof *a);
		return ENDPOINT_BAD_ADDR;
	}
	if (!port_parse(colon + 1, port))
		return ENDPOINT_BAD_PORT;
	return ENDPOINT_OK;
}

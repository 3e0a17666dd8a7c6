/* Address values: comparison, hashing, text. */
#include <arpa/inet.h>
#include <string.h>

#include "addr.h"

bool
addr_eq(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && memcmp(a->b, b->b, 16) == 0;
}

bool
tuple_eq(const struct tuple *a, const struct tuple *b)
{
	return a->client_port == b->client_port &&
	    a->server_port == b->server_port &&
	    addr_eq(&a->client, &b->client) && addr_eq(&a->server, &b->server);
}

/* FNV-1a over the key bytes, mixed with a per-run seed so a flood of chosen
 * tuples cannot aim at one bucket. */
static uint32_t
fnv(uint32_t h, const uint8_t *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

uint32_t
tuple_hash(const struct tuple *t, uint32_t seed)
{
	uint8_t ports[4] = {
		(uint8_t)(t->client_port >> 8), (uint8_t)t->client_port,
		(uint8_t)(t->server_port >> 8), (uint8_t)t->server_port,
	};
	uint32_t h = 2166136261u ^ seed;
	size_t n = t->client.family == 6 ? 16 : 4;

	h = fnv(h, t->client.b, n);
	h = fnv(h, t->server.b, n);
	h = fnv(h, ports, sizeof ports);
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
}

const char *
addr_str(const struct addr *a, char buf[ADDR_STRLEN])
{
	if (a->family == 4)
		inet_ntop(AF_INET, a->b, buf, ADDR_STRLEN);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->b, buf, ADDR_STRLEN);
	else
		strcpy(buf, "-");
	return buf;
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

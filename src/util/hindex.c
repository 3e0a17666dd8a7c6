/* The hashed index of util/hindex.h. */
#include <stdlib.h>

#include "util/hindex.h"

#define MIN_SLOTS 16

uint32_t
hindex_find(const struct hindex *h, uint32_t hash, hindex_eq_fn eq,
    const void *key)
{
	uint32_t j;

	if (h->slot == NULL)
		return HINDEX_NONE;
	for (j = hash & h->mask;; j = (j + 1) & h->mask) {
		const struct hindex_slot *s = &h->slot[j];

		if (s->item == HINDEX_NONE)
			return HINDEX_NONE;
		if (s->hash == hash && eq(key, s->item))
			return s->item;
	}
}

static void
put(struct hindex_slot *slot, uint32_t mask, uint32_t hash, uint32_t item)
{
	uint32_t j = hash & mask;

	while (slot[j].item != HINDEX_NONE)
		j = (j + 1) & mask;
	slot[j].hash = hash;
	slot[j].item = item;
}

/* Twice the slots (MIN_SLOTS at first), every item moved by its kept hash. */
static int
grow(struct hindex *h)
{
	uint32_t old = h->slot == NULL ? 0 : h->mask + 1;
	uint32_t size = old == 0 ? MIN_SLOTS : old * 2, i;
	struct hindex_slot *slot;

	if (size == 0 || (slot = malloc((size_t)size * sizeof *slot)) == NULL)
		return -1;
	for (i = 0; i < size; i++)
		slot[i].item = HINDEX_NONE;
	for (i = 0; i < old; i++)
		if (h->slot[i].item != HINDEX_NONE)
			put(slot, size - 1, h->slot[i].hash, h->slot[i].item);
	free(h->slot);
	h->slot = slot;
	h->mask = size - 1;
	return 0;
}

int
hindex_add(struct hindex *h, uint32_t hash, uint32_t item)
{
	if ((h->slot == NULL || h->n + 1 > (h->mask + 1) / 2) && grow(h) != 0)
		return -1;
	put(h->slot, h->mask, hash, item);
	h->n++;
	return 0;
}

void
hindex_free(struct hindex *h)
{
	free(h->slot);
	h->slot = NULL;
	h->mask = h->n = 0;
}

uint32_t
hash_str(const char *s, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/*
 * An index by hash for tables that only grow: open addressing with linear
 * probing over (hash, item) slots; the items themselves stay in the
 * caller's arrays, named by their number.  Each slot keeps its item's hash,
 * so growing never rehashes a key and a lookup compares keys only where the
 * hashes match.  A zeroed struct hindex is an empty index.
 */
#ifndef SMTPSCOPE_HINDEX_H
#define SMTPSCOPE_HINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HINDEX_NONE UINT32_MAX

struct hindex_slot {
	uint32_t hash;
	uint32_t item;		/* HINDEX_NONE: empty */
};

struct hindex {
	struct hindex_slot *slot;
	uint32_t mask;		/* slots - 1; the slots are a power of two */
	uint32_t n;		/* items */
};

/* Is item the one the lookup's key names? */
typedef bool (*hindex_eq_fn)(const void *key, uint32_t item);

/* The item under hash for which eq(key, item) holds, or HINDEX_NONE. */
uint32_t hindex_find(const struct hindex *h, uint32_t hash, hindex_eq_fn eq,
    const void *key);
/* Adds an item not yet there; the index doubles when half full.
 * 0, or -1 when out of memory (the index is then unchanged). */
int hindex_add(struct hindex *h, uint32_t hash, uint32_t item);
void hindex_free(struct hindex *h);

/* A string's hash (FNV-1a), started from seed. */
uint32_t hash_str(const char *s, uint32_t seed);

#endif

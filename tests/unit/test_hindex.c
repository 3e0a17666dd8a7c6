/* util/hindex: items found by hash and key through growth, equal hashes
 * told apart by the key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/hindex.h"

#define N 5000

static uint32_t keys[N];

static bool
key_is(const void *key, uint32_t item)
{
	return keys[item] == *(const uint32_t *)key;
}

static uint32_t
find(const struct hindex *h, uint32_t hash, uint32_t key)
{
	return hindex_find(h, hash, key_is, &key);
}

static void
grows_and_finds(void **state)
{
	struct hindex h = { 0 };
	uint32_t i;

	(void)state;
	assert_int_equal(find(&h, 1, 1), HINDEX_NONE);
	for (i = 0; i < N; i++) {
		keys[i] = i * 7919u;
		assert_int_equal(hindex_add(&h, hash_str("k", keys[i]), i), 0);
	}
	assert_int_equal(h.n, N);
	assert_true(h.mask + 1 >= 2 * N);	/* at most half full */
	for (i = 0; i < N; i++)
		assert_int_equal(find(&h, hash_str("k", keys[i]), keys[i]), i);
	assert_int_equal(find(&h, hash_str("k", 3), 3), HINDEX_NONE);
	hindex_free(&h);
	assert_null(h.slot);
}

/* Every item under one hash: the key decides. */
static void
equal_hashes(void **state)
{
	struct hindex h = { 0 };
	uint32_t i;

	(void)state;
	for (i = 0; i < 100; i++) {
		keys[i] = 1000 + i;
		assert_int_equal(hindex_add(&h, 42, i), 0);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal(find(&h, 42, 1000 + i), i);
	assert_int_equal(find(&h, 42, 999), HINDEX_NONE);
	assert_int_equal(find(&h, 43, 1000), HINDEX_NONE);
	hindex_free(&h);
}

static void
string_hash(void **state)
{
	(void)state;
	assert_int_equal(hash_str("", 0), 2166136261u);
	assert_int_equal(hash_str("a", 0), 0xe40c292cu);	/* FNV-1a */
	assert_int_not_equal(hash_str("mx.example", 1), hash_str("mx.example", 2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grows_and_finds),
		cmocka_unit_test(equal_hashes),
		cmocka_unit_test(string_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

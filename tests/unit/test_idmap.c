/* test_idmap.c: unit tests of the DNS engine's id map (common/idmap.c) against a plain reference array. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/idmap.h"

/** Reference: value per id, 0 = absent. */
static uint16_t ref[65536];

/** Deterministic pseudo-random numbers (xorshift32) so a failure can be replayed. */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/** Every id of the reference (and only those) is found with its value. */
static void assert_same_as_reference(const mr_idmap *m)
{
	for (unsigned id = 0; id < 65536; id++)
		assert_int_equal(mr_idmap_get(m, (uint16_t)id), ref[id]);
}

/** An empty map finds nothing; a stored id is found until it is removed. */
static void test_put_get_del(void **state)
{
	mr_idmap m;

	(void)state;
	assert_int_equal(mr_idmap_init(&m, 4), 0);
	assert_int_equal(mr_idmap_get(&m, 7), 0);
	mr_idmap_put(&m, 7, 3);
	mr_idmap_put(&m, 65535, 65535);
	assert_int_equal(mr_idmap_get(&m, 7), 3);
	assert_int_equal(mr_idmap_get(&m, 65535), 65535);
	assert_int_equal(mr_idmap_get(&m, 8), 0);
	mr_idmap_del(&m, 7);
	mr_idmap_del(&m, 9);        /* absent: no effect */
	assert_int_equal(mr_idmap_get(&m, 7), 0);
	assert_int_equal(mr_idmap_get(&m, 65535), 65535);
	mr_idmap_free(&m);
}

/** The table has at least twice the capacity in entries, so a full map still has empty entries. */
static void test_table_is_at_most_half_full(void **state)
{
	mr_idmap m;

	(void)state;
	assert_int_equal(mr_idmap_init(&m, 1), 0);
	assert_int_equal(m.mask + 1, 16);
	mr_idmap_free(&m);
	assert_int_equal(mr_idmap_init(&m, 500), 0);
	assert_int_equal(m.mask + 1, 1024);
	mr_idmap_free(&m);
	assert_int_equal(mr_idmap_init(&m, 10000), 0);
	assert_int_equal(m.mask + 1, 32768);
	mr_idmap_free(&m);
}

/** Ids sharing their home entry form one chain across the table's end; deleting any keeps the rest findable. */
static void test_colliding_chain_survives_deletions_at_wraparound(void **state)
{
	mr_idmap m;
	const unsigned n = 8;

	(void)state;
	memset(ref, 0, sizeof ref);
	assert_int_equal(mr_idmap_init(&m, n), 0);          /* 16 entries */
	/* Homes 14, 15 and 14 + 16k: the chain starts near the end and wraps to the start. */
	for (unsigned k = 0; k < n; k++) {
		uint16_t id = (uint16_t)(14 + 16 * k + (k % 2));
		mr_idmap_put(&m, id, k + 1);
		ref[id] = (uint16_t)(k + 1);
	}
	assert_same_as_reference(&m);
	for (unsigned k = 0; k < n; k += 3) {
		uint16_t id = (uint16_t)(14 + 16 * k + (k % 2));
		mr_idmap_del(&m, id);
		ref[id] = 0;
		assert_same_as_reference(&m);
	}
	mr_idmap_free(&m);
}

/** 200,000 random puts and deletes at full capacity, with ids crowded onto few homes, match the reference. */
static void test_random_operations_match_reference(void **state)
{
	enum { CAP = 64, OPS = 200000 };
	uint16_t live[CAP];
	size_t nlive = 0;
	uint32_t seed = 12345;
	mr_idmap m;

	(void)state;
	memset(ref, 0, sizeof ref);
	assert_int_equal(mr_idmap_init(&m, CAP), 0);
	for (unsigned op = 0; op < OPS; op++) {
		uint32_t r = next_rand(&seed);
		if (nlive < CAP && (nlive == 0 || r % 2 == 0)) {
			/* Ids from a small pool so that homes collide and chains grow long. */
			uint16_t id = (uint16_t)((next_rand(&seed) % 40) * 1024 + (next_rand(&seed) % 8));
			if (ref[id] != 0)
				continue;
			ref[id] = (uint16_t)(1 + next_rand(&seed) % 65535);
			mr_idmap_put(&m, id, ref[id]);
			live[nlive++] = id;
		} else {
			size_t k = next_rand(&seed) % nlive;
			mr_idmap_del(&m, live[k]);
			ref[live[k]] = 0;
			live[k] = live[--nlive];
		}
		for (size_t k = 0; k < nlive; k++)
			assert_int_equal(mr_idmap_get(&m, live[k]), ref[live[k]]);
		if (op % 20000 == 0)
			assert_same_as_reference(&m);
	}
	assert_same_as_reference(&m);
	mr_idmap_free(&m);
}

/** Run the id map tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_del),
		cmocka_unit_test(test_table_is_at_most_half_full),
		cmocka_unit_test(test_colliding_chain_survives_deletions_at_wraparound),
		cmocka_unit_test(test_random_operations_match_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

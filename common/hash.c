/* hash.c: FNV-1a hashing and a sorted set of 64-bit string hashes. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "util.h"

/** FNV-1a (64 bits) over n bytes, continuing from h. */
uint64_t mr_fnv1a64(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

/** Add the hash of s to the set. */
int mr_hash_set_add(mr_hash_set *hs, const char *s)
{
	uint64_t *v = mr_grow(hs->v, &hs->cap, hs->n, sizeof(*v), 1024);

	if (v == NULL)
		return -1;
	hs->v = v;
	hs->v[hs->n++] = mr_fnv1a64(s, strlen(s), MR_FNV64_INIT);
	return 0;
}

/** Compare two hashes (qsort, bsearch). */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/** Sort the set. */
void mr_hash_set_freeze(mr_hash_set *hs)
{
	if (hs->n > 1)
		qsort(hs->v, hs->n, sizeof(*hs->v), cmp_u64);
}

/** 1 if the hash of s is in the (frozen) set. */
int mr_hash_set_has(const mr_hash_set *hs, const char *s)
{
	uint64_t h = mr_fnv1a64(s, strlen(s), MR_FNV64_INIT);

	return hs->n > 0 && bsearch(&h, hs->v, hs->n, sizeof(h), cmp_u64) != NULL;
}

/** Free the set. */
void mr_hash_set_free(mr_hash_set *hs)
{
	free(hs->v);
	memset(hs, 0, sizeof(*hs));
}

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

/** Put hash h (never 0) into the slots of hs (a free slot exists); 1 if it was there, else 0. */
static int put(mr_hash_set *hs, uint64_t h)
{
	size_t mask = hs->cap - 1, i = (size_t)h & mask;

	while (hs->v[i] != 0) {
		if (hs->v[i] == h)
			return 1;
		i = (i + 1) & mask;
	}
	hs->v[i] = h;
	hs->n++;
	return 0;
}

/** Double the slots of hs (or make the first 1024); 0, or -1 when out of memory (hs unchanged). */
static int grow(mr_hash_set *hs)
{
	size_t ncap = hs->cap ? hs->cap * 2 : 1024, i, oldcap = hs->cap;
	uint64_t *old = hs->v;

	if (ncap > SIZE_MAX / sizeof(*hs->v))
		return -1;
	hs->v = calloc(ncap, sizeof(*hs->v));
	if (hs->v == NULL) {
		hs->v = old;
		mr_oom_note();
		return -1;
	}
	hs->cap = ncap;
	hs->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0)
			(void)put(hs, old[i]);
	free(old);
	return 0;
}

/** Add the hash of s to the set; see hash.h. */
int mr_hash_set_add(mr_hash_set *hs, const char *s)
{
	uint64_t h = mr_fnv1a64(s, strlen(s), MR_FNV64_INIT);

	if (h == 0)
		h = 1; /* 0 marks a free slot */
	/* at most half full, so probes stay short */
	if ((hs->n + 1) * 2 > hs->cap && grow(hs) != 0)
		return -1;
	return put(hs, h);
}

/** 1 if the hash of s is in the set, else 0. */
int mr_hash_set_has(const mr_hash_set *hs, const char *s)
{
	uint64_t h = mr_fnv1a64(s, strlen(s), MR_FNV64_INIT);
	size_t i;

	if (h == 0)
		h = 1;
	if (hs->cap == 0)
		return 0;
	for (i = (size_t)h & (hs->cap - 1); hs->v[i] != 0; i = (i + 1) & (hs->cap - 1))
		if (hs->v[i] == h)
			return 1;
	return 0;
}

/** Free the set. */
void mr_hash_set_free(mr_hash_set *hs)
{
	free(hs->v);
	memset(hs, 0, sizeof(*hs));
}

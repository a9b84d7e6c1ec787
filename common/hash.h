/* hash.h: FNV-1a hashing of bytes and a set of 64-bit string hashes (add, then freeze, then look up). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_HASH_H
#define MR_HASH_H

#include <stddef.h>
#include <stdint.h>

/** First value of mr_fnv1a64. */
#define MR_FNV64_INIT 14695981039346656037ull

/** FNV-1a (64 bits) over n bytes, continuing from h (MR_FNV64_INIT to start). */
uint64_t mr_fnv1a64(const void *p, size_t n, uint64_t h);

/** A set of string hashes: a collision makes a different string look present, at odds of about n / 2^64. */
typedef struct mr_hash_set {
	uint64_t *v;          /**< mr_fnv1a64 of each string, sorted by mr_hash_set_freeze */
	size_t n;             /**< used */
	size_t cap;           /**< allocated */
} mr_hash_set;

/** Add the hash of s; 0, or -1 when out of memory. */
int mr_hash_set_add(mr_hash_set *hs, const char *s);
/** Sort the set so mr_hash_set_has can search it; call after the last add. */
void mr_hash_set_freeze(mr_hash_set *hs);
/** 1 if the hash of s is in the frozen set, else 0. */
int mr_hash_set_has(const mr_hash_set *hs, const char *s);
/** Free the set's memory and empty it. */
void mr_hash_set_free(mr_hash_set *hs);

#endif

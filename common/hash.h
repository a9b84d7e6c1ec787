/* hash.h: FNV-1a hashing of bytes and a set of 64-bit string hashes (open addressing: add and look up at any time). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_HASH_H
#define MR_HASH_H

#include <stddef.h>
#include <stdint.h>

/** First value of mr_fnv1a64. */
#define MR_FNV64_INIT 14695981039346656037ull

/** FNV-1a (64 bits) over n bytes, continuing from h (MR_FNV64_INIT to start). */
uint64_t mr_fnv1a64(const void *p, size_t n, uint64_t h);

/** A set of string hashes (open addressing, at most half full): a collision makes a different string look
 *  present, at odds of about n / 2^64. */
typedef struct mr_hash_set {
	uint64_t *v;          /**< slots: mr_fnv1a64 of each string (1 for a hash of 0), 0 when free */
	size_t n;             /**< used */
	size_t cap;           /**< slots, a power of two or 0 */
} mr_hash_set;

/** Add the hash of s; 0 if it was new, 1 if it was there already, or -1 when out of memory. */
int mr_hash_set_add(mr_hash_set *hs, const char *s);
/** 1 if the hash of s is in the set, else 0. */
int mr_hash_set_has(const mr_hash_set *hs, const char *s);
/** Free the set's memory and empty it. */
void mr_hash_set_free(mr_hash_set *hs);

#endif

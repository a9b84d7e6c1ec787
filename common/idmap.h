/* idmap.h: a small map from 16-bit DNS message ids to query slots, sized to the queries in flight. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_IDMAP_H
#define MR_IDMAP_H

#include <stddef.h>
#include <stdint.h>

/** One entry: an id and the value stored for it (0 marks an empty entry). */
typedef struct mr_idmap_entry {
	uint16_t id;     /**< DNS message id */
	uint16_t value;  /**< stored value, never 0 */
} mr_idmap_entry;

/** Open-addressing table with linear probing, kept at most half full. */
typedef struct mr_idmap {
	mr_idmap_entry *e;  /**< entries, NULL until mr_idmap_init */
	size_t mask;        /**< table size - 1 (a power of two) */
} mr_idmap;

/** Allocate a map that holds up to capacity ids (capacity >= 1); 0 or -1 when out of memory. */
int mr_idmap_init(mr_idmap *m, size_t capacity);
/** Release the table. */
void mr_idmap_free(mr_idmap *m);
/** Value stored for id, 0 if none. */
unsigned mr_idmap_get(const mr_idmap *m, uint16_t id);
/** Store value (1..65535) for id, which must not be present; at most capacity ids at once. */
void mr_idmap_put(mr_idmap *m, uint16_t id, unsigned value);
/** Remove id if present. */
void mr_idmap_del(mr_idmap *m, uint16_t id);

#endif

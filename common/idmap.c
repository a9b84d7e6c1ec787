/*
 * idmap.c: the id index of the DNS engine's UDP sockets (idmap.h).
 *
 * Ids are random, so their low bits serve as the hash. The table has at least
 * twice as many entries as ids it must hold; deletion shifts later entries of
 * a probe chain back, so there are no tombstones and lookups stay short.
 */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>

#include "idmap.h"

/** Allocate a map that holds up to capacity ids (capacity >= 1); 0 or -1 when out of memory. */
int mr_idmap_init(mr_idmap *m, size_t capacity)
{
	size_t size = 16;

	while (size < 2 * capacity)
		size *= 2;
	m->e = calloc(size, sizeof *m->e);
	if (!m->e)
		return -1;
	m->mask = size - 1;
	return 0;
}

/** Release the table. */
void mr_idmap_free(mr_idmap *m)
{
	free(m->e);
	m->e = NULL;
	m->mask = 0;
}

/** Value stored for id, 0 if none. */
unsigned mr_idmap_get(const mr_idmap *m, uint16_t id)
{
	for (size_t h = id & m->mask;; h = (h + 1) & m->mask) {
		if (m->e[h].value == 0)
			return 0;
		if (m->e[h].id == id)
			return m->e[h].value;
	}
}

/** Store value (1..65535) for id, which must not be present; at most capacity ids at once. */
void mr_idmap_put(mr_idmap *m, uint16_t id, unsigned value)
{
	size_t h = id & m->mask;

	while (m->e[h].value != 0)
		h = (h + 1) & m->mask;
	m->e[h].id = id;
	m->e[h].value = (uint16_t)value;
}

/** Remove id if present. */
void mr_idmap_del(mr_idmap *m, uint16_t id)
{
	size_t h = id & m->mask, j;

	while (m->e[h].value != 0 && m->e[h].id != id)
		h = (h + 1) & m->mask;
	if (m->e[h].value == 0)
		return;
	for (j = (h + 1) & m->mask; m->e[j].value != 0; j = (j + 1) & m->mask) {
		size_t home = m->e[j].id & m->mask;
		/* Entry j may move into the hole at h unless its home lies cyclically in (h, j]. */
		if (((j - home) & m->mask) >= ((j - h) & m->mask)) {
			m->e[h] = m->e[j];
			h = j;
		}
	}
	m->e[h].value = 0;
}

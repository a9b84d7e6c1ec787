/* dnsbl_parse_zone.c: the zone and catalogue containers that the parsers fill: defaults of a new zone,
 * room, lookup by name and freeing. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdlib.h>
#include <string.h>

#include "dnsbl_parse_zone.h"

/** Most zones in one catalogue. */
#define CATALOGUE_MAX 4096

/** Initialise an empty catalogue. */
void dnsbl_catalogue_init(dnsbl_catalogue *c)
{
	memset(c, 0, sizeof *c);
}

/** Free one zone's code sets. */
static void zone_free(dnsbl_zone *z)
{
	dnsbl_codeset_free(&z->listing);
	dnsbl_codeset_free(&z->meaning);
	dnsbl_codeset_free(&z->errors);
}

/** Free the zones and their code sets. */
void dnsbl_catalogue_free(dnsbl_catalogue *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		zone_free(&c->v[i]);
	free(c->v);
	dnsbl_catalogue_init(c);
}

/** Make room for extra more zones; 0 or -1. */
int dnsbl_catalogue_reserve(dnsbl_catalogue *c, size_t extra)
{
	size_t ncap = c->cap != 0 ? c->cap : 8;
	dnsbl_zone *nv;

	if (extra > CATALOGUE_MAX || c->n + extra > CATALOGUE_MAX)
		return -1;
	if (c->n + extra <= c->cap)
		return 0;
	while (ncap < c->n + extra)
		ncap *= 2;
	nv = realloc(c->v, ncap * sizeof *nv);
	if (nv == NULL)
		return -1;
	c->v = nv;
	c->cap = ncap;
	return 0;
}

/** Index of the zone called name in c, or -1. */
long dnsbl_catalogue_index(const dnsbl_catalogue *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return (long)i;
	return -1;
}

/** Fill z with the defaults of a new ip zone named name (already normalised). */
void dnsbl_zone_defaults(dnsbl_zone *z, const char *name)
{
	memset(z, 0, sizeof *z);
	memcpy(z->name, name, strlen(name) + 1);
	z->kind = DNSBL_KIND_IP;
	z->ipv4 = 1;
	z->ipv6 = 0;
	z->severity = MR_CRITICAL;
}

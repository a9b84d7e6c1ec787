/* dnsbl_parse_zonespec.h: the -z / --allow-zone spec ZONE[=CODES][:FLAG]..., and the run's catalogue built from
 * the default catalogue or --zones-file plus those specs. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_PARSE_ZONESPEC_H
#define DNSBL_PARSE_ZONESPEC_H

#include "../../common/util.h"
#include "dnsbl_parse_zone.h"

/** Append a zone from a -z / --allow-zone spec ZONE[=CODES][:warning]; 0, or -1 with a reason. */
int dnsbl_catalogue_add_spec(dnsbl_catalogue *c, const char *spec, int allow, mr_buf *err);

/** A -z or --allow-zone argument, kept in command-line order. */
typedef struct dnsbl_zone_spec {
	const char *text;   /**< ZONE[=CODES][:FLAG]... as given */
	int allow;          /**< from --allow-zone */
} dnsbl_zone_spec;

/** Where the run's zones come from. */
typedef struct dnsbl_zone_sources {
	const char *zones_text;        /**< the text of --zones-file (read by the caller), or NULL */
	const char *zones_origin;      /**< its name in messages (the path) */
	int no_default_zones;          /**< --no-default-zones */
	const dnsbl_zone_spec *specs;  /**< -z / --allow-zone in command-line order */
	size_t nspecs;                 /**< used */
} dnsbl_zone_sources;

/**
 * Build the run's catalogue into cat: the built-in catalogue or --zones-file (unless --no-default-zones), then
 * every spec; 0, or -1 with a reason naming the option (also when no zone is left to query).
 */
int dnsbl_catalogue_build(dnsbl_catalogue *cat, const dnsbl_zone_sources *src, mr_buf *err);

#endif

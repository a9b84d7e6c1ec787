/* dnsbl_parse_zone.h: one DNSBL zone and the ordered catalogue of zones that the parsers fill. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_PARSE_ZONE_H
#define DNSBL_PARSE_ZONE_H

#include <stddef.h>
#include "../../common/addr.h"
#include "../../common/state.h"
#include "../../common/util.h"
#include "dnsbl_parse_codes.h"

/** Longest zone name without NUL. */
#define DNSBL_ZONE_MAX MR_HOSTNAME_MAX

/** What a zone is queried with. */
typedef enum dnsbl_kind {
	DNSBL_KIND_IP = 0,   /**< reversed IPv4 octets / IPv6 nibbles */
	DNSBL_KIND_DOMAIN    /**< a domain name (DBL, RHSBL) */
} dnsbl_kind;

/** One zone of the catalogue. */
typedef struct dnsbl_zone {
	char name[DNSBL_ZONE_MAX + 1]; /**< zone suffix, lower case, no final dot */
	dnsbl_kind kind;       /**< ip or domain */
	int ipv4;              /**< answers for IPv4 targets (ip zones) */
	int ipv6;              /**< answers for IPv6 targets (ip zones) */
	int allow;             /**< allow-list: a listing is good news */
	mr_state severity;     /**< MR_CRITICAL or MR_WARNING for a listing */
	dnsbl_codeset listing; /**< answers that count as listings; empty = every valid 127/8 answer */
	dnsbl_codeset meaning; /**< meanings of answer codes (for output) */
	dnsbl_codeset errors;  /**< the zone's own error codes, beyond 127.0.0.1 and 127.255.255.0/24 */
	int spamhaus;          /**< Spamhaus knowledge applies (error texts, DQS rewriting) */
	char dqs[16];          /**< DQS dataset name ("zen", "dbl", ...) or "" */
	char needs[96];        /**< key or registration needed, "" if none */
	char delist[160];      /**< delisting / lookup URL, "" if none */
	char description[96];  /**< short description */
} dnsbl_zone;

/** An ordered list of zones. */
typedef struct dnsbl_catalogue {
	dnsbl_zone *v;         /**< zones, owned */
	size_t n;              /**< used */
	size_t cap;            /**< allocated */
} dnsbl_catalogue;

/** Initialise an empty catalogue. */
void dnsbl_catalogue_init(dnsbl_catalogue *c);
/** Free the zones and their code sets. */
void dnsbl_catalogue_free(dnsbl_catalogue *c);
/** Make room for extra more zones (at most 4096 in all); 0 or -1. */
int dnsbl_catalogue_reserve(dnsbl_catalogue *c, size_t extra);
/** Index of the zone called name in c, or -1. */
long dnsbl_catalogue_index(const dnsbl_catalogue *c, const char *name);
/** Fill z with the defaults of a new ip zone named name (already normalised). */
void dnsbl_zone_defaults(dnsbl_zone *z, const char *name);

#endif

/* spamhaus.h: what the suite knows about Spamhaus as a public list: its datasets, its answer codes and their
 * meanings, its error codes (127.255.255.x), its zone names (public and DQS) and the shape of a DQS key. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_SPAMHAUS_H
#define MR_SPAMHAUS_H

#include <stddef.h>
#include <stdint.h>

/** An answer address a.b.c.d as a host-order number. */
#define MR_SPAMHAUS_CODE(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
/** The error code of a query through a public or open resolver. */
#define MR_SPAMHAUS_ERR_RESOLVER MR_SPAMHAUS_CODE(127, 255, 255, 254)
/** The suffix of every Data Query Service zone: KEY.DATASET.dq.spamhaus.net. */
#define MR_SPAMHAUS_DQS_SUFFIX ".dq.spamhaus.net"
/** The suffix of the public mirror zones: DATASET.spamhaus.org. */
#define MR_SPAMHAUS_PUBLIC_SUFFIX ".spamhaus.org"

/** One known Spamhaus answer code (or range of codes): the datasets that use it and its meaning. */
typedef struct mr_spamhaus_code {
	const char *datasets; /**< space-separated dataset names, or "*" for every Spamhaus zone */
	uint32_t lo;          /**< first code */
	uint32_t hi;          /**< last code */
	const char *text;     /**< meaning, in full (check_dnsbl's details and --list-zones) */
	const char *brief;    /**< shorter meaning (check_ms_smtp's ZEN verdict); NULL: the same as text */
} mr_spamhaus_code;

/** The listing codes with their meanings; *n gets the row count. */
const mr_spamhaus_code *mr_spamhaus_meanings(size_t *n);
/** The error codes (the domain-list error of DBL and ZRD, then 127.255.255.x of every zone); *n gets the row count. */
const mr_spamhaus_code *mr_spamhaus_errors(size_t *n);
/** 1 if row c applies to dataset ds (a name of the row's list, or any name for a "*" row). */
int mr_spamhaus_serves(const mr_spamhaus_code *c, const char *ds);
/** The listing row of dataset ds that holds code, or NULL. */
const mr_spamhaus_code *mr_spamhaus_meaning(const char *ds, uint32_t code);
/** The row of a 127.255.255.x error code that every Spamhaus zone may answer, or NULL. */
const mr_spamhaus_code *mr_spamhaus_error(uint32_t code);
/** The brief meaning of row c (its text when it has no brief one). */
const char *mr_spamhaus_brief(const mr_spamhaus_code *c);

/** The known dataset spelled exactly s[0..n), or NULL. */
const char *mr_spamhaus_dataset_span(const char *s, size_t n);
/** The known dataset called name (any case), in its canonical spelling, or NULL. */
const char *mr_spamhaus_dataset_named(const char *name);

/** 0 if key has the documented shape of a DQS key (26 ASCII letters or digits), else -1. */
int mr_spamhaus_dqs_key_valid(const char *key);
/** The zone of dataset ds: KEY.DS.dq.spamhaus.net with a DQS key (non-empty), else DS.spamhaus.org; 0 or -1
 * (does not fit). The DQS name holds the key: never print it. */
int mr_spamhaus_zone(const char *ds, const char *dqs_key, char *out, size_t size);

#endif

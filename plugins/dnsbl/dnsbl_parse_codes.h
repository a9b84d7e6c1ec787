/* dnsbl_parse_codes.h: answer codes: sets of IPv4 code ranges and the Postfix code syntax that fills them. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_PARSE_CODES_H
#define DNSBL_PARSE_CODES_H

#include <stddef.h>
#include <stdint.h>
#include "../../common/util.h"

/** Build a host-order IPv4 code from its octets. */
#define DNSBL_CODE(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
/** Most items in one bracketed octet list. */
#define DNSBL_OCTET_MAX_ITEMS 32
/** Most characters of a user value quoted in a message. */
#define DNSBL_QUOTE_MAX 60

/** An inclusive range of IPv4 answer codes with an optional meaning. */
typedef struct dnsbl_code {
	uint32_t lo;          /**< first code, host byte order (127.0.0.2 = 0x7f000002) */
	uint32_t hi;          /**< last code */
	char text[96];        /**< meaning, "" if none */
} dnsbl_code;

/** A list of code ranges. */
typedef struct dnsbl_codeset {
	dnsbl_code *v;        /**< entries, owned */
	size_t n;             /**< used */
	size_t cap;           /**< allocated */
} dnsbl_codeset;

/** A set of octet values: sorted, merged inclusive ranges (one octet of a Postfix pattern). */
typedef struct dnsbl_octet_set {
	unsigned lo[DNSBL_OCTET_MAX_ITEMS]; /**< range starts */
	unsigned hi[DNSBL_OCTET_MAX_ITEMS]; /**< range ends */
	size_t n;                           /**< ranges used */
} dnsbl_octet_set;

/** Parse Postfix code syntax "127.0.0.2", "127.0.0.[2..11]", "127.0.0.[2;4;10]", "127.0.[0..1].[2..5]" into set; 0, or -1 with reason. */
int dnsbl_codes_parse(const char *spec, dnsbl_codeset *set, mr_buf *err);
/** Like dnsbl_codes_parse, each range carrying the meaning text; 0, or -1 (set unchanged) with a reason. */
int dnsbl_codes_parse_text(const char *spec, dnsbl_codeset *set, const char *text, mr_buf *err);
/** Append one range with a meaning; 0 or -1. */
int dnsbl_codeset_add(dnsbl_codeset *set, uint32_t lo, uint32_t hi, const char *text);
/** The first entry containing code, or NULL. */
const dnsbl_code *dnsbl_codeset_find(const dnsbl_codeset *set, uint32_t code);
/** Free a code set's entries. */
void dnsbl_codeset_free(dnsbl_codeset *set);
/** Sort an octet set's ranges and merge overlapping or adjacent ones. */
void dnsbl_octet_normalise(dnsbl_octet_set *o);
/** Append a formatted message to err, if there is one (err may be NULL). */
void dnsbl_seterr(mr_buf *err, const char *fmt, ...) MR_PRINTF(2, 3);

#endif

/* dnsbl_judge.h: the verdict: one zone's DNS answer for one target -> listed / not listed / other code / error. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_JUDGE_H
#define DNSBL_JUDGE_H

#include <stddef.h>
#include <stdint.h>
#include "../../common/dns.h"
#include "dnsbl_parse_zone.h"

/** Kind of verdict for one (target, zone) pair. */
typedef enum dnsbl_verdict_kind {
	DNSBL_NOT_LISTED = 0, /**< NXDOMAIN, or NOERROR without A */
	DNSBL_LISTED,         /**< at least one A answer matched the zone's listing codes */
	DNSBL_OTHER_CODE,     /**< valid 127/8 answers outside the listing codes (shown with -v) */
	DNSBL_ERROR           /**< no usable answer: rcode, timeout, error code, non-127 answer */
} dnsbl_verdict_kind;

/** Most A answers of one reply that are judged. */
#define DNSBL_MAX_CODES 8

/** The judged outcome with a human reason naming the raw answers. */
typedef struct dnsbl_verdict {
	dnsbl_verdict_kind kind;       /**< see above */
	int public_resolver;           /**< an answer was 127.255.255.254 (public/unattributable resolver) */
	char reason[256];              /**< listing meanings joined ("SBL; DROP") or error text ("SERVFAIL", "answer 62.0.58.94 outside 127.0.0.0/8 (hijacked or parked zone?)") */
} dnsbl_verdict;

/**
 * Judge the answer of zone z: status and rcode of the query, and the A values
 * (host byte order) from the answer section. Any error-class value makes the
 * whole answer an error, so an error can never become a listing.
 */
void dnsbl_judge(const dnsbl_zone *z, mr_dns_status status, const uint32_t *a, size_t na, dnsbl_verdict *v);

/** Explanation and advice for 127.255.255.254 (own recursive resolver or DQS key). */
extern const char dnsbl_public_resolver_advice[];

#endif

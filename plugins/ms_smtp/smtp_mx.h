/* smtp_mx.h: finds where to probe a mail domain: MX hosts in preference order and their addresses. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_MX_H
#define SMTP_MX_H

#include <stddef.h>
#include "../../common/dns.h"

/** One place to connect to: the MX host name (for SNI and certificates) and one of its addresses. */
typedef struct smtp_candidate {
	char host[256];  /**< MX host name */
	char addr[64];   /**< its address, "" to let libcurl resolve */
} smtp_candidate;

/**
 * Look up the MX of domain (RFC 5321: the domain itself when it has no MX; none for a null MX), then the A
 * (or AAAA with ipv6) records of each host, and fill out in preference order; returns the count, or 0 with
 * a reason in why.
 */
size_t smtp_mx_candidates(mr_dns *d, const char *domain, int ipv6, double deadline, smtp_candidate *out,
                          size_t max, char *why, size_t whylen);

#endif

/* mx.h: resolves host names, and a mail domain's MX hosts, to addresses on the DNS engine (dns.h). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_MX_H
#define MR_MX_H

#include <stddef.h>
#include "addr.h"
#include "dns.h"

/** Address families to ask for (a bit set). */
enum { MR_MX_IPV4 = 1, MR_MX_IPV6 = 2 };
/** Most mail hosts of one domain that are resolved. */
#define MR_MX_MAX_HOSTS 32
/** Most addresses read from one A or AAAA answer. */
#define MR_MX_ANSWER_MAX 64
/** Size of a failure text, with NUL. */
#define MR_MX_FAIL_MAX 256

/** The addresses of one host name, handed to the caller's callback once the host's queries have finished. */
typedef struct mr_mx_addrs {
	const char *domain;           /**< the mail domain asked (mr_mx_domain), or NULL for mr_mx_host */
	const char *host;             /**< the host the addresses belong to; the domain when no_host is set */
	size_t rank;                  /**< position among the domain's mail hosts, 0 = most preferred */
	int no_host;                  /**< the MX lookup gave no mail host: no addresses, fail says why */
	const mr_addr *a;             /**< addresses in order of arrival, each answer in its own order */
	size_t n;                     /**< how many */
	mr_dns_status status[2];      /**< how the A [0] and AAAA [1] queries ended (NOERROR when not asked) */
	int lost;                     /**< a query could not be submitted (its status is MR_DNS_BADREPLY) */
	const char *fail;             /**< why nothing was found: the most telling failure ("" if none) */
} mr_mx_addrs;

/** Called once per resolved host (or once for a domain without mail host); r is valid during the call. */
typedef void (*mr_mx_cb)(void *user, const mr_mx_addrs *r);

/**
 * Submit the A and/or AAAA queries of host (families: MR_MX_IPV4 | MR_MX_IPV6), keeping at most max_addrs
 * addresses; cb runs exactly once for it, during mr_dns_run when the queries have finished, or at once with
 * lost set when none could be submitted (then -1 is returned; else 0).
 */
int mr_mx_host(mr_dns *d, const char *host, unsigned families, size_t max_addrs, mr_mx_cb cb, void *user);
/**
 * Submit the MX query of domain; its mail hosts (RFC 5321: the domain itself without MX, none for a null MX;
 * at most max_hosts, by preference) are then resolved as by mr_mx_host, one cb per host. When the lookup
 * gives no mail host, cb runs once with no_host set. 0, or -1 if the MX query could not be submitted.
 */
int mr_mx_domain(mr_dns *d, const char *domain, unsigned families, size_t max_hosts, size_t max_addrs,
                 mr_mx_cb cb, void *user);

#endif

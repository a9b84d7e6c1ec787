/* smtp_mx.c: where check_ms_smtp probes a mail domain: its MX hosts by preference and one address family of
 * each, resolved by the suite's shared MX helper (common/mx). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "../../common/mx.h"
#include "../../common/util.h"
#include "smtp_mx.h"

/** Most MX hosts considered. */
#define MAX_MX 8
/** Most addresses kept per MX host. */
#define MAX_ADDRS 4

/** What the lookups found, by MX preference. */
typedef struct mx_found {
	int v6;                                 /**< the family asked is IPv6 */
	size_t nhosts;                          /**< mail hosts heard of (highest rank + 1) */
	char host[MAX_MX][256];                 /**< host name of each rank */
	mr_addr a[MAX_MX][MAX_ADDRS];           /**< its addresses */
	size_t n[MAX_MX];                       /**< how many */
	mr_dns_status status[MAX_MX];           /**< how its address query ended */
	char why[200];                          /**< why the domain has no mail host */
} mx_found;

/** Callback of the shared helper: keep each host's addresses at its rank. */
static void on_host(void *user, const mr_mx_addrs *r)
{
	mx_found *f = user;

	if (r->no_host) {
		mr_snprintf(f->why, sizeof f->why, "%s", r->fail);
		return;
	}
	if (r->rank >= MAX_MX)
		return;
	if (r->rank + 1 > f->nhosts)
		f->nhosts = r->rank + 1;
	mr_snprintf(f->host[r->rank], sizeof f->host[r->rank], "%s", r->host);
	f->status[r->rank] = r->status[f->v6];
	for (size_t k = 0; k < r->n && k < MAX_ADDRS; k++)
		f->a[r->rank][k] = r->a[k];
	f->n[r->rank] = r->n < MAX_ADDRS ? r->n : MAX_ADDRS;
}

/** Look up MX hosts of domain and their addresses; see smtp_mx.h. */
size_t smtp_mx_candidates(mr_dns *d, const char *domain, int ipv6, double deadline, smtp_candidate *out,
                          size_t max, char *why, size_t whylen)
{
	mx_found f;
	size_t nout = 0;

	memset(&f, 0, sizeof(f));
	f.v6 = ipv6 != 0;
	mr_snprintf(f.why, sizeof f.why, "MX lookup of %s did not finish", domain);
	if (mr_mx_domain(d, domain, ipv6 ? MR_MX_IPV6 : MR_MX_IPV4, MAX_MX, MAX_ADDRS, on_host, &f) != 0) {
		mr_snprintf(why, whylen, "invalid domain %s", domain);
		return 0;
	}
	mr_dns_run(d, deadline, NULL, NULL);
	if (f.nhosts == 0) {
		mr_snprintf(why, whylen, "%s", f.why);
		return 0;
	}
	for (size_t i = 0; i < f.nhosts; i++)
		for (size_t k = 0; k < f.n[i] && nout < max; k++) {
			mr_snprintf(out[nout].host, sizeof(out[nout].host), "%s", f.host[i]);
			if (mr_addr_format(&f.a[i][k], out[nout].addr, sizeof(out[nout].addr)) == 0)
				nout++;
		}
	if (nout == 0)
		mr_snprintf(why, whylen, "no %s address for the MX hosts of %s (first: %s, %s)", ipv6 ? "IPv6" : "IPv4",
		            domain, f.host[0], mr_dns_status_name(f.status[0]));
	return nout;
}

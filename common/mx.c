/* mx.c: resolves host names, and a mail domain's MX hosts, to addresses on the DNS engine: one MX query,
 * then the A/AAAA queries of each mail host, every query concurrent with the others of the run. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mx.h"

/** What every host of one request shares: the caller's callback and limits. */
typedef struct mx_request {
	mr_dns *dns;                  /**< the engine the queries run on */
	mr_mx_cb cb;                  /**< the caller's callback */
	void *user;                   /**< its argument */
	unsigned families;            /**< MR_MX_IPV4 | MR_MX_IPV6 */
	size_t max_hosts;             /**< most mail hosts resolved */
	size_t max_addrs;             /**< most addresses kept per host */
	int is_domain;                /**< an MX request (else one host) */
	int refs;                     /**< queries and hosts still holding it */
	char domain[MR_HOSTNAME_MAX + 1]; /**< the mail domain, or "" */
} mx_request;

/** The queries of one host, freed by the last of them. */
typedef struct host_job {
	mx_request *req;              /**< shared request */
	size_t rank;                  /**< position among the mail hosts */
	int pending;                  /**< queries not finished */
	mr_addr *a;                   /**< addresses kept (max_addrs) */
	size_t n;                     /**< used */
	mr_dns_status status[2];      /**< A and AAAA status */
	int lost;                     /**< a submit failed */
	char fail[MR_MX_FAIL_MAX];    /**< the most telling failure so far */
	char host[MR_HOSTNAME_MAX + 1]; /**< the host name */
} host_job;

/** Drop one reference to req, freeing it with the last. */
static void request_put(mx_request *req)
{
	if (--req->refs == 0)
		free(req);
}

/** Hand a finished host to the caller, then free it. */
static void host_done(host_job *h)
{
	mx_request *req = h->req;
	mr_mx_addrs r;

	memset(&r, 0, sizeof(r));
	r.domain = req->is_domain ? req->domain : NULL;
	r.host = h->host;
	r.rank = h->rank;
	r.a = h->a;
	r.n = h->n;
	r.status[0] = h->status[0];
	r.status[1] = h->status[1];
	r.lost = h->lost;
	r.fail = h->n > 0 ? "" : h->fail;
	req->cb(req->user, &r);
	free(h->a);
	free(h);
	request_put(req);
}

/** The record types asked, as text for failure messages ("A/AAAA", "A" or "AAAA"). */
static const char *families_text(unsigned families)
{
	if ((families & MR_MX_IPV4) && (families & MR_MX_IPV6))
		return "A/AAAA";
	return (families & MR_MX_IPV6) ? "AAAA" : "A";
}

/** Describe a failed lookup of host h from result r. */
static void describe_failure(host_job *h, const mr_dns_result *r)
{
	const char *what = families_text(h->req->families);

	if (r->status == MR_DNS_NXDOMAIN)
		mr_snprintf(h->fail, sizeof(h->fail), "%s: %s does not exist (NXDOMAIN)", h->host, what);
	else if (r->status == MR_DNS_NOERROR)
		mr_snprintf(h->fail, sizeof(h->fail), "%s: no %s records", h->host, what);
	else
		mr_snprintf(h->fail, sizeof(h->fail), "%s: %s lookup failed (%s from %s)", h->host, what,
		            mr_dns_status_name(r->status), r->server ? r->server : "resolver");
}

/** Callback of an A or AAAA query: keep the addresses of the asked family and the most telling failure. */
static void on_addr(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	host_job *h = user;
	int want = type == LDNS_RR_TYPE_AAAA ? AF_INET6 : AF_INET;
	(void)qname;

	h->status[want == AF_INET6] = r->status;
	if (r->status == MR_DNS_NOERROR && r->pkt != NULL) {
		mr_addr a[MR_MX_ANSWER_MAX];
		size_t n = mr_dns_answer_addrs(r->pkt, a, MR_MX_ANSWER_MAX);
		for (size_t i = 0; i < n && h->n < h->req->max_addrs; i++)
			if (a[i].family == want)
				h->a[h->n++] = a[i];
	}
	/* A lookup error beats NXDOMAIN and "no records". */
	if (h->fail[0] == '\0' || (r->status != MR_DNS_NOERROR && r->status != MR_DNS_NXDOMAIN))
		describe_failure(h, r);
	if (--h->pending == 0)
		host_done(h);
}

/** Tell the caller that host at rank could not be asked at all (out of memory). */
static void host_lost(mx_request *req, const char *host, size_t rank)
{
	mr_mx_addrs r;

	memset(&r, 0, sizeof(r));
	r.domain = req->is_domain ? req->domain : NULL;
	r.host = host;
	r.rank = rank;
	r.status[0] = r.status[1] = MR_DNS_BADREPLY;
	r.lost = 1;
	r.fail = "out of memory";
	req->cb(req->user, &r);
}

/** Start the address queries of host at rank under req; cb runs exactly once for it, maybe at once with lost
 *  set. 0, or -1 if no query could be submitted. */
static int host_start(mx_request *req, const char *host, size_t rank)
{
	static const ldns_rr_type types[2] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
	static const unsigned bits[2] = { MR_MX_IPV4, MR_MX_IPV6 };
	host_job *h = calloc(1, sizeof(*h));
	int submitted = 0;

	if (h != NULL)
		h->a = calloc(req->max_addrs ? req->max_addrs : 1, sizeof(*h->a));
	if (h == NULL || h->a == NULL)
		mr_oom_note();
	if (h == NULL || h->a == NULL || mr_snprintf(h->host, sizeof(h->host), "%s", host) != 0) {
		if (h != NULL)
			free(h->a);
		free(h);
		host_lost(req, host, rank);
		return -1;
	}
	h->req = req;
	h->rank = rank;
	req->refs++;
	/* pending counts the queries not yet submitted too, so that no callback finishes h early */
	h->pending = 1;
	for (int k = 0; k < 2; k++) {
		if (!(req->families & bits[k]))
			continue;
		h->pending++;
		if (mr_dns_submit(req->dns, host, types[k], on_addr, h) != 0) {
			h->pending--;
			h->lost = 1;
			h->status[k] = MR_DNS_BADREPLY;
		} else {
			submitted++;
		}
	}
	if (--h->pending == 0)
		host_done(h);
	return submitted > 0 ? 0 : -1;
}

/** Callback of the MX query: start the address queries of each mail host, or report that there is none. */
static void on_mx(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	mx_request *req = user;
	mr_dns_mx mx[MR_MX_MAX_HOSTS];
	char why[MR_MX_FAIL_MAX];
	size_t n;
	(void)qname;
	(void)type;

	why[0] = '\0';
	n = mr_dns_mail_hosts(r, req->domain, mx, req->max_hosts, why, sizeof(why));
	if (n == 0) {
		mr_mx_addrs none;
		memset(&none, 0, sizeof(none));
		none.domain = req->domain;
		none.host = req->domain;
		none.no_host = 1;
		none.fail = why;
		req->cb(req->user, &none);
	}
	for (size_t i = 0; i < n; i++)
		(void)host_start(req, mx[i].host, i);
	request_put(req);
}

/** Build a request; NULL when out of memory or the name is too long. */
static mx_request *request_new(mr_dns *d, const char *domain, unsigned families, size_t max_hosts, size_t max_addrs,
                               mr_mx_cb cb, void *user)
{
	mx_request *req = calloc(1, sizeof(*req));

	if (req == NULL) {
		mr_oom_note();
		return NULL;
	}
	if (mr_snprintf(req->domain, sizeof(req->domain), "%s", domain != NULL ? domain : "") != 0) {
		free(req);
		return NULL;
	}
	req->dns = d;
	req->cb = cb;
	req->user = user;
	req->families = families;
	req->max_hosts = max_hosts < MR_MX_MAX_HOSTS ? max_hosts : MR_MX_MAX_HOSTS;
	req->max_addrs = max_addrs;
	req->is_domain = domain != NULL;
	req->refs = 1;
	return req;
}

/** Submit the address queries of host; see mx.h. */
int mr_mx_host(mr_dns *d, const char *host, unsigned families, size_t max_addrs, mr_mx_cb cb, void *user)
{
	mx_request *req = request_new(d, NULL, families, 0, max_addrs, cb, user);
	int rc;

	if (req == NULL)
		return -1;
	rc = host_start(req, host, 0);
	request_put(req);
	return rc;
}

/** Submit the MX query of domain, then its hosts' address queries; see mx.h. */
int mr_mx_domain(mr_dns *d, const char *domain, unsigned families, size_t max_hosts, size_t max_addrs,
                 mr_mx_cb cb, void *user)
{
	mx_request *req = request_new(d, domain, families, max_hosts, max_addrs, cb, user);

	if (req == NULL)
		return -1;
	if (mr_dns_submit(d, domain, LDNS_RR_TYPE_MX, on_mx, req) != 0) {
		free(req);
		return -1;
	}
	return 0;
}

/* smtp_mx.c: MX lookup for check_ms_smtp on the suite's DNS engine: hosts by preference, then addresses. */
#include <string.h>
#include <sys/socket.h>

#include "../../common/util.h"
#include "smtp_mx.h"

/** Most MX hosts considered. */
#define MAX_MX 8

/** The mail hosts the MX query gave. */
typedef struct mx_answer {
	const char *domain;     /**< the domain asked */
	mr_dns_mx mx[MAX_MX];   /**< hosts, sorted by preference */
	size_t n;               /**< count, 0 on failure */
	char why[200];          /**< the failure */
} mx_answer;

/** Addresses of one host. */
typedef struct addr_answer {
	mr_addr a[4];           /**< addresses */
	size_t n;               /**< count */
	mr_dns_status status;   /**< query status */
} addr_answer;

/** Callback of the MX query. */
static void on_mx(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	mx_answer *m = user;
	(void)qname;
	(void)type;

	m->n = mr_dns_mail_hosts(r, m->domain, m->mx, MAX_MX, m->why, sizeof m->why);
}

/** Callback of an A/AAAA query. */
static void on_addr(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	addr_answer *a = user;
	mr_addr tmp[8];
	size_t n;
	int want = type == LDNS_RR_TYPE_AAAA ? AF_INET6 : AF_INET;
	(void)qname;

	a->status = r->status;
	if (r->status != MR_DNS_NOERROR || r->pkt == NULL)
		return;
	n = mr_dns_answer_addrs(r->pkt, tmp, 8);
	for (size_t i = 0; i < n && a->n < 4; i++)
		if (tmp[i].family == want)
			a->a[a->n++] = tmp[i];
}

/** Look up MX hosts of domain and their addresses; see smtp_mx.h. */
size_t smtp_mx_candidates(mr_dns *d, const char *domain, int ipv6, double deadline, smtp_candidate *out,
                          size_t max, char *why, size_t whylen)
{
	mx_answer m;
	addr_answer aa[MAX_MX];
	size_t nout = 0;
	ldns_rr_type t = ipv6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;

	memset(&m, 0, sizeof(m));
	memset(aa, 0, sizeof(aa));
	m.domain = domain;
	mr_snprintf(m.why, sizeof m.why, "MX lookup of %s did not finish", domain);
	if (mr_dns_submit(d, domain, LDNS_RR_TYPE_MX, on_mx, &m) != 0) {
		mr_snprintf(why, whylen, "invalid domain %s", domain);
		return 0;
	}
	mr_dns_run(d, deadline, NULL, NULL);
	if (m.n == 0) {
		mr_snprintf(why, whylen, "%s", m.why);
		return 0;
	}
	for (size_t i = 0; i < m.n; i++)
		if (mr_dns_submit(d, m.mx[i].host, t, on_addr, &aa[i]) != 0)
			aa[i].status = MR_DNS_BADREPLY;
	mr_dns_run(d, deadline, NULL, NULL);
	for (size_t i = 0; i < m.n; i++)
		for (size_t k = 0; k < aa[i].n && nout < max; k++) {
			mr_snprintf(out[nout].host, sizeof(out[nout].host), "%s", m.mx[i].host);
			if (mr_addr_format(&aa[i].a[k], out[nout].addr, sizeof(out[nout].addr)) == 0)
				nout++;
		}
	if (nout == 0)
		mr_snprintf(why, whylen, "no %s address for the MX hosts of %s (first: %s, %s)", ipv6 ? "IPv6" : "IPv4",
		            domain, m.mx[0].host, mr_dns_status_name(aa[0].status));
	return nout;
}

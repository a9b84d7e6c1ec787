/* smtp_input_spamhaus.c: the Spamhaus ZEN query for the sending IP after a block: the query name (public
 * mirror or DQS with the key), one A query on the suite's DNS engine bounded by the run's deadline, and the
 * A records of its answer. What the answer means is smtp_judge_spamhaus's. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "../../common/addr.h"
#include "../../common/secret.h"
#include "../../common/spamhaus.h"
#include "../../common/util.h"
#include "smtp_input_spamhaus.h"

/** The ZEN query name for ip; see smtp_input_spamhaus.h. */
int smtp_zen_qname(const char *ip, const char *dqs_key, char *out, size_t size)
{
	mr_addr a;
	char rev[MR_REVNAME_LEN], zone[128];
	int rc = -1;

	if (ip == NULL || mr_addr_parse(ip, &a) != 0 || mr_addr_reverse_name(&a, rev, sizeof(rev)) != 0 ||
	    mr_spamhaus_zone(SMTP_ZEN_DATASET, dqs_key, zone, sizeof(zone)) != 0)
		goto out;
	rc = mr_snprintf(out, size, "%s.%s", rev, zone) == 0 ? 0 : -1;
out:
	mr_wipe(zone, sizeof(zone));
	return rc;
}

/** Store a finished query's outcome into ans; see smtp_input_spamhaus.h. */
void smtp_zen_take(smtp_zen_answer *ans, mr_dns_status status, const ldns_pkt *pkt)
{
	ldns_rr_list *an;

	ans->status = status;
	ans->na = 0;
	ans->other = 0;
	if (status != MR_DNS_NOERROR || pkt == NULL || (an = ldns_pkt_answer(pkt)) == NULL)
		return;
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		const ldns_rdf *f = ldns_rr_rd_count(rr) == 1 ? ldns_rr_rdf(rr, 0) : NULL;

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME)
			continue;
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A || f == NULL || ldns_rdf_get_type(f) != LDNS_RDF_TYPE_A ||
		    ldns_rdf_size(f) != 4) {
			ans->other++;
			continue;
		}
		if (ans->na < SMTP_ZEN_MAX_A) {
			const uint8_t *b = ldns_rdf_data(f);
			ans->a[ans->na++] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		}
	}
}

/** DNS callback: keep the outcome of the ZEN query. */
static void on_answer(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	(void)qname;
	(void)type;
	smtp_zen_take(user, r->status, r->pkt);
}

/** Send the one ZEN query for ip and wait for it; see smtp_input_spamhaus.h. */
int smtp_zen_lookup(mr_dns *d, const char *ip, const char *dqs_key, double deadline, smtp_zen_answer *ans)
{
	char name[MR_REVNAME_LEN + 128];
	int rc = -1;

	memset(ans, 0, sizeof(*ans));
	ans->status = MR_DNS_BADREPLY;
	ans->dqs = dqs_key != NULL && dqs_key[0] != '\0';
	if (d == NULL || smtp_zen_qname(ip, dqs_key, name, sizeof(name)) != 0)
		goto out;
	ans->status = MR_DNS_CANCELLED;
	if (mr_dns_submit(d, name, LDNS_RR_TYPE_A, on_answer, ans) != 0)
		goto out;
	ans->asked = 1;
	mr_dns_run(d, deadline, NULL, NULL);
	rc = 0;
out:
	mr_wipe(name, sizeof(name));
	return rc;
}

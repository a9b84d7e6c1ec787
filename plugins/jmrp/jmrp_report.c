/* jmrp_report.c: builds check_jmrp's result tree from the counter: the tallies ranked (most complaints first), at
 * most --max-details IPs and senders, every unparsed message up to a bound, the ARF reports that are no complaint,
 * the reader's and the state file's notes, the summary line, the state of the verdict and the perfdata. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "jmrp_report.h"

/** Order IP tallies by count, highest first, then as listed before: by address, "no source IP" last. */
static int cmp_ip_tally(const void *a, const void *b)
{
	const jmrp_ip_tally *x = *(const jmrp_ip_tally *const *)a, *y = *(const jmrp_ip_tally *const *)b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	if (x->has_ip != y->has_ip)
		return y->has_ip - x->has_ip;
	return x->has_ip ? mr_addr_cmp(&x->ip, &y->ip) : 0;
}

/** Order domain tallies by count, highest first, then by name. */
static int cmp_domain_tally(const void *a, const void *b)
{
	const jmrp_domain_tally *x = *(const jmrp_domain_tally *const *)a;
	const jmrp_domain_tally *y = *(const jmrp_domain_tally *const *)b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/** List the unparsed messages in the order met (the first ones the counter kept, then how many more); 0 or -1. */
static int report_unparsed(const jmrp_counter *c, mr_check *chk)
{
	for (size_t i = 0; i < c->nlisted; i++)
		if (mr_sub_add_info(chk, NULL, MR_UNKNOWN, "unparsed: %s: %s", c->listed[i], jmrp_entry_why(c->listed[i])) == NULL)
			return -1;
	if (c->unparsed > c->nlisted &&
	    mr_sub_add_info(chk, NULL, MR_UNKNOWN, "%zu more unparsed message%s not listed", c->unparsed - c->nlisted,
	                    c->unparsed - c->nlisted == 1 ? "" : "s") == NULL)
		return -1;
	return 0;
}

/** Fill the result: summary, state, long output and perfdata; 0 or -1. */
int jmrp_report_build(const jmrp_counter *c, const jmrp_report_config *rc, mr_check *chk)
{
	const jmrp_ip_tally **ips = NULL;
	const jmrp_domain_tally **doms = NULL;
	size_t nip = 0, ndom = 0, distinct_ips = 0;
	jmrp_verdict v;
	char addr[MR_ADDR_STRLEN], r[64];
	int rc_ = -1, have_rate = 0; /* have_rate: r holds the formatted rate */
	mr_buf sum;
	mr_perf p;

	mr_buf_init(&sum, 1024);
	ips = calloc(c->nip + 1, sizeof(*ips));
	doms = calloc(c->ndom + 1, sizeof(*doms));
	if (ips == NULL || doms == NULL)
		goto out;
	for (size_t i = 0; i < c->nip; i++)
		if (c->ipv[i].n > 0) {
			ips[nip++] = &c->ipv[i];
			distinct_ips += c->ipv[i].has_ip;
		}
	for (size_t i = 0; i < c->ndom; i++)
		if (c->domv[i].n > 0)
			doms[ndom++] = &c->domv[i];
	if (nip > 1)
		qsort(ips, nip, sizeof(*ips), cmp_ip_tally);
	if (ndom > 1)
		qsort(doms, ndom, sizeof(*doms), cmp_domain_tally);

	v = jmrp_counter_verdict(c, rc->thr, rc->sent, rc->rate);
	have_rate = v.has_rate && mr_format_double(v.rate, r, sizeof(r)) == 0;
	for (size_t i = 0; i < nip && i < c->cfg.max_details; i++) {
		const char *plural = ips[i]->n == 1 ? "" : "s";
		mr_sub *line;
		if (!ips[i]->has_ip) {
			line = mr_sub_add_info(chk, NULL, MR_OK, "no source IP: %zu complaint%s", ips[i]->n, plural);
		} else {
			if (mr_addr_format(&ips[i]->ip, addr, sizeof(addr)) != 0)
				mr_snprintf(addr, sizeof(addr), "?");
			line = mr_sub_add_info(chk, NULL, MR_OK, "%s: %zu complaint%s", addr, ips[i]->n, plural);
		}
		if (line == NULL)
			goto out;
	}
	for (size_t i = 0; i < ndom && i < c->cfg.max_details; i++)
		if (mr_sub_add_info(chk, NULL, MR_OK, "sender %s: %zu complaint%s",
		                    doms[i]->name[0] ? doms[i]->name : "(unknown)", doms[i]->n,
		                    doms[i]->n == 1 ? "" : "s") == NULL)
			goto out;
	if (report_unparsed(c, chk) != 0)
		goto out;
	if (c->other > 0 &&
	    mr_sub_add_info(chk, NULL, MR_OK, "%zu ARF report%s that %s no junk complaint (auth-failure: DMARC, DKIM or "
	                    "SPF failure; not-spam; ...): not counted", c->other, c->other == 1 ? "" : "s",
	                    c->other == 1 ? "is" : "are") == NULL)
		goto out;
	if (rc->st->vanished > 0 &&
	    mr_sub_add_info(chk, NULL, MR_OK, "%zu message%s vanished while reading (moved or deleted meanwhile)",
	                    rc->st->vanished, rc->st->vanished == 1 ? "" : "s") == NULL)
		goto out;
	if (v.has_rate && mr_sub_add_info(chk, NULL, v.rate_state, "rate: %s%% of %ld sent",
	                                    have_rate ? r : "?", rc->sent) == NULL)
		goto out;
	if (c->state_note[0] != '\0' && mr_sub_add_info(chk, NULL, MR_OK, "%s", c->state_note) == NULL)
		goto out;

	mr_buf_printf(&sum, "%zu complaint%s in the last %s (%zu IP%s)", c->complaints, c->complaints == 1 ? "" : "s",
	              rc->window, distinct_ips, distinct_ips == 1 ? "" : "s");
	if (nip > 0 && ips[0]->has_ip && mr_addr_format(&ips[0]->ip, addr, sizeof(addr)) == 0)
		mr_buf_printf(&sum, ", top %s: %zu", addr, ips[0]->n);
	if (have_rate)
		mr_buf_printf(&sum, ", rate %s%%", r);
	if (c->unparsed > 0)
		mr_buf_printf(&sum, ", %zu unparsed", c->unparsed);
	if (c->other > 0)
		mr_buf_printf(&sum, ", %zu other report%s", c->other, c->other == 1 ? "" : "s");
	if (mr_check_set_summary(chk, "%s", mr_buf_str(&sum)) != 0)
		goto out;
	mr_check_set_state(chk, v.state);
	if (mr_perf_set(&p, "complaints", (double)c->complaints, "") != 0)
		goto out;
	p.thr = *rc->thr;
	if (mr_check_add_perf(chk, &p) != 0 || mr_perf_set(&p, "ips", (double)distinct_ips, "") != 0 ||
	    mr_check_add_perf(chk, &p) != 0 || mr_perf_set(&p, "unparsed", (double)c->unparsed, "") != 0 ||
	    mr_check_add_perf(chk, &p) != 0 || mr_perf_set(&p, "other_reports", (double)c->other, "") != 0 ||
	    mr_check_add_perf(chk, &p) != 0 || mr_perf_set(&p, "time", rc->elapsed, "s") != 0 ||
	    mr_check_add_perf(chk, &p) != 0)
		goto out;
	rc_ = 0;
out:
	free(ips);
	free(doms);
	mr_buf_free(&sum);
	return rc_;
}

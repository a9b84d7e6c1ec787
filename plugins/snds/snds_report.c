/* snds_report.c: turns the SNDS judge's verdicts into the result tree: one line per subject with its reasons
 * (blocked and why, filter colour, complaint rate and trap hits with the range that alerts, volume, comment),
 * worst first up to --max-details, a line per feed read, the summary, the state and the perfdata in their
 * fixed order; and the perfdata of a run that failed (every metric U but time). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "snds_report.h"

/**
 * Append why st, the state v got under t, alerts: " (outside the critical range R)", or for a range with '@'
 * (alert inside) " (inside the alerting critical range @R)"; the warning range likewise; nothing when OK.
 */
static void over_range(const mr_thresholds *t, mr_state st, mr_buf *b)
{
	char r[128];
	const mr_range *range = st == MR_CRITICAL ? &t->crit : &t->warn;
	const char *level = st == MR_CRITICAL ? "critical" : "warning";

	if (st == MR_OK)
		return;
	if (mr_range_format(range, r, sizeof(r)) != 0)
		mr_snprintf(r, sizeof(r), "?");
	if (range->inside)
		mr_buf_printf(b, " (inside the alerting %s range %s)", level, r);
	else
		mr_buf_printf(b, " (outside the %s range %s)", level, r);
}

/** Reason text of blocked range k ("no reason given" when the feed gave none). */
static const char *block_reason(const snds_judge *j, size_t k)
{
	return j->blocks[k].reason[0] ? j->blocks[k].reason : "no reason given";
}

/** Write the reasons of data-feed IP verdict v into b. */
static void ip_text(const snds_judge *j, const snds_verdict *v, mr_buf *b)
{
	const snds_ip *ip = &j->ips[v->ip];
	size_t block = v->block;
	char addr[MR_ADDR_STRLEN], rate[64];

	if (mr_addr_format(&ip->ip, addr, sizeof(addr)) != 0)
		mr_snprintf(addr, sizeof(addr), "?");
	mr_buf_printf(b, "%s:", addr);
	if (block != SIZE_MAX)
		mr_buf_printf(b, " blocked by Outlook.com: %s;", block_reason(j, block));
	mr_buf_printf(b, " filter %s", snds_filter_name(ip->filter));
	if (ip->complaint_known) {
		if (mr_format_double_exact(ip->complaint, rate, sizeof(rate)) != 0)
			mr_snprintf(rate, sizeof(rate), "?");
		mr_buf_printf(b, ", complaint rate %s%s%%", ip->complaint_floor ? "< " : "", rate);
		over_range(&j->cfg.complaint, v->complaint_state, b);
	}
	if (ip->trap_hits >= 0) {
		mr_buf_printf(b, ", trap hits %lld", (long long)ip->trap_hits);
		over_range(&j->cfg.trap, v->trap_state, b);
	}
	if (ip->recipients >= 0)
		mr_buf_printf(b, ", %lld recipient%s", (long long)ip->recipients, ip->recipients == 1 ? "" : "s");
	if (ip->comments[0] != '\0')
		mr_buf_printf(b, ", comment: %s", ip->comments);
}

/** The perfdata metrics, in their fixed order. */
enum {
	PERF_IPS, PERF_BLOCKED, PERF_GREEN, PERF_YELLOW, PERF_RED, PERF_COMPLAINT, PERF_TRAPS, PERF_RCPT, PERF_DATA,
	PERF_RECIPIENTS, PERF_TIME, PERF_COUNT
};

/** Which thresholds a metric carries. */
typedef enum perf_thr { THR_NONE = 0, THR_COMPLAINT, THR_TRAP } perf_thr;

/** Label, unit and thresholds of each metric, shared by the report and the failure report. */
static const struct {
	const char *label;  /**< perfdata label */
	const char *uom;    /**< unit */
	perf_thr thr;       /**< thresholds shown with it */
} perf_defs[PERF_COUNT] = {
	[PERF_IPS] = { "ips", "", THR_NONE },
	[PERF_BLOCKED] = { "blocked", "", THR_NONE },
	[PERF_GREEN] = { "green", "", THR_NONE },
	[PERF_YELLOW] = { "yellow", "", THR_NONE },
	[PERF_RED] = { "red", "", THR_NONE },
	[PERF_COMPLAINT] = { "complaint_rate", "%", THR_COMPLAINT },
	[PERF_TRAPS] = { "trap_hits", "", THR_TRAP },
	[PERF_RCPT] = { "rcpt", "", THR_NONE },
	[PERF_DATA] = { "data", "", THR_NONE },
	[PERF_RECIPIENTS] = { "recipients", "", THR_NONE },
	[PERF_TIME] = { "time", "s", THR_NONE },
};

/** Add metric k: value v, or U when not defined, with its thresholds from cfg; 0 or -1. */
static int add_metric(mr_check *c, const snds_judge_config *cfg, size_t k, int defined, double v)
{
	mr_perf p;

	if ((defined ? mr_perf_set(&p, perf_defs[k].label, v, perf_defs[k].uom)
	             : mr_perf_set_undefined(&p, perf_defs[k].label, perf_defs[k].uom)) != 0)
		return -1;
	if (perf_defs[k].thr == THR_COMPLAINT)
		p.thr = cfg->complaint;
	else if (perf_defs[k].thr == THR_TRAP)
		p.thr = cfg->trap;
	return mr_check_add_perf(c, &p);
}

/** Text of verdict v into b. */
static void verdict_text(const snds_judge *j, const snds_verdict *v, mr_buf *b)
{
	char lo[MR_ADDR_STRLEN], hi[MR_ADDR_STRLEN];

	if (v->ip != SIZE_MAX) {
		ip_text(j, v, b);
		return;
	}
	if (v->missing) {
		if (mr_addr_format(&v->addr, lo, sizeof(lo)) != 0)
			mr_snprintf(lo, sizeof(lo), "?");
		mr_buf_printf(b, "%s: not in the data feed (no or too little traffic that day)", lo);
		if (v->block != SIZE_MAX)
			mr_buf_printf(b, "; blocked by Outlook.com: %s", block_reason(j, v->block));
		return;
	}
	if (mr_addr_format(&j->blocks[v->block].first, lo, sizeof(lo)) != 0)
		mr_snprintf(lo, sizeof(lo), "?");
	if (mr_addr_format(&j->blocks[v->block].last, hi, sizeof(hi)) != 0)
		mr_snprintf(hi, sizeof(hi), "?");
	mr_buf_puts(b, lo);
	if (strcmp(lo, hi) != 0)
		mr_buf_printf(b, "-%s", hi);
	mr_buf_printf(b, ": blocked by Outlook.com: %s", block_reason(j, v->block));
}

/** Add the perfdata of a run that failed (the frame writes its summary and state); see snds_report.h. */
int snds_report_failure_perf(mr_check *c, const snds_judge_config *cfg, double elapsed)
{
	for (size_t k = 0; k < PERF_COUNT; k++)
		if (add_metric(c, cfg, k, k == PERF_TIME, elapsed) != 0)
			return -1;
	return 0;
}

/** Add the perfdata metrics in their fixed order; 0 or -1. */
static int add_perf(mr_check *c, const snds_judge *j, double elapsed)
{
	const snds_totals *t = &j->totals;
	const struct {
		int defined;  /**< known; else U */
		double v;     /**< value */
	} m[PERF_COUNT] = {
		[PERF_IPS] = { 1, (double)j->nverdicts },
		[PERF_BLOCKED] = { j->have_status, (double)j->blocked },
		[PERF_GREEN] = { j->have_data, (double)t->colour[SNDS_FILTER_GREEN] },
		[PERF_YELLOW] = { j->have_data, (double)t->colour[SNDS_FILTER_YELLOW] },
		[PERF_RED] = { j->have_data, (double)t->colour[SNDS_FILTER_RED] },
		[PERF_COMPLAINT] = { t->have_rate, t->rate },
		[PERF_TRAPS] = { t->traps >= 0, (double)t->traps },
		[PERF_RCPT] = { t->rcpt >= 0, (double)t->rcpt },
		[PERF_DATA] = { t->data >= 0, (double)t->data },
		[PERF_RECIPIENTS] = { t->recipients >= 0, (double)t->recipients },
		[PERF_TIME] = { 1, elapsed },
	};

	for (size_t k = 0; k < PERF_COUNT; k++)
		if (add_metric(c, &j->cfg, k, m[k].defined, m[k].v) != 0)
			return -1;
	return 0;
}

/** Add one line per verdict (up to --max-details, then how many more) and one per feed read; 0 or -1. */
static int add_lines(mr_check *c, const snds_judge *j, const char *day, mr_buf *b)
{
	size_t n = j->nverdicts, max = j->cfg.max_details;

	for (size_t i = 0; i < n && i < max; i++) {
		mr_buf_reset(b);
		verdict_text(j, &j->verdicts[i], b);
		if (mr_sub_add(c, NULL, j->verdicts[i].state, "%s", mr_buf_str(b)) == NULL)
			return -1;
	}
	if (n > max && mr_sub_add_info(c, NULL, MR_OK, "%zu more IP%s not shown (--max-details)", n - max,
	                               n - max == 1 ? "" : "s") == NULL)
		return -1;
	if (j->status_format != NULL) {
		mr_buf_reset(b);
		mr_buf_printf(b, "status feed: %s, %ld row%s, %zu blocked range%s matching", j->status_format,
		              j->status_rows, j->status_rows == 1 ? "" : "s", j->nblocks, j->nblocks == 1 ? "" : "s");
		if (mr_sub_add_info(c, NULL, MR_OK, "%s", mr_buf_str(b)) == NULL)
			return -1;
	} else if (j->have_status && mr_sub_add_info(c, NULL, MR_OK, "status feed: empty (nothing blocked)") == NULL) {
		return -1;
	}
	if (j->data_format != NULL) {
		mr_buf_reset(b);
		mr_buf_printf(b, "data feed: %s, %s, %ld row%s", day ? day : "newest day", j->data_format, j->data_rows,
		              j->data_rows == 1 ? "" : "s");
		if (mr_sub_add_info(c, NULL, MR_OK, "%s", mr_buf_str(b)) == NULL)
			return -1;
	}
	return 0;
}

/** Write the summary into b: the worst subject, no IP found, or how many IPs are OK. */
static void summary(const snds_judge *j, const char *day, mr_buf *b)
{
	size_t n = j->nverdicts;

	mr_buf_reset(b);
	if (n > 0 && j->overall != MR_OK) {
		verdict_text(j, &j->verdicts[0], b);
		if (n > 1)
			mr_buf_printf(b, " (%zu IPs, worst first)", n);
		return;
	}
	if (n == 0)
		mr_buf_puts(b, j->cfg.nfilters ? "none of the --ip/-H addresses or ranges is in the feeds" : "no IP in the feeds");
	else
		mr_buf_printf(b, "%zu IP%s OK", n, n == 1 ? "" : "s");
	if (day != NULL)
		mr_buf_printf(b, " on %s", day);
	if (n > 0 && j->have_status && !j->have_data)
		mr_buf_puts(b, " (none blocked)");
}

/** Fill c from a finished judge; see snds_report.h. */
int snds_report_build(mr_check *c, const snds_judge *j, const char *day, double elapsed)
{
	int rc = -1;
	mr_buf b;

	mr_buf_init(&b, 4096);
	if (add_lines(c, j, day, &b) != 0)
		goto out;
	summary(j, day, &b);
	if (mr_check_set_summary(c, "%s", mr_buf_str(&b)) != 0 || add_perf(c, j, elapsed) != 0)
		goto out;
	mr_check_set_state(c, j->overall);
	rc = 0;
out:
	mr_buf_free(&b);
	return rc;
}

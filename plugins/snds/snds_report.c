/* snds_judge.c: merges SNDS rows per IP, judges each IP against the state options and builds the report. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "snds_judge.h"

/** One judged subject: an IP, or a blocked range with no IP of the data feed inside. */
typedef struct verdict {
	mr_state state;               /**< its state */
	size_t ip;                    /**< index in ips, or SIZE_MAX for a range */
	size_t block;                 /**< index of its blocking range, or SIZE_MAX */
	int missing;                  /**< a -H address absent from the data feed */
	mr_addr addr;                 /**< the address (for missing ones) */
	size_t pos;                   /**< place in the order found, the tie-break of the sort */
} verdict;

/** Start a judge with a copy of cfg. */
void snds_judge_init(snds_judge *j, const snds_judge_config *cfg)
{
	memset(j, 0, sizeof(*j));
	j->cfg = *cfg;
}

/** 1 if a passes the -H filters. */
static int wanted(const snds_judge *j, const mr_addr *a)
{
	if (j->cfg.nfilters == 0)
		return 1;
	for (size_t i = 0; i < j->cfg.nfilters; i++)
		if (mr_cidr_contains(&j->cfg.filters[i], a))
			return 1;
	return 0;
}

/** Last address of CIDR c into out. */
static void cidr_last(const mr_cidr *c, mr_addr *out)
{
	int bits = c->base.family == AF_INET ? 32 : 128;

	*out = c->base;
	for (int b = (int)c->prefix; b < bits; b++)
		out->b[b / 8] |= (uint8_t)(0x80u >> (b % 8));
}

/** 1 if the range [lo, hi] overlaps the -H filters. */
static int range_wanted(const snds_judge *j, const mr_addr *lo, const mr_addr *hi)
{
	if (j->cfg.nfilters == 0)
		return 1;
	for (size_t i = 0; i < j->cfg.nfilters; i++) {
		const mr_cidr *c = &j->cfg.filters[i];
		mr_addr last;
		if (c->base.family != lo->family)
			continue;
		cidr_last(c, &last);
		if (mr_addr_cmp(lo, &last) <= 0 && mr_addr_cmp(&c->base, hi) <= 0)
			return 1;
	}
	return 0;
}

/** snds_data_cb: add one data row (ignored unless it matches the filters). */
int snds_judge_add_data(void *judge, const snds_data_row *row)
{
	snds_judge *j = judge;
	snds_ip *ip, *v;

	if (!wanted(j, &row->ip))
		return 0;
	v = mr_grow(j->ips, &j->capips, j->nips, sizeof(*v), 64);
	if (v == NULL) {
		j->oom = 1;
		return -1;
	}
	j->ips = v;
	ip = &j->ips[j->nips++];
	memset(ip, 0, sizeof(*ip));
	ip->ip = row->ip;
	ip->in_data = 1;
	ip->filter = row->filter;
	ip->complaint_known = row->complaint_known;
	ip->complaint_floor = row->complaint_floor;
	ip->complaint = row->complaint;
	ip->trap_hits = row->trap_hits;
	ip->rcpt = row->rcpt;
	ip->data = row->data;
	ip->recipients = row->recipients;
	mr_snprintf(ip->comments, sizeof(ip->comments), "%.47s", row->comments);
	return 0;
}

/** snds_status_cb: add one status row (kept when blocked and overlapping the filters). */
int snds_judge_add_status(void *judge, const snds_status_row *row)
{
	snds_judge *j = judge;
	snds_status_row *v;

	if (!row->blocked || !range_wanted(j, &row->first, &row->last))
		return 0;
	v = mr_grow(j->blocks, &j->capblocks, j->nblocks, sizeof(*v), 16);
	if (v == NULL) {
		j->oom = 1;
		return -1;
	}
	j->blocks = v;
	j->blocks[j->nblocks++] = *row;
	return 0;
}

/** Order IPs numerically. */
static int cmp_ip(const void *a, const void *b)
{
	return mr_addr_cmp(&((const snds_ip *)a)->ip, &((const snds_ip *)b)->ip);
}

/** Add a count that may be "not reported" (-1) into a sum that may be too. */
static int64_t add_count(int64_t sum, int64_t v)
{
	if (v < 0)
		return sum;
	return sum < 0 ? v : sum + v;
}

/** Merge rows of the same IP (several activity periods): worst colour, highest rate, summed counts. */
static void merge_ips(snds_judge *j)
{
	size_t w = 0;

	if (j->nips > 1)
		qsort(j->ips, j->nips, sizeof(*j->ips), cmp_ip);
	for (size_t r = 0; r < j->nips; r++) {
		snds_ip *cur = &j->ips[r];
		snds_ip *prev = w > 0 ? &j->ips[w - 1] : NULL;
		if (prev == NULL || mr_addr_cmp(&prev->ip, &cur->ip) != 0) {
			if (w != r)
				j->ips[w] = *cur;
			w++;
			continue;
		}
		if (cur->filter > prev->filter)
			prev->filter = cur->filter;
		if (cur->complaint_known && (!prev->complaint_known || cur->complaint > prev->complaint)) {
			prev->complaint = cur->complaint;
			prev->complaint_floor = cur->complaint_floor;
			prev->complaint_known = 1;
		}
		prev->trap_hits = add_count(prev->trap_hits, cur->trap_hits);
		prev->rcpt = add_count(prev->rcpt, cur->rcpt);
		prev->data = add_count(prev->data, cur->data);
		prev->recipients = add_count(prev->recipients, cur->recipients);
		if (prev->comments[0] == '\0')
			mr_snprintf(prev->comments, sizeof(prev->comments), "%s", cur->comments);
	}
	j->nips = w;
}

/** Index of the first blocked range holding a, or SIZE_MAX. */
static size_t find_block(const snds_judge *j, const mr_addr *a)
{
	for (size_t i = 0; i < j->nblocks; i++)
		if (mr_addr_in_range(a, &j->blocks[i].first, &j->blocks[i].last))
			return i;
	return SIZE_MAX;
}

/** 1 if the data feed has address a. */
static int in_data(const snds_judge *j, const mr_addr *a)
{
	size_t lo = 0, hi = j->nips;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = mr_addr_cmp(&j->ips[mid].ip, a);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/** State of one data-feed IP; block is its blocking range or SIZE_MAX. */
static mr_state ip_state(const snds_judge *j, const snds_ip *ip, size_t block)
{
	mr_state st = MR_OK;

	if (block != SIZE_MAX)
		st = mr_state_worst(st, j->cfg.blocked_state);
	if (ip->filter == SNDS_FILTER_YELLOW)
		st = mr_state_worst(st, j->cfg.yellow_state);
	else if (ip->filter == SNDS_FILTER_RED)
		st = mr_state_worst(st, j->cfg.red_state);
	if (ip->complaint_known)
		st = mr_state_worst(st, mr_thresholds_state(&j->cfg.complaint, ip->complaint));
	if (ip->trap_hits >= 0)
		st = mr_state_worst(st, mr_thresholds_state(&j->cfg.trap, (double)ip->trap_hits));
	return st;
}

/** Append " (outside the critical range R)" or the warning one when v alerts under t. */
static void over_range(const mr_thresholds *t, double v, mr_buf *b)
{
	char r[128];
	mr_state st = mr_thresholds_state(t, v);
	const mr_range *range = st == MR_CRITICAL ? &t->crit : &t->warn;

	if (st == MR_OK)
		return;
	if (mr_range_format(range, r, sizeof(r)) != 0)
		mr_snprintf(r, sizeof(r), "?");
	mr_buf_printf(b, " (outside the %s range %s)", st == MR_CRITICAL ? "critical" : "warning", r);
}

/** Reason text of blocked range k ("no reason given" when the feed gave none). */
static const char *block_reason(const snds_judge *j, size_t k)
{
	return j->blocks[k].reason[0] ? j->blocks[k].reason : "no reason given";
}

/** Write the reasons of an IP's state into b. */
static void ip_text(const snds_judge *j, const snds_ip *ip, size_t block, mr_buf *b)
{
	char addr[MR_ADDR_STRLEN], rate[64];

	if (mr_addr_format(&ip->ip, addr, sizeof(addr)) != 0)
		mr_snprintf(addr, sizeof(addr), "?");
	mr_buf_printf(b, "%s:", addr);
	if (block != SIZE_MAX)
		mr_buf_printf(b, " blocked by Outlook.com: %s;", block_reason(j, block));
	mr_buf_printf(b, " filter %s", snds_filter_name(ip->filter));
	if (ip->complaint_known) {
		if (mr_format_double(ip->complaint, rate, sizeof(rate)) != 0)
			mr_snprintf(rate, sizeof(rate), "?");
		mr_buf_printf(b, ", complaint rate %s%s%%", ip->complaint_floor ? "< " : "", rate);
		over_range(&j->cfg.complaint, ip->complaint, b);
	}
	if (ip->trap_hits >= 0) {
		mr_buf_printf(b, ", trap hits %lld", (long long)ip->trap_hits);
		over_range(&j->cfg.trap, (double)ip->trap_hits, b);
	}
	if (ip->recipients >= 0)
		mr_buf_printf(b, ", %lld recipients", (long long)ip->recipients);
	if (ip->comments[0] != '\0')
		mr_buf_printf(b, ", comment: %s", ip->comments);
}

/** Order verdicts: worst first (CRITICAL, WARNING, UNKNOWN, OK), then as found. */
static int cmp_verdict(const void *pa, const void *pb)
{
	static const int rank[4] = { 3, 1, 0, 2 }; /* OK, WARNING, CRITICAL, UNKNOWN */
	const verdict *a = pa, *b = pb;

	if (rank[a->state] != rank[b->state])
		return rank[a->state] - rank[b->state];
	return (a->pos > b->pos) - (a->pos < b->pos); /* qsort is not stable */
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

/** Add the perfdata metrics in their fixed order; 0 or -1. */
static int add_perf(const snds_judge *j, mr_check *c, size_t nsubjects, uint64_t blocked, double elapsed)
{
	size_t colour[4] = { 0, 0, 0, 0 };
	int64_t traps = -1, rcpt = -1, data = -1, recips = -1;
	int have_rate = 0;
	double rate = 0;

	for (size_t i = 0; i < j->nips; i++) {
		const snds_ip *ip = &j->ips[i];
		colour[ip->filter]++;
		if (ip->complaint_known && (!have_rate || ip->complaint > rate)) {
			rate = ip->complaint;
			have_rate = 1;
		}
		traps = add_count(traps, ip->trap_hits);
		rcpt = add_count(rcpt, ip->rcpt);
		data = add_count(data, ip->data);
		recips = add_count(recips, ip->recipients);
	}
	{
		const struct {
			int defined;  /**< known; else U */
			double v;     /**< value */
		} m[PERF_COUNT] = {
			[PERF_IPS] = { 1, (double)nsubjects },
			[PERF_BLOCKED] = { j->have_status, (double)blocked },
			[PERF_GREEN] = { j->have_data, (double)colour[SNDS_FILTER_GREEN] },
			[PERF_YELLOW] = { j->have_data, (double)colour[SNDS_FILTER_YELLOW] },
			[PERF_RED] = { j->have_data, (double)colour[SNDS_FILTER_RED] },
			[PERF_COMPLAINT] = { have_rate, rate },
			[PERF_TRAPS] = { traps >= 0, (double)traps },
			[PERF_RCPT] = { rcpt >= 0, (double)rcpt },
			[PERF_DATA] = { data >= 0, (double)data },
			[PERF_RECIPIENTS] = { recips >= 0, (double)recips },
			[PERF_TIME] = { 1, elapsed },
		};
		for (size_t k = 0; k < PERF_COUNT; k++)
			if (add_metric(c, &j->cfg, k, m[k].defined, m[k].v) != 0)
				return -1;
	}
	return 0;
}

/** Text of verdict v into b. */
static void verdict_text(const snds_judge *j, const verdict *v, mr_buf *b)
{
	char lo[MR_ADDR_STRLEN], hi[MR_ADDR_STRLEN];

	if (v->ip != SIZE_MAX) {
		ip_text(j, &j->ips[v->ip], v->block, b);
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

/** a + b, saturated at UINT64_MAX. */
static uint64_t add_saturated(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/** Number of addresses in [lo, hi] (same family, lo <= hi), saturated at UINT64_MAX like mr_cidr_size. */
static uint64_t range_size(const mr_addr *lo, const mr_addr *hi)
{
	size_t len = lo->family == AF_INET ? 4 : 16;
	uint8_t d[16];
	unsigned borrow = 0;
	uint64_t n = 0;

	/* d = hi - lo, byte-wise from the least significant end. */
	for (size_t i = len; i-- > 0;) {
		unsigned x = (unsigned)hi->b[i] - lo->b[i] - borrow;
		borrow = x > 0xffu;
		d[i] = (uint8_t)x;
	}
	for (size_t i = 0; i < len; i++) {
		if (len - i > 8 && d[i] != 0)
			return UINT64_MAX;
		n = n << 8 | d[i];
	}
	return add_saturated(n, 1);
}

/** 1 if -H filter i lies inside another filter (an equal one earlier in the list counts as holding it). */
static int filter_held(const snds_judge *j, size_t i)
{
	const mr_cidr *f = &j->cfg.filters[i];

	for (size_t k = 0; k < j->cfg.nfilters; k++) {
		const mr_cidr *o = &j->cfg.filters[k];
		if (k == i || o->base.family != f->base.family || o->prefix > f->prefix)
			continue;
		if ((o->prefix < f->prefix || k < i) && mr_cidr_contains(o, &f->base))
			return 1;
	}
	return 0;
}

/** Number of addresses of the blocked range [lo, hi] that the -H filters select (all without filters). */
static uint64_t blocked_wanted(const snds_judge *j, const mr_addr *lo, const mr_addr *hi)
{
	uint64_t n = 0;

	if (j->cfg.nfilters == 0)
		return range_size(lo, hi);
	/* CIDR blocks either nest or do not meet: summing the outermost ones counts each address once. */
	for (size_t i = 0; i < j->cfg.nfilters; i++) {
		const mr_cidr *f = &j->cfg.filters[i];
		const mr_addr *from, *to;
		mr_addr last;
		if (f->base.family != lo->family || filter_held(j, i))
			continue;
		cidr_last(f, &last);
		from = mr_addr_cmp(&f->base, lo) > 0 ? &f->base : lo;
		to = mr_addr_cmp(&last, hi) < 0 ? &last : hi;
		if (mr_addr_cmp(from, to) <= 0)
			n = add_saturated(n, range_size(from, to));
	}
	return n;
}

/** Fill c for a run that failed: summary why, state st, every perfdata label U but time, thresholds of cfg. */
int snds_report_failure(mr_check *c, const snds_judge_config *cfg, const char *why, mr_state st, double elapsed)
{
	mr_check_set_state(c, st);
	if (mr_check_set_summary(c, "%s", why) != 0)
		return -1;
	for (size_t k = 0; k < PERF_COUNT; k++)
		if (add_metric(c, cfg, k, k == PERF_TIME, elapsed) != 0)
			return -1;
	return 0;
}

/** Judge everything and fill c; see snds_judge.h. */
int snds_judge_report(snds_judge *j, mr_check *c, const char *day, double elapsed)
{
	verdict *v = NULL;
	unsigned char *covered = NULL; /* covered[k]: blocked range k holds a judged IP */
	size_t n = 0, cap;
	uint64_t blocked = 0;
	mr_state overall = MR_OK;
	int rc = -1;
	mr_buf b;

	mr_buf_init(&b, 4096);
	merge_ips(j);
	cap = j->nips + j->nblocks + j->cfg.nfilters + 1;
	v = calloc(cap, sizeof(*v));
	covered = calloc(j->nblocks + 1, 1);
	if (v == NULL || covered == NULL)
		goto out;
	for (size_t i = 0; i < j->nips; i++) {
		size_t blk = j->have_status ? find_block(j, &j->ips[i].ip) : SIZE_MAX;
		v[n].ip = i;
		v[n].block = blk;
		v[n].state = ip_state(j, &j->ips[i], blk);
		if (blk != SIZE_MAX)
			blocked++;
		n++;
	}
	/* -H single addresses absent from the data feed. */
	for (size_t f = 0; j->have_data && f < j->cfg.nfilters; f++) {
		const mr_cidr *cf = &j->cfg.filters[f];
		if (cf->prefix != (cf->base.family == AF_INET ? 32u : 128u) || in_data(j, &cf->base))
			continue;
		v[n].ip = SIZE_MAX;
		v[n].missing = 1;
		v[n].addr = cf->base;
		v[n].block = j->have_status ? find_block(j, &cf->base) : SIZE_MAX;
		v[n].state = j->cfg.missing_state;
		if (v[n].block != SIZE_MAX) {
			v[n].state = mr_state_worst(v[n].state, j->cfg.blocked_state);
			blocked++;
		}
		n++;
	}
	/* Blocked ranges that hold no judged IP are subjects of their own. */
	for (size_t i = 0; i < n; i++)
		if (v[i].block != SIZE_MAX)
			covered[v[i].block] = 1;
	for (size_t k = 0; k < j->nblocks; k++) {
		if (covered[k])
			continue;
		v[n].ip = SIZE_MAX;
		v[n].block = k;
		v[n].state = j->cfg.blocked_state;
		blocked = add_saturated(blocked, blocked_wanted(j, &j->blocks[k].first, &j->blocks[k].last));
		n++;
	}
	for (size_t i = 0; i < n; i++)
		v[i].pos = i;
	qsort(v, n, sizeof(*v), cmp_verdict);
	for (size_t i = 0; i < n; i++) {
		overall = mr_state_worst(overall, v[i].state);
		if (i >= j->cfg.max_details)
			continue;
		mr_buf_reset(&b);
		verdict_text(j, &v[i], &b);
		if (mr_sub_add(c, NULL, v[i].state, "%s", mr_buf_str(&b)) == NULL)
			goto out;
	}
	if (n > j->cfg.max_details &&
	    mr_sub_add_info(c, NULL, MR_OK, "%zu more IPs not shown (--max-details)", n - j->cfg.max_details) == NULL)
		goto out;
	if (j->status_format != NULL) {
		mr_buf_reset(&b);
		mr_buf_printf(&b, "status feed: %s, %ld row%s, %zu blocked range%s matching", j->status_format,
		              j->status_rows, j->status_rows == 1 ? "" : "s", j->nblocks, j->nblocks == 1 ? "" : "s");
		if (mr_sub_add_info(c, NULL, MR_OK, "%s", mr_buf_str(&b)) == NULL)
			goto out;
	} else if (j->have_status && mr_sub_add_info(c, NULL, MR_OK, "status feed: empty (nothing blocked)") == NULL) {
		goto out;
	}
	if (j->data_format != NULL) {
		mr_buf_reset(&b);
		mr_buf_printf(&b, "data feed: %s, %s, %ld row%s", day ? day : "newest day", j->data_format, j->data_rows,
		              j->data_rows == 1 ? "" : "s");
		if (mr_sub_add_info(c, NULL, MR_OK, "%s", mr_buf_str(&b)) == NULL)
			goto out;
	}
	mr_buf_reset(&b);
	if (n > 0 && overall != MR_OK) {
		verdict_text(j, &v[0], &b);
		if (n > 1)
			mr_buf_printf(&b, " (%zu IPs, worst first)", n);
	} else if (n == 0) {
		mr_buf_printf(&b, "no IP %s", j->cfg.nfilters ? "of -H found in the feeds" : "in the feeds");
		if (day != NULL)
			mr_buf_printf(&b, " on %s", day);
	} else {
		mr_buf_printf(&b, "%zu IP%s OK", n, n == 1 ? "" : "s");
		if (day != NULL)
			mr_buf_printf(&b, " on %s", day);
		if (j->have_status && !j->have_data)
			mr_buf_puts(&b, " (none blocked)");
	}
	if (mr_check_set_summary(c, "%s", mr_buf_str(&b)) != 0 || add_perf(j, c, n, blocked, elapsed) != 0)
		goto out;
	mr_check_set_state(c, overall);
	rc = 0;
out:
	free(v);
	free(covered);
	mr_buf_free(&b);
	return rc;
}

/** Free the judge's memory. */
void snds_judge_free(snds_judge *j)
{
	free(j->ips);
	free(j->blocks);
	memset(j, 0, sizeof(*j));
}

/* snds_judge.c: merges SNDS rows per IP and judges every subject (data-feed IP, -H address missing from the
 * data feed, blocked range alone) against the state options and thresholds, worst first, with the sums the
 * perfdata shows. It writes no text: snds_report does. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../common/util.h"
#include "snds_judge.h"

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

/** Order verdicts: worst first (CRITICAL, WARNING, UNKNOWN, OK), then as found. */
static int cmp_verdict(const void *pa, const void *pb)
{
	static const int rank[4] = { 3, 1, 0, 2 }; /* OK, WARNING, CRITICAL, UNKNOWN */
	const snds_verdict *a = pa, *b = pb;

	if (rank[a->state] != rank[b->state])
		return rank[a->state] - rank[b->state];
	return (a->pos > b->pos) - (a->pos < b->pos); /* qsort is not stable */
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

/** Verdict of data-feed IP i: its state and what each rule alone gives (blocked, colour, rate, trap hits). */
static void judge_ip(const snds_judge *j, size_t i, snds_verdict *v)
{
	const snds_ip *ip = &j->ips[i];
	mr_state st = MR_OK;

	v->ip = i;
	v->block = j->have_status ? find_block(j, &ip->ip) : SIZE_MAX;
	v->complaint_state = ip->complaint_known ? mr_thresholds_state(&j->cfg.complaint, ip->complaint) : MR_OK;
	v->trap_state = ip->trap_hits >= 0 ? mr_thresholds_state(&j->cfg.trap, (double)ip->trap_hits) : MR_OK;
	if (v->block != SIZE_MAX)
		st = mr_state_worst(st, j->cfg.blocked_state);
	if (ip->filter == SNDS_FILTER_YELLOW)
		st = mr_state_worst(st, j->cfg.yellow_state);
	else if (ip->filter == SNDS_FILTER_RED)
		st = mr_state_worst(st, j->cfg.red_state);
	v->state = mr_state_worst(mr_state_worst(st, v->complaint_state), v->trap_state);
}

/** Sum the data-feed IPs into the totals: IPs per colour, highest rate, summed counts. */
static void sum_ips(snds_judge *j)
{
	snds_totals *t = &j->totals;

	memset(t, 0, sizeof(*t));
	t->traps = t->rcpt = t->data = t->recipients = -1;
	for (size_t i = 0; i < j->nips; i++) {
		const snds_ip *ip = &j->ips[i];
		t->colour[ip->filter]++;
		if (ip->complaint_known && (!t->have_rate || ip->complaint > t->rate)) {
			t->rate = ip->complaint;
			t->have_rate = 1;
		}
		t->traps = add_count(t->traps, ip->trap_hits);
		t->rcpt = add_count(t->rcpt, ip->rcpt);
		t->data = add_count(t->data, ip->data);
		t->recipients = add_count(t->recipients, ip->recipients);
	}
}

/** Merge and judge everything; see snds_judge.h. */
int snds_judge_finish(snds_judge *j)
{
	snds_verdict *v;
	unsigned char *covered = NULL; /* covered[k]: blocked range k holds a judged IP */
	size_t n = 0;
	int rc = -1;

	free(j->verdicts);
	j->verdicts = NULL;
	j->nverdicts = 0;
	j->blocked = 0;
	j->overall = MR_OK;
	merge_ips(j);
	sum_ips(j);
	v = calloc(j->nips + j->nblocks + j->cfg.nfilters + 1, sizeof(*v));
	covered = calloc(j->nblocks + 1, 1);
	if (v == NULL || covered == NULL)
		goto out;
	for (size_t i = 0; i < j->nips; i++) {
		judge_ip(j, i, &v[n]);
		if (v[n].block != SIZE_MAX)
			j->blocked++;
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
			j->blocked++;
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
		j->blocked = add_saturated(j->blocked, blocked_wanted(j, &j->blocks[k].first, &j->blocks[k].last));
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		v[i].pos = i;
		j->overall = mr_state_worst(j->overall, v[i].state);
	}
	qsort(v, n, sizeof(*v), cmp_verdict);
	j->verdicts = v;
	j->nverdicts = n;
	v = NULL;
	rc = 0;
out:
	free(v);
	free(covered);
	return rc;
}

/** Free the judge's memory. */
void snds_judge_free(snds_judge *j)
{
	free(j->ips);
	free(j->blocks);
	free(j->verdicts);
	memset(j, 0, sizeof(*j));
}

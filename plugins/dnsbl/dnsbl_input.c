/* dnsbl_input.c: check_dnsbl's query phases: expand the targets, self-test the zones, then ask every
 * applicable zone about every target, judge each answer and record it in the outcome. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../common/spamhaus.h"
#include "dnsbl_input.h"
#include "dnsbl_judge.h"

/** Longest query name we build, with NUL. */
#define QNAME_MAX 512

/** The query suffix of one zone ("zen.spamhaus.org" or "KEY.zen.dq.spamhaus.net"); "" if too long. */
typedef char zone_suffix[QNAME_MAX];

/** State of the main phase. */
typedef struct run_ctx {
	mr_dns *dns;                       /**< engine */
	const dnsbl_run_config *cfg;       /**< configuration */
	dnsbl_outcome *out;                /**< aggregated results */
	uint64_t next_target;              /**< feed cursor: target */
	size_t next_zone;                  /**< feed cursor: zone */
	size_t unit;                       /**< feed cursor: unit of next_target */
	zone_suffix *suffix;               /**< query suffix of each zone, built once */
	int oom;                           /**< an allocation failed */
} run_ctx;

/** One (target, zone) query, or the TXT query of a stored listing. */
typedef struct pair_query {
	run_ctx *ctx;                      /**< phase state */
	uint64_t target;                   /**< target index (A queries) */
	uint32_t zone;                     /**< zone index (A queries) */
	dnsbl_detail *detail;              /**< for TXT queries: where the text goes */
} pair_query;

/** Build the query suffix of every zone once (with the DQS rewrite), not per query; NULL if out of memory. */
static zone_suffix *zone_suffixes(const dnsbl_run_config *cfg)
{
	size_t n = cfg->zones->n;
	zone_suffix *v = calloc(n ? n : 1, sizeof(*v));

	if (v == NULL)
		return NULL;
	for (size_t zi = 0; zi < n; zi++) {
		const dnsbl_zone *z = &cfg->zones->v[zi];
		int rc;
		if (cfg->dqs_key != NULL && z->spamhaus && z->dqs[0] != '\0')
			rc = mr_spamhaus_zone(z->dqs, cfg->dqs_key, v[zi], sizeof(v[zi]));
		else
			rc = mr_snprintf(v[zi], sizeof(v[zi]), "%s", z->name);
		if (rc != 0)
			v[zi][0] = '\0';
	}
	return v;
}

/** 1 if zone z is asked about a target of unit u. */
static int zone_applies(const dnsbl_zone *z, const dnsbl_unit *u)
{
	if (u->failed)
		return 0;
	if (u->is_domain)
		return z->kind == DNSBL_KIND_DOMAIN;
	if (z->kind != DNSBL_KIND_IP)
		return 0;
	return u->cidr.base.family == AF_INET ? z->ipv4 : z->ipv6;
}

/** Build the query name for target i of unit u under the zone's query suffix; 0 or -1. */
static int pair_qname(const dnsbl_unit *u, uint64_t i, const char *suffix, char *dst, size_t size)
{
	char left[MR_REVNAME_LEN];
	mr_addr a;

	if (suffix[0] == '\0')
		return -1;
	if (u->is_domain)
		return mr_snprintf(dst, size, "%s.%s", u->name, suffix);
	dnsbl_unit_addr(u, i, &a);
	if (mr_addr_reverse_name(&a, left, sizeof(left)) != 0)
		return -1;
	return mr_snprintf(dst, size, "%s.%s", left, suffix);
}

/** Collect the IPv4 A values of a reply in host byte order; returns how many (at most max). */
static size_t reply_codes(const mr_dns_result *r, uint32_t *codes, size_t max)
{
	mr_addr a[DNSBL_MAX_CODES * 2];
	size_t n, k = 0;

	if (r->status != MR_DNS_NOERROR || r->pkt == NULL)
		return 0;
	n = mr_dns_answer_addrs(r->pkt, a, sizeof(a) / sizeof(a[0]));
	for (size_t i = 0; i < n && k < max; i++)
		if (a[i].family == AF_INET)
			codes[k++] = (uint32_t)a[i].b[0] << 24 | (uint32_t)a[i].b[1] << 16 |
			             (uint32_t)a[i].b[2] << 8 | a[i].b[3];
	return k;
}

static void on_pair(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r);

/** Callback of a listing's TXT query: keep the reason text. */
static void on_txt(pair_query *q, const mr_dns_result *r)
{
	mr_buf b;
	int rc;

	if (r->status != MR_DNS_NOERROR || r->pkt == NULL)
		return;
	mr_buf_init(&b, 400);
	rc = mr_dns_answer_txt(r->pkt, &b);
	if (rc == 0 && b.len > 0)
		q->detail->txt = mr_strdup(mr_buf_str(&b));
	if (rc != 0 || (b.len > 0 && q->detail->txt == NULL))
		q->ctx->oom = 1; /* the text of a received reply can only be lost for want of memory */
	mr_buf_free(&b);
}

/** Record the verdict v of (target, zone) in the outcome; asks for the reason text (TXT) of a kept block listing. */
static void record_verdict(run_ctx *c, uint64_t i, uint32_t zi, const dnsbl_verdict *v, const char *qname)
{
	const dnsbl_zone *z = &c->cfg->zones->v[zi];
	dnsbl_detail *d = dnsbl_outcome_record(c->out, z, zi, i, v, c->cfg->verbose, c->cfg->max_stored);
	pair_query *tq;

	/* the reason text is shown for block listings only */
	if (d == NULL || v->kind != DNSBL_LISTED || z->allow)
		return;
	tq = calloc(1, sizeof(*tq));
	if (tq == NULL) {
		c->oom = 1;
		return;
	}
	tq->ctx = c;
	tq->detail = d;
	if (mr_dns_submit(c->dns, qname, LDNS_RR_TYPE_TXT, on_pair, tq) != 0) {
		/* submit fails only when out of memory (a known name that is too long is an error answer) */
		c->oom = 1;
		free(tq);
	}
}

/** Callback of a (target, zone) query: judge the answer and record it. */
static void on_pair(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	pair_query *q = user;
	run_ctx *c = q->ctx;
	dnsbl_verdict v;
	uint32_t codes[DNSBL_MAX_CODES];
	size_t n;

	if (type == LDNS_RR_TYPE_TXT) {
		on_txt(q, r);
		free(q);
		return;
	}
	if (r->status == MR_DNS_CANCELLED) {
		c->out->unfinished++;
		free(q);
		return;
	}
	n = reply_codes(r, codes, DNSBL_MAX_CODES);
	dnsbl_judge(&c->cfg->zones->v[q->zone], r->status, codes, n, &v);
	record_verdict(c, q->target, q->zone, &v, qname);
	free(q);
}

/** Feed of the main phase: submit the next applicable (target, zone) pair; 1 if one was submitted. */
static int feed_pairs(void *user, mr_dns *d)
{
	run_ctx *c = user;
	const dnsbl_run_config *cfg = c->cfg;
	const dnsbl_units *t = &c->out->units;
	const dnsbl_catalogue *zs = cfg->zones;

	while (c->next_target < t->total && !c->oom && !c->out->oom) {
		const dnsbl_unit *u;
		uint64_t i = c->next_target;
		size_t zi = c->next_zone;

		while (c->unit + 1 < t->nunit && t->unit[c->unit + 1].first <= i)
			c->unit++;
		u = &t->unit[c->unit];
		if (zi >= zs->n) {
			c->next_target++;
			c->next_zone = 0;
			continue;
		}
		c->next_zone++;
		if (c->out->z[zi].broken || !zone_applies(&zs->v[zi], u))
			continue;
		{
			char qname[QNAME_MAX];
			pair_query *q;

			if (pair_qname(u, i, c->suffix[zi], qname, sizeof(qname)) != 0) {
				dnsbl_verdict v;
				memset(&v, 0, sizeof(v));
				v.kind = DNSBL_ERROR;
				mr_snprintf(v.reason, sizeof(v.reason), "query name too long");
				record_verdict(c, i, (uint32_t)zi, &v, "");
				continue;
			}
			q = calloc(1, sizeof(*q));
			if (q == NULL) {
				c->oom = 1;
				return 0;
			}
			q->ctx = c;
			q->target = i;
			q->zone = (uint32_t)zi;
			if (mr_dns_submit(d, qname, LDNS_RR_TYPE_A, on_pair, q) != 0) {
				free(q);
				c->oom = 1;
				return 0;
			}
			return 1;
		}
	}
	return 0;
}

/** Self-test probe of one zone. */
typedef struct probe_query {
	dnsbl_outcome *out;                /**< where broken zones are marked */
	const dnsbl_zone *zone;            /**< the zone */
	size_t zi;                         /**< its index */
	int positive;                      /**< 1 = must be listed, 0 = must not */
} probe_query;

/** Callback of a self-test probe: mark the zone broken if the answer is not what RFC 5782 requires. */
static void on_probe(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	probe_query *p = user;
	dnsbl_zstat *zs = &p->out->z[p->zi];
	uint32_t codes[DNSBL_MAX_CODES];
	size_t n = reply_codes(r, codes, DNSBL_MAX_CODES);
	dnsbl_verdict v;
	(void)type;
	(void)qname;

	dnsbl_judge(p->zone, r->status, codes, n, &v);
	if (!zs->broken) {
		if (p->positive && v.kind != DNSBL_LISTED) {
			zs->broken = 1;
			mr_snprintf(zs->broken_reason, sizeof(zs->broken_reason), "test entry %s not listed (%s)",
			            p->zone->kind == DNSBL_KIND_DOMAIN ? "test.ZONE" : "127.0.0.2",
			            v.kind == DNSBL_ERROR ? v.reason : "no listing answer");
		} else if (!p->positive && v.kind != DNSBL_NOT_LISTED) {
			zs->broken = 1;
			mr_snprintf(zs->broken_reason, sizeof(zs->broken_reason),
			            "negative test entry %s answered (%s): the zone lists everything or is rewritten",
			            p->zone->kind == DNSBL_KIND_DOMAIN ? "invalid.ZONE" : "127.0.0.1",
			            v.kind == DNSBL_ERROR ? v.reason : "listed");
		}
	}
	free(p);
}

/** Phase 2: RFC 5782 probes of every zone under its query suffix; 0 or -1 on allocation failure. */
static int selftest(mr_dns *d, const dnsbl_run_config *cfg, const zone_suffix *suffix, dnsbl_outcome *o)
{
	static const mr_addr v4[2] = { { AF_INET, { 127, 0, 0, 1 } }, { AF_INET, { 127, 0, 0, 2 } } };
	static const mr_addr v6[2] = {
		{ AF_INET6, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x7f, 0, 0, 1 } },
		{ AF_INET6, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x7f, 0, 0, 2 } },
	};

	for (size_t zi = 0; zi < cfg->zones->n; zi++) {
		const dnsbl_zone *z = &cfg->zones->v[zi];
		char qname[QNAME_MAX], left[MR_REVNAME_LEN];

		if (suffix[zi][0] == '\0')
			continue;
		for (int positive = 0; positive < 2; positive++) {
			probe_query *p;
			int rc;
			if (z->kind == DNSBL_KIND_DOMAIN)
				rc = mr_snprintf(qname, sizeof(qname), "%s.%s", positive ? "test" : "invalid", suffix[zi]);
			else if (mr_addr_reverse_name(z->ipv4 ? &v4[positive] : &v6[positive], left, sizeof(left)) != 0)
				rc = -1;
			else
				rc = mr_snprintf(qname, sizeof(qname), "%s.%s", left, suffix[zi]);
			if (rc != 0)
				continue;
			p = calloc(1, sizeof(*p));
			if (p == NULL)
				return -1;
			p->out = o;
			p->zone = z;
			p->zi = zi;
			p->positive = positive;
			if (mr_dns_submit(d, qname, LDNS_RR_TYPE_A, on_probe, p) != 0) {
				free(p);
				return -1;
			}
		}
	}
	mr_dns_run(d, cfg->deadline, NULL, NULL);
	return 0;
}

/** Set each unit's count of zones asked about its targets (applicable and not broken); count zones_used. */
static void count_zones(const dnsbl_run_config *cfg, dnsbl_outcome *o)
{
	dnsbl_units *t = &o->units;

	for (size_t zi = 0; zi < o->nzones; zi++)
		if (!o->z[zi].broken)
			o->zones_used++;
	for (size_t k = 0; k < t->nunit; k++) {
		dnsbl_unit *u = &t->unit[k];
		u->zones = 0;
		for (size_t zi = 0; zi < o->nzones; zi++)
			if (!o->z[zi].broken && zone_applies(&cfg->zones->v[zi], u))
				u->zones++;
	}
}

/** Pairs the feed never submitted: the rest of its current target, then each later target's zone count. */
static uint64_t unsubmitted_pairs(const run_ctx *c)
{
	const dnsbl_units *t = &c->out->units;
	const dnsbl_unit *u = dnsbl_units_find(t, c->next_target);
	uint64_t n = 0;

	if (u == NULL)
		return 0;
	for (size_t zi = c->next_zone; zi < c->out->nzones; zi++)
		if (!c->out->z[zi].broken && zone_applies(&c->cfg->zones->v[zi], u))
			n++;
	n += (u->first + u->size - c->next_target - 1) * u->zones;
	for (size_t k = (size_t)(u - t->unit) + 1; k < t->nunit; k++)
		n += t->unit[k].size * t->unit[k].zones;
	return n;
}

/** Run every phase with engine d into out; see the header. */
int dnsbl_run(mr_dns *d, const dnsbl_run_config *cfg, dnsbl_outcome *out, mr_buf *err)
{
	run_ctx c;
	mr_dns_stats st;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (dnsbl_targets_expand(d, cfg->targets, cfg->max_targets, cfg->deadline, &out->units, err) != 0)
		return -1;
	c.suffix = zone_suffixes(cfg);
	if (dnsbl_outcome_start(out, cfg->zones->n) != 0 || c.suffix == NULL) {
		mr_buf_puts(err, "out of memory");
		goto out;
	}
	if (cfg->selftest && selftest(d, cfg, c.suffix, out) != 0) {
		mr_buf_puts(err, "out of memory during the self-test");
		goto out;
	}
	count_zones(cfg, out);

	c.dns = d;
	c.cfg = cfg;
	c.out = out;
	out->timed_out = mr_dns_run(d, cfg->deadline, feed_pairs, &c) != 0;
	if (c.oom || out->oom) {
		mr_buf_puts(err, "out of memory while querying");
		goto out;
	}
	/* Pairs never submitted before the deadline are unfinished as well. */
	if (c.next_target < out->units.total) {
		out->timed_out = 1;
		out->unfinished += unsubmitted_pairs(&c);
		out->asked = c.next_target + 1;
	}
	mr_dns_get_stats(d, &st);
	out->queries = st.queries;
	rc = 0;
out:
	free(c.suffix);
	return rc;
}

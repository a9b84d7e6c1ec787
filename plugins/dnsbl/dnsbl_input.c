/* dnsbl_run.c: check_dnsbl's query phases (resolve names, self-test, targets x zones) and verdict aggregation. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsbl_report.h"
#include "dnsbl_run.h"

/** Most addresses kept from one host name or MX exchange. */
#define MAX_ADDRS_PER_NAME 64
/** Longest query name we build, with NUL. */
#define QNAME_MAX 512

/** The query suffix of one zone ("zen.spamhaus.org" or "KEY.zen.dq.spamhaus.net"); "" if too long. */
typedef char zone_suffix[QNAME_MAX];

/** One address or failure found while resolving the user's names. */
typedef struct resolved {
	size_t spec;                       /**< index of the spec it belongs to */
	int failed;                        /**< a failure instead of an address */
	mr_addr addr;                      /**< the address */
	char name[DNSBL_NAME_MAX + 1];     /**< host name it came from */
	char fail[160];                    /**< failure reason */
} resolved;

/** State of the name-resolution phase. */
typedef struct resolve_ctx {
	mr_dns *dns;                       /**< engine */
	const dnsbl_targets *targets;      /**< specs */
	resolved *v;                       /**< results */
	size_t n;                          /**< used */
	size_t cap;                        /**< allocated */
	int oom;                           /**< allocation failed */
} resolve_ctx;

/** One name query of the resolution phase. */
typedef struct resolve_query {
	resolve_ctx *ctx;                  /**< phase state */
	size_t spec;                       /**< spec index */
	int is_mx;                         /**< an MX query of a --mx domain */
	struct name_pair *pair;            /**< shared bookkeeping of the A and AAAA queries, or NULL */
	char name[DNSBL_NAME_MAX + 1];     /**< the name asked */
} resolve_query;

/** Shared bookkeeping of the A and AAAA queries of one name; freed by the last of them. */
typedef struct name_pair {
	int pending;                       /**< queries not finished */
	int found;                         /**< addresses found */
	char fail[160];                    /**< why nothing was found */
} name_pair;

/** Record an address or failure; sets oom on allocation failure. */
static void add_resolved(resolve_ctx *c, size_t spec, int failed, const mr_addr *a, const char *name,
                         const char *why)
{
	resolved *r;

	resolved *v = mr_grow(c->v, &c->cap, c->n, sizeof(*v), 32);

	if (v == NULL) {
		c->oom = 1;
		return;
	}
	c->v = v;
	r = &c->v[c->n++];
	memset(r, 0, sizeof(*r));
	r->spec = spec;
	r->failed = failed;
	if (a != NULL)
		r->addr = *a;
	mr_snprintf(r->name, sizeof(r->name), "%s", name);
	if (why != NULL)
		mr_snprintf(r->fail, sizeof(r->fail), "%s", why);
}

static void on_resolve(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r);

/** Submit the A and AAAA queries of one name sharing a name_pair; 0 or -1. */
static int submit_addr_queries(resolve_ctx *c, size_t spec, const char *name, name_pair *pair)
{
	static const ldns_rr_type types[2] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };

	for (int k = 0; k < 2; k++) {
		resolve_query *q = calloc(1, sizeof(*q));
		if (q == NULL)
			return -1;
		q->ctx = c;
		q->spec = spec;
		q->pair = pair;
		mr_snprintf(q->name, sizeof(q->name), "%s", name);
		pair->pending++;
		if (mr_dns_submit(c->dns, name, types[k], on_resolve, q) != 0) {
			pair->pending--;
			free(q);
			return -1;
		}
	}
	return 0;
}

/** Describe a failed lookup of name into dst (160 bytes). */
static void describe_failure(char *dst, const char *name, const char *what, const mr_dns_result *r)
{
	if (r->status == MR_DNS_NXDOMAIN)
		mr_snprintf(dst, 160, "%s: %s does not exist (NXDOMAIN)", name, what);
	else if (r->status == MR_DNS_NOERROR)
		mr_snprintf(dst, 160, "%s: no %s records", name, what);
	else
		mr_snprintf(dst, 160, "%s: %s lookup failed (%s from %s)", name, what,
		            mr_dns_status_name(r->status), r->server ? r->server : "resolver");
}

/** Callback of the resolution phase: collect A/AAAA addresses, or start the lookups of MX hosts. */
static void on_resolve(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	resolve_query *q = user;
	resolve_ctx *c = q->ctx;
	(void)qname;

	if (q->is_mx) {
		mr_dns_mx mx[32];
		char why[160];
		size_t n = mr_dns_mail_hosts(r, q->name, mx, sizeof(mx) / sizeof(mx[0]), why, sizeof(why));

		if (n == 0)
			add_resolved(c, q->spec, 1, NULL, q->name, why);
		for (size_t i = 0; i < n; i++) {
			name_pair *pair = calloc(1, sizeof(*pair));
			if (pair == NULL || submit_addr_queries(c, q->spec, mx[i].host, pair) != 0) {
				if (pair != NULL && pair->pending == 0)
					free(pair);
				c->oom = 1;
			}
		}
		free(q);
		return;
	}
	if (r->status == MR_DNS_NOERROR && r->pkt != NULL) {
		mr_addr a[MAX_ADDRS_PER_NAME];
		size_t n = mr_dns_answer_addrs(r->pkt, a, MAX_ADDRS_PER_NAME);
		int want = type == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
		for (size_t i = 0; i < n; i++) {
			if (a[i].family != want)
				continue;
			add_resolved(c, q->spec, 0, &a[i], q->name, NULL);
			q->pair->found++;
		}
	}
	/* Keep the most telling failure: a lookup error beats NXDOMAIN and "no records". */
	if (q->pair->fail[0] == '\0' || (r->status != MR_DNS_NOERROR && r->status != MR_DNS_NXDOMAIN))
		describe_failure(q->pair->fail, q->name, "A/AAAA", r);
	if (--q->pair->pending == 0) {
		if (q->pair->found == 0)
			add_resolved(c, q->spec, 1, NULL, q->name, q->pair->fail);
		free(q->pair);
	}
	free(q);
}

/** Order resolved entries by spec, then failures last, then address, for a stable output. */
static int cmp_resolved(const void *pa, const void *pb)
{
	const resolved *a = pa, *b = pb;

	if (a->spec != b->spec)
		return a->spec < b->spec ? -1 : 1;
	if (a->failed != b->failed)
		return a->failed - b->failed;
	if (a->failed)
		return strcmp(a->name, b->name);
	return mr_addr_cmp(&a->addr, &b->addr);
}

/** Phase 1: resolve host names and MX domains, then build the units in the order of the specs; 0 or -1. */
static int expand_targets(mr_dns *d, const dnsbl_run_config *cfg, mr_buf *err)
{
	dnsbl_targets *t = cfg->targets;
	resolve_ctx c;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.dns = d;
	c.targets = t;
	for (size_t i = 0; i < t->nspec; i++) {
		const dnsbl_tspec *s = &t->spec[i];
		if (s->kind == DNSBL_T_HOST) {
			name_pair *pair = calloc(1, sizeof(*pair));
			if (pair == NULL || submit_addr_queries(&c, i, s->name, pair) != 0) {
				if (pair != NULL && pair->pending == 0)
					free(pair);
				goto oom;
			}
		} else if (s->kind == DNSBL_T_MX) {
			resolve_query *q = calloc(1, sizeof(*q));
			if (q == NULL)
				goto oom;
			q->ctx = &c;
			q->spec = i;
			q->is_mx = 1;
			mr_snprintf(q->name, sizeof(q->name), "%s", s->name);
			if (mr_dns_submit(d, s->name, LDNS_RR_TYPE_MX, on_resolve, q) != 0) {
				free(q);
				goto oom;
			}
		}
	}
	mr_dns_run(d, cfg->deadline, NULL, NULL);
	if (c.oom)
		goto oom;
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cmp_resolved);

	for (size_t i = 0, k = 0; i < t->nspec; i++) {
		const dnsbl_tspec *s = &t->spec[i];
		dnsbl_unit u;

		memset(&u, 0, sizeof(u));
		if (s->kind == DNSBL_T_CIDR || s->kind == DNSBL_T_DOMAIN) {
			u.is_domain = s->kind == DNSBL_T_DOMAIN;
			u.cidr = s->cidr;
			u.size = u.is_domain ? 1 : mr_cidr_size(&s->cidr);
			mr_snprintf(u.name, sizeof(u.name), "%s", u.is_domain ? s->name : "");
			if (dnsbl_targets_add_unit(t, &u, cfg->max_targets, err) != 0)
				goto out;
			continue;
		}
		for (; k < c.n && c.v[k].spec == i; k++) {
			memset(&u, 0, sizeof(u));
			u.failed = c.v[k].failed;
			u.size = 1;
			mr_snprintf(u.name, sizeof(u.name), "%s", c.v[k].name);
			if (u.failed)
				mr_snprintf(u.fail, sizeof(u.fail), "%s", c.v[k].fail);
			else {
				u.cidr.base = c.v[k].addr;
				u.cidr.prefix = c.v[k].addr.family == AF_INET ? 32 : 128;
			}
			if (dnsbl_targets_add_unit(t, &u, cfg->max_targets, err) != 0)
				goto out;
		}
	}
	rc = 0;
	goto out;
oom:
	mr_buf_puts(err, "out of memory while resolving targets");
out:
	free(c.v);
	return rc;
}

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
			rc = mr_snprintf(v[zi], sizeof(v[zi]), "%s.%s.dq.spamhaus.net", cfg->dqs_key, z->dqs);
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

/** Counters of target i of o (all zero if it got no verdict). */
const dnsbl_tstate *dnsbl_outcome_target(const dnsbl_outcome *o, uint64_t i)
{
	static const dnsbl_tstate none;
	const dnsbl_tstate *b = o->tb != NULL ? o->tb[i / DNSBL_TBLOCK] : NULL;

	return b != NULL ? &b[i % DNSBL_TBLOCK] : &none;
}

/** Number of targets in block b of o (DNSBL_TBLOCK, or fewer in the last block). */
static size_t block_len(const dnsbl_outcome *o, size_t b)
{
	uint64_t left = o->ntargets - (uint64_t)b * DNSBL_TBLOCK;

	return left < DNSBL_TBLOCK ? (size_t)left : DNSBL_TBLOCK;
}

/** Writable counters of target i, allocating its block on first use; NULL (and oom set) when out of memory. */
static dnsbl_tstate *target_state(run_ctx *c, uint64_t i)
{
	dnsbl_tstate **b = &c->out->tb[i / DNSBL_TBLOCK];

	if (*b == NULL) {
		*b = calloc(block_len(c->out, (size_t)(i / DNSBL_TBLOCK)), sizeof(**b));
		if (*b == NULL) {
			c->oom = 1;
			return NULL;
		}
	}
	return &(*b)[i % DNSBL_TBLOCK];
}

/** Keep a detail for target i if the output shows it and the memory bound allows; returns it or NULL. */
static dnsbl_detail *store_detail(run_ctx *c, uint64_t i, uint32_t zone, const dnsbl_verdict *v)
{
	dnsbl_outcome *o = c->out;
	dnsbl_tstate *ts = target_state(c, i);
	dnsbl_detail *d;

	if (ts == NULL || !dnsbl_detail_kept(v->kind, o->ntargets, c->cfg->verbose))
		return NULL;
	if (o->stored >= c->cfg->max_stored) {
		o->dropped++;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		c->oom = 1;
		return NULL;
	}
	d->zone = zone;
	d->v = *v;
	if (ts->last != NULL)
		ts->last->next = d;
	else
		ts->first = d;
	ts->last = d;
	o->stored++;
	return d;
}

static void on_pair(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r);

/** Callback of a listing's TXT query: keep the reason text. */
static void on_txt(pair_query *q, const mr_dns_result *r)
{
	mr_buf b;

	if (r->status != MR_DNS_NOERROR || r->pkt == NULL)
		return;
	mr_buf_init(&b, 400);
	if (mr_dns_answer_txt(r->pkt, &b) == 0 && b.len > 0)
		q->detail->txt = mr_strdup(mr_buf_str(&b));
	mr_buf_free(&b);
}

/** Record the verdict v of (target, zone) in the counters and maybe as a detail; asks for TXT on block listings. */
static void record_verdict(run_ctx *c, uint64_t i, uint32_t zi, const dnsbl_verdict *v, const char *qname)
{
	const dnsbl_zone *z = &c->cfg->zones->v[zi];
	dnsbl_outcome *o = c->out;
	dnsbl_tstate *ts = target_state(c, i);
	dnsbl_zstat *zs = &o->z[zi];
	dnsbl_detail *d = NULL;

	if (ts == NULL)
		return;
	switch (v->kind) {
	case DNSBL_LISTED:
		if (z->allow) {
			ts->allowed++;
			ts->usable++;
		} else {
			if (ts->listed == 0)
				o->targets_listed++;
			ts->listed++;
			ts->usable++;
			zs->listed++;
			o->listed_pairs++;
			ts->severity = (uint8_t)mr_state_worst((mr_state)ts->severity, z->severity);
		}
		/* the reason text is shown for block listings only */
		d = store_detail(c, i, zi, v);
		if (d != NULL && !z->allow) {
			pair_query *tq = calloc(1, sizeof(*tq));
			if (tq != NULL) {
				tq->ctx = c;
				tq->detail = d;
				if (mr_dns_submit(c->dns, qname, LDNS_RR_TYPE_TXT, on_pair, tq) != 0)
					free(tq);
			}
		}
		break;
	case DNSBL_ERROR:
		ts->errors++;
		zs->errors++;
		o->error_pairs++;
		if (zs->first_error[0] == '\0')
			mr_snprintf(zs->first_error, sizeof(zs->first_error), "%s", v->reason);
		store_detail(c, i, zi, v);
		break;
	case DNSBL_OTHER_CODE:
		ts->other++;
		if (!z->allow)
			ts->usable++;
		store_detail(c, i, zi, v);
		break;
	case DNSBL_NOT_LISTED:
		if (!z->allow)
			ts->usable++;
		store_detail(c, i, zi, v);
		break;
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
	const dnsbl_targets *t = cfg->targets;
	const dnsbl_catalogue *zs = cfg->zones;

	while (c->next_target < t->total && !c->oom) {
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
	dnsbl_targets *t = cfg->targets;

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
	const dnsbl_targets *t = c->cfg->targets;
	const dnsbl_unit *u = dnsbl_targets_unit_of(t, c->next_target);
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

/** Run every phase with engine d; 0, or -1 with a reason in err (bad expansion such as --max-targets). */
int dnsbl_run(mr_dns *d, const dnsbl_run_config *cfg, dnsbl_outcome *out, mr_buf *err)
{
	run_ctx c;
	mr_dns_stats st;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (expand_targets(d, cfg, err) != 0)
		return -1;
	out->ntargets = cfg->targets->total;
	out->asked = out->ntargets;
	out->nzones = cfg->zones->n;
	out->ntb = (size_t)((out->ntargets + DNSBL_TBLOCK - 1) / DNSBL_TBLOCK);
	out->tb = calloc(out->ntb ? out->ntb : 1, sizeof(*out->tb));
	out->z = calloc(out->nzones ? out->nzones : 1, sizeof(*out->z));
	c.suffix = zone_suffixes(cfg);
	if (out->tb == NULL || out->z == NULL || c.suffix == NULL) {
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
	if (c.oom) {
		mr_buf_puts(err, "out of memory while querying");
		goto out;
	}
	/* Pairs never submitted before the deadline are unfinished as well. */
	if (c.next_target < cfg->targets->total) {
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

/** Free everything an outcome owns. */
void dnsbl_outcome_free(dnsbl_outcome *o)
{
	for (size_t b = 0; o->tb != NULL && b < o->ntb; b++) {
		if (o->tb[b] == NULL)
			continue;
		for (size_t k = 0; k < block_len(o, b); k++) {
			dnsbl_detail *d = o->tb[b][k].first;
			while (d != NULL) {
				dnsbl_detail *next = d->next;
				free(d->txt);
				free(d);
				d = next;
			}
		}
		free(o->tb[b]);
	}
	free(o->tb);
	free(o->z);
	memset(o, 0, sizeof(*o));
}

/* jmrp_judge.c: counts JMRP complaints (filters, per IP and per sender) and judges the count.
 * Every message met, parsed now or known from the state file, goes through one tally path (tally()): complaints
 * are tallied per source IP and per domain in hash tables as they arrive, so without a state file the
 * memory grows with the distinct IPs and domains, not with the messages (plus the first unparsed messages, which
 * the long output lists).  With a state file, each message in the window keeps one small jmrp_entry; every
 * string lives in an arena of large blocks. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "../../common/hash.h"
#include "jmrp_judge.h"

/** Most unparsed messages listed one by one. */
#define MAX_UNPARSED_LINES 1000
/** Bytes of strings per arena block. */
#define BLOCK_SIZE 65536
/** Fewest hash slots. */
#define MIN_SLOTS 64

_Static_assert(JMRP_DOMAIN_MAX >= sizeof(((jmrp_complaint *)0)->domain), "a parsed domain must never be cut");
_Static_assert(JMRP_DOMAIN_MAX > MR_HOSTNAME_MAX, "every DNS name must be kept whole");

/** One arena block: strings packed one after the other. */
struct jmrp_block {
	struct jmrp_block *next;     /**< the block filled before this one */
	size_t used;                 /**< bytes handed out */
	size_t size;                 /**< bytes in data */
	char data[];                 /**< the strings */
};

/** Start a counter with a copy of cfg. */
void jmrp_counter_init(jmrp_counter *c, const jmrp_count_config *cfg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
}

/** Free the counter. */
void jmrp_counter_free(jmrp_counter *c)
{
	struct jmrp_block *b = c->arena;

	while (b != NULL) {
		struct jmrp_block *next = b->next;
		free(b);
		b = next;
	}
	free(c->v);
	free(c->ipv);
	free(c->iph.slot);
	free(c->domv);
	free(c->domh.slot);
	free(c->listed);
	memset(c, 0, sizeof(*c));
}

/** Room for size bytes of string in the arena; NULL (and oom set) when out of memory. */
static char *arena_alloc(jmrp_counter *c, size_t size)
{
	struct jmrp_block *b = c->arena;

	if (b == NULL || b->size - b->used < size) {
		size_t bs = size > BLOCK_SIZE ? size : BLOCK_SIZE;
		b = malloc(sizeof(*b) + bs);
		if (b == NULL) {
			c->oom = 1;
			return NULL;
		}
		b->next = c->arena;
		b->used = 0;
		b->size = bs;
		c->arena = b;
	}
	b->used += size;
	return b->data + b->used - size;
}

/** A copy of s in the arena; NULL when out of memory. */
static const char *arena_str(jmrp_counter *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(c, n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

/** "label NUL why NUL" in the arena (an unparsed message's line); NULL when out of memory. */
static const char *arena_pair(jmrp_counter *c, const char *label, const char *why)
{
	size_t nl = strlen(label) + 1, nw = strlen(why) + 1;
	char *p = arena_alloc(c, nl + nw);

	if (p != NULL) {
		memcpy(p, label, nl);
		memcpy(p + nl, why, nw);
	}
	return p;
}

/** The reason part of an arena_pair string. */
const char *jmrp_entry_why(const char *text)
{
	return text + strlen(text) + 1;
}

/** Fold a 64-bit FNV-1a hash to the 32 bits of a slot hash. */
static uint32_t fold(uint64_t h)
{
	return (uint32_t)(h ^ (h >> 32));
}

/** Hash of a canonical tally address. */
static uint32_t ip_hash(const jmrp_ip_tally *t)
{
	uint64_t h = mr_fnv1a64(&t->has_ip, sizeof(t->has_ip), MR_FNV64_INIT);

	h = mr_fnv1a64(&t->ip.family, sizeof(t->ip.family), h);
	return fold(mr_fnv1a64(t->ip.b, sizeof(t->ip.b), h));
}

/** Hash of a domain. */
static uint32_t domain_hash(const char *s)
{
	return fold(mr_fnv1a64(s, strlen(s), MR_FNV64_INIT));
}

/** Put index i with hash h into the first free slot of x. */
static void hash_place(jmrp_hash *x, uint32_t h, size_t i)
{
	size_t mask = x->nslot - 1, k = h & mask;

	while (x->slot[k] != 0)
		k = (k + 1) & mask;
	x->slot[k] = (uint32_t)(i + 1);
}

/** Make x ready for one more of its n entries (at most half the slots used): 0 if there is room, 1 if the slots
 *  were renewed (empty: the caller re-inserts its entries), -1 when out of memory. */
static int hash_reserve(jmrp_hash *x, size_t n)
{
	size_t ns;
	uint32_t *s;

	if (n >= UINT32_MAX - 1)
		return -1;
	if ((n + 1) * 2 <= x->nslot)
		return 0;
	ns = x->nslot ? x->nslot * 2 : MIN_SLOTS;
	if (ns > SIZE_MAX / sizeof(*s))
		return -1;
	s = calloc(ns, sizeof(*s));
	if (s == NULL)
		return -1;
	free(x->slot);
	x->slot = s;
	x->nslot = ns;
	return 1;
}

/** Index of the source IP (or of "no source IP") in the IP table, added if new; -1 when out of memory. */
static long ip_index(jmrp_counter *c, int has_ip, const mr_addr *ip)
{
	jmrp_ip_tally t, *v;
	size_t mask, k;
	uint32_t h;
	int rebuilt;

	memset(&t, 0, sizeof(t));
	if (has_ip) {
		t.has_ip = 1;
		t.ip.family = ip->family;
		memcpy(t.ip.b, ip->b, ip->family == AF_INET ? 4 : ip->family == AF_INET6 ? 16 : 0);
	}
	h = ip_hash(&t);
	rebuilt = hash_reserve(&c->iph, c->nip);
	if (rebuilt < 0)
		goto oom;
	for (size_t i = 0; rebuilt && i < c->nip; i++)
		hash_place(&c->iph, ip_hash(&c->ipv[i]), i);
	mask = c->iph.nslot - 1;
	for (k = h & mask; c->iph.slot[k] != 0; k = (k + 1) & mask) {
		const jmrp_ip_tally *o = &c->ipv[c->iph.slot[k] - 1];
		if (o->has_ip == t.has_ip && o->ip.family == t.ip.family && memcmp(o->ip.b, t.ip.b, sizeof(t.ip.b)) == 0)
			return (long)c->iph.slot[k] - 1;
	}
	v = mr_grow(c->ipv, &c->capip, c->nip, sizeof(*v), 64);
	if (v == NULL)
		goto oom;
	c->ipv = v;
	v[c->nip] = t;
	c->iph.slot[k] = (uint32_t)(c->nip + 1);
	return (long)c->nip++;
oom:
	c->oom = 1;
	return -1;
}

/** Index of domain d in the domain table, added if new; -1 when out of memory. */
static long domain_index(jmrp_counter *c, const char *d)
{
	jmrp_domain_tally *v;
	size_t mask, k;
	uint32_t h = domain_hash(d);
	const char *name;
	int rebuilt = hash_reserve(&c->domh, c->ndom);

	if (rebuilt < 0)
		goto oom;
	for (size_t i = 0; rebuilt && i < c->ndom; i++)
		hash_place(&c->domh, domain_hash(c->domv[i].name), i);
	mask = c->domh.nslot - 1;
	for (k = h & mask; c->domh.slot[k] != 0; k = (k + 1) & mask)
		if (strcmp(c->domv[c->domh.slot[k] - 1].name, d) == 0)
			return (long)c->domh.slot[k] - 1;
	v = mr_grow(c->domv, &c->capdom, c->ndom, sizeof(*v), 64);
	if (v == NULL)
		goto oom;
	c->domv = v;
	name = arena_str(c, d);
	if (name == NULL)
		return -1;
	v[c->ndom].name = name;
	v[c->ndom].n = 0;
	c->domh.slot[k] = (uint32_t)(c->ndom + 1);
	return (long)c->ndom++;
oom:
	c->oom = 1;
	return -1;
}

/** 1 if domain d equals f or is a subdomain of f (case-insensitive; a trailing dot of f is ignored). */
static int domain_matches(const char *d, const char *f)
{
	size_t ld = strlen(d), lf = strlen(f);

	if (lf > 0 && f[lf - 1] == '.')
		lf--;
	if (ld == lf)
		return strncasecmp(d, f, lf) == 0;
	return ld > lf && d[ld - lf - 1] == '.' && strncasecmp(d + ld - lf, f, lf) == 0;
}

/** 1 if a complaint from ip (if has_ip) about domain passes the -H and --sender-domain filters. */
static int passes(const jmrp_counter *c, int has_ip, const mr_addr *ip, const char *domain)
{
	int ok = c->cfg.nips == 0;

	for (size_t i = 0; !ok && i < c->cfg.nips; i++)
		ok = has_ip && mr_cidr_contains(&c->cfg.ips[i], ip);
	if (!ok)
		return 0;
	if (c->cfg.ndomains == 0)
		return 1;
	for (size_t i = 0; i < c->cfg.ndomains; i++)
		if (domain[0] != '\0' && domain_matches(domain, c->cfg.domains[i]))
			return 1;
	return 0;
}

/** Keep an unparsed message's "label NUL why" for the long output (only the first MAX_UNPARSED_LINES); 0 or -1. */
static int list_unparsed(jmrp_counter *c, const char *text)
{
	const char **l;

	if (c->nlisted >= MAX_UNPARSED_LINES || text == NULL)
		return 0;
	l = mr_grow(c->listed, &c->caplisted, c->nlisted, sizeof(*l), 16);
	if (l == NULL) {
		c->oom = 1;
		return -1;
	}
	c->listed = l;
	l[c->nlisted++] = text;
	return 0;
}

/** Count one message met in this run, parsed now or known from the state file (the one tally path): an unparsed
 *  one is listed, a complaint tallied per IP and domain unless the filters leave it out, a report that is no
 *  complaint counted apart (after the same filters); 0 or -1 (out of memory). */
static int tally(jmrp_counter *c, const jmrp_entry *e)
{
	jmrp_ip_tally *ip = &c->ipv[e->ip];
	jmrp_domain_tally *dom = &c->domv[e->domain];

	if (e->kind == JMRP_UNPARSED) {
		c->unparsed++;
		return list_unparsed(c, e->text);
	}
	if (!passes(c, ip->has_ip, &ip->ip, dom->name)) {
		c->filtered += e->kind != JMRP_OTHER;
		return 0;
	}
	if (e->kind == JMRP_OTHER) { /* a report, but no user's complaint: apart, never tallied per IP or sender */
		c->other++;
		return 0;
	}
	c->complaints++;
	ip->n++;
	dom->n++;
	return 0;
}

/** Fill e (key left NULL) from one message's fields, cleaned and cut as in the state file: IP and domain as table
 *  indices (added if new) and, for an unparsed message when want_text, "label NUL why" in the arena; 0 or -1. */
static int fill_entry(jmrp_counter *c, jmrp_entry *e, time_t arrival, int kind, int has_ip, const mr_addr *ip,
                      const char *domain, const char *label, const char *why, int want_text)
{
	char d[JMRP_DOMAIN_MAX], l[JMRP_TEXT_MAX], w[JMRP_TEXT_MAX];
	long ii, di;

	memset(e, 0, sizeof(*e));
	jmrp_clean_text(d, sizeof(d), domain);
	ii = ip_index(c, has_ip, ip);
	di = ii < 0 ? -1 : domain_index(c, d);
	if (di < 0)
		return -1;
	e->arrival = arrival;
	e->kind = (unsigned char)kind;
	e->ip = (uint32_t)ii;
	e->domain = (uint32_t)di;
	if (kind == JMRP_UNPARSED && want_text) {
		jmrp_clean_text(l, sizeof(l), label);
		jmrp_clean_text(w, sizeof(w), why);
		e->text = arena_pair(c, l, w);
		if (e->text == NULL)
			return -1;
	}
	return 0;
}

/** Write the stored form of key into dst (JMRP_KEY_MAX bytes). */
void jmrp_key_escape(char *dst, const char *key)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0, n = strlen(key);

	for (size_t i = 0; i < n && o < JMRP_KEY_MAX; i++) {
		unsigned char b = (unsigned char)key[i];
		if (b >= 0x21 && b <= 0x7e && b != '%' && b != '#') {
			dst[o++] = (char)b;
		} else if (o + 3 <= JMRP_KEY_MAX) {
			dst[o++] = '%';
			dst[o++] = hex[b >> 4];
			dst[o++] = hex[b & 15];
		} else {
			o = JMRP_KEY_MAX;
		}
	}
	if (o == 0 || o >= JMRP_KEY_MAX) /* empty, or too long to keep whole: a hash and the length stand for it */
		mr_snprintf(dst, JMRP_KEY_MAX, "#%016llx:%zu", (unsigned long long)mr_fnv1a64(key, n, MR_FNV64_INIT), n);
	else
		dst[o] = '\0';
}

/** Append a copy of src under the stored key k to the entries; 0 or -1. */
static int add_entry(jmrp_counter *c, const char *k, const jmrp_entry *src)
{
	jmrp_entry *v = mr_grow(c->v, &c->cap, c->n, sizeof(*v), 256);

	if (v == NULL) {
		c->oom = 1;
		return -1;
	}
	c->v = v;
	v[c->n] = *src;
	v[c->n].key = arena_str(c, k);
	if (v[c->n].key == NULL)
		return -1;
	c->n++;
	return 0;
}

/** Compare entries by key. */
static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const jmrp_entry *)a)->key, ((const jmrp_entry *)b)->key);
}

/** Compare a key string with an entry's key (bsearch). */
static int cmp_probe(const void *key, const void *e)
{
	return strcmp(key, ((const jmrp_entry *)e)->key);
}

/** jmrp_known_cb: 1 (and the cached record counted) if key is in the state file. */
int jmrp_counter_known(void *counter, const char *key, const char *label, time_t arrival)
{
	jmrp_counter *c = counter;
	char k[JMRP_KEY_MAX];
	jmrp_entry *e;

	if (c->ncached == 0)
		return 0;
	jmrp_key_escape(k, key); /* as it was stored */
	e = bsearch(k, c->v, c->ncached, sizeof(*c->v), cmp_probe);
	if (e == NULL || e->seen)
		return 0;
	e->arrival = arrival;
	if (e->kind == JMRP_UNPARSED) { /* new/ may have become cur/: list it under its label of now */
		char l[JMRP_TEXT_MAX];
		const char *text;
		jmrp_clean_text(l, sizeof(l), label);
		text = arena_pair(c, l, jmrp_entry_why(e->text));
		if (text != NULL)
			e->text = text;
	}
	e->seen = 1;
	tally(c, e); /* out of memory sets c->oom, which the caller checks */
	return 1;
}

/** jmrp_msg_cb: parse one message and count it. */
int jmrp_counter_message(void *counter, const jmrp_msg *m)
{
	jmrp_counter *c = counter;
	jmrp_complaint comp;
	jmrp_entry e;
	char k[JMRP_KEY_MAX];

	if (m->data == NULL) {
		memset(&comp, 0, sizeof(comp));
		comp.kind = JMRP_UNPARSED;
		jmrp_clean_text(comp.why, sizeof(comp.why), m->why != NULL ? m->why : "not read");
	} else {
		jmrp_parse(m->data, m->len, &comp);
	}
	/* without a state file, the text of an unparsed message is kept only while it is still listed */
	if (fill_entry(c, &e, m->arrival, comp.kind, comp.has_ip, &comp.source_ip, comp.domain, m->label, comp.why,
	               c->keep || c->nlisted < MAX_UNPARSED_LINES) != 0)
		return -1;
	e.seen = 1;
	if (c->keep) {
		jmrp_key_escape(k, m->key);
		if (add_entry(c, k, &e) != 0)
			return -1;
	}
	return tally(c, &e);
}

/** Keep one entry per message from now on. */
void jmrp_counter_keep(jmrp_counter *c)
{
	c->keep = 1;
}

/** Add a message known from the state file. */
int jmrp_counter_add_cached(jmrp_counter *c, const char *key, time_t arrival, int kind, int has_ip,
                            const mr_addr *ip, const char *domain, const char *label, const char *why)
{
	jmrp_entry e;

	if (fill_entry(c, &e, arrival, kind, has_ip, ip, domain, label, why, 1) != 0)
		return -1;
	return add_entry(c, key, &e);
}

/** Sort the cached entries by key. */
void jmrp_counter_cache_done(jmrp_counter *c)
{
	if (c->n > 0)
		qsort(c->v, c->n, sizeof(*c->v), cmp_key);
	c->ncached = c->n;
}

/** Forget every cached entry. */
void jmrp_counter_cache_drop(jmrp_counter *c)
{
	c->n = 0;
	c->ncached = 0;
}

/** Read the mailbox and count its messages of the window. */
int jmrp_count_source(jmrp_counter *c, const jmrp_source *src, time_t since, double deadline, int verbose,
                      jmrp_read_stats *st, mr_buf *err)
{
	jmrp_read_config rc;
	int r;

	memset(&rc, 0, sizeof(rc));
	rc.since = since;
	rc.deadline = deadline;
	rc.known = c->keep ? jmrp_counter_known : NULL;
	rc.cb = jmrp_counter_message;
	rc.user = c;
	rc.verbose = verbose;
	r = jmrp_input_read(src, &rc, st, err);
	if (r < 0 || c->oom) {
		if (r >= 0) /* the reader went on; a table or the list of unparsed messages could not grow */
			mr_buf_puts(err, "out of memory");
		return -1;
	}
	return r;
}

/** Judge the count and the rate. */
jmrp_verdict jmrp_counter_verdict(const jmrp_counter *c, const mr_thresholds *thr, long sent,
                                  const mr_thresholds *rate_thr)
{
	jmrp_verdict v = { MR_OK, 0, 0, MR_OK };

	if (thr->has_warn || thr->has_crit)
		v.state = mr_thresholds_state(thr, (double)c->complaints);
	if (sent > 0) {
		v.has_rate = 1;
		v.rate = 100.0 * (double)c->complaints / (double)sent;
		v.rate_state = mr_thresholds_state(rate_thr, v.rate);
		v.state = mr_state_worst(v.state, v.rate_state);
	}
	return v;
}

/* jmrp_count.c: counts JMRP complaints (filters, per IP and per sender), keeps the state file, builds the report.
 * Every message met, parsed now or known from the state file, goes through one tally path (tally()): complaints
 * are tallied per source IP and per domain in hash tables as they arrive, so without a state file the
 * memory grows with the distinct IPs and domains, not with the messages (plus the first unparsed messages, which
 * the long output lists).  With a state file, each message in the window keeps one small jmrp_entry; every
 * string lives in an arena of large blocks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jmrp_count.h"

/** First line of a state file. */
#define STATE_MAGIC "mailrep-jmrp-state 1"
/** Most unparsed messages listed one by one. */
#define MAX_UNPARSED_LINES 1000
/** Bytes of strings per arena block. */
#define BLOCK_SIZE 65536
/** Fewest hash slots. */
#define MIN_SLOTS 64
/** Longest state-file line read (longer ones make the file corrupt): well above the longest line written, which
 *  is key, arrival, kind, address, domain, label and reason with their tabs. */
#define STATE_LINE_MAX 2048

_Static_assert(JMRP_DOMAIN_MAX >= sizeof(((jmrp_complaint *)0)->domain), "a parsed domain must never be cut");
_Static_assert(JMRP_DOMAIN_MAX > MR_HOSTNAME_MAX, "every DNS name must be kept whole");
_Static_assert(STATE_LINE_MAX > JMRP_KEY_MAX + 24 + 4 + MR_ADDR_STRLEN + JMRP_DOMAIN_MAX + 2 * JMRP_TEXT_MAX + 8,
               "every line the writer makes must be readable");

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
static const char *pair_why(const char *text)
{
	return text + strlen(text) + 1;
}

/** FNV-1a over n bytes, continuing from h. */
static uint32_t hash_bytes(const void *p, size_t n, uint32_t h)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

/** Hash of a canonical tally address. */
static uint32_t ip_hash(const jmrp_ip_tally *t)
{
	uint32_t h = hash_bytes(&t->has_ip, sizeof(t->has_ip), 2166136261u);

	h = hash_bytes(&t->ip.family, sizeof(t->ip.family), h);
	return hash_bytes(t->ip.b, sizeof(t->ip.b), h);
}

/** Hash of a domain. */
static uint32_t domain_hash(const char *s)
{
	return hash_bytes(s, strlen(s), 2166136261u);
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
 *  one is listed, a complaint tallied per IP and domain unless the filters leave it out; 0 or -1 (out of memory). */
static int tally(jmrp_counter *c, const jmrp_entry *e)
{
	jmrp_ip_tally *ip = &c->ipv[e->ip];
	jmrp_domain_tally *dom = &c->domv[e->domain];

	if (e->kind == JMRP_UNPARSED) {
		c->unparsed++;
		return list_unparsed(c, e->text);
	}
	if (!passes(c, ip->has_ip, &ip->ip, dom->name)) {
		c->filtered++;
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

/** Append a copy of src under key (cleaned and cut as in the state file) to the entries; 0 or -1. */
static int add_entry(jmrp_counter *c, const char *key, const jmrp_entry *src)
{
	char k[JMRP_KEY_MAX];
	jmrp_entry *v = mr_grow(c->v, &c->cap, c->n, sizeof(*v), 256);

	if (v == NULL) {
		c->oom = 1;
		return -1;
	}
	c->v = v;
	jmrp_clean_text(k, sizeof(k), key);
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

/** Parse one state-file line and keep it unless it arrived before since; 0, or -1 if corrupt (also a field longer
 *  than the writer ever writes, which would otherwise be cut) or out of memory. */
static int parse_state_line(jmrp_counter *c, char *line, time_t since)
{
	char *f[7];
	int nf = 0, has_ip = 0;
	long kind;
	long long arrival;
	char *end;
	mr_addr ip;
	jmrp_entry e;

	for (char *p = line; nf < 7; nf++) {
		f[nf] = p;
		p = strchr(p, '\t');
		if (p == NULL) {
			nf++;
			break;
		}
		*p++ = '\0';
	}
	if (nf != 7 || f[0][0] == '\0' || strlen(f[0]) >= JMRP_KEY_MAX || strlen(f[4]) >= JMRP_DOMAIN_MAX ||
	    strlen(f[5]) >= JMRP_TEXT_MAX || strlen(f[6]) >= JMRP_TEXT_MAX)
		return -1;
	errno = 0;
	arrival = strtoll(f[1], &end, 10);
	if (errno != 0 || *end != '\0' || mr_parse_long(f[2], 0, 2, &kind) != 0)
		return -1;
	memset(&ip, 0, sizeof(ip));
	if (strcmp(f[3], "-") != 0) {
		if (mr_addr_parse(f[3], &ip) != 0)
			return -1;
		has_ip = 1;
	}
	if ((time_t)arrival < since)
		return 0; /* outside the window now: forget it */
	if (fill_entry(c, &e, (time_t)arrival, (int)kind, has_ip, &ip, strcmp(f[4], "-") == 0 ? "" : f[4], f[5], f[6],
	               1) != 0)
		return -1;
	return add_entry(c, f[0], &e);
}

/** Load the state file; a corrupt one is ignored with a note. */
void jmrp_state_load(jmrp_counter *c, const char *path, time_t since)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;

	c->keep = 1;
	f = fopen(path, "re");
	if (f == NULL) {
		if (errno != ENOENT)
			mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s unreadable (%s): ignored", path,
			            strerror(errno));
		return;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if ((size_t)n > STATE_LINE_MAX || strlen(line) != (size_t)n)
			goto corrupt; /* far longer than any line written, or a NUL byte inside */
		if (lineno == 1) {
			if (strcmp(line, STATE_MAGIC) != 0)
				goto corrupt;
			continue;
		}
		if (parse_state_line(c, line, since) != 0)
			goto corrupt;
	}
	if (lineno == 0)
		goto corrupt;
	free(line);
	fclose(f);
	if (c->n > 0)
		qsort(c->v, c->n, sizeof(*c->v), cmp_key);
	c->ncached = c->n;
	return;
corrupt:
	mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s is corrupt (line %lu): ignored, rebuilt",
	            path, lineno);
	c->n = 0;
	free(line);
	fclose(f);
}

/** Write the entries seen in this run (and, if partial, the cached ones not met) to path atomically; 0 or -1. */
int jmrp_state_save(const jmrp_counter *c, const char *path, int partial, mr_buf *err)
{
	char tmp[4200], addr[MR_ADDR_STRLEN];
	FILE *f;
	int fd;

	if (mr_snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) != 0)
		return mr_buf_puts(err, "state file path too long"), -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return mr_buf_printf(err, "cannot write state file %s: %s", tmp, strerror(errno)), -1;
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(tmp);
		return mr_buf_printf(err, "cannot write state file %s", tmp), -1;
	}
	fprintf(f, "%s\n", STATE_MAGIC);
	for (size_t i = 0; i < c->n; i++) {
		const jmrp_entry *e = &c->v[i];
		const jmrp_ip_tally *ip = &c->ipv[e->ip];
		const char *dom = c->domv[e->domain].name;
		if (!e->seen && !(partial && i < c->ncached))
			continue;
		if (!ip->has_ip || mr_addr_format(&ip->ip, addr, sizeof(addr)) != 0)
			mr_snprintf(addr, sizeof(addr), "-");
		/* the label of a complaint is never shown, so it is not kept: its field stays empty */
		fprintf(f, "%s\t%lld\t%d\t%s\t%s\t%s\t%s\n", e->key, (long long)e->arrival, e->kind, addr,
		        dom[0] ? dom : "-", e->text ? e->text : "", e->text ? pair_why(e->text) : "");
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f)) {
		fclose(f);
		unlink(tmp);
		return mr_buf_printf(err, "cannot write state file %s", tmp), -1;
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return mr_buf_printf(err, "cannot replace state file %s: %s", path, strerror(e)), -1;
	}
	return 0;
}

/** jmrp_known_cb: 1 (and the cached record counted) if key is in the state file. */
int jmrp_counter_known(void *counter, const char *key, const char *label, time_t arrival)
{
	jmrp_counter *c = counter;
	char k[JMRP_KEY_MAX];
	jmrp_entry *e;

	if (c->ncached == 0 || strlen(key) >= JMRP_KEY_MAX)
		return 0;
	jmrp_clean_text(k, sizeof(k), key); /* as add_entry stored it */
	e = bsearch(k, c->v, c->ncached, sizeof(*c->v), cmp_probe);
	if (e == NULL || e->seen)
		return 0;
	e->arrival = arrival;
	if (e->kind == JMRP_UNPARSED) { /* new/ may have become cur/: list it under its label of now */
		char l[JMRP_TEXT_MAX];
		const char *text;
		jmrp_clean_text(l, sizeof(l), label);
		text = arena_pair(c, l, pair_why(e->text));
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
	if (c->keep && add_entry(c, m->key, &e) != 0)
		return -1;
	return tally(c, &e);
}

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

/** List the unparsed messages in the order met (at most MAX_UNPARSED_LINES, then how many more); 0 or -1. */
static int report_unparsed(const jmrp_counter *c, mr_check *chk)
{
	for (size_t i = 0; i < c->nlisted; i++)
		if (mr_sub_add_info(chk, NULL, MR_UNKNOWN, "unparsed: %s: %s", c->listed[i], pair_why(c->listed[i])) == NULL)
			return -1;
	if (c->unparsed > c->nlisted &&
	    mr_sub_add_info(chk, NULL, MR_UNKNOWN, "%zu more unparsed messages not listed", c->unparsed - c->nlisted) == NULL)
		return -1;
	return 0;
}

/** Fill the result: summary, state, long output and perfdata; 0 or -1. */
int jmrp_counter_report(jmrp_counter *c, const jmrp_report_config *rc, mr_check *chk)
{
	const jmrp_ip_tally **ips = NULL;
	const jmrp_domain_tally **doms = NULL;
	size_t nip = 0, ndom = 0, distinct_ips = 0;
	mr_state st = MR_OK;
	double rate = 0;
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

	if (rc->thr->has_warn || rc->thr->has_crit)
		st = mr_thresholds_state(rc->thr, (double)c->complaints);
	if (rc->sent > 0) {
		rate = 100.0 * (double)c->complaints / (double)rc->sent;
		st = mr_state_worst(st, mr_thresholds_state(rc->rate, rate));
		have_rate = mr_format_double(rate, r, sizeof(r)) == 0;
	}
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
	if (rc->st->vanished > 0 &&
	    mr_sub_add_info(chk, NULL, MR_OK, "%zu message%s vanished while reading (moved or deleted meanwhile)",
	                    rc->st->vanished, rc->st->vanished == 1 ? "" : "s") == NULL)
		goto out;
	if (rc->sent > 0 && mr_sub_add_info(chk, NULL, mr_thresholds_state(rc->rate, rate), "rate: %s%% of %ld sent",
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
	if (mr_check_set_summary(chk, "%s", mr_buf_str(&sum)) != 0)
		goto out;
	mr_check_set_state(chk, st);
	if (mr_perf_set(&p, "complaints", (double)c->complaints, "") != 0)
		goto out;
	p.thr = *rc->thr;
	if (mr_check_add_perf(chk, &p) != 0 || mr_perf_set(&p, "ips", (double)distinct_ips, "") != 0 ||
	    mr_check_add_perf(chk, &p) != 0 || mr_perf_set(&p, "unparsed", (double)c->unparsed, "") != 0 ||
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

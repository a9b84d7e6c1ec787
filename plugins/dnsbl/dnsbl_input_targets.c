/* dnsbl_input_targets.c: parses check_dnsbl targets, expands them (host names and MX domains resolved through
 * common/mx) and keeps the expanded list of address ranges and domains. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../common/mx.h"
#include "dnsbl_input_targets.h"

/** Longest line accepted in a targets file, with line end and NUL. */
#define LINE_MAX_LEN 512
/** Largest targets file read, in bytes. */
#define TARGETS_FILE_MAX (64 * 1024 * 1024)

/** Release every spec. */
void dnsbl_targets_free(dnsbl_targets *t)
{
	free(t->spec);
	memset(t, 0, sizeof(*t));
}

/** Release every unit. */
void dnsbl_units_free(dnsbl_units *l)
{
	free(l->unit);
	memset(l, 0, sizeof(*l));
}

/** Append a spec to the list; 0 or -1 when out of memory. */
static int push_spec(dnsbl_targets *t, const dnsbl_tspec *s)
{
	dnsbl_tspec *v = mr_grow(t->spec, &t->capspec, t->nspec, sizeof(*v), 16);

	if (v == NULL)
		return -1;
	t->spec = v;
	t->spec[t->nspec++] = *s;
	return 0;
}

/** 1 if text consists only of digits and dots (so it must be an IPv4 address). */
static int looks_ipv4(const char *text)
{
	if (*text == '\0')
		return 0;
	for (; *text; text++)
		if (!isdigit((unsigned char)*text) && *text != '.')
			return 0;
	return 1;
}

/** Parse one -H value (IPv4, IPv6, CIDR or host name) and append it; 0 or -1 with a reason. */
int dnsbl_targets_add_host(dnsbl_targets *t, const char *text, mr_buf *err)
{
	dnsbl_tspec s;
	const char *why = NULL;

	memset(&s, 0, sizeof(s));
	if (strchr(text, '/') != NULL || strchr(text, ':') != NULL || looks_ipv4(text)) {
		if (mr_cidr_parse(text, &s.cidr, &why) != 0) {
			mr_buf_printf(err, "invalid address or range '%s': %s", text,
			              why ? why : "not an IPv4/IPv6 address or CIDR range");
			return -1;
		}
		s.kind = DNSBL_T_CIDR;
	} else if (mr_hostname_normalise(text, s.name, sizeof(s.name), &why) == 0) {
		s.kind = DNSBL_T_HOST;
	} else {
		mr_buf_printf(err, "invalid target '%s': not an IP address, CIDR range or host name (%s)", text, why);
		return -1;
	}
	if (push_spec(t, &s) != 0) {
		mr_buf_puts(err, "out of memory");
		return -1;
	}
	return 0;
}

/** Append a --mx domain or a --domain name; 0 or -1 with a reason. */
int dnsbl_targets_add_name(dnsbl_targets *t, dnsbl_tkind kind, const char *text, mr_buf *err)
{
	dnsbl_tspec s;
	const char *why = NULL;

	memset(&s, 0, sizeof(s));
	if (mr_hostname_normalise(text, s.name, sizeof(s.name), &why) != 0 || looks_ipv4(text)) {
		mr_buf_printf(err, "invalid domain name '%s'%s%s", text, why ? ": " : "", why ? why : "");
		return -1;
	}
	s.kind = kind;
	if (push_spec(t, &s) != 0) {
		mr_buf_puts(err, "out of memory");
		return -1;
	}
	return 0;
}

/** Strip a '#' comment and surrounding blanks from line in place; return the start of the content. */
static char *trim_line(char *line)
{
	char *hash = strchr(line, '#'), *end;

	if (hash != NULL)
		*hash = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return line;
}

/** Parse targets text buf[0..len): one -H value per line, '#' comments; see the header. */
int dnsbl_targets_add_buf(dnsbl_targets *t, const char *buf, size_t len, const char *origin, mr_buf *err)
{
	unsigned long lineno = 0;
	size_t pos = 0;

	if (origin == NULL)
		origin = "targets";
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;
		char line[LINE_MAX_LEN];
		char *content;
		mr_buf why;
		int bad;

		lineno++;
		if (n > LINE_MAX_LEN - 2) {
			mr_buf_printf(err, "%s line %lu: line too long", origin, lineno);
			return -1;
		}
		if (memchr(buf + pos, '\0', n) != NULL) {
			mr_buf_printf(err, "%s line %lu: NUL byte (not a text file)", origin, lineno);
			return -1;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos += n + (nl != NULL ? 1 : 0);
		content = trim_line(line);
		if (*content == '\0')
			continue;
		mr_buf_init(&why, 512);
		bad = dnsbl_targets_add_host(t, content, &why) != 0;
		if (bad)
			mr_buf_printf(err, "%s line %lu: %s", origin, lineno, mr_buf_str(&why));
		mr_buf_free(&why);
		if (bad)
			return -1;
	}
	return 0;
}

/** Read the whole file path (at most TARGETS_FILE_MAX bytes) into *buf (free it), *len; 0, or -1 with a reason. */
static int read_targets_file(const char *path, char **buf, size_t *len, mr_buf *err)
{
	size_t cap = 0;
	int rc = -1;
	FILE *f = fopen(path, "r");

	*buf = NULL;
	*len = 0;
	if (f == NULL)
		return mr_buf_printf(err, "%s: cannot open: %s", path, strerror(errno)), -1;
	for (;;) {
		size_t got;
		if (*len == cap) {
			char *nb;
			if (cap >= TARGETS_FILE_MAX) {
				mr_buf_printf(err, "%s: larger than %d bytes", path, TARGETS_FILE_MAX);
				goto out;
			}
			nb = realloc(*buf, cap == 0 ? 65536 : cap * 2);
			if (nb == NULL) {
				mr_buf_puts(err, "out of memory");
				goto out;
			}
			*buf = nb;
			cap = cap == 0 ? 65536 : cap * 2;
		}
		got = fread(*buf + *len, 1, cap - *len, f);
		*len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		mr_buf_printf(err, "%s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

/** Read a targets file and insert its specs at position pos; see the header. */
int dnsbl_targets_add_file(dnsbl_targets *t, size_t pos, const char *path, mr_buf *err)
{
	char *buf = NULL;
	size_t len = 0, before = t->nspec, added;
	int rc = -2;

	if (pos > before)
		pos = before;
	if (read_targets_file(path, &buf, &len, err) != 0)
		goto out;
	rc = dnsbl_targets_add_buf(t, buf, len, path, err);
	/* rotate the appended specs [before, nspec) to pos, keeping the order of the command line */
	added = t->nspec - before;
	if (added > 0 && pos < before) {
		dnsbl_tspec *tmp = malloc(added * sizeof(*tmp));
		if (tmp == NULL) {
			t->nspec = before;
			mr_buf_reset(err);
			mr_buf_puts(err, "out of memory");
			rc = -2;
			goto out;
		}
		memcpy(tmp, t->spec + before, added * sizeof(*tmp));
		memmove(t->spec + pos + added, t->spec + pos, (before - pos) * sizeof(*tmp));
		memcpy(t->spec + pos, tmp, added * sizeof(*tmp));
		free(tmp);
	}
out:
	free(buf);
	return rc;
}

/** Most addresses kept from one host name or MX exchange (one full A and one full AAAA answer). */
#define MAX_ADDRS_PER_NAME (2 * MR_MX_ANSWER_MAX)
/** Most MX hosts of one --mx domain that are resolved. */
#define MAX_MX_HOSTS 32

/** One address or failure found while resolving the user's names. */
typedef struct resolved {
	size_t spec;                       /**< index of the spec it belongs to */
	int failed;                        /**< a failure instead of an address */
	mr_addr addr;                      /**< the address */
	char name[DNSBL_NAME_MAX + 1];     /**< host name it came from */
	char fail[160];                    /**< failure reason */
} resolved;

/** State of the name resolution. */
typedef struct resolve_ctx {
	resolved *v;                       /**< results */
	size_t n;                          /**< used */
	size_t cap;                        /**< allocated */
	int oom;                           /**< allocation failed */
} resolve_ctx;

/** The callback argument of one spec's lookups. */
typedef struct resolve_job {
	resolve_ctx *ctx;                  /**< shared state */
	size_t spec;                       /**< spec index */
} resolve_job;

/** Record an address or failure; sets oom on allocation failure. */
static void add_resolved(resolve_ctx *c, size_t spec, const mr_addr *a, const char *name, const char *why)
{
	resolved *r, *v = mr_grow(c->v, &c->cap, c->n, sizeof(*v), 32);

	if (v == NULL) {
		c->oom = 1;
		return;
	}
	c->v = v;
	r = &c->v[c->n++];
	memset(r, 0, sizeof(*r));
	r->spec = spec;
	r->failed = a == NULL;
	if (a != NULL)
		r->addr = *a;
	mr_snprintf(r->name, sizeof(r->name), "%s", name);
	if (why != NULL)
		mr_snprintf(r->fail, sizeof(r->fail), "%s", why);
}

/** Callback of the MX helper: keep a host's addresses, or its failure. */
static void on_found(void *user, const mr_mx_addrs *r)
{
	resolve_job *j = user;

	if (r->lost) {
		j->ctx->oom = 1;
		return;
	}
	if (r->n == 0)
		add_resolved(j->ctx, j->spec, NULL, r->host, r->fail);
	for (size_t i = 0; i < r->n; i++)
		add_resolved(j->ctx, j->spec, &r->a[i], r->host, NULL);
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

/** Append the units of spec i (k: cursor into the sorted resolved entries); 0 or -1 with a reason. */
static int add_spec_units(const dnsbl_targets *t, size_t i, const resolve_ctx *c, size_t *k, uint64_t max_targets,
                          dnsbl_units *out, mr_buf *err)
{
	const dnsbl_tspec *s = &t->spec[i];
	dnsbl_unit u;

	memset(&u, 0, sizeof(u));
	if (s->kind == DNSBL_T_CIDR || s->kind == DNSBL_T_DOMAIN) {
		u.is_domain = s->kind == DNSBL_T_DOMAIN;
		u.cidr = s->cidr;
		u.size = u.is_domain ? 1 : mr_cidr_size(&s->cidr);
		mr_snprintf(u.name, sizeof(u.name), "%s", u.is_domain ? s->name : "");
		return dnsbl_units_add(out, &u, max_targets, err);
	}
	for (; *k < c->n && c->v[*k].spec == i; (*k)++) {
		const resolved *r = &c->v[*k];
		memset(&u, 0, sizeof(u));
		u.failed = r->failed;
		u.size = 1;
		mr_snprintf(u.name, sizeof(u.name), "%s", r->name);
		if (u.failed)
			mr_snprintf(u.fail, sizeof(u.fail), "%s", r->fail);
		else {
			u.cidr.base = r->addr;
			u.cidr.prefix = r->addr.family == AF_INET ? 32 : 128;
		}
		if (dnsbl_units_add(out, &u, max_targets, err) != 0)
			return -1;
	}
	return 0;
}

/** Resolve host names and MX domains, then build the units in the order of the specs; see the header. */
int dnsbl_targets_expand(mr_dns *d, const dnsbl_targets *t, uint64_t max_targets, double deadline,
                         dnsbl_units *out, mr_buf *err)
{
	resolve_ctx c;
	resolve_job *jobs = calloc(t->nspec ? t->nspec : 1, sizeof(*jobs));
	int rc = -1;

	memset(&c, 0, sizeof(c));
	if (jobs == NULL)
		goto oom;
	for (size_t i = 0; i < t->nspec; i++) {
		const dnsbl_tspec *s = &t->spec[i];
		jobs[i].ctx = &c;
		jobs[i].spec = i;
		if (s->kind == DNSBL_T_HOST &&
		    mr_mx_host(d, s->name, MR_MX_IPV4 | MR_MX_IPV6, MAX_ADDRS_PER_NAME, on_found, &jobs[i]) != 0)
			goto oom;
		if (s->kind == DNSBL_T_MX && mr_mx_domain(d, s->name, MR_MX_IPV4 | MR_MX_IPV6, MAX_MX_HOSTS,
		                                          MAX_ADDRS_PER_NAME, on_found, &jobs[i]) != 0)
			goto oom;
	}
	mr_dns_run(d, deadline, NULL, NULL);
	if (c.oom)
		goto oom;
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cmp_resolved);
	for (size_t i = 0, k = 0; i < t->nspec; i++)
		if (add_spec_units(t, i, &c, &k, max_targets, out, err) != 0)
			goto out;
	rc = 0;
	goto out;
oom:
	mr_buf_puts(err, "out of memory while resolving targets");
out:
	free(c.v);
	free(jobs);
	return rc;
}

/** Append an expanded unit; refuses (-1, reason) when the total would pass max_targets. */
int dnsbl_units_add(dnsbl_units *t, const dnsbl_unit *u, uint64_t max_targets, mr_buf *err)
{
	dnsbl_unit *v;

	if (u->size > max_targets || t->total > max_targets - u->size) {
		mr_buf_printf(err, "the targets expand to more than %llu addresses (--max-targets)",
		              (unsigned long long)max_targets);
		return -1;
	}
	v = mr_grow(t->unit, &t->capunit, t->nunit, sizeof(*v), 16);
	if (v == NULL) {
		mr_buf_puts(err, "out of memory");
		return -1;
	}
	t->unit = v;
	t->unit[t->nunit] = *u;
	t->unit[t->nunit].first = t->total;
	t->total += u->size;
	t->nunit++;
	return 0;
}

/** Find the unit holding target index i (binary search); NULL if out of range. */
const dnsbl_unit *dnsbl_units_find(const dnsbl_units *t, uint64_t i)
{
	size_t lo = 0, hi = t->nunit;

	if (i >= t->total)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->unit[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return &t->unit[lo];
}

/** The address of target i inside unit u (not for domain or failed units). */
void dnsbl_unit_addr(const dnsbl_unit *u, uint64_t i, mr_addr *out)
{
	*out = u->cidr.base;
	/* i - first < the unit's size: the sum stays inside the range, it cannot wrap */
	(void)mr_addr_add(out, i - u->first);
}

/** Print target i for output: "192.0.2.5", "192.0.2.5 (mail.example.com)" or the domain; 0 or -1. */
int dnsbl_target_label(const dnsbl_units *l, uint64_t i, char *dst, size_t size)
{
	const dnsbl_unit *u = dnsbl_units_find(l, i);
	char addr[MR_ADDR_STRLEN];
	mr_addr a;

	if (u == NULL)
		return -1;
	if (u->is_domain || u->failed)
		return mr_snprintf(dst, size, "%s", u->name);
	dnsbl_unit_addr(u, i, &a);
	if (mr_addr_format(&a, addr, sizeof(addr)) != 0)
		return -1;
	if (u->name[0] != '\0')
		return mr_snprintf(dst, size, "%s (%s)", addr, u->name);
	return mr_snprintf(dst, size, "%s", addr);
}

/* dnsbl_report_zones.c: --list-zones: prints the catalogue as ini blocks that the catalogue parser
 * reads back, answer codes merged into Postfix patterns. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdint.h>
#include <string.h>

#include "../../common/secret.h"
#include "dnsbl_report_zones.h"

/** A Postfix code pattern: one octet set per octet. */
typedef struct pattern {
	dnsbl_octet_set o[4]; /**< first to last octet */
} pattern;

/** Printer state: patterns merged so far, not printed yet. */
typedef struct pattern_out {
	mr_buf *out;      /**< destination */
	const char *key;  /**< ini key of the lines */
	const char *text; /**< meaning printed after each pattern, "" for none */
	pattern done;     /**< finished pattern, may still absorb the next finished one */
	pattern cur;      /**< pattern being grown from consecutive ranges */
	int have_done;    /**< done is valid */
	int have_cur;     /**< cur is valid */
} pattern_out;

/** 1 if two octet sets are equal. */
static int octet_equal(const dnsbl_octet_set *a, const dnsbl_octet_set *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->lo[i] != b->lo[i] || a->hi[i] != b->hi[i])
			return 0;
	return 1;
}

/** Append an octet set in Postfix form: "N", "[N..M]" or "[A;B..C]". */
static void octet_print(mr_buf *out, const dnsbl_octet_set *o)
{
	size_t i;

	if (o->n == 1 && o->lo[0] == o->hi[0]) {
		(void)mr_buf_printf(out, "%u", o->lo[0]);
		return;
	}
	(void)mr_buf_puts(out, "[");
	for (i = 0; i < o->n; i++) {
		if (i > 0)
			(void)mr_buf_puts(out, ";");
		if (o->lo[i] == o->hi[i])
			(void)mr_buf_printf(out, "%u", o->lo[i]);
		else
			(void)mr_buf_printf(out, "%u..%u", o->lo[i], o->hi[i]);
	}
	(void)mr_buf_puts(out, "]");
}

/** Print p as one "key = PATTERN text" line. */
static void pattern_print(const pattern_out *po, const pattern *p)
{
	int i;

	(void)mr_buf_printf(po->out, "%-11s = ", po->key);
	for (i = 0; i < 4; i++) {
		if (i > 0)
			(void)mr_buf_puts(po->out, ".");
		octet_print(po->out, &p->o[i]);
	}
	if (po->text[0] != '\0')
		(void)mr_buf_printf(po->out, " %s", po->text);
	(void)mr_buf_puts(po->out, "\n");
}

/** Merge q into p when the two differ in at most one octet (their union is again a pattern); 1 if merged. */
static int pattern_merge(pattern *p, const pattern *q)
{
	int i, diff = -1, ndiff = 0;
	dnsbl_octet_set *o;
	size_t j;

	for (i = 0; i < 4; i++)
		if (!octet_equal(&p->o[i], &q->o[i])) {
			diff = i;
			ndiff++;
		}
	if (ndiff == 0)
		return 1;
	if (ndiff > 1 || p->o[diff].n + q->o[diff].n > DNSBL_OCTET_MAX_ITEMS)
		return 0;
	o = &p->o[diff];
	for (j = 0; j < q->o[diff].n; j++) {
		o->lo[o->n] = q->o[diff].lo[j];
		o->hi[o->n] = q->o[diff].hi[j];
		o->n++;
	}
	dnsbl_octet_normalise(o);
	return 1;
}

/** Retire the pattern being grown: merge it into the finished one or print that and keep it. */
static void pattern_retire(pattern_out *po)
{
	if (!po->have_cur)
		return;
	po->have_cur = 0;
	if (po->have_done && pattern_merge(&po->done, &po->cur))
		return;
	if (po->have_done)
		pattern_print(po, &po->done);
	po->done = po->cur;
	po->have_done = 1;
}

/** Print whatever is still pending. */
static void pattern_flush(pattern_out *po)
{
	pattern_retire(po);
	if (po->have_done)
		pattern_print(po, &po->done);
	po->have_done = 0;
}

/** Add a pattern: grow the current one when they differ in one octet only, else start a new one. */
static void pattern_push(pattern_out *po, const pattern *p)
{
	if (po->have_cur && pattern_merge(&po->cur, p))
		return;
	pattern_retire(po);
	po->cur = *p;
	po->have_cur = 1;
}

/** Split [lo,hi] into octet-aligned blocks, each one pattern, and push them. */
static void range_push(pattern_out *po, uint32_t lo, uint32_t hi)
{
	uint64_t cur = lo;

	while (cur <= hi) {
		unsigned level, pos, i;
		uint64_t size = 1, span, top, last, nblocks;
		pattern p;

		for (level = 3; level > 0; level--) {
			size = (uint64_t)1 << (8 * level);
			if (cur % size == 0 && cur + size - 1 <= hi)
				break;
		}
		if (level == 0)
			size = 1;
		span = size * 256;
		top = cur / span * span + span - 1;
		last = top < hi ? top : hi;
		nblocks = (last - cur + 1) / size;
		pos = 3 - level;
		memset(&p, 0, sizeof p);
		for (i = 0; i < 4; i++) {
			unsigned shift = 8 * (3 - i);
			unsigned v = (unsigned)((cur >> shift) & 0xff);
			p.o[i].n = 1;
			if (i < pos) {
				p.o[i].lo[0] = v;
				p.o[i].hi[0] = v;
			} else if (i == pos) {
				p.o[i].lo[0] = v;
				p.o[i].hi[0] = v + (unsigned)nblocks - 1;
			} else {
				p.o[i].lo[0] = 0;
				p.o[i].hi[0] = 255;
			}
		}
		pattern_push(po, &p);
		cur += nblocks * size;
	}
}

/** Print a code set as "key = PATTERN [text]" lines, one run of equal texts at a time. */
static void codeset_print(mr_buf *out, const char *key, const dnsbl_codeset *set)
{
	size_t i = 0;

	while (i < set->n) {
		pattern_out po;
		size_t j = i;
		memset(&po, 0, sizeof po);
		po.out = out;
		po.key = key;
		po.text = set->v[i].text;
		while (j < set->n && strcmp(set->v[j].text, set->v[i].text) == 0) {
			range_push(&po, set->v[j].lo, set->v[j].hi);
			j++;
		}
		pattern_flush(&po);
		i = j;
	}
}

/** Print one free-text field, or a "(none)" comment when empty. */
static void text_print(mr_buf *out, const char *key, const char *v)
{
	if (v[0] != '\0')
		(void)mr_buf_printf(out, "%-11s = %s\n", key, v);
	else
		(void)mr_buf_printf(out, "; %-9s = (none)\n", key);
}

/** Print one zone as an ini block that dnsbl_catalogue_parse reads back. */
static void zone_print(mr_buf *out, const dnsbl_zone *z)
{
	(void)mr_buf_printf(out, "[%s]\n", z->name);
	text_print(out, "description", z->description);
	(void)mr_buf_printf(out, "%-11s = %s\n", "type", z->kind == DNSBL_KIND_DOMAIN ? "domain" : "ip");
	if (z->kind == DNSBL_KIND_IP) {
		(void)mr_buf_printf(out, "%-11s = %s\n", "ipv4", z->ipv4 ? "yes" : "no");
		(void)mr_buf_printf(out, "%-11s = %s\n", "ipv6", z->ipv6 ? "yes" : "no");
	}
	(void)mr_buf_printf(out, "%-11s = %s\n", "role", z->allow ? "allow" : "block");
	(void)mr_buf_printf(out, "%-11s = %s\n", "severity", z->severity == MR_WARNING ? "warning" : "critical");
	if (z->listing.n > 0)
		codeset_print(out, "listing", &z->listing);
	else
		(void)mr_buf_puts(out, "; listing   = (any 127.0.0.0/8 answer that is no error)\n");
	codeset_print(out, "code", &z->meaning);
	codeset_print(out, "error", &z->errors);
	if (z->spamhaus || z->dqs[0] != '\0')
		text_print(out, "dqs", z->dqs);
	text_print(out, "needs", z->needs);
	text_print(out, "delist", z->delist);
	if (z->spamhaus)
		(void)mr_buf_puts(out, "; Spamhaus zone: built-in error codes, meanings and DQS rewriting apply\n");
}

/** Print the catalogue for --list-zones (one block per zone); 0 or -1. */
int dnsbl_catalogue_print(const dnsbl_catalogue *c, mr_buf *out)
{
	size_t i;

	if (c == NULL || out == NULL)
		return -1;
	for (i = 0; i < c->n; i++) {
		if (i > 0)
			(void)mr_buf_puts(out, "\n");
		zone_print(out, &c->v[i]);
	}
	return out->failed ? -1 : 0;
}

/** Write the catalogue for --list-zones to out, secrets masked; 0 or -1. */
int dnsbl_list_zones(const dnsbl_catalogue *c, FILE *out)
{
	mr_buf b;
	int rc = -1;

	mr_buf_init(&b, 1 << 20);
	if (dnsbl_catalogue_print(c, &b) == 0) {
		/* a zone named KEY.zen.dq.spamhaus.net holds a DQS key */
		b.len = mr_secret_mask(b.data, b.len);
		rc = fputs(mr_buf_str(&b), out) == EOF ? -1 : 0;
	}
	mr_buf_free(&b);
	return rc;
}

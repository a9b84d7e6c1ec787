/* dnsbl_parse_codes.c: answer codes: sets of IPv4 code ranges and the Postfix code syntax
 * ("127.0.0.2", "127.0.0.[2..11]", "127.0.0.[2;4;10]") that the catalogue, -z and --allow-zone use. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsbl_parse_codes.h"

/** Most separate ranges one code pattern may expand to. */
#define PATTERN_MAX_RANGES 4096
/** Most entries in one code set. */
#define CODESET_MAX 65536

/** Append a formatted message to err, if there is one. */
void dnsbl_seterr(mr_buf *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	(void)mr_buf_vprintf(err, fmt, ap);
	va_end(ap);
}

/** Append one range with a meaning; 0 or -1. */
int dnsbl_codeset_add(dnsbl_codeset *set, uint32_t lo, uint32_t hi, const char *text)
{
	dnsbl_code *e;
	size_t tl = text != NULL ? strlen(text) : 0;

	if (set == NULL || lo > hi || tl >= sizeof set->v[0].text)
		return -1;
	if (set->n == set->cap) {
		size_t ncap = set->cap != 0 ? set->cap * 2 : 8;
		dnsbl_code *nv;
		if (set->n >= CODESET_MAX)
			return -1;
		nv = realloc(set->v, ncap * sizeof *nv);
		if (nv == NULL)
			return -1;
		set->v = nv;
		set->cap = ncap;
	}
	e = &set->v[set->n++];
	memset(e, 0, sizeof *e);
	e->lo = lo;
	e->hi = hi;
	if (tl > 0)
		memcpy(e->text, text, tl);
	return 0;
}

/** The first entry containing code, or NULL. */
const dnsbl_code *dnsbl_codeset_find(const dnsbl_codeset *set, uint32_t code)
{
	size_t i;

	if (set == NULL)
		return NULL;
	for (i = 0; i < set->n; i++)
		if (set->v[i].lo <= code && code <= set->v[i].hi)
			return &set->v[i];
	return NULL;
}

/** Free a code set's entries. */
void dnsbl_codeset_free(dnsbl_codeset *set)
{
	if (set == NULL)
		return;
	free(set->v);
	set->v = NULL;
	set->n = 0;
	set->cap = 0;
}

/** Sort an octet set's ranges and merge overlapping or adjacent ones. */
void dnsbl_octet_normalise(dnsbl_octet_set *o)
{
	size_t i, j, k;

	for (i = 1; i < o->n; i++) {
		unsigned lo = o->lo[i], hi = o->hi[i];
		for (j = i; j > 0 && o->lo[j - 1] > lo; j--) {
			o->lo[j] = o->lo[j - 1];
			o->hi[j] = o->hi[j - 1];
		}
		o->lo[j] = lo;
		o->hi[j] = hi;
	}
	for (i = 0, k = 0; i < o->n; i++) {
		if (k > 0 && o->lo[i] <= o->hi[k - 1] + 1) {
			if (o->hi[i] > o->hi[k - 1])
				o->hi[k - 1] = o->hi[i];
			continue;
		}
		o->lo[k] = o->lo[i];
		o->hi[k] = o->hi[i];
		k++;
	}
	o->n = k;
}

/** Parse a decimal octet 0..255 from s[0..len); 0 or -1. */
static int octet_number(const char *s, size_t len, unsigned *out)
{
	char tmp[4];
	long v;
	size_t i;

	if (len == 0 || len > 3)
		return -1;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (mr_parse_long(tmp, 0, 255, &v) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/** Report a bad code pattern: "bad answer codes 'SPEC': reason". */
static void codes_fail(mr_buf *err, const char *spec, const char *fmt, ...) MR_PRINTF(3, 4);

/** Report a bad code pattern: "bad answer codes 'SPEC': reason". */
static void codes_fail(mr_buf *err, const char *spec, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	(void)mr_buf_printf(err, "bad answer codes '%.*s': ", DNSBL_QUOTE_MAX, spec);
	va_start(ap, fmt);
	(void)mr_buf_vprintf(err, fmt, ap);
	va_end(ap);
}

/** Parse one list item "N" or "N..M" of s[0..len) into o; 0 or -1 with a message. */
static int octet_item(const char *spec, const char *s, size_t len, dnsbl_octet_set *o, mr_buf *err)
{
	size_t i;
	unsigned lo, hi;

	for (i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			break;
	if (i + 1 < len) {
		if (octet_number(s, i, &lo) != 0 || octet_number(s + i + 2, len - i - 2, &hi) != 0) {
			codes_fail(err, spec, "'%.*s' is not a range N..M of numbers 0-255", (int)len, s);
			return -1;
		}
		if (lo > hi) {
			codes_fail(err, spec, "range %u..%u runs backwards", lo, hi);
			return -1;
		}
	} else {
		if (octet_number(s, len, &lo) != 0) {
			codes_fail(err, spec, "'%.*s' is not a number 0-255", (int)len, s);
			return -1;
		}
		hi = lo;
	}
	if (o->n >= DNSBL_OCTET_MAX_ITEMS) {
		codes_fail(err, spec, "more than %d items in one [...] list", DNSBL_OCTET_MAX_ITEMS);
		return -1;
	}
	o->lo[o->n] = lo;
	o->hi[o->n] = hi;
	o->n++;
	return 0;
}

/** Parse one octet "N", "[N..M]" or "[A;B..C;...]" of s[0..len) into o; 0 or -1 with a message. */
static int octet_parse(const char *spec, const char *s, size_t len, dnsbl_octet_set *o, mr_buf *err)
{
	memset(o, 0, sizeof *o);
	if (len == 0) {
		codes_fail(err, spec, "empty octet");
		return -1;
	}
	if (s[0] == '[') {
		const char *p, *end = s + len - 1;
		if (*end != ']' || len < 3) {
			codes_fail(err, spec, "'%.*s' is not a [...] list", (int)len, s);
			return -1;
		}
		p = s + 1;
		for (;;) {
			const char *q = p;
			while (q < end && *q != ';')
				q++;
			if (q == p) {
				codes_fail(err, spec, "empty item in '%.*s'", (int)len, s);
				return -1;
			}
			if (octet_item(spec, p, (size_t)(q - p), o, err) != 0)
				return -1;
			if (q == end)
				break;
			p = q + 1;
		}
	} else if (octet_item(spec, s, len, o, err) != 0) {
		return -1;
	}
	dnsbl_octet_normalise(o);
	return 0;
}

/** Split spec into four octet strings at dots outside brackets; 0 or -1 with a message. */
static int split_octets(const char *spec, const char *start[4], size_t len[4], mr_buf *err)
{
	const char *p, *s = spec;
	size_t k = 0;
	int depth = 0;

	for (p = spec;; p++) {
		char ch = *p;
		if (ch == '[') {
			if (depth) {
				codes_fail(err, spec, "nested '['");
				return -1;
			}
			depth = 1;
		} else if (ch == ']') {
			if (!depth) {
				codes_fail(err, spec, "']' without '['");
				return -1;
			}
			depth = 0;
		} else if ((ch == '.' && !depth) || ch == '\0') {
			if (ch == '\0' && depth) {
				codes_fail(err, spec, "missing ']'");
				return -1;
			}
			if (k == 4) {
				codes_fail(err, spec, "more than four octets");
				return -1;
			}
			start[k] = s;
			len[k] = (size_t)(p - s);
			k++;
			s = p + 1;
			if (ch == '\0')
				break;
		} else if (!isdigit((unsigned char)ch) && ch != ';' && ch != '.') {
			codes_fail(err, spec, "unexpected character '%c'%s", isprint((unsigned char)ch) ? ch : '?',
			           isspace((unsigned char)ch) ? " (no blanks allowed)" : "");
			return -1;
		}
	}
	if (k != 4) {
		codes_fail(err, spec, "expected four octets such as 127.0.0.2 or 127.0.0.[2..11]");
		return -1;
	}
	return 0;
}

/** Parse a Postfix code pattern into set, each range carrying text; 0, or -1 (set unchanged) with a message. */
int dnsbl_codes_parse_text(const char *spec, dnsbl_codeset *set, const char *text, mr_buf *err)
{
	const char *start[4];
	size_t len[4], n0, added = 0, i, j, k;
	dnsbl_octet_set o[4];
	unsigned b, c;
	int rc = -1;

	if (spec == NULL || set == NULL) {
		dnsbl_seterr(err, "no answer codes given");
		return -1;
	}
	n0 = set->n;
	if (spec[0] == '\0') {
		codes_fail(err, spec, "empty");
		goto out;
	}
	if (split_octets(spec, start, len, err) != 0)
		goto out;
	for (i = 0; i < 4; i++)
		if (octet_parse(spec, start[i], len[i], &o[i], err) != 0)
			goto out;
	if (o[0].n != 1 || o[0].lo[0] != 127 || o[0].hi[0] != 127) {
		codes_fail(err, spec, "answer codes must lie in 127.0.0.0/8");
		goto out;
	}
	for (i = 0; i < o[1].n; i++)
		for (b = o[1].lo[i]; b <= o[1].hi[i]; b++)
			for (j = 0; j < o[2].n; j++)
				for (c = o[2].lo[j]; c <= o[2].hi[j]; c++)
					for (k = 0; k < o[3].n; k++) {
						uint32_t lo = DNSBL_CODE(127, b, c, o[3].lo[k]);
						uint32_t hi = DNSBL_CODE(127, b, c, o[3].hi[k]);
						if (set->n > n0 && set->v[set->n - 1].hi + 1 == lo) {
							set->v[set->n - 1].hi = hi;
							continue;
						}
						if (++added > PATTERN_MAX_RANGES) {
							codes_fail(err, spec, "expands to more than %d separate ranges",
							           PATTERN_MAX_RANGES);
							goto out;
						}
						if (dnsbl_codeset_add(set, lo, hi, text) != 0) {
							codes_fail(err, spec, "out of memory");
							goto out;
						}
					}
	rc = 0;
out:
	if (rc != 0)
		set->n = n0;
	return rc;
}

/** Parse Postfix code syntax into set; 0, or -1 with reason. */
int dnsbl_codes_parse(const char *spec, dnsbl_codeset *set, mr_buf *err)
{
	return dnsbl_codes_parse_text(spec, set, "", err);
}


/* snds_parse_values.c: the strict value checks of the SNDS parsers (counts, GREEN/YELLOW/RED, complaint rates
 * with their "< X%" floor, blocked flags, bounded dates) and the text helpers under them: BOM and blank
 * skipping, ASCII case-insensitive search, name normalisation, bounded free text cut at UTF-8 boundaries. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <limits.h>
#include <string.h>

#include "snds_parse_values.h"

/** 1 for a space or tab. */
int snds_value_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/** 1 for whitespace that may surround a body (space, tab, CR, LF). */
int snds_value_is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/** ASCII lower case of c. */
static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/** Offset of the first byte after a UTF-8 BOM (if any). */
size_t snds_value_skip_bom(const char *b, size_t len)
{
	if (len >= 3 && (unsigned char)b[0] == 0xEF && (unsigned char)b[1] == 0xBB && (unsigned char)b[2] == 0xBF)
		return 3;
	return 0;
}

/** Offset of the first byte after a BOM and any whitespace. */
size_t snds_value_skip_bom_ws(const char *b, size_t len)
{
	size_t i = snds_value_skip_bom(b, len);

	while (i < len && snds_value_is_ws(b[i]))
		i++;
	return i;
}

/** Offset of needle (lowercase ASCII) in hay, ignoring ASCII case; hlen if absent. */
size_t snds_value_find_ci(const char *hay, size_t hlen, const char *needle)
{
	size_t m = strlen(needle);
	size_t i, j;

	if (m == 0 || m > hlen)
		return m == 0 ? 0 : hlen;
	for (i = 0; i + m <= hlen; i++) {
		if (lower(hay[i]) != needle[0])
			continue;
		for (j = 1; j < m && lower(hay[i + j]) == needle[j]; j++)
			;
		if (j == m)
			return i;
	}
	return hlen;
}

/** Normalise a name: lowercase, keep only [a-z0-9]; "" when it does not fit dst. */
void snds_value_norm_name(const char *s, size_t n, char *dst, size_t size)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		char c = lower(s[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			continue;
		if (k + 1 >= size) {
			dst[0] = '\0';
			return;
		}
		dst[k++] = c;
	}
	dst[k] = '\0';
}


/** Write s (n bytes) into dst at offset at: bounded, tabs as spaces, other control bytes as '?', cut at a UTF-8
 * character boundary. */
void snds_value_put_text(char *dst, size_t size, size_t at, const char *s, size_t n)
{
	size_t room, k, i;

	if (at + 1 >= size) {
		dst[size - 1] = '\0';
		return;
	}
	room = size - 1 - at;
	k = n;
	if (k > room) {
		k = room;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--; /* s[k] must start a character, so s[0..k) ends on a boundary */
	}
	for (i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[at + i] = c == '\t' ? ' ' : (c < 0x20 || c == 0x7F) ? '?' : (char)c;
	}
	dst[at + k] = '\0';
}

/** Set (or with append, extend with ',' and) a free-text value. */
void snds_value_put_lenient(char *dst, size_t size, const char *s, size_t n, int append)
{
	size_t at = 0;

	if (append) {
		at = strlen(dst);
		if (at + 1 < size)
			dst[at++] = ',';
		dst[at < size ? at : size - 1] = '\0';
	}
	snds_value_put_text(dst, size, at, s, n);
}

/** Drop leading and trailing spaces and tabs of a NUL-terminated string in place. */
void snds_value_trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && snds_value_is_blank(s[n - 1]))
		n--;
	while (i < n && snds_value_is_blank(s[i]))
		i++;
	if (i > 0)
		memmove(s, s + i, n - i);
	s[n - i] = '\0';
}

/** Copy s (n bytes) without surrounding blanks into dst; -1 if it does not fit. */
int snds_value_strict_copy(char *dst, size_t size, const char *s, size_t n)
{
	while (n > 0 && snds_value_is_blank(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && snds_value_is_blank(s[n - 1]))
		n--;
	if (n >= size || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/** A printable excerpt of s (n bytes) for an error message, "..." when cut. */
void snds_value_show(char *dst, size_t size, const char *s, size_t n)
{
	size_t k = n > SNDS_SHOW_MAX ? SNDS_SHOW_MAX : n;

	snds_value_put_text(dst, size, 0, s, k);
	if (k < n && strlen(dst) + 4 <= size)
		memcpy(dst + strlen(dst), "...", 4);
}


/** A count: digits only, "" = not reported (-1); 0 or -1. */
int snds_value_count(const char *s, int64_t *out)
{
	const char *p;
	long v;

	if (*s == '\0') {
		*out = -1;
		return 0;
	}
	for (p = s; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return -1;
	if (mr_parse_long(s, 0, LONG_MAX, &v) != 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/** A filter result GREEN/YELLOW/RED in any case, "" = not reported; 0 or -1. */
int snds_value_filter(const char *s, snds_filter *f)
{
	if (*s == '\0')
		*f = SNDS_FILTER_NONE;
	else if (mr_streq_ci(s, "green"))
		*f = SNDS_FILTER_GREEN;
	else if (mr_streq_ci(s, "yellow"))
		*f = SNDS_FILTER_YELLOW;
	else if (mr_streq_ci(s, "red"))
		*f = SNDS_FILTER_RED;
	else
		return -1;
	return 0;
}

/** A complaint rate "[<] NUMBER [%]" ("" = not known) into the row; 0 or -1. */
int snds_value_rate(const char *s, snds_data_row *r)
{
	char num[SNDS_STRICT_MAX];
	const char *p = s, *e;
	int floor = 0;
	double v;

	if (*p == '\0') {
		r->complaint_known = 0;
		r->complaint = 0.0;
		r->complaint_floor = 0;
		return 0;
	}
	if (*p == '<') {
		floor = 1;
		p++;
		while (snds_value_is_blank(*p))
			p++;
	}
	e = p + strlen(p);
	if (e > p && e[-1] == '%') {
		e--;
		while (e > p && snds_value_is_blank(e[-1]))
			e--;
	}
	if (e == p || *p == '-' || *p == '+' || snds_value_strict_copy(num, sizeof num, p, (size_t)(e - p)) != 0)
		return -1;
	if (mr_parse_double(num, 0.0, SNDS_RATE_MAX, &v) != 0)
		return -1;
	r->complaint_known = 1;
	r->complaint = v;
	r->complaint_floor = floor;
	return 0;
}

/** A blocked flag: Yes/True/1 -> 1, No/False/0 -> 0 (any case); anything else -1. */
int snds_value_blocked(const char *s, int *out)
{
	if (mr_streq_ci(s, "yes") || mr_streq_ci(s, "true") || strcmp(s, "1") == 0)
		*out = 1;
	else if (mr_streq_ci(s, "no") || mr_streq_ci(s, "false") || strcmp(s, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/** A bounded date or period text; 0 or -1 (too long). */
int snds_value_date(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return -1;
	snds_value_put_text(dst, size, 0, s, n);
	return 0;
}


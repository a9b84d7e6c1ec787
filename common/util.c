/* util.c: owns the bounded text buffer (mr_buf), checked snprintf, strict number parsing and
 * locale-independent number formatting used by the whole suite. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* newlocale, uselocale */
#endif

#include "util.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Smallest allocation made by a buffer, to avoid many tiny reallocations. */
#define BUF_MIN_CAP 64

/** Largest text mr_format_double builds before copying: DBL_MAX has 309 integer digits. */
#define FORMAT_TMP 400

/** Set once an allocation of a buffer or mr_strdup failed. */
static int oom_seen;

/** 1 once an allocation of a buffer or mr_strdup failed; see util.h. */
int mr_oom_seen(void)
{
	return oom_seen;
}

/** Record a failed allocation; see util.h. */
void mr_oom_note(void)
{
	oom_seen = 1;
}

/** Initialise an empty buffer that may hold up to max bytes. */
void mr_buf_init(mr_buf *b, size_t max)
{
	if (b == NULL)
		return;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->failed = 0;
}

/** Make room for extra more bytes plus the NUL; 0, or -1 if over the ceiling or out of memory. */
static int buf_reserve(mr_buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap < BUF_MIN_CAP ? BUF_MIN_CAP : b->cap;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max + 1 && b->max < SIZE_MAX)
		ncap = b->max + 1;
	if (ncap < need)
		ncap = need;
	p = realloc(b->data, ncap);
	if (p == NULL) {
		oom_seen = 1;
		return -1;
	}
	if (b->data == NULL)
		p[0] = '\0';
	b->data = p;
	b->cap = ncap;
	return 0;
}

/** Append n bytes; 0 on success, -1 (and failed set, nothing appended) if over max or out of memory. */
int mr_buf_append(mr_buf *b, const char *s, size_t n)
{
	if (b == NULL)
		return -1;
	if (s == NULL && n > 0) {
		b->failed = 1;
		return -1;
	}
	if (buf_reserve(b, n) != 0) {
		b->failed = 1;
		return -1;
	}
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/** Append a NUL-terminated string; as mr_buf_append. */
int mr_buf_puts(mr_buf *b, const char *s)
{
	if (s == NULL) {
		if (b != NULL)
			b->failed = 1;
		return -1;
	}
	return mr_buf_append(b, s, strlen(s));
}

/** Append formatted text; as mr_buf_append. */
int mr_buf_printf(mr_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mr_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/** Append formatted text from a va_list; as mr_buf_append. */
int mr_buf_vprintf(mr_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, m;

	if (b == NULL)
		return -1;
	if (fmt == NULL) {
		b->failed = 1;
		return -1;
	}
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || buf_reserve(b, (size_t)n) != 0) {
		b->failed = 1;
		return -1;
	}
	m = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	if (m != n) {
		b->data[b->len] = '\0';
		b->failed = 1;
		return -1;
	}
	b->len += (size_t)n;
	return 0;
}

/** Empty the buffer, keeping its memory and ceiling, and clear failed. */
void mr_buf_reset(mr_buf *b)
{
	if (b == NULL)
		return;
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
	b->failed = 0;
}

/** The text so far, never NULL ("" when empty). */
const char *mr_buf_str(const mr_buf *b)
{
	if (b == NULL || b->data == NULL)
		return "";
	return b->data;
}

/** Release the memory; the buffer is empty again afterwards (ceiling kept, failed cleared). */
void mr_buf_free(mr_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
}

/** snprintf that fails on truncation: 0 on success, -1 if output was cut or on error. */
int mr_snprintf(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (dst == NULL || size == 0 || fmt == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	if (n < 0) {
		dst[0] = '\0';
		return -1;
	}
	if ((size_t)n >= size)
		return -1;
	return 0;
}

/** Return 1 if c is an ASCII decimal digit. */
static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/** Parse a whole decimal integer in [min,max]; 0 on success, -1 otherwise (no sign but '-', no blanks, no junk). */
int mr_parse_long(const char *s, long min, long max, long *out)
{
	const char *p;
	char *end = NULL;
	long v;

	if (s == NULL || out == NULL)
		return -1;
	p = s[0] == '-' ? s + 1 : s;
	if (*p == '\0')
		return -1;
	for (; *p != '\0'; p++)
		if (!is_digit(*p))
			return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == NULL || *end != '\0')
		return -1;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/** Switch this thread to the C locale; returns the locale to pass to leave_c_locale, or 0 on failure. */
static locale_t enter_c_locale(locale_t *prev)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);

	*prev = (locale_t)0;
	if (c == (locale_t)0)
		return (locale_t)0;
	*prev = uselocale(c);
	if (*prev == (locale_t)0) {
		freelocale(c);
		return (locale_t)0;
	}
	return c;
}

/** Restore the locale saved by enter_c_locale and free the C locale object. */
static void leave_c_locale(locale_t c, locale_t prev)
{
	if (c == (locale_t)0)
		return;
	uselocale(prev);
	freelocale(c);
}

/** Return 1 if s is a plain decimal: optional '-', digits, optional '.' and digits, at least one digit. */
static int is_plain_decimal(const char *s)
{
	int digits = 0, dots = 0;

	if (*s == '-')
		s++;
	for (; *s != '\0'; s++) {
		if (is_digit(*s))
			digits++;
		else if (*s == '.' && dots == 0)
			dots++;
		else
			return 0;
	}
	return digits > 0;
}

/** Parse a whole plain decimal number (no exponent, no inf/nan, C locale) in [min,max]; 0 or -1. */
int mr_parse_double(const char *s, double min, double max, double *out)
{
	locale_t c, prev;
	char *end = NULL;
	double v;

	if (s == NULL || out == NULL || !is_plain_decimal(s))
		return -1;
	c = enter_c_locale(&prev);
	if (c == (locale_t)0)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	leave_c_locale(c, prev);
	if (end == NULL || *end != '\0' || !isfinite(v))
		return -1; /* overflow gives HUGE_VAL; tiny underflow to 0 or a denormal is accepted */
	if (!(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

/** Format v as a plain C-locale decimal, at most 6 decimals, trailing zeros and dot trimmed, -0 as 0; 0 or -1. */
int mr_format_double(double v, char *dst, size_t size)
{
	char tmp[FORMAT_TMP];
	locale_t c, prev;
	size_t len;
	char *dot;
	int n;

	if (dst == NULL || size == 0)
		return -1;
	dst[0] = '\0';
	if (!isfinite(v))
		return -1;
	c = enter_c_locale(&prev);
	if (c == (locale_t)0)
		return -1;
	n = snprintf(tmp, sizeof(tmp), "%.6f", v);
	leave_c_locale(c, prev);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	len = (size_t)n;
	dot = strchr(tmp, '.');
	if (dot != NULL) {
		while (len > 0 && tmp[len - 1] == '0')
			tmp[--len] = '\0';
		if (len > 0 && tmp[len - 1] == '.')
			tmp[--len] = '\0';
	}
	if (strcmp(tmp, "-0") == 0)
		return mr_snprintf(dst, size, "0");
	return mr_snprintf(dst, size, "%s", tmp);
}

/** Most decimals mr_format_double_exact tries: enough for every double down to the smallest denormal (4.9e-324),
 *  so that no finite value falls back to mr_format_double's 6 decimals (which made -1e-36 print as 0). */
#define EXACT_DECIMALS 340

/** Shortest plain decimal that reads back as v; see util.h. */
int mr_format_double_exact(double v, char *dst, size_t size)
{
	char tmp[FORMAT_TMP];
	locale_t c, prev;
	int d, n = -1, found = 0;

	if (dst == NULL || size == 0)
		return -1;
	dst[0] = '\0';
	if (!isfinite(v))
		return -1;
	c = enter_c_locale(&prev);
	if (c == (locale_t)0)
		return -1;
	for (d = 0; d <= EXACT_DECIMALS && !found; d++) {
		n = snprintf(tmp, sizeof(tmp), "%.*f", d, v);
		found = n > 0 && (size_t)n < sizeof(tmp) && strtod(tmp, NULL) == v;
	}
	leave_c_locale(c, prev);
	if (!found)
		return mr_format_double(v, dst, size);
	if (strcmp(tmp, "-0") == 0)
		return mr_snprintf(dst, size, "0");
	return mr_snprintf(dst, size, "%s", tmp);
}

/** Room for one more element in array p; the (maybe moved) array, or NULL (p untouched). See util.h. */
void *mr_grow(void *p, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t ncap;
	void *q;

	if (n < *cap)
		return p;
	ncap = *cap ? *cap : first;
	if (ncap == 0 || elem == 0 || ncap > SIZE_MAX / 2 / elem)
		return NULL;
	if (*cap)
		ncap *= 2;
	q = realloc(p, ncap * elem);
	if (q != NULL)
		*cap = ncap;
	return q;
}

/** strdup that returns NULL on NULL input or on allocation failure. */
char *mr_strdup(const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	p = malloc(n);
	if (p == NULL) {
		oom_seen = 1;
		return NULL;
	}
	memcpy(p, s, n);
	return p;
}

/** Lower-case an ASCII letter, leaving every other byte alone (locale independent). */
static unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/** Case-insensitive ASCII string equality; two NULLs are equal, NULL and a string are not. */
int mr_streq_ci(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	if (x == NULL || y == NULL)
		return x == y;
	for (; *x != '\0' && *y != '\0'; x++, y++)
		if (ascii_lower(*x) != ascii_lower(*y))
			return 0;
	return *x == *y;
}

/** The singular or plural word for a count of n; see util.h. */
const char *mr_plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/** "..." when s is longer than max characters, else ""; see util.h. */
const char *mr_cut_mark(const char *s, size_t max)
{
	return strnlen(s, max + 1) > max ? "..." : "";
}

/* util.h: bounded strings and checked number parsing shared by the suite. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_UTIL_H
#define MR_UTIL_H

#include <stddef.h>
#include <stdarg.h>

#if defined(__GNUC__)
#define MR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define MR_NORETURN __attribute__((noreturn))
#else
#define MR_PRINTF(f, a)
#define MR_NORETURN
#endif

/** A growable text buffer with a hard ceiling; data is always NUL-terminated. */
typedef struct mr_buf {
	char *data;   /**< text, NUL-terminated; NULL until the first append */
	size_t len;   /**< bytes used, without the NUL */
	size_t cap;   /**< bytes allocated */
	size_t max;   /**< largest len allowed */
	int failed;   /**< set once an append hit the ceiling or malloc failed */
} mr_buf;

/** 1 once an allocation of a buffer or mr_strdup failed in this process (tells "out of memory" from "too large"). */
int mr_oom_seen(void);
/** Record that an allocation of the suite's own code failed, so the output becomes the out-of-memory line. */
void mr_oom_note(void);

/** Initialise an empty buffer that may hold up to max bytes. */
void mr_buf_init(mr_buf *b, size_t max);
/** Append n bytes; 0 on success, -1 (and failed set, nothing appended) if over max or out of memory. */
int mr_buf_append(mr_buf *b, const char *s, size_t n);
/** Append a NUL-terminated string; as mr_buf_append. */
int mr_buf_puts(mr_buf *b, const char *s);
/** Append formatted text; as mr_buf_append. */
int mr_buf_printf(mr_buf *b, const char *fmt, ...) MR_PRINTF(2, 3);
/** Append formatted text from a va_list; as mr_buf_append. */
int mr_buf_vprintf(mr_buf *b, const char *fmt, va_list ap) MR_PRINTF(2, 0);
/** Empty the buffer, keeping its memory and ceiling, and clear failed. */
void mr_buf_reset(mr_buf *b);
/** The text so far, never NULL ("" when empty). */
const char *mr_buf_str(const mr_buf *b);
/** Release the memory; the buffer is empty again afterwards. */
void mr_buf_free(mr_buf *b);

/** Most characters of a file or section name quoted in a message: a message must fit its plugin's one line
 *  whatever the command line holds, so longer names are quoted cut ("%.*s%s" with mr_cut_mark). */
#define MR_QUOTE_NAME_MAX 200
/** "..." when s is longer than max characters (so a "%.*s" of it is cut), else "". */
const char *mr_cut_mark(const char *s, size_t max);
/** The three arguments of "%.*s%s" that quote the name s cut at MR_QUOTE_NAME_MAX characters. */
#define MR_QUOTED_NAME(s) MR_QUOTE_NAME_MAX, (s), mr_cut_mark((s), MR_QUOTE_NAME_MAX)
/** snprintf that fails on truncation: 0 on success, -1 if output was cut or on error. */
int mr_snprintf(char *dst, size_t size, const char *fmt, ...) MR_PRINTF(3, 4);

/** Parse a whole decimal integer in [min,max]; 0 on success, -1 otherwise (no trailing junk). */
int mr_parse_long(const char *s, long min, long max, long *out);
/** Parse a whole plain decimal number (no exponent, no inf/nan) in [min,max]; 0 or -1. */
int mr_parse_double(const char *s, double min, double max, double *out);

/** Format v as a plain C-locale decimal without exponent, trailing zeros trimmed; 0 or -1. */
int mr_format_double(double v, char *dst, size_t size);
/** Format v as the shortest plain C-locale decimal that reads back as v (a value as given: 657.8210567 stays
 *  657.8210567, 0.1 stays 0.1), -0 as 0; beyond 40 decimals as mr_format_double; 0 or -1. */
int mr_format_double_exact(double v, char *dst, size_t size);

/** strdup that returns NULL on NULL input or on allocation failure. */
char *mr_strdup(const char *s);
/** Room for one more element in array p of *cap elements of elem bytes holding n (first: size of a new array):
 *  the array, moved if it grew (*cap updated), or NULL when out of memory or too large (p untouched). */
void *mr_grow(void *p, size_t *cap, size_t n, size_t elem, size_t first);
/** Case-insensitive ASCII string equality. */
int mr_streq_ci(const char *a, const char *b);
/** The word for a count of n: one when n is 1, else many (English: 0 errors, 1 error, 2 errors), e.g.
 *  printf("%zu %s", n, mr_plural(n, "error", "errors")). */
const char *mr_plural(unsigned long long n, const char *one, const char *many);

#endif

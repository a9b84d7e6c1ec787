/* snds_parse_values.h: the strict value checks of the SNDS parsers (counts, filter colours, complaint rates,
 * blocked flags, dates) and the bounded text helpers they and the parsers stand on. No I/O. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SNDS_PARSE_VALUES_H
#define SNDS_PARSE_VALUES_H

#include <stddef.h>
#include <stdint.h>
#include "snds_parse.h"

/** Longest strict value (IP, date, number, filter, rate) including the NUL. */
#define SNDS_STRICT_MAX 64
/** Most bytes of an offending value quoted in an error message. */
#define SNDS_SHOW_MAX 40
/** Largest complaint rate accepted, in percent (the rate may exceed 100 %, see snds-facts §6). */
#define SNDS_RATE_MAX 100000.0

/** 1 for a space or tab. */
int snds_value_is_blank(char c);
/** 1 for whitespace that may surround a body (space, tab, CR, LF). */
int snds_value_is_ws(char c);
/** Offset of the first byte after a UTF-8 BOM (if any). */
size_t snds_value_skip_bom(const char *b, size_t len);
/** Offset of the first byte after a BOM and any whitespace. */
size_t snds_value_skip_bom_ws(const char *b, size_t len);
/** Offset of needle (lowercase ASCII) in hay, ignoring ASCII case; hlen if absent. */
size_t snds_value_find_ci(const char *hay, size_t hlen, const char *needle);
/** Normalise a name: lowercase, keep only [a-z0-9]; "" when it does not fit dst. */
void snds_value_norm_name(const char *s, size_t n, char *dst, size_t size);
/** Write s (n bytes) into dst at offset at: bounded, tabs as spaces, other control bytes as '?', cut at a
 * UTF-8 character boundary. */
void snds_value_put_text(char *dst, size_t size, size_t at, const char *s, size_t n);
/** Set (or with append, extend with ',' and) a free-text value. */
void snds_value_put_lenient(char *dst, size_t size, const char *s, size_t n, int append);
/** Drop leading and trailing spaces and tabs of a NUL-terminated string in place. */
void snds_value_trim(char *s);
/** Copy s (n bytes) without surrounding blanks into dst; -1 if it does not fit. */
int snds_value_strict_copy(char *dst, size_t size, const char *s, size_t n);
/** A printable excerpt of s (n bytes) for an error message, "..." when cut. */
void snds_value_show(char *dst, size_t size, const char *s, size_t n);

/** A count: digits only, "" = not reported (-1); 0 or -1. */
int snds_value_count(const char *s, int64_t *out);
/** A filter result GREEN/YELLOW/RED in any case, "" = not reported; 0 or -1. */
int snds_value_filter(const char *s, snds_filter *f);
/** A complaint rate "[<] NUMBER [%]" ("" = not known) into the row; 0 or -1. */
int snds_value_rate(const char *s, snds_data_row *r);
/** A blocked flag: Yes/True/1 -> 1, No/False/0 -> 0 (any case); anything else -1. */
int snds_value_blocked(const char *s, int *out);
/** A bounded date or period text; 0 or -1 (too long). */
int snds_value_date(char *dst, size_t size, const char *s);

#endif

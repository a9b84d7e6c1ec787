/* snds_parse_csv.c: streams SNDS CSV bodies: the legacy headerless feeds (data: 14 fields, status: 4) and CSV
 * with a header line naming the columns. Lines end at LF (a CR before it is dropped); quoted fields cannot
 * span lines; leading and trailing blank lines are ignored, a blank line between rows is an error; unquoted
 * fields are trimmed, quoted ones kept as written ("" = "). Legacy data rows need 11 to 14 fields: extra
 * fields come from commas in free text, so field 14 and everything after it are joined back into the
 * comments (status: fields after the 4th into the reason). Headerless data rows with one date per period
 * (the 2026 column order without HELO, 11 fields, 9 needed) are told from legacy rows by their values: the
 * filter result in field 6 and a count in field 3, where legacy rows have a date and a count. With a header, a row has as many fields as the
 * header; more only when the last column is free text or ignored (joined into it). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "snds_parse_csv.h"

/** Most columns a header line may name. */
#define MAX_COLS 64
/** Longest field value (unescaped) kept while parsing a CSV line; longer free text is truncated. */
#define FIELD_MAX 512

/** Column order of the legacy headerless data feed (snds-facts §2). */
static const col legacy_data[] = {
	COL_IP, COL_PSTART, COL_PEND, COL_RCPT, COL_DATA, COL_RECIP, COL_FILTER, COL_RATE,
	COL_TSTART, COL_TEND, COL_TRAPS, COL_HELO, COL_JMR, COL_COMMENTS,
};

/** Column order of headerless data rows with one date per period (the 2026 header shape, snds-facts §4). */
static const col compact_data[] = {
	COL_IP, COL_PSTART, COL_RCPT, COL_DATA, COL_RECIP, COL_FILTER, COL_RATE, COL_TSTART, COL_TRAPS, COL_JMR,
	COL_COMMENTS,
};

/** Column order of the legacy headerless status feed (snds-facts §3). */
static const col legacy_status[] = { COL_FIRST, COL_LAST, COL_BLOCKED, COL_REASON };

/** How the fields of a CSV line map to columns. */
typedef struct layout {
	col map[MAX_COLS];  /**< column kind by field index */
	size_t ncols;       /**< columns in map */
	size_t min_fields;  /**< fewer fields in a row are an error */
	int overflow;       /**< extra fields are joined into the last column */
} layout;

/** Find the next line at *p: [*ls, *le) without LF and a CR before it; 0 at the end of the body. */
static int next_line(const char **p, const char *end, const char **ls, const char **le)
{
	const char *nl;

	if (*p >= end)
		return 0;
	*ls = *p;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (nl == NULL) {
		*le = end;
		*p = end;
	} else {
		*le = nl;
		*p = nl + 1;
	}
	if (*le > *ls && (*le)[-1] == '\r')
		(*le)--;
	return 1;
}

/** 1 if [s, e) holds nothing but spaces and tabs. */
static int line_blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!snds_value_is_blank(*s))
			return 0;
	return 1;
}

/**
 * Read one field at *p (up to le) into out (size bytes, NUL-terminated; *n its length, *cut set when it
 * did not fit). Quoted fields are unescaped; unquoted ones are kept raw. *p moves past the comma;
 * *more says whether a comma followed. 0, or -1 with the error (bad quoting).
 */
static int csv_field(const char **p, const char *le, char *out, size_t size, size_t *n, int *cut, int *more,
		     const where *w)
{
	const char *s = *p, *q = *p;
	size_t k = 0;

	*cut = 0;
	while (q < le && snds_value_is_blank(*q))
		q++;
	if (q < le && *q == '"') {
		for (q++;; q++) {
			if (q >= le)
				return snds_schema_fail(w, "unterminated quoted field");
			if (*q == '"') {
				if (q + 1 < le && q[1] == '"')
					q++;
				else
					break;
			}
			if (k + 1 < size)
				out[k++] = *q;
			else
				*cut = 1;
		}
		q++; /* the closing quote */
		while (q < le && snds_value_is_blank(*q))
			q++;
		if (q < le && *q != ',')
			return snds_schema_fail(w, "text after the closing quote of a field");
	} else {
		for (q = s; q < le && *q != ','; q++) {
			if (k + 1 < size)
				out[k++] = *q;
			else
				*cut = 1;
		}
	}
	out[k] = '\0';
	*n = k;
	*more = q < le;
	*p = *more ? q + 1 : le;
	return 0;
}

/** Parse the fields of a row line through the layout into a, then check and emit it. */
static int csv_row(sink *k, const layout *lay, const char *ls, const char *le, const where *w)
{
	char v[FIELD_MAX];
	const char *p = ls;
	size_t i, n;
	int cut, more = 1, rc;
	acc a;

	snds_schema_acc_init(&a, k->f);
	for (i = 0; more; i++) {
		col c;

		if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, w) != 0)
			return ROW_BAD;
		if (i < lay->ncols) {
			c = lay->map[i];
		} else if (lay->overflow) {
			c = lay->map[lay->ncols - 1];
		} else {
			while (more && csv_field(&p, le, v, sizeof v, &n, &cut, &more, w) == 0)
				i++; /* count them for the message */
			if (more)
				return ROW_BAD;
			return snds_schema_fail(w, "%zu field%s, expected %zu", i + 1, i == 0 ? "" : "s", lay->ncols);
		}
		if (cut && !snds_schema_is_lenient(c) && c != COL_IGNORE)
			return snds_schema_fail(w, "%s too long", snds_schema_label(c));
		if (snds_schema_acc_text(&a, k->f, c, v, n, i >= lay->ncols, w) != 0)
			return ROW_BAD;
	}
	if (i < lay->min_fields)
		return snds_schema_fail(w, "%zu field%s, expected %s%zu", i, i == 1 ? "" : "s", lay->min_fields < lay->ncols ? "at least " : "",
			    lay->min_fields);
	rc = snds_schema_acc_finish(&a, k->f, w);
	if (rc != 0)
		return rc;
	return snds_schema_acc_emit(k, &a);
}

/** Fill a layout from a fixed column order (legacy feeds): min fields, extra fields into the last. */
static void layout_fixed(layout *lay, const col *order, size_t n, size_t min_fields)
{
	size_t i;

	for (i = 0; i < n; i++)
		lay->map[i] = order[i];
	lay->ncols = n;
	lay->min_fields = min_fields;
	lay->overflow = 1;
}

/** Build a layout from a header line; 0, -1 with the error, or 1 (no error written) if it names no IP column. */
static int layout_header(layout *lay, feed f, const char *ls, const char *le, const where *w)
{
	char v[FIELD_MAX];
	const char *p = ls;
	unsigned seen = 0;
	size_t n;
	int cut, more = 1;

	lay->ncols = 0;
	while (more) {
		col c;

		if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, w) != 0)
			return -1;
		if (lay->ncols >= MAX_COLS)
			return snds_schema_fail(w, "header names more than %d columns", MAX_COLS);
		c = cut ? COL_IGNORE : snds_schema_lookup(f, v, n);
		if (c != COL_IGNORE && (seen & (1u << c)))
			return snds_schema_fail(w, "header names the %s twice", snds_schema_label(c));
		seen |= 1u << c;
		lay->map[lay->ncols++] = c;
	}
	lay->min_fields = lay->ncols;
	lay->overflow = snds_schema_is_lenient(lay->map[lay->ncols - 1]) || lay->map[lay->ncols - 1] == COL_IGNORE;
	if (!(seen & ((1u << COL_FIRST) | (1u << COL_IP))))
		return 1;
	if (f == FEED_STATUS && !(seen & (1u << COL_BLOCKED)))
		return snds_schema_fail(w, "header has no blocked column");
	return 0;
}

/** 1 if the first field of the line [ls, le) is an IP address. */
static int first_field_is_ip(const char *ls, const char *le)
{
	char v[SNDS_STRICT_MAX], t[SNDS_STRICT_MAX];
	const char *p = ls;
	where quiet = { "line", 0, NULL };
	mr_addr a;
	size_t n;
	int cut, more;

	if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, &quiet) != 0 || cut)
		return 0;
	return snds_value_strict_copy(t, sizeof t, v, n) == 0 && mr_addr_parse(t, &a) == 0;
}

/** 1 if field k of a row is a filter result word (GREEN, YELLOW, RED; not empty). */
static int field_is_filter(const char *const *fields, const size_t *lens, size_t nf, size_t k)
{
	char t[SNDS_STRICT_MAX];
	snds_filter f;

	return k < nf && snds_value_strict_copy(t, sizeof t, fields[k], lens[k]) == 0 && t[0] != '\0' &&
	       snds_value_filter(t, &f) == 0;
}

/**
 * 1 if a headerless data row [ls, le) has one date per period (compact_data), 0 if it is a legacy row. The
 * values decide: the filter result stands in field 6 (compact) or 7 (legacy); without one, field 3 holds a
 * count (compact: RCPT) or a date (legacy: period end). A row that fits neither reads as legacy, whose
 * messages then name the bad field.
 */
static int data_row_is_compact(const char *ls, const char *le)
{
	char v[8][SNDS_STRICT_MAX];
	const char *fields[8];
	size_t lens[8], nf = 0, n;
	const char *p = ls;
	where quiet = { "line", 0, NULL };
	int cut, more = 1;
	int64_t count;
	char t[SNDS_STRICT_MAX];

	while (more && nf < 8) {
		if (csv_field(&p, le, v[nf], sizeof v[nf], &n, &cut, &more, &quiet) != 0)
			return 0;
		fields[nf] = v[nf];
		lens[nf++] = cut ? sizeof v[0] : n; /* a cut field is never a short word or a count */
	}
	if (field_is_filter(fields, lens, nf, 5))
		return 1;
	if (field_is_filter(fields, lens, nf, 6))
		return 0;
	return nf > 2 && snds_value_strict_copy(t, sizeof t, fields[2], lens[2]) == 0 && t[0] != '\0' &&
	       snds_value_count(t, &count) == 0;
}

/** Report a first line that is neither a row (its first field is no IP) nor a header naming an IP column. */
static int bad_first_line(const char *ls, const char *le, const where *w)
{
	char v[FIELD_MAX], t[SNDS_SHOW_MAX + 8];
	const char *p = ls;
	size_t n;
	int cut, more;

	if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, w) != 0)
		return ROW_BAD;
	snds_value_show(t, sizeof t, v, n);
	return snds_schema_fail(w, "bad IP address '%s': not an IP address, and the line is no header naming an IP column", t);
}

/** Stream the CSV rows of a body into the sink; the row count, or ROW_BAD / ROW_STOP. */
long snds_parse_csv(sink *k, const char *body, size_t len, mr_buf *err)
{
	const char *p = body + snds_value_skip_bom(body, len), *end = body + len, *ls, *le;
	unsigned long blank_at = 0;
	int have_layout = 0, rc;
	where w = { "line", 0, err };
	layout lay = { .ncols = 0 };

	while (next_line(&p, end, &ls, &le)) {
		w.n++;
		if (line_blank(ls, le)) {
			if (have_layout && blank_at == 0)
				blank_at = w.n;
			continue;
		}
		if (blank_at != 0) {
			w.n = blank_at;
			return snds_schema_fail(&w, "blank line between rows");
		}
		if (!have_layout) {
			have_layout = 1;
			if (first_field_is_ip(ls, le)) {
				if (k->f == FEED_DATA && data_row_is_compact(ls, le))
					layout_fixed(&lay, compact_data, sizeof compact_data / sizeof compact_data[0], 9);
				else if (k->f == FEED_DATA)
					layout_fixed(&lay, legacy_data, sizeof legacy_data / sizeof legacy_data[0], 11);
				else
					layout_fixed(&lay, legacy_status, sizeof legacy_status / sizeof legacy_status[0], 3);
			} else {
				rc = layout_header(&lay, k->f, ls, le, &w);
				if (rc == 0)
					continue;
				if (rc < 0)
					return ROW_BAD;
				return bad_first_line(ls, le, &w);
			}
		}
		rc = csv_row(k, &lay, ls, le, &w);
		if (rc != ROW_OK)
			return rc;
	}
	return k->rows;
}

/* ---------------------------------------------------------------- JSON */

/** 1 if a line names an IP column of either feed (a CSV header). */
static int line_has_ip_column(const char *ls, const char *le)
{
	char v[FIELD_MAX];
	const char *p = ls;
	where quiet = { "line", 0, NULL };
	size_t n;
	int cut, more = 1;

	while (more) {
		col d, s;

		if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, &quiet) != 0)
			return 0;
		d = snds_schema_lookup(FEED_DATA, v, n);
		s = snds_schema_lookup(FEED_STATUS, v, n);
		if (d == COL_IP || s == COL_IP || s == COL_FIRST)
			return 1;
	}
	return 0;
}

/** 1 if the line at p reads as SNDS CSV (see snds_parse_csv.h). */
int snds_parse_csv_sniff(const char *p, const char *end)
{
	const char *ls, *le;

	return next_line(&p, end, &ls, &le) && (first_field_is_ip(ls, le) || line_has_ip_column(ls, le));
}

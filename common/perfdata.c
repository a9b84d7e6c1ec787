/* perfdata.c: owns one performance-data metric and its guideline text form
 * label=value[uom];warn;crit;min;max (fixed [a-z0-9_] labels, plain decimals, trailing empty fields dropped). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "perfdata.h"

#include <math.h>
#include <string.h>

/** Room for one formatted number or range (mr_format_double may print up to 309 integer digits). */
#define FIELD_MAX 400

/** Ceiling of one formatted metric: label, value, unit and four fields with separators. */
#define PERF_TEXT_MAX (MR_PERF_LABEL_MAX + 8 + 5 * FIELD_MAX)

/** Number of optional fields after the value: warn, crit, min, max. */
#define NFIELDS 4

/** Return 1 if label is 1..19 characters of [a-z0-9_], else 0. */
int mr_perf_label_valid(const char *label)
{
	size_t n;

	if (label == NULL)
		return 0;
	n = strlen(label);
	if (n < 1 || n > MR_PERF_LABEL_MAX)
		return 0;
	return strspn(label, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/** Return 1 if uom is one of the suite's units: "", "s", "%", "B" or "c". */
static int uom_valid(const char *uom)
{
	static const char *const units[] = { "", "s", "%", "B", "c" };
	size_t i;

	if (uom == NULL)
		return 0;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(uom, units[i]) == 0)
			return 1;
	return 0;
}

/** Reset p and store a valid label and unit; 0 or -1 (p untouched) if either is invalid. */
static int perf_init(mr_perf *p, const char *label, const char *uom)
{
	if (p == NULL || !mr_perf_label_valid(label) || !uom_valid(uom))
		return -1;
	memset(p, 0, sizeof(*p));
	memcpy(p->label, label, strlen(label) + 1);
	memcpy(p->uom, uom, strlen(uom) + 1);
	p->measured = strcmp(uom, "s") == 0;
	return 0;
}

/** Fill p with label, value and unit and nothing else; 0 or -1 if label or uom is invalid. */
int mr_perf_set(mr_perf *p, const char *label, double value, const char *uom)
{
	if (perf_init(p, label, uom) != 0)
		return -1;
	p->value = value;
	return 0;
}

/** Fill p as an undeterminable (U) metric; 0 or -1 if label or uom is invalid. */
int mr_perf_set_undefined(mr_perf *p, const char *label, const char *uom)
{
	if (perf_init(p, label, uom) != 0)
		return -1;
	p->undefined = 1;
	return 0;
}

/** Format a number of p: at most 6 decimals if p is measured, else exactly as given; 0 or -1. */
static int format_number(const mr_perf *p, double v, char *dst, size_t size)
{
	return p->measured ? mr_format_double(v, dst, size) : mr_format_double_exact(v, dst, size);
}

/** Format an optional number of p into dst ("" when absent or not finite); 0 or -1. */
static int format_optional(const mr_perf *p, int present, double v, char *dst, size_t size)
{
	dst[0] = '\0';
	if (!present || !isfinite(v))
		return 0;
	return format_number(p, v, dst, size);
}

/** Append p in guideline syntax (no leading space; U, without unit, if undefined or not finite) to out; 0 or -1, out unchanged. */
int mr_perf_format(const mr_perf *p, mr_buf *out)
{
	char value[FIELD_MAX];
	char fields[NFIELDS][FIELD_MAX];
	mr_buf line;
	int last, i, rc = -1;

	mr_buf_init(&line, PERF_TEXT_MAX);
	if (p == NULL || out == NULL || !mr_perf_label_valid(p->label) || !uom_valid(p->uom))
		goto out;
	for (i = 0; i < NFIELDS; i++)
		fields[i][0] = '\0';
	if (p->thr.has_warn && mr_range_format(&p->thr.warn, fields[0], FIELD_MAX) != 0)
		goto out;
	if (p->thr.has_crit && mr_range_format(&p->thr.crit, fields[1], FIELD_MAX) != 0)
		goto out;
	if (format_optional(p, p->has_min, p->min, fields[2], FIELD_MAX) != 0)
		goto out;
	if (format_optional(p, p->has_max, p->max, fields[3], FIELD_MAX) != 0)
		goto out;
	if (p->undefined || !isfinite(p->value)) {
		if (mr_buf_printf(&line, "%s=U", p->label) != 0)
			goto out;
	} else {
		if (format_number(p, p->value, value, sizeof(value)) != 0)
			goto out;
		if (mr_buf_printf(&line, "%s=%s%s", p->label, value, p->uom) != 0)
			goto out;
	}
	last = -1;
	for (i = 0; i < NFIELDS; i++)
		if (fields[i][0] != '\0')
			last = i;
	for (i = 0; i <= last; i++)
		if (mr_buf_printf(&line, ";%s", fields[i]) != 0)
			goto out;
	rc = mr_buf_append(out, mr_buf_str(&line), line.len);
out:
	mr_buf_free(&line);
	return rc;
}

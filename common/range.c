/* range.c: owns the Monitoring Plugins guideline range syntax ([@]start:end, inclusive ends),
 * its evaluation, its canonical text form and warning/critical threshold evaluation. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "range.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "util.h"

/** Longest range text accepted, in bytes; far beyond any sensible pair of numbers. */
#define RANGE_TEXT_MAX 256

/** Longest formatted number, as mr_format_double may print up to 309 integer digits. */
#define NUM_TEXT_MAX 400

/** Return 1 if every byte of s is one of the guideline range characters -0123456789.:@~ . */
static int only_range_chars(const char *s)
{
	return s[strspn(s, "-0123456789.:@~")] == '\0';
}

/** Parse one finite range end written as a plain decimal; 0 or -1. */
static int parse_end(const char *s, double *out)
{
	return mr_parse_double(s, -DBL_MAX, DBL_MAX, out);
}

/** Parse guideline syntax ("10", "10:", "~:10", "10:20", "@10:20"); 0 on success, -1 if invalid (junk, start > end, empty). */
int mr_range_parse(const char *text, mr_range *r)
{
	char work[RANGE_TEXT_MAX + 1];
	mr_range tmp;
	char *colon, *p;
	size_t len;

	if (text == NULL || r == NULL)
		return -1;
	len = strlen(text);
	if (len == 0 || len > RANGE_TEXT_MAX || !only_range_chars(text))
		return -1;
	memcpy(work, text, len + 1);
	memset(&tmp, 0, sizeof(tmp));
	p = work;
	if (*p == '@') {
		tmp.inside = 1;
		p++;
	}
	colon = strchr(p, ':');
	if (colon == NULL) {
		/* bare "N" means 0:N */
		if (parse_end(p, &tmp.end) != 0)
			return -1;
		tmp.start = 0.0;
	} else {
		*colon = '\0';
		if (strcmp(p, "~") == 0)
			tmp.start_inf = 1;
		else if (parse_end(p, &tmp.start) != 0)
			return -1; /* also rejects an empty start such as ":10" */
		if (colon[1] == '\0')
			tmp.end_inf = 1;
		else if (parse_end(colon + 1, &tmp.end) != 0)
			return -1; /* also rejects a second ':' and "~" as an upper end */
	}
	if (!tmp.start_inf && !tmp.end_inf && tmp.start > tmp.end)
		return -1;
	*r = tmp;
	return 0;
}

/** Return 1 if value v must alert under r, 0 otherwise; a NaN value always alerts. */
int mr_range_alerts(const mr_range *r, double v)
{
	int outside;

	if (r == NULL)
		return 0;
	if (isnan(v))
		return 1;
	outside = (!r->start_inf && v < r->start) || (!r->end_inf && v > r->end);
	return r->inside ? !outside : outside;
}

/** Print r in canonical guideline syntax ("10", "10:", "~:10", "@10:20"); 0 or -1 on truncation. */
int mr_range_format(const mr_range *r, char *dst, size_t size)
{
	char start[NUM_TEXT_MAX], end[NUM_TEXT_MAX];
	const char *at;

	if (dst == NULL || size == 0)
		return -1;
	dst[0] = '\0';
	if (r == NULL)
		return -1;
	at = r->inside ? "@" : "";
	start[0] = '\0';
	end[0] = '\0';
	if (!r->end_inf && mr_format_double_exact(r->end, end, sizeof(end)) != 0)
		return -1;
	if (r->start_inf)
		return mr_snprintf(dst, size, "%s~:%s", at, end);
	if (mr_format_double_exact(r->start, start, sizeof(start)) != 0)
		return -1;
	if (!r->end_inf && strcmp(start, "0") == 0)
		return mr_snprintf(dst, size, "%s%s", at, end);
	return mr_snprintf(dst, size, "%s%s:%s", at, start, end);
}

/** State of v: CRITICAL if the critical range alerts, else WARNING if the warning range alerts, else OK. */
mr_state mr_thresholds_state(const mr_thresholds *t, double v)
{
	if (t == NULL)
		return MR_OK;
	if (t->has_crit && mr_range_alerts(&t->crit, v))
		return MR_CRITICAL;
	if (t->has_warn && mr_range_alerts(&t->warn, v))
		return MR_WARNING;
	return MR_OK;
}

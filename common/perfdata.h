/* perfdata.h: one performance-data metric and its guideline text form. Numbers print exactly as given (a feed's
 * 657.8210567 stays 657.8210567); measured durations keep at most 6 decimals (time=0.123457s). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_PERFDATA_H
#define MR_PERFDATA_H

#include "range.h"
#include "util.h"

/** Longest label, without NUL; labels are [a-z0-9_]. */
#define MR_PERF_LABEL_MAX 19

/** One metric: 'label'=value[uom];warn;crit;min;max. */
typedef struct mr_perf {
	char label[MR_PERF_LABEL_MAX + 1]; /**< [a-z0-9_], 1..19 characters */
	double value;       /**< value, ignored when undefined */
	int undefined;      /**< print U instead of the value */
	char uom[3];        /**< "", "s", "%", "B" or "c" */
	mr_thresholds thr;  /**< printed as warn;crit when present */
	int has_min;        /**< print min */
	int has_max;        /**< print max */
	double min;         /**< minimum */
	double max;         /**< maximum */
	int measured;       /**< a measured figure: value, min and max keep at most 6 decimals; 0: printed exactly as
	                     *   given (mr_format_double_exact); mr_perf_set sets it for durations (unit "s") only */
} mr_perf;

/** Fill p with label, value and unit and nothing else (measured for unit "s"); 0 or -1 if label or uom is invalid. */
int mr_perf_set(mr_perf *p, const char *label, double value, const char *uom);
/** Fill p as an undeterminable (U) metric; 0 or -1 if label or uom is invalid. */
int mr_perf_set_undefined(mr_perf *p, const char *label, const char *uom);
/** Return 1 if label is 1..19 characters of [a-z0-9_], else 0. */
int mr_perf_label_valid(const char *label);
/** Append p in guideline syntax (no leading space) to out; 0 or -1. */
int mr_perf_format(const mr_perf *p, mr_buf *out);

#endif

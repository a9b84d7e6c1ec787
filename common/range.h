/* range.h: Monitoring Plugins guideline ranges and warning/critical thresholds. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_RANGE_H
#define MR_RANGE_H

#include <stddef.h>
#include "state.h"

/** A guideline range [@]start:end with inclusive ends. */
typedef struct mr_range {
	double start;   /**< lower end, ignored when start_inf */
	double end;     /**< upper end, ignored when end_inf */
	int start_inf;  /**< lower end is -infinity ("~") */
	int end_inf;    /**< upper end is +infinity (omitted) */
	int inside;     /**< '@': alert when inside instead of outside */
} mr_range;

/** Parse guideline syntax ("10", "10:", "~:10", "10:20", "@10:20"); 0 on success, -1 if invalid (junk, start > end, empty). */
int mr_range_parse(const char *text, mr_range *r);
/** Return 1 if value v must alert under r, 0 otherwise. */
int mr_range_alerts(const mr_range *r, double v);
/** Print r in canonical guideline syntax ("10", "10:", "~:10", "@10:20"), numbers with every digit they were
 *  given (mr_format_double_exact); 0 or -1 on truncation. */
int mr_range_format(const mr_range *r, char *dst, size_t size);

/** A warning and a critical range, either of which may be absent. */
typedef struct mr_thresholds {
	mr_range warn;  /**< warning range, valid when has_warn */
	mr_range crit;  /**< critical range, valid when has_crit */
	int has_warn;   /**< a warning range was given */
	int has_crit;   /**< a critical range was given */
} mr_thresholds;

/** State of v: CRITICAL if the critical range alerts, else WARNING if the warning range alerts, else OK. */
mr_state mr_thresholds_state(const mr_thresholds *t, double v);

#endif

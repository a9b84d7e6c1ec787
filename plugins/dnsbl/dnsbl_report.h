/* dnsbl_report.h: turns check_dnsbl's outcome into the result tree (states, summary, long output, perfdata). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_REPORT_H
#define DNSBL_REPORT_H

#include <stddef.h>
#include "../../common/range.h"
#include "../../common/result.h"
#include "dnsbl_input_targets.h"
#include "dnsbl_outcome.h"
#include "dnsbl_parse_zone.h"

/** Inputs of the report. */
typedef struct dnsbl_report_config {
	const dnsbl_catalogue *zones;   /**< zones of the run */
	const dnsbl_outcome *o;         /**< counters and details */
	const mr_thresholds *thr;       /**< -w/-c on the number of listing zones */
	int verbose;                    /**< -v level */
	size_t max_details;             /**< most target lines */
	mr_state timeout_state;         /**< --timeout-result */
	double timeout;                 /**< -t, for the message */
	double elapsed;                 /**< seconds since start */
} dnsbl_report_config;

/** Fill c from the outcome; 0, or -1 on allocation failure. */
int dnsbl_report(const dnsbl_report_config *rc, mr_check *c);

#endif

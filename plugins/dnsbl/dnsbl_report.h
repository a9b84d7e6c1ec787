/* dnsbl_report.h: turns check_dnsbl's aggregated outcome into the result tree (states, summary, long output, perfdata). */
#ifndef DNSBL_REPORT_H
#define DNSBL_REPORT_H

#include <stddef.h>
#include "../../common/range.h"
#include "../../common/result.h"
#include "dnsbl_run.h"

/** Inputs of the report. */
typedef struct dnsbl_report_config {
	const dnsbl_catalogue *zones;   /**< zones of the run */
	const dnsbl_targets *targets;   /**< expanded targets */
	const dnsbl_outcome *o;         /**< counters and details */
	const mr_thresholds *thr;       /**< -w/-c on the number of listing zones */
	int verbose;                    /**< -v level */
	size_t max_details;             /**< most target lines */
	mr_state timeout_state;         /**< --timeout-result */
	double timeout;                 /**< -t, for the message */
	double elapsed;                 /**< seconds since start */
} dnsbl_report_config;

/** 1 if a (target, zone) result of this kind is kept and shown, in a run of ntargets at -v level verbose. */
int dnsbl_detail_kept(dnsbl_verdict_kind kind, uint64_t ntargets, int verbose);
/** Fill c from the outcome; 0, or -1 on allocation failure. */
int dnsbl_report(const dnsbl_report_config *rc, mr_check *c);

#endif

/* jmrp_report.h: the report step of check_jmrp: the counter's tallies and verdict as the result tree (summary,
 * state, long output with the top IPs, senders and unparsed messages, and perfdata). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef JMRP_REPORT_H
#define JMRP_REPORT_H

#include "../../common/range.h"
#include "../../common/result.h"
#include "jmrp_input.h"
#include "jmrp_judge.h"

/** What the report needs besides the counter. */
typedef struct jmrp_report_config {
	const mr_thresholds *thr;    /**< -w/-c on the count */
	long sent;                   /**< --sent, 0 = none */
	const mr_thresholds *rate;   /**< --rate-warning/--rate-critical */
	const char *window;          /**< the window as given ("24h") */
	const jmrp_read_stats *st;   /**< reader counters */
	double elapsed;              /**< seconds */
} jmrp_report_config;

/** Fill chk: summary, state (jmrp_counter_verdict), long output (top IPs, senders, unparsed) and perfdata; 0, or
 *  -1 when out of memory. */
int jmrp_report_build(const jmrp_counter *c, const jmrp_report_config *rc, mr_check *chk);

#endif

/* smtp_report.h: turns judged check_ms_smtp probes into the result tree (subchecks, summary, stage lines, perfdata). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_REPORT_H
#define SMTP_REPORT_H

#include "../../common/range.h"
#include "../../common/result.h"
#include "smtp_input_session.h"
#include "smtp_judge.h"
#include "smtp_judge_spamhaus.h"
#include "smtp_parse_rules.h"
#include "smtp_parse_stage.h"

/** Report state across the probed domains. */
typedef struct smtp_report {
	mr_check *c;                        /**< the result being filled (not owned) */
	const mr_thresholds *thr;           /**< -w/-c on the dialogue time */
	int verbose;                        /**< -v level */
	mr_state worst;                     /**< worst domain state so far */
	int have_worst;                     /**< worst is set */
	char summary[600];                  /**< text of the worst domain */
	int all_complete;                   /**< every probe got through its stages (time thresholds apply) */
	double stage_max[SMTP_STAGE_COUNT]; /**< longest time per stage over the domains */
	int stage_seen[SMTP_STAGE_COUNT];   /**< the stage was timed at least once */
} smtp_report;

/** Start a report that fills c. */
void smtp_report_init(smtp_report *r, mr_check *c, const mr_thresholds *thr, int verbose);
/** Record that the MX lookup of domain failed (UNKNOWN). */
void smtp_report_lookup_failed(smtp_report *r, const char *domain, const char *why);
/** Have the probe result res of domain (probed with pc) judged with rules (smtp_judge_probe) and add its subcheck. */
void smtp_report_add(smtp_report *r, const char *domain, const smtp_probe_result *res, const smtp_probe_config *pc,
                     const smtp_rules *rules, mr_state throttle_state);
/**
 * Add the subcheck of domain from its judgement j of res (probed with pc); zen is the Spamhaus ZEN verdict of
 * the sending IP after a block, or NULL when there was no lookup.
 */
void smtp_report_add_judged(smtp_report *r, const char *domain, const smtp_probe_result *res,
                            const smtp_probe_config *pc, const smtp_judgement *j, const smtp_zen_verdict *zen);
/** Set summary, state and perfdata; timed_out tells that the run deadline passed. */
void smtp_report_finish(smtp_report *r, double elapsed, mr_state timeout_state, int timed_out);

#endif

/* snds_report.h: turns the SNDS judge's verdicts into the result tree: one line per subject (worst first,
 * up to --max-details), the feed lines, the summary, the state and the perfdata; and a failed run's perfdata. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SNDS_REPORT_H
#define SNDS_REPORT_H

#include "../../common/result.h"
#include "snds_judge.h"

/** Fill c from a finished judge (snds_judge_finish): subchecks, summary, state, perfdata; day names the data
 * day used or NULL; 0, or -1 (no memory). */
int snds_report_build(mr_check *c, const snds_judge *j, const char *day, double elapsed);
/** Add the perfdata of a run that failed: every label U but time, with the thresholds of cfg; 0, or -1 (no
 * memory). The summary and the state are the frame's (mr_plugin_fail). */
int snds_report_failure_perf(mr_check *c, const snds_judge_config *cfg, double elapsed);

#endif

/* snds_report.h: turns the SNDS judge's verdicts into the result tree: one line per subject (worst first,
 * up to --max-details), the feed lines, the summary, the state and the perfdata; and the failure report. */
#ifndef SNDS_REPORT_H
#define SNDS_REPORT_H

#include "../../common/result.h"
#include "snds_judge.h"

/** Fill c from a finished judge (snds_judge_finish): subchecks, summary, state, perfdata; day names the data
 * day used or NULL; 0, or -1 (no memory). */
int snds_report_build(mr_check *c, const snds_judge *j, const char *day, double elapsed);
/** Fill c for a run that failed: summary why, state st, every perfdata label U but time, thresholds of cfg. */
int snds_report_failure(mr_check *c, const snds_judge_config *cfg, const char *why, mr_state st, double elapsed);

#endif

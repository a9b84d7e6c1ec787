/* snds_feed.h: transitional: the old names check_snds.c still uses, mapped onto snds_input and snds_judge +
 * snds_report. Only check_snds.c includes it; delete it when check_snds.c moves onto common/plugin. */
#ifndef SNDS_FEED_H
#define SNDS_FEED_H

#include "snds_input.h"
#include "snds_report.h"

/** Old name of snds_input_config. */
#define snds_feed_config snds_input_config
/** Old name of snds_input_fetch. */
#define snds_feed_get snds_input_fetch
/** Old name of snds_input_key_valid. */
#define snds_key_valid snds_input_key_valid

/** Old single call: judge (snds_judge_finish), then fill c (snds_report_build); 0 or -1 (no memory). */
static inline int snds_judge_report(snds_judge *j, mr_check *c, const char *day, double elapsed)
{
	if (snds_judge_finish(j) != 0)
		return -1;
	return snds_report_build(c, j, day, elapsed);
}

#endif

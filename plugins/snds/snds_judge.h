/* snds_judge.h: judges SNDS rows per IP (blocked, filter colour, complaint rate, trap hits, missing) into
 * verdicts with their reasons and totals; no output (snds_report turns them into the result tree). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SNDS_JUDGE_H
#define SNDS_JUDGE_H

#include <stddef.h>
#include <stdint.h>
#include "../../common/addr.h"
#include "../../common/range.h"
#include "../../common/state.h"
#include "snds_parse.h"

/** How IPs are judged. */
typedef struct snds_judge_config {
	const mr_cidr *filters;       /**< -H addresses and ranges; none = every IP in the feeds */
	size_t nfilters;              /**< number of filters */
	mr_thresholds complaint;      /**< complaint rate ranges in percent */
	mr_thresholds trap;           /**< trap hit ranges */
	mr_state yellow_state;        /**< state of a YELLOW filter result */
	mr_state red_state;           /**< state of a RED filter result */
	mr_state blocked_state;       /**< state of a blocked IP */
	mr_state missing_state;       /**< state of a -H address absent from the data feed */
	size_t max_details;           /**< most IP lines in the long output */
} snds_judge_config;

/** What is known about one IP after merging its rows. */
typedef struct snds_ip {
	mr_addr ip;                   /**< the address */
	int in_data;                  /**< it appeared in the data feed */
	snds_filter filter;           /**< worst filter result */
	int complaint_known;          /**< a complaint rate was given */
	int complaint_floor;          /**< the rate was given as "< X%" */
	double complaint;             /**< highest complaint rate, percent */
	int64_t trap_hits;            /**< summed trap hits, -1 = not reported */
	int64_t rcpt;                 /**< summed RCPT commands, -1 = not reported */
	int64_t data;                 /**< summed DATA commands, -1 = not reported */
	int64_t recipients;           /**< summed recipients, -1 = not reported */
	char comments[48];            /**< first non-empty comment (e.g. "JMR Block") */
} snds_ip;

/** One judged subject: a data-feed IP, a -H address missing from the data feed, or a blocked range alone. */
typedef struct snds_verdict {
	mr_state state;               /**< its state */
	mr_state complaint_state;     /**< what its complaint rate alone gives (OK when unknown) */
	mr_state trap_state;          /**< what its trap hits alone give (OK when not reported) */
	size_t ip;                    /**< index in ips, or SIZE_MAX for a missing address or a range */
	size_t block;                 /**< index of its blocking range in blocks, or SIZE_MAX */
	int missing;                  /**< a -H address absent from the data feed */
	mr_addr addr;                 /**< the address (for missing ones) */
	size_t pos;                   /**< place in the order found, the tie-break of the sort */
} snds_verdict;

/** Sums over the judged data-feed IPs, for perfdata. */
typedef struct snds_totals {
	size_t colour[4];             /**< IPs per filter result (index snds_filter) */
	int have_rate;                /**< some IP has a complaint rate */
	double rate;                  /**< the highest complaint rate, percent */
	int64_t traps;                /**< summed trap hits, -1 = not reported */
	int64_t rcpt;                 /**< summed RCPT commands, -1 = not reported */
	int64_t data;                 /**< summed DATA commands, -1 = not reported */
	int64_t recipients;           /**< summed recipients, -1 = not reported */
} snds_totals;

/** Accumulates rows of both feeds, then holds the verdicts. */
typedef struct snds_judge {
	snds_judge_config cfg;        /**< settings (copied) */
	snds_ip *ips;                 /**< data-feed IPs matching the filters (sorted, one per IP once finished) */
	size_t nips;                  /**< used */
	size_t capips;                /**< allocated */
	snds_status_row *blocks;      /**< blocked status ranges matching the filters */
	size_t nblocks;               /**< used */
	size_t capblocks;             /**< allocated */
	int have_status;              /**< the status feed was read (set by the caller: an empty feed has no rows) */
	int have_data;                /**< a day of the data feed had rows (set by the caller) */
	long status_rows;             /**< rows in the status feed */
	long data_rows;               /**< rows in the data feed */
	const char *status_format;    /**< "CSV" or "JSON", or NULL */
	const char *data_format;      /**< "CSV" or "JSON", or NULL */
	int oom;                      /**< an allocation failed */
	snds_verdict *verdicts;       /**< after snds_judge_finish: every subject, worst first, then as found */
	size_t nverdicts;             /**< number of verdicts */
	uint64_t blocked;             /**< addresses judged blocked (saturated) */
	mr_state overall;             /**< the worst state of all verdicts (OK when none) */
	snds_totals totals;           /**< sums over the data-feed IPs */
} snds_judge;

/** Start a judge with a copy of cfg (the filters array must outlive it). */
void snds_judge_init(snds_judge *j, const snds_judge_config *cfg);
/** snds_data_cb: add one data row (ignored unless it matches the filters). */
int snds_judge_add_data(void *judge, const snds_data_row *row);
/** snds_status_cb: add one status row (kept when blocked and overlapping the filters). */
int snds_judge_add_status(void *judge, const snds_status_row *row);
/** Merge rows per IP and judge every subject into verdicts, blocked, overall and totals; 0, or -1 (no memory). */
int snds_judge_finish(snds_judge *j);
/** Free the judge's memory. */
void snds_judge_free(snds_judge *j);

#endif

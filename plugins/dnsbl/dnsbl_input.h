/* dnsbl_input.h: check_dnsbl's query plan and run: expands the targets, runs the self-test, then asks every
 * applicable zone about every target and writes the judged answers into the outcome. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_INPUT_H
#define DNSBL_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include "../../common/dns.h"
#include "../../common/util.h"
#include "dnsbl_input_targets.h"
#include "dnsbl_outcome.h"
#include "dnsbl_parse_zone.h"

/** What one run needs. */
typedef struct dnsbl_run_config {
	const dnsbl_catalogue *zones; /**< zones to query, in output order */
	const dnsbl_targets *targets; /**< target specs; the expanded list goes into the outcome */
	const char *dqs_key;          /**< Spamhaus DQS key or NULL */
	int selftest;                 /**< probe RFC 5782 entries first */
	uint64_t max_targets;         /**< refuse larger expansions */
	size_t max_stored;            /**< most per-pair details kept in memory */
	int verbose;                  /**< -v level: decides which details are kept (dnsbl_detail_kept) */
	double deadline;              /**< monotonic time to stop at */
} dnsbl_run_config;

/** Run every phase with engine d into out (which the caller frees with dnsbl_outcome_free); 0, or -1 with a
 *  reason in err (bad expansion such as --max-targets, out of memory). */
int dnsbl_run(mr_dns *d, const dnsbl_run_config *cfg, dnsbl_outcome *out, mr_buf *err);

#endif

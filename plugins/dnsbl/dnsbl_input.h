/* dnsbl_run.h: runs check_dnsbl's queries (name resolution, self-test, targets x zones) and aggregates verdicts. */
#ifndef DNSBL_RUN_H
#define DNSBL_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "../../common/dns.h"
#include "../../common/util.h"
#include "dnsbl_targets.h"
#include "dnsbl_verdict.h"
#include "dnsbl_zones.h"

/** What one run needs. */
typedef struct dnsbl_run_config {
	const dnsbl_catalogue *zones; /**< zones to query, in output order */
	dnsbl_targets *targets;       /**< specs in; the run fills the units */
	const char *dqs_key;          /**< Spamhaus DQS key or NULL */
	int selftest;                 /**< probe RFC 5782 entries first */
	uint64_t max_targets;         /**< refuse larger expansions */
	size_t max_stored;            /**< most per-pair details kept in memory */
	int verbose;                  /**< -v level: decides which details are kept (dnsbl_detail_kept) */
	double deadline;              /**< monotonic time to stop at */
} dnsbl_run_config;

/** The result of one (target, zone) pair, kept for the long output. */
typedef struct dnsbl_detail {
	struct dnsbl_detail *next;    /**< next detail of the same target */
	uint32_t zone;                /**< index in the catalogue */
	dnsbl_verdict v;              /**< judged answer */
	char *txt;                    /**< TXT reason of a listing, or NULL */
} dnsbl_detail;

/** Per-target counters, kept for every target (small, so a /16 fits easily). */
typedef struct dnsbl_tstate {
	uint16_t listed;              /**< block zones listing the target */
	uint16_t errors;              /**< zones without usable answer */
	uint16_t usable;              /**< block zones with a usable answer */
	uint16_t allowed;             /**< allow-list zones listing the target */
	uint16_t other;               /**< answers outside the listing codes */
	uint8_t severity;             /**< worst mr_state among listing zones */
	dnsbl_detail *first;          /**< stored details, in zone order of arrival */
	dnsbl_detail *last;           /**< tail for appending */
} dnsbl_tstate;

/** Per-zone counters. */
typedef struct dnsbl_zstat {
	uint64_t listed;              /**< targets listed */
	uint64_t errors;              /**< targets without usable answer */
	int broken;                   /**< failed the self-test: not queried */
	char broken_reason[200];      /**< why */
	char first_error[200];        /**< reason of the first error, for aggregated output */
} dnsbl_zstat;

/** Targets per block of per-target counters; a block is allocated when one of its targets first gets a verdict,
 *  so a huge range cut off by the deadline holds counters only for the targets it reached. */
#define DNSBL_TBLOCK 65536

/** Everything the report needs. */
typedef struct dnsbl_outcome {
	dnsbl_tstate **tb;            /**< blocks of DNSBL_TBLOCK counters, NULL until used (dnsbl_outcome_target) */
	size_t ntb;                   /**< number of block pointers */
	uint64_t ntargets;            /**< number of targets */
	uint64_t asked;               /**< targets from this index on were never asked: no counts, no details */
	dnsbl_zstat *z;               /**< one per zone */
	size_t nzones;                /**< number of zones */
	size_t zones_used;            /**< zones queried (not broken) */
	uint64_t listed_pairs;        /**< (target, block zone) listings */
	uint64_t error_pairs;         /**< (target, zone) pairs without usable answer */
	uint64_t targets_listed;      /**< targets listed on at least one block zone */
	uint64_t stored;              /**< details kept */
	uint64_t dropped;             /**< details not kept (memory bound) */
	int timed_out;                /**< the run deadline came first */
	uint64_t unfinished;          /**< pairs cancelled or never asked at the deadline */
	uint64_t queries;             /**< DNS queries finished */
} dnsbl_outcome;

/** Counters of target i of o (all zero if it got no verdict). */
const dnsbl_tstate *dnsbl_outcome_target(const dnsbl_outcome *o, uint64_t i);

/** Run every phase with engine d; 0, or -1 with a reason in err (bad expansion such as --max-targets). */
int dnsbl_run(mr_dns *d, const dnsbl_run_config *cfg, dnsbl_outcome *out, mr_buf *err);
/** Free everything an outcome owns. */
void dnsbl_outcome_free(dnsbl_outcome *o);

#endif

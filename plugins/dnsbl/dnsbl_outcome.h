/* dnsbl_outcome.h: what one check_dnsbl run found, written by the run (dnsbl_input) and read by the report:
 * the expanded targets, per-target and per-zone counters, kept details and run totals. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_OUTCOME_H
#define DNSBL_OUTCOME_H

#include <stddef.h>
#include <stdint.h>
#include "dnsbl_input_targets.h"
#include "dnsbl_judge.h"
#include "dnsbl_parse_zone.h"

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
	uint16_t usable;              /**< zones (block or allow) with a usable answer; usable + errors = answered */
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
	dnsbl_units units;            /**< the expanded targets (owned; unit zone counts set by the run) */
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
	int oom;                      /**< an allocation failed while recording */
} dnsbl_outcome;

/** Size the counters for the targets already in o->units and nzones zones; 0, or -1 when out of memory. */
int dnsbl_outcome_start(dnsbl_outcome *o, size_t nzones);
/** Counters of target i of o (all zero if it got no verdict). */
const dnsbl_tstate *dnsbl_outcome_target(const dnsbl_outcome *o, uint64_t i);
/** 1 if a (target, zone) result of this kind is kept and shown, in a run of ntargets at -v level verbose. */
int dnsbl_detail_kept(dnsbl_verdict_kind kind, uint64_t ntargets, int verbose);
/**
 * Count verdict v of zone z (index zi) for target i, and keep it as a detail when the output shows it at -v
 * level verbose and fewer than max_stored are kept; returns the kept detail or NULL (o->oom set on failure).
 */
dnsbl_detail *dnsbl_outcome_record(dnsbl_outcome *o, const dnsbl_zone *z, uint32_t zi, uint64_t i,
                                   const dnsbl_verdict *v, int verbose, size_t max_stored);
/** Free everything an outcome owns. */
void dnsbl_outcome_free(dnsbl_outcome *o);

#endif

/* jmrp_judge.h: the judge step of check_jmrp: counts the complaints in the window (one tally path for messages
 * parsed now and those known from the state file), applies the -H and --sender-domain filters, tallies per source
 * IP and per domain, counts ARF reports that are no complaint apart, and turns the count and the rate into a
 * state. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef JMRP_JUDGE_H
#define JMRP_JUDGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "../../common/addr.h"
#include "../../common/range.h"
#include "../../common/state.h"
#include "jmrp_input.h"
#include "jmrp_parse.h"

/** Filters and output settings. */
typedef struct jmrp_count_config {
	const mr_cidr *ips;          /**< -H: count only complaints from these sources (none = all) */
	size_t nips;                 /**< number of -H */
	const char *const *domains;  /**< --sender-domain: count only these senders or reported domains (checked with
	                              *   mr_hostname_check; a final dot is ignored) */
	size_t ndomains;             /**< number of --sender-domain */
	size_t max_details;          /**< most IPs and senders listed */
} jmrp_count_config;

/** Size of a stored message key with its NUL. A reader's key is stored escaped: every byte outside printable ASCII
 *  (0x21 to 0x7e) and every '%' and '#' as %XX (upper-case hex), so that distinct keys stay distinct, none is
 *  empty, and none holds a tab or a line break; a key whose escaped form is empty or does not fit is stored as
 *  "#" and the 16 hex digits of its FNV-1a hash, ':' and its length in bytes. */
#define JMRP_KEY_MAX 160
/** Longest label or reason kept, including the terminating NUL (longer ones are cut). */
#define JMRP_TEXT_MAX 96
/** Longest domain kept, including the terminating NUL: as jmrp_complaint.domain, so a DNS name (at most
 *  MR_HOSTNAME_MAX characters) is always kept whole, in tallies, filters and the state file. */
#define JMRP_DOMAIN_MAX 256

/** One message of the state file, kept only when a state file is used; strings live in the counter's arena. */
typedef struct jmrp_entry {
	const char *key;             /**< message identity from the reader, escaped (see JMRP_KEY_MAX) */
	const char *text;            /**< unparsed only: label, NUL, reason, NUL (for the long output); else NULL */
	time_t arrival;              /**< arrival time */
	uint32_t ip;                 /**< index into the counter's IP table ("no IP" included) */
	uint32_t domain;             /**< index into the counter's domain table ("" included) */
	unsigned char kind;          /**< jmrp_kind */
	unsigned char seen;          /**< met in this run (kept in the next state file) */
} jmrp_entry;

/** One distinct source IP (or "no source IP") and the complaints counted from it. */
typedef struct jmrp_ip_tally {
	mr_addr ip;                  /**< the address (bytes past its length are zero) */
	int has_ip;                  /**< 0 for the single "no source IP" entry */
	size_t n;                    /**< complaints counted (after filters) */
} jmrp_ip_tally;

/** One distinct sender or reported domain and the complaints counted from it. */
typedef struct jmrp_domain_tally {
	const char *name;            /**< the domain ("" if none), in the counter's arena */
	size_t n;                    /**< complaints counted (after filters) */
} jmrp_domain_tally;

/** Open-addressing hash index over a dense table: slots hold table index + 1, 0 = empty. */
typedef struct jmrp_hash {
	uint32_t *slot;              /**< the slots */
	size_t nslot;                /**< a power of two, at least twice the entries */
} jmrp_hash;

/** The counter.  Memory is O(distinct IPs + distinct domains) without a state file; with one, one small
 *  jmrp_entry (plus its key) per message in the window. */
typedef struct jmrp_counter {
	jmrp_count_config cfg;       /**< settings (copied) */
	int keep;                    /**< a state file is used: keep one jmrp_entry per message */
	jmrp_entry *v;               /**< state-file entries (sorted by key after load) then new ones */
	size_t n;                    /**< used */
	size_t cap;                  /**< allocated */
	size_t ncached;              /**< entries loaded from the state file (the sorted prefix) */
	jmrp_ip_tally *ipv;          /**< distinct source IPs */
	size_t nip;                  /**< used */
	size_t capip;                /**< allocated */
	jmrp_hash iph;               /**< index of ipv */
	jmrp_domain_tally *domv;     /**< distinct domains */
	size_t ndom;                 /**< used */
	size_t capdom;               /**< allocated */
	jmrp_hash domh;              /**< index of domv */
	const char **listed;         /**< label, NUL, reason of the first unparsed messages, in the order met */
	size_t nlisted;              /**< used (at most the number listed in the long output) */
	size_t caplisted;            /**< allocated */
	struct jmrp_block *arena;    /**< blocks holding every string above, freed together */
	size_t complaints;           /**< complaints counted (after filters) */
	size_t unparsed;             /**< messages that are no recognisable complaint */
	size_t filtered;             /**< complaints left out by -H / --sender-domain */
	size_t other;                /**< ARF reports that are no complaint (auth-failure, not-spam, ...), after the
	                              *   filters; never in the count or the rate */
	int oom;                     /**< an allocation failed */
	char state_note[200];        /**< why the state file was ignored, or "" */
} jmrp_counter;

/** Start a counter with a copy of cfg. */
void jmrp_counter_init(jmrp_counter *c, const jmrp_count_config *cfg);
/** Free the counter. */
void jmrp_counter_free(jmrp_counter *c);
/** jmrp_known_cb: 1 (and the cached record counted) if key is in the state file. */
int jmrp_counter_known(void *counter, const char *key, const char *label, time_t arrival);
/** jmrp_msg_cb: parse one message and count it. */
int jmrp_counter_message(void *counter, const jmrp_msg *m);

/** Make the counter keep one jmrp_entry per message (a state file is used); without it only tallies are kept. */
void jmrp_counter_keep(jmrp_counter *c);
/** Write into dst (JMRP_KEY_MAX bytes) the stored form of a reader's key (see JMRP_KEY_MAX). */
void jmrp_key_escape(char *dst, const char *key);
/** Add a message known from the state file (not yet met in this run) under its stored key (already escaped), its
 *  other fields cleaned and cut as when it was written: unparsed ones keep "label NUL why"; 0, or -1 when out of
 *  memory. */
int jmrp_counter_add_cached(jmrp_counter *c, const char *key, time_t arrival, int kind, int has_ip,
                            const mr_addr *ip, const char *domain, const char *label, const char *why);
/** Close the cache after the last jmrp_counter_add_cached: sort it by key for jmrp_counter_known. */
void jmrp_counter_cache_done(jmrp_counter *c);
/** Forget every cached entry (a corrupt state file), keeping the tables. */
void jmrp_counter_cache_drop(jmrp_counter *c);
/** The reason part of an unparsed entry's "label NUL why" text. */
const char *jmrp_entry_why(const char *text);

/** Read the mailbox src and count every message that arrived at or after since into c; with a state file loaded
 *  (jmrp_state_load), messages its cache knows are counted from it and not read again. 0, 1 if the deadline
 *  stopped the read (what was counted stays in c), or -1 with a reason (out of memory included). */
int jmrp_count_source(jmrp_counter *c, const jmrp_source *src, time_t since, double deadline, int verbose,
                      jmrp_read_stats *st, mr_buf *err);

/** The verdict on one run's count. */
typedef struct jmrp_verdict {
	mr_state state;              /**< the run's state: -w/-c on the count, worst with the rate's */
	int has_rate;                /**< --sent was given: rate and rate_state are set */
	double rate;                 /**< complaints in percent of --sent */
	mr_state rate_state;         /**< --rate-warning/--rate-critical on the rate */
} jmrp_verdict;

/** Judge the count: thr (-w/-c) on the complaints and, if sent > 0, rate_thr on their percentage of sent. */
jmrp_verdict jmrp_counter_verdict(const jmrp_counter *c, const mr_thresholds *thr, long sent,
                                  const mr_thresholds *rate_thr);

#endif

/* jmrp_count.h: counts JMRP complaints in a window (filters, per IP and sender), the state file, and the report. */
#ifndef JMRP_COUNT_H
#define JMRP_COUNT_H

#include <stddef.h>
#include <time.h>
#include "../common/addr.h"
#include "../common/range.h"
#include "../common/result.h"
#include "jmrp_mailbox.h"
#include "jmrp_report.h"

/** Filters and output settings. */
typedef struct jmrp_count_config {
	const mr_cidr *ips;          /**< -H: count only complaints from these sources (none = all) */
	size_t nips;                 /**< number of -H */
	const char *const *domains;  /**< --sender-domain: count only these senders or reported domains */
	size_t ndomains;             /**< number of --sender-domain */
	size_t max_details;          /**< most IPs and senders listed */
} jmrp_count_config;

/** One cached or counted message (also the state-file record). */
typedef struct jmrp_entry {
	char key[160];               /**< message identity from the reader */
	time_t arrival;              /**< arrival time */
	int kind;                    /**< jmrp_kind */
	int has_ip;                  /**< ip is set */
	mr_addr ip;                  /**< source IP */
	char domain[96];             /**< sender or reported domain */
	char label[96];              /**< file name / UID / message number, for unparsed lines */
	char why[96];                /**< reason when unparsed */
	int seen;                    /**< met in this run (kept in the next state file) */
} jmrp_entry;

/** The counter. */
typedef struct jmrp_counter {
	jmrp_count_config cfg;       /**< settings (copied) */
	jmrp_entry *v;               /**< cached entries (sorted by key after load) then new ones */
	size_t n;                    /**< used */
	size_t cap;                  /**< allocated */
	size_t ncached;              /**< entries loaded from the state file (the sorted prefix) */
	size_t complaints;           /**< complaints counted (after filters) */
	size_t unparsed;             /**< messages that are no recognisable complaint */
	size_t too_large;            /**< of those, too large to read */
	size_t filtered;             /**< complaints left out by -H / --sender-domain */
	int oom;                     /**< an allocation failed */
	char state_note[200];        /**< why the state file was ignored, or "" */
} jmrp_counter;

/** Start a counter with a copy of cfg. */
void jmrp_counter_init(jmrp_counter *c, const jmrp_count_config *cfg);
/** Free the counter. */
void jmrp_counter_free(jmrp_counter *c);
/** Load the state file (a missing file is fine; a corrupt one is ignored with a note); entries before since are dropped. */
void jmrp_state_load(jmrp_counter *c, const char *path, time_t since);
/** Write the entries seen in this run to path atomically (temporary file, fsync, rename); 0 or -1 with a reason. */
int jmrp_state_save(const jmrp_counter *c, const char *path, mr_buf *err);
/** jmrp_known_cb: 1 (and the cached record counted) if key is in the state file. */
int jmrp_counter_known(void *counter, const char *key, const char *label, time_t arrival);
/** jmrp_msg_cb: parse one message and count it. */
int jmrp_counter_message(void *counter, const jmrp_msg *m);

/** What the report needs besides the counter. */
typedef struct jmrp_report_config {
	const mr_thresholds *thr;    /**< -w/-c on the count */
	long sent;                   /**< --sent, 0 = none */
	const mr_thresholds *rate;   /**< --rate-warning/--rate-critical */
	const char *window;          /**< the window as given ("24h") */
	const jmrp_read_stats *st;   /**< reader counters */
	double elapsed;              /**< seconds */
} jmrp_report_config;

/** Fill the result: summary, state, long output (top IPs, senders, unparsed) and perfdata; 0 or -1. */
int jmrp_counter_report(jmrp_counter *c, const jmrp_report_config *rc, mr_check *chk);

#endif

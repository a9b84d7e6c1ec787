/* jmrp_state.h: the state file of check_jmrp: one line per message in the window (key, arrival, kind, source IP,
 * domain, and for an unparsed message its label and reason), read into a counter's cache and written back
 * atomically. */
#ifndef JMRP_STATE_H
#define JMRP_STATE_H

#include <stddef.h>
#include <time.h>
#include "../../common/util.h"
#include "jmrp_judge.h"

/** Read state-file bytes (len bytes, the whole file) into c's cache, dropping entries that arrived before since,
 *  and make c keep per-message entries. 0, or -1 if corrupt (cache dropped; *bad_line gets the 1-based line, 0
 *  for an empty file). */
int jmrp_state_read(jmrp_counter *c, const char *buf, size_t len, time_t since, unsigned long *bad_line);
/** Load the state file (a missing file is fine; a corrupt one is ignored with a note in c->state_note); entries
 *  before since are dropped.  Calling it (even for a missing file) makes the counter keep the per-message entries
 *  jmrp_state_save writes; without it only the tallies are kept. */
void jmrp_state_load(jmrp_counter *c, const char *path, time_t since);
/** Write the entries seen in this run to path atomically (temporary file, fsync, rename); with partial (a run
 *  that stopped early) also the cached entries it did not reach, so the next run goes on from there; 0 or -1. */
int jmrp_state_save(const jmrp_counter *c, const char *path, int partial, mr_buf *err);

#endif

/* jmrp_state.h: the state file of check_jmrp: one line per message in the window (key, arrival, kind, source IP,
 * domain, and for an unparsed message its label and reason), read into a counter's cache and written back
 * atomically. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef JMRP_STATE_H
#define JMRP_STATE_H

#include <stddef.h>
#include <time.h>
#include "../../common/util.h"
#include "jmrp_judge.h"

/** Read state-file bytes (len bytes, the whole file) into c's cache, dropping entries that arrived before since,
 *  and make c keep per-message entries. A bad line is skipped alone. 0 (*bad_line gets the first skipped line, 0
 *  if none), or -1 if the file is foreign: no magic first line, or empty (cache dropped; *bad_line 1, or 0 for an
 *  empty file). */
int jmrp_state_read(jmrp_counter *c, const char *buf, size_t len, time_t since, unsigned long *bad_line);
/** Load the state file if it is a regular file (a missing one is fine; a foreign or unreadable one is ignored and
 *  bad lines skipped, each with a note in c->state_note), in bounded chunks; entries before since are dropped.
 *  Calling it (even for a missing file) makes the counter keep the per-message entries jmrp_state_save writes;
 *  without it only the tallies are kept. */
void jmrp_state_load(jmrp_counter *c, const char *path, time_t since);
/** Write the entries seen in this run to path atomically (a temporary file from mkstemp in path's directory, fsync,
 *  rename); with partial (a run that stopped early) also the cached entries it did not reach, so the next run goes
 *  on from there; 0 or -1. */
int jmrp_state_save(const jmrp_counter *c, const char *path, int partial, mr_buf *err);

#endif

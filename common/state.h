/* state.h: the four plugin states, their order and their names. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_STATE_H
#define MR_STATE_H

/** A plugin state; the values are the plugin exit codes. */
typedef enum mr_state {
	MR_OK = 0,       /**< exit 0 */
	MR_WARNING = 1,  /**< exit 1 */
	MR_CRITICAL = 2, /**< exit 2 */
	MR_UNKNOWN = 3   /**< exit 3 */
} mr_state;

/** Return the worse of two states, ordered OK < UNKNOWN < WARNING < CRITICAL. */
mr_state mr_state_worst(mr_state a, mr_state b);

/** Return the upper-case name of a state ("OK", "WARNING", ...). */
const char *mr_state_name(mr_state s);

/** Parse ok|warning|critical|unknown (any case) or 0-3; 0 on success, -1 if invalid. */
int mr_state_parse(const char *text, mr_state *out);

#endif

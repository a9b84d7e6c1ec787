/* deadline.h: the monotonic clock, the run's soft deadline and the hard timeout fallback. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_DEADLINE_H
#define MR_DEADLINE_H

#include "state.h"

/** Seconds on the monotonic clock. */
double mr_now(void);
/**
 * Milliseconds from now until the monotonic deadline, rounded up (a wait of that length ends at or just after
 * the deadline), at least 1 (0 means "no timeout" to libcurl) and at most INT_MAX (it fits poll()).
 */
long mr_ms_until(double deadline);

/**
 * Arm the hard timeout: after `seconds` a SIGALRM handler writes
 * "PREFIX STATE - plugin timed out after N seconds" with write(2) and _exits with st.
 * It is the last resort; plugins stop cooperatively at mr_soft_deadline() first. 0 or -1.
 */
int mr_hard_timeout_arm(double seconds, mr_state st, const char *prefix);
/**
 * As mr_hard_timeout_arm, but the message says "after `shown` seconds": the caller waits a little
 * less than the -t value (so the answer arrives within it) yet reports the -t value. 0 or -1.
 */
int mr_hard_timeout_arm_shown(double seconds, double shown, mr_state st, const char *prefix);
/** Cancel the hard timeout (before rendering the final output). */
void mr_hard_timeout_cancel(void);

/** Absolute monotonic time at which a run started at `start` with timeout t must stop working and render. */
double mr_soft_deadline(double start, double t);

#endif

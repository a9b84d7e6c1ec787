/* state.c: owns the four plugin states: their severity order, names and parsing. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "state.h"

#include <stddef.h>

#include "util.h"

/** Severity rank of a state for mr_state_worst: OK < UNKNOWN < WARNING < CRITICAL. */
static int rank(mr_state s)
{
	switch (s) {
	case MR_OK:
		return 0;
	case MR_UNKNOWN:
		return 1;
	case MR_WARNING:
		return 2;
	case MR_CRITICAL:
		return 3;
	}
	return 1; /* out-of-range values count as UNKNOWN */
}

/** Return the worse of two states, ordered OK < UNKNOWN < WARNING < CRITICAL. */
mr_state mr_state_worst(mr_state a, mr_state b)
{
	return rank(b) > rank(a) ? b : a;
}

/** Return the upper-case name of a state; anything out of range is "UNKNOWN". */
const char *mr_state_name(mr_state s)
{
	switch (s) {
	case MR_OK:
		return "OK";
	case MR_WARNING:
		return "WARNING";
	case MR_CRITICAL:
		return "CRITICAL";
	case MR_UNKNOWN:
		return "UNKNOWN";
	}
	return "UNKNOWN";
}

/** Parse ok|warning|critical|unknown (any case) or a single digit 0-3; 0 on success, -1 if invalid. */
int mr_state_parse(const char *text, mr_state *out)
{
	static const mr_state all[] = { MR_OK, MR_WARNING, MR_CRITICAL, MR_UNKNOWN };
	size_t i;

	if (text == NULL || out == NULL)
		return -1;
	if (text[0] >= '0' && text[0] <= '3' && text[1] == '\0') {
		*out = (mr_state)(text[0] - '0');
		return 0;
	}
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (mr_streq_ci(text, mr_state_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	}
	return -1;
}

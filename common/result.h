/* result.h: the result tree of one plugin run (subchecks, states, summary, perfdata). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_RESULT_H
#define MR_RESULT_H

#include <stddef.h>
#include "state.h"
#include "perfdata.h"
#include "util.h"

/** One subcheck: a state, one line of text and optional children. */
typedef struct mr_sub {
	mr_state state;          /**< this subcheck's own state */
	int informational;       /**< shown with its state but never raises its parent */
	char *text;              /**< one line, owned */
	struct mr_sub *child;    /**< first child, owned */
	struct mr_sub *last;     /**< last child, for appending */
	struct mr_sub *next;     /**< next sibling */
} mr_sub;

/** The whole result of a run. Create with mr_check_new, free with mr_check_free. */
typedef struct mr_check {
	char prefix[32];         /**< first word of the output, e.g. "DNSBL" */
	mr_sub root;             /**< root.child is the list of top-level subchecks */
	char *summary;           /**< first-line text; NULL = chosen from subchecks */
	int state_forced;        /**< state was set with mr_check_set_state */
	mr_state forced;         /**< that state */
	mr_perf *perf;           /**< perfdata in insertion order */
	size_t nperf;            /**< number of entries in perf */
	size_t capperf;          /**< allocated entries */
	size_t nsubs;            /**< subchecks created, to bound memory */
	size_t max_subs;         /**< further mr_sub_add calls fail past this (default 100000) */
	int oom;                 /**< an addition failed for want of memory: the output is the out-of-memory line */
} mr_check;

/** Allocate an empty result with the given prefix; NULL on allocation failure. */
mr_check *mr_check_new(const char *prefix);
/** Free a result and everything it owns; NULL is allowed. */
void mr_check_free(mr_check *c);

/** Add a subcheck under parent (NULL = top level) with formatted text; the new node, or NULL on failure. */
mr_sub *mr_sub_add(mr_check *c, mr_sub *parent, mr_state st, const char *fmt, ...) MR_PRINTF(4, 5);
/** Mark s as informational: its state is shown but does not raise its parent. */
void mr_sub_set_informational(mr_sub *s);
/** Add an informational subcheck (its state shown, never raising its parent); the new node, or NULL. */
mr_sub *mr_sub_add_info(mr_check *c, mr_sub *parent, mr_state st, const char *fmt, ...) MR_PRINTF(4, 5);
/** Set the first-line summary text (replacing any earlier one); 0 or -1. */
int mr_check_set_summary(mr_check *c, const char *fmt, ...) MR_PRINTF(2, 3);
/** Force the overall state instead of computing it from the subchecks. */
void mr_check_set_state(mr_check *c, mr_state st);
/** Append a copy of p to the perfdata list; 0 or -1. */
int mr_check_add_perf(mr_check *c, const mr_perf *p);
/** The overall state: forced if set, else the worst non-informational top-level state (OK if none). */
mr_state mr_check_state(const mr_check *c);
/** State of a subtree: worst of s->state and its non-informational children. */
mr_state mr_sub_state(const mr_sub *s);

#endif

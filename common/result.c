/* result.c: owns the result tree of one plugin run: subcheck nodes and their text, the summary,
 * the forced state, the perfdata list, and the state computation over the tree. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "result.h"
#include "secret.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Default bound on the number of subchecks of one run. */
#define DEFAULT_MAX_SUBS 100000

/** Longest subcheck or summary text kept, in bytes; longer text is cut and ends in "...". */
#define TEXT_MAX 65536

/** Allocate an empty result with the given prefix; NULL on allocation failure or a prefix over 31 bytes. */
mr_check *mr_check_new(const char *prefix)
{
	mr_check *c;
	size_t n;

	if (prefix == NULL)
		return NULL;
	n = strlen(prefix);
	if (n >= sizeof(c->prefix))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	memcpy(c->prefix, prefix, n + 1);
	c->root.state = MR_OK;
	c->forced = MR_OK;
	c->max_subs = DEFAULT_MAX_SUBS;
	return c;
}

/** Free a list of sibling subtrees without recursion by splicing each node's children into the list. */
static void free_subs(mr_sub *s)
{
	mr_sub *next;

	while (s != NULL) {
		if (s->child != NULL) {
			s->last->next = s->next;
			s->next = s->child;
			s->child = NULL;
		}
		next = s->next;
		free(s->text);
		free(s);
		s = next;
	}
}

/** Free a result and everything it owns; NULL is allowed. */
void mr_check_free(mr_check *c)
{
	if (c == NULL)
		return;
	free_subs(c->root.child);
	free(c->summary);
	free(c->perf);
	free(c);
}

static char *format_line(const char *fmt, va_list ap) MR_PRINTF(1, 0);

/** Format text into a new one-line string (CR and LF become spaces, cut at TEXT_MAX); NULL on failure. */
static char *format_line(const char *fmt, va_list ap)
{
	va_list cp;
	size_t len, i;
	char *s;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s == NULL)
		return NULL;
	if (vsnprintf(s, (size_t)n + 1, fmt, ap) != n) {
		free(s);
		return NULL;
	}
	/* Mask here, before the text is cut or the renderer cleans or escapes it: a secret cut in two, or holding a
	 * '|' or '"' that rendering changes, would no longer match the masking of the finished output. */
	len = mr_secret_mask(s, (size_t)n);
	if (len > TEXT_MAX) { /* deliberately cut: mark the cut */
		char *shorter;

		memcpy(s + TEXT_MAX - 3, "...", 4);
		len = TEXT_MAX;
		shorter = realloc(s, len + 1);
		if (shorter != NULL)
			s = shorter;
	}
	for (i = 0; i < len; i++)
		if (s[i] == '\n' || s[i] == '\r')
			s[i] = ' ';
	return s;
}

/** Add a subcheck under parent with text formatted from ap; the new node, or NULL. */
static mr_sub *sub_vadd(mr_check *c, mr_sub *parent, mr_state st, const char *fmt, va_list ap)
{
	mr_sub *s;

	if (c == NULL || fmt == NULL || c->nsubs >= c->max_subs)
		return NULL;
	if (parent == NULL)
		parent = &c->root;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		c->oom = 1;
		return NULL;
	}
	s->text = format_line(fmt, ap);
	if (s->text == NULL) {
		c->oom = 1;
		free(s);
		return NULL;
	}
	s->state = st;
	if (parent->last != NULL)
		parent->last->next = s;
	else
		parent->child = s;
	parent->last = s;
	c->nsubs++;
	return s;
}

/** Add a subcheck under parent (NULL = top level) with formatted text; the new node, or NULL (no memory, max_subs reached). */
mr_sub *mr_sub_add(mr_check *c, mr_sub *parent, mr_state st, const char *fmt, ...)
{
	va_list ap;
	mr_sub *s;

	va_start(ap, fmt);
	s = sub_vadd(c, parent, st, fmt, ap);
	va_end(ap);
	return s;
}

/** Add an informational subcheck (its state shown, never raising its parent); the new node, or NULL. */
mr_sub *mr_sub_add_info(mr_check *c, mr_sub *parent, mr_state st, const char *fmt, ...)
{
	va_list ap;
	mr_sub *s;

	va_start(ap, fmt);
	s = sub_vadd(c, parent, st, fmt, ap);
	va_end(ap);
	mr_sub_set_informational(s);
	return s;
}

/** Mark s as informational: its state is shown but does not raise its parent. */
void mr_sub_set_informational(mr_sub *s)
{
	if (s != NULL)
		s->informational = 1;
}

/** Set the first-line summary text (replacing any earlier one); 0 or -1 (earlier summary kept). */
int mr_check_set_summary(mr_check *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (c == NULL || fmt == NULL)
		return -1;
	va_start(ap, fmt);
	s = format_line(fmt, ap);
	va_end(ap);
	if (s == NULL) {
		c->oom = 1;
		return -1;
	}
	free(c->summary);
	c->summary = s;
	return 0;
}

/** Force the overall state instead of computing it from the subchecks. */
void mr_check_set_state(mr_check *c, mr_state st)
{
	if (c == NULL)
		return;
	c->state_forced = 1;
	c->forced = st;
}

/** Append a copy of p to the perfdata list; 0 or -1. */
int mr_check_add_perf(mr_check *c, const mr_perf *p)
{
	mr_perf *np;

	if (c == NULL || p == NULL)
		return -1;
	np = mr_grow(c->perf, &c->capperf, c->nperf, sizeof(*np), 8);
	if (np == NULL) {
		c->oom = 1;
		return -1;
	}
	c->perf = np;
	c->perf[c->nperf++] = *p;
	return 0;
}

/** State of a subtree: worst of s->state and its non-informational children (recursing into them). */
mr_state mr_sub_state(const mr_sub *s)
{
	const mr_sub *ch;
	mr_state st;

	if (s == NULL)
		return MR_OK;
	st = s->state;
	for (ch = s->child; ch != NULL; ch = ch->next)
		if (!ch->informational)
			st = mr_state_worst(st, mr_sub_state(ch));
	return st;
}

/** The overall state: forced if set, else the worst non-informational top-level state (OK if none). */
mr_state mr_check_state(const mr_check *c)
{
	const mr_sub *s;
	mr_state st = MR_OK;

	if (c == NULL)
		return MR_UNKNOWN;
	if (c->state_forced)
		return c->forced;
	for (s = c->root.child; s != NULL; s = s->next)
		if (!s->informational)
			st = mr_state_worst(st, mr_sub_state(s));
	return st;
}

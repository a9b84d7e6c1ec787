/* smtp_parse_pattern.c: the size estimate of a rules-file pattern (POSIX ERE) before it is compiled: atoms count
 * one, a group counts its contents, and a repetition multiplies the atom it follows ("*", "+", "?" and "{m,n}"
 * as the larger count plus one). A repetition that follows a repetition is refused outright. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_parse_pattern.h"

/** Deepest group nesting looked at (a rules pattern is at most 199 characters). */
#define DEPTH_MAX 256

/** One group level: its size so far and the size of its last atom (0: none, or it was just repeated). */
typedef struct level {
	long total;         /**< size of what the level holds */
	long last;          /**< size of the last atom, which a repetition would multiply */
	int repeated;       /**< the last thing was a repetition */
} level;

/** Skip a bracket expression starting at p ('['); the position after its ']', or NULL if it does not end. */
static const char *skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++; /* a leading ']' is literal */
	while (*p != '\0' && *p != ']') {
		if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *end = strchr(p + 2, p[1]);
			while (end != NULL && end[1] != ']')
				end = strchr(end + 1, p[1]);
			if (end == NULL)
				return NULL;
			p = end + 2;
		} else {
			p++;
		}
	}
	return *p == ']' ? p + 1 : NULL;
}

/** Read "{m}", "{m,}" or "{m,n}" at p; the factor it multiplies by (the larger count + 1) and the position after
 *  '}' in *end, or 0 if p holds no bound (regcomp then judges the '{'). */
static long bound_factor(const char *p, const char **end)
{
	char *e;
	long m, n;

	if (!isdigit((unsigned char)p[1]))
		return 0;
	/* strtol stops at LONG_MAX; a count past 100000 is no bound regcomp takes (RE_DUP_MAX is 32767) */
	m = strtol(p + 1, &e, 10);
	if (m > 100000)
		return 0;
	n = m;
	if (*e == ',') {
		e++;
		if (isdigit((unsigned char)*e)) {
			n = strtol(e, &e, 10);
			if (n > 100000)
				return 0;
		} else {
			n = m > 0 ? m : 1; /* "{m,}": at least m, as many as wanted: counted like m + 1 */
		}
	}
	if (*e != '}')
		return 0;
	*end = e + 1;
	return (m > n ? m : n) + 1;
}

/** Add an atom of size s to lv. */
static void atom(level *lv, long s)
{
	lv->total += s;
	lv->last = s;
	lv->repeated = 0;
}

/** Apply a repetition of factor f to the current level's last atom; 0, or -1 with *why. */
static int repeat(level *lv, long f, const char **why)
{
	if (lv->repeated) {
		*why = "pattern repeats a repetition (such as a++ or a*{2}); write one";
		return -1;
	}
	if (lv->last == 0) {
		atom(lv, 1); /* nothing to repeat: regcomp takes it literally or refuses it */
		return 0;
	}
	lv->total += lv->last * (f - 1); /* the caller checks the bound after every step */
	lv->last = 0;
	lv->repeated = 1;
	return 0;
}

/** Check that an ERE is cheap to compile; see smtp_parse_pattern.h. */
int smtp_pattern_check(const char *p, const char **why)
{
	level st[DEPTH_MAX];
	int depth = 0;
	const char *end;
	long f;

	memset(&st[0], 0, sizeof(st[0]));
	while (*p != '\0') {
		level *lv = &st[depth];

		switch (*p) {
		case '\\':
			if (p[1] >= '1' && p[1] <= '9') {
				/* glibc's extension: matching with one can take exponential time */
				*why = "pattern uses a back-reference (\\1 to \\9), which POSIX EREs do not have";
				return -1;
			}
			atom(lv, 1);
			p += p[1] != '\0' ? 2 : 1;
			break;
		case '[':
			end = skip_bracket(p);
			if (end == NULL)
				return 0; /* unbalanced: regcomp says so */
			atom(lv, 1);
			p = end;
			break;
		case '(':
			if (depth + 1 >= DEPTH_MAX) {
				*why = "pattern nests groups too deeply";
				return -1;
			}
			memset(&st[++depth], 0, sizeof(st[0]));
			p++;
			break;
		case ')':
			if (depth == 0)
				return 0; /* unbalanced: regcomp says so */
			depth--;
			atom(&st[depth], st[depth + 1].total > 0 ? st[depth + 1].total : 1);
			p++;
			break;
		case '*':
		case '+':
		case '?':
			if (repeat(lv, 2, why) != 0)
				return -1;
			p++;
			break;
		case '{':
			f = bound_factor(p, &end);
			if (f == 0) {
				atom(lv, 1);
				p++;
				break;
			}
			if (repeat(lv, f, why) != 0)
				return -1;
			p = end;
			break;
		case '|':
		case '^':
		case '$':
			lv->last = 0;
			lv->repeated = 0;
			p++;
			break;
		default:
			atom(lv, 1);
			p++;
			break;
		}
		if (st[depth].total > SMTP_PATTERN_COST_MAX) {
			*why = "pattern too costly to compile (nested or large repetitions)";
			return -1;
		}
	}
	/* groups left open: regcomp refuses them; the sizes so far are within the bound */
	return 0;
}

/* smtp_parse_pattern.h: the bound on a rules-file pattern before regcomp: glibc compiles a POSIX ERE into an
 * automaton whose size multiplies with nested and stacked repetitions ("a+++", "(a{99}){99}"), so such a pattern
 * can take gigabytes and minutes to compile. A pattern must stay within a size estimate. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_PARSE_PATTERN_H
#define SMTP_PARSE_PATTERN_H

/** Largest estimated size of a compiled pattern (atoms, with each repetition multiplying its atom); the built-in
 *  rules stay under 200. */
#define SMTP_PATTERN_COST_MAX 5000

/** Check that the ERE p is cheap to compile and to match: 0, or -1 with the reason in *why (a static string): a
 *  repetition of a repetition ("a++", "a*{2}"), an estimated size over SMTP_PATTERN_COST_MAX, or a back-reference
 *  (glibc's extension, whose matching can take exponential time). Syntax errors are left to regcomp. */
int smtp_pattern_check(const char *p, const char **why);

#endif

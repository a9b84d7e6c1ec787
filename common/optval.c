/* optval.c: owns the typed option rows: checks a value by the row's type, stores it at the row's offset in
 * the group's config, and words the one message of each type (a count, a state, a range, a list ...). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "options.h"
#include "secret.h"

/** Longest duration text accepted (digits and one unit letter). */
#define DURATION_MAX 23

/** The member at byte offset off of the config cfg. */
static void *at(void *cfg, size_t off)
{
	return (char *)cfg + off;
}

/** Parse a state word into *st; see options.h. */
int mr_option_state(const char *arg, mr_state *st, mr_buf *why)
{
	if (mr_state_parse(arg, st) == 0)
		return 0;
	mr_buf_printf(why, "'%.64s' is not ok, warning, critical, unknown or 0-3", arg);
	return -1;
}

/** Parse a duration N[s|m|h|d] of 1 s to max_s seconds into *out; 0 or -1. */
static int parse_duration(const char *s, long max_s, long *out)
{
	char num[DURATION_MAX + 1];
	size_t n = strlen(s);
	long mult = 1;
	long v;

	if (n == 0 || n > DURATION_MAX)
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default: mult = 0; break;
	}
	if (mult != 0)
		num[n - 1] = '\0';
	else
		mult = 1;
	if (mr_parse_long(num, 1, max_s / mult, &v) != 0)
		return -1;
	*out = v * mult;
	return 0;
}

/** Store a choice: the value of the word arg; 0, or -1 with "'arg' is not a, b or c". */
static int store_choice(const mr_option *o, void *cfg, const char *arg, mr_buf *why)
{
	size_t n = 0;
	size_t i;

	while (o->words != NULL && o->words[n] != NULL)
		n++;
	for (i = 0; i < n; i++) {
		if (strcmp(arg, o->words[i]) == 0) {
			*(int *)at(cfg, o->off) = o->values != NULL ? o->values[i] : (int)i;
			return 0;
		}
	}
	mr_buf_printf(why, "'%.64s' is not ", arg);
	for (i = 0; i < n; i++)
		mr_buf_printf(why, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", o->words[i]);
	return -1;
}

/** Append an address or CIDR range to the list; 0, or -1 with a reason. */
static int store_cidr(const mr_option *o, void *cfg, const char *arg, mr_buf *why)
{
	size_t *count = at(cfg, o->off2);
	mr_cidr *list = at(cfg, o->off);
	const char *reason = NULL;

	if (*count >= (size_t)o->hi)
		return mr_buf_printf(why, "at most %.0f %s", o->hi,
		                     mr_plural((unsigned long long)o->hi, "address or range", "addresses or ranges")), -1;
	if (mr_cidr_parse(arg, &list[*count], &reason) != 0)
		return mr_buf_printf(why, "invalid address or range '%.64s': %s", arg, reason ? reason : "not an IP"), -1;
	(*count)++;
	return 0;
}

/** Append a host or domain name to the list; 0, or -1 with a reason. */
static int store_domain(const mr_option *o, void *cfg, const char *arg, mr_buf *why)
{
	size_t *count = at(cfg, o->off2);
	const char **list = at(cfg, o->off);
	const char *reason = NULL;

	if (*count >= (size_t)o->hi)
		return mr_buf_printf(why, "at most %.0f %s", o->hi, mr_plural((unsigned long long)o->hi, "domain", "domains")),
		       -1;
	if (mr_hostname_check(arg, &reason) != 0)
		return mr_buf_printf(why, "invalid domain '%.64s': %s", arg, reason), -1;
	list[(*count)++] = arg;
	return 0;
}

/** Store a number of seconds; 0, or -1 with "invalid number of seconds 'arg' (lo to hi)". */
static int store_seconds(const mr_option *o, void *cfg, const char *arg, mr_buf *why)
{
	char lo[32];
	char hi[32];

	if (mr_parse_double(arg, o->lo, o->hi, at(cfg, o->off)) == 0)
		return 0;
	if (mr_format_double(o->lo, lo, sizeof(lo)) != 0 || mr_format_double(o->hi, hi, sizeof(hi)) != 0)
		lo[0] = hi[0] = '\0';
	mr_buf_printf(why, "invalid number of seconds '%.64s' (%s to %s)", arg, lo, hi);
	return -1;
}

/** Store a typed option value; see options.h. */
int mr_option_store(const mr_option *o, void *cfg, const char *arg, mr_buf *why)
{
	if (o->type != MR_T_FLAG && o->type != MR_T_SET && arg == NULL)
		return mr_buf_puts(why, "a value is required"), -1;
	switch (o->type) {
	case MR_T_FLAG:
		*(int *)at(cfg, o->off) = 1;
		return 0;
	case MR_T_SET:
		*(int *)at(cfg, o->off) = (int)o->lo;
		return 0;
	case MR_T_FILE:
		/* a runtime error, not a bad argument: the caller prints it as one line without the usage */
		if (access(arg, R_OK) != 0)
			return mr_buf_printf(why, "cannot read '%.64s': %s", arg, strerror(errno)), -2;
		*(const char **)at(cfg, o->off) = arg;
		return 0;
	case MR_T_SECRET:
		/* a secret that cannot be masked must not be used */
		switch (mr_secret_register(arg)) {
		case 0:
			break;
		case -2:
			return mr_buf_puts(why, "out of memory"), -1;
		default:
			return mr_buf_puts(why, strlen(arg) < 4 ? "too short for a secret (at least 4 characters)" :
			                                          "too many secrets (at most 32)"), -1;
		}
		*(const char **)at(cfg, o->off) = arg;
		return 0;
	case MR_T_SECRET_FILE:
		/* masked from now on where it can be (4 characters or more); messages never quote it anyway */
		(void)mr_secret_register(arg);
		*(const char **)at(cfg, o->off) = arg;
		return 0;
	case MR_T_STRING:
		*(const char **)at(cfg, o->off) = arg;
		return 0;
	case MR_T_STATE:
		return mr_option_state(arg, at(cfg, o->off), why);
	case MR_T_RANGE:
		if (mr_range_parse(arg, at(cfg, o->off)) != 0)
			return mr_buf_printf(why, "invalid range '%.64s'", arg), -1;
		*(int *)at(cfg, o->off2) = 1;
		return 0;
	case MR_T_COUNT:
		if (mr_parse_long(arg, (long)o->lo, (long)o->hi, at(cfg, o->off)) != 0)
			return mr_buf_printf(why, "invalid number '%.64s' (%ld to %ld)", arg, (long)o->lo, (long)o->hi), -1;
		return 0;
	case MR_T_SECONDS:
		return store_seconds(o, cfg, arg, why);
	case MR_T_DURATION:
		if (parse_duration(arg, (long)o->hi, at(cfg, o->off)) != 0)
			return mr_buf_printf(why, "'%.64s' is not a duration (N with s, m, h or d)", arg), -1;
		*(const char **)at(cfg, o->off2) = arg;
		return 0;
	case MR_T_CIDR_LIST:
		return store_cidr(o, cfg, arg, why);
	case MR_T_DOMAIN_LIST:
		return store_domain(o, cfg, arg, why);
	case MR_T_CHOICE:
		return store_choice(o, cfg, arg, why);
	case MR_T_CUSTOM:
	default:
		return mr_buf_puts(why, "internal error: not a typed option"), -1;
	}
}

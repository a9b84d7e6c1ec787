/* options.c: owns the one command-line parser of the suite: the run-time getopt_long table built from
 * the common options and the plugin's groups, --extra-opts merging and the error messages of parsing.
 * The texts generated from the same tables (--help, usage) are help.c's. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "options_int.h"
#include "secret.h"

/** Ceiling for one error message. */
#define MSG_MAX 1024
/** getopt values of options without a short name start here (above every char). */
#define LONG_ONLY_VAL 1000
/** The option that names ini files; it is consumed before getopt runs. */
#define EXTRA_OPTS "--extra-opts"

/** A row of a common option (its help text is generated). */
#define COMMON_ROW(name_, short_, arg_, arg_name_, id_, flags_) \
	{ .long_name = name_, .short_name = short_, .arg = arg_, .arg_name = arg_name_, .id = id_, .flags = flags_ }

/** Options every plugin has; their help text is generated in help.c. */
const mr_option mr_always_options[] = {
	COMMON_ROW("help", 'h', MR_ARG_NONE, NULL, C_HELP, 0),
	COMMON_ROW("version", 'V', MR_ARG_NONE, NULL, C_VERSION, 0),
	COMMON_ROW("verbose", 'v', MR_ARG_NONE, NULL, C_VERBOSE, MR_OPT_REPEAT),
	COMMON_ROW("timeout", 't', MR_ARG_REQUIRED, "SECONDS[:STATE]", C_TIMEOUT, 0),
	COMMON_ROW("timeout-result", 0, MR_ARG_REQUIRED, "STATE", C_TIMEOUT_RESULT, 0),
	COMMON_ROW("extra-opts", 0, MR_ARG_OPTIONAL, "[SECTION][@FILE]", C_EXTRA_OPTS, MR_OPT_REPEAT),
	COMMON_ROW("output-format", 0, MR_ARG_REQUIRED, "FORMAT", C_FORMAT, 0),
	MR_OPTION_END
};

/** -w/-c, offered with MR_COMMON_THRESHOLDS. */
const mr_option mr_threshold_options[] = {
	COMMON_ROW("warning", 'w', MR_ARG_REQUIRED, "RANGE", C_WARNING, 0),
	COMMON_ROW("critical", 'c', MR_ARG_REQUIRED, "RANGE", C_CRITICAL, 0),
	MR_OPTION_END
};

/** One option of the run-time table. */
typedef struct entry {
	const mr_option *opt;          /**< the row */
	const mr_option_group *group;  /**< its group, NULL for a common option */
	int val;                       /**< what getopt_long returns for it */
} entry;

/** The run-time option table. */
typedef struct table {
	entry *e;                 /**< all options, common ones first */
	size_t n;                 /**< number of entries */
	struct option *longopts;  /**< getopt_long table, ended by a zero row */
	char *shortopts;          /**< getopt optstring */
} table;

/** A block of merged --extra-opts arguments kept alive until exit. */
typedef struct kept {
	char **args;        /**< vector from mr_extra_opts_read */
	int nargs;          /**< its length */
	struct kept *next;  /**< older block */
} kept;

/*
 * Group handlers keep pointers to their argument strings (a zone name, a file name) in the
 * plugin's config, which lives until exit. Strings from argv live that long anyway; strings
 * read from --extra-opts ini files are new memory, so they are kept here until the process
 * exits and freed (wiped, they may hold secrets) by an atexit handler, which keeps leak checkers
 * quiet. This is the only mutable file-scope state of the module.
 */
/** Blocks of ini arguments still referenced by plugin configs. */
static kept *kept_args;
/** 1 once free_kept is registered with atexit. */
static int kept_atexit;

/** atexit handler: wipe and free every kept block of ini arguments. */
static void free_kept(void)
{
	while (kept_args != NULL) {
		kept *k = kept_args;

		kept_args = k->next;
		mr_extra_opts_free(k->args, k->nargs);
		free(k);
	}
}

/** Take ownership of an ini argument vector until exit; 0, or -1 (vector freed) on failure. */
static int keep_args(char **args, int nargs)
{
	kept *k;

	if (!kept_atexit) {
		if (atexit(free_kept) != 0) {
			mr_extra_opts_free(args, nargs);
			return -1;
		}
		kept_atexit = 1;
	}
	k = malloc(sizeof(*k));
	if (k == NULL) {
		mr_extra_opts_free(args, nargs);
		return -1;
	}
	k->args = args;
	k->nargs = nargs;
	k->next = kept_args;
	kept_args = k;
	return 0;
}

/** 1 if p points into an argument read from an ini file; see options.h. */
int mr_options_from_ini(const char *p)
{
	const kept *k;
	int i;

	if (p == NULL)
		return 0;
	for (k = kept_args; k != NULL; k = k->next)
		for (i = 0; i < k->nargs; i++)
			if (p >= k->args[i] && p <= k->args[i] + strlen(k->args[i]))
				return 1;
	return 0;
}

/** The " (from --extra-opts)" suffix for an argument; see options.h. */
const char *mr_options_origin(const char *p)
{
	return mr_options_from_ini(p) ? " (from --extra-opts)" : "";
}

/** 1 if the row's value is a secret or names a secret's file; see options.h. */
int mr_option_is_secret(const mr_option *o)
{
	return (o->flags & MR_OPT_SECRET) || o->type == MR_T_SECRET || o->type == MR_T_SECRET_FILE;
}

/** The program name used in texts. */
const char *mr_prog_name(const mr_plugin_info *p)
{
	return p->name != NULL ? p->name : "check";
}

/* ---- the run-time table ------------------------------------------------------------------- */

/** Free a run-time table. */
static void table_free(table *t)
{
	free(t->e);
	free(t->longopts);
	free(t->shortopts);
	memset(t, 0, sizeof(*t));
}

/** Add the rows of opts (group NULL for common options) to t; 0, or -1 with a reason in err. */
static int table_add(table *t, const mr_option *opts, const mr_option_group *group, mr_buf *err)
{
	const mr_option *o;
	size_t i;

	for (o = opts; o != NULL && o->long_name != NULL; o++) {
		int s = o->short_name;

		if (*o->long_name == '\0' || strchr(o->long_name, '=') != NULL) {
			mr_buf_printf(err, "internal error: invalid option name '%s'", o->long_name);
			return -1;
		}
		if (s != 0 && !((s >= 'a' && s <= 'z') || (s >= 'A' && s <= 'Z') || (s >= '0' && s <= '9'))) {
			mr_buf_printf(err, "--%s: internal error: invalid short option", o->long_name);
			return -1;
		}
		for (i = 0; i < t->n; i++) {
			if (strcmp(t->e[i].opt->long_name, o->long_name) == 0 ||
			    (s != 0 && t->e[i].opt->short_name == s)) {
				mr_buf_printf(err, "--%s: internal error: option defined twice", o->long_name);
				return -1;
			}
		}
		t->e[t->n].opt = o;
		t->e[t->n].group = group;
		t->e[t->n].val = s != 0 ? s : LONG_ONLY_VAL + (int)t->n;
		t->n++;
	}
	return 0;
}

/** Number of rows in an option table. */
static size_t count_rows(const mr_option *opts)
{
	size_t n = 0;

	while (opts != NULL && opts[n].long_name != NULL)
		n++;
	return n;
}

/** Build the run-time table for p; 0, or -1 with a reason in err. */
static int table_build(table *t, const mr_plugin_info *p, mr_buf *err)
{
	size_t total = count_rows(mr_always_options) + count_rows(mr_threshold_options);
	size_t g;
	size_t i;
	size_t k = 0;

	memset(t, 0, sizeof(*t));
	for (g = 0; g < p->ngroups; g++)
		total += count_rows(p->groups[g].options);
	t->e = calloc(total + 1, sizeof(*t->e));
	t->longopts = calloc(total + 1, sizeof(*t->longopts));
	t->shortopts = malloc(3 * total + 3);
	if (t->e == NULL || t->longopts == NULL || t->shortopts == NULL) {
		mr_buf_puts(err, "out of memory");
		return -1;
	}
	if (table_add(t, mr_always_options, NULL, err) != 0)
		return -1;
	if ((p->common_flags & MR_COMMON_THRESHOLDS) && table_add(t, mr_threshold_options, NULL, err) != 0)
		return -1;
	for (g = 0; g < p->ngroups; g++) {
		const mr_option *o;

		for (o = p->groups[g].options; o != NULL && o->long_name != NULL; o++) {
			if (o->type == MR_T_CUSTOM && p->groups[g].handle == NULL) {
				mr_buf_printf(err, "--%s: internal error: option without handler", o->long_name);
				return -1;
			}
		}
		if (table_add(t, p->groups[g].options, &p->groups[g], err) != 0)
			return -1;
	}
	/* '+': stop at the first non-option (none are allowed); ':': report a missing argument as ':' */
	t->shortopts[k++] = '+';
	t->shortopts[k++] = ':';
	for (i = 0; i < t->n; i++) {
		const mr_option *o = t->e[i].opt;

		t->longopts[i].name = o->long_name;
		t->longopts[i].has_arg = o->arg == MR_ARG_REQUIRED ? required_argument :
		                         o->arg == MR_ARG_OPTIONAL ? optional_argument : no_argument;
		t->longopts[i].flag = NULL;
		t->longopts[i].val = t->e[i].val;
		if (o->short_name != 0) {
			t->shortopts[k++] = (char)o->short_name;
			if (o->arg != MR_ARG_NONE)
				t->shortopts[k++] = ':';
			if (o->arg == MR_ARG_OPTIONAL)
				t->shortopts[k++] = ':';
		}
	}
	t->shortopts[k] = '\0';
	return 0;
}

/** The entry getopt_long answered with val, or NULL. */
static const entry *table_find(const table *t, int val)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].val == val)
			return &t->e[i];
	return NULL;
}

/** mr_extra_opts_lookup over a run-time table: an exact long name, or the letter of a short option. */
static int lookup_key(void *user, const char *key, mr_arg *arg)
{
	const table *t = user;
	size_t i;

	for (i = 0; i < t->n; i++) {
		const mr_option *o = t->e[i].opt;

		if (strcmp(o->long_name, key) == 0 ||
		    (key[0] != '\0' && key[1] == '\0' && o->short_name != 0 && o->short_name == (unsigned char)key[0])) {
			if (t->e[i].group == NULL && o->id == C_EXTRA_OPTS)
				return -1; /* an ini file does not name more ini files */
			*arg = o->arg;
			return 0;
		}
	}
	return -1;
}

/** Write "-s/--long" or "--long" for o into dst; see options.h. */
void mr_option_label(const mr_option *o, char *dst, size_t size)
{
	int rc;

	if (o->short_name != 0)
		rc = mr_snprintf(dst, size, "-%c/--%s", o->short_name, o->long_name);
	else
		rc = mr_snprintf(dst, size, "--%s", o->long_name);
	if (rc != 0)
		mr_snprintf(dst, size, "--%.40s", o->long_name);
}

/* ---- argument handling --------------------------------------------------------------------- */

/** Parse -t SECONDS[:STATE] into common; 0 or -1. */
static int parse_timeout(const char *arg, mr_common *common)
{
	char secs[32];
	const char *colon = strchr(arg, ':');
	size_t n = colon != NULL ? (size_t)(colon - arg) : strlen(arg);
	mr_state st = common->timeout_state;
	double t;

	if (n == 0 || n >= sizeof(secs))
		return -1;
	memcpy(secs, arg, n);
	secs[n] = '\0';
	if (mr_parse_double(secs, 0.0, MR_MAX_TIMEOUT, &t) != 0 || !(t > 0.0))
		return -1;
	if (colon != NULL && mr_state_parse(colon + 1, &st) != 0)
		return -1;
	common->timeout = t;
	common->timeout_state = st;
	return 0;
}

/** The value of argv[*i] if it is the option row o, spelled "-x V", "-xV", "--name V" or "--name=V" (*i moves past
 *  a separate value), else NULL. */
static const char *option_value(const mr_option *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	size_t n = strlen(o->long_name);

	if (o->short_name != 0 && a[0] == '-' && a[1] == o->short_name)
		return a[2] != '\0' ? a + 2 : (*i + 1 < argc ? argv[++*i] : NULL);
	if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, o->long_name, n) != 0)
		return NULL;
	if (a[2 + n] == '=')
		return a + 3 + n;
	return a[2 + n] == '\0' && *i + 1 < argc ? argv[++*i] : NULL;
}

/** The row of common option id. */
static const mr_option *common_row(int id)
{
	const mr_option *o;

	for (o = mr_always_options; o->long_name != NULL; o++)
		if (o->id == id)
			break;
	return o;
}

/** The timeout the command line itself gives (its last valid -t before "--"); see options.h. */
void mr_options_early_timeout(int argc, char **argv, double *timeout, mr_state *st)
{
	const mr_option *t = common_row(C_TIMEOUT), *tr = common_row(C_TIMEOUT_RESULT);
	mr_common c;
	int i;

	memset(&c, 0, sizeof(c));
	c.timeout = *timeout;
	c.timeout_state = *st;
	for (i = 1; i < argc && argv[i] != NULL && strcmp(argv[i], "--") != 0; i++) {
		const char *val = option_value(t, argc, argv, &i);

		if (val != NULL)
			(void)parse_timeout(val, &c); /* an invalid one is the parser's to report */
		else if ((val = option_value(tr, argc, argv, &i)) != NULL)
			(void)mr_state_parse(val, &c.timeout_state);
	}
	*timeout = c.timeout;
	*st = c.timeout_state;
}

/** Apply a common option; MR_PARSE_OK, MR_PARSE_EXIT after --help/--version, or MR_PARSE_ERROR with a reason. */
static mr_parse_status apply_common(const mr_plugin_info *p, int id, const char *arg, mr_common *common,
                                    mr_buf *why)
{
	switch (id) {
	case C_HELP:
		mr_options_print_help(p);
		return MR_PARSE_EXIT;
	case C_VERSION:
		printf("%s v%s (mailrep-plugins %s)\n", mr_prog_name(p), PACKAGE_VERSION, PACKAGE_VERSION);
		fflush(stdout);
		return MR_PARSE_EXIT;
	case C_VERBOSE:
		if (common->verbose < MR_MAX_VERBOSE)
			common->verbose++;
		return MR_PARSE_OK;
	case C_TIMEOUT:
		if (parse_timeout(arg, common) == 0)
			return MR_PARSE_OK;
		mr_buf_printf(why, "invalid value '%.64s' (seconds, optionally :STATE)", arg);
		return MR_PARSE_ERROR;
	case C_TIMEOUT_RESULT:
		return mr_option_state(arg, &common->timeout_state, why) == 0 ? MR_PARSE_OK : MR_PARSE_ERROR;
	case C_EXTRA_OPTS:
		/* the exact forms were consumed before getopt; this is an abbreviation or follows "--" */
		mr_buf_puts(why, "write it in full, before any \"--\"");
		return MR_PARSE_ERROR;
	case C_FORMAT:
		if (mr_format_parse(arg, &common->format) == 0)
			return MR_PARSE_OK;
		mr_buf_printf(why, "invalid value '%.64s' (multi-line, one-line or json)", arg);
		return MR_PARSE_ERROR;
	case C_WARNING:
		if (mr_range_parse(arg, &common->thr.warn) == 0) {
			common->thr.has_warn = 1;
			return MR_PARSE_OK;
		}
		mr_buf_printf(why, "invalid range '%.64s'", arg);
		return MR_PARSE_ERROR;
	case C_CRITICAL:
		if (mr_range_parse(arg, &common->thr.crit) == 0) {
			common->thr.has_crit = 1;
			return MR_PARSE_OK;
		}
		mr_buf_printf(why, "invalid range '%.64s'", arg);
		return MR_PARSE_ERROR;
	default:
		mr_buf_puts(why, "internal error: unknown common option");
		return MR_PARSE_ERROR;
	}
}

/** Apply one parsed option; as apply_common, the reason in why without the option name. */
static mr_parse_status apply(const mr_plugin_info *p, const entry *e, const char *arg, mr_common *common,
                             mr_buf *why)
{
	const mr_option *o = e->opt;
	int rc;

	if (e->group == NULL)
		return apply_common(p, o->id, arg, common, why);
	if (o->type != MR_T_CUSTOM) {
		int r = mr_option_store(o, e->group->cfg, arg, why);

		return r == 0 ? MR_PARSE_OK : r == -2 ? MR_PARSE_FAIL : MR_PARSE_ERROR;
	}
	if ((o->flags & MR_OPT_SECRET) && arg != NULL && (rc = mr_secret_register(arg)) != 0) {
		/* a secret that cannot be masked must not be used */
		mr_buf_puts(why, rc == -2 ? "out of memory" :
		                 strlen(arg) < 4 ? "too short for a secret (at least 4 characters)" :
		                                   "too many secrets (at most 32)");
		return MR_PARSE_ERROR;
	}
	if (e->group->handle == NULL) {
		mr_buf_puts(why, "internal error: option without handler");
		return MR_PARSE_ERROR;
	}
	if (e->group->handle(e->group->cfg, o->id, arg, why) != 0) {
		if (why->len == 0)
			mr_buf_puts(why, "invalid value");
		return MR_PARSE_ERROR;
	}
	return MR_PARSE_OK;
}

/** Write the message for getopt's '?' answer into err; returns 1 if it was "-?" (show usage). */
static int unknown_option(const table *t, char **av, int ac, mr_buf *err)
{
	const char *arg = optind >= 1 && optind <= ac ? av[optind - 1] : "";
	size_t nlen;
	size_t i;
	int matches = 0;

	if (optopt != 0) {
		const entry *e = table_find(t, optopt);

		if (e != NULL && strncmp(arg, "--", 2) == 0) {
			char name[96];

			mr_option_label(e->opt, name, sizeof(name));
			mr_buf_printf(err, "%s: takes no argument", name);
			return 0;
		}
		if (optopt == '?')
			return 1;
		if (optopt > ' ' && optopt < 127)
			mr_buf_printf(err, "unknown option '-%c'", optopt);
		else
			mr_buf_puts(err, "unknown option");
		return 0;
	}
	if (strncmp(arg, "--", 2) != 0) {
		mr_buf_puts(err, "unknown option");
		return 0;
	}
	/* never echo a value: it may be a secret given to a misspelt option */
	nlen = strcspn(arg + 2, "=");
	for (i = 0; i < t->n; i++)
		if (strncmp(t->e[i].opt->long_name, arg + 2, nlen) == 0)
			matches++;
	if (nlen > 0 && matches > 1) {
		int first = 1;

		mr_buf_printf(err, "ambiguous option '--%.*s' (", (int)(nlen > 64 ? 64 : nlen), arg + 2);
		for (i = 0; i < t->n; i++) {
			if (strncmp(t->e[i].opt->long_name, arg + 2, nlen) == 0) {
				mr_buf_printf(err, "%s--%s", first ? "" : ", ", t->e[i].opt->long_name);
				first = 0;
			}
		}
		mr_buf_puts(err, ")");
		return 0;
	}
	mr_buf_printf(err, "unknown option '--%.*s'", (int)(nlen > 64 ? 64 : nlen), arg + 2);
	return 0;
}

/**
 * Build the merged argument vector: argv[0], the ini arguments of every --extra-opts (in order),
 * then the other command-line arguments. The ini strings are handed to keep_args; the vector
 * itself (*out) is the caller's to free. *nini = number of ini arguments. 0, or -1 with err.
 */
static int merge_args(const mr_plugin_info *p, table *t, int argc, char **argv, char *argv0, char ***out,
                      int *outc, int *nini, mr_buf *err)
{
	char **v = NULL;
	int cap = argc + 2;
	int n = 1;
	int i;
	int stop = 0;
	int rc = -1;

	*out = NULL;
	*outc = 0;
	*nini = 0;
	v = malloc((size_t)cap * sizeof(*v));
	if (v == NULL) {
		mr_buf_puts(err, "out of memory");
		goto out;
	}
	v[0] = argc > 0 && argv[0] != NULL ? argv[0] : argv0;
	/* first pass: the ini arguments, in the order of the --extra-opts options */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *spec;
		char **args = NULL;
		int nargs = 0;
		mr_buf why;

		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, EXTRA_OPTS) == 0)
			spec = NULL;
		else if (strncmp(a, EXTRA_OPTS "=", sizeof(EXTRA_OPTS)) == 0)
			spec = a + sizeof(EXTRA_OPTS);
		else
			continue;
		mr_buf_init(&why, MSG_MAX);
		if (mr_extra_opts_read(spec, mr_prog_name(p), lookup_key, t, &args, &nargs, &why) != 0) {
			mr_buf_printf(err, "--extra-opts: %s", mr_buf_str(&why));
			mr_buf_free(&why);
			goto out;
		}
		mr_buf_free(&why);
		if (nargs > 0 && cap - n < nargs + argc + 1) {
			char **bigger;

			cap = n + nargs + argc + 1;
			bigger = realloc(v, (size_t)cap * sizeof(*v));
			if (bigger == NULL) {
				mr_extra_opts_free(args, nargs);
				mr_buf_puts(err, "out of memory");
				goto out;
			}
			v = bigger;
		}
		memcpy(v + n, args, (size_t)nargs * sizeof(*v));
		if (keep_args(args, nargs) != 0) {
			mr_buf_puts(err, "out of memory");
			goto out;
		}
		n += nargs;
		*nini += nargs;
	}
	/* second pass: the command line without the --extra-opts options */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!stop && strcmp(a, "--") == 0)
			stop = 1;
		else if (!stop && (strcmp(a, EXTRA_OPTS) == 0 || strncmp(a, EXTRA_OPTS "=", sizeof(EXTRA_OPTS)) == 0))
			continue;
		v[n++] = argv[i];
	}
	v[n] = NULL;
	*out = v;
	*outc = n;
	v = NULL;
	rc = 0;
out:
	free(v);
	return rc;
}

/** Merge --extra-opts arguments, parse everything and fill common; see options.h. */
mr_parse_status mr_options_parse(const mr_plugin_info *p, int argc, char **argv, mr_common *common,
                                 mr_buf *err)
{
	mr_parse_status status = MR_PARSE_ERROR;
	char argv0[64];
	table t;
	mr_buf why;
	char **av = NULL;
	int ac = 0;
	int nini = 0;

	memset(&t, 0, sizeof(t));
	mr_buf_init(&why, MSG_MAX);
	memset(common, 0, sizeof(*common));
	common->verbose = 0;
	common->timeout = p->default_timeout > 0 ? p->default_timeout : MR_FALLBACK_TIMEOUT;
	common->timeout_state = MR_UNKNOWN;
	common->format = MR_FMT_MULTILINE;

	if (table_build(&t, p, err) != 0)
		goto out;
	if (mr_snprintf(argv0, sizeof(argv0), "%s", mr_prog_name(p)) != 0)
		argv0[0] = '\0';
	if (merge_args(p, &t, argc, argv, argv0, &av, &ac, &nini, err) != 0) {
		status = MR_PARSE_FAIL; /* an ini file that cannot be read or used: one line, no usage */
		goto out;
	}

	opterr = 0;
	optind = 0; /* 0 makes glibc start afresh, so tests may parse many times */
	for (;;) {
		int at = optind > 0 ? optind : 1; /* the element holding the option getopt looks at next */
		const char *origin;
		const entry *e;
		mr_parse_status st;
		char name[96];
		int c;

		optarg = NULL;
		optopt = 0;
		c = getopt_long(ac, av, t.shortopts, t.longopts, NULL);
		if (c == -1)
			break;
		origin = at <= nini ? " (from --extra-opts)" : "";
		if (c == '?') {
			if (unknown_option(&t, av, ac, err)) {
				mr_options_print_usage(p);
				status = MR_PARSE_EXIT;
				goto out;
			}
			mr_buf_puts(err, origin);
			goto out;
		}
		if (c == ':') {
			e = table_find(&t, optopt);
			if (e != NULL)
				mr_option_label(e->opt, name, sizeof(name));
			mr_buf_printf(err, "%s: requires an argument%s", e != NULL ? name : "option", origin);
			goto out;
		}
		e = table_find(&t, c);
		if (e == NULL) {
			mr_buf_puts(err, "internal error: unexpected option");
			goto out;
		}
		mr_buf_reset(&why);
		st = apply(p, e, optarg, common, &why);
		if (st == MR_PARSE_EXIT) {
			status = MR_PARSE_EXIT;
			goto out;
		}
		if (st != MR_PARSE_OK) {
			mr_option_label(e->opt, name, sizeof(name));
			mr_buf_printf(err, "%s: %s%s", name, mr_buf_str(&why), origin);
			status = st;
			goto out;
		}
	}
	if (optind < ac) {
		mr_buf_printf(err, "unexpected argument '%.64s'", av[optind]);
		goto out;
	}
	status = MR_PARSE_OK;
out:
	if (status == MR_PARSE_ERROR && err->len == 0)
		mr_buf_puts(err, "invalid arguments");
	optind = 0;
	free(av);
	table_free(&t);
	mr_buf_free(&why);
	return status;
}

/* test_options.c: unit tests of the shared option parser, --help/usage texts, --extra-opts ini reading
 * (common/options.c, common/extraopts.c) and the deadline helpers (common/deadline.c). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/options.h"
#include "common/secret.h"
#include "tests/unit/unit_util.h"

/* ---- a test plugin ------------------------------------------------------------------------- */

/** Ids of the test plugin's options. */
enum { O_ZONE, O_RATE, O_NODEF, O_COLOR, O_KEY, O_SERVER };

/** Most handler calls recorded. */
#define MAX_CALLS 32

/** What the test handlers saw. */
typedef struct tcfg {
	int calls;                     /**< number of handler calls */
	int ids[MAX_CALLS];            /**< option id of each call */
	const char *args[MAX_CALLS];   /**< argument pointer of each call (kept, as plugins do) */
	char copies[MAX_CALLS][256];   /**< argument text at call time ("(null)" for NULL) */
	char masked[MAX_CALLS][256];   /**< the argument after mr_secret_mask at call time */
	int fail_id;                   /**< the handler fails for this id (-1: never) */
} tcfg;

/** The recorder behind both test groups. */
static tcfg rec;

/** Test handler: record the call; fail with "bad value" for rec.fail_id. */
static int record(void *cfg, int id, const char *arg, mr_buf *err)
{
	tcfg *t = cfg;
	int i = t->calls;

	if (i >= MAX_CALLS)
		return -1;
	t->ids[i] = id;
	t->args[i] = arg;
	assert_int_equal(mr_snprintf(t->copies[i], sizeof(t->copies[i]), "%s", arg != NULL ? arg : "(null)"), 0);
	memcpy(t->masked[i], t->copies[i], sizeof(t->masked[i]));
	mr_secret_mask(t->masked[i], strlen(t->masked[i]));
	t->calls++;
	if (id == t->fail_id) {
		mr_buf_puts(err, "bad value");
		return -1;
	}
	return 0;
}

/** The test plugin's own options. */
static const mr_option plugin_opts[] = {
	{ "zone", 'z', MR_ARG_REQUIRED, "ZONE[=CODES]",
	  "Add a DNS block list zone; CODES in Postfix syntax such as 127.0.0.[2..11] or "
	  "127.0.0.[2;4;10] restrict which answers count as listings, see "
	  "https://www.postfix.org/postconf.5.html#reject_rbl_client_and_a_very_long_unbreakable_anchor_name_here "
	  "for details.",
	  O_ZONE, MR_OPT_REPEAT,
	  MR_T_CUSTOM, 0, 0, 0, 0, NULL, NULL },
	{ "rate", 0, MR_ARG_REQUIRED, "QPS", "Queries per second, 0 for no limit.", O_RATE, 0,
	  MR_T_CUSTOM, 0, 0, 0, 0, NULL, NULL },
	{ "no-default-zones", 0, MR_ARG_NONE, NULL, "Do not use the built-in zones.", O_NODEF, 0,
	  MR_T_CUSTOM, 0, 0, 0, 0, NULL, NULL },
	{ "color", 0, MR_ARG_OPTIONAL, "WHEN", "An option with an optional argument.\nSecond paragraph:\n"
	  "    indented example line that is long enough to need wrapping at eighty columns for sure",
	  O_COLOR, 0,
	  MR_T_CUSTOM, 0, 0, 0, 0, NULL, NULL },
	{ "dqs-key", 0, MR_ARG_REQUIRED, "KEY", "Spamhaus DQS key (a secret).", O_KEY, MR_OPT_SECRET,
	  MR_T_CUSTOM, 0, 0, 0, 0, NULL, NULL },
	MR_OPTION_END
};

/** The test plugin's DNS group. */
static const mr_option dns_opts[] = {
	{ "server", 's', MR_ARG_REQUIRED, "ADDRESS[:PORT]", "Resolver to ask.", O_SERVER, MR_OPT_REPEAT,
	  MR_T_CUSTOM, 0, 0, 0, 0, NULL, NULL },
	MR_OPTION_END
};

/** Both groups, handled by record(). */
static const mr_option_group groups[] = {
	{ "Zone options", plugin_opts, record, &rec },
	{ "DNS options:", dns_opts, record, &rec },
};

/** A plugin with thresholds. */
static const mr_plugin_info info = {
	"check_test", "TEST",
	"Checks whether an address is listed on DNS block lists. This purpose text is long enough to be "
	"wrapped at eighty columns by the help printer.",
	"-H TARGET [-H TARGET...] [-z ZONE[=CODES]...] [--no-default-zones]\n[-s SERVER] [-w RANGE] "
	"[-c RANGE] [-t SECONDS[:STATE]] [-v] [--extra-opts=[SECTION][@FILE]] [--output-format=FORMAT]",
	"Notes: ini files hold one key per line.\nExample:\n  check_test -z zen.spamhaus.org",
	15.0, MR_COMMON_THRESHOLDS, "Warn when this many zones list the target.", NULL,
	groups, 2, NULL
};

/** The same plugin without -w/-c. */
static const mr_plugin_info info_nothr = {
	"check_test", "TEST", "No thresholds.", "[-z ZONE]", NULL, 0.0, 0, NULL, NULL, groups, 2, NULL
};

/* ---- helpers --------------------------------------------------------------------------------- */

/** Argument strings handed to the parser, freed at the end (handlers keep pointers to them). */
static char *pool[1024];
/** Used entries of pool. */
static int npool;

/** Copy s into the pool. */
static char *pooled(const char *s)
{
	assert_true(npool < (int)(sizeof(pool) / sizeof(pool[0])));
	pool[npool] = strdup(s);
	assert_non_null(pool[npool]);
	return pool[npool++];
}

/** Run mr_options_parse on "check_test" plus the NULL-terminated arguments. */
static mr_parse_status vparse(const mr_plugin_info *p, mr_common *c, mr_buf *err, va_list ap)
{
	char *argv[64];
	int argc = 0;
	const char *a;

	argv[argc++] = pooled("check_test");
	while ((a = va_arg(ap, const char *)) != NULL) {
		assert_true(argc < 63);
		argv[argc++] = pooled(a);
	}
	argv[argc] = NULL;
	mr_buf_reset(err);
	return mr_options_parse(p, argc, argv, c, err);
}

/** mr_options_parse with the test plugin and the NULL-terminated arguments. */
static mr_parse_status parse(mr_common *c, mr_buf *err, ...)
{
	mr_parse_status st;
	va_list ap;

	va_start(ap, err);
	st = vparse(&info, c, err, ap);
	va_end(ap);
	return st;
}

/** Expect the NULL-terminated arguments to fail with exactly msg. */
static void expect_error(const char *msg, ...)
{
	mr_parse_status st;
	mr_common c;
	mr_buf err;
	va_list ap;

	mr_buf_init(&err, 4096);
	va_start(ap, msg);
	st = vparse(&info, &c, &err, ap);
	va_end(ap);
	if (st != MR_PARSE_ERROR || strcmp(mr_buf_str(&err), msg) != 0)
		fail_msg("expected error '%s', got status %d '%s'", msg, (int)st, mr_buf_str(&err));
	mr_buf_free(&err);
}

/** Assert that every line of text is at most 80 columns; returns the number of lines. */
static int check_width(const char *text)
{
	int lines = 0;

	while (*text != '\0') {
		const char *nl = strchr(text, '\n');
		size_t n = nl != NULL ? (size_t)(nl - text) : strlen(text);

		if (n > 80)
			fail_msg("line longer than 80 columns (%zu): '%.*s'", n, (int)n, text);
		if (n > 0 && text[n - 1] == ' ')
			fail_msg("trailing blank: '%.*s'", (int)n, text);
		lines++;
		text += n + (nl != NULL ? 1 : 0);
	}
	return lines;
}

/** Assert that text starts with prefix. */
static void starts_with(const char *text, const char *prefix)
{
	if (strncmp(text, prefix, strlen(prefix)) != 0)
		fail_msg("'%.200s' should start with '%s'", text, prefix);
}

/** Write a NUL-terminated text to name in the scratch directory; returns the path. */
static const char *write_text(const char *name, const char *text)
{
	return scratch_write(name, text, strlen(text), 0644);
}

/** "--extra-opts=SPEC" in the pool. */
static const char *extra(const char *spec)
{
	char buf[600];

	assert_int_equal(mr_snprintf(buf, sizeof(buf), "--extra-opts=%s", spec), 0);
	return pooled(buf);
}

/** "@path" of name in the scratch directory, optionally after a section, in the pool. */
static const char *at_file(const char *section, const char *name)
{
	char buf[600];

	assert_int_equal(mr_snprintf(buf, sizeof(buf), "%s@%s", section != NULL ? section : "", scratch_path(name)), 0);
	return pooled(buf);
}

/** Read ini arguments for spec and compare them with the NULL-terminated expected list. */
static void expect_args(const char *spec, ...)
{
	char **args = NULL;
	int nargs = 0;
	mr_buf err;
	va_list ap;
	const char *want;
	int i = 0;

	mr_buf_init(&err, 4096);
	if (mr_extra_opts_read(spec, "check_test", NULL, NULL, &args, &nargs, &err) != 0)
		fail_msg("reading '%s' failed: %s", spec != NULL ? spec : "(default)", mr_buf_str(&err));
	va_start(ap, spec);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (i >= nargs)
			fail_msg("missing argument %d '%s'", i, want);
		assert_string_equal(args[i], want);
		i++;
	}
	va_end(ap);
	assert_int_equal(nargs, i);
	mr_extra_opts_free(args, nargs);
	mr_buf_free(&err);
}

/** Expect reading spec to fail with an error containing what (and not containing never, if given). */
static void expect_read_error(const char *spec, const char *what, const char *never)
{
	char **args = NULL;
	int nargs = -1;
	mr_buf err;

	mr_buf_init(&err, 4096);
	if (mr_extra_opts_read(spec, "check_test", NULL, NULL, &args, &nargs, &err) == 0)
		fail_msg("reading '%s' should fail with '%s'", spec != NULL ? spec : "(default)", what);
	assert_null(args);
	assert_int_equal(nargs, 0);
	if (strstr(mr_buf_str(&err), what) == NULL)
		fail_msg("error '%s' should contain '%s'", mr_buf_str(&err), what);
	if (never != NULL && strstr(mr_buf_str(&err), never) != NULL)
		fail_msg("error '%s' must not show '%s'", mr_buf_str(&err), never);
	mr_buf_free(&err);
}

/** Group setup: a scratch directory and no ini search variables. */
static int group_setup(void **state)
{
	(void)state;
	if (scratch_init("test_options") != 0)
		return -1;
	unsetenv("MP_CONFIG_FILE");
	unsetenv("NAGIOS_CONFIG_PATH");
	return 0;
}

/** Group teardown: remove the scratch directory, free the pool. */
static int group_teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < npool; i++)
		free(pool[i]);
	npool = 0;
	mr_secret_clear();
	return scratch_remove();
}

/** Per-test setup: empty recorder, no secrets, no ini environment. */
static int reset(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof(rec));
	rec.fail_id = -1;
	mr_secret_clear();
	unsetenv("MP_CONFIG_FILE");
	unsetenv("NAGIOS_CONFIG_PATH");
	return 0;
}

/* ---- common options ------------------------------------------------------------------------ */

/** Without arguments: not verbose, 15 s timeout ending UNKNOWN, multi-line output, no thresholds, no handler call. */
static void test_defaults_without_arguments(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(parse(&c, &err, NULL), MR_PARSE_OK);
	assert_int_equal(c.verbose, 0);
	assert_true(c.timeout == 15.0);
	assert_int_equal(c.timeout_state, MR_UNKNOWN);
	assert_int_equal(c.format, MR_FMT_MULTILINE);
	assert_int_equal(c.thr.has_warn, 0);
	assert_int_equal(c.thr.has_crit, 0);
	assert_int_equal(rec.calls, 0);
	mr_buf_free(&err);
}

/** -w/-c set the warning and critical ranges (each alone too); an invalid range is an error naming the option. */
static void test_warning_sets_warn_and_critical_sets_crit(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(parse(&c, &err, "-w", "5", "-c", "10:", NULL), MR_PARSE_OK);
	assert_int_equal(c.thr.has_warn, 1);
	assert_int_equal(c.thr.has_crit, 1);
	assert_true(c.thr.warn.end == 5.0);
	assert_int_equal(c.thr.warn.end_inf, 0);
	assert_true(c.thr.crit.start == 10.0);
	assert_int_equal(c.thr.crit.end_inf, 1);

	assert_int_equal(parse(&c, &err, "--critical=7", NULL), MR_PARSE_OK);
	assert_int_equal(c.thr.has_warn, 0);
	assert_int_equal(c.thr.has_crit, 1);
	assert_true(c.thr.crit.end == 7.0);

	assert_int_equal(parse(&c, &err, "--warning=@1:2", NULL), MR_PARSE_OK);
	assert_int_equal(c.thr.has_warn, 1);
	assert_int_equal(c.thr.has_crit, 0);
	assert_int_equal(c.thr.warn.inside, 1);
	mr_buf_free(&err);
	expect_error("-w/--warning: invalid range 'x'", "-w", "x", NULL);
	expect_error("-c/--critical: invalid range '1:2:3'", "-c", "1:2:3", NULL);
}

/** A plugin without thresholds knows no -w/--critical, and its default timeout 0 means 10 s. */
static void test_thresholds_exist_only_when_the_plugin_asks(void **state)
{
	mr_common c;
	mr_buf err;
	char *argv[] = { pooled("check_test"), pooled("-w"), pooled("1"), NULL };
	char *argv2[] = { pooled("check_test"), pooled("--critical=1"), NULL };

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(mr_options_parse(&info_nothr, 3, argv, &c, &err), MR_PARSE_ERROR);
	assert_string_equal(mr_buf_str(&err), "unknown option '-w'");
	mr_buf_reset(&err);
	assert_int_equal(mr_options_parse(&info_nothr, 2, argv2, &c, &err), MR_PARSE_ERROR);
	assert_string_equal(mr_buf_str(&err), "unknown option '--critical'");
	assert_true(c.timeout == 10.0); /* default_timeout 0 falls back to 10 */
	mr_buf_free(&err);
}

/** -v and --verbose add up and stop at 3. */
static void test_verbose_repeats_and_caps_at_three(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(parse(&c, &err, "-v", NULL), MR_PARSE_OK);
	assert_int_equal(c.verbose, 1);
	assert_int_equal(parse(&c, &err, "-v", "--verbose", NULL), MR_PARSE_OK);
	assert_int_equal(c.verbose, 2);
	assert_int_equal(parse(&c, &err, "-vvvvv", NULL), MR_PARSE_OK);
	assert_int_equal(c.verbose, 3);
	mr_buf_free(&err);
}

/** -t takes seconds with an optional :STATE (name or number); --timeout-result sets the state alone. */
static void test_timeout_accepts_seconds_and_state(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(parse(&c, &err, "-t", "7.5", NULL), MR_PARSE_OK);
	assert_true(c.timeout == 7.5);
	assert_int_equal(c.timeout_state, MR_UNKNOWN);
	assert_int_equal(parse(&c, &err, "--timeout=10:critical", NULL), MR_PARSE_OK);
	assert_true(c.timeout == 10.0);
	assert_int_equal(c.timeout_state, MR_CRITICAL);
	assert_int_equal(parse(&c, &err, "-t3600:1", NULL), MR_PARSE_OK);
	assert_true(c.timeout == 3600.0);
	assert_int_equal(c.timeout_state, MR_WARNING);
	assert_int_equal(parse(&c, &err, "--timeout-result=critical", "-t", "5", NULL), MR_PARSE_OK);
	assert_int_equal(c.timeout_state, MR_CRITICAL);
	assert_int_equal(parse(&c, &err, "--timeout-result=0", NULL), MR_PARSE_OK);
	assert_int_equal(c.timeout_state, MR_OK);
	mr_buf_free(&err);
}

/** -t refuses non-numbers, 0, over 3600, negatives, bad states and empty values; --timeout-result bad states. */
static void test_timeout_rejects_bad_values(void **state)
{
	(void)state;
	expect_error("-t/--timeout: invalid value 'x' (seconds, optionally :STATE)", "-t", "x", NULL);
	expect_error("-t/--timeout: invalid value '0' (seconds, optionally :STATE)", "-t", "0", NULL);
	expect_error("-t/--timeout: invalid value '3601' (seconds, optionally :STATE)", "-t", "3601", NULL);
	expect_error("-t/--timeout: invalid value '-1' (seconds, optionally :STATE)", "-t", "-1", NULL);
	expect_error("-t/--timeout: invalid value '5:bogus' (seconds, optionally :STATE)", "-t", "5:bogus", NULL);
	expect_error("-t/--timeout: invalid value ':2' (seconds, optionally :STATE)", "-t", ":2", NULL);
	expect_error("-t/--timeout: invalid value '' (seconds, optionally :STATE)", "--timeout=", NULL);
	expect_error("--timeout-result: 'maybe' is not ok, warning, critical, unknown or 0-3",
	             "--timeout-result", "maybe", NULL);
}

/** --output-format takes json and one-line (joined or separate argument) and refuses others. */
static void test_output_format_values(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(parse(&c, &err, "--output-format=json", NULL), MR_PARSE_OK);
	assert_int_equal(c.format, MR_FMT_JSON);
	assert_int_equal(parse(&c, &err, "--output-format", "one-line", NULL), MR_PARSE_OK);
	assert_int_equal(c.format, MR_FMT_ONELINE);
	mr_buf_free(&err);
	expect_error("--output-format: invalid value 'xml' (multi-line, one-line or json)",
	             "--output-format=xml", NULL);
}

/** Unknown or ambiguous options, missing or surplus option arguments and operands are errors; values not echoed. */
static void test_unknown_ambiguous_and_malformed_options(void **state)
{
	(void)state;
	expect_error("unknown option '--foo'", "--foo", NULL);
	expect_error("unknown option '--password'", "--password=hunter2-secret", NULL);
	expect_error("unknown option '-q'", "-q", NULL);
	expect_error("unknown option '-q'", "-vq", NULL);
	expect_error("ambiguous option '--time' (--timeout, --timeout-result)", "--time=5", NULL);
	expect_error("-z/--zone: requires an argument", "--zone", NULL);
	expect_error("-z/--zone: requires an argument", "-v", "-z", NULL);
	expect_error("--rate: requires an argument", "--rate", NULL);
	expect_error("--no-default-zones: takes no argument", "--no-default-zones=yes", NULL);
	expect_error("-h/--help: takes no argument", "--help=all", NULL);
	expect_error("unexpected argument 'foo'", "foo", NULL);
	expect_error("unexpected argument 'foo'", "-v", "foo", "-v", NULL);
	expect_error("unexpected argument '-v'", "--", "-v", NULL);
	expect_error("--extra-opts: write it in full, before any \"--\"", "--extra=x", NULL);
}

/** An unambiguous prefix of a long option is accepted. */
static void test_abbreviated_long_option_is_accepted(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(parse(&c, &err, "--verb", "--output=json", NULL), MR_PARSE_OK);
	assert_int_equal(c.verbose, 1);
	assert_int_equal(c.format, MR_FMT_JSON);
	mr_buf_free(&err);
}

/* ---- plugin groups ------------------------------------------------------------------------- */

/** Plugin option handlers get their ids and arguments in command-line order, optional arguments as NULL. */
static void test_group_handlers_get_ids_and_args_in_order(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(parse(&c, &err, "-z", "zen.example", "--no-default-zones", "--rate=2.5", "-s", "192.0.2.1",
	                       "--color", "--color=always", "-zb.example", "-v", NULL),
	                 MR_PARSE_OK);
	assert_int_equal(rec.calls, 7);
	assert_int_equal(rec.ids[0], O_ZONE);
	assert_string_equal(rec.copies[0], "zen.example");
	assert_int_equal(rec.ids[1], O_NODEF);
	assert_null(rec.args[1]);
	assert_int_equal(rec.ids[2], O_RATE);
	assert_string_equal(rec.copies[2], "2.5");
	assert_int_equal(rec.ids[3], O_SERVER);
	assert_string_equal(rec.copies[3], "192.0.2.1");
	assert_int_equal(rec.ids[4], O_COLOR);
	assert_null(rec.args[4]);
	assert_int_equal(rec.ids[5], O_COLOR);
	assert_string_equal(rec.copies[5], "always");
	assert_int_equal(rec.ids[6], O_ZONE);
	assert_string_equal(rec.copies[6], "b.example");
	assert_int_equal(c.verbose, 1);
	mr_buf_free(&err);
}

/** A handler's refusal is reported after the option's names. */
static void test_handler_reason_is_prefixed_with_the_option_name(void **state)
{
	(void)state;
	rec.fail_id = O_ZONE;
	expect_error("-z/--zone: bad value", "--zone=x", NULL);
	rec.fail_id = O_RATE;
	expect_error("--rate: bad value", "--rate", "-1", NULL);
}

/** A secret option is registered (masked) before its handler runs; a too short secret is refused. */
static void test_secret_is_registered_before_the_handler_sees_it(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(parse(&c, &err, "--dqs-key=abcdefghijklmnopqrstuvwxyz", NULL), MR_PARSE_OK);
	assert_int_equal(rec.calls, 1);
	assert_string_equal(rec.copies[0], "abcdefghijklmnopqrstuvwxyz");
	assert_string_equal(rec.masked[0], "***");
	mr_buf_free(&err);
	expect_error("--dqs-key: too short for a secret (at least 4 characters)", "--dqs-key=abc", NULL);
}

/** A second parse starts from the defaults, with no state left from the first. */
static void test_parsing_twice_starts_afresh(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(parse(&c, &err, "-v", "-z", "a", NULL), MR_PARSE_OK);
	assert_int_equal(parse(&c, &err, "--bogus", NULL), MR_PARSE_ERROR);
	assert_int_equal(parse(&c, &err, "-z", "b", NULL), MR_PARSE_OK);
	assert_int_equal(c.verbose, 0);
	assert_int_equal(rec.calls, 2);
	assert_string_equal(rec.copies[1], "b");
	mr_buf_free(&err);
}

/** A plugin option clashing with a common long or short option is an internal error; -w is free without thresholds. */
static void test_duplicate_option_definitions_are_refused(void **state)
{
	static const mr_option dup_opts[] = {
		{ "verbose", 0, MR_ARG_NONE, NULL, "clashes with the common -v", 1, 0,
		  MR_T_CUSTOM, 0, 0, 0, 0, NULL, NULL },
		MR_OPTION_END
	};
	static const mr_option dup_short[] = {
		{ "trace", 'w', MR_ARG_NONE, NULL, "clashes with -w", 1, 0,
		  MR_T_CUSTOM, 0, 0, 0, 0, NULL, NULL },
		MR_OPTION_END
	};
	mr_option_group g = { "Bad", dup_opts, record, &rec };
	mr_plugin_info p = info;
	mr_common c;
	mr_buf err;
	char *argv[] = { pooled("check_test"), NULL };

	(void)state;
	mr_buf_init(&err, 4096);
	p.groups = &g;
	p.ngroups = 1;
	assert_int_equal(mr_options_parse(&p, 1, argv, &c, &err), MR_PARSE_ERROR);
	assert_non_null(strstr(mr_buf_str(&err), "--verbose: internal error"));
	g.options = dup_short;
	mr_buf_reset(&err);
	assert_int_equal(mr_options_parse(&p, 1, argv, &c, &err), MR_PARSE_ERROR);
	assert_non_null(strstr(mr_buf_str(&err), "--trace: internal error"));
	p.common_flags = 0; /* without thresholds, -w is free */
	mr_buf_reset(&err);
	assert_int_equal(mr_options_parse(&p, 1, argv, &c, &err), MR_PARSE_OK);
	mr_buf_free(&err);
}

/* ---- texts ----------------------------------------------------------------------------------- */

/** --help prints the version, description, usage, every option and the notes within 80 columns, then exits. */
static void test_help_lists_every_option_within_80_columns(void **state)
{
	mr_common c;
	mr_buf err;
	char *out;

	(void)state;
	mr_buf_init(&err, 4096);
	capture_begin();
	assert_int_equal(parse(&c, &err, "-v", "--help", "-z", "never-reached", NULL), MR_PARSE_EXIT);
	out = capture_end();
	assert_int_equal(rec.calls, 0);
	starts_with(out, "check_test v" PACKAGE_VERSION " (mailrep-plugins " PACKAGE_VERSION ")\n\n");
	check_width(out);
	assert_non_null(strstr(out, "\n\nChecks whether an address is listed on DNS block lists."));
	assert_non_null(strstr(out, "\nUsage:\n  check_test -H TARGET"));
	assert_non_null(strstr(out, "\n  -h, --help\n      Print this help"));
	assert_non_null(strstr(out, "\n  -V, --version\n"));
	assert_non_null(strstr(out, "\n  -v, --verbose\n"));
	assert_non_null(strstr(out, "\n  -t, --timeout=SECONDS[:STATE]\n"));
	assert_non_null(strstr(out, "Default: 15."));
	assert_non_null(strstr(out, "\n  --timeout-result=STATE\n"));
	assert_non_null(strstr(out, "\n  --extra-opts[=[SECTION][@FILE]]\n"));
	assert_non_null(strstr(out, "$MP_CONFIG_FILE"));
	assert_non_null(strstr(out, "$NAGIOS_CONFIG_PATH"));
	assert_non_null(strstr(out, "(default: check_test)"));
	assert_non_null(strstr(out, "\n  --output-format=FORMAT\n"));
	assert_non_null(strstr(out, "\n  -w, --warning=RANGE\n      Warn when this many zones list the target.\n"));
	assert_non_null(strstr(out, "\n  -c, --critical=RANGE\n      Critical range"));
	assert_non_null(strstr(out, "\n\nZone options:\n  -z, --zone=ZONE[=CODES]\n      Add a DNS block list"));
	assert_non_null(strstr(out, "for details. (repeatable)\n"));
	assert_non_null(strstr(out, "\n  --rate=QPS\n      Queries per second, 0 for no limit.\n"));
	assert_non_null(strstr(out, "\n  --no-default-zones\n"));
	assert_non_null(strstr(out, "\n  --color[=WHEN]\n      An option with an optional argument.\n"
	                            "      Second paragraph:\n          indented example line"));
	assert_non_null(strstr(out, "\n\nDNS options:\n  -s, --server=ADDRESS[:PORT]\n"));
	assert_null(strstr(out, "DNS options::"));
	assert_non_null(strstr(out, "\n\nNotes: ini files hold one key per line.\nExample:\n  check_test -z zen"));
	/* the long unbreakable URL is cut, never longer than a line */
	assert_non_null(strstr(out, "https://www.postfix.org/postconf.5.html#reject_rbl_client_and_a_very_lo"));
	free(out);
	mr_buf_free(&err);
}

/** The help of a plugin without thresholds has no -w/-c and shows its own default timeout. */
static void test_help_without_thresholds_has_no_w_or_c(void **state)
{
	char *out;

	(void)state;
	capture_begin();
	mr_options_print_help(&info_nothr);
	out = capture_end();
	check_width(out);
	assert_null(strstr(out, "--warning"));
	assert_null(strstr(out, "--critical"));
	assert_non_null(strstr(out, "Default: 10."));
	free(out);
}

/** -V prints "NAME vVERSION (mailrep-plugins VERSION)" and exits. */
static void test_version_prints_one_line_and_exits(void **state)
{
	mr_common c;
	mr_buf err;
	char *out;

	(void)state;
	mr_buf_init(&err, 4096);
	capture_begin();
	assert_int_equal(parse(&c, &err, "-V", NULL), MR_PARSE_EXIT);
	out = capture_end();
	assert_string_equal(out, "check_test v" PACKAGE_VERSION " (mailrep-plugins " PACKAGE_VERSION ")\n");
	free(out);
	mr_buf_free(&err);
}

/** The short usage fits 80 columns and 23 lines, continuation lines aligned. */
static void test_short_usage_fits_80_columns_and_23_lines(void **state)
{
	char *out;
	int lines;

	(void)state;
	capture_begin();
	mr_options_print_usage(&info);
	out = capture_end();
	lines = check_width(out);
	assert_true(lines <= 23);
	starts_with(out, "Usage:\n  check_test -H TARGET [-H TARGET...] ");
	/* the second usage line is aligned under the first one's text */
	assert_non_null(strstr(out, "\n             [-s SERVER]"));
	free(out);
}

/** -? prints the short usage and exits. */
static void test_question_mark_prints_usage(void **state)
{
	mr_common c;
	mr_buf err;
	char *out;

	(void)state;
	mr_buf_init(&err, 4096);
	capture_begin();
	assert_int_equal(parse(&c, &err, "-?", NULL), MR_PARSE_EXIT);
	out = capture_end();
	starts_with(out, "Usage:\n");
	free(out);
	mr_buf_free(&err);
}

/** An option error prints "NAME UNKNOWN - message" with secrets masked, the usage and the --help hint. */
static void test_print_error_shows_message_usage_and_hint_without_secrets(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(mr_secret_register("hunter2-secret"), 0);
	capture_begin();
	mr_options_print_error(&info, "--dqs-key: invalid value 'hunter2-secret'");
	out = capture_end();
	check_width(out);
	starts_with(out, "TEST UNKNOWN - --dqs-key: invalid value '***'\nUsage:\n  check_test ");
	assert_null(strstr(out, "hunter2"));
	assert_non_null(strstr(out, "\nTry 'check_test --help'.\n"));
	assert_int_equal(out[strlen(out) - 1], '\n');
	free(out);
}

/* ---- --extra-opts: reading ------------------------------------------------------------------- */

/** Keys of the plugin's (or the named) section become options in file order, values kept verbatim. */
static void test_ini_keys_become_arguments(void **state)
{
	(void)state;
	write_text("basic.ini",
	           "; a comment\n"
	           "# another comment\n"
	           "[other]\n"
	           "zone = other.example\n"
	           "\n"
	           "[check_test]\n"
	           "zone = zen.example\n"
	           "  zone=b.example   \n"
	           "no-default-zones =\n"
	           "t = 20\n"
	           "v=\n"
	           "label = \"quoted value\" kept\n"
	           "url = http://x/?a=1#frag;x\n"
	           "zone = zen.example=127.0.0.[2..11]\n"
	           "[other] ; a comment after the header\n"
	           "rate = 9\n");
	expect_args(at_file(NULL, "basic.ini"), "--zone=zen.example", "--zone=b.example", "--no-default-zones",
	            "-t", "20", "-v", "--label=\"quoted value\" kept", "--url=http://x/?a=1#frag;x",
	            "--zone=zen.example=127.0.0.[2..11]", NULL);
	expect_args(at_file("other", "basic.ini"), "--zone=other.example", "--rate=9", NULL);
}

/** An ini file with CR LF line ends and a byte order mark is read. */
static void test_ini_accepts_crlf_and_bom(void **state)
{
	(void)state;
	write_text("crlf.ini", "\xEF\xBB\xBF[check_test]\r\nzone = a.example\r\nv=\r\n\r\n");
	expect_args(at_file(NULL, "crlf.ini"), "--zone=a.example", "-v", NULL);
	write_text("bomkey.ini", "\xEF\xBB\xBF; comment first\n[check_test]\nrate=1");
	expect_args(at_file(NULL, "bomkey.ini"), "--rate=1", NULL);
}

/** Every ini problem is reported with the file and line, never with the offending key or value. */
static void test_ini_errors_name_file_and_line(void **state)
{
	char line[300];
	char text[400];

	(void)state;
	write_text("noeq.ini", "[check_test]\nzone = a\nsupersecretvalue\n");
	expect_read_error(at_file(NULL, "noeq.ini"), "noeq.ini line 3: line without '='", "supersecret");
	/* only the asked section is read: what comes before the first header is not judged */
	write_text("before.ini", "\n; c\nkey = topsecretvalue\n[check_test]\nzone = a\n");
	expect_args(at_file(NULL, "before.ini"), "--zone=a", NULL);
	write_text("nosec.ini", "[other]\nzone = a\n");
	expect_read_error(at_file(NULL, "nosec.ini"), "nosec.ini: section [check_test] not found", NULL);
	write_text("emptysec.ini", "[check_test]\n; nothing\n[other]\nzone = a\n");
	expect_read_error(at_file(NULL, "emptysec.ini"), "emptysec.ini: section [check_test] is empty", NULL);
	expect_read_error(at_file(NULL, "missing.ini"), "missing.ini: cannot open", NULL);
	memset(line, 'x', sizeof(line));
	memcpy(line, "zone = ", 7);
	line[299] = '\0'; /* no line limit in --extra-opts: the file size bounds the memory */
	assert_int_equal(mr_snprintf(text, sizeof(text), "[check_test]\r\n%s\r\n", line), 0);
	write_text("longok.ini", text);
	{
		char want[300];

		assert_int_equal(mr_snprintf(want, sizeof(want), "--zone=%s", line + 7), 0);
		expect_args(at_file(NULL, "longok.ini"), want, NULL);
	}
	scratch_write("nul.ini", "[check_test]\nzone = a\0b\n", 24, 0644);
	expect_read_error(at_file(NULL, "nul.ini"), "nul.ini line 2: NUL byte", NULL);
	write_text("inline.ini", "[check_test]\ndqs-key = abc ;def\n");
	expect_read_error(at_file(NULL, "inline.ini"), "inline.ini line 2: a ';' after a blank", "abc");
	write_text("badkey.ini", "[check_test]\n-zone = a\n");
	expect_read_error(at_file(NULL, "badkey.ini"), "badkey.ini line 2: invalid key name", NULL);
	write_text("colon.ini", "[check_test]\nzone: a = b\n");
	expect_read_error(at_file(NULL, "colon.ini"), "colon.ini line 2: invalid key name", NULL);
	write_text("badsec.ini", "[other]\nk=v\n[check_test\nzone = a\n");
	expect_read_error(at_file(NULL, "badsec.ini"), "badsec.ini line 3: section header without closing ']'",
	                  NULL);
	{
		size_t big = 1024 * 1024 + 2;
		char *text_big = malloc(big);
		size_t i;

		assert_non_null(text_big);
		for (i = 0; i < big; i += 2)
			memcpy(text_big + i, "#\n", 2);
		scratch_write("big.ini", text_big, big, 0644);
		free(text_big);
		expect_read_error(at_file(NULL, "big.ini"), "big.ini: larger than 1048576 bytes", NULL);
	}
	write_text("junksec.ini", "[check_test] zone = a\nzone = b\n");
	expect_read_error(at_file(NULL, "junksec.ini"), "junksec.ini line 1: text after the section header",
	                  NULL);
	/* a broken header of another section is not judged */
	write_text("emptyname.ini", "[ ]\nzone = a\n[check_test]\nv =\n");
	expect_args(at_file(NULL, "emptyname.ini"), "-v", NULL);
	expect_read_error("check_test@", "empty file name", NULL);
}

/** An indented line is a key of its own, not a continuation of the previous value. */
static void test_ini_ignores_indentation_instead_of_continuing_values(void **state)
{
	(void)state;
	/* inih would read an indented line as a continuation of the previous value */
	write_text("indent.ini", "[check_test]\nzone = a.example\n    zone = b.example\n\tv =\n");
	expect_args(at_file(NULL, "indent.ini"), "--zone=a.example", "--zone=b.example", "-v", NULL);
}

/** "@-" reads the ini text from standard input, named "stdin" in errors. */
static void test_ini_from_stdin(void **state)
{
	static const char text[] = "[check_test]\nzone = stdin.example\n";
	int fds[2];
	int saved;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fds[0], STDIN_FILENO) >= 0);
	close(fds[0]);
	expect_args("@-", "--zone=stdin.example", NULL);
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "[x]\nrate = 3\n", 13), 13);
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	assert_true(dup2(fds[0], STDIN_FILENO) >= 0);
	close(fds[0]);
	expect_read_error("check_test@-", "stdin: section [check_test] not found", NULL);
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
}

/** Without a file: $MP_CONFIG_FILE first, then $NAGIOS_CONFIG_PATH directory by directory, file names in order. */
static void test_ini_search_path_from_environment(void **state)
{
	char d1[300];
	char d2[300];
	char envpath[700];

	(void)state;
	/* $MP_CONFIG_FILE comes first */
	write_text("mp.ini", "[check_test]\nzone = from-mp\n");
	assert_int_equal(setenv("MP_CONFIG_FILE", scratch_path("mp.ini"), 1), 0);
	expect_args(NULL, "--zone=from-mp", NULL);
	expect_args("", "--zone=from-mp", NULL);
	expect_args("check_test", "--zone=from-mp", NULL);

	/* a missing $MP_CONFIG_FILE falls through to $NAGIOS_CONFIG_PATH, directory by directory */
	assert_int_equal(setenv("MP_CONFIG_FILE", scratch_path("does-not-exist.ini"), 1), 0);
	assert_int_equal(mr_snprintf(d1, sizeof(d1), "%s", scratch_path("d1")), 0);
	assert_int_equal(mr_snprintf(d2, sizeof(d2), "%s", scratch_path("d2")), 0);
	assert_int_equal(mkdir(d1, 0700), 0);
	assert_int_equal(mkdir(d2, 0700), 0);
	write_text("d2/nagios-plugins.ini", "[check_test]\nzone = d2-nagios\n");
	assert_int_equal(mr_snprintf(envpath, sizeof(envpath), "::%s:%s:", d1, d2), 0);
	assert_int_equal(setenv("NAGIOS_CONFIG_PATH", envpath, 1), 0);
	expect_args(NULL, "--zone=d2-nagios", NULL);
	write_text("d2/plugins.ini", "[check_test]\nzone = d2-plugins\n");
	expect_args(NULL, "--zone=d2-plugins", NULL);
	write_text("d2/monitoring-plugins.ini", "[check_test]\nzone = d2-monitoring\n");
	expect_args(NULL, "--zone=d2-monitoring", NULL);
	write_text("d1/plugins.ini", "[check_test]\nzone = d1-plugins\n");
	expect_args(NULL, "--zone=d1-plugins", NULL);
	/* a named file overrides the search */
	expect_args(at_file(NULL, "mp.ini"), "--zone=from-mp", NULL);
}

/** With no ini file anywhere the search fails with "no ini file found" (skipped on hosts that have one). */
static void test_ini_search_fails_when_nothing_exists(void **state)
{
	static const char *const std[] = {
		"/usr/local/etc/monitoring-plugins/monitoring-plugins.ini", "/usr/local/etc/monitoring-plugins.ini",
		"/etc/monitoring-plugins/monitoring-plugins.ini", "/etc/monitoring-plugins.ini",
		"/etc/nagios/plugins.ini", "/usr/local/nagios/etc/plugins.ini", "/usr/local/etc/nagios/plugins.ini",
		"/etc/opt/nagios/plugins.ini", "/etc/nagios-plugins.ini", "/usr/local/etc/nagios-plugins.ini",
		"/etc/opt/nagios-plugins.ini",
	};
	struct stat st;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (stat(std[i], &st) == 0)
			skip(); /* this machine has a real ini file */
	assert_int_equal(setenv("MP_CONFIG_FILE", scratch_path("nope.ini"), 1), 0);
	assert_int_equal(setenv("NAGIOS_CONFIG_PATH", scratch_path("nodir"), 1), 0);
	expect_read_error(NULL, "no ini file found", NULL);
}

/* ---- --extra-opts: merging into the command line ----------------------------------------------- */

/** A single-valued option on the command line wins over the ini value, wherever --extra-opts stands. */
static void test_command_line_wins_over_ini_for_single_options(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	write_text("merge.ini", "[check_test]\ntimeout = 20\noutput-format = json\nzone = ini.example\n");
	/* the command-line -t comes before --extra-opts and still wins */
	assert_int_equal(parse(&c, &err, "-t", "30", extra(at_file(NULL, "merge.ini")), NULL), MR_PARSE_OK);
	assert_true(c.timeout == 30.0);
	assert_int_equal(c.format, MR_FMT_JSON);
	assert_int_equal(parse(&c, &err, extra(at_file(NULL, "merge.ini")), NULL), MR_PARSE_OK);
	assert_true(c.timeout == 20.0);
	mr_buf_free(&err);
}

/** Repeatable options from ini files come first, then the command line's, and stay valid after the parse. */
static void test_repeatable_options_accumulate_ini_first(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	write_text("acc1.ini", "[check_test]\nzone = one.example\nzone = two.example\n[more]\nzone = four.example\n");
	assert_int_equal(parse(&c, &err, "-z", "three.example", extra(at_file(NULL, "acc1.ini")), "-v",
	                       extra(at_file("more", "acc1.ini")), NULL),
	                 MR_PARSE_OK);
	assert_int_equal(rec.calls, 4);
	assert_string_equal(rec.copies[0], "one.example");
	assert_string_equal(rec.copies[1], "two.example");
	assert_string_equal(rec.copies[2], "four.example");
	assert_string_equal(rec.copies[3], "three.example");
	/* handlers keep pointers: the ini strings must outlive the parse */
	assert_string_equal(rec.args[0], "one.example");
	assert_string_equal(rec.args[2], "four.example");
	assert_int_equal(c.verbose, 1);
	mr_buf_free(&err);
}

/** A bare --extra-opts (or with an empty value) reads the plugin's section from the search path. */
static void test_bare_extra_opts_uses_plugin_section_and_search_path(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	write_text("bare.ini", "[check_test]\nv =\nv =\n");
	assert_int_equal(setenv("MP_CONFIG_FILE", scratch_path("bare.ini"), 1), 0);
	assert_int_equal(parse(&c, &err, "--extra-opts", NULL), MR_PARSE_OK);
	assert_int_equal(c.verbose, 2);
	assert_int_equal(parse(&c, &err, "--extra-opts=", "-v", NULL), MR_PARSE_OK);
	assert_int_equal(c.verbose, 3);
	mr_buf_free(&err);
}

/** Unreadable files and bad ini options are errors marked "(from --extra-opts)"; the ini value is checked first. */
static void test_ini_problems_are_reported_as_extra_opts_errors(void **state)
{
	mr_common c;
	mr_buf err;
	char want[600];

	(void)state;
	mr_buf_init(&err, 4096);
	assert_int_equal(parse(&c, &err, extra(at_file(NULL, "absent.ini")), NULL), MR_PARSE_FAIL);
	assert_int_equal(mr_snprintf(want, sizeof(want), "--extra-opts: %s: cannot open", scratch_path("absent.ini")),
	                 0);
	starts_with(mr_buf_str(&err), want);
	write_text("bogus.ini", "[check_test]\nbogus = 1\n");
	assert_int_equal(parse(&c, &err, extra(at_file(NULL, "bogus.ini")), NULL), MR_PARSE_FAIL);
	assert_int_equal(mr_snprintf(want, sizeof(want),
	                             "--extra-opts: %s line 2: 'bogus' in [check_test] is no option of check_test "
	                             "(keys are option names written in full)", scratch_path("bogus.ini")), 0);
	assert_string_equal(mr_buf_str(&err), want);
	write_text("badt.ini", "[check_test]\nt = never\n");
	assert_int_equal(parse(&c, &err, extra(at_file(NULL, "badt.ini")), NULL), MR_PARSE_ERROR);
	assert_string_equal(mr_buf_str(&err),
	                    "-t/--timeout: invalid value 'never' (seconds, optionally :STATE) (from --extra-opts)");
	assert_int_equal(parse(&c, &err, extra(at_file(NULL, "badt.ini")), "-t", "x", NULL), MR_PARSE_ERROR);
	assert_string_equal(mr_buf_str(&err),
	                    "-t/--timeout: invalid value 'never' (seconds, optionally :STATE) (from --extra-opts)");
	mr_buf_free(&err);
}

/** A secret read from an ini file is registered for masking before its handler runs. */
static void test_ini_secrets_are_registered(void **state)
{
	mr_common c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 4096);
	write_text("secret.ini", "[check_test]\ndqs-key = ini-secret-0123456789\n");
	assert_int_equal(parse(&c, &err, extra(at_file(NULL, "secret.ini")), NULL), MR_PARSE_OK);
	assert_int_equal(rec.calls, 1);
	assert_string_equal(rec.copies[0], "ini-secret-0123456789");
	assert_string_equal(rec.masked[0], "***");
	mr_buf_free(&err);
}

/** After "--", --extra-opts is an operand, not an option. */
static void test_extra_opts_after_double_dash_is_an_argument(void **state)
{
	(void)state;
	expect_error("unexpected argument '--extra-opts=x@y'", "--", "--extra-opts=x@y", NULL);
}

/* ---- deadline ---------------------------------------------------------------------------------- */

/** mr_now is positive and advances with a short sleep. */
static void test_now_is_monotonic(void **state)
{
	struct timespec pause_ts = { 0, 2000000 };
	double a = mr_now();
	double b;

	(void)state;
	assert_true(a > 0.0);
	nanosleep(&pause_ts, NULL);
	b = mr_now();
	assert_true(b >= a + 0.0015);
	assert_true(b < a + 5.0);
}

/** The soft deadline keeps 10 % of the timeout (0.2 s to 1 s) free, never before the start. */
static void test_soft_deadline_leaves_a_bounded_margin(void **state)
{
	(void)state;
	assert_true(fabs(mr_soft_deadline(100.0, 10.0) - 109.0) < 1e-9);  /* margin 1.0 */
	assert_true(fabs(mr_soft_deadline(100.0, 15.0) - 114.0) < 1e-9);  /* capped at 1.0 */
	assert_true(fabs(mr_soft_deadline(100.0, 5.0) - 104.5) < 1e-9);   /* 10 % */
	assert_true(fabs(mr_soft_deadline(100.0, 1.0) - 100.8) < 1e-9);   /* at least 0.2 */
	assert_true(fabs(mr_soft_deadline(0.0, 3600.0) - 3599.0) < 1e-9);
	assert_true(fabs(mr_soft_deadline(100.0, 0.1) - 100.0) < 1e-9);   /* never before the start */
}

/** Run fn in a child with stdout on a pipe; returns the exit status, output in out (size bytes). */
static int run_child(void (*fn)(void), char *out, size_t size)
{
	int fds[2];
	size_t got = 0;
	int status = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		fn();
		_exit(99);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], out + got, size - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	out[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/** Child: arm 50 ms showing 15 s, then wait for the alarm. */
static void child_times_out(void)
{
	struct timespec wait_ts = { 2, 0 };

	if (mr_hard_timeout_arm_shown(0.05, 15.0, MR_CRITICAL, "DNSBL") != 0)
		_exit(98);
	nanosleep(&wait_ts, NULL);
}

/** Child: arm showing -t 1, which reads "1 second". */
static void child_times_out_one_second(void)
{
	struct timespec wait_ts = { 2, 0 };

	if (mr_hard_timeout_arm_shown(0.05, 1.0, MR_WARNING, "JMRP") != 0)
		_exit(98);
	nanosleep(&wait_ts, NULL);
}

/** Child: arm with the plain function, which shows the waiting time. */
static void child_plain_arm(void)
{
	struct timespec wait_ts = { 2, 0 };

	if (mr_hard_timeout_arm(0.25, MR_UNKNOWN, "SNDS") != 0)
		_exit(98);
	nanosleep(&wait_ts, NULL);
}

/** Child: arm, cancel, wait past the alarm time and exit 0. */
static void child_cancels(void)
{
	struct timespec wait_ts = { 0, 200000000 };

	if (mr_hard_timeout_arm(0.05, MR_CRITICAL, "DNSBL") != 0)
		_exit(98);
	mr_hard_timeout_cancel();
	nanosleep(&wait_ts, NULL);
	_exit(0);
}

/** The hard timeout prints "NAME STATE - plugin timed out after N seconds" and exits with the state. */
static void test_hard_timeout_prints_and_exits_with_the_state(void **state)
{
	char out[256];
	double start = mr_now();

	(void)state;
	assert_int_equal(run_child(child_times_out, out, sizeof(out)), 2);
	assert_string_equal(out, "DNSBL CRITICAL - plugin timed out after 15 seconds\n");
	assert_true(mr_now() - start < 1.5);
	assert_int_equal(run_child(child_plain_arm, out, sizeof(out)), 3);
	assert_string_equal(out, "SNDS UNKNOWN - plugin timed out after 0.25 seconds\n");
	/* singular and plural forms */
	assert_int_equal(run_child(child_times_out_one_second, out, sizeof(out)), 1);
	assert_string_equal(out, "JMRP WARNING - plugin timed out after 1 second\n");
}

/** A cancelled hard timeout never fires. */
static void test_hard_timeout_cancel_stops_it(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(run_child(child_cancels, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}


/** Zero, negative or NaN seconds, an invalid state, no name or a zero shown time are refused. */
static void test_hard_timeout_rejects_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(mr_hard_timeout_arm(0.0, MR_UNKNOWN, "X"), -1);
	assert_int_equal(mr_hard_timeout_arm(-1.0, MR_UNKNOWN, "X"), -1);
	assert_int_equal(mr_hard_timeout_arm(NAN, MR_UNKNOWN, "X"), -1);
	assert_int_equal(mr_hard_timeout_arm(1.0, (mr_state)7, "X"), -1);
	assert_int_equal(mr_hard_timeout_arm(1.0, MR_UNKNOWN, NULL), -1);
	assert_int_equal(mr_hard_timeout_arm_shown(1.0, 0.0, MR_UNKNOWN, "X"), -1);
}

/** The command line's own -t, read before the options are parsed: the last valid one before "--", in each
 *  spelling, with --timeout-result; the defaults stay when there is no valid one. */
static void test_early_timeout_reads_the_command_line(void **state)
{
	char *a1[] = { pooled("p"), pooled("-t"), pooled("7"), pooled("-H"), pooled("x"), NULL };
	char *a2[] = { pooled("p"), pooled("-t3:critical"), pooled("--timeout=9"), NULL };
	char *a3[] = { pooled("p"), pooled("--timeout"), pooled("4"), pooled("--timeout-result=warning"), NULL };
	char *a4[] = { pooled("p"), pooled("-t"), pooled("abc"), pooled("--"), pooled("-t"), pooled("5"), NULL };
	char *a5[] = { pooled("p"), pooled("-t"), NULL };
	double t;
	mr_state st;

	(void)state;
#define EARLY(argv, n) (t = 15, st = MR_UNKNOWN, mr_options_early_timeout(n, argv, &t, &st))
	EARLY(a1, 5);
	assert_true(t == 7.0 && st == MR_UNKNOWN);
	EARLY(a2, 3);
	assert_true(t == 9.0 && st == MR_CRITICAL);
	EARLY(a3, 4);
	assert_true(t == 4.0 && st == MR_WARNING);
	EARLY(a4, 6); /* no valid -t before "--": the defaults stay */
	assert_true(t == 15.0 && st == MR_UNKNOWN);
	EARLY(a5, 2);
	assert_true(t == 15.0 && st == MR_UNKNOWN);
#undef EARLY
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults_without_arguments, reset),
		cmocka_unit_test_setup(test_warning_sets_warn_and_critical_sets_crit, reset),
		cmocka_unit_test_setup(test_thresholds_exist_only_when_the_plugin_asks, reset),
		cmocka_unit_test_setup(test_verbose_repeats_and_caps_at_three, reset),
		cmocka_unit_test_setup(test_timeout_accepts_seconds_and_state, reset),
		cmocka_unit_test_setup(test_timeout_rejects_bad_values, reset),
		cmocka_unit_test_setup(test_output_format_values, reset),
		cmocka_unit_test_setup(test_unknown_ambiguous_and_malformed_options, reset),
		cmocka_unit_test_setup(test_abbreviated_long_option_is_accepted, reset),
		cmocka_unit_test_setup(test_group_handlers_get_ids_and_args_in_order, reset),
		cmocka_unit_test_setup(test_handler_reason_is_prefixed_with_the_option_name, reset),
		cmocka_unit_test_setup(test_secret_is_registered_before_the_handler_sees_it, reset),
		cmocka_unit_test_setup(test_parsing_twice_starts_afresh, reset),
		cmocka_unit_test_setup(test_duplicate_option_definitions_are_refused, reset),
		cmocka_unit_test_setup(test_help_lists_every_option_within_80_columns, reset),
		cmocka_unit_test_setup(test_help_without_thresholds_has_no_w_or_c, reset),
		cmocka_unit_test_setup(test_version_prints_one_line_and_exits, reset),
		cmocka_unit_test_setup(test_short_usage_fits_80_columns_and_23_lines, reset),
		cmocka_unit_test_setup(test_question_mark_prints_usage, reset),
		cmocka_unit_test_setup(test_print_error_shows_message_usage_and_hint_without_secrets, reset),
		cmocka_unit_test_setup(test_ini_keys_become_arguments, reset),
		cmocka_unit_test_setup(test_ini_accepts_crlf_and_bom, reset),
		cmocka_unit_test_setup(test_ini_errors_name_file_and_line, reset),
		cmocka_unit_test_setup(test_ini_ignores_indentation_instead_of_continuing_values, reset),
		cmocka_unit_test_setup(test_ini_from_stdin, reset),
		cmocka_unit_test_setup(test_ini_search_path_from_environment, reset),
		cmocka_unit_test_setup(test_ini_search_fails_when_nothing_exists, reset),
		cmocka_unit_test_setup(test_command_line_wins_over_ini_for_single_options, reset),
		cmocka_unit_test_setup(test_repeatable_options_accumulate_ini_first, reset),
		cmocka_unit_test_setup(test_bare_extra_opts_uses_plugin_section_and_search_path, reset),
		cmocka_unit_test_setup(test_ini_problems_are_reported_as_extra_opts_errors, reset),
		cmocka_unit_test_setup(test_ini_secrets_are_registered, reset),
		cmocka_unit_test_setup(test_extra_opts_after_double_dash_is_an_argument, reset),
		cmocka_unit_test(test_early_timeout_reads_the_command_line),
		cmocka_unit_test(test_now_is_monotonic),
		cmocka_unit_test(test_soft_deadline_leaves_a_bounded_margin),
		cmocka_unit_test(test_hard_timeout_prints_and_exits_with_the_state),
		cmocka_unit_test(test_hard_timeout_cancel_stops_it),
		cmocka_unit_test(test_hard_timeout_rejects_bad_arguments),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

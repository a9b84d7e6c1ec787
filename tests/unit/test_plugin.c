/* test_plugin.c: unit tests of the plugin frame (common/plugin.c): the typed option rows (common/optval.c),
 * the one failure call, services and the lifecycle from argv to the exit state. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/addr.h"
#include "../../common/plugin.h"
#include "../../common/secret.h"
#include "unit_util.h"

/** A config holding one field of every typed row. */
typedef struct tcfg {
	int flag;                 /**< --flag */
	int six;                  /**< -4 / -6 */
	const char *str;          /**< --str */
	const char *file;         /**< --file */
	const char *secret_file;  /**< --secret-file */
	const char *secret;       /**< --secret */
	mr_state state;           /**< --state */
	mr_range range;           /**< --range */
	int has_range;            /**< --range given */
	long count;               /**< --count */
	double seconds;           /**< --seconds */
	long window;              /**< --window */
	const char *window_text;  /**< --window as given */
	mr_cidr ips[2];           /**< -H */
	size_t nips;              /**< used */
	const char *domains[2];   /**< --domain */
	size_t ndomains;          /**< used */
	int mode;                 /**< --mode */
	const char *custom;       /**< --custom */
} tcfg;

/** --mode words. */
static const char *const mode_words[] = { "auto", "require", "never", NULL };
/** --mode values. */
static const int mode_values[] = { 10, 20, 30 };

/** Handler of --custom: refuses "bad". */
static int handle(void *cfgp, int id, const char *arg, mr_buf *err)
{
	tcfg *cfg = cfgp;

	(void)id;
	if (strcmp(arg, "bad") == 0)
		return mr_buf_puts(err, "custom refuses it"), -1;
	cfg->custom = arg;
	return 0;
}

/** One row of each type. */
static const mr_option rows[] = {
	{ .long_name = "flag", .help = "a flag", .type = MR_T_FLAG, .off = MR_AT(tcfg, flag) },
	{ .long_name = "ipv4", .short_name = '4', .help = "v4", .type = MR_T_SET, .off = MR_AT(tcfg, six), .lo = 0 },
	{ .long_name = "ipv6", .short_name = '6', .help = "v6", .type = MR_T_SET, .off = MR_AT(tcfg, six), .lo = 1 },
	{ .long_name = "str", .arg = MR_ARG_REQUIRED, .help = "s", .type = MR_T_STRING, .off = MR_AT(tcfg, str) },
	{ .long_name = "file", .arg = MR_ARG_REQUIRED, .help = "f", .type = MR_T_FILE, .off = MR_AT(tcfg, file) },
	{ .long_name = "secret-file", .arg = MR_ARG_REQUIRED, .help = "sf", .type = MR_T_SECRET_FILE,
	  .off = MR_AT(tcfg, secret_file) },
	{ .long_name = "secret", .arg = MR_ARG_REQUIRED, .help = "k", .type = MR_T_SECRET, .off = MR_AT(tcfg, secret) },
	{ .long_name = "state", .arg = MR_ARG_REQUIRED, .help = "st", .type = MR_T_STATE, .off = MR_AT(tcfg, state) },
	{ .long_name = "range", .arg = MR_ARG_REQUIRED, .help = "r", .type = MR_T_RANGE, .off = MR_AT(tcfg, range),
	  .off2 = MR_AT(tcfg, has_range) },
	{ .long_name = "count", .arg = MR_ARG_REQUIRED, .help = "n", .type = MR_T_COUNT, .off = MR_AT(tcfg, count),
	  .lo = 0, .hi = 100000 },
	{ .long_name = "seconds", .arg = MR_ARG_REQUIRED, .help = "s", .type = MR_T_SECONDS,
	  .off = MR_AT(tcfg, seconds), .lo = 0.1, .hi = 3600 },
	{ .long_name = "window", .arg = MR_ARG_REQUIRED, .help = "w", .type = MR_T_DURATION,
	  .off = MR_AT(tcfg, window), .off2 = MR_AT(tcfg, window_text), .hi = 864000 },
	{ .long_name = "ip", .short_name = 'H', .arg = MR_ARG_REQUIRED, .help = "ip", .flags = MR_OPT_REPEAT,
	  .type = MR_T_CIDR_LIST, .off = MR_AT(tcfg, ips), .off2 = MR_AT(tcfg, nips), .hi = 2 },
	{ .long_name = "domain", .arg = MR_ARG_REQUIRED, .help = "d", .flags = MR_OPT_REPEAT,
	  .type = MR_T_DOMAIN_LIST, .off = MR_AT(tcfg, domains), .off2 = MR_AT(tcfg, ndomains), .hi = 2 },
	{ .long_name = "mode", .arg = MR_ARG_REQUIRED, .help = "m", .type = MR_T_CHOICE, .off = MR_AT(tcfg, mode),
	  .words = mode_words, .values = mode_values },
	{ .long_name = "custom", .arg = MR_ARG_REQUIRED, .help = "c" },
	MR_OPTION_END
};

/** What the hooks of the test plugin saw and do. */
static struct {
	int prepared;      /**< prepare calls */
	int ran;           /**< run calls */
	int cleaned;       /**< cleanup calls */
	int prepare_rc;    /**< what prepare returns */
	int fail;          /**< 1: run fails; 2: run fails as a timeout; 3: fails twice; 4: returns -1 silently */
	int inits;         /**< service init calls */
	int cleanups;      /**< service cleanup calls */
	int init_rc;       /**< what the service's init returns */
	int read_secret;   /**< prepare reads --secret-file with mr_plugin_secret */
	char secret[64];   /**< what it read */
} hooks;

/** Test service init. */
static int svc_init(void)
{
	hooks.inits++;
	return hooks.init_rc;
}

/** Test service cleanup. */
static void svc_cleanup(void)
{
	hooks.cleanups++;
}

/** A service like libcurl. */
static const mr_plugin_service svc = { "testlib", svc_init, svc_cleanup };

/** prepare hook. */
static int prepare(mr_plugin_ctx *ctx, void *cfg, mr_buf *err)
{
	assert_non_null(ctx->check);
	hooks.prepared++;
	if (hooks.read_secret) {
		const tcfg *c = cfg;
		const char *s = mr_plugin_secret(ctx, c->secret_file, err);

		if (s == NULL)
			return MR_PREPARE_BAD;
		assert_int_equal(mr_snprintf(hooks.secret, sizeof(hooks.secret), "%s", s), 0);
	}
	if (hooks.prepare_rc == MR_PREPARE_BAD)
		mr_buf_puts(err, "--flag needs --str");
	return hooks.prepare_rc;
}

/** run hook. */
static int run(mr_plugin_ctx *ctx, void *cfg)
{
	(void)cfg;
	hooks.ran++;
	assert_int_equal(hooks.inits, 1);
	switch (hooks.fail) {
	case 1:
		return mr_plugin_fail(ctx, 0, "no resolver: %s", "bad file");
	case 2:
		return mr_plugin_fail(ctx, 1, "timed out after %d messages", 3);
	case 3:
		mr_plugin_fail(ctx, 0, "first");
		return mr_plugin_fail(ctx, 1, "second");
	case 4:
		return -1;
	case 5: /* a stage timeout reported in a subcheck, the run goes on */
		assert_non_null(mr_sub_add(ctx->check, NULL, mr_plugin_timeout_state(ctx), "stage timed out"));
		return 0;
	default:
		assert_non_null(mr_sub_add(ctx->check, NULL, MR_WARNING, "one listing"));
		return 0;
	}
}

/** cleanup hook. */
static void cleanup(void *cfg)
{
	(void)cfg;
	hooks.cleaned++;
}

/** The test plugin. */
static const mr_plugin plugin = {
	.info = { .name = "check_test", .prefix = "TEST", .purpose = "Tests the frame.", .usage = "[--flag]",
	          .default_timeout = 10, .examples = NULL },
	.title = "Test",
	.options = rows,
	.handle = handle,
	.service = &svc,
	.prepare = prepare,
	.run = run,
	.cleanup = cleanup,
};

/** Run the plugin with a NULL-ended argument list; returns the state, *out gets stdout (caller frees). */
static mr_state run_plugin(tcfg *cfg, char **out, ...)
{
	char *argv[32];
	int argc = 0;
	const char *a;
	va_list ap;
	mr_state st;

	argv[argc++] = (char *)(uintptr_t)"check_test";
	va_start(ap, out);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[argc] = NULL;
	capture_begin();
	st = mr_plugin_main(&plugin, cfg, argc, argv);
	*out = capture_end();
	return st;
}

/** Reset the hooks and the config. */
static void reset(tcfg *cfg)
{
	memset(&hooks, 0, sizeof(hooks));
	memset(cfg, 0, sizeof(*cfg));
}

/** Parse one argument vector through the frame and assert a good run stored the values. */
static void test_typed_rows_store_good_values(void **state)
{
	tcfg cfg;
	char *out;
	char addr[MR_ADDR_STRLEN];

	(void)state;
	reset(&cfg);
	assert_int_equal(run_plugin(&cfg, &out, "--flag", "-6", "--str=hello", "--file=/dev/null",
	                            "--secret-file=/nonexistent/k", "--secret=hunter2-secret", "--state=critical",
	                            "--range=10:20", "--count=42", "--seconds=1.5", "--window=2h", "-H", "192.0.2.0/24",
	                            "-H", "2001:db8::1", "--domain=example.com", "--mode=require", "--custom=x",
	                            NULL), MR_WARNING);
	free(out);
	assert_int_equal(cfg.flag, 1);
	assert_int_equal(cfg.six, 1);
	assert_string_equal(cfg.str, "hello");
	assert_string_equal(cfg.file, "/dev/null");
	assert_string_equal(cfg.secret_file, "/nonexistent/k");
	assert_string_equal(cfg.secret, "hunter2-secret");
	assert_int_equal(cfg.state, MR_CRITICAL);
	assert_int_equal(cfg.has_range, 1);
	assert_true(cfg.range.start == 10 && cfg.range.end == 20);
	assert_int_equal(cfg.count, 42);
	assert_true(cfg.seconds == 1.5);
	assert_int_equal(cfg.window, 7200);
	assert_string_equal(cfg.window_text, "2h");
	assert_int_equal(cfg.nips, 2);
	assert_int_equal(mr_addr_format(&cfg.ips[0].base, addr, sizeof(addr)), 0);
	assert_string_equal(addr, "192.0.2.0");
	assert_int_equal(cfg.ndomains, 1);
	assert_string_equal(cfg.domains[0], "example.com");
	assert_int_equal(cfg.mode, 20);
	assert_string_equal(cfg.custom, "x");
	/* a registered secret is masked wherever it is printed */
	{
		char text[] = "key hunter2-secret";

		mr_secret_mask(text, strlen(text));
		assert_null(strstr(text, "hunter2"));
	}
	reset(&cfg);
	assert_int_equal(run_plugin(&cfg, &out, "-6", "-4", "--window=90", NULL), MR_WARNING);
	free(out);
	assert_int_equal(cfg.six, 0);
	assert_int_equal(cfg.window, 90);
}

/** Expect that argument arg makes the run a bad-argument answer with exactly the first line line. */
static void expect_bad(const char *arg, const char *arg2, const char *line)
{
	tcfg cfg;
	char *out;
	size_t n = strlen(line);

	reset(&cfg);
	assert_int_equal(run_plugin(&cfg, &out, arg, arg2, NULL), MR_UNKNOWN);
	if (strncmp(out, line, n) != 0 || out[n] != '\n')
		fail_msg("got: %s\nwanted: %s", out, line);
	assert_non_null(strstr(out, "\nUsage:\n  check_test [--flag]\n"));
	assert_int_equal(hooks.prepared, 0);
	assert_int_equal(hooks.ran, 0);
	assert_int_equal(hooks.inits, 0);
	assert_int_equal(hooks.cleaned, 1);
	free(out);
}

/** A bad value of each type is one message naming the option. */
static void test_typed_rows_refuse_bad_values(void **state)
{
	(void)state;
	expect_bad("--secret=abc", NULL, "TEST UNKNOWN - --secret: too short for a secret (at least 4 characters)");
	expect_bad("--state=maybe", NULL, "TEST UNKNOWN - --state: 'maybe' is not ok, warning, critical, unknown or 0-3");
	expect_bad("--range=1:2:3", NULL, "TEST UNKNOWN - --range: invalid range '1:2:3'");
	expect_bad("--count=-1", NULL, "TEST UNKNOWN - --count: invalid number '-1' (0 to 100000)");
	expect_bad("--count=100001", NULL, "TEST UNKNOWN - --count: invalid number '100001' (0 to 100000)");
	expect_bad("--count=x", NULL, "TEST UNKNOWN - --count: invalid number 'x' (0 to 100000)");
	expect_bad("--seconds=0", NULL, "TEST UNKNOWN - --seconds: invalid number of seconds '0' (0.1 to 3600)");
	expect_bad("--window=5x", NULL, "TEST UNKNOWN - --window: '5x' is not a duration (N with s, m, h or d)");
	expect_bad("--window=11d", NULL, "TEST UNKNOWN - --window: '11d' is not a duration (N with s, m, h or d)");
	expect_bad("--window=0h", NULL, "TEST UNKNOWN - --window: '0h' is not a duration (N with s, m, h or d)");
	expect_bad("-H", "1.2.3.4/40", "TEST UNKNOWN - -H/--ip: invalid address or range '1.2.3.4/40': "
	                               "prefix length out of range");
	expect_bad("--domain=a..b", NULL, "TEST UNKNOWN - --domain: invalid domain 'a..b': empty label (two dots in a row?)");
	expect_bad("--mode=sometimes", NULL, "TEST UNKNOWN - --mode: 'sometimes' is not auto, require or never");
	expect_bad("--custom=bad", NULL, "TEST UNKNOWN - --custom: custom refuses it");
}

/** Write text to name in the scratch directory (mode 0600). */
static void write_ini(const char *name, const char *text)
{
	scratch_write(name, text, strlen(text), 0600);
}

/** Expect the run with arg (and arg2) to be the one line line, exit UNKNOWN, without the usage and no hook run. */
static void expect_one_line(const char *arg, const char *arg2, const char *line)
{
	tcfg cfg;
	char *out;

	reset(&cfg);
	assert_int_equal(run_plugin(&cfg, &out, arg, arg2, NULL), MR_UNKNOWN);
	if (strcmp(out, line) != 0)
		fail_msg("got: %s\nwanted: %s", out, line);
	assert_int_equal(hooks.ran, 0);
	free(out);
}

/** Runtime errors of the options are one line without the usage: a file option that cannot be read, an ini file
 *  that cannot be read, an unknown key or an abbreviation in an ini file (named, never its value). */
static void test_runtime_errors_are_one_line(void **state)
{
	char arg[600];
	char want[800];

	(void)state;
	expect_one_line("--file=/nonexistent/ca.pem", NULL,
	                "TEST UNKNOWN - --file: cannot read '/nonexistent/ca.pem': No such file or directory\n");
	assert_int_equal(mr_snprintf(arg, sizeof(arg), "--extra-opts=@%s", scratch_path("absent.ini")), 0);
	assert_int_equal(mr_snprintf(want, sizeof(want), "TEST UNKNOWN - --extra-opts: %s: cannot open: No such file or "
	                             "directory\n", scratch_path("absent.ini")), 0);
	expect_one_line(arg, NULL, want);
	/* "secret = x" must not become --secret-file as a getopt abbreviation would; the value is never shown */
	write_ini("abbrev.ini", "[check_test]\nsecret-f = hunter2secret\n");
	assert_int_equal(mr_snprintf(arg, sizeof(arg), "--extra-opts=@%s", scratch_path("abbrev.ini")), 0);
	assert_int_equal(mr_snprintf(want, sizeof(want), "TEST UNKNOWN - --extra-opts: %s line 2: 'secret-f' in "
	                             "[check_test] is no option of check_test (keys are option names written in full)\n",
	                             scratch_path("abbrev.ini")), 0);
	expect_one_line(arg, NULL, want);
	/* a flag with a value, an option without one */
	write_ini("flagval.ini", "[check_test]\nflag = hunter2secret\n");
	assert_int_equal(mr_snprintf(arg, sizeof(arg), "--extra-opts=@%s", scratch_path("flagval.ini")), 0);
	assert_int_equal(mr_snprintf(want, sizeof(want), "TEST UNKNOWN - --extra-opts: %s line 2: 'flag' takes no value "
	                             "(write 'flag =')\n", scratch_path("flagval.ini")), 0);
	expect_one_line(arg, NULL, want);
	write_ini("noval.ini", "[check_test]\nsecret-file =\n");
	assert_int_equal(mr_snprintf(arg, sizeof(arg), "--extra-opts=@%s", scratch_path("noval.ini")), 0);
	assert_int_equal(mr_snprintf(want, sizeof(want), "TEST UNKNOWN - --extra-opts: %s line 2: 'secret-file' needs a "
	                             "value ('secret-file = VALUE')\n", scratch_path("noval.ini")), 0);
	expect_one_line(arg, NULL, want);
}

/** A secret file that cannot be read is one line naming the option (and the ini file as its origin), never the
 *  value given, which may be the secret itself; a good one is read and masked. */
static void test_secret_file_errors_name_the_option_never_the_value(void **state)
{
	tcfg cfg;
	char arg[600];
	char *out;
	const char *path;

	(void)state;
	reset(&cfg);
	hooks.read_secret = 1;
	assert_int_equal(run_plugin(&cfg, &out, "--secret-file=hunter2secret", NULL), MR_UNKNOWN);
	assert_string_equal(out, "TEST UNKNOWN - --secret-file: cannot open the file given: No such file or directory\n");
	free(out);
	reset(&cfg);
	hooks.read_secret = 1;
	write_ini("sf.ini", "[check_test]\nsecret-file = hunter2secret\n");
	assert_int_equal(mr_snprintf(arg, sizeof(arg), "--extra-opts=@%s", scratch_path("sf.ini")), 0);
	assert_int_equal(run_plugin(&cfg, &out, arg, NULL), MR_UNKNOWN);
	assert_string_equal(out, "TEST UNKNOWN - --secret-file: cannot open the file given: No such file or directory "
	                         "(from --extra-opts)\n");
	free(out);
	/* the value is masked from the moment it is read: a message quoting it shows *** */
	{
		char text[] = "x hunter2secret y";

		mr_secret_mask(text, strlen(text));
		assert_string_equal(text, "x *** y");
	}
	/* a good file (0640, the advice) is read without a warning; a world-readable one warns without its path */
	reset(&cfg);
	hooks.read_secret = 1;
	path = scratch_write("good.key", "the-secret-1234\n", strlen("the-secret-1234\n"), 0640);
	assert_int_equal(mr_snprintf(arg, sizeof(arg), "--secret-file=%s", path), 0);
	assert_int_equal(run_plugin(&cfg, &out, arg, NULL), MR_WARNING);
	assert_string_equal(hooks.secret, "the-secret-1234");
	assert_string_equal(out, "TEST WARNING - one listing\n\\_ [WARNING] one listing\n");
	free(out);
	reset(&cfg);
	hooks.read_secret = 1;
	path = scratch_write("loose.key", "the-secret-5678\n", strlen("the-secret-5678\n"), 0644);
	assert_int_equal(mr_snprintf(arg, sizeof(arg), "--secret-file=%s", path), 0);
	assert_int_equal(run_plugin(&cfg, &out, arg, NULL), MR_WARNING);
	assert_non_null(strstr(out, "\\_ [WARNING] --secret-file: every user can read the file given; chmod o-rwx it "
	                            "(root:nagios, mode 0640, is the advice)\n"));
	assert_null(strstr(out, "loose.key"));
	free(out);
}

/** The state of a timeout the plugin detects itself is --timeout-result's or -t's :STATE (default UNKNOWN). */
static void test_timeout_state_is_exposed(void **state)
{
	tcfg cfg;
	char *out;

	(void)state;
	reset(&cfg);
	hooks.fail = 5;
	assert_int_equal(run_plugin(&cfg, &out, NULL), MR_UNKNOWN);
	assert_string_equal(out, "TEST UNKNOWN - stage timed out\n\\_ [UNKNOWN] stage timed out\n");
	free(out);
	reset(&cfg);
	hooks.fail = 5;
	assert_int_equal(run_plugin(&cfg, &out, "--timeout-result=critical", NULL), MR_CRITICAL);
	free(out);
	reset(&cfg);
	hooks.fail = 5;
	assert_int_equal(run_plugin(&cfg, &out, "-t", "3:warning", NULL), MR_WARNING);
	free(out);
}

/** mr_plural picks the singular for 1 only. */
static void test_plural_forms(void **state)
{
	(void)state;
	assert_string_equal(mr_plural(0, "error", "errors"), "errors");
	assert_string_equal(mr_plural(1, "error", "errors"), "error");
	assert_string_equal(mr_plural(2, "error", "errors"), "errors");
	assert_string_equal(mr_plural(1, "address or range", "addresses or ranges"), "address or range");
}

/** Lists stop at their most entries with one message. */
static void test_lists_have_a_maximum(void **state)
{
	tcfg cfg;
	char *out;

	(void)state;
	reset(&cfg);
	assert_int_equal(run_plugin(&cfg, &out, "-H", "192.0.2.1", "-H", "192.0.2.2", "-H", "192.0.2.3", NULL),
	                 MR_UNKNOWN);
	assert_non_null(strstr(out, "TEST UNKNOWN - -H/--ip: at most 2 addresses or ranges\n"));
	free(out);
	reset(&cfg);
	assert_int_equal(run_plugin(&cfg, &out, "--domain=a.example", "--domain=b.example", "--domain=c.example", NULL),
	                 MR_UNKNOWN);
	assert_non_null(strstr(out, "TEST UNKNOWN - --domain: at most 2 domains\n"));
	free(out);
}

/** A good run: prepare, service, run, render, cleanup, in that order, each once; the state is the tree's. */
static void test_lifecycle_of_a_good_run(void **state)
{
	tcfg cfg;
	char *out;

	(void)state;
	reset(&cfg);
	assert_int_equal(run_plugin(&cfg, &out, NULL), MR_WARNING);
	assert_string_equal(out, "TEST WARNING - one listing\n\\_ [WARNING] one listing\n");
	free(out);
	assert_int_equal(hooks.prepared, 1);
	assert_int_equal(hooks.ran, 1);
	assert_int_equal(hooks.inits, 1);
	assert_int_equal(hooks.cleanups, 1);
	assert_int_equal(hooks.cleaned, 1);
}

/** The failure call: its text is the summary, UNKNOWN or --timeout-result's state; the first call wins. */
static void test_failure_call(void **state)
{
	tcfg cfg;
	char *out;

	(void)state;
	reset(&cfg);
	hooks.fail = 1;
	assert_int_equal(run_plugin(&cfg, &out, "--timeout-result=critical", NULL), MR_UNKNOWN);
	assert_string_equal(out, "TEST UNKNOWN - no resolver: bad file\n");
	free(out);

	reset(&cfg);
	hooks.fail = 2;
	assert_int_equal(run_plugin(&cfg, &out, "-t", "5:critical", NULL), MR_CRITICAL);
	assert_string_equal(out, "TEST CRITICAL - timed out after 3 messages\n");
	free(out);

	reset(&cfg);
	hooks.fail = 3;
	assert_int_equal(run_plugin(&cfg, &out, NULL), MR_UNKNOWN);
	assert_string_equal(out, "TEST UNKNOWN - first\n");
	free(out);

	reset(&cfg);
	hooks.fail = 4;
	assert_int_equal(run_plugin(&cfg, &out, NULL), MR_UNKNOWN);
	assert_string_equal(out, "TEST UNKNOWN - internal error: the run failed without a reason\n");
	free(out);
	assert_int_equal(hooks.cleanups, 1);
	assert_int_equal(hooks.cleaned, 1);
}

/** prepare answers bad arguments (with the usage) or "done"; neither runs nor initialises the services. */
static void test_prepare_outcomes(void **state)
{
	tcfg cfg;
	char *out;

	(void)state;
	reset(&cfg);
	hooks.prepare_rc = MR_PREPARE_BAD;
	assert_int_equal(run_plugin(&cfg, &out, NULL), MR_UNKNOWN);
	assert_non_null(strstr(out, "TEST UNKNOWN - --flag needs --str\nUsage:\n"));
	free(out);
	assert_int_equal(hooks.ran + hooks.inits, 0);
	assert_int_equal(hooks.cleaned, 1);

	reset(&cfg);
	hooks.prepare_rc = MR_PREPARE_DONE;
	assert_int_equal(run_plugin(&cfg, &out, NULL), MR_UNKNOWN);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(hooks.ran + hooks.inits, 0);
}

/** A service that cannot start is the one line "PREFIX UNKNOWN - cannot initialise WHAT"; no run. */
static void test_service_failure(void **state)
{
	tcfg cfg;
	char *out;

	(void)state;
	reset(&cfg);
	hooks.init_rc = -1;
	assert_int_equal(run_plugin(&cfg, &out, NULL), MR_UNKNOWN);
	assert_string_equal(out, "TEST UNKNOWN - cannot initialise testlib\n");
	free(out);
	assert_int_equal(hooks.ran, 0);
	assert_int_equal(hooks.cleanups, 0);
	assert_int_equal(hooks.cleaned, 1);
}

/** --help is printed by the frame, with no hook called. */
static void test_help_runs_no_hook(void **state)
{
	tcfg cfg;
	char *out;

	(void)state;
	reset(&cfg);
	assert_int_equal(run_plugin(&cfg, &out, "--help", NULL), MR_UNKNOWN);
	assert_non_null(strstr(out, "\nTest:\n  --flag\n      a flag\n  -4, --ipv4\n"));
	/* one generated paragraph on how to give the secrets */
	assert_non_null(strstr(out, "\nSecrets: give --secret-file=FILE, a file that holds the secret on its first line\n"
	                            "(chown root:nagios, chmod 0640), or write 'secret-file = FILE' in section\n"
	                            "[check_test] of the --extra-opts file (keys are option names written in full).\n"
	                            "--secret=SECRET on the command line shows in the process list: write 'secret =\n"
	                            "SECRET' in section [check_test] of the --extra-opts file instead.\n"));
	free(out);
	assert_int_equal(hooks.prepared + hooks.ran + hooks.inits, 0);
}

/** Group setup: a scratch directory for ini and secret files. */
static int setup(void **state)
{
	(void)state;
	return scratch_init("test_plugin");
}

/** Group teardown: remove the scratch directory. */
static int teardown(void **state)
{
	(void)state;
	mr_secret_clear();
	return scratch_remove();
}

/** Run the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typed_rows_store_good_values),
		cmocka_unit_test(test_typed_rows_refuse_bad_values),
		cmocka_unit_test(test_lists_have_a_maximum),
		cmocka_unit_test(test_lifecycle_of_a_good_run),
		cmocka_unit_test(test_failure_call),
		cmocka_unit_test(test_prepare_outcomes),
		cmocka_unit_test(test_service_failure),
		cmocka_unit_test(test_help_runs_no_hook),
		cmocka_unit_test(test_runtime_errors_are_one_line),
		cmocka_unit_test(test_secret_file_errors_name_the_option_never_the_value),
		cmocka_unit_test(test_timeout_state_is_exposed),
		cmocka_unit_test(test_plural_forms),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* check_snds.c: what does Microsoft SNDS say about these IPs? The options, the plugin declaration and the glue
 * that reads the secrets, then hands over to snds_input (fetch, --lookback walk), snds_judge and snds_report. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../common/deadline.h"
#include "../../common/plugin.h"
#include "../../common/secret.h"
#include "../../common/tlsopt.h"
#include "snds_input.h"
#include "snds_judge.h"
#include "snds_report.h"

/** Most -H options. */
#define MAX_FILTERS 256

/** Ids of check_snds's options that its handler checks and stores. */
enum { OPT_BASE_URL = 1, OPT_DATE };

/** Everything check_snds reads from its options. */
typedef struct snds_config {
	const char *key_file;           /**< --key-file */
	const char *key;                /**< --key */
	const char *token_file;         /**< --token-file */
	int api;                        /**< -1 auto, else snds_api */
	const char *base_url;           /**< --base-url */
	mr_cidr filters[MAX_FILTERS];   /**< -H (judge.filters points here, judge.nfilters counts them) */
	snds_input_plan plan;           /**< --feed, --date, --lookback */
	snds_judge_config judge;        /**< thresholds and states */
	long max_details;               /**< --max-details (copied to judge.max_details) */
	mr_tls_config tls;              /**< TLS group: --cafile, --insecure */
	long max_size;                  /**< --max-size */
	snds_input_config fc;            /**< what the feeds are fetched with (set by prepare) */
} snds_config;

/** --api words. */
static const char *const api_words[] = { "auto", "legacy", "rest", NULL };
/** --api values: -1 for auto, else an snds_api. */
static const int api_values[] = { -1, SNDS_API_LEGACY, SNDS_API_REST };
/** --feed words. */
static const char *const feed_words[] = { "status", "data", "both", NULL };
/** --feed values. */
static const int feed_values[] = { SNDS_FEED_STATUS, SNDS_FEED_DATA, SNDS_FEED_BOTH };

/** A row of a state option stored in the judge's config. */
#define STATE_ROW(name, text, member) \
	{ .long_name = name, .arg = MR_ARG_REQUIRED, .arg_name = "STATE", .help = text, .type = MR_T_STATE, \
	  .off = MR_AT(snds_config, judge.member) }
/** A row of a range option stored in the judge's config with its flag. */
#define RANGE_ROW(name, text, member, flag) \
	{ .long_name = name, .arg = MR_ARG_REQUIRED, .arg_name = "RANGE", .help = text, .type = MR_T_RANGE, \
	  .off = MR_AT(snds_config, judge.member), .off2 = MR_AT(snds_config, judge.flag) }

/** check_snds's own options. */
static const mr_option snds_options[] = {
	{ .long_name = "key-file", .short_name = 'k', .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "read the SNDS automated-access key from FILE (root:nagios, mode 0640)",
	  .type = MR_T_SECRET_FILE, .off = MR_AT(snds_config, key_file) },
	{ .long_name = "key", .arg = MR_ARG_REQUIRED, .arg_name = "KEY",
	  .help = "the SNDS key itself: visible in the process list, prefer --key-file, --extra-opts or SNDS_KEY in "
	          "the environment", .type = MR_T_SECRET, .off = MR_AT(snds_config, key) },
	{ .long_name = "token-file", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "read the OAuth2 bearer token for the SNDS REST API from FILE",
	  .type = MR_T_SECRET_FILE, .off = MR_AT(snds_config, token_file) },
	{ .long_name = "api", .arg = MR_ARG_REQUIRED, .arg_name = "auto|legacy|rest",
	  .help = "which interface: auto (default) uses rest when a token is given, else the legacy key links",
	  .type = MR_T_CHOICE, .off = MR_AT(snds_config, api), .words = api_words, .values = api_values },
	{ .long_name = "base-url", .arg = MR_ARG_REQUIRED, .arg_name = "URL", .id = OPT_BASE_URL,
	  .help = "prefix the feed paths are appended to (default for legacy " SNDS_LEGACY_BASE ", for rest "
	          SNDS_REST_BASE ")" },
	{ .long_name = "ip", .short_name = 'H', .arg = MR_ARG_REQUIRED, .arg_name = "ADDRESS|CIDR",
	  .help = "judge only these IPs (default every IP in the feeds); a single address missing from the data "
	          "feed gets --missing-state", .flags = MR_OPT_REPEAT, .type = MR_T_CIDR_LIST,
	  .off = MR_AT(snds_config, filters), .off2 = MR_AT(snds_config, judge.nfilters), .hi = MAX_FILTERS },
	{ .long_name = "feed", .arg = MR_ARG_REQUIRED, .arg_name = "status|data|both",
	  .help = "which feeds to read (default both)",
	  .type = MR_T_CHOICE, .off = MR_AT(snds_config, plan.feeds), .words = feed_words, .values = feed_values },
	{ .long_name = "date", .arg = MR_ARG_REQUIRED, .arg_name = "YYYY-MM-DD", .id = OPT_DATE,
	  .help = "newest day of data to look at (default yesterday, UTC)" },
	{ .long_name = "lookback", .arg = MR_ARG_REQUIRED, .arg_name = "DAYS",
	  .help = "look back up to DAYS days for the newest day with data (default 3)",
	  .type = MR_T_COUNT, .off = MR_AT(snds_config, plan.lookback), .lo = 1, .hi = 90 },
	RANGE_ROW("complaint-warning", "complaint rate in percent (default 0.1: above 0.1% warns)", complaint.warn,
	          complaint.has_warn),
	RANGE_ROW("complaint-critical", "complaint rate in percent (default 0.3)", complaint.crit,
	          complaint.has_crit),
	RANGE_ROW("trap-warning", "trap hits (default none)", trap.warn, trap.has_warn),
	RANGE_ROW("trap-critical", "trap hits (default none)", trap.crit, trap.has_crit),
	STATE_ROW("yellow-state", "state of a YELLOW filter result (default warning)", yellow_state),
	STATE_ROW("red-state", "state of a RED filter result (default critical)", red_state),
	STATE_ROW("blocked-state", "state of an IP Outlook.com blocks (default critical)", blocked_state),
	STATE_ROW("missing-state", "state of a -H address absent from the data (default ok)", missing_state),
	{ .long_name = "max-size", .arg = MR_ARG_REQUIRED, .arg_name = "BYTES",
	  .help = "largest response accepted (default 33554432)",
	  .type = MR_T_COUNT, .off = MR_AT(snds_config, max_size), .lo = 1024, .hi = 1073741824L },
	{ .long_name = "max-details", .arg = MR_ARG_REQUIRED, .arg_name = "N",
	  .help = "show at most N IPs in the long output (default 50)",
	  .type = MR_T_COUNT, .off = MR_AT(snds_config, max_details), .lo = 0, .hi = 100000 },
	MR_OPTION_END
};

/** Parse a YYYY-MM-DD date strictly into tm; 0 or -1. */
static int parse_date(const char *s, struct tm *tm)
{
	long y, m, d;
	char buf[16];
	time_t t;
	struct tm check;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	memcpy(buf, s, 11);
	buf[4] = buf[7] = '\0';
	if (mr_parse_long(buf, 2000, 2100, &y) != 0 || mr_parse_long(buf + 5, 1, 12, &m) != 0 ||
	    mr_parse_long(buf + 8, 1, 31, &d) != 0)
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = (int)y - 1900;
	tm->tm_mon = (int)m - 1;
	tm->tm_mday = (int)d;
	tm->tm_hour = 12;
	t = timegm(tm);
	if (gmtime_r(&t, &check) == NULL || check.tm_mday != tm->tm_mday) /* 2026-02-30 */
		return -1;
	*tm = check;
	return 0;
}

/** Store one of check_snds's own options into the config. */
static int handle_option(void *cfgp, int id, const char *arg, mr_buf *err)
{
	snds_config *cfg = cfgp;

	switch (id) {
	case OPT_BASE_URL:
		if (strncmp(arg, "https://", 8) != 0 && strncmp(arg, "http://", 7) != 0)
			return mr_buf_puts(err, "the URL must start with https:// (http:// only with --insecure)"), -1;
		cfg->base_url = arg;
		return 0;
	case OPT_DATE:
		if (parse_date(arg, &cfg->plan.day) != 0)
			return mr_buf_printf(err, "'%s' is not a date YYYY-MM-DD", arg), -1;
		cfg->plan.have_date = 1;
		return 0;
	default:
		return mr_buf_puts(err, "internal error: unknown option"), -1;
	}
}

/** Set the defaults that are not zero. */
static void config_defaults(snds_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->api = -1;
	cfg->plan.feeds = SNDS_FEED_BOTH;
	cfg->plan.lookback = 3;
	cfg->max_size = 32L * 1024 * 1024;
	cfg->judge.filters = cfg->filters;
	cfg->max_details = 50;
	cfg->judge.yellow_state = MR_WARNING;
	cfg->judge.red_state = MR_CRITICAL;
	cfg->judge.blocked_state = MR_CRITICAL;
	cfg->judge.missing_state = MR_OK;
	mr_range_parse("0.1", &cfg->judge.complaint.warn);
	mr_range_parse("0.3", &cfg->judge.complaint.crit);
	cfg->judge.complaint.has_warn = cfg->judge.complaint.has_crit = 1;
}

/** 0 if the base URL keeps the key or token encrypted (https://, or http:// with --insecure); else -1 with why. */
static int check_base_url(const snds_config *cfg, mr_buf *err)
{
	if (cfg->base_url == NULL || cfg->tls.insecure || strncmp(cfg->base_url, "http://", 7) != 0)
		return 0;
	return mr_buf_puts(err, "--base-url: http:// would send the SNDS key or token unencrypted: use https:// "
	                        "(--insecure allows http:// for tests)"), -1;
}

/** The message of a key with characters no SNDS key has; from names where it came from. */
#define BAD_KEY "the SNDS key %shas characters a key cannot have (letters, digits, '-', '_')"

/** Take the key from --key or SNDS_KEY (a file is read by run), choose the API; 0, or -1 with a reason. */
static int choose_api(snds_config *cfg, mr_buf *err)
{
	snds_input_config *fc = &cfg->fc;
	const char *env = getenv("SNDS_KEY");

	if (cfg->key_file == NULL && cfg->key != NULL) {
		fc->key = cfg->key;
	} else if (cfg->key_file == NULL && env != NULL && *env != '\0') {
		if (mr_secret_register(env) != 0)
			return mr_buf_puts(err, "SNDS_KEY is too short to be a key"), -1;
		fc->key = env;
	}
	if (snds_input_choose_api(fc, cfg->api, cfg->key_file != NULL || fc->key != NULL, cfg->token_file != NULL,
	                          cfg->base_url, err) != 0)
		return -1;
	if (fc->api == SNDS_API_LEGACY && fc->key != NULL && !snds_input_key_valid(fc->key))
		return mr_buf_printf(err, BAD_KEY, cfg->key != NULL ? "of --key " : "in SNDS_KEY "), -1;
	return 0;
}

/** Check the base URL and the key and token options, choose the API; MR_PREPARE_OK or MR_PREPARE_BAD. */
static int prepare(mr_plugin_ctx *ctx, void *cfgp, mr_buf *err)
{
	snds_config *cfg = cfgp;

	(void)ctx;
	cfg->judge.max_details = (size_t)cfg->max_details;
	if (check_base_url(cfg, err) != 0 || choose_api(cfg, err) != 0)
		return MR_PREPARE_BAD;
	return MR_PREPARE_OK;
}

/** Read the key and token files the API needs (a runtime step: errors are one line); 0, or -1 with why. */
static int read_secrets(mr_plugin_ctx *ctx, snds_config *cfg, mr_buf *err)
{
	snds_input_config *fc = &cfg->fc;
	mr_buf why;
	int rc = -1;

	mr_buf_init(&why, 1024);
	if (cfg->key_file != NULL) {
		fc->key = mr_plugin_secret(ctx, cfg->key_file, &why);
		if (fc->key == NULL) {
			mr_buf_printf(err, "--key-file: %s", mr_buf_str(&why));
			goto out;
		}
		if (fc->api == SNDS_API_LEGACY && !snds_input_key_valid(fc->key)) {
			mr_buf_printf(err, BAD_KEY, "in --key-file ");
			goto out;
		}
	}
	if (cfg->token_file != NULL) {
		fc->token = mr_plugin_secret(ctx, cfg->token_file, &why);
		if (fc->token == NULL) {
			mr_buf_printf(err, "--token-file: %s", mr_buf_str(&why));
			goto out;
		}
	}
	rc = 0;
out:
	mr_buf_free(&why);
	return rc;
}

/** Fetch, judge and report; 0, or -1 after mr_plugin_fail (the perfdata labels stay, with U values). */
static int run(mr_plugin_ctx *ctx, void *cfgp)
{
	snds_config *cfg = cfgp;
	snds_input_config *fc = &cfg->fc;
	snds_judge j;
	char day[16];
	mr_buf err;
	int rc = 0;

	mr_buf_init(&err, 4096);
	day[0] = '\0';
	mr_http_config_init(&fc->http);
	fc->http.cafile = cfg->tls.cafile;
	fc->http.insecure = cfg->tls.insecure;
	fc->http.max_body = (size_t)cfg->max_size;
	fc->http.deadline = ctx->deadline;
	fc->http.verbose = ctx->common.verbose;
	snds_judge_init(&j, &cfg->judge);
	if (read_secrets(ctx, cfg, &err) != 0 || snds_input_read(fc, &cfg->plan, &j, day, sizeof(day), &err) != 0) {
		rc = -1;
	} else if (snds_judge_finish(&j) != 0 ||
	           snds_report_build(ctx->check, &j, day[0] ? day : NULL, mr_now() - ctx->start) != 0) {
		mr_buf_puts(&err, "out of memory while judging");
		rc = -1;
	}
	if (rc != 0) {
		if (ctx->check->nperf == 0)
			snds_report_failure_perf(ctx->check, &cfg->judge, mr_now() - ctx->start);
		mr_plugin_fail(ctx, mr_plugin_timed_out(ctx), "%s", mr_buf_str(&err));
	}
	snds_judge_free(&j);
	mr_buf_free(&err);
	return rc;
}

/** Examples for --help. */
static const char *const examples[] = {
	"check_snds -k /etc/nagios/snds.key",
	"check_snds -k /etc/nagios/snds.key -H 192.0.2.0/24 --feed=data",
	"check_snds -k /etc/nagios/snds.key -H 192.0.2.25 --complaint-warning=0.05",
	"check_snds --token-file=/etc/nagios/snds.token --feed=status",
	NULL
};

/** check_snds as the plugin frame runs it. */
static const mr_plugin plugin = {
	.info = {
		.name = "check_snds",
		.prefix = "SNDS",
		.purpose = "Reads Microsoft SNDS (Smart Network Data Services) over HTTPS: the IP status feed (is "
		           "Outlook.com blocking the IP?) and the data feed (filter result GREEN/YELLOW/RED, complaint "
		           "rate, trap hits, volume), judges each IP and reports the worst. Supports the legacy key "
		           "links and the 2026 REST API with an OAuth2 bearer token.",
		.usage = "-k FILE|--token-file=FILE [-H ADDRESS|CIDR]... [--feed=status|data|both]\n"
		         "[--date=YYYY-MM-DD] [--lookback=DAYS] [--base-url=URL] [-t SECONDS]",
		.notes = "Keys and tokens never appear in the output, perfdata, -v traces or errors. Pass them in a "
		         "file (root:nagios, mode 0640) named by --key-file or --token-file, on the command line or "
		         "in the --extra-opts section. IPs are compared numerically: 1.2.3.4 never matches 1.2.3.40, and ranges are "
		         "inclusive. Empty trap fields are 'not reported' (perfdata U), never zero.",
		.default_timeout = 10,
		.examples = examples,
	},
	.title = "SNDS",
	.options = snds_options,
	.handle = handle_option,
	.tls_options = mr_tls_https_options,
	.tls_off = MR_AT(snds_config, tls),
	.service = &mr_curl_service,
	.prepare = prepare,
	.run = run,
};

/** Entry point: set the defaults and hand over to the plugin frame. */
int main(int argc, char **argv)
{
	snds_config cfg;

	config_defaults(&cfg);
	return (int)mr_plugin_main(&plugin, &cfg, argc, argv);
}

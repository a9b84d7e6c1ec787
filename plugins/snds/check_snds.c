/* check_snds.c: what does Microsoft SNDS say about these IPs? (options, fetch both feeds, judge, render) */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>

#include "../../common/deadline.h"
#include "../../common/http.h"
#include "../../common/options.h"
#include "../../common/render.h"
#include "../../common/result.h"
#include "../../common/secret.h"
#include "snds_input.h"
#include "snds_report.h"
#include "snds_judge.h"
#include "snds_parse.h"

/** Most -H options. */
#define MAX_FILTERS 256

/** Option ids of check_snds's own group. */
enum {
	OPT_KEY_FILE = 1, OPT_KEY, OPT_TOKEN_FILE, OPT_API, OPT_BASE_URL, OPT_IP, OPT_FEED, OPT_DATE, OPT_LOOKBACK,
	OPT_CW, OPT_CC, OPT_TW, OPT_TC, OPT_YELLOW, OPT_RED, OPT_BLOCKED, OPT_MISSING, OPT_CAFILE, OPT_INSECURE,
	OPT_MAX_SIZE, OPT_MAX_DETAILS
};

/** Everything check_snds reads from its options. */
typedef struct snds_config {
	const char *key_file;           /**< --key-file */
	const char *key;                /**< --key */
	const char *token_file;         /**< --token-file */
	int api;                        /**< -1 auto, else snds_api */
	const char *base_url;           /**< --base-url */
	mr_cidr filters[MAX_FILTERS];   /**< -H (judge.filters points here, judge.nfilters counts them) */
	int want_status;                /**< --feed includes status */
	int want_data;                  /**< --feed includes data */
	int have_date;                  /**< --date given */
	struct tm date;                 /**< --date */
	long lookback;                  /**< --lookback */
	snds_judge_config judge;        /**< thresholds and states */
	const char *cafile;             /**< --cafile */
	int insecure;                   /**< --insecure */
	long max_size;                  /**< --max-size */
} snds_config;

/** check_snds's own options. */
static const mr_option snds_options[] = {
	{ "key-file", 'k', MR_ARG_REQUIRED, "FILE", "read the SNDS automated-access key from FILE (mode 600)",
	  OPT_KEY_FILE, 0 },
	{ "key", 0, MR_ARG_REQUIRED, "KEY",
	  "the SNDS key itself: visible in the process list, prefer --key-file, --extra-opts or SNDS_KEY in the "
	  "environment", OPT_KEY, MR_OPT_SECRET },
	{ "token-file", 0, MR_ARG_REQUIRED, "FILE", "read the OAuth2 bearer token for the SNDS REST API from FILE",
	  OPT_TOKEN_FILE, 0 },
	{ "api", 0, MR_ARG_REQUIRED, "auto|legacy|rest", "which interface: auto (default) uses rest when a token is "
	  "given, else the legacy key links", OPT_API, 0 },
	{ "base-url", 0, MR_ARG_REQUIRED, "URL", "prefix the feed paths are appended to (default for legacy "
	  SNDS_LEGACY_BASE ", for rest " SNDS_REST_BASE ")", OPT_BASE_URL, 0 },
	{ "ip", 'H', MR_ARG_REQUIRED, "ADDRESS|CIDR", "judge only these IPs (default every IP in the feeds); a single "
	  "address missing from the data feed gets --missing-state", OPT_IP, MR_OPT_REPEAT },
	{ "feed", 0, MR_ARG_REQUIRED, "status|data|both", "which feeds to read (default both)", OPT_FEED, 0 },
	{ "date", 0, MR_ARG_REQUIRED, "YYYY-MM-DD", "newest day of data to look at (default yesterday, UTC)",
	  OPT_DATE, 0 },
	{ "lookback", 0, MR_ARG_REQUIRED, "DAYS", "look back up to DAYS days for the newest day with data (default 3)",
	  OPT_LOOKBACK, 0 },
	{ "complaint-warning", 0, MR_ARG_REQUIRED, "RANGE", "complaint rate in percent (default 0.1: above 0.1% warns)",
	  OPT_CW, 0 },
	{ "complaint-critical", 0, MR_ARG_REQUIRED, "RANGE", "complaint rate in percent (default 0.3)", OPT_CC, 0 },
	{ "trap-warning", 0, MR_ARG_REQUIRED, "RANGE", "trap hits (default none)", OPT_TW, 0 },
	{ "trap-critical", 0, MR_ARG_REQUIRED, "RANGE", "trap hits (default none)", OPT_TC, 0 },
	{ "yellow-state", 0, MR_ARG_REQUIRED, "STATE", "state of a YELLOW filter result (default warning)", OPT_YELLOW, 0 },
	{ "red-state", 0, MR_ARG_REQUIRED, "STATE", "state of a RED filter result (default critical)", OPT_RED, 0 },
	{ "blocked-state", 0, MR_ARG_REQUIRED, "STATE", "state of an IP Outlook.com blocks (default critical)",
	  OPT_BLOCKED, 0 },
	{ "missing-state", 0, MR_ARG_REQUIRED, "STATE", "state of a -H address absent from the data (default ok)",
	  OPT_MISSING, 0 },
	{ "cafile", 0, MR_ARG_REQUIRED, "FILE", "CA certificates to verify the server with", OPT_CAFILE, 0 },
	{ "insecure", 0, MR_ARG_NONE, NULL, "do not verify the server certificate and allow an http:// --base-url: "
	  "for tests only, never in production", OPT_INSECURE, 0 },
	{ "max-size", 0, MR_ARG_REQUIRED, "BYTES", "largest response accepted (default 33554432)", OPT_MAX_SIZE, 0 },
	{ "max-details", 0, MR_ARG_REQUIRED, "N", "show at most N IPs in the long output (default 50)",
	  OPT_MAX_DETAILS, 0 },
	{ NULL, 0, MR_ARG_NONE, NULL, NULL, 0, 0 }
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

/** Parse a state option into *st; 0 or -1 with a reason. */
static int set_state(const char *arg, mr_state *st, mr_buf *err)
{
	if (mr_state_parse(arg, st) != 0)
		return mr_buf_printf(err, "'%s' is not ok, warning, critical, unknown or 0-3", arg), -1;
	return 0;
}

/** Parse a range option into r and its flag; 0 or -1 with a reason. */
static int set_range(const char *arg, mr_range *r, int *has, mr_buf *err)
{
	if (mr_range_parse(arg, r) != 0)
		return mr_buf_printf(err, "invalid range '%s'", arg), -1;
	*has = 1;
	return 0;
}

/** Store one of check_snds's own options into the config. */
static int handle_option(void *cfgp, int id, const char *arg, mr_buf *err)
{
	snds_config *cfg = cfgp;
	const char *why = NULL;

	switch (id) {
	case OPT_KEY_FILE: cfg->key_file = arg; return 0;
	case OPT_KEY: cfg->key = arg; return 0;
	case OPT_TOKEN_FILE: cfg->token_file = arg; return 0;
	case OPT_API:
		if (strcmp(arg, "auto") == 0)
			cfg->api = -1;
		else if (strcmp(arg, "legacy") == 0)
			cfg->api = SNDS_API_LEGACY;
		else if (strcmp(arg, "rest") == 0)
			cfg->api = SNDS_API_REST;
		else
			return mr_buf_printf(err, "'%s' is not auto, legacy or rest", arg), -1;
		return 0;
	case OPT_BASE_URL:
		if (strncmp(arg, "https://", 8) != 0 && strncmp(arg, "http://", 7) != 0)
			return mr_buf_puts(err, "the URL must start with https:// (http:// only with --insecure)"), -1;
		cfg->base_url = arg;
		return 0;
	case OPT_IP:
		if (cfg->judge.nfilters == MAX_FILTERS)
			return mr_buf_printf(err, "at most %d addresses or ranges", MAX_FILTERS), -1;
		if (mr_cidr_parse(arg, &cfg->filters[cfg->judge.nfilters], &why) != 0)
			return mr_buf_printf(err, "invalid address or range '%s': %s", arg, why ? why : "not an IP"), -1;
		cfg->judge.nfilters++;
		return 0;
	case OPT_FEED:
		cfg->want_status = strcmp(arg, "status") == 0 || strcmp(arg, "both") == 0;
		cfg->want_data = strcmp(arg, "data") == 0 || strcmp(arg, "both") == 0;
		if (!cfg->want_status && !cfg->want_data)
			return mr_buf_printf(err, "'%s' is not status, data or both", arg), -1;
		return 0;
	case OPT_DATE:
		if (parse_date(arg, &cfg->date) != 0)
			return mr_buf_printf(err, "'%s' is not a date YYYY-MM-DD", arg), -1;
		cfg->have_date = 1;
		return 0;
	case OPT_LOOKBACK:
		if (mr_parse_long(arg, 1, 90, &cfg->lookback) != 0)
			return mr_buf_printf(err, "'%s' is not a number of days from 1 to 90", arg), -1;
		return 0;
	case OPT_CW: return set_range(arg, &cfg->judge.complaint.warn, &cfg->judge.complaint.has_warn, err);
	case OPT_CC: return set_range(arg, &cfg->judge.complaint.crit, &cfg->judge.complaint.has_crit, err);
	case OPT_TW: return set_range(arg, &cfg->judge.trap.warn, &cfg->judge.trap.has_warn, err);
	case OPT_TC: return set_range(arg, &cfg->judge.trap.crit, &cfg->judge.trap.has_crit, err);
	case OPT_YELLOW: return set_state(arg, &cfg->judge.yellow_state, err);
	case OPT_RED: return set_state(arg, &cfg->judge.red_state, err);
	case OPT_BLOCKED: return set_state(arg, &cfg->judge.blocked_state, err);
	case OPT_MISSING: return set_state(arg, &cfg->judge.missing_state, err);
	case OPT_CAFILE: cfg->cafile = arg; return 0;
	case OPT_INSECURE: cfg->insecure = 1; return 0;
	case OPT_MAX_SIZE:
		if (mr_parse_long(arg, 1024, 1073741824L, &cfg->max_size) != 0)
			return mr_buf_printf(err, "'%s' is not a size from 1024 to 1073741824 bytes", arg), -1;
		return 0;
	case OPT_MAX_DETAILS: {
		long n;
		if (mr_parse_long(arg, 0, 100000, &n) != 0)
			return mr_buf_printf(err, "invalid number '%s' (0 to 100000)", arg), -1;
		cfg->judge.max_details = (size_t)n;
		return 0;
	}
	default:
		return mr_buf_puts(err, "internal error: unknown option"), -1;
	}
}

/** Set the defaults that are not zero. */
static void config_defaults(snds_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->api = -1;
	cfg->want_status = cfg->want_data = 1;
	cfg->lookback = 3;
	cfg->max_size = 32L * 1024 * 1024;
	cfg->judge.filters = cfg->filters;
	cfg->judge.max_details = 50;
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
	if (cfg->base_url == NULL || cfg->insecure || strncmp(cfg->base_url, "http://", 7) != 0)
		return 0;
	return mr_buf_puts(err, "--base-url: http:// would send the SNDS key or token unencrypted: use https:// "
	                        "(--insecure allows http:// for tests)"), -1;
}

/** Secrets read at start-up; freed at exit. */
typedef struct secrets {
	char *key;      /**< from --key-file, or NULL */
	char *token;    /**< from --token-file, or NULL */
} secrets;

/** Read key and token, choose the API; 0, or -1 with a reason (bad arguments). */
static int load_secrets(snds_config *cfg, secrets *s, snds_input_config *fc, mr_check *c, mr_buf *err)
{
	const char *env = getenv("SNDS_KEY");

	if (cfg->key_file != NULL) {
		s->key = mr_check_read_secret(c, cfg->key_file, err);
		if (s->key == NULL)
			return -1;
		fc->key = s->key;
	} else if (cfg->key != NULL) {
		fc->key = cfg->key;
	} else if (env != NULL && *env != '\0') {
		if (mr_secret_register(env) != 0)
			return mr_buf_puts(err, "SNDS_KEY is too short to be a key"), -1;
		fc->key = env;
	}
	if (cfg->token_file != NULL) {
		s->token = mr_check_read_secret(c, cfg->token_file, err);
		if (s->token == NULL)
			return -1;
		fc->token = s->token;
	}
	fc->api = cfg->api >= 0 ? (snds_api)cfg->api : fc->token != NULL ? SNDS_API_REST : SNDS_API_LEGACY;
	if (fc->api == SNDS_API_LEGACY && fc->key == NULL)
		return mr_buf_puts(err, "no SNDS key: give -k/--key-file, --key or SNDS_KEY (or --token-file for rest)"),
		       -1;
	if (fc->api == SNDS_API_REST && fc->token == NULL)
		return mr_buf_puts(err, "--api=rest needs --token-file"), -1;
	if (fc->api == SNDS_API_LEGACY && !snds_input_key_valid(fc->key))
		return mr_buf_puts(err, "the SNDS key has characters a key cannot have (letters, digits, '-', '_')"), -1;
	fc->base_url = cfg->base_url != NULL ? cfg->base_url : fc->api == SNDS_API_REST ? SNDS_REST_BASE
	                                                                                : SNDS_LEGACY_BASE;
	return 0;
}

/** Parse a fetched data (data 1) or status feed body into j; rows, or -1 with "WHAT cannot be read: ..." in err. */
static long parse_feed(int data, const mr_http_response *resp, snds_format fmt, snds_judge *j, const char *what,
                       mr_buf *err)
{
	mr_buf why;
	long rows;

	mr_buf_init(&why, 512);
	rows = data ? snds_parse_data(resp->body.data, resp->body.len, fmt, snds_judge_add_data, j, &why)
	            : snds_parse_status(resp->body.data, resp->body.len, fmt, snds_judge_add_status, j, &why);
	if (rows < 0)
		mr_buf_printf(err, "%s cannot be read: %s", what, j->oom ? "out of memory" : mr_buf_str(&why));
	mr_buf_free(&why);
	return rows;
}

/** Name of a parsed feed's format for the long output. */
static const char *format_name(snds_format fmt)
{
	return fmt == SNDS_FMT_JSON ? "JSON" : "CSV";
}

/** Read the status feed into the judge; 0, or -1 with the reason for an UNKNOWN in err. */
static int read_status(const snds_input_config *fc, snds_judge *j, mr_buf *err)
{
	mr_http_response resp;
	snds_format fmt;
	long rows;
	int rc = -1;
	snds_got got = snds_input_fetch(fc, NULL, &resp, &fmt, err);

	if (got == SNDS_GOT_404) {
		mr_buf_puts(err, "the IP status feed answered HTTP 404: expired or unknown link or key");
	} else if (got == SNDS_GOT_EMPTY) {
		j->have_status = 1; /* an empty status feed: nothing is blocked */
		rc = 0;
	} else if (got == SNDS_GOT_ROWS && (rows = parse_feed(0, &resp, fmt, j, "the IP status feed", err)) >= 0) {
		j->have_status = 1;
		j->status_rows = rows;
		j->status_format = format_name(fmt);
		rc = 0;
	}
	mr_http_response_free(&resp);
	return rc;
}

/** Walk back from the start day to the newest day with data; 0 with *day set, or -1 with a reason. */
static int read_data(const snds_config *cfg, const snds_input_config *fc, snds_judge *j, struct tm *day,
                     mr_buf *err)
{
	int n404 = 0;

	for (long i = 0; i < cfg->lookback; i++) {
		mr_http_response resp;
		snds_format fmt;
		char what[40];
		long rows;
		time_t t = timegm(day);
		snds_got got;

		if (i > 0) {
			t -= 86400;
			gmtime_r(&t, day);
		}
		got = snds_input_fetch(fc, day, &resp, &fmt, err);
		if (got == SNDS_GOT_ERROR) {
			mr_http_response_free(&resp);
			return -1;
		}
		n404 += got == SNDS_GOT_404;
		if (got != SNDS_GOT_ROWS) {
			mr_http_response_free(&resp);
			continue;
		}
		mr_snprintf(what, sizeof(what), "the data feed of %04d-%02d-%02d", day->tm_year + 1900, day->tm_mon + 1,
		            day->tm_mday);
		rows = parse_feed(1, &resp, fmt, j, what, err);
		mr_http_response_free(&resp);
		if (rows < 0)
			return -1;
		if (rows > 0) {
			j->have_data = 1;
			j->data_rows = rows;
			j->data_format = format_name(fmt);
			return 0;
		}
	}
	if (n404 == cfg->lookback)
		mr_buf_printf(err, "the data feed answered HTTP 404 for %s: the link or key expired or is unknown, "
		              "or there is no data yet", cfg->lookback == 1 ? "the day asked" : "every day of --lookback");
	else
		mr_buf_printf(err, "no data in the last %ld day%s (--lookback)", cfg->lookback, cfg->lookback == 1 ? "" : "s");
	return -1;
}

/** Fetch, judge and fill c; 0, or -1 with an UNKNOWN reason in err. */
static int run_check(const snds_config *cfg, const snds_input_config *fc, double start, mr_check *c, mr_buf *err)
{
	snds_judge j;
	struct tm day;
	char dayname[16] = "";
	int rc = -1;

	snds_judge_init(&j, &cfg->judge);
	if (cfg->have_date) {
		day = cfg->date;
	} else {
		time_t t = time(NULL) - 86400;
		gmtime_r(&t, &day);
	}
	if (cfg->want_status && read_status(fc, &j, err) != 0)
		goto out;
	if (cfg->want_data) {
		if (read_data(cfg, fc, &j, &day, err) != 0)
			goto out;
		mr_snprintf(dayname, sizeof(dayname), "%04d-%02d-%02d", day.tm_year + 1900, day.tm_mon + 1, day.tm_mday);
	}
	if (snds_judge_finish(&j) != 0 ||
	    snds_report_build(c, &j, dayname[0] ? dayname : NULL, mr_now() - start) != 0) {
		mr_buf_puts(err, "out of memory while judging");
		goto out;
	}
	rc = 0;
out:
	snds_judge_free(&j);
	return rc;
}

/** Entry point: parse options, read secrets, fetch and judge, render, exit with the state. */
int main(int argc, char **argv)
{
	snds_config cfg;
	mr_option_group group;
	mr_plugin_info info = {
		.name = "check_snds",
		.prefix = "SNDS",
		.purpose = "Reads Microsoft SNDS (Smart Network Data Services) over HTTPS: the IP status feed (is "
		           "Outlook.com blocking the IP?) and the data feed (filter result GREEN/YELLOW/RED, complaint "
		           "rate, trap hits, volume), judges each IP and reports the worst. Supports the legacy key "
		           "links and the 2026 REST API with an OAuth2 bearer token.",
		.usage = "-k FILE|--token-file=FILE [-H ADDRESS|CIDR]... [--feed=status|data|both]\n"
		         "[--date=YYYY-MM-DD] [--lookback=DAYS] [--base-url=URL] [-t SECONDS]",
		.notes = "Keys and tokens never appear in the output, perfdata, -v traces or errors. Pass them in a "
		         "file (mode 600) or with --extra-opts from an ini file that only the monitoring user can "
		         "read. IPs are compared numerically: 1.2.3.4 never matches 1.2.3.40, and ranges are "
		         "inclusive. Empty trap fields are 'not reported' (perfdata U), never zero.",
		.default_timeout = 10,
		.groups = &group,
		.ngroups = 1,
	};
	mr_common common;
	snds_input_config fc;
	secrets s = { NULL, NULL };
	mr_check *c = NULL;
	mr_state st = MR_UNKNOWN;
	double start = mr_now();
	mr_buf err;

	config_defaults(&cfg);
	memset(&fc, 0, sizeof(fc));
	mr_buf_init(&err, 4096);
	group = (mr_option_group){ "SNDS", snds_options, handle_option, &cfg };
	if (!mr_plugin_begin(&info, argc, argv, &common))
		goto out;
	c = mr_check_new(info.prefix);
	if (c == NULL) {
		st = mr_plugin_finish(&info, &common, NULL, NULL, 0);
		goto out;
	}
	if (check_base_url(&cfg, &err) != 0 || load_secrets(&cfg, &s, &fc, c, &err) != 0) {
		mr_options_print_error(&info, mr_buf_str(&err));
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fputs("SNDS UNKNOWN - cannot initialise libcurl\n", stdout);
		goto out;
	}
	mr_http_config_init(&fc.http);
	fc.http.cafile = cfg.cafile;
	fc.http.insecure = cfg.insecure;
	fc.http.max_body = (size_t)cfg.max_size;
	fc.http.deadline = mr_soft_deadline(start, common.timeout);
	fc.http.verbose = common.verbose;
	if (run_check(&cfg, &fc, start, c, &err) != 0)
		snds_report_failure(c, &cfg.judge, mr_buf_str(&err),
		                    mr_now() >= fc.http.deadline ? common.timeout_state : MR_UNKNOWN, mr_now() - start);
	st = mr_plugin_finish(&info, &common, c, NULL, 0);
	curl_global_cleanup();
out:
	mr_check_free(c);
	mr_secret_free(s.key);
	mr_secret_free(s.token);
	mr_buf_free(&err);
	return (int)st;
}

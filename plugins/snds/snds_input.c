/* snds_input.c: gets the SNDS feeds' bytes: chooses the interface, builds the feed URLs, fetches them through
 * common/http, turns each outcome (transport error, HTTP status, Content-Type, body) into rows-to-parse,
 * no-data or a clear error, and reads both feeds into the judge (the data feed walking back over --lookback). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../common/secret.h"
#include "snds_input.h"

/** 1 if key has only the characters an SNDS key has. */
int snds_input_key_valid(const char *key)
{
	if (*key == '\0' || strlen(key) > 200)
		return 0;
	for (; *key; key++)
		if (!((*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z') || (*key >= '0' && *key <= '9') ||
		      *key == '-' || *key == '_'))
			return 0;
	return 1;
}

/** Choose the interface and the base URL; see snds_input.h. */
int snds_input_choose_api(snds_input_config *cfg, int api, int have_key, int have_token, const char *base_url,
                          mr_buf *err)
{
	cfg->api = api >= 0 ? (snds_api)api : have_token ? SNDS_API_REST : SNDS_API_LEGACY;
	if (cfg->api == SNDS_API_LEGACY && !have_key)
		return mr_buf_puts(err, "no SNDS key: give -k/--key-file, --key or SNDS_KEY (or --token-file for rest)"),
		       -1;
	if (cfg->api == SNDS_API_REST && !have_token)
		return mr_buf_puts(err, "--api=rest needs --token-file"), -1;
	cfg->base_url = base_url != NULL ? base_url : cfg->api == SNDS_API_REST ? SNDS_REST_BASE : SNDS_LEGACY_BASE;
	return 0;
}

/** Build the URL of the status feed (day NULL) or the data feed of day; 0 or -1. The URL may hold the key. */
static int feed_url(const snds_input_config *cfg, const struct tm *day, char *dst, size_t size)
{
	const char *base = cfg->base_url;
	const char *sep = base[0] != '\0' && base[strlen(base) - 1] == '/' ? "" : "/";

	if (cfg->api == SNDS_API_REST) {
		if (day == NULL)
			return mr_snprintf(dst, size, "%s%sapi/report/status/ip", base, sep);
		return mr_snprintf(dst, size, "%s%sapi/report/data/%04d-%02d-%02d", base, sep, day->tm_year + 1900,
		                   day->tm_mon + 1, day->tm_mday);
	}
	if (day == NULL)
		return mr_snprintf(dst, size, "%s%sipStatus.aspx?key=%s", base, sep, cfg->key);
	return mr_snprintf(dst, size, "%s%sdata.aspx?key=%s&date=%02d%02d%02d", base, sep, cfg->key, day->tm_mon + 1,
	                   day->tm_mday, day->tm_year % 100);
}

/** Name of the feed in messages. */
static const char *feed_name(int data)
{
	return data ? "data feed" : "IP status feed";
}

/** Most characters of a server's Content-Type quoted in a message. */
#define CONTENT_TYPE_QUOTE_MAX 64

/** Classify a completed HTTP response; see snds_input.h. */
snds_got snds_input_classify(int data, snds_api api, long code, const char *content_type, const char *body,
                             size_t len, snds_format *fmt, mr_buf *err)
{
	const char *feed = feed_name(data);

	*fmt = SNDS_FMT_UNKNOWN;
	if (content_type == NULL)
		content_type = "";
	switch (code) {
	case 200:
	case 203:
		break;
	case 204:
		return SNDS_GOT_EMPTY;
	case 404:
		return SNDS_GOT_404;
	case 400:
		mr_buf_printf(err, "the %s answered HTTP 400 Bad Request: malformed key or request?", feed);
		return SNDS_GOT_ERROR;
	case 401:
	case 403:
		mr_buf_printf(err, "the %s answered HTTP %ld: the %s was rejected (expired or revoked? renew it)", feed,
		              code, api == SNDS_API_REST ? "token" : "key");
		return SNDS_GOT_ERROR;
	default:
		mr_buf_printf(err, "the %s answered HTTP %ld%s", feed, code,
		              code >= 500 ? ": a server error at Microsoft, try later" : "");
		return SNDS_GOT_ERROR;
	}
	*fmt = snds_detect(body ? body : "", body ? len : 0, content_type);
	switch (*fmt) {
	case SNDS_FMT_EMPTY:
		return SNDS_GOT_EMPTY;
	case SNDS_FMT_CSV:
	case SNDS_FMT_JSON:
		return SNDS_GOT_ROWS;
	case SNDS_FMT_HTML:
		if (snds_is_signin_page(body, body ? len : 0))
			mr_buf_printf(err, "the %s is a Microsoft sign-in page, not a feed: the link or token expired", feed);
		else
			mr_buf_printf(err, "the %s is an HTML page, not a feed: moved or expired link? check --base-url",
			              feed);
		return SNDS_GOT_ERROR;
	default:
		/* the server's Content-Type is quoted cut short: a huge one would overflow err and leave no reason */
		mr_buf_printf(err, "the %s is neither CSV nor JSON (%zu %s%s%.*s%s)", feed, body ? len : 0,
		              mr_plural(body ? len : 0, "byte", "bytes"), content_type[0] ? ", " : "",
		              CONTENT_TYPE_QUOTE_MAX, content_type, mr_cut_mark(content_type, CONTENT_TYPE_QUOTE_MAX));
		return SNDS_GOT_ERROR;
	}
}

/** Fetch one feed (day NULL: the status feed) and classify the response. */
snds_got snds_input_fetch(const snds_input_config *cfg, const struct tm *day, mr_http_response *resp,
                          snds_format *fmt, mr_buf *err)
{
	const char *feed = feed_name(day != NULL);
	char url[2048];
	mr_buf why;
	mr_http_status hs;
	snds_got got = SNDS_GOT_ERROR;

	*fmt = SNDS_FMT_UNKNOWN;
	memset(resp, 0, sizeof(*resp));
	if (feed_url(cfg, day, url, sizeof(url)) != 0) {
		mr_buf_printf(err, "the %s URL is too long (--base-url)", feed);
		return SNDS_GOT_ERROR;
	}
	mr_buf_init(&why, 1024);
	hs = mr_http_get(&cfg->http, url, cfg->api == SNDS_API_REST ? cfg->token : NULL, resp, &why);
	mr_wipe(url, sizeof(url)); /* a legacy URL holds the key */
	switch (hs) {
	case MR_HTTP_OK:
		got = snds_input_classify(day != NULL, cfg->api, resp->code, resp->content_type, resp->body.data,
		                          resp->body.len, fmt, err);
		break;
	case MR_HTTP_TLS:
		mr_buf_printf(err, "cannot fetch the %s: TLS or certificate problem: %s (--cafile?)", feed,
		              mr_buf_str(&why));
		break;
	case MR_HTTP_TIMEOUT:
		mr_buf_printf(err, "cannot fetch the %s: no complete answer in time (%s)", feed, mr_buf_str(&why));
		break;
	case MR_HTTP_TOO_LARGE:
		mr_buf_printf(err, "the %s is too large: %s (--max-size)", feed, mr_buf_str(&why));
		break;
	case MR_HTTP_REDIRECTS:
		mr_buf_printf(err, "the %s redirects too often (%s): moved service? check --base-url", feed,
		              mr_buf_str(&why));
		break;
	default:
		mr_buf_printf(err, "cannot fetch the %s: %s", feed, mr_buf_str(&why));
		break;
	}
	mr_buf_free(&why);
	return got;
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
static int read_status(const snds_input_config *cfg, snds_judge *j, mr_buf *err)
{
	mr_http_response resp;
	snds_format fmt;
	long rows;
	int rc = -1;
	snds_got got = snds_input_fetch(cfg, NULL, &resp, &fmt, err);

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

/** Walk back from day to the newest day with data (at most lookback days); 0 with *day set, or -1 with why. */
static int read_data(const snds_input_config *cfg, long lookback, snds_judge *j, struct tm *day, mr_buf *err)
{
	long n404 = 0;

	for (long i = 0; i < lookback; i++) {
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
		got = snds_input_fetch(cfg, day, &resp, &fmt, err);
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
	if (n404 == lookback)
		mr_buf_printf(err, "the data feed answered HTTP 404 for %s: the link or key expired or is unknown, "
		              "or there is no data yet", lookback == 1 ? "the day asked" : "every day of --lookback");
	else
		mr_buf_printf(err, "no data in the last %ld day%s (--lookback)", lookback, lookback == 1 ? "" : "s");
	return -1;
}

/** Read the feeds of plan into the judge; see snds_input.h. */
int snds_input_read(const snds_input_config *cfg, const snds_input_plan *plan, snds_judge *j, char *day,
                    size_t size, mr_buf *err)
{
	struct tm d;

	day[0] = '\0';
	if (plan->have_date) {
		d = plan->day;
	} else {
		time_t t = time(NULL) - 86400;
		gmtime_r(&t, &d);
	}
	if ((plan->feeds & SNDS_FEED_STATUS) && read_status(cfg, j, err) != 0)
		return -1;
	if (!(plan->feeds & SNDS_FEED_DATA))
		return 0;
	if (read_data(cfg, plan->lookback, j, &d, err) != 0)
		return -1;
	return mr_snprintf(day, size, "%04d-%02d-%02d", d.tm_year + 1900, d.tm_mon + 1, d.tm_mday) == 0 ? 0
	       : (mr_buf_puts(err, "internal error: no room for the day"), -1);
}

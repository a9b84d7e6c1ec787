/* snds_input.c: gets the SNDS feeds' bytes: builds the feed URLs, fetches them through common/http, and turns
 * each outcome (transport error, HTTP status, Content-Type, body) into rows-to-parse, no-data or a clear error. */
#include <stdio.h>
#include <string.h>

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
		mr_buf_printf(err, "the %s is neither CSV nor JSON (%zu bytes%s%.*s%s)", feed, body ? len : 0,
		              content_type[0] ? ", " : "", CONTENT_TYPE_QUOTE_MAX, content_type,
		              strlen(content_type) > CONTENT_TYPE_QUOTE_MAX ? "..." : "");
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

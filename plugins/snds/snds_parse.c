/* snds_parse.c: the entry points of the SNDS feed parsers: decides a body's format (empty, CSV, JSON, HTML,
 * a Microsoft sign-in page) and hands the body to the CSV or JSON parser with the schema of the data or the
 * status feed. Bodies are read in place and rows handed to a callback one by one, so memory does not grow
 * with the number of rows. Every strict value error names the line (CSV) or element (JSON). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "snds_parse_csv.h"
#include "snds_parse_json.h"

/** Dispatch a body of format fmt to the CSV or JSON parser; rows or -1. */
static long parse_body(sink *k, const char *body, size_t len, snds_format fmt, mr_buf *err)
{
	long rc;

	if (body == NULL && len > 0)
		return -1;
	if (body == NULL)
		body = "";
	switch (fmt) {
	case SNDS_FMT_EMPTY:
		if (snds_value_skip_bom_ws(body, len) != len) {
			if (err != NULL)
				mr_buf_puts(err, "body is not empty");
			return -1;
		}
		return 0;
	case SNDS_FMT_CSV:
		rc = snds_parse_csv(k, body, len, err);
		break;
	case SNDS_FMT_JSON:
		rc = snds_parse_json(k, body, len, err);
		break;
	default:
		if (err != NULL)
			mr_buf_puts(err, fmt == SNDS_FMT_HTML ? "body is an HTML page, not SNDS data"
							     : "body is neither CSV nor JSON");
		return -1;
	}
	return rc < 0 ? -1 : rc;
}

/** Parse a data feed body; rows or -1 (see snds_parse.h). */
long snds_parse_data(const char *body, size_t len, snds_format fmt, snds_data_cb cb, void *user, mr_buf *err)
{
	sink k = { FEED_DATA, cb, NULL, user, 0 };

	if (cb == NULL)
		return -1;
	return parse_body(&k, body, len, fmt, err);
}

/** Parse an IP status feed body; rows or -1 (see snds_parse.h). */
long snds_parse_status(const char *body, size_t len, snds_format fmt, snds_status_cb cb, void *user, mr_buf *err)
{
	sink k = { FEED_STATUS, NULL, cb, user, 0 };

	if (cb == NULL)
		return -1;
	return parse_body(&k, body, len, fmt, err);
}

/** 1 if a content type names HTML (text/html or application/xhtml+xml, any parameters). */
static int content_type_html(const char *ct)
{
	static const char *const types[] = { "text/html", "application/xhtml+xml" };
	size_t i, n;

	if (ct == NULL)
		return 0;
	while (snds_value_is_blank(*ct))
		ct++;
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		n = strlen(types[i]);
		if (strlen(ct) >= n && snds_value_find_ci(ct, n, types[i]) == 0 &&
		    (ct[n] == '\0' || ct[n] == ';' || snds_value_is_blank(ct[n])))
			return 1;
	}
	return 0;
}

/** Decide the format of a body (see snds_parse.h). */
snds_format snds_detect(const char *body, size_t len, const char *content_type)
{
	size_t i;

	if (body == NULL)
		len = 0;
	i = body == NULL ? 0 : snds_value_skip_bom_ws(body, len);
	if (i >= len)
		return SNDS_FMT_EMPTY;
	if (body[i] == '[' || body[i] == '{')
		return SNDS_FMT_JSON;
	if (body[i] == '<')
		return SNDS_FMT_HTML;
	if (snds_parse_csv_sniff(body + i, body + len))
		return SNDS_FMT_CSV;
	if (content_type_html(content_type))
		return SNDS_FMT_HTML;
	return SNDS_FMT_UNKNOWN;
}

/** 1 if an HTML body looks like a Microsoft sign-in page (see snds_parse.h). */
int snds_is_signin_page(const char *body, size_t len)
{
	static const char *const marks[] = { "login.microsoftonline.com", "login.live.com",
					     "sign in to your account" };
	size_t i, at = 0;

	if (body == NULL)
		return 0;
	for (i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (snds_value_find_ci(body, len, marks[i]) < len)
			return 1;
	while (at < len) {
		size_t open = snds_value_find_ci(body + at, len - at, "<title"), gt, close;

		if (open >= len - at)
			break;
		open += at;
		gt = open + 6;
		while (gt < len && body[gt] != '>')
			gt++;
		if (gt >= len)
			break;
		close = gt + 1 + snds_value_find_ci(body + gt + 1, len - gt - 1, "</title");
		if (snds_value_find_ci(body + gt + 1, close - gt - 1, "sign in") < close - gt - 1)
			return 1;
		at = close;
	}
	return 0;
}

/** Name of a filter result (see snds_parse.h). */
const char *snds_filter_name(snds_filter f)
{
	switch (f) {
	case SNDS_FILTER_GREEN:
		return "GREEN";
	case SNDS_FILTER_YELLOW:
		return "YELLOW";
	case SNDS_FILTER_RED:
		return "RED";
	default:
		return "none";
	}
}

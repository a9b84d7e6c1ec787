/* snds_input.h: gets the SNDS feeds' bytes: which interface and where (legacy key links, REST with a bearer
 * token), the fetch, what a response (HTTP status, Content-Type, body) means as a pure function, and the
 * reading of both feeds into the judge (the status feed, the --lookback walk of the data feed). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SNDS_INPUT_H
#define SNDS_INPUT_H

#include <time.h>
#include "../../common/http.h"
#include "snds_judge.h"
#include "snds_parse.h"

/** Which SNDS interface is used. */
typedef enum snds_api {
	SNDS_API_LEGACY = 0,  /**< ipStatus.aspx / data.aspx with ?key= */
	SNDS_API_REST         /**< api/report/... with Authorization: Bearer */
} snds_api;

/** Default base URLs. */
#define SNDS_LEGACY_BASE "https://sendersupport.olc.protection.outlook.com/snds/"
#define SNDS_REST_BASE "https://substrate.office.com/ip-domain-management-snds/"

/** Where and how to fetch. */
typedef struct snds_input_config {
	snds_api api;          /**< interface */
	const char *base_url;  /**< prefix the paths are appended to */
	const char *key;       /**< legacy key (a secret) */
	const char *token;     /**< REST bearer token (a secret) */
	mr_http_config http;   /**< TLS, bounds, deadline */
} snds_input_config;

/** --feed values: which feeds to read (a bit set). */
enum { SNDS_FEED_STATUS = 1, SNDS_FEED_DATA = 2, SNDS_FEED_BOTH = 3 };

/** What a run reads: which feeds, from which day, how far back. */
typedef struct snds_input_plan {
	int feeds;             /**< SNDS_FEED_STATUS, SNDS_FEED_DATA or both */
	int have_date;         /**< day was given (--date); else the walk starts yesterday, UTC */
	struct tm day;         /**< --date */
	long lookback;         /**< days to look back for data, >= 1 */
} snds_input_plan;

/** What one fetch gave. */
typedef enum snds_got {
	SNDS_GOT_ROWS = 0,     /**< a CSV or JSON body to parse */
	SNDS_GOT_EMPTY,        /**< 200 with an empty body */
	SNDS_GOT_404,          /**< 404: no data that day, or an expired/unknown link */
	SNDS_GOT_ERROR         /**< anything else: err says what, with the likely cause */
} snds_got;

/** 1 if key has only the characters an SNDS key has ([A-Za-z0-9-_]), so it is safe in a URL. */
int snds_input_key_valid(const char *key);
/**
 * Classify a completed HTTP response of the data feed (data 1) or the status feed (data 0): code, its
 * Content-Type (may be NULL) and body -> rows to parse (fmt: CSV or JSON), empty, 404 or an error with the
 * likely cause in err (api says whether a key or a token was rejected). No I/O: tests and fuzzers call it.
 */
snds_got snds_input_classify(int data, snds_api api, long code, const char *content_type, const char *body,
                             size_t len, snds_format *fmt, mr_buf *err);
/**
 * Choose the interface (api -1: rest when a token is given, else legacy) and the base URL (NULL: the API's
 * default) into cfg from whether a key and a token are given (read later); 0, or -1 with what is missing.
 */
int snds_input_choose_api(snds_input_config *cfg, int api, int have_key, int have_token, const char *base_url,
                          mr_buf *err);
/** Fetch the status feed (day NULL) or the data feed of day and classify it; free resp; fmt: the body's format. */
snds_got snds_input_fetch(const snds_input_config *cfg, const struct tm *day, mr_http_response *resp,
                          snds_format *fmt, mr_buf *err);

/**
 * Read the feeds of plan into the judge j: the status feed, then the data feed from the start day back to the
 * newest day with rows (at most plan->lookback days). day (size bytes) gets the data day used as YYYY-MM-DD,
 * or "" when the data feed was not read. 0, or -1 with the reason for an UNKNOWN in err.
 */
int snds_input_read(const snds_input_config *cfg, const snds_input_plan *plan, snds_judge *j, char *day,
                    size_t size, mr_buf *err);

#endif

/* test_snds_input.c: unit tests of the SNDS fetch classification (plugins/snds/snds_input.c) without a network:
 * HTTP status, Content-Type and body -> rows to parse (CSV or JSON), empty, 404 or an error with its cause;
 * and the check that a key is safe in a URL. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "plugins/snds/snds_input.h"

/** Classify a response of the data feed (data 1) or the status feed; the outcome, its format and error text. */
static snds_got classify(int data, snds_api api, long code, const char *ct, const char *body, snds_format *fmt,
                         char *why, size_t size)
{
	mr_buf err;
	snds_got got;

	mr_buf_init(&err, 256);
	got = snds_input_classify(data, api, code, ct, body, body ? strlen(body) : 0, fmt, &err);
	snprintf(why, size, "%s", mr_buf_str(&err));
	mr_buf_free(&err);
	return got;
}

/** 200 with CSV or JSON is rows to parse, whatever the Content-Type says; 203 counts as 200. */
static void test_rows(void **state)
{
	snds_format fmt;
	char why[256];

	(void)state;
	assert_int_equal(classify(1, SNDS_API_LEGACY, 200, "text/plain",
	                          "1.1.1.1,12/31/2019 9:00 PM,9/29/2020 9:00 PM,1,1,1,GREEN,< 0.1%,,,,,,\r\n", &fmt, why,
	                          sizeof why), SNDS_GOT_ROWS);
	assert_int_equal(fmt, SNDS_FMT_CSV);
	assert_string_equal(why, "");
	assert_int_equal(classify(0, SNDS_API_REST, 203, "text/html", "[{\"blocked\":\"true\"}]", &fmt, why, sizeof why),
	                 SNDS_GOT_ROWS);
	assert_int_equal(fmt, SNDS_FMT_JSON);
}

/** An empty or blank 200 body and a 204 mean no rows; 404 is left to the caller's look-back. */
static void test_empty_and_404(void **state)
{
	snds_format fmt;
	char why[256];

	(void)state;
	assert_int_equal(classify(1, SNDS_API_LEGACY, 200, "", "", &fmt, why, sizeof why), SNDS_GOT_EMPTY);
	assert_int_equal(fmt, SNDS_FMT_EMPTY);
	assert_int_equal(classify(1, SNDS_API_LEGACY, 200, NULL, "\xEF\xBB\xBF \r\n", &fmt, why, sizeof why),
	                 SNDS_GOT_EMPTY);
	assert_int_equal(classify(1, SNDS_API_LEGACY, 200, NULL, NULL, &fmt, why, sizeof why), SNDS_GOT_EMPTY);
	assert_int_equal(classify(1, SNDS_API_REST, 204, "", "ignored", &fmt, why, sizeof why), SNDS_GOT_EMPTY);
	assert_int_equal(classify(1, SNDS_API_REST, 404, "text/html", "<html>Not found</html>", &fmt, why, sizeof why),
	                 SNDS_GOT_404);
	assert_int_equal(fmt, SNDS_FMT_UNKNOWN);
	assert_string_equal(why, "");
}

/** Error statuses name the feed and the likely cause; 401/403 say key or token after the API. */
static void test_http_errors(void **state)
{
	snds_format fmt;
	char why[256];

	(void)state;
	assert_int_equal(classify(0, SNDS_API_LEGACY, 400, "", "", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_string_equal(why, "the IP status feed answered HTTP 400 Bad Request: malformed key or request?");
	assert_int_equal(classify(0, SNDS_API_LEGACY, 401, "", "", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_string_equal(why, "the IP status feed answered HTTP 401: the key was rejected (expired or revoked? "
	                         "renew it)");
	assert_int_equal(classify(1, SNDS_API_REST, 403, "", "", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_string_equal(why, "the data feed answered HTTP 403: the token was rejected (expired or revoked? renew it)");
	assert_int_equal(classify(1, SNDS_API_REST, 503, "", "", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_string_equal(why, "the data feed answered HTTP 503: a server error at Microsoft, try later");
	assert_int_equal(classify(1, SNDS_API_REST, 302, "", "", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_string_equal(why, "the data feed answered HTTP 302");
}

/** A 200 HTML page is an error, a sign-in page says the link or token expired; other text names its size and
 * Content-Type. */
static void test_html_and_garbage(void **state)
{
	snds_format fmt;
	char why[256];

	(void)state;
	assert_int_equal(classify(1, SNDS_API_LEGACY, 200, "text/html",
	                          "<html><title>Object moved</title></html>", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_int_equal(fmt, SNDS_FMT_HTML);
	assert_string_equal(why, "the data feed is an HTML page, not a feed: moved or expired link? check --base-url");
	assert_int_equal(classify(1, SNDS_API_REST, 200, "text/html; charset=utf-8",
	                          "<!DOCTYPE html><a href=\"https://login.microsoftonline.com/\">", &fmt, why, sizeof why),
	                 SNDS_GOT_ERROR);
	assert_string_equal(why, "the data feed is a Microsoft sign-in page, not a feed: the link or token expired");
	assert_int_equal(classify(0, SNDS_API_LEGACY, 200, "text/plain", "hello world", &fmt, why, sizeof why),
	                 SNDS_GOT_ERROR);
	assert_int_equal(fmt, SNDS_FMT_UNKNOWN);
	assert_string_equal(why, "the IP status feed is neither CSV nor JSON (11 bytes, text/plain)");
	assert_int_equal(classify(0, SNDS_API_LEGACY, 200, "", "hello", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_string_equal(why, "the IP status feed is neither CSV nor JSON (5 bytes)");
	assert_int_equal(classify(0, SNDS_API_LEGACY, 200, NULL, "x", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_string_equal(why, "the IP status feed is neither CSV nor JSON (1 byte)");
	assert_int_equal(classify(0, SNDS_API_LEGACY, 200, "text/html", "hello", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_int_equal(fmt, SNDS_FMT_HTML);
}

/** Found by fuzz/fuzz_snds_classify (fuzz/corpus/fuzz_snds_classify/finding-long-content-type): a huge
 *  Content-Type is quoted cut to 64 characters, so the reason still fits and is never lost. */
static void test_huge_content_type_is_cut(void **state)
{
	snds_format fmt;
	char why[256], ct[1001];

	(void)state;
	memset(ct, 'x', sizeof(ct) - 1);
	ct[sizeof(ct) - 1] = '\0';
	assert_int_equal(classify(0, SNDS_API_LEGACY, 200, ct, "hello", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_string_equal(why, "the IP status feed is neither CSV nor JSON (5 bytes, "
	                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...)");
	ct[64] = '\0';
	assert_int_equal(classify(0, SNDS_API_LEGACY, 200, ct, "hello", &fmt, why, sizeof why), SNDS_GOT_ERROR);
	assert_string_equal(why, "the IP status feed is neither CSV nor JSON (5 bytes, "
	                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)");
}

/** Keys: letters, digits, '-' and '_' only, 1 to 200 characters. */
static void test_key_valid(void **state)
{
	char long_key[202];

	(void)state;
	assert_int_equal(snds_input_key_valid("0a1b2c3d-4E5F_6789"), 1);
	assert_int_equal(snds_input_key_valid(""), 0);
	assert_int_equal(snds_input_key_valid("abc&date=010126"), 0);
	assert_int_equal(snds_input_key_valid("abc def"), 0);
	memset(long_key, 'a', 201);
	long_key[201] = '\0';
	assert_int_equal(snds_input_key_valid(long_key), 0);
	long_key[200] = '\0';
	assert_int_equal(snds_input_key_valid(long_key), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_empty_and_404),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_html_and_garbage),
		cmocka_unit_test(test_huge_content_type_is_cut),
		cmocka_unit_test(test_key_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

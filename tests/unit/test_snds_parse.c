/* test_snds_parse.c: unit tests of the SNDS feed parsers (plugins/snds/snds_parse*.c): format detection,
 * sign-in pages, the legacy and header CSV data feed, the status feed (CSV and JSON), the JSON data
 * feed, every error class with its line or element number, and 100,000-row bodies. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <sys/socket.h>

#include "plugins/snds/snds_parse.h"

/** Rows kept by the collecting callbacks. */
#define KEEP 8

/** What the callbacks saw, and the error buffer of a test. */
typedef struct fixture {
	snds_data_row d[KEEP];    /**< first data rows */
	snds_status_row s[KEEP];  /**< first status rows */
	long n;                   /**< rows seen */
	long stop_at;             /**< return -1 on this row (1-based); 0 = never */
	mr_buf err;               /**< error text */
} fixture;

/** Allocate a fresh fixture for a test. */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	mr_buf_init(&f->err, 4096);
	*state = f;
	return 0;
}

/** Free a test's fixture. */
static int teardown(void **state)
{
	fixture *f = *state;

	mr_buf_free(&f->err);
	free(f);
	return 0;
}

/** Data callback: keep the first rows, count all, stop when asked. */
static int on_data(void *user, const snds_data_row *r)
{
	fixture *f = user;

	if (f->n < KEEP)
		f->d[f->n] = *r;
	f->n++;
	return (f->stop_at != 0 && f->n >= f->stop_at) ? -1 : 0;
}

/** Status callback: keep the first rows, count all, stop when asked. */
static int on_status(void *user, const snds_status_row *r)
{
	fixture *f = user;

	if (f->n < KEEP)
		f->s[f->n] = *r;
	f->n++;
	return (f->stop_at != 0 && f->n >= f->stop_at) ? -1 : 0;
}

/** Parse a data body of format fmt into the fixture; the parser's result. */
static long data(fixture *f, const char *body, snds_format fmt)
{
	f->n = 0;
	mr_buf_reset(&f->err);
	return snds_parse_data(body, strlen(body), fmt, on_data, f, &f->err);
}

/** Parse a status body of format fmt into the fixture; the parser's result. */
static long status(fixture *f, const char *body, snds_format fmt)
{
	f->n = 0;
	mr_buf_reset(&f->err);
	return snds_parse_status(body, strlen(body), fmt, on_status, f, &f->err);
}

/** Assert that a holds the address text. */
static void assert_addr(const mr_addr *a, const char *text)
{
	char buf[MR_ADDR_STRLEN];

	assert_int_equal(mr_addr_format(a, buf, sizeof buf), 0);
	assert_string_equal(buf, text);
}

/** Assert that parsing the data body fails with an error containing want. */
static void data_fails(fixture *f, const char *body, snds_format fmt, const char *want)
{
	long rc = data(f, body, fmt);

	if (rc != -1 || strstr(mr_buf_str(&f->err), want) == NULL)
		fail_msg("body <%s>: got %ld, error '%s', want '%s'", body, rc, mr_buf_str(&f->err), want);
}

/** Assert that parsing the status body fails with an error containing want. */
static void status_fails(fixture *f, const char *body, snds_format fmt, const char *want)
{
	long rc = status(f, body, fmt);

	if (rc != -1 || strstr(mr_buf_str(&f->err), want) == NULL)
		fail_msg("body <%s>: got %ld, error '%s', want '%s'", body, rc, mr_buf_str(&f->err), want);
}

/** The sndslib sample row (snds-facts §2). */
static const char sndslib_row[] = "1.1.1.1,12/31/2019 9:00 PM,9/29/2020 9:00 PM,47386,47386,47384,YELLOW,< 0.1%,"
				  "9/28/2020 9:08 PM,9/29/2020 8:09 PM,40,,,";

/** The header CSV sample (snds-facts §4). */
static const char header_csv[] =
	"Ip Address,Activity period,RCPT commands,DATA commands,Message recipients,Filter result,Complaint rate,"
	"Trap message period,Trap hits,JMR P1 Sender,Comments\n"
	"192.0.2.10,6/1/2026 1:00 AM,10,8,7,GREEN,<0.1%,6/1/2026 2:00 AM,0,yes,ok\n";

/* ---- detection ---- */

/** The body decides: JSON served as text/plain or text/html is JSON; arrays and objects alike. */
static void test_detect_json_whatever_the_content_type(void **state)
{
	(void)state;
	assert_int_equal(snds_detect("[{\"ipAddress\":\"1.2.3.4\"}]", 25, "text/plain"), SNDS_FMT_JSON);
	assert_int_equal(snds_detect("  \n{\"value\":[]}", 15, "text/html"), SNDS_FMT_JSON);
	assert_int_equal(snds_detect("\xEF\xBB\xBF[]", 5, NULL), SNDS_FMT_JSON);
}

/** An HTML body is HTML even when served as text/csv; a text/html type makes a non-CSV body HTML. */
static void test_detect_html_by_body_or_content_type(void **state)
{
	static const char *const pages[] = { "<!DOCTYPE html><html></html>", "<html><body>x</body></html>",
					     "\r\n  <head><title>Object moved</title></head>", "<?xml?>" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof pages / sizeof pages[0]; i++)
		assert_int_equal(snds_detect(pages[i], strlen(pages[i]), "text/csv"), SNDS_FMT_HTML);
	assert_int_equal(snds_detect("Object moved here", 17, "text/html; charset=utf-8"), SNDS_FMT_HTML);
	assert_int_equal(snds_detect("Object moved here", 17, "TEXT/HTML"), SNDS_FMT_HTML);
	assert_int_equal(snds_detect("Object moved here", 17, "text/plain"), SNDS_FMT_UNKNOWN);
	assert_int_equal(snds_detect("Object moved here", 17, NULL), SNDS_FMT_UNKNOWN);
}

/** Nothing but a BOM and whitespace is EMPTY, whatever the content type. */
static void test_detect_empty_bodies(void **state)
{
	(void)state;
	assert_int_equal(snds_detect("", 0, NULL), SNDS_FMT_EMPTY);
	assert_int_equal(snds_detect(NULL, 0, "text/csv"), SNDS_FMT_EMPTY);
	assert_int_equal(snds_detect(" \r\n\t\n", 5, "text/html"), SNDS_FMT_EMPTY);
	assert_int_equal(snds_detect("\xEF\xBB\xBF\r\n", 5, NULL), SNDS_FMT_EMPTY);
}

/** A first field that is an IP, or a header naming an IP column, is CSV, even served as text/html. */
static void test_detect_csv_rows_and_headers(void **state)
{
	static const char *const bodies[] = {
		sndslib_row, header_csv, "1.1.1.0,1.1.1.1,Yes,Blocked\r\n", "2001:db8::1,x\n",
		"first_ip,last_ip,blocked,reason\n", "\xEF\xBB\xBF" "Beginning IP Address,Ending IP Address\n",
		"\"1.2.3.4\",x\n", "ip_address,foo\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		if (snds_detect(bodies[i], strlen(bodies[i]), i % 2 ? "text/html" : "text/plain") != SNDS_FMT_CSV)
			fail_msg("body %zu <%s> not detected as CSV", i, bodies[i]);
}

/** Text that is neither a row nor a header is UNKNOWN. */
static void test_detect_unknown_text(void **state)
{
	static const char *const bodies[] = { "Service Unavailable", "1.2.3.x,foo", "name,value\n1,2\n",
					      "1.2.3.4.5,x" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		assert_int_equal(snds_detect(bodies[i], strlen(bodies[i]), "text/plain"), SNDS_FMT_UNKNOWN);
}

/* ---- sign-in pages ---- */

/** Microsoft login hosts, "Sign in to your account" and "Sign in" inside a title mark a sign-in page. */
static void test_signin_page_markers(void **state)
{
	static const char *const pages[] = {
		"<html><form action=\"https://LOGIN.MicrosoftOnline.com/common/oauth2\"></form></html>",
		"<html><script src=\"https://login.live.com/x.js\"></script></html>",
		"<html><body><div>Sign in to your account</div></body></html>",
		"<html><head><TITLE>Sign In</TITLE></head></html>",
		"<html><head><title lang=\"en\">Microsoft account | sign in</title></head></html>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof pages / sizeof pages[0]; i++)
		if (snds_is_signin_page(pages[i], strlen(pages[i])) != 1)
			fail_msg("page %zu not recognised as sign-in", i);
}

/** Other pages, "sign in" outside the title, and an unclosed title without it are no sign-in page. */
static void test_other_pages_are_not_signin(void **state)
{
	static const char *const pages[] = {
		"<html><head><title>Object moved</title></head><body>Object moved to here.</body></html>",
		"<html><head><title>Error</title></head><body>Please sign in again later</body></html>",
		"<html><head><title>Sign",
		"",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof pages / sizeof pages[0]; i++)
		if (snds_is_signin_page(pages[i], strlen(pages[i])) != 0)
			fail_msg("page %zu taken for a sign-in page", i);
	/* the length bounds the search: the marker after len is not seen */
	assert_int_equal(snds_is_signin_page("<p>x</p>login.live.com", 8), 0);
}

/* ---- legacy data CSV ---- */

/** The sndslib sample row: every strict field, the "< 0.1%" floor, trap hits 40, empty free text. */
static void test_legacy_sample_row(void **state)
{
	fixture *f = *state;
	const snds_data_row *r = &f->d[0];

	assert_int_equal(data(f, sndslib_row, SNDS_FMT_CSV), 1);
	assert_int_equal(f->n, 1);
	assert_addr(&r->ip, "1.1.1.1");
	assert_string_equal(r->period_start, "12/31/2019 9:00 PM");
	assert_string_equal(r->period_end, "9/29/2020 9:00 PM");
	assert_int_equal(r->rcpt, 47386);
	assert_int_equal(r->data, 47386);
	assert_int_equal(r->recipients, 47384);
	assert_int_equal(r->filter, SNDS_FILTER_YELLOW);
	assert_int_equal(r->complaint_known, 1);
	assert_int_equal(r->complaint_floor, 1);
	assert_true(r->complaint > 0.0999 && r->complaint < 0.1001);
	assert_string_equal(r->trap_start, "9/28/2020 9:08 PM");
	assert_string_equal(r->trap_end, "9/29/2020 8:09 PM");
	assert_int_equal(r->trap_hits, 40);
	assert_string_equal(r->helo, "");
	assert_string_equal(r->jmr_sender, "");
	assert_string_equal(r->comments, "");
}

/** CRLF line ends, a BOM, leading and several trailing blank lines are accepted. */
static void test_legacy_crlf_bom_and_trailing_blank_lines(void **state)
{
	fixture *f = *state;
	const char *body = "\xEF\xBB\xBF\r\n"
			   "1.1.1.1,a,b,1,2,3,GREEN,0%,,,,mx.example.net,bounce@example.com,JMR Block\r\n"
			   "1.1.1.2,a,b,4,5,6,red,12.3 %,,,7,,,\r\n"
			   "\r\n  \r\n\n";

	assert_int_equal(data(f, body, SNDS_FMT_CSV), 2);
	assert_string_equal(f->d[0].helo, "mx.example.net");
	assert_string_equal(f->d[0].jmr_sender, "bounce@example.com");
	assert_string_equal(f->d[0].comments, "JMR Block");
	assert_int_equal(f->d[0].filter, SNDS_FILTER_GREEN);
	assert_int_equal(f->d[1].filter, SNDS_FILTER_RED);
	assert_true(f->d[1].complaint > 12.29 && f->d[1].complaint < 12.31);
	assert_int_equal(f->d[1].complaint_floor, 0);
	assert_int_equal(f->d[1].trap_hits, 7);
	assert_addr(&f->d[1].ip, "1.1.1.2");
}

/** A blank line between two rows is an error naming the blank line. */
static void test_blank_line_between_rows_is_error(void **state)
{
	fixture *f = *state;

	data_fails(f, "1.1.1.1,a,b,1,2,3,GREEN,0%,,,,,,\r\n\r\n1.1.1.2,a,b,1,2,3,GREEN,0%,,,,,,\r\n",
		   SNDS_FMT_CSV, "line 2: blank line");
}

/** Quoted fields may hold commas and doubled quotes; blanks around quotes are allowed. */
static void test_quoted_fields(void **state)
{
	fixture *f = *state;
	const char *body = "\"1.1.1.1\",\"12/31/2019 9:00 PM\",b,\"1\",2,3,\"YELLOW\",\"< 0.1%\",,,\"\","
			   "\"mx, \"\"main\"\"\", \"a@b\" ,\"Abuse Reported, JMR Block\"\n";

	assert_int_equal(data(f, body, SNDS_FMT_CSV), 1);
	assert_string_equal(f->d[0].period_start, "12/31/2019 9:00 PM");
	assert_int_equal(f->d[0].rcpt, 1);
	assert_int_equal(f->d[0].trap_hits, -1);
	assert_string_equal(f->d[0].helo, "mx, \"main\"");
	assert_string_equal(f->d[0].jmr_sender, "a@b");
	assert_string_equal(f->d[0].comments, "Abuse Reported, JMR Block");
}

/** With more than 14 fields the extra ones are joined back into the comments. */
static void test_extra_fields_join_into_comments(void **state)
{
	fixture *f = *state;
	const char *body = "1.1.1.1,a,b,1,2,3,GREEN,0.5%,,,2,helo.example,s@example.com,Abuse Reported, JMR Block,x\n";

	assert_int_equal(data(f, body, SNDS_FMT_CSV), 1);
	assert_string_equal(f->d[0].helo, "helo.example");
	assert_string_equal(f->d[0].jmr_sender, "s@example.com");
	assert_string_equal(f->d[0].comments, "Abuse Reported, JMR Block,x");
	assert_true(f->d[0].complaint > 0.49 && f->d[0].complaint < 0.51);
}

/** Free text is trimmed, control bytes become '?', and an overlong value is cut at a UTF-8 boundary. */
static void test_free_text_trimmed_and_cut_at_character_boundary(void **state)
{
	fixture *f = *state;
	char body[512], helo[100];

	memset(helo, 'a', 94);
	memcpy(helo + 94, "\xC3\xA9", 3); /* 94 + 2 bytes: one more than the 95 that fit */
	assert_int_equal(mr_snprintf(body, sizeof body, "1.1.1.1,a,b,1,2,3,GREEN,0%%,,,,%s, s@x \t,  JMR\x01" "Block  \r\n",
				     helo), 0);
	assert_int_equal(data(f, body, SNDS_FMT_CSV), 1);
	assert_int_equal(strlen(f->d[0].helo), 94);
	assert_int_equal(f->d[0].helo[93], 'a');
	assert_string_equal(f->d[0].jmr_sender, "s@x");
	assert_string_equal(f->d[0].comments, "JMR?Block");
}

/** Empty counts and trap hits are "not reported" (-1), never 0; an empty filter is NONE; 11 fields do. */
static void test_empty_values_are_not_reported(void **state)
{
	fixture *f = *state;

	assert_int_equal(data(f, "1.1.1.1,a,b,,,,,,,,\n", SNDS_FMT_CSV), 1);
	assert_int_equal(f->d[0].rcpt, -1);
	assert_int_equal(f->d[0].data, -1);
	assert_int_equal(f->d[0].recipients, -1);
	assert_int_equal(f->d[0].trap_hits, -1);
	assert_int_equal(f->d[0].filter, SNDS_FILTER_NONE);
	assert_int_equal(f->d[0].complaint_known, 0);
	assert_string_equal(f->d[0].trap_start, "");
	assert_int_equal(data(f, "1.1.1.1,a,b,0,0,0,GREEN,0%,,,0\n", SNDS_FMT_CSV), 1);
	assert_int_equal(f->d[0].rcpt, 0);
	assert_int_equal(f->d[0].trap_hits, 0);
	assert_int_equal(f->d[0].complaint_known, 1);
}

/** Headerless rows with one date per period (11 fields, no HELO) read by their values, not as legacy rows. */
static void test_compact_headerless_rows(void **state)
{
	fixture *f = *state;

	assert_int_equal(data(f, "192.0.2.10,6/1/2026 1:00 AM,10,8,7,GREEN,<0.1%,6/1/2026 2:00 AM,0,yes,ok\r\n"
	                         "192.0.2.11,6/1/2026 1:00 AM,200,190,180,RED,2.5%,,,,JMR Block\r\n", SNDS_FMT_CSV), 2);
	assert_addr(&f->d[0].ip, "192.0.2.10");
	assert_string_equal(f->d[0].period_start, "6/1/2026 1:00 AM");
	assert_string_equal(f->d[0].period_end, "");
	assert_int_equal(f->d[0].rcpt, 10);
	assert_int_equal(f->d[0].data, 8);
	assert_int_equal(f->d[0].recipients, 7);
	assert_int_equal(f->d[0].filter, SNDS_FILTER_GREEN);
	assert_int_equal(f->d[0].complaint_floor, 1);
	assert_string_equal(f->d[0].trap_start, "6/1/2026 2:00 AM");
	assert_string_equal(f->d[0].trap_end, "");
	assert_int_equal(f->d[0].trap_hits, 0);
	assert_string_equal(f->d[0].helo, "");
	assert_string_equal(f->d[0].jmr_sender, "yes");
	assert_string_equal(f->d[0].comments, "ok");
	assert_int_equal(f->d[1].filter, SNDS_FILTER_RED);
	assert_int_equal(f->d[1].trap_hits, -1);
	assert_string_equal(f->d[1].comments, "JMR Block");
	/* a comma in the comments joins back; 9 fields (no JMR sender, no comments) are enough */
	assert_int_equal(data(f, "192.0.2.10,6/1/2026,10,8,7,YELLOW,0.5%,,3,s@x,a, b\n192.0.2.12,6/1/2026,1,1,1,GREEN,0%,,\n",
	                      SNDS_FMT_CSV), 2);
	assert_string_equal(f->d[0].comments, "a, b");
	assert_int_equal(f->d[0].trap_hits, 3);
	assert_int_equal(f->d[1].trap_hits, -1);
	/* no filter result: a count in field 3 still says one date per period */
	assert_int_equal(data(f, "192.0.2.10,6/1/2026,10,8,7,,0%,,,,\n", SNDS_FMT_CSV), 1);
	assert_int_equal(f->d[0].rcpt, 10);
	assert_int_equal(f->d[0].recipients, 7);
	assert_int_equal(f->d[0].filter, SNDS_FILTER_NONE);
	/* an ISO date and a quoted field do not change the decision */
	assert_int_equal(data(f, "192.0.2.10,2026-06-01T01:00:00Z,\"10\",8,7,green,1%,,0,,\n", SNDS_FMT_CSV), 1);
	assert_int_equal(f->d[0].filter, SNDS_FILTER_GREEN);
	/* the legacy 11-field row (HELO, sender and comments left off) stays legacy */
	assert_int_equal(data(f, "1.1.1.1,12/31/2019 9:00 PM,9/29/2020 9:00 PM,5,4,3,YELLOW,< 0.1%,,,40\n", SNDS_FMT_CSV), 1);
	assert_string_equal(f->d[0].period_end, "9/29/2020 9:00 PM");
	assert_int_equal(f->d[0].recipients, 3);
	assert_int_equal(f->d[0].filter, SNDS_FILTER_YELLOW);
	assert_int_equal(f->d[0].trap_hits, 40);
}

/** Compact rows fail with the compact columns' names: fields, filter, counts, too few fields. */
static void test_compact_errors_name_the_column(void **state)
{
	static const struct {
		const char *row;  /**< the second line of the body */
		const char *want; /**< part of the error */
	} cases[] = {
		{ "192.0.2.11,6/1/2026,1,1,1,BLUE,0%,,,,", "line 2: bad filter result 'BLUE'" },
		{ "192.0.2.11,6/1/2026,1,x,1,GREEN,0%,,,,", "line 2: bad DATA commands 'x'" },
		{ "192.0.2.11,6/1/2026,1,1,1,GREEN,0%,,x,,", "line 2: bad trap hits 'x'" },
		{ "192.0.2.11,6/1/2026,1,1,1,GREEN,0%,", "line 2: 8 fields, expected at least 9" },
	};
	fixture *f = *state;
	char body[256];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(mr_snprintf(body, sizeof body, "192.0.2.10,6/1/2026,10,8,7,GREEN,0%%,,,,\n%s\n",
		                             cases[i].row), 0);
		data_fails(f, body, SNDS_FMT_CSV, cases[i].want);
	}
}

/** IPv6 rows parse. */
static void test_ipv6_row(void **state)
{
	fixture *f = *state;

	assert_int_equal(data(f, "2001:DB8::25,a,b,1,2,3,GREEN,0%,,,,,,\n", SNDS_FMT_CSV), 1);
	assert_int_equal(f->d[0].ip.family, AF_INET6);
	assert_addr(&f->d[0].ip, "2001:db8::25");
}

/** Complaint rates: "0.5%", "< 0.1%", "<0.1%", "0%", "12.3 %", without '%', above 100, empty. */
static void test_complaint_rate_spellings(void **state)
{
	static const struct {
		const char *text; /**< the field */
		int known;        /**< expected complaint_known */
		double value;     /**< expected rate */
		int floor;        /**< expected complaint_floor */
	} cases[] = {
		{ "0.5%", 1, 0.5, 0 },  { "< 0.1%", 1, 0.1, 1 }, { "<0.1%", 1, 0.1, 1 }, { "0%", 1, 0.0, 0 },
		{ "12.3 %", 1, 12.3, 0 }, { "0.3", 1, 0.3, 0 }, { "150%", 1, 150.0, 0 }, { "", 0, 0.0, 0 },
		{ "\"< 0.1 %\"", 1, 0.1, 1 },
	};
	fixture *f = *state;
	char body[128];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(mr_snprintf(body, sizeof body, "1.1.1.1,a,b,1,1,1,GREEN,%s,,,\n", cases[i].text), 0);
		if (data(f, body, SNDS_FMT_CSV) != 1)
			fail_msg("rate '%s': %s", cases[i].text, mr_buf_str(&f->err));
		assert_int_equal(f->d[0].complaint_known, cases[i].known);
		assert_int_equal(f->d[0].complaint_floor, cases[i].floor);
		assert_true(f->d[0].complaint > cases[i].value - 1e-9 && f->d[0].complaint < cases[i].value + 1e-9);
	}
}

/** Every error class of the CSV data feed fails and names the line. */
static void test_csv_data_errors_name_the_line(void **state)
{
	static const struct {
		const char *row;  /**< the second line of the body */
		const char *want; /**< part of the error */
	} cases[] = {
		{ "1.1.1.300,a,b,1,2,3,GREEN,0%,,,", "line 2: bad IP address '1.1.1.300'" },
		{ " ,a,b,1,2,3,GREEN,0%,,,", "line 2: bad IP address ''" },
		{ "1.1.1.1,a,b,-1,2,3,GREEN,0%,,,", "line 2: bad RCPT commands '-1'" },
		{ "1.1.1.1,a,b,+1,2,3,GREEN,0%,,,", "line 2: bad RCPT commands '+1'" },
		{ "1.1.1.1,a,b,1,2x,3,GREEN,0%,,,", "line 2: bad DATA commands '2x'" },
		{ "1.1.1.1,a,b,1,2,3.0,GREEN,0%,,,", "line 2: bad message recipients '3.0'" },
		{ "1.1.1.1,a,b,1,2,99999999999999999999,GREEN,0%,,,", "line 2: bad message recipients" },
		{ "1.1.1.1,a,b,1,2,3,BLUE,0%,,,", "line 2: bad filter result 'BLUE'" },
		{ "1.1.1.1,a,b,1,2,3,GREEN,> 100%,,,", "line 2: bad complaint rate '> 100%'" },
		{ "1.1.1.1,a,b,1,2,3,GREEN,abc,,,", "line 2: bad complaint rate 'abc'" },
		{ "1.1.1.1,a,b,1,2,3,GREEN,<,,,", "line 2: bad complaint rate '<'" },
		{ "1.1.1.1,a,b,1,2,3,GREEN,-1%,,,", "line 2: bad complaint rate '-1%'" },
		{ "1.1.1.1,a,b,1,2,3,GREEN,-0%,,,", "line 2: bad complaint rate '-0%'" },
		{ "1.1.1.1,a,b,1,2,3,GREEN,1e3%,,,", "line 2: bad complaint rate" },
		{ "1.1.1.1,a,b,1,2,3,GREEN,0%,,,x", "line 2: bad trap hits 'x'" },
		{ "1.1.1.1,a,b,1,2,3,GREEN,0%,,", "line 2: 10 fields, expected at least 11" },
		{ "1.1.1.1", "line 2: 1 field, expected at least 11" },
		{ "1.1.1.1,0123456789012345678901234567890123,b,1,2,3,GREEN,0%,,,", "line 2: bad activity period start" },
		{ "1.1.1.1,a,b,1,2,3,GREEN,0%,,01234567890123456789012345678901,", "line 2: bad trap period end" },
		{ "1.1.1.1,\"a,b,1,2,3,GREEN,0%,,,", "line 2: unterminated quoted field" },
		{ "1.1.1.1,\"a\"x,b,1,2,3,GREEN,0%,,,", "line 2: text after the closing quote" },
	};
	fixture *f = *state;
	char body[256];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(mr_snprintf(body, sizeof body, "1.1.1.1,a,b,1,2,3,GREEN,0%%,,,\r\n%s\r\n", cases[i].row),
				 0);
		data_fails(f, body, SNDS_FMT_CSV, cases[i].want);
		if (f->n != 1)
			fail_msg("case %zu: %ld rows delivered before the error, want 1", i, f->n);
	}
}

/** Overlong strict values are errors, even when only blanks fit before the cut (never "not reported"). */
static void test_overlong_strict_values(void **state)
{
	fixture *f = *state;
	char body[1024], pad[700];

	memset(pad, ' ', 600);
	pad[600] = '\0';
	assert_int_equal(mr_snprintf(body, sizeof body, "1.1.1.1,a,b,1,2,3,GREEN,0%%,,,%s5\n", pad), 0);
	data_fails(f, body, SNDS_FMT_CSV, "line 1: trap hits too long");
	memset(pad, '1', 70);
	pad[70] = '\0';
	assert_int_equal(mr_snprintf(body, sizeof body, "1.1.1.1,a,b,1,2,3,GREEN,0%%,,,%s\n", pad), 0);
	data_fails(f, body, SNDS_FMT_CSV, "line 1: bad trap hits '1111111111111111111111111111111111111111...': too long");
	memset(pad, '1', 600);
	pad[600] = '\0';
	assert_int_equal(mr_snprintf(body, sizeof body, "[{\"ip\":\"%s\"}]", pad), 0);
	data_fails(f, body, SNDS_FMT_JSON,
		   "element 1: bad IP address '1111111111111111111111111111111111111111...': too long");
}

/** A first line that is neither a row nor a header naming an IP column is an error on line 1. */
static void test_first_line_neither_row_nor_header(void **state)
{
	fixture *f = *state;

	data_fails(f, "1.1.1.x,a,b,1,2,3,GREEN,0%,,,\n", SNDS_FMT_CSV, "line 1: bad IP address '1.1.1.x'");
	data_fails(f, "\n\nFilter result,Comments\nGREEN,x\n", SNDS_FMT_CSV, "line 3: bad IP address 'Filter result'");
}

/** An empty or header-only CSV body has no rows; the EMPTY format gives 0 rows. */
static void test_csv_without_rows(void **state)
{
	fixture *f = *state;

	assert_int_equal(data(f, "", SNDS_FMT_CSV), 0);
	assert_int_equal(data(f, "\r\n\r\n", SNDS_FMT_CSV), 0);
	assert_int_equal(data(f, "Ip Address,Filter result\r\n", SNDS_FMT_CSV), 0);
	assert_int_equal(data(f, "\xEF\xBB\xBF \n", SNDS_FMT_EMPTY), 0);
	assert_int_equal(f->n, 0);
	data_fails(f, "<html></html>", SNDS_FMT_HTML, "HTML");
	data_fails(f, "what", SNDS_FMT_UNKNOWN, "neither CSV nor JSON");
}

/** A callback returning -1 stops the parser, which returns -1 and leaves err untouched. */
static void test_callback_stop(void **state)
{
	fixture *f = *state;
	const char *body = "1.1.1.1,a,b,1,2,3,GREEN,0%,,,\n1.1.1.2,a,b,1,2,3,GREEN,0%,,,\n1.1.1.3,a,b,1,2,3,GREEN,0%,,,\n";

	f->stop_at = 2;
	assert_int_equal(data(f, body, SNDS_FMT_CSV), -1);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->err.len, 0);
	assert_int_equal(data(f, "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\"},{\"ip\":\"1.1.1.3\"}]", SNDS_FMT_JSON), -1);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->err.len, 0);
	assert_int_equal(status(f, "1.1.1.1,1.1.1.1,Yes,\n1.1.1.2,1.1.1.2,Yes,\n", SNDS_FMT_CSV), -1);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->err.len, 0);
}

/* ---- header data CSV ---- */

/** The 2026 header sample: columns by name, one activity date, no HELO, "<0.1%" without space. */
static void test_header_csv_sample(void **state)
{
	fixture *f = *state;
	const snds_data_row *r = &f->d[0];

	assert_int_equal(data(f, header_csv, SNDS_FMT_CSV), 1);
	assert_addr(&r->ip, "192.0.2.10");
	assert_string_equal(r->period_start, "6/1/2026 1:00 AM");
	assert_string_equal(r->period_end, "");
	assert_int_equal(r->rcpt, 10);
	assert_int_equal(r->data, 8);
	assert_int_equal(r->recipients, 7);
	assert_int_equal(r->filter, SNDS_FILTER_GREEN);
	assert_int_equal(r->complaint_floor, 1);
	assert_true(r->complaint > 0.0999 && r->complaint < 0.1001);
	assert_string_equal(r->trap_start, "6/1/2026 2:00 AM");
	assert_int_equal(r->trap_hits, 0);
	assert_string_equal(r->helo, "");
	assert_string_equal(r->jmr_sender, "yes");
	assert_string_equal(r->comments, "ok");
}

/** Header names match case- and separator-insensitively, in any order; unknown columns are ignored. */
static void test_header_names_any_spelling_and_order(void **state)
{
	fixture *f = *state;
	const char *body = "\"FILTER-RESULT\",junk,ip_address, Trap Hits ,rcptCommands\r\n"
			   "red,whatever,10.0.0.1,,5\r\n";

	assert_int_equal(data(f, body, SNDS_FMT_CSV), 1);
	assert_addr(&f->d[0].ip, "10.0.0.1");
	assert_int_equal(f->d[0].filter, SNDS_FILTER_RED);
	assert_int_equal(f->d[0].trap_hits, -1);
	assert_int_equal(f->d[0].rcpt, 5);
	assert_int_equal(f->d[0].data, -1);
}

/** Header errors: no IP column, a column twice, rows with the wrong number of fields. */
static void test_header_csv_errors(void **state)
{
	fixture *f = *state;

	data_fails(f, "Ip Address,Filter result,ipAddress\n", SNDS_FMT_CSV, "line 1: header names the IP address twice");
	data_fails(f, "Ip Address,Filter result\n1.2.3.4\n", SNDS_FMT_CSV, "line 2: 1 field, expected 2");
	data_fails(f, "Ip Address,Filter result\n1.2.3.4,RED,x\n", SNDS_FMT_CSV, "line 2: 3 fields, expected 2");
	data_fails(f, "Ip Address,Filter result\n1.2.3.4,PINK\n", SNDS_FMT_CSV, "line 2: bad filter result 'PINK'");
	/* extra fields are joined into a free-text last column */
	assert_int_equal(data(f, "Ip Address,Comments\n1.2.3.4,a,b\n", SNDS_FMT_CSV), 1);
	assert_string_equal(f->d[0].comments, "a,b");
}

/* ---- status CSV ---- */

/** Legacy status rows, including a range crossing octet boundaries, and a reason with commas. */
static void test_status_legacy_rows(void **state)
{
	fixture *f = *state;
	const char *body = "1.1.1.0,1.1.1.1,Yes,Blocked due to user complaints or other evidence of spamming\r\n"
			   "1.1.255.255,1.2.0.0,Yes,SpamHaus SBL/XBL\r\n"
			   "2.2.2.2,2.2.2.2,No,Symantec Brightmail, and more\r\n"
			   "3.3.3.3,3.3.3.4,yes\r\n";

	assert_int_equal(status(f, body, SNDS_FMT_CSV), 4);
	assert_addr(&f->s[0].first, "1.1.1.0");
	assert_addr(&f->s[0].last, "1.1.1.1");
	assert_int_equal(f->s[0].blocked, 1);
	assert_string_equal(f->s[0].reason, "Blocked due to user complaints or other evidence of spamming");
	assert_addr(&f->s[1].first, "1.1.255.255");
	assert_addr(&f->s[1].last, "1.2.0.0");
	assert_int_equal(f->s[2].blocked, 0);
	assert_string_equal(f->s[2].reason, "Symantec Brightmail, and more");
	assert_int_equal(f->s[3].blocked, 1);
	assert_string_equal(f->s[3].reason, "");
}

/** Blocked spellings: Yes/True/true/1 are blocked, No/False/false/0 are not. */
static void test_status_blocked_spellings(void **state)
{
	static const struct {
		const char *text; /**< the field */
		int blocked;      /**< expected value */
	} cases[] = { { "Yes", 1 }, { "True", 1 }, { "true", 1 }, { "1", 1 }, { "YES", 1 },
		      { "No", 0 },  { "False", 0 }, { "false", 0 }, { "0", 0 } };
	fixture *f = *state;
	char body[128];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(mr_snprintf(body, sizeof body, "1.1.1.1,1.1.1.2,%s,r\n", cases[i].text), 0);
		assert_int_equal(status(f, body, SNDS_FMT_CSV), 1);
		assert_int_equal(f->s[0].blocked, cases[i].blocked);
	}
}

/** Status errors: bad blocked values (never "not blocked"), reversed or mixed ranges, bad IPs, too few fields. */
static void test_status_csv_errors(void **state)
{
	fixture *f = *state;
	const char *ok = "1.1.1.1,1.1.1.1,Yes,r\n";
	static const struct {
		const char *row;  /**< the second line */
		const char *want; /**< part of the error */
	} cases[] = {
		{ "1.1.1.1,1.1.1.2,Maybe,r", "line 2: bad blocked flag 'Maybe'" },
		{ "1.1.1.1,1.1.1.2,,r", "line 2: bad blocked flag ''" },
		{ "1.1.1.1,1.1.1.2,junked,r", "line 2: bad blocked flag 'junked'" },
		{ "1.2.0.0,1.1.255.255,Yes,r", "line 2: first address is above the last address" },
		{ "1.1.1.1,::1,Yes,r", "line 2: first and last address are of different families" },
		{ "1.1.1.1,1.1.1,Yes,r", "line 2: bad last address '1.1.1'" },
		{ "1.1.1.1,1.1.1.1", "line 2: 2 fields, expected at least 3" },
	};
	char body[256];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(mr_snprintf(body, sizeof body, "%s%s\n", ok, cases[i].row), 0);
		status_fails(f, body, SNDS_FMT_CSV, cases[i].want);
		assert_int_equal(f->n, 1);
	}
	status_fails(f, "first_ip,last_ip,reason\n", SNDS_FMT_CSV, "line 1: header has no blocked column");
}

/** An optional header line on the status CSV, in any column order; 2026 "True" values. */
static void test_status_csv_with_header(void **state)
{
	fixture *f = *state;
	const char *body = "\xEF\xBB\xBF" "Blocked,First IP,Last IP,Reason\r\nTrue,192.0.2.10,192.0.2.20,x\r\n";

	assert_int_equal(status(f, body, SNDS_FMT_CSV), 1);
	assert_int_equal(f->s[0].blocked, 1);
	assert_addr(&f->s[0].first, "192.0.2.10");
	assert_addr(&f->s[0].last, "192.0.2.20");
	assert_string_equal(f->s[0].reason, "x");
}

/* ---- JSON ---- */

/** The JSON data sample (snds-facts §4): given keys set, all others not reported. */
static void test_json_data_sample(void **state)
{
	fixture *f = *state;
	const char *body = "[{\"ipAddress\":\"192.0.2.10\",\"dataCommands\":1,\"filterResult\":\"GREEN\"}]";

	assert_int_equal(data(f, body, SNDS_FMT_JSON), 1);
	assert_addr(&f->d[0].ip, "192.0.2.10");
	assert_int_equal(f->d[0].data, 1);
	assert_int_equal(f->d[0].filter, SNDS_FILTER_GREEN);
	assert_int_equal(f->d[0].rcpt, -1);
	assert_int_equal(f->d[0].trap_hits, -1);
	assert_int_equal(f->d[0].complaint_known, 0);
}

/** JSON values: numbers or numeric strings, null = not reported, numeric and text complaint rates. */
static void test_json_value_forms(void **state)
{
	fixture *f = *state;
	const char *body = "\xEF\xBB\xBF [\n"
			   " {\"ip_address\":\"2001:db8::1\",\"RcptCommands\":\"12\",\"messageRecipients\":null,"
			   "\"complaintRate\":0.5,\"trapHits\":null,\"activityStart\":\"2026-06-01T00:00:00Z\","
			   "\"activityEnd\":\"2026-06-02T00:00:00Z\",\"sampleHelo\":\"mx\\u0001a\",\"unknown\":[1,{}]},\n"
			   " {\"ipAddress\":\"192.0.2.1\",\"complaintRate\":\"< 0.1%\",\"trapHits\":3,"
			   "\"complaintRate2\":true,\"filterResult\":\"yellow\",\"comments\":\"JMR Block\"},"
			   " {\"ip\":\"192.0.2.2\",\"complaintRate\":2}\n"
			   "] \n";

	assert_int_equal(data(f, body, SNDS_FMT_JSON), 3);
	assert_addr(&f->d[0].ip, "2001:db8::1");
	assert_int_equal(f->d[0].rcpt, 12);
	assert_int_equal(f->d[0].recipients, -1);
	assert_int_equal(f->d[0].trap_hits, -1);
	assert_int_equal(f->d[0].complaint_known, 1);
	assert_int_equal(f->d[0].complaint_floor, 0);
	assert_true(f->d[0].complaint > 0.4999 && f->d[0].complaint < 0.5001);
	assert_string_equal(f->d[0].period_start, "2026-06-01T00:00:00Z");
	assert_string_equal(f->d[0].period_end, "2026-06-02T00:00:00Z");
	assert_string_equal(f->d[0].helo, "mx?a");
	assert_int_equal(f->d[1].complaint_floor, 1);
	assert_int_equal(f->d[1].trap_hits, 3);
	assert_int_equal(f->d[1].filter, SNDS_FILTER_YELLOW);
	assert_string_equal(f->d[1].comments, "JMR Block");
	assert_true(f->d[2].complaint > 1.999 && f->d[2].complaint < 2.001);
}

/** Rows inside a top-level object: the first array-valued "value"/"data"/... member. */
static void test_json_rows_inside_object(void **state)
{
	fixture *f = *state;
	const char *body = "{\"@odata.context\":\"x\",\"count\":2,\"value\":null,\"meta\":{\"a\":[1]},"
			   "\"Data\":[{\"ipAddress\":\"1.1.1.1\"},{\"ipAddress\":\"1.1.1.2\"}],"
			   "\"items\":[{\"ipAddress\":\"9.9.9.9\"}],\"next\":true}";

	assert_int_equal(data(f, body, SNDS_FMT_JSON), 2);
	assert_addr(&f->d[1].ip, "1.1.1.2");
	assert_int_equal(data(f, "{\"results\":[]}", SNDS_FMT_JSON), 0);
	assert_int_equal(data(f, "[]", SNDS_FMT_JSON), 0);
}

/** Every error class of the JSON feeds fails and names the element. */
static void test_json_errors_name_the_element(void **state)
{
	static const struct {
		const char *body; /**< the body */
		const char *want; /**< part of the error */
	} cases[] = {
		{ "[{\"ip\":\"1.1.1.1\"},5]", "element 2: not a JSON object" },
		{ "[{\"ip\":\"1.1.1.1\"},[]]", "element 2: not a JSON object" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"rcptCommands\":1}]", "element 2: no IP address" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1\"}]", "element 2: bad IP address '1.1.1'" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\",\"filterResult\":5}]", "element 2: filter result has the wrong" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\",\"rcptCommands\":-3}]", "element 2: bad RCPT commands '-3'" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\",\"rcptCommands\":1.5}]", "element 2: RCPT commands has the" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\",\"trapHits\":\"\"},{\"ip\":\"1.1.1.3\",\"trapHits\":\"x\"}]",
		  "element 3: bad trap hits 'x'" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\",\"complaintRate\":-0.5}]", "element 2: bad complaint rate" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\",\"complaintRate\":\"> 100%\"}]", "element 2: bad complaint rate" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\",\"ipAddress\":\"1.1.1.3\"}]", "element 2: two keys give the IP" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\",\"ip\":\"1.1.1.3\"}]", "element 2: invalid JSON" },
		{ "[{\"ip\":\"1.1.1.1\"},{\"ip\":\"1.1.1.2\",}]", "element 2: invalid JSON" },
		{ "[{\"ip\":\"1.1.1.1\"},]", "element 2: missing after a trailing ','" },
		{ "[{\"ip\":\"1.1.1.1\"} {\"ip\":\"1.1.1.2\"}]", "element 1: expected ',' or ']'" },
		{ "[{\"ip\":\"1.1.1.1\"},", "element 2: the JSON array is not closed" },
		{ "[{\"ip\":\"1.1.1.1\"}] x", "text after the JSON value" },
		{ "{\"count\":1}", "JSON object without an array of rows" },
		{ "{\"value\":[{\"ip\":\"1.1.1.1\"}],\"x\":}", "invalid JSON" },
		{ "xyz", "neither an array nor an object" },
	};
	fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		data_fails(f, cases[i].body, SNDS_FMT_JSON, cases[i].want);
}

/** The JSON status sample (blocked as a string), booleans, and a one-address "ipAddress" row. */
static void test_json_status_rows(void **state)
{
	fixture *f = *state;
	const char *body = "[{\"beginningIpAddress\":\"192.0.2.10\",\"endingIpAddress\":\"192.0.2.20\",\"blocked\":\"true\","
			   "\"reason\":\"Blocked due to user complaints\"},"
			   "{\"firstIp\":\"1.1.255.255\",\"lastIp\":\"1.2.0.0\",\"blocked\":false,\"reason\":null},"
			   "{\"ipAddress\":\"2001:db8::7\",\"blocked\":1}]";

	assert_int_equal(status(f, body, SNDS_FMT_JSON), 3);
	assert_addr(&f->s[0].first, "192.0.2.10");
	assert_addr(&f->s[0].last, "192.0.2.20");
	assert_int_equal(f->s[0].blocked, 1);
	assert_string_equal(f->s[0].reason, "Blocked due to user complaints");
	assert_int_equal(f->s[1].blocked, 0);
	assert_string_equal(f->s[1].reason, "");
	assert_addr(&f->s[2].first, "2001:db8::7");
	assert_addr(&f->s[2].last, "2001:db8::7");
	assert_int_equal(f->s[2].blocked, 1);
}

/** JSON status errors: blocked missing, null, or of a bad value; reversed range; no last address. */
static void test_json_status_errors(void **state)
{
	fixture *f = *state;

	status_fails(f, "[{\"firstIp\":\"1.1.1.1\",\"lastIp\":\"1.1.1.2\"}]", SNDS_FMT_JSON, "element 1: no blocked flag");
	status_fails(f, "[{\"firstIp\":\"1.1.1.1\",\"lastIp\":\"1.1.1.2\",\"blocked\":null}]", SNDS_FMT_JSON,
		     "element 1: no blocked flag");
	status_fails(f, "[{\"firstIp\":\"1.1.1.1\",\"lastIp\":\"1.1.1.2\",\"blocked\":\"junked\"}]", SNDS_FMT_JSON,
		     "element 1: bad blocked flag 'junked'");
	status_fails(f, "[{\"firstIp\":\"1.1.1.1\",\"lastIp\":\"1.1.1.2\",\"blocked\":2}]", SNDS_FMT_JSON,
		     "element 1: bad blocked flag '2'");
	status_fails(f, "[{\"firstIp\":\"1.1.1.3\",\"lastIp\":\"1.1.1.2\",\"blocked\":true}]", SNDS_FMT_JSON,
		     "element 1: first address is above");
	status_fails(f, "[{\"firstIp\":\"1.1.1.1\",\"blocked\":true}]", SNDS_FMT_JSON, "element 1: no last address");
}

/* ---- 100,000 rows ---- */

/** Rows in the large bodies. */
#define BIG_ROWS 100000L

/** Sum of RCPT counts and last IP seen, to prove every row was parsed. */
typedef struct bigsum {
	long n;          /**< rows */
	int64_t rcpt;    /**< sum of rcpt */
	mr_addr last;    /**< last IP */
} bigsum;

/** Callback of the large tests: count, sum and keep the last IP. */
static int on_big(void *user, const snds_data_row *r)
{
	bigsum *b = user;

	b->n++;
	b->rcpt += r->rcpt;
	b->last = r->ip;
	return 0;
}

/** Live and peak bytes allocated through jansson's allocator. */
static size_t live_bytes, peak_bytes;

/** Header in front of each counted allocation, holding its size. */
typedef union counted {
	size_t size;      /**< bytes asked for */
	max_align_t align; /**< keeps the payload aligned */
} counted;

/** Counting malloc for jansson. */
static void *count_malloc(size_t n)
{
	counted *c = malloc(sizeof *c + n);

	if (c == NULL)
		return NULL;
	c->size = n;
	live_bytes += n;
	if (live_bytes > peak_bytes)
		peak_bytes = live_bytes;
	return c + 1;
}

/** Counting free for jansson. */
static void count_free(void *p)
{
	counted *c;

	if (p == NULL)
		return;
	c = (counted *)p - 1;
	live_bytes -= c->size;
	free(c);
}

/** Build a body of BIG_ROWS rows: CSV (legacy rows) or a JSON array; the caller frees it. */
static char *big_body(int json, size_t *len)
{
	size_t cap = (size_t)BIG_ROWS * 160 + 16, at = 0;
	char *b = malloc(cap);
	long i;

	assert_non_null(b);
	if (json)
		b[at++] = '[';
	for (i = 0; i < BIG_ROWS; i++) {
		unsigned a = (unsigned)i;
		int rc;

		if (json)
			rc = mr_snprintf(b + at, cap - at,
					 "%s{\"ipAddress\":\"10.%u.%u.%u\",\"rcptCommands\":%ld,\"filterResult\":\"GREEN\","
					 "\"complaintRate\":\"< 0.1%%\",\"trapHits\":null}\n",
					 i ? "," : "", (a >> 16) & 255, (a >> 8) & 255, a & 255, i);
		else
			rc = mr_snprintf(b + at, cap - at,
					 "10.%u.%u.%u,6/1/2026 1:00 AM,6/2/2026 1:00 AM,%ld,1,1,GREEN,< 0.1%%,,,,"
					 "mx.example.net,,\r\n",
					 (a >> 16) & 255, (a >> 8) & 255, a & 255, i);
		assert_int_equal(rc, 0);
		at += strlen(b + at);
	}
	if (json)
		b[at++] = ']';
	*len = at;
	return b;
}

/** Sum 0 + 1 + ... + (BIG_ROWS - 1). */
static int64_t big_sum(void)
{
	return (int64_t)BIG_ROWS * (BIG_ROWS - 1) / 2;
}

/** 100,000 legacy CSV rows are all delivered, in order. */
static void test_100000_csv_rows(void **state)
{
	fixture *f = *state;
	bigsum s = { 0, 0, { 0, { 0 } } };
	size_t len;
	char *b = big_body(0, &len);

	assert_int_equal(snds_detect(b, len, "text/plain"), SNDS_FMT_CSV);
	assert_int_equal(snds_parse_data(b, len, SNDS_FMT_CSV, on_big, &s, &f->err), BIG_ROWS);
	assert_int_equal(s.n, BIG_ROWS);
	assert_int_equal(s.rcpt, big_sum());
	assert_addr(&s.last, "10.1.134.159");
	free(b);
}

/** 100,000 JSON rows are all delivered while jansson's live memory stays small (one element at a time). */
static void test_100000_json_rows_bounded_memory(void **state)
{
	fixture *f = *state;
	bigsum s = { 0, 0, { 0, { 0 } } };
	size_t len;
	char *b = big_body(1, &len);
	long rc;

	assert_int_equal(snds_detect(b, len, NULL), SNDS_FMT_JSON);
	live_bytes = 0;
	peak_bytes = 0;
	json_set_alloc_funcs(count_malloc, count_free);
	rc = snds_parse_data(b, len, SNDS_FMT_JSON, on_big, &s, &f->err);
	json_set_alloc_funcs(malloc, free);
	assert_int_equal(rc, BIG_ROWS);
	assert_int_equal(s.n, BIG_ROWS);
	assert_int_equal(s.rcpt, big_sum());
	assert_addr(&s.last, "10.1.134.159");
	assert_int_equal(live_bytes, 0);
	if (peak_bytes == 0 || peak_bytes > 16384)
		fail_msg("peak jansson memory %zu bytes for %ld rows (body %zu bytes)", peak_bytes, BIG_ROWS, len);
	free(b);
}

/** Run the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_json_whatever_the_content_type),
		cmocka_unit_test(test_detect_html_by_body_or_content_type),
		cmocka_unit_test(test_detect_empty_bodies),
		cmocka_unit_test(test_detect_csv_rows_and_headers),
		cmocka_unit_test(test_detect_unknown_text),
		cmocka_unit_test(test_signin_page_markers),
		cmocka_unit_test(test_other_pages_are_not_signin),
		cmocka_unit_test_setup_teardown(test_legacy_sample_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_crlf_bom_and_trailing_blank_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blank_line_between_rows_is_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extra_fields_join_into_comments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_text_trimmed_and_cut_at_character_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_values_are_not_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compact_headerless_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compact_errors_name_the_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complaint_rate_spellings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_data_errors_name_the_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlong_strict_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_line_neither_row_nor_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_without_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_csv_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_names_any_spelling_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_csv_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_legacy_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_blocked_spellings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_csv_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_csv_with_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_data_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_value_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_rows_inside_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_errors_name_the_element, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_status_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_status_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_100000_csv_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_100000_json_rows_bounded_memory, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

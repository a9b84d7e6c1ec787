/* test_smtp_parse_reply.c: unit tests of the SMTP reply reader: line splitting (CRLF, bare LF, any split
 * between feeds), reply code syntax, character and length checks, multi-line joining and limits. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plugins/ms_smtp/smtp_parse_reply.h"

/** A reader and a reply, too large for the stack of every test. */
typedef struct fixture {
	smtp_reader r;   /**< the reader under test */
	smtp_reply rep;  /**< the reply it returns */
} fixture;

/** Allocate a fresh fixture for a test. */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	smtp_reader_init(&f->r);
	*state = f;
	return 0;
}

/** Free a test's fixture. */
static int teardown(void **state)
{
	free(*state);
	return 0;
}

/** Feed a NUL-terminated string in one call; returns the status, *used the bytes consumed. */
static smtp_rd_status feed_str(fixture *f, const char *s, size_t *used)
{
	return smtp_reader_feed(&f->r, s, strlen(s), used, &f->rep);
}

/** Feed the bytes of s in one call and expect a complete reply that used every byte. */
static void expect_reply(fixture *f, const char *s, size_t n)
{
	size_t used = 0;

	assert_int_equal(smtp_reader_feed(&f->r, s, n, &used, &f->rep), SMTP_RD_REPLY);
	assert_int_equal(used, n);
}

/* ---- well-formed replies ---- */

/** A single CRLF line is one reply with its code, its whole text and every byte used. */
static void test_single_line_reply(void **state)
{
	fixture *f = *state;
	const char *s = "250 2.1.0 Sender OK\r\n";

	expect_reply(f, s, strlen(s));
	assert_int_equal(f->rep.code, 250);
	assert_int_equal(f->rep.nlines, 1);
	assert_string_equal(f->rep.text, "250 2.1.0 Sender OK");
	assert_false(f->rep.truncated);
}

/** Continuation lines are joined with single spaces, each keeping its prefix. */
static void test_multi_line_reply_is_joined(void **state)
{
	fixture *f = *state;
	const char *s = "250-mx.example.net Hello [192.0.2.5]\r\n250-SIZE 157286400\r\n250-PIPELINING\r\n"
	                "250 STARTTLS\r\n";

	expect_reply(f, s, strlen(s));
	assert_int_equal(f->rep.code, 250);
	assert_int_equal(f->rep.nlines, 4);
	assert_string_equal(f->rep.text, "250-mx.example.net Hello [192.0.2.5] 250-SIZE 157286400 250-PIPELINING 250 STARTTLS");
}

/** Bare LF line ends are accepted like CRLF, also mixed within a reply. */
static void test_bare_lf_line_ends(void **state)
{
	fixture *f = *state;
	const char *s = "220-first\n220-second\r\n220 third\n";

	expect_reply(f, s, strlen(s));
	assert_int_equal(f->rep.code, 220);
	assert_int_equal(f->rep.nlines, 3);
	assert_string_equal(f->rep.text, "220-first 220-second 220 third");
}

/** A line holding only the code ("250") is a last line, alone or after continuations. */
static void test_bare_code_is_a_last_line(void **state)
{
	fixture *f = *state;

	expect_reply(f, "250\r\n", 5);
	assert_int_equal(f->rep.code, 250);
	assert_string_equal(f->rep.text, "250");
	expect_reply(f, "354-go ahead\r\n354\r\n", 19);
	assert_int_equal(f->rep.code, 354);
	assert_int_equal(f->rep.nlines, 2);
	assert_string_equal(f->rep.text, "354-go ahead 354");
}

/** TAB and UTF-8 bytes inside the text are accepted unchanged. */
static void test_tab_and_utf8_are_accepted(void **state)
{
	fixture *f = *state;
	const char *s = "550 5.7.1 Gr\xc3\xbc\xc3\x9f" "e\tvom Server\r\n";

	expect_reply(f, s, strlen(s));
	assert_string_equal(f->rep.text, "550 5.7.1 Gr\xc3\xbc\xc3\x9f" "e\tvom Server");
}

/** Splitting a reply between two feeds at any byte gives the same reply; the first part needs more. */
static void test_split_at_every_byte_boundary(void **state)
{
	fixture *f = *state;
	const char *s = "250-mx.example.net\r\n250-8BITMIME\n250 SMTPUTF8\r\n";
	const char *want = "250-mx.example.net 250-8BITMIME 250 SMTPUTF8";
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++) {
		size_t used = 99;
		smtp_reader_init(&f->r);
		assert_int_equal(smtp_reader_feed(&f->r, s, i, &used, &f->rep), SMTP_RD_MORE);
		assert_int_equal(used, i);
		used = 99;
		assert_int_equal(smtp_reader_feed(&f->r, s + i, n - i, &used, &f->rep), SMTP_RD_REPLY);
		assert_int_equal(used, n - i);
		assert_string_equal(f->rep.text, want);
		assert_int_equal(f->rep.nlines, 3);
	}
}

/** Feeding one byte at a time reports the reply exactly at its last LF. */
static void test_byte_by_byte_feeding(void **state)
{
	fixture *f = *state;
	const char *s = "221-bye\r\n221 2.0.0 closing\r\n";
	size_t n = strlen(s), i, used;

	for (i = 0; i + 1 < n; i++)
		assert_int_equal(smtp_reader_feed(&f->r, s + i, 1, &used, &f->rep), SMTP_RD_MORE);
	assert_int_equal(smtp_reader_feed(&f->r, s + n - 1, 1, &used, &f->rep), SMTP_RD_REPLY);
	assert_int_equal(used, 1);
	assert_string_equal(f->rep.text, "221-bye 221 2.0.0 closing");
}

/** Two replies in one buffer: feeding stops after the first; the rest gives the second. */
static void test_two_replies_in_one_buffer(void **state)
{
	fixture *f = *state;
	const char *s = "250 2.1.0 Sender OK\r\n550 5.1.1 unknown user\r\n";
	size_t n = strlen(s), used = 0;

	assert_int_equal(feed_str(f, s, &used), SMTP_RD_REPLY);
	assert_int_equal(used, strlen("250 2.1.0 Sender OK\r\n"));
	assert_true(used < n);
	assert_int_equal(f->rep.code, 250);
	assert_string_equal(f->rep.text, "250 2.1.0 Sender OK");
	assert_int_equal(smtp_reader_feed(&f->r, s + used, n - used, &used, &f->rep), SMTP_RD_REPLY);
	assert_int_equal(used, strlen("550 5.1.1 unknown user\r\n"));
	assert_int_equal(f->rep.code, 550);
	assert_int_equal(f->rep.nlines, 1);
	assert_string_equal(f->rep.text, "550 5.1.1 unknown user");
}

/** Empty input needs more and consumes nothing. */
static void test_empty_feed_needs_more(void **state)
{
	fixture *f = *state;
	size_t used = 7;

	assert_int_equal(smtp_reader_feed(&f->r, "", 0, &used, &f->rep), SMTP_RD_MORE);
	assert_int_equal(used, 0);
}

/* ---- length limits ---- */

/** Build "250 xxx..." of exactly len characters followed by ending into a malloc'd buffer. */
static char *long_line(size_t len, const char *ending)
{
	size_t el = strlen(ending);
	char *s = malloc(len + el + 1);

	if (s == NULL)
		return NULL;
	memset(s, 'x', len);
	memcpy(s, "250 ", 4);
	memcpy(s + len, ending, el + 1);
	return s;
}

/** A line of exactly SMTP_LINE_MAX characters (CRLF or LF) is accepted. */
static void test_line_of_maximum_length_is_accepted(void **state)
{
	fixture *f = *state;
	char *crlf = long_line(SMTP_LINE_MAX, "\r\n");
	char *lf = long_line(SMTP_LINE_MAX, "\n");

	assert_non_null(crlf);
	assert_non_null(lf);
	expect_reply(f, crlf, SMTP_LINE_MAX + 2);
	assert_int_equal(strlen(f->rep.text), SMTP_LINE_MAX);
	expect_reply(f, lf, SMTP_LINE_MAX + 1);
	assert_int_equal(strlen(f->rep.text), SMTP_LINE_MAX);
	free(crlf);
	free(lf);
}

/** One character more than SMTP_LINE_MAX is TOO_LONG, whatever the line end. */
static void test_line_one_over_maximum_is_too_long(void **state)
{
	fixture *f = *state;
	char *s = long_line(SMTP_LINE_MAX + 1, "\r\n");
	size_t used = 0;

	assert_non_null(s);
	assert_int_equal(smtp_reader_feed(&f->r, s, SMTP_LINE_MAX + 3, &used, &f->rep), SMTP_RD_TOO_LONG);
	assert_true(used <= SMTP_LINE_MAX + 3);
	assert_memory_equal(f->r.bad_line, "250 xxx", 7);
	free(s);
}

/** A server sending bytes forever without LF is stopped after SMTP_LINE_MAX + 1 bytes; nothing more is held. */
static void test_endless_line_is_stopped_with_bounded_memory(void **state)
{
	fixture *f = *state;
	char chunk[1000];
	size_t total = 0, used = 0;
	int i;
	smtp_rd_status st = SMTP_RD_MORE;

	memset(chunk, 'a', sizeof chunk);
	memcpy(chunk, "250 ", 4);
	for (i = 0; i < 1000 && st == SMTP_RD_MORE; i++) {
		st = smtp_reader_feed(&f->r, chunk, sizeof chunk, &used, &f->rep);
		total += used;
		assert_true(f->r.len <= SMTP_LINE_MAX + 1);
		memset(chunk, 'a', 4);
	}
	assert_int_equal(st, SMTP_RD_TOO_LONG);
	assert_int_equal(total, SMTP_LINE_MAX + 1);
	/* CR bytes cannot sneak past the limit either. */
	smtp_reader_init(&f->r);
	memset(chunk, '\r', sizeof chunk);
	memcpy(chunk, "250 ", 4);
	total = 0;
	st = SMTP_RD_MORE;
	for (i = 0; i < 1000 && st == SMTP_RD_MORE; i++) {
		st = smtp_reader_feed(&f->r, chunk, sizeof chunk, &used, &f->rep);
		total += used;
		memset(chunk, '\r', 4);
	}
	assert_int_equal(st, SMTP_RD_TOO_LONG);
	assert_true(total <= SMTP_LINE_MAX + 2);
}

/** SMTP_REPLY_MAX_LINES lines are one reply; one more line is TOO_MANY_LINES. */
static void test_too_many_lines(void **state)
{
	fixture *f = *state;
	size_t i, used;
	smtp_rd_status st = SMTP_RD_MORE;

	for (i = 0; i + 1 < SMTP_REPLY_MAX_LINES; i++)
		assert_int_equal(feed_str(f, "250-line\r\n", &used), SMTP_RD_MORE);
	assert_int_equal(feed_str(f, "250 last\r\n", &used), SMTP_RD_REPLY);
	assert_int_equal(f->rep.nlines, SMTP_REPLY_MAX_LINES);

	for (i = 0; i < SMTP_REPLY_MAX_LINES && st == SMTP_RD_MORE; i++)
		st = feed_str(f, "250-line\r\n", &used);
	assert_int_equal(st, SMTP_RD_MORE);
	assert_int_equal(feed_str(f, "250 last\r\n", &used), SMTP_RD_TOO_MANY_LINES);
}

/** Joined text longer than SMTP_REPLY_TEXT_MAX - 1 is cut and flagged truncated; all lines still count. */
static void test_long_reply_text_is_truncated(void **state)
{
	fixture *f = *state;
	char *cont = long_line(1000, "\r\n");
	size_t i, used;

	assert_non_null(cont);
	cont[3] = '-';
	for (i = 0; i < 9; i++)
		assert_int_equal(feed_str(f, cont, &used), SMTP_RD_MORE);
	assert_int_equal(feed_str(f, "250 end\r\n", &used), SMTP_RD_REPLY);
	assert_int_equal(f->rep.nlines, 10);
	assert_true(f->rep.truncated);
	assert_int_equal(strlen(f->rep.text), SMTP_REPLY_TEXT_MAX - 1);
	assert_memory_equal(f->rep.text, "250-xxx", 7);
	free(cont);
}

/** Truncation never leaves half a UTF-8 character at the end. */
static void test_truncation_keeps_utf8_whole(void **state)
{
	fixture *f = *state;
	char line[SMTP_LINE_MAX + 3];
	size_t i, used, len, n;

	/*
	 * Three lines of 2047 characters and the spaces take 6144 bytes, leaving 2047 for a last line
	 * of 2048 whose bytes 2046-2047 are one two-byte character: the cut falls inside it.
	 */
	for (n = 0; n < 4; n++) {
		size_t ll = n == 3 ? SMTP_LINE_MAX : SMTP_LINE_MAX - 1;
		memset(line, 'x', sizeof line);
		memcpy(line, n == 3 ? "250 " : "250-", 4);
		if (n == 3)
			for (i = 2040; i < 2048; i += 2) {
				line[i] = '\xc3';
				line[i + 1] = '\xa9';
			}
		line[ll] = '\r';
		line[ll + 1] = '\n';
		assert_int_equal(smtp_reader_feed(&f->r, line, ll + 2, &used, &f->rep),
		                 n == 3 ? SMTP_RD_REPLY : SMTP_RD_MORE);
	}
	len = strlen(f->rep.text);
	assert_true(f->rep.truncated);
	assert_true(len <= SMTP_REPLY_TEXT_MAX - 1);
	/* The text must end after a whole character: the last byte is not a lead byte. */
	assert_true((unsigned char)f->rep.text[len - 1] != 0xc3);
	assert_true(len == SMTP_REPLY_TEXT_MAX - 2);
}

/* ---- malformed lines ---- */

/** Lines without a valid code are BAD_CODE with an excerpt of the line. */
static void test_bad_reply_codes(void **state)
{
	static const char *const bad[] = {
		"HTTP/1.1 400 Bad Request\r\n", "25 OK\r\n", "150 not SMTP\r\n", "650 no class 6\r\n",
		"2500 four digits\r\n", "250_underscore\r\n", "\r\n", "2x0 letters\r\n", "25\r\n",
		" 250 leading space\r\n"
	};
	fixture *f = *state;
	size_t i, used;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		smtp_reader_init(&f->r);
		if (feed_str(f, bad[i], &used) != SMTP_RD_BAD_CODE)
			fail_msg("'%s' not rejected as BAD_CODE", bad[i]);
		assert_int_equal(used, strlen(bad[i]));
	}
	smtp_reader_init(&f->r);
	assert_int_equal(feed_str(f, "HTTP/1.1 400 Bad Request\r\n", &used), SMTP_RD_BAD_CODE);
	assert_string_equal(f->r.bad_line, "HTTP/1.1 400 Bad Request");
}

/** NUL, other control bytes, DEL and bare CR inside a line are BAD_CHAR; the excerpt shows them as '?'. */
static void test_control_bytes_are_bad_chars(void **state)
{
	static const struct {
		const char *s;
		size_t n;
		const char *excerpt;
	} cases[] = {
		{ "250 a\0b\r\n", 9, "250 a?b" },
		{ "250 \x1b[0m\r\n", 10, "250 ?[0m" },
		{ "250 a\rb\r\n", 9, "250 a?b" },
		{ "250 ok\r\r\n", 9, "250 ok?" },
		{ "250 del\x7f\r\n", 10, "250 del?" },
		{ "250 bell\a\n", 10, "250 bell?" },
	};
	fixture *f = *state;
	size_t i, used;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		smtp_reader_init(&f->r);
		if (smtp_reader_feed(&f->r, cases[i].s, cases[i].n, &used, &f->rep) != SMTP_RD_BAD_CHAR)
			fail_msg("case %zu not rejected as BAD_CHAR", i);
		assert_string_equal(f->r.bad_line, cases[i].excerpt);
	}
}

/** A continuation line with another code is MISMATCH. */
static void test_continuation_code_mismatch(void **state)
{
	fixture *f = *state;
	size_t used;

	assert_int_equal(feed_str(f, "250-first\r\n251 second\r\n", &used), SMTP_RD_MISMATCH);
	assert_string_equal(f->r.bad_line, "251 second");
	smtp_reader_init(&f->r);
	assert_int_equal(feed_str(f, "550-5.7.1 a\r\n", &used), SMTP_RD_MORE);
	assert_int_equal(feed_str(f, "450 4.7.1 b\r\n", &used), SMTP_RD_MISMATCH);
}

/** Errors are final: later feeds return the same error until the reader is reset. */
static void test_errors_are_sticky_until_init(void **state)
{
	fixture *f = *state;
	size_t used = 5;

	assert_int_equal(feed_str(f, "junk\r\n", &used), SMTP_RD_BAD_CODE);
	assert_int_equal(feed_str(f, "250 OK\r\n", &used), SMTP_RD_BAD_CODE);
	assert_int_equal(used, 0);
	smtp_reader_init(&f->r);
	assert_int_equal(feed_str(f, "250 OK\r\n", &used), SMTP_RD_REPLY);
}

/** A long offending line is shown shortened with "..." and stays within bad_line. */
static void test_bad_line_excerpt_is_bounded(void **state)
{
	fixture *f = *state;
	char *s = long_line(500, "\r\n");
	size_t used;

	assert_non_null(s);
	s[0] = 'X';
	assert_int_equal(feed_str(f, s, &used), SMTP_RD_BAD_CODE);
	assert_int_equal(strlen(f->r.bad_line), sizeof f->r.bad_line - 1);
	assert_string_equal(f->r.bad_line + sizeof f->r.bad_line - 4, "...");
	free(s);
}

/** Every status has a distinct text; the length limit is spelled out. */
static void test_status_texts(void **state)
{
	int i, j;

	(void)state;
	assert_string_equal(smtp_rd_status_text(SMTP_RD_TOO_LONG), "reply line longer than 2048 bytes");
	assert_non_null(strstr(smtp_rd_status_text(SMTP_RD_TOO_MANY_LINES), "64"));
	for (i = SMTP_RD_REPLY; i <= SMTP_RD_TOO_MANY_LINES; i++)
		for (j = i + 1; j <= SMTP_RD_TOO_MANY_LINES; j++)
			assert_string_not_equal(smtp_rd_status_text((smtp_rd_status)i),
			                        smtp_rd_status_text((smtp_rd_status)j));
}

/** Run the reader tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_single_line_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi_line_reply_is_joined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_lf_line_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_code_is_a_last_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tab_and_utf8_are_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_at_every_byte_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_by_byte_feeding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_replies_in_one_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_feed_needs_more, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_of_maximum_length_is_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_one_over_maximum_is_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endless_line_is_stopped_with_bounded_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_reply_text_is_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation_keeps_utf8_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_reply_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_bytes_are_bad_chars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_continuation_code_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_are_sticky_until_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_line_excerpt_is_bounded, setup, teardown),
		cmocka_unit_test(test_status_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

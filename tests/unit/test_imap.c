/* test_imap.c: unit tests of the IMAP client on bytes: the response scanner (tags, literals, split input), the
 * parsers of UIDVALIDITY, SEARCH, FETCH metadata and the BODY[] literal, UID sets, and whole commands over a
 * scripted transport (what is sent, chunked answers, NO, timeouts, a closed connection, the size bound). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/imap.h"
#include "common/util.h"

/** A scripted server: the bytes it answers with, handed out in chunks of at most chunk bytes. */
typedef struct script {
	const char *answer;   /**< everything the server sends */
	size_t pos;           /**< bytes handed out so far */
	size_t chunk;         /**< largest piece per recv */
	int end;              /**< what recv returns once answer is used up: 1 timeout, -1 closed */
	int send_fails;       /**< send returns -1 */
	char sent[1024];      /**< what the client sent (cut) */
} script;

/** mr_imap_transport.send of the script: records the bytes. */
static int script_send(void *ctx, const char *buf, size_t n, double deadline)
{
	script *s = ctx;
	size_t have = strlen(s->sent);

	(void)deadline;
	if (s->send_fails)
		return -1;
	if (have + n < sizeof(s->sent))
		memcpy(s->sent + have, buf, n), s->sent[have + n] = '\0';
	return 0;
}

/** mr_imap_transport.recv of the script: the next chunk, then s->end. */
static int script_recv(void *ctx, char *buf, size_t cap, size_t *got, double deadline)
{
	script *s = ctx;
	size_t left = strlen(s->answer) - s->pos, n = left < s->chunk ? left : s->chunk;

	(void)deadline;
	*got = 0;
	if (n == 0)
		return s->end;
	if (n > cap)
		n = cap;
	memcpy(buf, s->answer + s->pos, n);
	s->pos += n;
	*got = n;
	return 0;
}

/** A session over script s whose responses may be resp_max bytes. */
static void session(mr_imap *c, script *s, size_t resp_max)
{
	mr_imap_init(c, resp_max, 0);
	c->t = (mr_imap_transport){ s, script_send, script_recv };
}

/** The scanner finds the tagged line, skips untagged ones and tells need-more apart. */
static void test_scan_finds_tagged_status(void **state)
{
	const char *d = "* 3 EXISTS\r\nM10 OK fine\r\nM1 NO [X] nope\r\n";
	char st[64];
	size_t pos = 0, lit = 0;

	(void)state;
	assert_int_equal(mr_imap_scan(d, strlen(d), "M1", &pos, &lit, st, sizeof(st)), 1);
	assert_string_equal(st, "NO [X] nope"); /* "M10" is not the tag "M1" */
	assert_int_equal(pos, strlen(d));
	pos = 0;
	assert_int_equal(mr_imap_scan(d, 20, "M1", &pos, &lit, st, sizeof(st)), 0); /* cut inside a line */
	assert_int_equal(pos, 12);
}

/** A literal's bytes are skipped, even when they hold a line that looks like the tagged status. */
static void test_scan_skips_literals_across_chunks(void **state)
{
	const char *d = "* 1 FETCH (BODY[] {14}\r\nM2 OK forged\r\n)\r\nM2 OK done\r\n";
	char st[64];
	size_t pos = 0, lit = 0, len = strlen(d);

	(void)state;
	/* fed in pieces: the state (pos, literal) carries over */
	for (size_t cut = 1; cut < len; cut += 5) {
		pos = 0;
		lit = 0;
		assert_int_equal(mr_imap_scan(d, cut, "M2", &pos, &lit, st, sizeof(st)), 0);
		if (mr_imap_scan(d, len, "M2", &pos, &lit, st, sizeof(st)) != 1)
			fail_msg("cut %zu", cut);
		assert_string_equal(st, "OK done");
	}
}

/** Control bytes of the status line become '?', and a long one is cut to the buffer. */
static void test_scan_cleans_and_bounds_status(void **state)
{
	const char *d = "M1 NO a\tb\x01" "cdefghijklmnop\r\n";
	char st[8];
	size_t pos = 0, lit = 0;

	(void)state;
	assert_int_equal(mr_imap_scan(d, strlen(d), "M1", &pos, &lit, st, sizeof(st)), 1);
	assert_string_equal(st, "NO a?b?");
}

/** UIDVALIDITY is read wherever it stands, 0 when absent. */
static void test_uidvalidity(void **state)
{
	(void)state;
	assert_int_equal(mr_imap_parse_uidvalidity("* OK [UIDVALIDITY 1700000001] UIDs valid\r\nM1 OK\r\n"),
	                 1700000001UL);
	assert_int_equal(mr_imap_parse_uidvalidity("* 3 EXISTS\r\nM1 OK\r\n"), 0);
}

/** SEARCH: every UID of the line, none from later lines; an empty result; no SEARCH line at all. */
static void test_search(void **state)
{
	unsigned long *uids = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	assert_int_equal(mr_imap_parse_search("* SEARCH 4 2 99\r\n* 5 EXISTS\r\nM2 OK\r\n", &uids, &n, &cap), 0);
	assert_int_equal(n, 3);
	assert_int_equal(uids[0], 4);
	assert_int_equal(uids[1], 2);
	assert_int_equal(uids[2], 99);
	n = 0;
	assert_int_equal(mr_imap_parse_search("* SEARCH\r\nM2 OK\r\n", &uids, &n, &cap), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mr_imap_parse_search("M2 OK\r\n", &uids, &n, &cap), 0);
	assert_int_equal(n, 0);
	free(uids);
}

/** UID sets: runs become ranges. */
static void test_uid_set(void **state)
{
	const unsigned long u[] = { 1, 3, 4, 5, 9, 10 };
	mr_buf b;

	(void)state;
	mr_buf_init(&b, 100);
	assert_int_equal(mr_imap_uid_set(&b, u, 6), 0);
	assert_string_equal(mr_buf_str(&b), "1,3:5,9:10");
	mr_buf_reset(&b);
	assert_int_equal(mr_imap_uid_set(&b, u, 1), 0);
	assert_string_equal(mr_buf_str(&b), "1");
	mr_buf_free(&b);
	mr_buf_init(&b, 4);
	assert_int_equal(mr_imap_uid_set(&b, u, 6), -1); /* does not fit */
	mr_buf_free(&b);
}

/** FETCH metadata: items in any order, unknown UIDs and lines without every item ignored, absent UIDs -1. */
static void test_fetch_meta(void **state)
{
	mr_imap_meta m[3] = { { 10, 0, 0 }, { 11, 0, 0 }, { 12, 0, 0 } };
	const char *r = "* 1 FETCH (UID 10 INTERNALDATE \"28-Nov-2026 10:00:00 +0100\" RFC822.SIZE 2519)\r\n"
	                "* 2 FETCH (RFC822.SIZE 7 INTERNALDATE \"01-Dec-2026 00:00:00 +0000\" UID 12)\r\n"
	                "* 3 FETCH (UID 99 INTERNALDATE \"01-Dec-2026 00:00:00 +0000\" RFC822.SIZE 1)\r\n"
	                "* 4 FETCH (UID 11 RFC822.SIZE 1)\r\n"
	                "M3 OK done\r\n";

	(void)state;
	mr_imap_parse_meta(r, m, 3);
	assert_int_equal(m[0].arrival, 1795860000 - 3600);
	assert_int_equal(m[0].size, 2519);
	assert_int_equal(m[1].arrival, (time_t)-1);
	assert_int_equal(m[1].size, 0);
	assert_int_equal(m[2].arrival, 1796083200);
	assert_int_equal(m[2].size, 7);
}

/** BODY[]: the literal's bytes (NULs and CRLFs inside are data), a short literal, a missing one, none at all. */
static void test_body_literal(void **state)
{
	const char r1[] = "* 1 FETCH (UID 5 BODY[] {7}\r\nab\r\ncd\r\n)\r\nM4 OK\r\n";
	const char r2[] = "* 1 FETCH (UID 5 BODY[] {70}\r\nab\r\n";
	const char r3[] = "* 1 FETCH (UID 5 BODY[] NIL)\r\nM4 OK\r\n";
	const char *d;
	size_t n;

	(void)state;
	assert_int_equal(mr_imap_parse_body(r1, sizeof(r1) - 1, &d, &n), 0);
	assert_int_equal(n, 7);
	assert_memory_equal(d, "ab\r\ncd\r", 7);
	assert_int_equal(mr_imap_parse_body(r2, sizeof(r2) - 1, &d, &n), 0);
	assert_null(d); /* announces more than there is */
	assert_int_equal(mr_imap_parse_body(r3, sizeof(r3) - 1, &d, &n), 0);
	assert_null(d);
	assert_int_equal(mr_imap_parse_body("M4 OK\r\n", 7, &d, &n), 1); /* expunged: no BODY[] */
}

/** A command sends "TAG cmd", collects a chunked answer with a literal and returns OK; the tags count up. */
static void test_command_over_script(void **state)
{
	script s = { "* 1 FETCH (BODY[] {5}\r\nM1 OK)\r\nM1 OK done\r\n", 0, 3, -1, 0, "" };
	mr_imap c;
	mr_buf err;
	const char *d;
	size_t n;

	(void)state;
	mr_buf_init(&err, 256);
	session(&c, &s, 4096);
	assert_int_equal(mr_imap_fetch_body(&c, 7, &d, &n, 1e9, &err), 0);
	assert_string_equal(s.sent, "M1 UID FETCH 7 (BODY.PEEK[])\r\n");
	assert_int_equal(n, 5);
	assert_memory_equal(d, "M1 OK", 5);
	assert_string_equal(c.status, "OK done");
	s = (script){ "M2 NO [NONEXISTENT] no such mailbox\r\n", 0, 100, -1, 0, "" };
	assert_int_equal(mr_imap_examine(&c, "INBOX", &(unsigned long){ 0 }, 1e9, &err), -1);
	assert_string_equal(s.sent, "M2 EXAMINE \"INBOX\"\r\n");
	s = (script){ "M3 OK done\r\n", 0, 100, -1, 0, "" };
	assert_int_equal(mr_imap_examine(&c, "Junk Reports \xc3\xa9", &(unsigned long){ 0 }, 1e9, &err), 0);
	assert_string_equal(s.sent, "M3 EXAMINE \"Junk Reports &AOk-\"\r\n");
	assert_string_equal(mr_buf_str(&err), "IMAP EXAMINE \"INBOX\" failed: NO [NONEXISTENT] no such mailbox");
	mr_imap_close(&c);
	mr_buf_free(&err);
}

/** The --imap URL: server part kept, the mailbox percent-decoded (RFC 5092); bad escapes and control bytes refused. */
static void test_url_split(void **state)
{
	static const struct { const char *url; const char *base; const char *mailbox; } ok[] = {
		{ "imaps://h/INBOX", "imaps://h/", "INBOX" },
		{ "imaps://h:993/Junk%20Reports", "imaps://h:993/", "Junk Reports" },
		{ "imaps://h/Rapports%20ind%C3%a9sirables", "imaps://h/", "Rapports ind\xc3\xa9sirables" },
		{ "imaps://h/Junk Reports", "imaps://h/", "Junk Reports" },  /* a raw blank, as users type it */
		{ "imaps://h/a%22b%5Cc%25", "imaps://h/", "a\"b\\c%" },
		{ "imaps://[2001:db8::1]:993/x/y", "imaps://[2001:db8::1]:993/", "x/y" },
	};
	static const char *const bad[] = {
		"imaps://h/", "imaps://h", "imap://h/INBOX", "imaps://h/a%2", "imaps://h/a%zz", "imaps://h/a%00b",
		"imaps://h/a%0Ab", "imaps://h/a\tb",
	};
	char base[64], mb[32];
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 256);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(mr_imap_url_split(ok[i].url, base, sizeof(base), mb, sizeof(mb), &err), 0);
		assert_string_equal(base, ok[i].base);
		assert_string_equal(mb, ok[i].mailbox);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mr_buf_reset(&err);
		if (mr_imap_url_split(bad[i], base, sizeof(base), mb, sizeof(mb), &err) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_true(mr_buf_str(&err)[0] != '\0');
	}
	assert_int_equal(mr_imap_url_split("imaps://h/0123456789012345678901234567890123", base, sizeof(base), mb,
	                                   sizeof(mb), &err), -1);
	mr_buf_free(&err);
}

/** Mailbox names as IMAP quoted strings: quotes and backslashes escaped, '&' as "&-", non-ASCII in modified UTF-7
 *  (the RFC 3501 5.1.3 example and a character beyond the BMP); control bytes and bad UTF-8 refused. */
static void test_mailbox_quote(void **state)
{
	static const struct { const char *in; const char *out; } ok[] = {
		{ "INBOX", "\"INBOX\"" },
		{ "Junk Reports", "\"Junk Reports\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "R&D", "\"R&-D\"" },
		{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		  "\"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"" },
		{ "Entw\xc3\xbcrfe", "\"Entw&APw-rfe\"" },
		{ "ind\xc3\xa9sirables", "\"ind&AOk-sirables\"" },
		{ "\xf0\x9f\x93\xa7", "\"&2D3c5w-\"" },
	};
	static const char *const bad[] = { "", "a\nb", "a\x7f", "\xc3", "\xc3(", "\xe0\x80\x80", "\xed\xa0\x80", "\xff" };
	mr_buf b;

	(void)state;
	mr_buf_init(&b, 256);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		mr_buf_reset(&b);
		assert_int_equal(mr_imap_mailbox_quote(ok[i].in, &b), 0);
		assert_string_equal(mr_buf_str(&b), ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mr_buf_reset(&b);
		if (mr_imap_mailbox_quote(bad[i], &b) != -1)
			fail_msg("case %zu accepted", i);
	}
	mr_buf_free(&b);
}

/** Failures: a send error, a timeout, a closed connection and an answer over the bound each name the command. */
static void test_command_failures(void **state)
{
	const struct { script s; size_t max; const char *want; } cases[] = {
		{ { "", 0, 10, -1, 1, "" }, 4096, "IMAP: cannot send NOOP" },
		{ { "* OK still", 0, 10, 1, 0, "" }, 4096, "IMAP: no complete answer to NOOP in time" },
		{ { "* OK still\r\n", 0, 10, -1, 0, "" }, 4096, "IMAP: the server closed the connection during NOOP" },
		{ { "* 1 FETCH {100}\r\n", 0, 100, -1, 0, "" }, 8, "IMAP: answer to NOOP larger than 8 bytes" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		script s = cases[i].s;
		mr_imap c;
		mr_buf err;
		mr_buf_init(&err, 256);
		session(&c, &s, cases[i].max);
		assert_int_equal(mr_imap_command(&c, "NOOP", 1e9, &err), -1);
		assert_string_equal(mr_buf_str(&err), cases[i].want);
		mr_imap_close(&c);
		mr_buf_free(&err);
	}
}

/** SEARCH SINCE over the script: the day is sent in IMAP form and the UIDs come back sorted. */
static void test_search_since_sorts(void **state)
{
	script s = { "* SEARCH 9 3 5\r\nM1 OK\r\n", 0, 100, -1, 0, "" };
	unsigned long *uids;
	size_t n;
	mr_imap c;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 256);
	session(&c, &s, 4096);
	assert_int_equal(mr_imap_search_since(&c, 1796083200 + 3599, &uids, &n, 1e9, &err), 0);
	assert_string_equal(s.sent, "M1 UID SEARCH SINCE 1-Dec-2026\r\n");
	assert_int_equal(n, 3);
	assert_int_equal(uids[0], 3);
	assert_int_equal(uids[2], 9);
	free(uids);
	mr_imap_close(&c);
	mr_buf_free(&err);
}

/** Run the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_finds_tagged_status),
		cmocka_unit_test(test_scan_skips_literals_across_chunks),
		cmocka_unit_test(test_scan_cleans_and_bounds_status),
		cmocka_unit_test(test_uidvalidity),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_uid_set),
		cmocka_unit_test(test_fetch_meta),
		cmocka_unit_test(test_body_literal),
		cmocka_unit_test(test_command_over_script),
		cmocka_unit_test(test_command_failures),
		cmocka_unit_test(test_url_split),
		cmocka_unit_test(test_mailbox_quote),
		cmocka_unit_test(test_search_since_sorts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

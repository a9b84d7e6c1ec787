/* test_ini.c: unit tests of the shared ini reader (common/ini.c): the line rules, line numbers,
 * section events, the flags, the message format and the file loader. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ini.h"
#include "tests/unit/unit_util.h"

/** What the recording callback saw and how it behaves. */
typedef struct recorder {
	mr_buf seen;   /**< one line per item: "LINE [section]" or "LINE section.key=<value>" (+ " ;") */
	int calls;     /**< items delivered */
	int stop_at;   /**< item number (1-based) at which to stop, 0 for never */
	int quiet;     /**< stop without a message of its own */
} recorder;

/** Callback that records every item, and stops at rec->stop_at. */
static int record(void *user, const mr_ini_item *item, mr_ini_msg *msg)
{
	recorder *rec = user;

	rec->calls++;
	if (rec->stop_at == rec->calls) {
		if (!rec->quiet)
			mr_ini_fail(msg, item->line, "refused by the test");
		return -1;
	}
	if (item->key == NULL) {
		assert_null(item->value);
		assert_int_equal(item->comment, 0);
		(void)mr_buf_printf(&rec->seen, "%u [%s]\n", item->line, item->section);
	} else {
		(void)mr_buf_printf(&rec->seen, "%u %s.%s=<%s>%s\n", item->line, item->section, item->key, item->value,
		                    item->comment ? " ;" : "");
	}
	return 0;
}

/** Start an empty recorder that never stops, and an empty message buffer. */
static void rec_open(recorder *rec, mr_buf *err)
{
	memset(rec, 0, sizeof(*rec));
	mr_buf_init(&rec->seen, 1 << 16);
	mr_buf_init(err, 1024);
}

/** Free what rec_open allocated. */
static void rec_close(recorder *rec, mr_buf *err)
{
	mr_buf_free(&rec->seen);
	mr_buf_free(err);
}

/** Parse text with flags as origin "t"; the items go to rec->seen, a message to err. */
static int run(const char *text, unsigned flags, recorder *rec, mr_buf *err)
{
	mr_ini_msg msg = { "t", err, 0 };
	int rc;

	mr_buf_reset(&rec->seen);
	mr_buf_reset(err);
	rec->calls = 0;
	rc = mr_ini_parse(text, flags, record, rec, &msg);
	assert_int_equal(msg.failed, rc != 0);
	return rc;
}

/** Expect text to parse and deliver exactly want. */
static void expect_items(const char *text, unsigned flags, const char *want)
{
	recorder rec;
	mr_buf err;

	rec_open(&rec, &err);
	if (run(text, flags, &rec, &err) != 0)
		fail_msg("'%s' refused: %s", text, mr_buf_str(&err));
	assert_string_equal(mr_buf_str(&rec.seen), want);
	rec_close(&rec, &err);
}

/** Expect text to be refused with one line starting with want (the items before the bad line may have arrived). */
static void expect_refused(const char *text, unsigned flags, const char *want)
{
	recorder rec;
	mr_buf err;

	rec_open(&rec, &err);
	if (run(text, flags, &rec, &err) != -1)
		fail_msg("'%s' accepted, items:\n%s", text, mr_buf_str(&rec.seen));
	if (strncmp(mr_buf_str(&err), want, strlen(want)) != 0)
		fail_msg("'%s': message '%s', want '%s...'", text, mr_buf_str(&err), want);
	assert_null(strchr(mr_buf_str(&err), '\n'));
	rec_close(&rec, &err);
}

/* ---- parsing -------------------------------------------------------------------------------- */

/** Sections and keys reach the callback in file order with their line numbers; comments, blanks are skipped. */
static void test_items_arrive_in_file_order_with_line_numbers(void **state)
{
	(void)state;
	expect_items("; comment\n"
	             "# comment\n"
	             "\n"
	             "[one]\n"
	             "a = 1\n"
	             "   ; an indented comment is still a comment\n"
	             "b=2\n"
	             "[empty]\n"
	             "[two]   ; comment after the header\n"
	             "a = 3\n"
	             "[one]\n"
	             "a = 4\n"
	             "[last]\n",
	             0,
	             "4 [one]\n5 one.a=<1>\n7 one.b=<2>\n8 [empty]\n9 [two]\n10 two.a=<3>\n11 [one]\n12 one.a=<4>\n"
	             "13 [last]\n");
}

/** An empty text, only comments and blank lines, or only a byte order mark give no item. */
static void test_empty_and_comment_only_texts_give_no_items(void **state)
{
	(void)state;
	expect_items("", 0, "");
	expect_items("\n\n; nothing\n# here\n", 0, "");
	expect_items("\xEF\xBB\xBF", 0, "");
}

/** A leading byte order mark and CR LF line ends are accepted; a BOM elsewhere makes the key invalid. */
static void test_bom_and_crlf_are_accepted(void **state)
{
	(void)state;
	expect_items("\xEF\xBB\xBF[s]\r\nk = v\r\n\r\nempty=\r\nlast = x", 0,
	             "1 [s]\n2 s.k=<v>\n4 s.empty=<>\n5 s.last=<x>\n");
	expect_items("\xEF\xBB\xBF; comment on the first line\n[s]\nk=v\n", 0, "2 [s]\n3 s.k=<v>\n");
	/* a byte order mark anywhere else is no blank: it makes the key invalid */
	expect_refused("[s]\n\xEF\xBB\xBFk=v\n", 0, "t line 2: invalid key name");
}

/** Values lose outer blanks but keep quotes, '=', '#', ';' inside words, and may be empty. */
static void test_values_are_trimmed_but_not_unquoted(void **state)
{
	(void)state;
	expect_items("[s]\n"
	             "q =  \"quoted value\"  \n"
	             "eq = a = b\n"
	             "hash = #not a comment\n"
	             "semi = a;b\n"
	             "tab\t=\tx y\t\n"
	             "url = http://x:80/?a=1;b=2\n"
	             "none =\n",
	             0,
	             "1 [s]\n2 s.q=<\"quoted value\">\n3 s.eq=<a = b>\n4 s.hash=<#not a comment>\n5 s.semi=<a;b>\n"
	             "6 s.tab=<x y>\n7 s.url=<http://x:80/?a=1;b=2>\n8 s.none=<>\n");
}

/** A 199-character line (the libinih maximum) is read whole, CR and BOM not counted, headers too. */
static void test_line_of_199_characters_is_read_whole(void **state)
{
	char text[600];
	char want[600];
	char value[200];

	(void)state;
	memset(value, 'v', 197);
	value[197] = '\0';
	/* "k=" and 197 characters make 199, the most libinih holds */
	assert_int_equal(mr_snprintf(text, sizeof(text), "[s]\nk=%s\nz=1\n", value), 0);
	assert_int_equal(mr_snprintf(want, sizeof(want), "1 [s]\n2 s.k=<%s>\n3 s.z=<1>\n", value), 0);
	expect_items(text, 0, want);
	/* the CR of a CR LF line end does not count */
	assert_int_equal(mr_snprintf(text, sizeof(text), "[s]\r\nk=%s\r\nz=1\r\n", value), 0);
	expect_items(text, 0, want);
	/* nor does a byte order mark */
	assert_int_equal(mr_snprintf(text, sizeof(text), "\xEF\xBB\xBF[s]\nk=%s\nz=1\n", value), 0);
	expect_items(text, 0, want);
	/* a header line of 199 characters: the name is delivered whole */
	memset(value, 'n', 197);
	assert_int_equal(mr_snprintf(text, sizeof(text), "[%s]\nk=v\n", value), 0);
	assert_int_equal(mr_snprintf(want, sizeof(want), "1 [%s]\n2 %s.k=<v>\n", value, value), 0);
	expect_items(text, 0, want);
}

/** A 200-character line of any kind, the last one too, is refused instead of being split. */
static void test_line_of_200_characters_is_an_error(void **state)
{
	char text[600];
	char value[200];

	(void)state;
	memset(value, 'v', 199);
	value[199] = '\0';
	/* "k=" and 198 characters make 200: libinih would split the line */
	assert_int_equal(mr_snprintf(text, sizeof(text), "[s]\nk=%.198s\nz=1\n", value), 0);
	expect_refused(text, 0, "t line 2: line too long (200 characters, at most 199)");
	assert_int_equal(mr_snprintf(text, sizeof(text), "[s]\r\nk=%.198s\r\n", value), 0);
	expect_refused(text, 0, "t line 2: line too long (200 characters, at most 199)");
	/* comment lines and the last line without a line end are measured too */
	assert_int_equal(mr_snprintf(text, sizeof(text), "[s]\n;%s\n", value), 0);
	expect_refused(text, 0, "t line 2: line too long (200 characters, at most 199)");
	assert_int_equal(mr_snprintf(text, sizeof(text), "[s]\nk=1\nk=%.198s", value), 0);
	expect_refused(text, 0, "t line 3: line too long (200 characters, at most 199)");
	/* a byte order mark does not make room: the line is still too long */
	assert_int_equal(mr_snprintf(text, sizeof(text), "\xEF\xBB\xBF;%s\n", value), 0);
	expect_refused(text, 0, "t line 1: line too long (200 characters, at most 199)");
}

/** An indented key, header or continuation line is refused with every flag but MR_INI_INDENT_OK. */
static void test_indented_lines_are_errors(void **state)
{
	(void)state;
	expect_refused("[s]\nk = v\n  more\n", 0, "t line 3: indented line");
	expect_refused("[s]\nk = v\n\tk2 = w\n", 0, "t line 3: indented line");
	expect_refused("[s]\n  k = v\n", 0, "t line 2: indented line");
	expect_refused("  [s]\nk = v\n", 0, "t line 1: indented line");
	expect_refused("[s]\nk = v\n  k2 = w\n", MR_INI_INLINE_COMMENTS | MR_INI_COLON, "t line 3: indented line");
}

/** MR_INI_INDENT_OK accepts indented headers and keys; a continuation line is still refused. */
static void test_indentation_is_ignored_with_indent_ok(void **state)
{
	(void)state;
	expect_items("  [s]\nk = v\n    k2 = w\n\t[t]\n\tx=1\n", MR_INI_INDENT_OK,
	             "1 [s]\n2 s.k=<v>\n3 s.k2=<w>\n4 [t]\n5 t.x=<1>\n");
	expect_refused("[s]\n  more\n", MR_INI_INDENT_OK, "t line 2: line without '='");
}

/** A line without '=' is refused, and the message does not repeat its words (a secret). */
static void test_line_without_equals_is_an_error(void **state)
{
	(void)state;
	expect_refused("[s]\nk = v\njust words\n", 0, "t line 3: line without '='");
	expect_refused("[s]\njust words\n", MR_INI_COLON | MR_INI_INLINE_COMMENTS | MR_INI_INDENT_OK,
	               "t line 2: line without '='");
	/* the words of the line are not repeated: they may be a secret written on the wrong line */
	expect_refused("[s]\nhunter2secret\n", 0,
	               "t line 2: line without '=' (expected 'key = value' or a [section] header)");
}

/** A key before the first section header is refused. */
static void test_content_before_the_first_section_is_an_error(void **state)
{
	(void)state;
	expect_refused("; comment\n\nk = v\n[s]\n", 0, "t line 3: content before the first section header");
	expect_refused("k = v\n[s]\n", MR_INI_INDENT_OK | MR_INI_COLON,
	               "t line 1: content before the first section header");
}

/** Without MR_INI_COLON a ':' never ends the key: "k: v" is refused, "a:b" in a value is kept. */
static void test_colon_is_not_a_delimiter(void **state)
{
	(void)state;
	expect_refused("[s]\nk: v\n", 0, "t line 2: line without '='");
	expect_refused("[s]\na:b = c\n", 0, "t line 2: invalid key name");
	expect_items("[s]\nurl = http://x:80/\nk = a:b\n", 0, "1 [s]\n2 s.url=<http://x:80/>\n3 s.k=<a:b>\n");
}

/** With MR_INI_COLON the first '=' or ':' ends the key, as in libinih. */
static void test_colon_delimits_with_colon_flag(void **state)
{
	(void)state;
	/* as libinih: the first '=' or ':' ends the key */
	expect_items("[s]\nk: v\nIPv6 :Yes\na:b = c\nurl = http://x:80/\n", MR_INI_COLON,
	             "1 [s]\n2 s.k=<v>\n3 s.IPv6=<Yes>\n4 s.a=<b = c>\n5 s.url=<http://x:80/>\n");
}

/** Keys are letters, digits, '-' and '_' starting with a letter or digit; anything else is refused. */
static void test_keys_are_letters_digits_dash_and_underscore(void **state)
{
	static const char *const bad[] = {
		"[s]\n-k = v\n", "[s]\n_k = v\n", "[s]\nk k = v\n", "[s]\nk.k = v\n", "[s]\n= v\n",
		"[s]\nk;x = v\n", "[s]\nk\xC3\xA9 = v\n",
	};
	size_t i;

	(void)state;
	expect_items("[s]\nA-b_9 = v\n9 = w\nx=\n", 0, "1 [s]\n2 s.A-b_9=<v>\n3 s.9=<w>\n4 s.x=<>\n");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i], 0, "t line 2: invalid key name (letters, digits, '-' and '_'");
}

/** Error messages never show the key or value of the offending line. */
static void test_messages_never_quote_keys_or_values(void **state)
{
	recorder rec;
	mr_buf err;

	(void)state;
	rec_open(&rec, &err);
	assert_int_equal(run("[s]\nmy.secretkey = hunter2 ;x\n", 0, &rec, &err), -1);
	assert_null(strstr(mr_buf_str(&err), "secretkey"));
	assert_int_equal(run("[s]\npass = hunter2 ;x\n", 0, &rec, &err), -1);
	assert_null(strstr(mr_buf_str(&err), "hunter2"));
	assert_int_equal(run("pass = hunter2\n[s]\n", 0, &rec, &err), -1);
	assert_null(strstr(mr_buf_str(&err), "hunter2"));
	rec_close(&rec, &err);
}

/** A ';' after a blank in a value is refused; inside a word or opening the value it is kept. */
static void test_semicolon_after_blank_in_value_is_an_error(void **state)
{
	(void)state;
	expect_refused("[s]\nk = abc ;def\n", 0, "t line 2: a ';' after a blank inside a value would start a comment");
	expect_refused("[s]\nk = abc\t;def\n", 0, "t line 2: a ';' after a blank");
	/* a ';' inside a word, or opening the value, is kept */
	expect_items("[s]\na = x;y\nb = ;z\nc=;w\n", 0, "1 [s]\n2 s.a=<x;y>\n3 s.b=<;z>\n4 s.c=<;w>\n");
}

/** With MR_INI_INLINE_COMMENTS a ';' after a blank starts a comment, flagged on the item. */
static void test_semicolon_after_blank_starts_a_comment_with_inline_flag(void **state)
{
	(void)state;
	/* as libinih: a ';' after a blank, looking from just after the delimiter, starts a comment */
	expect_items("[s] ; header comment\n"
	             "a = x ; comment\n"
	             "b = x;y\n"
	             "c =   ; only a comment\n"
	             "d=;kept\n"
	             "e = x\t;tab comment\n",
	             MR_INI_INLINE_COMMENTS,
	             "1 [s]\n2 s.a=<x> ;\n3 s.b=<x;y>\n4 s.c=<> ;\n5 s.d=<;kept>\n6 s.e=<x> ;\n");
}

/** Headers need a closing ']', nothing after it but a comment, and a non-empty name without '[' or ';'. */
static void test_section_header_rules(void **state)
{
	(void)state;
	expect_refused("[s\nk = v\n", 0, "t line 1: section header without closing ']'");
	expect_refused("[s] junk\nk = v\n", 0, "t line 1: text after the section header's ']'");
	expect_refused("[s]x\n", MR_INI_INLINE_COMMENTS, "t line 1: text after the section header's ']'");
	expect_refused("[ ]\nk = v\n", 0, "t line 1: empty section name");
	expect_refused("[]\n", 0, "t line 1: empty section name");
	expect_refused("[a[b]\n", 0, "t line 1: invalid section name");
	expect_refused("[a;b]\n", 0, "t line 1: invalid section name");
	expect_refused("[a ;b]\n", MR_INI_INLINE_COMMENTS, "t line 1: invalid section name");
	expect_items("[  rule my-name  ] # comment\n[x=y:z]\n", 0, "1 [rule my-name]\n2 [x=y:z]\n");
}

/** Section names longer than libinih's 49 characters reach the callback whole. */
static void test_long_section_names_are_delivered_whole(void **state)
{
	char text[400];
	char want[400];
	char name[151];

	(void)state;
	memset(name, 'a', 150);
	name[150] = '\0';
	name[60] = '.';
	/* libinih keeps 49 characters of a section name; the callback gets all 150 */
	assert_int_equal(mr_snprintf(text, sizeof(text), "[%s]\nk = v\n", name), 0);
	assert_int_equal(mr_snprintf(want, sizeof(want), "1 [%s]\n2 %s.k=<v>\n", name, name), 0);
	expect_items(text, 0, want);
}

/** A broken line anywhere in the text refuses it before the callback sees any item. */
static void test_first_broken_rule_stops_the_one_pass(void **state)
{
	recorder rec;
	mr_buf err;

	(void)state;
	expect_refused("[s]\na = 1\nb = 2\n[t]\nc = 3\nbroken\n", 0, "t line 6: line without '='");
	/* one pass: the lines before the bad one were delivered, nothing after it */
	rec_open(&rec, &err);
	assert_int_equal(run("[s]\na = 1\nbroken\nb = 2\n", 0, &rec, &err), -1);
	assert_string_equal(mr_buf_str(&rec.seen), "1 [s]\n2 s.a=<1>\n");
	rec_close(&rec, &err);
}

/** Parse len bytes of text, only section (NULL: all), as origin "t"; items to rec->seen, a message to err. */
static int run_buf(const char *text, size_t len, const char *section, unsigned flags, recorder *rec, mr_buf *err)
{
	mr_ini_msg msg = { "t", err, 0 };
	int rc;

	mr_buf_reset(&rec->seen);
	mr_buf_reset(err);
	rec->calls = 0;
	rc = mr_ini_parse_buf(text, len, section, flags, record, rec, &msg);
	assert_int_equal(msg.failed, rc != 0);
	return rc;
}

/** With a section, other sections are skipped unread: a 546-character send= string, keys with spaces, lines
 *  without '=', broken headers, text before the first header; the section's own items keep their line numbers. */
static void test_section_mode_reads_only_the_asked_section(void **state)
{
	char send[547];
	mr_buf text;
	recorder rec;
	mr_buf err;

	(void)state;
	memset(send, 'x', sizeof(send) - 1);
	send[sizeof(send) - 1] = '\0';
	mr_buf_init(&text, 1 << 16);
	(void)mr_buf_printf(&text, "junk before any header\n"
	                           "[check_tcp]\n"
	                           "send=%s\n"
	                           "odd key = with a space\n"
	                           "no equals sign here\n"
	                           "  indented = continuation\n"
	                           "k = a ; b\n"
	                           "[broken header\n"
	                           "[check_snds]\n"
	                           "ip = 192.0.2.1\n"
	                           "[other]\n"
	                           "a:b = c\n"
	                           "[check_snds]\n"
	                           "  feed = status\n",
	                send);
	rec_open(&rec, &err);
	if (run_buf(mr_buf_str(&text), text.len, "check_snds", MR_INI_INDENT_OK, &rec, &err) != 0)
		fail_msg("refused: %s", mr_buf_str(&err));
	assert_string_equal(mr_buf_str(&rec.seen), "9 [check_snds]\n10 check_snds.ip=<192.0.2.1>\n"
	                                           "13 [check_snds]\n14 check_snds.feed=<status>\n");
	/* the same text judged whole is refused at its first line */
	assert_int_equal(run_buf(mr_buf_str(&text), text.len, NULL, MR_INI_INDENT_OK, &rec, &err), -1);
	assert_string_equal(mr_buf_str(&err), "t line 1: line without '=' (expected 'key = value' or a [section] header)");
	/* a section that is not there delivers nothing */
	assert_int_equal(run_buf(mr_buf_str(&text), text.len, "check_jmrp", 0, &rec, &err), 0);
	assert_int_equal(rec.calls, 0);
	rec_close(&rec, &err);
	mr_buf_free(&text);
}

/** Inside the asked section the rules hold, with the line named; a line has no length limit there. */
static void test_section_mode_judges_the_section_without_line_limit(void **state)
{
	static const char *const bad[][2] = {
		{ "[x]\nk=1\n[s]\nodd key = v\n", "t line 4: invalid key name" },
		{ "[x]\nk=1\n[s]\nk = 1\nno equals\n", "t line 5: line without '='" },
		{ "[s]\nk = a ; b\n", "t line 2: a ';' after a blank" },
		{ "[s]\n[x]\n[s]\n a = b\n", "t line 4: indented line" },
	};
	char *big;
	size_t i;
	recorder rec;
	mr_buf err;

	(void)state;
	rec_open(&rec, &err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(run_buf(bad[i][0], strlen(bad[i][0]), "s", 0, &rec, &err), -1);
		if (strncmp(mr_buf_str(&err), bad[i][1], strlen(bad[i][1])) != 0)
			fail_msg("'%s': message '%s', want '%s...'", bad[i][0], mr_buf_str(&err), bad[i][1]);
	}
	/* a 60000-character value arrives whole (the file size bounds the memory, not the line) */
	big = malloc(60100);
	assert_non_null(big);
	memcpy(big, "[s]\nv = ", 8);
	memset(big + 8, 'y', 60000);
	memcpy(big + 60008, "\n", 2);
	assert_int_equal(run_buf(big, strlen(big), "s", 0, &rec, &err), 0);
	assert_int_equal(rec.calls, 2);
	assert_int_equal(rec.seen.len, strlen("1 [s]\n2 s.v=<>\n") + 60000);
	/* judged whole (the suite's own formats) the same line is too long */
	assert_int_equal(run_buf(big, strlen(big), NULL, 0, &rec, &err), -1);
	assert_string_equal(mr_buf_str(&err), "t line 2: line too long (60004 characters, at most 199)");
	free(big);
	rec_close(&rec, &err);
}

/** The (buffer, length) entry: no NUL needed at the end; a NUL byte in a judged line is an error, one in a
 *  skipped section is not; a trailing line without LF and CR LF ends are read. */
static void test_buffer_entry_takes_length_and_bytes(void **state)
{
	static const char skipped[] = "[x]\nk=\0\n[s]\r\nk = v\r\nlast = no newline";
	static const char judged[] = "[s]\nk=a\0b\n";
	static const char unterminated[] = { '[', 's', ']', '\n', 'k', '=', 'v', 'X' };
	recorder rec;
	mr_buf err;

	(void)state;
	rec_open(&rec, &err);
	assert_int_equal(run_buf(skipped, sizeof(skipped) - 1, "s", 0, &rec, &err), 0);
	assert_string_equal(mr_buf_str(&rec.seen), "3 [s]\n4 s.k=<v>\n5 s.last=<no newline>\n");
	assert_int_equal(run_buf(judged, sizeof(judged) - 1, "s", 0, &rec, &err), -1);
	assert_string_equal(mr_buf_str(&err), "t line 2: NUL byte (not a text file?)");
	/* only len bytes are read: the 'X' after them is not part of the value */
	assert_int_equal(run_buf(unterminated, sizeof(unterminated) - 1, NULL, 0, &rec, &err), 0);
	assert_string_equal(mr_buf_str(&rec.seen), "1 [s]\n2 s.k=<v>\n");
	assert_int_equal(run_buf("", 0, "s", 0, &rec, &err), 0);
	assert_int_equal(rec.calls, 0);
	rec_close(&rec, &err);
}

/** A callback returning -1 stops the parse with its message, or a generic one at the item's line. */
static void test_callback_stops_the_parse_with_its_message(void **state)
{
	recorder rec;
	mr_buf err;

	(void)state;
	rec_open(&rec, &err);
	rec.stop_at = 3;
	assert_int_equal(run("[s]\na = 1\nb = 2\nc = 3\n[t]\n", 0, &rec, &err), -1);
	assert_string_equal(mr_buf_str(&err), "t line 3: refused by the test");
	assert_string_equal(mr_buf_str(&rec.seen), "1 [s]\n2 s.a=<1>\n");
	assert_int_equal(rec.calls, 3);
	/* a section start can be refused too */
	rec.stop_at = 1;
	assert_int_equal(run("[s]\na = 1\n", 0, &rec, &err), -1);
	assert_string_equal(mr_buf_str(&err), "t line 1: refused by the test");
	assert_int_equal(rec.calls, 1);
	/* a trailing empty section is delivered too, and can be refused */
	rec.stop_at = 3;
	assert_int_equal(run("[s]\na = 1\n\n[t]\n", 0, &rec, &err), -1);
	assert_string_equal(mr_buf_str(&err), "t line 4: refused by the test");
	/* stopping without a message of its own gives a generic one at the item's line */
	rec.quiet = 1;
	rec.stop_at = 2;
	assert_int_equal(run("[s]\n\na = 1\nb = 2\n", 0, &rec, &err), -1);
	assert_string_equal(mr_buf_str(&err), "t line 3: not accepted");
	rec_close(&rec, &err);
}

/** A NULL text is refused with a message; without a message holder the return code still tells. */
static void test_parse_without_text_or_message_holder(void **state)
{
	recorder rec;
	mr_buf err;
	mr_ini_msg msg = { "t", NULL, 0 };

	(void)state;
	rec_open(&rec, &err);
	msg.err = &err;
	assert_int_equal(mr_ini_parse(NULL, 0, record, &rec, &msg), -1);
	assert_string_equal(mr_buf_str(&err), "t: nothing to parse");
	/* without a message holder the result still tells */
	assert_int_equal(mr_ini_parse("[s]\nbroken\n", 0, record, &rec, NULL), -1);
	assert_int_equal(mr_ini_parse("[s]\nk=v\n", 0, record, &rec, NULL), 0);
	assert_int_equal(rec.calls, 3);
	rec_close(&rec, &err);
}

/* ---- messages and helpers -------------------------------------------------------------------- */

/** mr_ini_fail writes "origin line N: text" (each part optional) and keeps the first message. */
static void test_fail_formats_origin_and_line_and_keeps_the_first(void **state)
{
	mr_buf err;
	mr_ini_msg msg;

	(void)state;
	mr_buf_init(&err, 1024);
	msg = (mr_ini_msg){ "file.ini", &err, 0 };
	mr_ini_fail(&msg, 7, "bad %s", "thing");
	mr_ini_fail(&msg, 9, "second");
	assert_string_equal(mr_buf_str(&err), "file.ini line 7: bad thing");
	assert_int_equal(msg.failed, 1);
	mr_buf_reset(&err);
	msg = (mr_ini_msg){ "file.ini", &err, 0 };
	mr_ini_fail(&msg, 0, "whole file");
	assert_string_equal(mr_buf_str(&err), "file.ini: whole file");
	mr_buf_reset(&err);
	msg = (mr_ini_msg){ NULL, &err, 0 };
	mr_ini_fail(&msg, 3, "no origin");
	assert_string_equal(mr_buf_str(&err), "line 3: no origin");
	mr_buf_reset(&err);
	msg = (mr_ini_msg){ NULL, &err, 0 };
	mr_ini_fail(&msg, 0, "bare");
	assert_string_equal(mr_buf_str(&err), "bare");
	msg = (mr_ini_msg){ "x", NULL, 0 };
	mr_ini_fail(&msg, 1, "nowhere");
	assert_int_equal(msg.failed, 1);
	mr_ini_fail(NULL, 1, "nothing");
	mr_buf_free(&err);
}

/** mr_ini_key_index finds a key in the name list ignoring case; no prefix match, -1 if absent. */
static void test_key_index_ignores_case(void **state)
{
	static const char *const names[] = { "type", "ipv4", "description" };

	(void)state;
	assert_int_equal(mr_ini_key_index("type", names, 3), 0);
	assert_int_equal(mr_ini_key_index("IPv4", names, 3), 1);
	assert_int_equal(mr_ini_key_index("DESCRIPTION", names, 3), 2);
	assert_int_equal(mr_ini_key_index("colour", names, 3), -1);
	assert_int_equal(mr_ini_key_index("typ", names, 3), -1);
	assert_int_equal(mr_ini_key_index("type", names, 0), -1);
}

/** mr_ini_copy_text refuses values too long for the field or holding control bytes, leaving the field. */
static void test_copy_text_checks_length_and_control_characters(void **state)
{
	char field[8];
	mr_buf err;
	mr_ini_msg msg;

	(void)state;
	mr_buf_init(&err, 1024);
	msg = (mr_ini_msg){ "t", &err, 0 };
	assert_int_equal(mr_ini_copy_text(&msg, 4, "kind", "1234567", field, sizeof(field)), 0);
	assert_string_equal(field, "1234567");
	assert_int_equal(mr_ini_copy_text(&msg, 4, "kind", "caf\xC3\xA9", field, sizeof(field)), 0);
	assert_string_equal(field, "caf\xC3\xA9");
	assert_int_equal(msg.failed, 0);
	assert_int_equal(mr_ini_copy_text(&msg, 5, "kind", "12345678", field, sizeof(field)), -1);
	assert_string_equal(mr_buf_str(&err), "t line 5: kind is longer than 7 characters");
	assert_string_equal(field, "caf\xC3\xA9");
	mr_buf_reset(&err);
	msg = (mr_ini_msg){ "t", &err, 0 };
	assert_int_equal(mr_ini_copy_text(&msg, 6, "delist", "a\tb", field, sizeof(field)), -1);
	assert_string_equal(mr_buf_str(&err), "t line 6: delist holds control characters");
	mr_buf_reset(&err);
	msg = (mr_ini_msg){ "t", &err, 0 };
	assert_int_equal(mr_ini_copy_text(&msg, 6, "delist", "a\x7f", field, sizeof(field)), -1);
	assert_string_equal(mr_buf_str(&err), "t line 6: delist holds control characters");
	mr_buf_free(&err);
}

/* ---- file loading ----------------------------------------------------------------------------- */

/** Group setup: the scratch directory of the file tests. */
static int setup_scratch(void **state)
{
	(void)state;
	return scratch_init("test_ini");
}

/** Group teardown: remove the scratch directory with its files. */
static int teardown_scratch(void **state)
{
	(void)state;
	return scratch_remove();
}

/** mr_ini_read_file returns small, empty and larger-than-one-buffer files whole. */
static void test_read_file_gives_the_whole_text(void **state)
{
	mr_buf err;
	char *text;
	char *big;
	size_t i;
	const size_t big_len = 100000;

	(void)state;
	mr_buf_init(&err, 1024);
	text = mr_ini_read_file(scratch_write("small.ini", "[s]\nk = v\n", 10, 0644), MR_INI_FILE_MAX, &err);
	assert_non_null(text);
	assert_string_equal(text, "[s]\nk = v\n");
	mr_ini_text_free(text);
	text = mr_ini_read_file(scratch_write("empty.ini", "", 0, 0644), MR_INI_FILE_MAX, &err);
	assert_non_null(text);
	assert_string_equal(text, "");
	mr_ini_text_free(text);
	/* more than one read buffer's worth */
	big = malloc(big_len);
	assert_non_null(big);
	for (i = 0; i < big_len; i++)
		big[i] = i % 50 == 49 ? '\n' : (char)('a' + i % 26);
	text = mr_ini_read_file(scratch_write("big.ini", big, big_len, 0644), MR_INI_FILE_MAX, &err);
	assert_non_null(text);
	assert_int_equal(strlen(text), big_len);
	assert_memory_equal(text, big, big_len);
	mr_ini_text_free(text);
	free(big);
	assert_string_equal(mr_buf_str(&err), "");
	mr_ini_text_free(NULL);
	mr_buf_free(&err);
}

/** A file of exactly the ceiling is read, one byte more is refused, below and above the read buffer. */
static void test_read_file_enforces_the_ceiling(void **state)
{
	mr_buf err;
	char *text;
	char *big;
	const char *path;
	char want[300];

	(void)state;
	mr_buf_init(&err, 1024);
	path = scratch_write("limit.ini", "0123456789", 10, 0644);
	text = mr_ini_read_file(path, 10, &err);
	assert_non_null(text);
	assert_string_equal(text, "0123456789");
	mr_ini_text_free(text);
	assert_null(mr_ini_read_file(path, 9, &err));
	assert_int_equal(mr_snprintf(want, sizeof(want), "%s: larger than 9 bytes", path), 0);
	assert_string_equal(mr_buf_str(&err), want);
	mr_buf_reset(&err);
	/* a ceiling above the first read buffer: one byte too many is still refused */
	big = malloc(20001);
	assert_non_null(big);
	memset(big, '#', 20001);
	path = scratch_write("big.ini", big, 20001, 0644);
	free(big);
	assert_null(mr_ini_read_file(path, 20000, &err));
	assert_int_equal(mr_snprintf(want, sizeof(want), "%s: larger than 20000 bytes", path), 0);
	assert_string_equal(mr_buf_str(&err), want);
	text = mr_ini_read_file(path, 20001, &err);
	assert_non_null(text);
	assert_int_equal(strlen(text), 20001);
	mr_ini_text_free(text);
	mr_buf_free(&err);
}

/** NUL bytes, a missing file, a directory and a NULL name fail with messages naming the file. */
static void test_read_file_errors_name_the_file(void **state)
{
	mr_buf err;
	char want[300];
	const char *path;

	(void)state;
	mr_buf_init(&err, 1024);
	path = scratch_write("nul.ini", "[s]\nk = v\nx\0y\n", 14, 0644);
	assert_null(mr_ini_read_file(path, MR_INI_FILE_MAX, &err));
	assert_int_equal(mr_snprintf(want, sizeof(want), "%s line 3: NUL byte (not a text file?)", path), 0);
	assert_string_equal(mr_buf_str(&err), want);
	mr_buf_reset(&err);
	path = scratch_path("missing.ini");
	assert_null(mr_ini_read_file(path, MR_INI_FILE_MAX, &err));
	assert_int_equal(mr_snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path), 0);
	assert_string_equal(mr_buf_str(&err), want);
	mr_buf_reset(&err);
	path = scratch_path("dir");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_null(mr_ini_read_file(path, MR_INI_FILE_MAX, &err));
	assert_int_equal(mr_snprintf(want, sizeof(want), "%s: cannot read: ", path), 0);
	assert_int_equal(strncmp(mr_buf_str(&err), want, strlen(want)), 0);
	mr_buf_reset(&err);
	assert_null(mr_ini_read_file(NULL, MR_INI_FILE_MAX, &err));
	assert_string_equal(mr_buf_str(&err), "no file name given");
	mr_buf_free(&err);
}

/** mr_ini_read_fd reads a pipe and names it in its messages ("stdin line 1: NUL byte"). */
static void test_read_fd_reads_a_pipe_under_its_name(void **state)
{
	mr_buf err;
	int fds[2];
	char *text;

	(void)state;
	mr_buf_init(&err, 1024);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "[s]\nk=v\n", 8), 8);
	close(fds[1]);
	text = mr_ini_read_fd(fds[0], "stdin", MR_INI_FILE_MAX, &err);
	close(fds[0]);
	assert_non_null(text);
	assert_string_equal(text, "[s]\nk=v\n");
	mr_ini_text_free(text);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "\0", 1), 1);
	close(fds[1]);
	assert_null(mr_ini_read_fd(fds[0], "stdin", MR_INI_FILE_MAX, &err));
	close(fds[0]);
	assert_string_equal(mr_buf_str(&err), "stdin line 1: NUL byte (not a text file?)");
	mr_buf_free(&err);
}

/** Run the ini reader tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items_arrive_in_file_order_with_line_numbers),
		cmocka_unit_test(test_empty_and_comment_only_texts_give_no_items),
		cmocka_unit_test(test_bom_and_crlf_are_accepted),
		cmocka_unit_test(test_values_are_trimmed_but_not_unquoted),
		cmocka_unit_test(test_line_of_199_characters_is_read_whole),
		cmocka_unit_test(test_line_of_200_characters_is_an_error),
		cmocka_unit_test(test_indented_lines_are_errors),
		cmocka_unit_test(test_indentation_is_ignored_with_indent_ok),
		cmocka_unit_test(test_line_without_equals_is_an_error),
		cmocka_unit_test(test_content_before_the_first_section_is_an_error),
		cmocka_unit_test(test_colon_is_not_a_delimiter),
		cmocka_unit_test(test_colon_delimits_with_colon_flag),
		cmocka_unit_test(test_keys_are_letters_digits_dash_and_underscore),
		cmocka_unit_test(test_messages_never_quote_keys_or_values),
		cmocka_unit_test(test_semicolon_after_blank_in_value_is_an_error),
		cmocka_unit_test(test_semicolon_after_blank_starts_a_comment_with_inline_flag),
		cmocka_unit_test(test_section_header_rules),
		cmocka_unit_test(test_long_section_names_are_delivered_whole),
		cmocka_unit_test(test_first_broken_rule_stops_the_one_pass),
		cmocka_unit_test(test_callback_stops_the_parse_with_its_message),
		cmocka_unit_test(test_section_mode_reads_only_the_asked_section),
		cmocka_unit_test(test_section_mode_judges_the_section_without_line_limit),
		cmocka_unit_test(test_buffer_entry_takes_length_and_bytes),
		cmocka_unit_test(test_parse_without_text_or_message_holder),
		cmocka_unit_test(test_fail_formats_origin_and_line_and_keeps_the_first),
		cmocka_unit_test(test_key_index_ignores_case),
		cmocka_unit_test(test_copy_text_checks_length_and_control_characters),
		cmocka_unit_test(test_read_file_gives_the_whole_text),
		cmocka_unit_test(test_read_file_enforces_the_ceiling),
		cmocka_unit_test(test_read_file_errors_name_the_file),
		cmocka_unit_test(test_read_fd_reads_a_pipe_under_its_name),
	};

	return cmocka_run_group_tests(tests, setup_scratch, teardown_scratch);
}

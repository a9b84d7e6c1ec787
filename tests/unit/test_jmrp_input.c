/* test_jmrp_input.c: unit tests of check_jmrp's mailbox splitting on bytes: the mbox splitter (its messages and
 * keys do not depend on how the bytes arrive, its memory does not grow with a line's length, mboxrd quoting)
 * and the Maildir file name -> key step. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "common/deadline.h"
#include "plugins/jmrp/jmrp_input.h"

/** The messages one read handed over, as "KEY LABEL LEN|WHY" lines, plus the first message's bytes. */
typedef struct got {
	mr_buf log;           /**< one line per message */
	char first[256];      /**< the first message's data (cut), or "" */
	size_t n;             /**< messages */
} got;

/** Reader callback: log the message. */
static int on_msg(void *user, const jmrp_msg *m)
{
	got *g = user;

	if (g->n++ == 0 && m->data != NULL)
		snprintf(g->first, sizeof(g->first), "%.*s", (int)(m->len < 255 ? m->len : 255), m->data);
	assert_int_equal(mr_buf_printf(&g->log, "%s %s %zu %s\n", m->key, m->label, m->len, m->why ? m->why : "-"), 0);
	return 0;
}

/** Start a read into g (initialised here): rc hands every message, whatever its date, to on_msg. */
static void start_read(got *g, jmrp_read_config *rc, jmrp_read_stats *st)
{
	memset(g, 0, sizeof(*g));
	mr_buf_init(&g->log, 1 << 20);
	memset(rc, 0, sizeof(*rc));
	memset(st, 0, sizeof(*st));
	rc->deadline = mr_now() + 60;
	rc->cb = on_msg;
	rc->user = g;
}

/** Split len bytes of mbox text in pieces of chunk bytes into g (initialised here); the reader's result. */
static int split(got *g, const char *text, size_t len, size_t chunk)
{
	jmrp_read_config rc;
	jmrp_read_stats st;
	mr_buf err;
	int r;

	start_read(g, &rc, &st);
	mr_buf_init(&err, 256);
	r = jmrp_read_mbox_buf(text, len, chunk, &rc, &st, &err);
	assert_true(st.listed >= g->n);
	mr_buf_free(&err);
	return r;
}

static const char mbox_text[] =
	"From a@example.org Mon Dec  7 10:00:00 2026\n"
	"Subject: one\n"
	"\n"
	">From the quoted line\n"
	">>From two quotes\n"
	"From not a separator (no blank line before)\n"
	"\n"
	"From b@example.org Mon Dec  7 11:00:00 2026\r\n"
	"Subject: two\r\n"
	"\r\n"
	"body\r\n"
	"\n"
	"From c@example.org Mon Dec  7 12:00:00 2026\n"
	"Subject: three, no newline at the end";

/** Three messages; the mboxrd quoting is undone; a From line without a blank line before stays body. */
static void test_mbox_splits_messages(void **state)
{
	got g;

	(void)state;
	assert_int_equal(split(&g, mbox_text, sizeof(mbox_text) - 1, 0), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.first, "Subject: one\n\nFrom the quoted line\n>From two quotes\n"
	                             "From not a separator (no blank line before)\n\n");
	assert_non_null(strstr(mr_buf_str(&g.log), " message 3 "));
	mr_buf_free(&g.log);
}

/** Fed one byte at a time, or in any other pieces, the messages and their keys are the same. */
static void test_mbox_pieces_do_not_matter(void **state)
{
	got whole, piece;
	size_t chunk;

	(void)state;
	assert_int_equal(split(&whole, mbox_text, sizeof(mbox_text) - 1, 0), 0);
	for (chunk = 1; chunk < 80; chunk++) {
		assert_int_equal(split(&piece, mbox_text, sizeof(mbox_text) - 1, chunk), 0);
		assert_string_equal(mr_buf_str(&piece.log), mr_buf_str(&whole.log));
		assert_string_equal(piece.first, whole.first);
		mr_buf_free(&piece.log);
	}
	mr_buf_free(&whole.log);
}

/** A line of 20 MB (no newline anywhere): the message is too large, the reader's memory stays bounded
 *  (nothing holds a whole line), and the next message is still found. */
static void test_mbox_endless_line(void **state)
{
	static const char head[] = "From a@example.org Mon Dec  7 10:00:00 2026\nSubject: long\n\n";
	static const char tail[] = "\n\nFrom b@example.org Mon Dec  7 11:00:00 2026\nSubject: after\n\nx\n";
	size_t big = 20u << 20, len = sizeof(head) - 1 + big + sizeof(tail) - 1;
	char *text = malloc(len);
	got g;

	(void)state;
	assert_non_null(text);
	memcpy(text, head, sizeof(head) - 1);
	memset(text + sizeof(head) - 1, 'x', big);
	memcpy(text + sizeof(head) - 1 + big, tail, sizeof(tail) - 1);
	assert_int_equal(split(&g, text, len, 65536), 0);
	assert_int_equal(g.n, 2);
	assert_non_null(strstr(mr_buf_str(&g.log), " message 1 0 " JMRP_TOO_LARGE "\n"));
	assert_non_null(strstr(mr_buf_str(&g.log), " message 2 18 -\n"));
	mr_buf_free(&g.log);
	free(text);
}

/** A From_ line longer than the judged start is still a separator, and its tail is not body. */
static void test_mbox_long_from_line(void **state)
{
	mr_buf text;
	got g;
	int i;

	(void)state;
	mr_buf_init(&text, 1 << 16);
	assert_int_equal(mr_buf_puts(&text, "From a@example.org Mon Dec  7 10:00:00 2026 "), 0);
	for (i = 0; i < 5000; i++)
		assert_int_equal(mr_buf_puts(&text, "y"), 0);
	assert_int_equal(mr_buf_puts(&text, "\nSubject: s\n\nbody\n"), 0);
	assert_int_equal(split(&g, text.data, text.len, 100), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.first, "Subject: s\n\nbody\n");
	mr_buf_free(&g.log);
	mr_buf_free(&text);
}

/** Count the files of the Maildir at dir (messages dated now); the number handed over. */
static size_t read_dir(const char *dir, got *g)
{
	jmrp_read_config rc;
	jmrp_read_stats st;
	mr_buf err;

	start_read(g, &rc, &st);
	mr_buf_init(&err, 256);
	assert_int_equal(jmrp_read_maildir(dir, &rc, &st, &err), 0);
	mr_buf_free(&err);
	return g->n;
}

/** Write a file under dir. */
static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/** Files whose names differ only in their flags are one message, in new/ and cur/ alike, and a message met in
 *  new/ is not met again in cur/ (found by fuzz_jmrp_maildir: two such files in new/ were counted twice from the
 *  state file). */
static void test_maildir_counts_a_key_once(void **state)
{
	char dir[] = "/tmp/mr-unit-md.XXXXXX", sub[64], cmd[96];
	got g;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/new", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	put_file(sub, "1.M1.h", "a\n");
	put_file(sub, "1.M1.h:2,S", "b\n");
	put_file(sub, "2.M2.h", "c\n");
	snprintf(sub, sizeof(sub), "%s/cur", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	put_file(sub, "2.M2.h:2,S", "c\n");
	put_file(sub, "3.M3.h:2,", "d\n");
	put_file(sub, "3.M3.h:2,RS", "d\n");
	assert_int_equal(read_dir(dir, &g), 3);
	mr_buf_free(&g.log);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/** Maildir keys: the unique part before the flags; a name that is all flags keys as itself. */
static void test_maildir_keys(void **state)
{
	char key[16];

	(void)state;
	assert_int_equal(jmrp_maildir_key("1.M1.h:2,S", key, sizeof(key)), 0);
	assert_string_equal(key, "1.M1.h");
	assert_int_equal(jmrp_maildir_key("plain", key, sizeof(key)), 0);
	assert_string_equal(key, "plain");
	assert_int_equal(jmrp_maildir_key(":2,S", key, sizeof(key)), 0);
	assert_string_equal(key, ":2,S");
	assert_int_equal(jmrp_maildir_key("", key, sizeof(key)), -1);
	assert_int_equal(jmrp_maildir_key("0123456789abcdef:2,", key, sizeof(key)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbox_splits_messages),
		cmocka_unit_test(test_mbox_pieces_do_not_matter),
		cmocka_unit_test(test_mbox_endless_line),
		cmocka_unit_test(test_mbox_long_from_line),
		cmocka_unit_test(test_maildir_keys),
		cmocka_unit_test(test_maildir_counts_a_key_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_jmrp_state.c: unit tests of check_jmrp's state file on bytes (jmrp_state_read) and through a file: what a
 * good file gives the cache, the window drops old entries, a foreign file drops the whole cache while a bad line
 * is skipped alone, keys of any bytes (empty, blank, tabs, non-UTF-8, overlong) survive a save and a reload, and
 * a written file reads back the same (partial runs keep the entries they did not reach). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <dirent.h>

#include "common/util.h"
#include "jmrp_unit.h"
#include "plugins/jmrp/jmrp_state.h"
#include "unit_util.h"

/** A good state file: a complaint with an address, one without, and an unparsed message. */
static const char good[] =
	"mailrep-jmrp-state 1\n"
	"1700/5\t1000\t2\t192.0.2.1\texample.com\t\t\n"
	"mbox:00ff:12\t2000\t1\t-\t-\t\t\n"
	"cur/x\t3000\t0\t-\t-\tcur/x\tno report part\n";

/** Read bytes into a fresh counter (cfg must outlive it); returns jmrp_state_read's result. */
static int read_bytes(jmrp_counter *c, jmrp_count_config *cfg, const char *buf, size_t len, time_t since,
                      unsigned long *bad)
{
	jmrp_unit_counter(c, cfg);
	return jmrp_state_read(c, buf, len, since, bad);
}

/** A good file fills the cache sorted by key, counted only when its messages are met. */
static void test_good_file_fills_cache(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;
	unsigned long bad = 99;

	(void)state;
	assert_int_equal(read_bytes(&c, &cfg, good, strlen(good), 0, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(c.keep, 1);
	assert_int_equal(c.ncached, 3);
	assert_string_equal(c.v[0].key, "1700/5");
	assert_string_equal(c.v[2].key, "mbox:00ff:12");
	assert_int_equal(c.complaints, 0);
	assert_int_equal(jmrp_counter_known(&c, "1700/5", "UID 5", 1000), 1);
	assert_int_equal(jmrp_counter_known(&c, "mbox:00ff:12", "message 1", 2000), 1);
	assert_int_equal(jmrp_counter_known(&c, "cur/x", "cur/x", 3000), 1);
	assert_int_equal(c.complaints, 2);
	assert_int_equal(c.unparsed, 1);
	assert_string_equal(jmrp_entry_why(c.listed[0]), "no report part");
	jmrp_counter_free(&c);
}

/** Entries that arrived before the window are dropped; a last line without '\n' is read. */
static void test_window_drops_old_entries(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;
	unsigned long bad;

	(void)state;
	assert_int_equal(read_bytes(&c, &cfg, good, strlen(good) - 1, 2000, &bad), 0);
	assert_int_equal(c.ncached, 2);
	assert_int_equal(jmrp_counter_known(&c, "1700/5", "UID 5", 1000), 0);
	jmrp_counter_free(&c);
}

/** A file without the magic first line is foreign: -1, the cache dropped, *bad the line (0 for an empty file). */
static void test_foreign_files(void **state)
{
	static const struct { const char *text; unsigned long line; } cases[] = {
		{ "", 0 },
		{ "mailrep-jmrp-state 2\n", 1 },
		{ "mailrep-jmrp-state 2\nk\t1\t2\t-\t-\t\t\n", 1 },
		{ "\nmailrep-jmrp-state 1\nk\t1\t2\t-\t-\t\t\n", 1 },
	};
	jmrp_count_config cfg;
	jmrp_counter c;
	unsigned long bad;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(read_bytes(&c, &cfg, cases[i].text, strlen(cases[i].text), 0, &bad), -1);
		if (bad != cases[i].line)
			fail_msg("case %zu: line %lu", i, bad);
		assert_int_equal(c.ncached, 0);
		jmrp_counter_free(&c);
	}
}

/** Each kind of damage in one line skips that line only: the good lines before and after it stay. */
static void test_bad_lines_are_skipped(void **state)
{
	static const char *const bad_lines[] = {
		"k\t1\t2\t-\t-\t\n",                /* six fields */
		"\t1\t2\t-\t-\t\t\n",               /* empty key (issue 12) */
		"a b\t1\t2\t-\t-\t\t\n",             /* a key the writer never makes: blank inside */
		"\xc3\xa9\t1\t2\t-\t-\t\t\n",           /* ... or a byte outside printable ASCII */
		"k\t1x\t2\t-\t-\t\t\n",             /* arrival */
		"k\t1\t4\t-\t-\t\t\n",              /* kind */
		"k\t1\t2\t192.0.2.300\t-\t\t\n",    /* address */
		"\n",                                /* empty line */
	};
	jmrp_count_config cfg;
	jmrp_counter c;
	unsigned long bad;
	char buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		assert_int_equal(mr_snprintf(buf, sizeof(buf), "mailrep-jmrp-state 1\nbefore\t5\t2\t-\t-\t\t\n%s"
		                             "after\t6\t1\t192.0.2.7\t-\t\t\n", bad_lines[i]), 0);
		if (read_bytes(&c, &cfg, buf, strlen(buf), 0, &bad) != 0 || bad != 3)
			fail_msg("case %zu: bad line %lu", i, bad);
		assert_int_equal(c.ncached, 2);
		assert_int_equal(jmrp_counter_known(&c, "before", "before", 5), 1);
		assert_int_equal(jmrp_counter_known(&c, "after", "after", 6), 1);
		assert_int_equal(c.complaints, 2);
		jmrp_counter_free(&c);
	}
	/* the same key twice is read (the writer never makes it) */
	assert_int_equal(mr_snprintf(buf, sizeof(buf), "mailrep-jmrp-state 1\nk\t1\t2\t-\t-\t\t\nk\t1\t2\t-\t-\t\t"), 0);
	assert_int_equal(read_bytes(&c, &cfg, buf, strlen(buf), 0, &bad), 0);
	assert_int_equal(bad, 0);
	jmrp_counter_free(&c);
}

/** A NUL byte inside a line and a line longer than the writer ever writes are skipped, the next line is read. */
static void test_nul_and_overlong_lines(void **state)
{
	static const char nul[] = "mailrep-jmrp-state 1\nk\t1\t2\t-\0\t-\t\t\nm\t1\t2\t-\t-\t\t\n";
	char *big = malloc(100000);
	jmrp_count_config cfg;
	jmrp_counter c;
	unsigned long bad;
	int n;

	(void)state;
	assert_non_null(big);
	assert_int_equal(read_bytes(&c, &cfg, nul, sizeof(nul) - 1, 0, &bad), 0);
	assert_int_equal(bad, 2);
	assert_int_equal(c.ncached, 1);
	jmrp_counter_free(&c);
	n = snprintf(big, 100000, "mailrep-jmrp-state 1\n");
	memset(big + n, 'a', 90000); /* far over the line bound: not kept in memory, skipped */
	n += 90000;
	n += snprintf(big + n, 100000 - (size_t)n, "\nm\t1\t2\t-\t-\t\t\n");
	assert_int_equal(read_bytes(&c, &cfg, big, (size_t)n, 0, &bad), 0);
	assert_int_equal(bad, 2);
	assert_int_equal(c.ncached, 1);
	assert_int_equal(jmrp_counter_known(&c, "m", "m", 1), 1);
	jmrp_counter_free(&c);
	free(big);
}

/** Keys of any bytes (issue 12: a Maildir name that cleans to nothing) are stored escaped: a save and a load give
 *  back every one of them, distinct, with no note; the file holds no raw tab, line break or empty key. */
static void test_odd_keys_round_trip(void **state)
{
	char longkey[300], longkey2[300], k[JMRP_KEY_MAX];
	const char *keys[] = {
		"\t", " ", "  ", "", "\n", "\r", "a b", "a\tb", "a\nb", "a?b", "a%20b", "a%09b", "#x", "%",
		"caf\xc3\xa9", "caf\xe9", "\x01\x7f", longkey, longkey2, "cur/1700000000.M1P2.host:2,S",
	};
	size_t nkeys = sizeof(keys) / sizeof(keys[0]);
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_buf err;
	const char *path = scratch_path("odd-keys");
	char *text = calloc(1, 65536);
	FILE *f;

	(void)state;
	assert_non_null(text);
	memset(longkey, 'x', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	memcpy(longkey2, longkey, sizeof(longkey));
	longkey2[250] = 'y'; /* same first 250 bytes: must not collide */
	mr_buf_init(&err, 1024);
	jmrp_unit_counter(&c, &cfg);
	jmrp_state_load(&c, path, 0);
	for (size_t i = 0; i < nkeys; i++)
		jmrp_unit_feed(&c, keys[i], "192.0.2.1", "example.com", 1000 + (time_t)i);
	assert_int_equal(c.n, nkeys);
	assert_int_equal(jmrp_state_save(&c, path, 0, &err), 0);
	jmrp_counter_free(&c);

	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(text, 1, 65535, f) > 0);
	fclose(f);
	assert_null(strstr(text, "\n\t")); /* no empty key */
	for (const char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1)
		for (const char *p = line; *p != '\t'; p++)
			if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
				fail_msg("raw byte 0x%02x in a stored key", (unsigned char)*p);

	jmrp_unit_counter(&c, &cfg);
	jmrp_state_load(&c, path, 0);
	assert_string_equal(c.state_note, "");
	assert_int_equal(c.ncached, nkeys);
	for (size_t i = 0; i < nkeys; i++)
		if (jmrp_counter_known(&c, keys[i], "label", 1000 + (time_t)i) != 1)
			fail_msg("key %zu not known after the reload", i);
	assert_int_equal(c.complaints, nkeys);
	jmrp_counter_free(&c);

	jmrp_key_escape(k, "a b");
	assert_string_equal(k, "a%20b");
	jmrp_key_escape(k, "a%20b");
	assert_string_equal(k, "a%2520b");
	jmrp_key_escape(k, "cur/x:2,S");
	assert_string_equal(k, "cur/x:2,S");
	jmrp_key_escape(k, "");
	assert_string_equal(k, "#cbf29ce484222325:0");
	jmrp_key_escape(k, longkey);
	assert_int_equal(k[0], '#');
	assert_non_null(strstr(k, ":299"));
	free(text);
	mr_buf_free(&err);
	unlink(path);
}

/** A report that is no complaint (kind 3) keeps its kind through a save and a load: counted apart again. */
static void test_other_report_round_trip(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_buf err;
	const char *path = scratch_path("other");

	(void)state;
	mr_buf_init(&err, 1024);
	jmrp_unit_counter(&c, &cfg);
	jmrp_state_load(&c, path, 0);
	jmrp_unit_feed_typed(&c, "dmarc", "auth-failure", "192.0.2.4", "example.com", 100);
	jmrp_unit_feed(&c, "fbl", "192.0.2.5", "example.com", 100);
	assert_int_equal(c.other, 1);
	assert_int_equal(c.complaints, 1);
	assert_int_equal(jmrp_state_save(&c, path, 0, &err), 0);
	jmrp_counter_free(&c);
	jmrp_unit_counter(&c, &cfg);
	jmrp_state_load(&c, scratch_path("other"), 0);
	assert_string_equal(c.state_note, "");
	assert_int_equal(jmrp_counter_known(&c, "dmarc", "dmarc", 100), 1);
	assert_int_equal(jmrp_counter_known(&c, "fbl", "fbl", 100), 1);
	assert_int_equal(c.other, 1);
	assert_int_equal(c.complaints, 1);
	jmrp_counter_free(&c);
	mr_buf_free(&err);
	unlink(scratch_path("other"));
}

/** Number of entries of the scratch directory whose name starts with prefix. */
static int count_prefixed(const char *prefix)
{
	DIR *d = opendir(scratch_path("."));
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/** The state file is written through a fresh temporary file (mkstemp): a file or a link in the way under the old
 *  predictable name (PATH.tmp.PID) is neither followed nor changed, and no temporary file is left. */
static void test_save_uses_a_fresh_temporary_file(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_buf err;
	char path[512], trap[600], victim[512], link_[600];
	FILE *f;

	(void)state;
	assert_int_equal(mr_snprintf(path, sizeof(path), "%s", scratch_path("tmpstate")), 0);
	assert_int_equal(mr_snprintf(victim, sizeof(victim), "%s", scratch_path("victim")), 0);
	assert_int_equal(mr_snprintf(trap, sizeof(trap), "%s.tmp.%ld", path, (long)getpid()), 0);
	assert_int_equal(mr_snprintf(link_, sizeof(link_), "%s.link", path), 0);
	f = fopen(victim, "w");
	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);
	assert_int_equal(symlink(victim, trap), 0);
	mr_buf_init(&err, 1024);
	jmrp_unit_counter(&c, &cfg);
	jmrp_state_load(&c, path, 0);
	jmrp_unit_feed(&c, "k1", "192.0.2.1", "example.com", 1000);
	assert_int_equal(jmrp_state_save(&c, path, 0, &err), 0);
	jmrp_counter_free(&c);
	f = fopen(victim, "r");
	assert_non_null(f);
	assert_non_null(fgets(link_, sizeof(link_), f));
	fclose(f);
	assert_string_equal(link_, "precious\n");
	assert_int_equal(unlink(trap), 0);
	assert_int_equal(count_prefixed("tmpstate"), 1); /* no temporary file left */
	unlink(victim);
	unlink(path);
	mr_buf_free(&err);
}

/** Save writes the entries met in this run; a partial save also keeps the cached ones not reached; what is written
 *  reads back to the same entries; a missing file leaves no note and an unreadable path one. */
static void test_save_and_load_round_trip(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;
	unsigned long bad;
	mr_buf err;
	const char *path = scratch_path("state");
	char *text;
	size_t len;
	FILE *f;

	(void)state;
	mr_buf_init(&err, 1024);
	assert_int_equal(read_bytes(&c, &cfg, good, strlen(good), 0, &bad), 0);
	assert_int_equal(jmrp_counter_known(&c, "cur/x", "new/x", 3000), 1); /* met under another label */
	jmrp_unit_feed(&c, "n1", "192.0.2.9", "Example.ORG", 4000);
	assert_int_equal(jmrp_state_save(&c, path, 0, &err), 0);
	jmrp_counter_free(&c);
	f = fopen(path, "r");
	assert_non_null(f);
	text = calloc(1, 4096);
	assert_non_null(text);
	len = fread(text, 1, 4095, f);
	fclose(f);
	assert_string_equal(text, "mailrep-jmrp-state 1\n"
	                          "cur/x\t3000\t0\t-\t-\tnew/x\tno report part\n"
	                          "n1\t4000\t2\t192.0.2.9\texample.org\t\t\n");
	/* partial: the cached entries not met stay */
	assert_int_equal(read_bytes(&c, &cfg, text, len, 0, &bad), 0);
	assert_int_equal(jmrp_counter_known(&c, "n1", "n1", 4000), 1);
	assert_int_equal(jmrp_state_save(&c, path, 1, &err), 0);
	jmrp_counter_free(&c);
	jmrp_unit_counter(&c, &cfg);
	jmrp_state_load(&c, path, 0);
	assert_string_equal(c.state_note, "");
	assert_int_equal(c.ncached, 2);
	jmrp_counter_free(&c);
	jmrp_unit_counter(&c, &cfg);
	jmrp_state_load(&c, scratch_path("missing"), 0);
	assert_string_equal(c.state_note, "");
	assert_int_equal(c.keep, 1);
	jmrp_counter_free(&c);
	jmrp_unit_counter(&c, &cfg);
	jmrp_state_load(&c, scratch_path("state/below"), 0);
	assert_non_null(strstr(c.state_note, "unreadable (Not a directory): ignored"));
	jmrp_counter_free(&c);
	assert_int_equal(jmrp_state_save(&c, scratch_path("none/state"), 0, &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "cannot write state file"));
	free(text);
	mr_buf_free(&err);
	unlink(path);
}

/** Found by fuzz/fuzz_jmrp_state (input in fuzz/corpus/fuzz_jmrp_state/finding-empty-key): keys that cleaning
 *  would empty or change (a Maildir name of blanks, a tab or a control byte) are stored escaped, so the file
 *  the run writes reads back whole instead of being condemned as corrupt at the next run. */
static void test_keys_changed_by_cleaning_read_back(void **state)
{
	static const char blank_key[] = "mailrep-jmrp-state 1\n \t5000\t2\t-\t-\t\t\nk\t5000\t2\t-\t-\t\t\n";
	jmrp_count_config cfg;
	jmrp_counter c;
	unsigned long bad;
	mr_buf err;
	const char *path = scratch_path("state-keys");

	(void)state;
	mr_buf_init(&err, 1024);
	/* a state file holding a blank key: that line is skipped, the rest is kept */
	assert_int_equal(read_bytes(&c, &cfg, blank_key, strlen(blank_key), 0, &bad), 0);
	assert_int_equal(c.ncached, 1);
	assert_int_equal(jmrp_counter_known(&c, "k", "k", 5000), 1);
	assert_int_equal(jmrp_counter_known(&c, " ", " ", 5000), 0);
	jmrp_unit_feed(&c, "  ", "192.0.2.1", "example.com", 6000);
	jmrp_unit_feed(&c, "a\tb", "192.0.2.2", "example.com", 6000);
	jmrp_unit_feed(&c, "c\001d", "192.0.2.3", "example.com", 6000);
	jmrp_unit_feed(&c, "good", "192.0.2.4", "example.com", 6000);
	assert_int_equal(c.complaints, 5); /* "k" from the file and the four */
	assert_int_equal(jmrp_state_save(&c, path, 1, &err), 0);
	jmrp_counter_free(&c);
	jmrp_unit_counter(&c, &cfg);
	jmrp_state_load(&c, path, 0);
	assert_string_equal(c.state_note, "");
	assert_int_equal(c.ncached, 5);
	assert_int_equal(jmrp_counter_known(&c, "good", "good", 6000), 1);
	assert_int_equal(jmrp_counter_known(&c, "  ", "  ", 6000), 1);
	assert_int_equal(jmrp_counter_known(&c, "a\tb", "a", 6000), 1);
	assert_int_equal(jmrp_counter_known(&c, "c\001d", "c", 6000), 1);
	assert_int_equal(jmrp_counter_known(&c, "c?d", "c", 6000), 0); /* escaping keeps keys apart */
	jmrp_counter_free(&c);
	mr_buf_free(&err);
	unlink(path);
}

/** Group setup: GMime and a scratch directory. */
static int group_setup(void **state)
{
	jmrp_unit_setup(state);
	return scratch_init("test_jmrp_state");
}

/** Group teardown. */
static int group_teardown(void **state)
{
	jmrp_unit_teardown(state);
	return scratch_remove();
}

/** Run the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file_fills_cache),
		cmocka_unit_test(test_window_drops_old_entries),
		cmocka_unit_test(test_foreign_files),
		cmocka_unit_test(test_bad_lines_are_skipped),
		cmocka_unit_test(test_nul_and_overlong_lines),
		cmocka_unit_test(test_odd_keys_round_trip),
		cmocka_unit_test(test_save_uses_a_fresh_temporary_file),
		cmocka_unit_test(test_other_report_round_trip),
		cmocka_unit_test(test_save_and_load_round_trip),
		cmocka_unit_test(test_keys_changed_by_cleaning_read_back),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

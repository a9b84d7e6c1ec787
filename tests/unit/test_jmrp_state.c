/* test_jmrp_state.c: unit tests of check_jmrp's state file on bytes (jmrp_state_read) and through a file: what a
 * good file gives the cache, the window drops old entries, every kind of corruption drops the whole cache, and a
 * written file reads back the same (partial runs keep the entries they did not reach). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

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

/** Each kind of damage makes the file corrupt at its line, and the cache is dropped. */
static void test_corrupt_files(void **state)
{
	static const struct { const char *text; unsigned long line; } cases[] = {
		{ "", 0 },
		{ "mailrep-jmrp-state 2\n", 1 },
		{ "mailrep-jmrp-state 1\nk\t1\t2\t-\t-\t\n", 2 },                /* six fields */
		{ "mailrep-jmrp-state 1\n\t1\t2\t-\t-\t\t\n", 2 },               /* empty key */
		{ "mailrep-jmrp-state 1\nk\t1x\t2\t-\t-\t\t\n", 2 },             /* arrival */
		{ "mailrep-jmrp-state 1\nk\t1\t3\t-\t-\t\t\n", 2 },              /* kind */
		{ "mailrep-jmrp-state 1\nk\t1\t2\t192.0.2.300\t-\t\t\n", 2 },    /* address */
		{ "mailrep-jmrp-state 1\nk\t1\t2\t-\t-\t\t\nk\t1\t2\t-\t-\t\t", 2 }, /* same key twice is fine ... */
	};
	jmrp_count_config cfg;
	jmrp_counter c;
	unsigned long bad;

	(void)state;
	for (size_t i = 0; i + 1 < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(read_bytes(&c, &cfg, cases[i].text, strlen(cases[i].text), 0, &bad), -1);
		if (bad != cases[i].line)
			fail_msg("case %zu: line %lu", i, bad);
		assert_int_equal(c.ncached, 0);
		jmrp_counter_free(&c);
	}
	/* ... for the reader (the writer never makes it) */
	assert_int_equal(read_bytes(&c, &cfg, cases[7].text, strlen(cases[7].text), 0, &bad), 0);
	jmrp_counter_free(&c);
}

/** A NUL byte inside a line and a line longer than the writer ever writes are corrupt. */
static void test_nul_and_overlong_lines(void **state)
{
	static const char nul[] = "mailrep-jmrp-state 1\nk\t1\t2\t-\0\t-\t\t\n";
	char *big = malloc(5000);
	jmrp_count_config cfg;
	jmrp_counter c;
	unsigned long bad;
	int n;

	(void)state;
	assert_non_null(big);
	assert_int_equal(read_bytes(&c, &cfg, nul, sizeof(nul) - 1, 0, &bad), -1);
	assert_int_equal(bad, 2);
	jmrp_counter_free(&c);
	n = snprintf(big, 5000, "mailrep-jmrp-state 1\n");
	memset(big + n, 'a', 2049);
	big[n + 2049] = '\n';
	assert_int_equal(read_bytes(&c, &cfg, big, (size_t)n + 2050, 0, &bad), -1);
	assert_int_equal(bad, 2);
	jmrp_counter_free(&c);
	free(big);
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
 *  empties or changes (a Maildir name of blanks, a tab or a control byte) are counted but never written, so the
 *  file the run writes reads back whole instead of being condemned as corrupt at the next run. */
static void test_keys_changed_by_cleaning_are_not_written(void **state)
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
	/* messages whose keys cleaning changes: counted, not remembered */
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
	assert_int_equal(c.ncached, 2);
	assert_int_equal(jmrp_counter_known(&c, "good", "good", 6000), 1);
	assert_int_equal(jmrp_counter_known(&c, "c\001d", "c", 6000), 0);
	assert_int_equal(jmrp_counter_known(&c, "c?d", "c", 6000), 0);
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
		cmocka_unit_test(test_corrupt_files),
		cmocka_unit_test(test_nul_and_overlong_lines),
		cmocka_unit_test(test_save_and_load_round_trip),
		cmocka_unit_test(test_keys_changed_by_cleaning_are_not_written),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

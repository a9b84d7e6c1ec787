/* test_secret.c: unit tests of the secret registry, masking and secret files (common/secret.c). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
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

#include "common/secret.h"
#include "common/trace.h"
#include "common/util.h"
#include "tests/unit/unit_util.h"

/** scratch_write for a string literal (which may hold NUL bytes). */
#define WRITE_LIT(name, lit, mode) scratch_write((name), (lit), sizeof(lit) - 1, (mode))

/** Group setup: a fresh scratch directory. */
static int setup_dir(void **state)
{
	(void)state;
	return scratch_init("test_secret");
}

/** Group teardown: remove the scratch directory and its files. */
static int remove_dir(void **state)
{
	(void)state;
	return scratch_remove();
}

/** Per-test setup: an empty registry. */
static int clear_registry(void **state)
{
	(void)state;
	mr_secret_clear();
	return 0;
}

/** Mask a copy of text and return it (static buffer). */
static const char *masked(const char *text)
{
	static char buf[512];
	size_t len = strlen(text);
	size_t n;

	assert_true(len < sizeof(buf));
	memcpy(buf, text, len + 1);
	n = mr_secret_mask(buf, len);
	assert_int_equal(n, strlen(buf));
	return buf;
}

/** NULL, empty and secrets under 4 characters are refused (never masked); 4 characters are enough. */
static void test_register_refuses_short_or_null_secrets(void **state)
{
	(void)state;
	assert_int_equal(mr_secret_register(NULL), -1);
	assert_int_equal(mr_secret_register(""), -1);
	assert_int_equal(mr_secret_register("abc"), -1);
	assert_string_equal(masked("abc abc"), "abc abc");
	assert_int_equal(mr_secret_register("abcd"), 0);
	assert_string_equal(masked("abc abcd"), "abc ***");
}

/** Every occurrence becomes "***" and the returned length is that of the shorter text. */
static void test_mask_replaces_every_occurrence_and_shrinks(void **state)
{
	char buf[64] = "key=hunter22 again hunter22!";
	size_t n;

	(void)state;
	assert_int_equal(mr_secret_register("hunter22"), 0);
	n = mr_secret_mask(buf, strlen(buf));
	assert_string_equal(buf, "key=*** again ***!");
	assert_int_equal(n, strlen("key=*** again ***!"));
}

/** Back-to-back occurrences, a text that is only the secret and a partial match at the end; case matters. */
static void test_mask_handles_adjacent_and_edge_occurrences(void **state)
{
	(void)state;
	assert_int_equal(mr_secret_register("SeCr"), 0);
	assert_string_equal(masked("SeCrSeCr"), "******");
	assert_string_equal(masked("SeCr"), "***");
	assert_string_equal(masked("xSeC"), "xSeC");
	assert_string_equal(masked("secr"), "secr"); /* case matters */
	assert_string_equal(masked(""), "");
}

/** With no secret registered the text stays as it is; NULL masks to length 0. */
static void test_mask_without_secrets_changes_nothing(void **state)
{
	char buf[] = "nothing to hide";

	(void)state;
	assert_int_equal(mr_secret_mask(buf, strlen(buf)), strlen("nothing to hide"));
	assert_string_equal(buf, "nothing to hide");
	assert_int_equal(mr_secret_mask(NULL, 5), 0);
}

/** A secret containing a shorter registered one is masked whole, whatever the order of registration. */
static void test_mask_masks_the_longer_secret_as_a_whole(void **state)
{
	(void)state;
	/* registered short first: masking it first would leave "xx***yy" showing parts of the long one */
	assert_int_equal(mr_secret_register("abcd"), 0);
	assert_int_equal(mr_secret_register("xxabcdyy"), 0);
	assert_string_equal(masked("[xxabcdyy] [abcd]"), "[***] [***]");
}

/** Only the first len bytes are masked and the result is NUL-terminated at its new length. */
static void test_mask_only_looks_at_len_bytes(void **state)
{
	char buf[32] = "ab 1234 | 1234";
	size_t n;

	(void)state;
	assert_int_equal(mr_secret_register("1234"), 0);
	n = mr_secret_mask(buf, 7); /* "ab 1234" */
	assert_int_equal(n, 6);
	assert_memory_equal(buf, "ab ***", 6);
	assert_int_equal(buf[6], '\0');
}

/** A duplicate takes no slot; a 33rd distinct secret is refused and the 32 registered stay masked. */
static void test_register_ignores_duplicates_and_caps_at_32(void **state)
{
	char s[16];
	int i;

	(void)state;
	for (i = 0; i < 32; i++) {
		assert_int_equal(mr_snprintf(s, sizeof(s), "secret-%02d", i), 0);
		assert_int_equal(mr_secret_register(s), 0);
	}
	assert_int_equal(mr_secret_register("secret-00"), 0); /* already there: no new slot */
	assert_int_equal(mr_secret_register("one-too-many"), -1);
	assert_string_equal(masked("secret-31 one-too-many"), "*** one-too-many");
}

/** mr_secret_clear empties the registry: the text is no longer masked. */
static void test_clear_forgets_all_secrets(void **state)
{
	(void)state;
	assert_int_equal(mr_secret_register("forget-me"), 0);
	assert_string_equal(masked("forget-me"), "***");
	mr_secret_clear();
	assert_string_equal(masked("forget-me"), "forget-me");
}

/** A secret file gives its first line without trailing blanks, registered for masking; 0600 is not loose. */
static void test_read_file_returns_first_line_trimmed_and_registers_it(void **state)
{
	const char text[] = "dqs-key-0123456789 \t\r\nsecond line\n";
	const char *path = scratch_write("key", text, sizeof(text) - 1, 0600);
	mr_buf err;
	int loose = -1;
	char *s;

	(void)state;
	mr_buf_init(&err, 1024);
	s = mr_secret_read_file(path, &loose, &err);
	assert_non_null(s);
	assert_string_equal(s, "dqs-key-0123456789");
	assert_int_equal(loose, 0);
	assert_string_equal(masked("url?key=dqs-key-0123456789&x"), "url?key=***&x");
	mr_secret_free(s);
	mr_buf_free(&err);
}

/** A file without a final newline and a CRLF line are read whole, inner blanks kept. */
static void test_read_file_without_newline_and_with_crlf(void **state)
{
	mr_buf err;
	char *s;

	(void)state;
	mr_buf_init(&err, 1024);
	s = mr_secret_read_file(WRITE_LIT("nonl", "abcdef", 0400), NULL, &err);
	assert_non_null(s);
	assert_string_equal(s, "abcdef");
	mr_secret_free(s);
	s = mr_secret_read_file(WRITE_LIT("crlf", "with space inside\r\n", 0600), NULL, &err);
	assert_non_null(s);
	assert_string_equal(s, "with space inside");
	mr_secret_free(s);
	mr_buf_free(&err);
}

/** The advised root:nagios 0640 (group-readable) is not loose; a world-readable file is, and so is a file whose
 *  owner is neither root nor the running user (checked when the test may chown, as root). */
static void test_read_file_reports_loose_permissions(void **state)
{
	const char *path;
	mr_buf err;
	int loose = -1;
	char *s;

	(void)state;
	mr_buf_init(&err, 1024);
	s = mr_secret_read_file(WRITE_LIT("group", "group-readable\n", 0640), &loose, &err);
	assert_non_null(s);
	assert_int_equal(loose, 0);
	mr_secret_free(s);
	s = mr_secret_read_file(WRITE_LIT("other", "world-readable\n", 0604), &loose, &err);
	assert_non_null(s);
	assert_int_equal(loose, MR_SECRET_LOOSE_OTHERS);
	mr_secret_free(s);
	s = mr_secret_read_file(WRITE_LIT("all", "all-readable\n", 0644), &loose, &err);
	assert_non_null(s);
	assert_int_equal(loose, MR_SECRET_LOOSE_OTHERS);
	mr_secret_free(s);
	if (geteuid() == 0) {
		path = WRITE_LIT("owner", "someone-else\n", 0600);
		assert_int_equal(chown(path, 65534, 0), 0);
		s = mr_secret_read_file(path, &loose, &err);
		assert_non_null(s);
		assert_int_equal(loose, MR_SECRET_LOOSE_OWNER);
		mr_secret_free(s);
	}
	mr_buf_free(&err);
}

/** Expect mr_secret_read_file(path) to fail with an error containing what that never names path (it may be a
 *  secret given where a file name belongs) nor never (the content). */
static void expect_read_error(const char *path, const char *what, const char *never)
{
	mr_buf err;
	char *s;

	mr_buf_init(&err, 1024);
	s = mr_secret_read_file(path, NULL, &err);
	assert_null(s);
	if (strstr(mr_buf_str(&err), what) == NULL)
		fail_msg("error '%s' should say '%s'", mr_buf_str(&err), what);
	if (strstr(mr_buf_str(&err), path) != NULL || strstr(mr_buf_str(&err), scratch_path("")) != NULL)
		fail_msg("error '%s' names the path", mr_buf_str(&err));
	if (never != NULL && strstr(mr_buf_str(&err), never) != NULL)
		fail_msg("error '%s' shows the content", mr_buf_str(&err));
	mr_buf_free(&err);
}

/** Unreadable, empty, blank, control/NUL, too short or too long files fail naming neither path nor content. */
static void test_read_file_errors_name_neither_path_nor_content(void **state)
{
	char big[MR_SECRET_MAX + 2];
	const char *p;

	(void)state;
	expect_read_error(scratch_path("missing"), "cannot open the file given: No such file or directory", NULL);
	expect_read_error("hunter2secret", "cannot open the file given", "hunter2secret");
	expect_read_error(WRITE_LIT("empty", "", 0600), "empty", NULL);
	expect_read_error(WRITE_LIT("blank", " \t\r\nsecond-line-secret\n", 0600), "empty",
	                  "second-line-secret");
	expect_read_error(WRITE_LIT("ctrl", "topsecret\x01zz\n", 0600), "control", "topsecret");
	expect_read_error(WRITE_LIT("nul", "topsecret\0zz\n", 0600), "NUL", "topsecret");
	expect_read_error(WRITE_LIT("short", "abc\n", 0600), "shorter", NULL);
	memset(big, 'k', sizeof(big));
	expect_read_error(scratch_write("big", big, MR_SECRET_MAX + 1, 0600), "larger", NULL);
	p = scratch_write("max", big, MR_SECRET_MAX, 0600);
	{
		mr_buf err;
		char *s;

		mr_buf_init(&err, 1024);
		s = mr_secret_read_file(p, NULL, &err);
		assert_non_null(s);
		assert_int_equal(strlen(s), MR_SECRET_MAX);
		mr_secret_free(s);
		mr_buf_free(&err);
	}
}

/** Symbolic links, directories and FIFOs are refused (a FIFO without hanging). */
static void test_read_file_refuses_symlinks_directories_and_fifos(void **state)
{
	char target[512];
	const char *p;

	(void)state;
	assert_int_equal(mr_snprintf(target, sizeof(target), "%s", WRITE_LIT("real", "real-secret\n", 0600)), 0);
	p = scratch_path("link");
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
	expect_read_error(p, "symbolic link", "real-secret");
	p = scratch_path("subdir");
	assert_int_equal(mkdir(p, 0700), 0);
	expect_read_error(p, "not a regular file", NULL);
	p = scratch_path("fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	expect_read_error(p, "not a regular file", NULL); /* and it does not hang */
}

/** mr_secret_free takes NULL and a heap string. */
static void test_secret_free_accepts_null(void **state)
{
	(void)state;
	mr_secret_free(NULL);
	mr_secret_free(mr_strdup("wipe-me"));
}

/** mr_wipe zeroes exactly n bytes and accepts NULL. */
static void test_wipe_zeroes_n_bytes(void **state)
{
	char buf[8] = "abcdefg";

	(void)state;
	mr_wipe(buf + 1, 5);
	assert_memory_equal(buf, "a\0\0\0\0\0g", 8);
	mr_wipe(NULL, 5);
	mr_wipe(buf, 0);
	assert_int_equal(buf[0], 'a');
}

/** A trace line longer than the kept length is masked before it is cut: no piece of a secret survives the cut. */
static void test_trace_masks_a_secret_that_a_long_line_cut_would_split(void **state)
{
	const char *secret = "tr4ce-secret-token-value";
	char line[3000];
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	(void)state;
	assert_int_equal(mr_secret_register(secret), 0);
	/* the secret starts a few bytes before the 2047-byte cut of a trace line */
	memset(line, 'x', sizeof(line));
	memcpy(line + 2040, secret, strlen(secret));
	line[sizeof(line) - 1] = '\0';
	mr_trace("%s", line);
	f = open_memstream(&out, &outlen);
	assert_non_null(f);
	mr_trace_flush(f);
	fclose(f);
	assert_non_null(out);
	assert_null(strstr(out, "tr4ce"));
	assert_non_null(strstr(out, "xxx***xxx"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_register_refuses_short_or_null_secrets, clear_registry),
		cmocka_unit_test_setup(test_mask_replaces_every_occurrence_and_shrinks, clear_registry),
		cmocka_unit_test_setup(test_mask_handles_adjacent_and_edge_occurrences, clear_registry),
		cmocka_unit_test_setup(test_mask_without_secrets_changes_nothing, clear_registry),
		cmocka_unit_test_setup(test_mask_masks_the_longer_secret_as_a_whole, clear_registry),
		cmocka_unit_test_setup(test_mask_only_looks_at_len_bytes, clear_registry),
		cmocka_unit_test_setup(test_register_ignores_duplicates_and_caps_at_32, clear_registry),
		cmocka_unit_test_setup(test_clear_forgets_all_secrets, clear_registry),
		cmocka_unit_test_setup(test_read_file_returns_first_line_trimmed_and_registers_it, clear_registry),
		cmocka_unit_test_setup(test_read_file_without_newline_and_with_crlf, clear_registry),
		cmocka_unit_test_setup(test_read_file_reports_loose_permissions, clear_registry),
		cmocka_unit_test_setup(test_read_file_errors_name_neither_path_nor_content, clear_registry),
		cmocka_unit_test_setup(test_read_file_refuses_symlinks_directories_and_fifos, clear_registry),
		cmocka_unit_test_setup(test_secret_free_accepts_null, clear_registry),
		cmocka_unit_test_setup(test_wipe_zeroes_n_bytes, clear_registry),
		cmocka_unit_test_setup(test_trace_masks_a_secret_that_a_long_line_cut_would_split, clear_registry),
	};
	int rc = cmocka_run_group_tests(tests, setup_dir, remove_dir);

	mr_secret_clear();
	return rc;
}

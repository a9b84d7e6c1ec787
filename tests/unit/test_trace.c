/* test_trace.c: unit tests of the -v trace collector (common/trace.c): mr_trace_bytes line splitting, masking
 * before the control-byte replacement and the cut, and the "TAG: DIR line" format; mr_vtrace's prefix. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/secret.h"
#include "common/trace.h"
#include "common/util.h"

/** The collected trace text (malloc'd; the caller frees it), emptying the collector. */
static char *flushed(void)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	assert_non_null(f);
	mr_trace_flush(f);
	fclose(f);
	assert_non_null(out);
	return out;
}

/** Per-test setup: no registered secret, no collected line. */
static int reset(void **state)
{
	(void)state;
	mr_secret_clear();
	mr_trace_discard();
	return 0;
}

/** Every line of the data becomes one trace line: CR/LF stripped, empty lines skipped, tag and direction first. */
static void test_bytes_splits_lines_and_strips_line_ends(void **state)
{
	static const char data[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	char *out;

	(void)state;
	mr_trace_bytes("http", ">", data, sizeof(data) - 1);
	mr_trace_bytes("smtp", "<", "250 ok", 6);
	mr_trace_bytes("smtp", "*", "\n\r\n", 3);
	out = flushed();
	assert_string_equal(out, "http: > GET / HTTP/1.1\nhttp: > Host: x\nsmtp: < 250 ok\n");
	free(out);
}

/** Only n bytes are read; NUL, other control bytes, DEL and a CR inside the line are shown as '?'. */
static void test_bytes_replaces_control_bytes_and_del(void **state)
{
	static const char data[] = "a\0b\tc\x1b" "d\x7f" "e\rf\r\nnot read";
	char *out;

	(void)state;
	mr_trace_bytes("smtp", ">", data, 12);
	out = flushed();
	assert_string_equal(out, "smtp: > a?b?c?d?e?f\n");
	free(out);
}

/** A registered secret is masked, also between control bytes and in any line of the data. */
static void test_bytes_masks_secrets(void **state)
{
	static const char data[] = "Authorization: Bearer t0ken-s3cret-value\r\n\x01t0ken-s3cret-value\x7f\r\n";
	char *out;

	(void)state;
	assert_int_equal(mr_secret_register("t0ken-s3cret-value"), 0);
	mr_trace_bytes("http", ">", data, sizeof(data) - 1);
	out = flushed();
	assert_string_equal(out, "http: > Authorization: Bearer ***\nhttp: > ?***?\n");
	free(out);
}

/** A long line is masked before it is cut: the secret at the cut leaves no piece behind; the line is bounded. */
static void test_bytes_masks_before_the_cut(void **state)
{
	const char *secret = "cut-s3cret-token-value";
	char data[6000];
	char *out;

	(void)state;
	assert_int_equal(mr_secret_register(secret), 0);
	memset(data, 'x', sizeof(data));
	memcpy(data + 2030, secret, strlen(secret));
	mr_trace_bytes("smtp", "<", data, sizeof(data));
	out = flushed();
	assert_null(strstr(out, "cut-s"));
	assert_non_null(strstr(out, "xxx***xxx"));
	assert_true(strlen(out) <= 2048);
	assert_memory_equal(out, "smtp: < xxx", 11);
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1); /* one line */
	free(out);
}

/** Forward to mr_vtrace with prefix, as a module's own trace function does. */
MR_PRINTF(2, 3)
static void vtrace_with(const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mr_vtrace(prefix, fmt, ap);
	va_end(ap);
}

/** mr_vtrace puts the prefix before the formatted text and masks secrets in both; mr_trace has no prefix. */
static void test_vtrace_prefixes_and_masks(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(mr_secret_register("k3y-in-zone"), 0);
	vtrace_with("dns: ", "send %s A to %s id %u", "2.0.0.127.k3y-in-zone.dq.test", "127.0.0.1:53", 7u);
	vtrace_with(NULL, "%d", 42);
	mr_trace("plain %s", "line");
	out = flushed();
	assert_string_equal(out, "dns: send 2.0.0.127.***.dq.test A to 127.0.0.1:53 id 7\n42\nplain line\n");
	free(out);
}

/** NULL arguments and empty data trace nothing. */
static void test_bytes_ignores_null_and_empty(void **state)
{
	char *out;

	(void)state;
	mr_trace_bytes(NULL, ">", "x", 1);
	mr_trace_bytes("t", NULL, "x", 1);
	mr_trace_bytes("t", ">", NULL, 1);
	mr_trace_bytes("t", ">", "x", 0);
	out = flushed();
	assert_string_equal(out, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bytes_splits_lines_and_strips_line_ends, reset),
		cmocka_unit_test_setup(test_bytes_replaces_control_bytes_and_del, reset),
		cmocka_unit_test_setup(test_bytes_masks_secrets, reset),
		cmocka_unit_test_setup(test_bytes_masks_before_the_cut, reset),
		cmocka_unit_test_setup(test_bytes_ignores_null_and_empty, reset),
		cmocka_unit_test_setup(test_vtrace_prefixes_and_masks, reset),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	mr_secret_clear();
	return rc;
}

/* test_dnsbl_targets.c: unit tests of check_dnsbl's targets text (dnsbl_targets_add_buf, the -F reader's seam)
 * and of the zone catalogue read from a buffer (dnsbl_catalogue_parse_buf): bytes in, specs or reasons out. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "plugins/dnsbl/dnsbl_input_targets.h"
#include "plugins/dnsbl/dnsbl_parse_catalogue.h"

/** Comments, blanks, CR LF, a last line without line end, and a buffer that is not NUL-terminated. */
static void test_targets_buf_lines(void **state)
{
	static const char text[] = "# mail hosts\n192.0.2.1\r\n\n  198.51.100.0/30  # range\nmail.example.test\n"
	                           "2001:db8::1XXXX";
	dnsbl_targets t;
	mr_buf err;

	(void)state;
	memset(&t, 0, sizeof t);
	mr_buf_init(&err, 512);
	/* the trailing "XXXX" lies outside the length given */
	assert_int_equal(dnsbl_targets_add_buf(&t, text, sizeof text - 1 - 4, "f", &err), 0);
	assert_int_equal(t.nspec, 4);
	assert_int_equal(t.spec[0].kind, DNSBL_T_CIDR);
	assert_int_equal(t.spec[1].cidr.prefix, 30);
	assert_int_equal(t.spec[2].kind, DNSBL_T_HOST);
	assert_string_equal(t.spec[2].name, "mail.example.test");
	assert_int_equal(t.spec[3].cidr.base.family, AF_INET6);
	assert_int_equal(t.spec[3].cidr.prefix, 128);
	/* empty text: nothing, no error */
	assert_int_equal(dnsbl_targets_add_buf(&t, NULL, 0, "f", &err), 0);
	assert_int_equal(t.nspec, 4);
	dnsbl_targets_free(&t);
	mr_buf_free(&err);
}

/** Bad input names the origin and the line: a bad target, a NUL byte, a line too long. */
static void test_targets_buf_errors(void **state)
{
	static const char nul[] = "192.0.2.1\n192.0.2.2\0junk\n";
	char longline[600];
	dnsbl_targets t;
	mr_buf err;

	(void)state;
	memset(&t, 0, sizeof t);
	mr_buf_init(&err, 512);
	assert_int_equal(dnsbl_targets_add_buf(&t, "192.0.2.1\n\n192.0.2.256\n", 23, "hosts.txt", &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "hosts.txt line 3: invalid address or range '192.0.2.256'"));
	mr_buf_reset(&err);
	assert_int_equal(dnsbl_targets_add_buf(&t, nul, sizeof nul - 1, "hosts.txt", &err), -1);
	assert_string_equal(mr_buf_str(&err), "hosts.txt line 2: NUL byte (not a text file)");
	mr_buf_reset(&err);
	memset(longline, 'a', sizeof longline);
	assert_int_equal(dnsbl_targets_add_buf(&t, longline, sizeof longline, "hosts.txt", &err), -1);
	assert_string_equal(mr_buf_str(&err), "hosts.txt line 1: line too long");
	/* 510 characters fit (a comment after the address) */
	memcpy(longline, "192.0.2.9 #", 11);
	longline[510] = '\n';
	mr_buf_reset(&err);
	assert_int_equal(dnsbl_targets_add_buf(&t, longline, 511, "hosts.txt", &err), 0);
	dnsbl_targets_free(&t);
	mr_buf_free(&err);
}

/** Make a temporary file from the template path (changed in place) holding text. */
static void write_temp(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/** The file reader hands the file's bytes to the buffer parser: same specs, file named in messages. */
static void test_targets_file_uses_buf(void **state)
{
	char path[] = "/tmp/test_dnsbl_targets_XXXXXX";
	dnsbl_targets t;
	mr_buf err;

	(void)state;
	write_temp(path, "192.0.2.1\nnot a host!\n");
	memset(&t, 0, sizeof t);
	mr_buf_init(&err, 512);
	assert_int_equal(dnsbl_targets_add_file(&t, 0, path, &err), -1);
	assert_int_equal(strncmp(mr_buf_str(&err), path, strlen(path)), 0);
	assert_non_null(strstr(mr_buf_str(&err), " line 2: invalid target 'not a host!'"));
	assert_int_equal(t.nspec, 1);
	unlink(path);
	mr_buf_reset(&err);
	/* a file that cannot be read is told apart (-2): the caller reports it as a runtime error */
	assert_int_equal(dnsbl_targets_add_file(&t, 0, path, &err), -2);
	assert_int_equal(strncmp(mr_buf_str(&err), path, strlen(path)), 0);
	assert_non_null(strstr(mr_buf_str(&err), ": cannot open: "));
	assert_int_equal(t.nspec, 1);
	dnsbl_targets_free(&t);
	mr_buf_free(&err);
}

/** A file's specs go where -F stood: between the specs given before and after it. */
static void test_targets_file_keeps_its_place(void **state)
{
	char path[] = "/tmp/test_dnsbl_targets_XXXXXX";
	dnsbl_targets t;
	mr_buf err;

	(void)state;
	write_temp(path, "192.0.2.2\n192.0.2.3\n");
	memset(&t, 0, sizeof t);
	mr_buf_init(&err, 512);
	assert_int_equal(dnsbl_targets_add_host(&t, "192.0.2.1", &err), 0);
	assert_int_equal(dnsbl_targets_add_host(&t, "192.0.2.4", &err), 0);
	assert_int_equal(dnsbl_targets_add_file(&t, 1, path, &err), 0);
	assert_int_equal(dnsbl_targets_add_file(&t, 99, path, &err), 0);
	unlink(path);
	assert_int_equal(t.nspec, 6);
	for (size_t i = 0; i < t.nspec; i++) {
		static const uint8_t want[] = { 1, 2, 3, 4, 2, 3 };
		char text[64];
		assert_int_equal(mr_cidr_format(&t.spec[i].cidr, text, sizeof text), 0);
		assert_int_equal(strncmp(text, "192.0.2.", 8), 0);
		assert_int_equal(text[8], '0' + want[i]);
		assert_true(text[9] == '\0' || text[9] == '/');
	}
	dnsbl_targets_free(&t);
	mr_buf_free(&err);
}

/** A catalogue from a buffer without NUL end; a NUL byte inside is refused with its line. */
static void test_catalogue_parse_buf(void **state)
{
	static const char text[] = "[a.example]\ntype = ip\n[b.example]\ntype = domain\n[c.example]\ntype = ip\n";
	static const char nul[] = "[a.example]\ntype = ip\n\0[b.example]\n";
	dnsbl_catalogue c;
	mr_buf err;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 512);
	/* only the first two zones lie inside the length */
	assert_int_equal(dnsbl_catalogue_parse_buf(&c, text, (size_t)(strstr(text, "[c.") - text), "z.ini", &err), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[1].name, "b.example");
	assert_int_equal(c.v[1].kind, DNSBL_KIND_DOMAIN);
	assert_int_equal(dnsbl_catalogue_parse_buf(&c, nul, sizeof nul - 1, "z.ini", &err), -1);
	assert_string_equal(mr_buf_str(&err), "z.ini line 3: NUL byte (not a text file)");
	mr_buf_reset(&err);
	assert_int_equal(dnsbl_catalogue_parse_buf(&c, "[d.example]\n", 12, "z.ini", &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "z.ini"));
	assert_int_equal(c.n, 2);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/** Run the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_buf_lines),
		cmocka_unit_test(test_targets_buf_errors),
		cmocka_unit_test(test_targets_file_uses_buf),
		cmocka_unit_test(test_targets_file_keeps_its_place),
		cmocka_unit_test(test_catalogue_parse_buf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

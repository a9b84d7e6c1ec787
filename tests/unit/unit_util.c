/* unit_util.c: the scratch directory and stdout capture shared by the cmocka unit tests (unit_util.h). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/unit/unit_util.h"

/** The scratch directory ("" while there is none). */
static char scratch_dir[256];

/** Saved stdout while capturing (-1 otherwise). */
static int saved_stdout = -1;

/** File receiving the captured stdout. */
static FILE *capture_file;

/** Create a fresh scratch directory /tmp/PREFIX.XXXXXX; 0, or -1 if it cannot be made. */
int scratch_init(const char *prefix)
{
	if (mr_snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/%s.XXXXXX", prefix) != 0 ||
	    mkdtemp(scratch_dir) == NULL) {
		scratch_dir[0] = '\0';
		return -1;
	}
	return 0;
}

/** Path of name in the scratch directory (static buffer, valid until the next call). */
const char *scratch_path(const char *name)
{
	static char path[512];

	assert_true(scratch_dir[0] != '\0');
	assert_int_equal(mr_snprintf(path, sizeof(path), "%s/%s", scratch_dir, name), 0);
	return path;
}

/** Write len bytes to name in the scratch directory (replacing any file) with mode; its path. */
const char *scratch_write(const char *name, const void *data, size_t len, mode_t mode)
{
	const char *path = scratch_path(name);
	int fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	return path;
}

/** nftw callback of scratch_remove: remove one entry (children come first with FTW_DEPTH). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/** Remove the scratch directory and everything below it; 0, or -1 on failure. */
int scratch_remove(void)
{
	int rc;

	if (scratch_dir[0] == '\0')
		return 0;
	rc = nftw(scratch_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	scratch_dir[0] = '\0';
	return rc == 0 ? 0 : -1;
}

/** Start sending stdout to a temporary file. */
void capture_begin(void)
{
	assert_true(saved_stdout < 0);
	fflush(stdout);
	capture_file = tmpfile();
	assert_non_null(capture_file);
	saved_stdout = dup(STDOUT_FILENO);
	assert_true(saved_stdout >= 0);
	assert_true(dup2(fileno(capture_file), STDOUT_FILENO) >= 0);
}

/** Stop capturing stdout; what was printed since capture_begin (caller frees). */
char *capture_end(void)
{
	long size;
	char *text;

	assert_true(saved_stdout >= 0);
	fflush(stdout);
	assert_true(dup2(saved_stdout, STDOUT_FILENO) >= 0);
	close(saved_stdout);
	saved_stdout = -1;
	assert_int_equal(fseek(capture_file, 0, SEEK_END), 0);
	size = ftell(capture_file);
	assert_true(size >= 0);
	text = calloc(1, (size_t)size + 1);
	assert_non_null(text);
	rewind(capture_file);
	assert_int_equal(fread(text, 1, (size_t)size, capture_file), (size_t)size);
	fclose(capture_file);
	capture_file = NULL;
	return text;
}

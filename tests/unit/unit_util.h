/* unit_util.h: helpers shared by the cmocka unit tests: a scratch directory for the files a test reads
 * (made in a group setup, removed with everything in it in the group teardown) and a capture of what
 * code under test prints on stdout.  The helpers fail the running test through cmocka's assertions. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MAILREP_TESTS_UNIT_UTIL_H
#define MAILREP_TESTS_UNIT_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/** Create a fresh scratch directory /tmp/PREFIX.XXXXXX; 0, or -1 if it cannot be made (group setup). */
int scratch_init(const char *prefix);

/** Path of name in the scratch directory (static buffer, valid until the next call). */
const char *scratch_path(const char *name);

/** Write len bytes of data to name in the scratch directory (replacing any file there) with mode;
 * returns its path (scratch_path's buffer). */
const char *scratch_write(const char *name, const void *data, size_t len, mode_t mode);

/** Remove the scratch directory and everything below it; 0, or -1 on failure (group teardown). */
int scratch_remove(void);

/** Start sending stdout to a temporary file (one capture at a time). */
void capture_begin(void);

/** Stop capturing stdout; returns what was printed since capture_begin (caller frees). */
char *capture_end(void);

#endif

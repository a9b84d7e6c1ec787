/* fuzz.h: small helpers shared by the libFuzzer targets in fuzz/: NUL-terminated copies of the input, splitting
 * it at a separator, a scripted server's chunks, and a scratch file (the state file is written to a path). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_FUZZ_H
#define MR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** The entry point libFuzzer calls with each input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** A malloc'd NUL-terminated copy of n bytes (aborts when out of memory: a fuzzer has no use for it). */
static inline char *fuzz_str(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

/** Split off the bytes before the first byte sep from (*d, *n), leaving what follows sep there; their length. */
static inline size_t fuzz_take(const uint8_t **d, size_t *n, uint8_t sep)
{
	const uint8_t *p = *n > 0 ? memchr(*d, sep, *n) : NULL;
	size_t k = p != NULL ? (size_t)(p - *d) : *n;

	*d += k;
	*n -= k;
	if (p != NULL) {
		(*d)++;
		(*n)--;
	}
	return k;
}

/** A scripted server's next chunk: the bytes before the next byte 1 of (*d, *n), at most cap of them into buf (the rest
 *  comes next time). 0 with *got set; 1 for an empty chunk (the scripts' timeout); -1 at the end (closed). */
static inline int fuzz_chunk(const uint8_t **d, size_t *n, char *buf, size_t cap, size_t *got)
{
	const uint8_t *start = *d;
	size_t k;

	*got = 0;
	if (*n == 0)
		return -1;
	k = fuzz_take(d, n, 1);
	if (k == 0)
		return 1;
	if (k > cap) {
		/* hand out cap bytes and put the rest back in front */
		*n += (size_t)(*d - start) - cap;
		*d = start + cap;
		k = cap;
	}
	memcpy(buf, start, k);
	*got = k;
	return 0;
}

/** Path of a scratch file private to this process (created once under TMPDIR or /tmp, removed at exit). */
static char fuzz_path_buf[256];

/** Remove the scratch file. */
static inline void fuzz_path_remove(void)
{
	if (fuzz_path_buf[0] != '\0')
		unlink(fuzz_path_buf);
}

/** Write n bytes to the scratch file (replacing its content) and return its path. */
static inline const char *fuzz_file(const uint8_t *d, size_t n)
{
	FILE *f;

	if (fuzz_path_buf[0] == '\0') {
		const char *tmp = getenv("TMPDIR");
		int fd;

		snprintf(fuzz_path_buf, sizeof(fuzz_path_buf), "%s/mrfuzz-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
		fd = mkstemp(fuzz_path_buf);
		if (fd < 0)
			abort();
		close(fd);
		atexit(fuzz_path_remove);
	}
	f = fopen(fuzz_path_buf, "w");
	if (f == NULL)
		abort();
	if (n > 0 && fwrite(d, 1, n, f) != n)
		abort();
	if (fclose(f) != 0)
		abort();
	return fuzz_path_buf;
}

#endif

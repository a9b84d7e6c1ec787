/* secret.c: owns the process-wide registry of secrets (keys, tokens, passwords), reads them from files
 * and masks them in any text before it is printed. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"

/** Most secrets one process may register; a plugin has a handful (key, token, password). */
#define MAX_SECRETS 32
/** Shortest secret that can be masked without mangling ordinary text. */
#define MIN_SECRET 4
/** What every occurrence of a secret becomes. */
#define MASK "***"

/*
 * The registry is process-wide on purpose: a secret read by option parsing must be masked in
 * every string the process prints afterwards (renderer, error messages, verbose traces), and
 * those printers do not share any context object with the option parser. Each entry is a copy
 * owned here, so the caller may wipe and free its own string at any time.
 */
/** Registered secrets (owned copies). */
static char *secrets[MAX_SECRETS];
/** Number of used entries in secrets. */
static size_t nsecrets;

/** Overwrite n bytes at p with zeros in a way the compiler may not drop as a dead store; NULL is allowed. */
void mr_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	if (p == NULL)
		return;
	while (n > 0) {
		*v++ = 0;
		n--;
	}
}

/** Keep a copy of s (at least 4 characters) for masking; duplicates are ignored; see secret.h. */
int mr_secret_register(const char *s)
{
	size_t i;
	char *copy;

	if (s == NULL || strlen(s) < MIN_SECRET)
		return -1;
	for (i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], s) == 0)
			return 0;
	if (nsecrets >= MAX_SECRETS)
		return -1;
	copy = mr_strdup(s);
	if (copy == NULL)
		return -2;
	secrets[nsecrets++] = copy;
	return 0;
}

/** Position of the first occurrence of needle (nlen bytes) in hay[from..len), or len if none. */
static size_t find_bytes(const char *hay, size_t len, size_t from, const char *needle, size_t nlen)
{
	size_t i;

	if (nlen == 0 || len < nlen)
		return len;
	for (i = from; i + nlen <= len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
			return i;
	return len;
}

/** Replace every occurrence of secret s in buf[0..len) with MASK; returns the new length. */
static size_t mask_one(char *buf, size_t len, const char *s)
{
	size_t slen = strlen(s);
	size_t mlen = strlen(MASK);
	size_t pos = 0;

	for (;;) {
		pos = find_bytes(buf, len, pos, s, slen);
		if (pos >= len)
			break;
		/* slen >= MIN_SECRET > mlen: the text only shrinks, so the move stays in bounds */
		memcpy(buf + pos, MASK, mlen);
		memmove(buf + pos + mlen, buf + pos + slen, len - pos - slen);
		len -= slen - mlen;
		pos += mlen;
	}
	return len;
}

/** Replace registered secrets in buf with "***", longest first; the new length. */
size_t mr_secret_mask(char *buf, size_t len)
{
	int done[MAX_SECRETS] = {0};
	size_t orig = len;
	size_t round;

	if (buf == NULL)
		return 0;
	/* longest first: a secret that contains a shorter one must be masked as a whole */
	for (round = 0; round < nsecrets; round++) {
		size_t best = nsecrets;
		size_t i;

		for (i = 0; i < nsecrets; i++)
			if (!done[i] && (best == nsecrets || strlen(secrets[i]) > strlen(secrets[best])))
				best = i;
		done[best] = 1;
		len = mask_one(buf, len, secrets[best]);
	}
	if (len < orig)
		buf[len] = '\0';
	return len;
}

/** Overwrite and free a secret string; NULL is allowed. */
void mr_secret_free(char *s)
{
	if (s == NULL)
		return;
	mr_wipe(s, strlen(s));
	free(s);
}

/** Wipe and forget all registered secrets. */
void mr_secret_clear(void)
{
	size_t i;

	for (i = 0; i < nsecrets; i++) {
		mr_secret_free(secrets[i]);
		secrets[i] = NULL;
	}
	nsecrets = 0;
}

/** Read the whole regular file behind fd (at most MR_SECRET_MAX bytes) into buf; bytes read, or -1. */
static ssize_t read_all(int fd, char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/** Length of the first line of buf[0..len) without its trailing CR, LF, blanks and tabs. */
static size_t first_line_len(const char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && buf[n] != '\n')
		n++;
	while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	return n;
}

/** Check and register the secret on the first line of len bytes; see secret.h. */
char *mr_secret_parse(const char *buf, size_t len, mr_buf *err)
{
	size_t n = first_line_len(buf, len), i;
	char *result;
	int rc;

	if (len > MR_SECRET_MAX) {
		mr_buf_printf(err, "the file given is larger than %d bytes", MR_SECRET_MAX);
		return NULL;
	}
	if (n == 0) {
		mr_buf_puts(err, "the first line of the file given is empty");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 || c == 0x7f) {
			mr_buf_puts(err, "the first line of the file given holds NUL or control characters");
			return NULL;
		}
	}
	if (n < MIN_SECRET) {
		mr_buf_printf(err, "the secret in the file given is shorter than %d characters", MIN_SECRET);
		return NULL;
	}
	result = malloc(n + 1);
	if (result == NULL) {
		mr_buf_puts(err, "out of memory");
		return NULL;
	}
	memcpy(result, buf, n);
	result[n] = '\0';
	rc = mr_secret_register(result);
	if (rc != 0) {
		if (rc == -2)
			mr_buf_puts(err, "out of memory");
		else
			mr_buf_printf(err, "too many secrets (at most %d)", MAX_SECRETS);
		mr_secret_free(result);
		return NULL;
	}
	return result;
}

/** Read, check and register the secret on the first line of a regular file; see secret.h. */
char *mr_secret_read_file(const char *path, int *loose, mr_buf *err)
{
	char buf[MR_SECRET_MAX + 1];
	struct stat st;
	char *result = NULL;
	ssize_t got = 0;
	int fd = -1;

	if (loose != NULL)
		*loose = 0;
	if (path == NULL || *path == '\0') {
		mr_buf_puts(err, "no file name given");
		goto out;
	}
	/* O_NONBLOCK: opening a FIFO must not hang the plugin; it is refused below anyway */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			mr_buf_puts(err, "the file given is a symbolic link (refused)");
		else
			mr_buf_printf(err, "cannot open the file given: %s", strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		mr_buf_printf(err, "cannot stat the file given: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		mr_buf_puts(err, "the file given is not a regular file");
		goto out;
	}
	if (st.st_size > MR_SECRET_MAX) {
		mr_buf_printf(err, "the file given is larger than %d bytes", MR_SECRET_MAX);
		goto out;
	}
	got = read_all(fd, buf, sizeof(buf));
	if (got < 0) {
		mr_buf_printf(err, "cannot read the file given: %s", strerror(errno));
		goto out;
	}
	result = mr_secret_parse(buf, (size_t)got, err);
	if (result == NULL)
		goto out;
	/* root:nagios 0640 is the advice: only what others can read, or an owner who is neither root nor
	 * the user running the plugin (that user could change the secret), is loose */
	if (loose != NULL)
		*loose = ((st.st_mode & S_IROTH) ? MR_SECRET_LOOSE_OTHERS : 0) |
		         (st.st_uid != 0 && st.st_uid != geteuid() ? MR_SECRET_LOOSE_OWNER : 0);
out:
	mr_wipe(buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	return result;
}

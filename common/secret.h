/* secret.h: reading secrets from files and masking them in every printed string. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_SECRET_H
#define MR_SECRET_H

#include <stddef.h>
#include "util.h"

/** Largest secret file accepted, in bytes. */
#define MR_SECRET_MAX 4096

/** Bits of *loose from mr_secret_read_file: why the file's permissions do not keep the secret. */
enum {
	MR_SECRET_LOOSE_OTHERS = 1 << 0, /**< every user can read it (mode o+r) */
	MR_SECRET_LOOSE_OWNER = 1 << 1   /**< its owner is neither root nor the user running the plugin */
};

/**
 * Read a secret from path: the first line, trailing CR/LF and blanks removed, must be non-empty.
 * Sets *loose to MR_SECRET_LOOSE_* bits (0 for the advised root:nagios 0640, or 0600 of the running
 * user). Registers the secret for masking. Returns a malloc'd string (caller frees with
 * mr_secret_free), or NULL with a reason in err that names neither the path (it may be a secret
 * given in the wrong place) nor the content: "cannot open the file given: No such file or directory".
 */
char *mr_secret_read_file(const char *path, int *loose, mr_buf *err);
/** The checks of mr_secret_read_file on len bytes of a file's content (no file, no permissions): the secret of
 *  the first line, registered, malloc'd (free with mr_secret_free), or NULL with the same reasons. */
char *mr_secret_parse(const char *buf, size_t len, mr_buf *err);
/** Register s (at least 4 characters) so that mr_secret_mask replaces it; 0, -2 when out of memory, else -1. */
int mr_secret_register(const char *s);
/** Replace every registered secret in buf (in place) with "*****"-style text of the same or shorter length; returns the new length. */
size_t mr_secret_mask(char *buf, size_t len);
/** Overwrite n bytes at p with zeros in a way the compiler may not drop as a dead store; NULL is allowed. */
void mr_wipe(void *p, size_t n);
/** Overwrite and free a secret string; NULL is allowed. */
void mr_secret_free(char *s);
/** Forget all registered secrets (tests). */
void mr_secret_clear(void);

#endif

/* secret.h: reading secrets from files and masking them in every printed string. */
#ifndef MR_SECRET_H
#define MR_SECRET_H

#include <stddef.h>
#include "util.h"

/** Largest secret file accepted, in bytes. */
#define MR_SECRET_MAX 4096

/**
 * Read a secret from path: the first line, trailing CR/LF and blanks removed, must be non-empty.
 * Sets *loose to 1 if the file is readable by group or others. Registers the secret for masking.
 * Returns a malloc'd string (caller frees with mr_secret_free), or NULL with a reason in err
 * (the reason names the path, never the content).
 */
char *mr_secret_read_file(const char *path, int *loose, mr_buf *err);
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

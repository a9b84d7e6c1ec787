/* secret.c: placeholder, being written. */

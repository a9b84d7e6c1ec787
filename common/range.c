/* range.c: placeholder, being written. */

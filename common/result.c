/* result.c: placeholder, being written. */

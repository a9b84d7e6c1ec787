/* deadline.c: placeholder, being written. */

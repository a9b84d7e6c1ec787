/* extraopts.c: placeholder, being written. */

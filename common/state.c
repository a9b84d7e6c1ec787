/* state.c: placeholder, being written. */

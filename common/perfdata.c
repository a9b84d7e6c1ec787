/* perfdata.c: placeholder, being written. */

/* dnsopt.c: placeholder, being written. */

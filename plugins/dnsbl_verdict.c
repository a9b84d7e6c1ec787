/* dnsbl_verdict.c: placeholder */

/* dnsbl_zones.c: placeholder */

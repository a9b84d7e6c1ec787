/* dnsbl_plan.c: placeholder */

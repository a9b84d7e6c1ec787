/* unit_dns.h: helpers for unit tests that need a DNS server: ldns-testns data entries and servers. */
#ifndef MAILREP_TESTS_UNIT_DNS_H
#define MAILREP_TESTS_UNIT_DNS_H

#include <stdio.h>
#include <sys/types.h>

/** One running ldns-testns. */
typedef struct unit_testns {
	pid_t pid;          /**< child, 0 if not running */
	unsigned port;      /**< UDP and TCP port */
	char server[64];    /**< "127.0.0.1:PORT" or "[::1]:PORT" */
} unit_testns;

/** Write one ldns-testns entry: match on qtype and qname (plus extra MATCH words), reply flags, question, answer lines. */
void unit_dns_entry(FILE *f, const char *extra_match, int copy_id, const char *reply, const char *question,
                    const char *answer);
/** A port free for both UDP and TCP on the wildcard address of family af, or 0. */
unsigned unit_free_port(int af);
/** Start ldns-testns on a free port with datafile (IPv6 if v6; it must answer ready.test. A), its output appended
 * to log; 0, or -1 if it would not come up. */
int unit_testns_start(unit_testns *t, const char *datafile, int v6, const char *log);
/** Stop a server started by unit_testns_start. */
void unit_testns_stop(unit_testns *t);

#endif

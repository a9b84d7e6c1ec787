/* unit_dns.h: helpers for unit tests that need a DNS server: ldns-testns data entries and servers. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MAILREP_TESTS_UNIT_DNS_H
#define MAILREP_TESTS_UNIT_DNS_H

#include <stdio.h>
#include <sys/types.h>
#include "common/dns.h"

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

/** One scripted answer: the reply to a name and type. */
typedef struct unit_dns_rule {
	const char *name;     /**< name asked, case-insensitive, without final dot */
	ldns_rr_type type;    /**< type asked */
	int rcode;            /**< reply rcode, or -1 for silence (the attempt times out) */
	int tc;               /**< the UDP reply is truncated (the TCP redo gets the full answer) */
	const char *answers;  /**< answer records as zone-file lines, NULL for none */
} unit_dns_rule;

/** A table of scripted answers; questions without a rule get NXDOMAIN. */
typedef struct unit_dns_table {
	const unit_dns_rule *rules; /**< the rules */
	size_t n;                   /**< how many */
	unsigned asked;             /**< messages the script has seen */
	unsigned asked_tcp;         /**< of them over TCP */
} unit_dns_table;

/** The script of a unit_dns_table (user): answers each message by its rule. */
int unit_dns_table_script(void *user, const mr_dns_ask *ask, mr_dns_replies *out);
/** A new engine on the scripted transport (servers 192.0.2.53 and 192.0.2.54, timeout 2 s); the test fails if it
 *  cannot be made. */
mr_dns *unit_dns_scripted(mr_dns_script script, void *user, int retries);

#endif

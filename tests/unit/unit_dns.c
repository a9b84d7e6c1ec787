/* unit_dns.c: helpers for unit tests that need a DNS server: ldns-testns entries, a free port, and starting
 * and stopping ldns-testns on it, and a table-driven script for the engine's scripted transport (a
 * check-only library with unit_util). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/dns.h"
#include "unit_dns.h"

/** The test server binary. */
#define TESTNS "/usr/bin/ldns-testns"

/** Write one ldns-testns entry: match on qtype and qname (plus extra MATCH words), reply flags, question, answer lines. */
void unit_dns_entry(FILE *f, const char *extra_match, int copy_id, const char *reply, const char *question,
                      const char *answer)
{
	fprintf(f, "ENTRY_BEGIN\nMATCH opcode qtype qname%s%s\n", extra_match ? " " : "",
	        extra_match ? extra_match : "");
	if (copy_id)
		fputs("ADJUST copy_id\n", f);
	fprintf(f, "REPLY %s\nSECTION QUESTION\n%s\n", reply, question);
	if (answer)
		fprintf(f, "SECTION ANSWER\n%s\n", answer);
	fputs("ENTRY_END\n", f);
}


/** A port free for both UDP and TCP on the wildcard address of family af, or 0. */
unsigned unit_free_port(int af)
{
	int tries;

	for (tries = 0; tries < 50; tries++) {
		struct sockaddr_storage ss;
		socklen_t len;
		int t = socket(af, SOCK_STREAM, 0), u = socket(af, SOCK_DGRAM, 0);
		unsigned port = 0;

		memset(&ss, 0, sizeof ss);
		ss.ss_family = (sa_family_t)af;
		len = af == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
		if (t >= 0 && u >= 0 && bind(t, (struct sockaddr *)&ss, len) == 0 &&
		    getsockname(t, (struct sockaddr *)&ss, &len) == 0 && bind(u, (struct sockaddr *)&ss, len) == 0)
			port = ntohs(af == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
			                           : ((struct sockaddr_in6 *)&ss)->sin6_port);
		if (t >= 0)
			close(t);
		if (u >= 0)
			close(u);
		if (port)
			return port;
	}
	return 0;
}

/** 1 if a UDP query for ready.test. to server text (address:port) is answered within ms. */
static int probe(const char *server_text, int ms)
{
	mr_dns_server srv;
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str("ready.test."), LDNS_RR_TYPE_A,
	                                 LDNS_RR_CLASS_IN, LDNS_RD);
	uint8_t *wire = NULL;
	size_t len = 0;
	int fd = -1, ok = 0;
	struct pollfd pfd;
	uint8_t buf[512];

	if (mr_dns_server_parse(server_text, &srv) < 0 || !p)
		goto out;
	ldns_pkt_set_id(p, 4242);
	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK)
		goto out;
	fd = socket(srv.sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, wire, len, 0, (struct sockaddr *)&srv.sa, srv.salen) < 0)
		goto out;
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) == 1 && recv(fd, buf, sizeof buf, 0) >= 12)
		ok = 1;
out:
	if (fd >= 0)
		close(fd);
	free(wire);
	ldns_pkt_free(p);
	return ok;
}

/** Start ldns-testns on a free port with datafile (IPv6 if v6; it must answer ready.test. A), its output appended
 * to log; 0, or -1 if it would not come up. */
int unit_testns_start(unit_testns *t, const char *datafile, int v6, const char *log)
{
	int attempt;

	for (attempt = 0; attempt < 5; attempt++) {
		char port[16];
		int i;

		t->port = unit_free_port(v6 ? AF_INET6 : AF_INET);
		if (!t->port)
			return -1;
		assert_int_equal(mr_snprintf(port, sizeof port, "%u", t->port), 0);
		assert_int_equal(mr_snprintf(t->server, sizeof t->server, v6 ? "[::1]:%u" : "127.0.0.1:%u", t->port),
		                 0);
		t->pid = fork();
		assert_true(t->pid >= 0);
		if (t->pid == 0) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
			if (v6)
				execl(TESTNS, "ldns-testns", "-6", "-p", port, datafile, (char *)NULL);
			else
				execl(TESTNS, "ldns-testns", "-p", port, datafile, (char *)NULL);
			_exit(127);
		}
		for (i = 0; i < 100; i++) {
			int st;

			if (probe(t->server, 50))
				return 0;
			if (waitpid(t->pid, &st, WNOHANG) == t->pid)
				break; /* died (port taken meanwhile?): try another port */
		}
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
		t->pid = 0;
	}
	return -1;
}

/** Stop a server started by unit_testns_start. */
void unit_testns_stop(unit_testns *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
		t->pid = 0;
	}
}

/** Answer one message from the table: the rule of its name and type, NXDOMAIN without one. */
int unit_dns_table_script(void *user, const mr_dns_ask *ask, mr_dns_replies *out)
{
	unit_dns_table *t = user;
	size_t len = strlen(ask->name);

	if (len > 0 && ask->name[len - 1] == '.')
		len--;
	t->asked++;
	if (ask->tcp)
		t->asked_tcp++;
	for (size_t i = 0; i < t->n; i++) {
		const unit_dns_rule *r = &t->rules[i];

		if (r->type != ask->type || strlen(r->name) != len || strncasecmp(r->name, ask->name, len) != 0)
			continue;
		if (r->rcode < 0)
			return 0;
		return mr_dns_reply_answer(out, ask, r->rcode, r->tc && !ask->tcp, r->tc && !ask->tcp ? NULL : r->answers);
	}
	return mr_dns_reply_answer(out, ask, LDNS_RCODE_NXDOMAIN, 0, NULL);
}

/** A new engine on the scripted transport. */
mr_dns *unit_dns_scripted(mr_dns_script script, void *user, int retries)
{
	mr_dns_config cfg;
	mr_buf err;
	mr_dns *d;

	mr_dns_config_init(&cfg);
	cfg.query_timeout = 2;
	cfg.retries = retries;
	assert_int_equal(mr_dns_server_parse("192.0.2.53", &cfg.servers[0]), 0);
	assert_int_equal(mr_dns_server_parse("192.0.2.54", &cfg.servers[1]), 0);
	cfg.nservers = 2;
	mr_buf_init(&err, 256);
	d = mr_dns_new(&cfg, &err);
	mr_buf_free(&err);
	assert_non_null(d);
	assert_int_equal(mr_dns_set_script(d, script, user), 0);
	return d;
}

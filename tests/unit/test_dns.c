/*
 * test_dns.c: the DNS engine (common/dns.c) against real ldns-testns servers,
 * plus the answer helpers, the server syntax, the resolv.conf reader and the
 * DNS option group (common/dnsopt.c).
 */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/deadline.h"
#include "common/dns.h"
#include "common/options.h"
#include "unit_dns.h"

/** Names in the bulk test. */
#define BULK 2000

/** Servers and files shared by the tests. */
static struct {
	char dir[64];        /**< temp directory */
	unit_testns main;    /**< the main data file */
	unit_testns alt;     /**< the alternative data file (failover targets) */
	unit_testns v6;      /**< main data over IPv6, pid 0 if IPv6 is unavailable */
	unsigned dead_port;  /**< a UDP port nothing listens on */
} fx;

/** Path of file name in the temp directory. */
static void fx_path(char *dst, size_t size, const char *name)
{
	assert_int_equal(mr_snprintf(dst, size, "%s/%s", fx.dir, name), 0);
}

/** Write the data file of the main server. */
static void write_main_data(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	assert_non_null(f);
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "ready.test. IN A", "ready.test. 60 IN A 127.0.0.1");
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "multi.test. IN A",
	          "multi.test. 60 IN A 127.0.0.2\nmulti.test. 60 IN A 127.0.0.4\nmulti.test. 60 IN A 127.0.0.10");
	fputs("ENTRY_BEGIN\nMATCH opcode qtype qname\nADJUST copy_id\nREPLY QR AA NXDOMAIN\n"
	      "SECTION QUESTION\nnx.test. IN A\nSECTION AUTHORITY\n"
	      "test. 60 IN SOA ns.test. host.test. 1 3600 600 86400 60\nENTRY_END\n", f);
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "nodata.test. IN A", NULL);
	unit_dns_entry(f, NULL, 1, "QR SERVFAIL", "servfail.test. IN A", NULL);
	unit_dns_entry(f, NULL, 1, "QR REFUSED", "refused.test. IN A", NULL);
	unit_dns_entry(f, NULL, 1, "QR SERVFAIL", "flaky.test. IN A", NULL);
	unit_dns_entry(f, "UDP", 1, "QR AA TC NOERROR", "tc.test. IN A", NULL);
	unit_dns_entry(f, "TCP", 1, "QR AA NOERROR", "tc.test. IN A", "tc.test. 60 IN A 192.0.2.7");
	unit_dns_entry(f, "UDP", 1, "QR AA TC NOERROR", "badtcp.test. IN A", NULL);
	fputs("ENTRY_BEGIN\nMATCH opcode qtype qname TCP\nREPLY QR NOERROR\nSECTION QUESTION\n"
	      "badtcp.test. IN A\nHEX_ANSWER_BEGIN\n00 00 81 80 00 01 00 01 00 00 00 00 ff\n"
	      "HEX_ANSWER_END\nENTRY_END\n", f);
	/* No copy_id: the reply keeps id 0, which the engine never uses. */
	unit_dns_entry(f, NULL, 0, "QR AA NOERROR", "wrongid.test. IN A", "wrongid.test. 60 IN A 127.0.0.2");
	/* Any TXT query gets this reply: right id, but the question names other.test. */
	fputs("ENTRY_BEGIN\nMATCH opcode qtype\nADJUST copy_id\nREPLY QR AA NOERROR\nSECTION QUESTION\n"
	      "other.test. IN TXT\nSECTION ANSWER\nother.test. 60 IN TXT \"x\"\nENTRY_END\n", f);
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "mixed.test. IN A", "mixed.test. 60 IN A 127.0.0.3");
	for (i = 0; i < BULK; i++)
		fprintf(f, "ENTRY_BEGIN\nMATCH opcode qtype qname\nADJUST copy_id\nREPLY QR AA NOERROR\n"
		           "SECTION QUESTION\nq%d.bulk.test. IN A\nSECTION ANSWER\n"
		           "q%d.bulk.test. 60 IN A 10.0.%d.%d\nENTRY_END\n",
		        i, i, i / 256, i % 256);
	assert_int_equal(fclose(f), 0);
}

/** Write the data file of the alternative server. */
static void write_alt_data(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "ready.test. IN A", "ready.test. 60 IN A 127.0.0.1");
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "flaky.test. IN A", "flaky.test. 60 IN A 192.0.2.99");
	assert_int_equal(fclose(f), 0);
}

/** Start ldns-testns with datafile (IPv6 if v6), its log in the temp directory; 0 or -1. */
static int testns_start(unit_testns *t, const char *datafile, int v6)
{
	char log[128];

	fx_path(log, sizeof log, v6 ? "testns6.log" : "testns.log");
	return unit_testns_start(t, datafile, v6, log);
}

/** Group setup: data files and servers. */
static int group_setup(void **state)
{
	char path[128];

	(void)state;
	fx_path(path, sizeof path, "main.data");
	write_main_data(path);
	if (testns_start(&fx.main, path, 0) < 0)
		return -1;
	if (testns_start(&fx.v6, path, 1) < 0)
		fx.v6.pid = 0; /* no IPv6 here: that test is skipped */
	fx_path(path, sizeof path, "alt.data");
	write_alt_data(path);
	if (testns_start(&fx.alt, path, 0) < 0)
		return -1;
	fx.dead_port = unit_free_port(AF_INET);
	return fx.dead_port ? 0 : -1;
}

/** Group teardown: stop the servers. */
static int group_teardown(void **state)
{
	(void)state;
	unit_testns_stop(&fx.main);
	unit_testns_stop(&fx.alt);
	unit_testns_stop(&fx.v6);
	return 0;
}

/** What one query's callback saw. */
typedef struct outcome {
	int calls;              /**< callback invocations */
	mr_dns_status status;   /**< status */
	int rcode;              /**< rcode */
	int attempts;           /**< attempts */
	int tcp;                /**< over TCP */
	int had_pkt;            /**< a packet was given */
	char server[64];        /**< server text */
	char qname[256];        /**< name given to the callback */
	mr_addr addrs[8];       /**< addresses in the answer */
	size_t naddrs;          /**< count of addrs */
	double when;            /**< time of the callback */
} outcome;

/** Callback that records the result into the outcome at user. */
static void record_cb(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	outcome *o = user;

	(void)type;
	o->calls++;
	o->status = r->status;
	o->rcode = r->rcode;
	o->attempts = r->attempts;
	o->tcp = r->tcp;
	o->had_pkt = r->pkt != NULL;
	o->when = mr_now();
	assert_int_equal(mr_snprintf(o->server, sizeof o->server, "%s", r->server ? r->server : ""), 0);
	assert_int_equal(mr_snprintf(o->qname, sizeof o->qname, "%s", qname), 0);
	o->naddrs = r->pkt ? mr_dns_answer_addrs(r->pkt, o->addrs, 8) : 0;
}

/** A config for the tests: the given servers, short timeouts. */
static void test_config(mr_dns_config *cfg, double timeout, int retries, const char *s1, const char *s2)
{
	mr_dns_config_init(cfg);
	cfg->query_timeout = timeout;
	cfg->retries = retries;
	assert_int_equal(mr_dns_server_parse(s1, &cfg->servers[0]), 0);
	cfg->nservers = 1;
	if (s2) {
		assert_int_equal(mr_dns_server_parse(s2, &cfg->servers[1]), 0);
		cfg->nservers = 2;
	}
}

/** Run one query with cfg to completion; fills o and st. */
static void run_one(const mr_dns_config *cfg, const char *name, ldns_rr_type type, outcome *o, mr_dns_stats *st)
{
	mr_buf err;
	mr_dns *d;

	mr_buf_init(&err, 256);
	memset(o, 0, sizeof *o);
	d = mr_dns_new(cfg, &err);
	assert_non_null(d);
	assert_int_equal(mr_dns_submit(d, name, type, record_cb, o), 0);
	assert_int_equal(mr_dns_run(d, mr_now() + 20, NULL, NULL), 0);
	assert_int_equal(o->calls, 1);
	mr_dns_get_stats(d, st);
	mr_dns_free(d);
	mr_buf_free(&err);
}

/** The address text of a. */
static const char *addr_text(const mr_addr *a, char *buf, size_t size)
{
	assert_non_null(inet_ntop(a->family, a->b, buf, (socklen_t)size));
	return buf;
}

/** A NOERROR reply with several A records hands every record to the callback. */
static void test_noerror_reply_gives_every_a_record(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;
	char b[64];

	(void)state;
	test_config(&cfg, 1.0, 2, fx.main.server, NULL);
	run_one(&cfg, "multi.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.rcode, LDNS_RCODE_NOERROR);
	assert_int_equal(o.attempts, 1);
	assert_int_equal(o.tcp, 0);
	assert_true(o.had_pkt);
	assert_string_equal(o.server, fx.main.server);
	assert_string_equal(o.qname, "multi.test");
	assert_int_equal(o.naddrs, 3);
	assert_string_equal(addr_text(&o.addrs[0], b, sizeof b), "127.0.0.2");
	assert_string_equal(addr_text(&o.addrs[1], b, sizeof b), "127.0.0.4");
	assert_string_equal(addr_text(&o.addrs[2], b, sizeof b), "127.0.0.10");
	assert_int_equal(st.queries, 1);
	assert_int_equal(st.attempts, 1);
	assert_int_equal(st.stray, 0);
}

/** NXDOMAIN is final (no retry) and comes with the packet. */
static void test_nxdomain_is_final_with_packet(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	test_config(&cfg, 1.0, 2, fx.main.server, NULL);
	run_one(&cfg, "nx.test.", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_NXDOMAIN);
	assert_int_equal(o.rcode, LDNS_RCODE_NXDOMAIN);
	assert_int_equal(o.attempts, 1);
	assert_true(o.had_pkt);
	assert_string_equal(o.qname, "nx.test.");
}

/** NOERROR without answers (NODATA) is NOERROR with an empty answer. */
static void test_nodata_is_noerror_without_addresses(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	test_config(&cfg, 1.0, 2, fx.main.server, NULL);
	run_one(&cfg, "nodata.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_true(o.had_pkt);
	assert_int_equal(o.naddrs, 0);
	assert_int_equal(o.attempts, 1);
}

/** SERVFAIL is retried on every attempt and then reported, without a packet. */
static void test_servfail_is_retried_then_reported(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	test_config(&cfg, 1.0, 2, fx.main.server, NULL);
	run_one(&cfg, "servfail.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_SERVFAIL);
	assert_int_equal(o.rcode, LDNS_RCODE_SERVFAIL);
	assert_int_equal(o.attempts, 3);
	assert_false(o.had_pkt);
	assert_int_equal(st.attempts, 3);
	assert_int_equal(st.timeouts, 0);
}

/** REFUSED is reported as REFUSED after the attempts. */
static void test_refused_is_reported(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	test_config(&cfg, 1.0, 1, fx.main.server, NULL);
	run_one(&cfg, "refused.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_REFUSED);
	assert_int_equal(o.rcode, LDNS_RCODE_REFUSED);
	assert_int_equal(o.attempts, 2);
	assert_string_equal(mr_dns_status_name(o.status), "REFUSED");
}

/** A SERVFAIL from the first server moves the query to the second, which answers. */
static void test_servfail_fails_over_to_next_server(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;
	char b[64];

	(void)state;
	test_config(&cfg, 1.0, 2, fx.main.server, fx.alt.server);
	run_one(&cfg, "flaky.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.attempts, 2);
	assert_string_equal(o.server, fx.alt.server);
	assert_int_equal(o.naddrs, 1);
	assert_string_equal(addr_text(&o.addrs[0], b, sizeof b), "192.0.2.99");
}

/** A truncated UDP reply is asked again over TCP to the same server. */
static void test_truncated_reply_is_redone_over_tcp(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;
	char b[64];

	(void)state;
	test_config(&cfg, 1.0, 2, fx.main.server, NULL);
	run_one(&cfg, "tc.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.tcp, 1);
	assert_int_equal(o.attempts, 2);
	assert_int_equal(st.tcp, 1);
	assert_int_equal(o.naddrs, 1);
	assert_string_equal(addr_text(&o.addrs[0], b, sizeof b), "192.0.2.7");
}

/** A TCP reply that cannot be parsed ends as a malformed reply. */
static void test_malformed_tcp_reply_is_badreply(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	test_config(&cfg, 1.0, 0, fx.main.server, NULL);
	run_one(&cfg, "badtcp.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_BADREPLY);
	assert_int_equal(o.tcp, 1);
	assert_false(o.had_pkt);
	assert_int_equal(st.tcp, 1);
}

/** A silent server costs every attempt's timeout and ends in TIMEOUT. */
static void test_silence_times_out_after_every_attempt(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;
	double t0;

	(void)state;
	test_config(&cfg, 0.3, 2, fx.main.server, NULL);
	t0 = mr_now();
	run_one(&cfg, "silent.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_TIMEOUT);
	assert_int_equal(o.rcode, -1);
	assert_int_equal(o.attempts, 3);
	assert_int_equal(st.timeouts, 3);
	/* Three attempts of 0.3 s: about 0.9 s. */
	assert_true(o.when - t0 >= 0.85);
	assert_true(o.when - t0 < 1.6);
}

/** A reply with another id is counted as stray and ignored: the query times out. */
static void test_wrong_id_is_stray_and_times_out(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	test_config(&cfg, 0.2, 1, fx.main.server, NULL);
	run_one(&cfg, "wrongid.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_TIMEOUT);
	assert_int_equal(o.attempts, 2);
	assert_int_equal(st.stray, 2);
}

/** A reply with the right id but another question is stray too. */
static void test_wrong_question_is_stray_and_times_out(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	test_config(&cfg, 0.2, 0, fx.main.server, NULL);
	run_one(&cfg, "other-name.test", LDNS_RR_TYPE_TXT, &o, &st);
	assert_int_equal(o.status, MR_DNS_TIMEOUT);
	assert_int_equal(st.stray, 1);
}

/** The question name of a reply is compared without regard to case. */
static void test_question_name_matches_case_insensitively(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	test_config(&cfg, 1.0, 0, fx.main.server, NULL);
	run_one(&cfg, "MiXeD.TeSt", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.naddrs, 1);
	assert_int_equal(st.stray, 0);
}

/** A dead first server costs one timeout; the second answers. */
static void test_dead_first_server_fails_over(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;
	char dead[64];
	double t0;

	(void)state;
	assert_int_equal(mr_snprintf(dead, sizeof dead, "127.0.0.1:%u", fx.dead_port), 0);
	test_config(&cfg, 0.3, 2, dead, fx.main.server);
	t0 = mr_now();
	run_one(&cfg, "ready.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.attempts, 2);
	assert_string_equal(o.server, fx.main.server);
	assert_int_equal(st.timeouts, 1);
	assert_true(o.when - t0 >= 0.28);
	assert_true(o.when - t0 < 0.9);
}

/** State of the bulk feed test. */
typedef struct bulk {
	int next;                 /**< next name to submit */
	int done;                 /**< callbacks seen */
	int max_open;             /**< most queries open when the feed was called */
	int calls[BULK];          /**< callbacks per name */
	int ok[BULK];             /**< answer carried 10.0.i/256.i%256 */
	mr_dns_status status[BULK]; /**< status per name */
} bulk;

/** Callback of the bulk test: the user pointer is the bulk state, the index comes from the name. */
static void bulk_cb(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	bulk *b = user;
	mr_addr a;
	int i;

	(void)type;
	assert_int_equal(sscanf(qname, "q%d.", &i), 1);
	assert_true(i >= 0 && i < BULK);
	b->calls[i]++;
	b->done++;
	b->status[i] = r->status;
	if (r->pkt && mr_dns_answer_addrs(r->pkt, &a, 1) == 1)
		b->ok[i] = a.family == AF_INET && a.b[0] == 10 && a.b[1] == 0 && a.b[2] == i / 256 && a.b[3] == i % 256;
}

/** Feed of the bulk test: one name per call. */
static int bulk_feed(void *user, mr_dns *d)
{
	bulk *b = user;
	char name[64];
	int open = b->next - b->done;

	if (open > b->max_open)
		b->max_open = open;
	if (b->next >= BULK)
		return 0;
	assert_int_equal(mr_snprintf(name, sizeof name, "q%d.bulk.test", b->next), 0);
	assert_int_equal(mr_dns_submit(d, name, LDNS_RR_TYPE_A, bulk_cb, b), 0);
	b->next++;
	return 1;
}

/** 2000 queries from a feed with concurrency 50 are each answered exactly once, correctly paired. */
static void test_feed_of_2000_queries_answers_each_once(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	mr_buf err;
	mr_dns *d;
	bulk *b = calloc(1, sizeof *b);
	int i;

	(void)state;
	assert_non_null(b);
	mr_buf_init(&err, 256);
	test_config(&cfg, 2.0, 3, fx.main.server, NULL);
	cfg.concurrency = 50;
	d = mr_dns_new(&cfg, &err);
	assert_non_null(d);
	assert_int_equal(mr_dns_run(d, mr_now() + 60, bulk_feed, b), 0);
	assert_int_equal(b->next, BULK);
	assert_int_equal(b->done, BULK);
	assert_true(b->max_open < 50);
	for (i = 0; i < BULK; i++) {
		assert_int_equal(b->calls[i], 1);
		assert_int_equal(b->status[i], MR_DNS_NOERROR);
		assert_true(b->ok[i]);
	}
	mr_dns_get_stats(d, &st);
	assert_int_equal(st.queries, BULK);
	assert_int_equal(st.stray, 0);
	mr_dns_free(d);
	mr_buf_free(&err);
	free(b);
}

/** At the run deadline, in-flight and queued queries are cancelled and run returns 1 in time. */
static void test_run_deadline_cancels_open_queries(void **state)
{
	mr_dns_config cfg;
	mr_buf err;
	mr_dns *d;
	outcome o[3];
	double t0, end;
	int i;

	(void)state;
	mr_buf_init(&err, 256);
	memset(o, 0, sizeof o);
	test_config(&cfg, 5.0, 2, fx.main.server, NULL);
	cfg.concurrency = 1;
	d = mr_dns_new(&cfg, &err);
	assert_non_null(d);
	for (i = 0; i < 3; i++)
		assert_int_equal(mr_dns_submit(d, "silent.test", LDNS_RR_TYPE_A, record_cb, &o[i]), 0);
	t0 = mr_now();
	assert_int_equal(mr_dns_run(d, t0 + 0.3, NULL, NULL), 1);
	end = mr_now();
	for (i = 0; i < 3; i++) {
		assert_int_equal(o[i].calls, 1);
		assert_int_equal(o[i].status, MR_DNS_CANCELLED);
		assert_false(o[i].had_pkt);
	}
	assert_int_equal(o[0].attempts, 1);
	assert_int_equal(o[2].attempts, 0);
	assert_true(end - t0 >= 0.29);
	assert_true(end - t0 < 1.0);
	assert_string_equal(mr_dns_status_name(MR_DNS_CANCELLED), "cancelled (run deadline)");
	mr_dns_free(d);
	mr_buf_free(&err);
}

/** State of the chained-submission test. */
typedef struct chain {
	int answered;     /**< callbacks so far */
	int noerror;      /**< of which NOERROR */
} chain;

/** Engine used by chain_cb (set by the test). */
static mr_dns *chain_engine;

/** Callback that submits the next query until five have run. */
static void chain_cb(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	chain *c = user;

	(void)qname;
	(void)type;
	c->answered++;
	c->noerror += r->status == MR_DNS_NOERROR;
	if (c->answered < 5)
		assert_int_equal(mr_dns_submit(chain_engine, "ready.test", LDNS_RR_TYPE_A, chain_cb, c), 0);
}

/** Callbacks may submit further queries, which run in the same call. */
static void test_callback_may_submit_more_queries(void **state)
{
	mr_dns_config cfg;
	mr_buf err;
	chain c = { 0, 0 };

	(void)state;
	mr_buf_init(&err, 256);
	test_config(&cfg, 1.0, 1, fx.main.server, NULL);
	chain_engine = mr_dns_new(&cfg, &err);
	assert_non_null(chain_engine);
	assert_int_equal(mr_dns_submit(chain_engine, "ready.test", LDNS_RR_TYPE_A, chain_cb, &c), 0);
	assert_int_equal(mr_dns_run(chain_engine, mr_now() + 10, NULL, NULL), 0);
	assert_int_equal(c.answered, 5);
	assert_int_equal(c.noerror, 5);
	mr_dns_free(chain_engine);
	chain_engine = NULL;
	mr_buf_free(&err);
}

/** The rate limit spaces the attempts: 10 queries at 20/s with a burst of 2 take about 0.4 s. */
static void test_rate_limit_spaces_attempts(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	mr_buf err;
	mr_dns *d;
	outcome o[10];
	double t0, t;
	int i;

	(void)state;
	mr_buf_init(&err, 256);
	memset(o, 0, sizeof o);
	test_config(&cfg, 1.0, 0, fx.main.server, NULL);
	cfg.rate = 20;
	d = mr_dns_new(&cfg, &err);
	assert_non_null(d);
	for (i = 0; i < 10; i++)
		assert_int_equal(mr_dns_submit(d, "ready.test", LDNS_RR_TYPE_A, record_cb, &o[i]), 0);
	t0 = mr_now();
	assert_int_equal(mr_dns_run(d, t0 + 20, NULL, NULL), 0);
	t = mr_now() - t0;
	for (i = 0; i < 10; i++)
		assert_int_equal(o[i].status, MR_DNS_NOERROR);
	mr_dns_get_stats(d, &st);
	assert_int_equal(st.attempts, 10);
	assert_true(t >= 0.3);
	assert_true(t < 5.0);
	/* The first two go out at once (burst), the last about 0.4 s later. */
	assert_true(o[9].when - o[0].when >= 0.3);
	mr_dns_free(d);
	mr_buf_free(&err);
}

/** The engine talks to an IPv6 server given as [::1]:PORT. */
static void test_ipv6_server_is_queried(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	if (!fx.v6.pid)
		skip();
	test_config(&cfg, 1.0, 1, fx.v6.server, NULL);
	run_one(&cfg, "multi.test", LDNS_RR_TYPE_A, &o, &st);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.naddrs, 3);
	assert_string_equal(o.server, fx.v6.server);
}

/** How the reflector answers. */
enum reflect_mode {
	REFLECT_SAME,       /**< from the socket asked: a valid (empty) reply */
	REFLECT_OTHER_PORT, /**< from another port: must be ignored */
	REFLECT_SLOW_TCP    /**< UDP reply truncated; the TCP reply comes in small pieces */
};

/** A forked responder that echoes each query back as its own (empty NOERROR) reply. */
typedef struct reflector {
	pid_t pid;          /**< child */
	char server[64];    /**< "127.0.0.1:PORT" */
} reflector;

/** Read exactly n bytes from a blocking fd; 0 or -1. */
static int read_full(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/** Write n bytes to a blocking fd in pieces of at most piece bytes, pausing between them; 0 or -1. */
static int write_slowly(int fd, const uint8_t *buf, size_t n, size_t piece)
{
	size_t off = 0;

	while (off < n) {
		size_t k = n - off < piece ? n - off : piece;

		if (write(fd, buf + off, k) != (ssize_t)k)
			return -1;
		off += k;
		usleep(20000);
	}
	return 0;
}

/** Child body of the reflector: answer forever in mode m. */
static void reflector_serve(int udp, int other, int tcp, enum reflect_mode m)
{
	uint8_t buf[4096];

	for (;;) {
		struct pollfd p[2] = { { udp, POLLIN, 0 }, { tcp, POLLIN, 0 } };

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[0].revents & POLLIN) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(udp, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);

			if (n >= 12) {
				buf[2] |= 0x80; /* QR */
				if (m == REFLECT_SLOW_TCP)
					buf[2] |= 0x02; /* TC */
				(void)sendto(m == REFLECT_OTHER_PORT ? other : udp, buf, (size_t)n, 0,
				             (struct sockaddr *)&from, fl);
			}
		}
		if (p[1].revents & POLLIN) {
			int c = accept(tcp, NULL, NULL);
			size_t len;

			if (c < 0)
				continue;
			if (read_full(c, buf, 2) == 0) {
				len = (size_t)buf[0] << 8 | buf[1];
				if (len >= 12 && len + 2 <= sizeof buf && read_full(c, buf + 2, len) == 0) {
					buf[4] |= 0x80;
					/* Length one byte at a time, then the message in two halves. */
					if (write_slowly(c, buf, 2, 1) == 0)
						(void)write_slowly(c, buf + 2, len, len / 2 + 1);
				}
			}
			close(c);
		}
	}
}

/** Start a reflector on a fresh 127.0.0.1 port. */
static void reflector_start(reflector *r, enum reflect_mode m)
{
	struct sockaddr_in sa;
	socklen_t len;
	int udp = -1, other = socket(AF_INET, SOCK_DGRAM, 0);
	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	int tries;

	assert_true(other >= 0 && tcp >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(other, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
	/* The TCP port must equal the UDP port the kernel picked; another process may hold it over TCP: try again. */
	for (tries = 0; tries < 50; tries++) {
		udp = socket(AF_INET, SOCK_DGRAM, 0);
		assert_true(udp >= 0);
		sa.sin_port = 0;
		len = sizeof sa;
		assert_int_equal(bind(udp, (struct sockaddr *)&sa, sizeof sa), 0);
		assert_int_equal(getsockname(udp, (struct sockaddr *)&sa, &len), 0);
		if (bind(tcp, (struct sockaddr *)&sa, sizeof sa) == 0)
			break;
		close(udp);
		udp = -1;
	}
	assert_true(udp >= 0);
	assert_int_equal(listen(tcp, 8), 0);
	assert_int_equal(mr_snprintf(r->server, sizeof r->server, "127.0.0.1:%u", (unsigned)ntohs(sa.sin_port)), 0);
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (r->pid == 0) {
		reflector_serve(udp, other, tcp, m);
		_exit(0);
	}
	close(udp);
	close(other);
	close(tcp);
}

/** Stop a reflector. */
static void reflector_stop(reflector *r)
{
	kill(r->pid, SIGKILL);
	waitpid(r->pid, NULL, 0);
}

/** A reply from the server's address but another port is stray; the same reply from the right port is taken. */
static void test_reply_from_other_port_is_stray(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	reflector r;
	outcome o;

	(void)state;
	reflector_start(&r, REFLECT_SAME);
	test_config(&cfg, 0.2, 1, r.server, NULL);
	run_one(&cfg, "echo.test", LDNS_RR_TYPE_A, &o, &st);
	reflector_stop(&r);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(st.stray, 0);

	reflector_start(&r, REFLECT_OTHER_PORT);
	test_config(&cfg, 0.2, 1, r.server, NULL);
	run_one(&cfg, "echo.test", LDNS_RR_TYPE_A, &o, &st);
	reflector_stop(&r);
	assert_int_equal(o.status, MR_DNS_TIMEOUT);
	assert_int_equal(o.attempts, 2);
	assert_int_equal(st.stray, 2);
}

/** A TCP reply that arrives in small pieces (length byte by byte) is put together. */
static void test_tcp_reply_in_pieces_is_reassembled(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	reflector r;
	outcome o;

	(void)state;
	reflector_start(&r, REFLECT_SLOW_TCP);
	test_config(&cfg, 2.0, 0, r.server, NULL);
	run_one(&cfg, "pieces.test", LDNS_RR_TYPE_A, &o, &st);
	reflector_stop(&r);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.tcp, 1);
	assert_int_equal(o.attempts, 2);
	assert_true(o.had_pkt);
	assert_int_equal(st.tcp, 1);
}

/** Write text to the resolv.conf fixture and return its path in dst. */
static void write_resolv(char *dst, size_t size, const char *text)
{
	FILE *f;

	fx_path(dst, size, "resolv.conf");
	f = fopen(dst, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/** Without servers, mr_dns_new takes the nameservers of cfg->resolv_conf and uses them. */
static void test_new_reads_resolv_conf_without_servers(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;
	char path[128];

	(void)state;
	write_resolv(path, sizeof path, "nameserver 127.0.0.1\n");
	mr_dns_config_init(&cfg);
	cfg.resolv_conf = path;
	/* resolv.conf has no port: prove the file was read by failing on port 53 quickly. */
	cfg.query_timeout = 0.1;
	cfg.retries = 0;
	memset(&o, 0, sizeof o);
	run_one(&cfg, "ready.test", LDNS_RR_TYPE_A, &o, &st);
	assert_string_equal(o.server, "127.0.0.1:53");
	assert_int_equal(o.attempts, 1);
}

/** Without any server, mr_dns_new fails with "no DNS server: ...". */
static void test_new_without_any_server_fails(void **state)
{
	mr_dns_config cfg;
	mr_buf err;
	char path[128];

	(void)state;
	mr_buf_init(&err, 256);
	mr_dns_config_init(&cfg);
	fx_path(path, sizeof path, "missing.conf");
	cfg.resolv_conf = path;
	assert_null(mr_dns_new(&cfg, &err));
	assert_true(strncmp(mr_buf_str(&err), "no DNS server: ", 15) == 0);
	assert_non_null(strstr(mr_buf_str(&err), "missing.conf"));
	mr_buf_reset(&err);
	write_resolv(path, sizeof path, "# nothing here\nsearch example.com\n");
	cfg.resolv_conf = path;
	assert_null(mr_dns_new(&cfg, &err));
	assert_true(strncmp(mr_buf_str(&err), "no DNS server: ", 15) == 0);
	mr_buf_free(&err);
}

/** mr_dns_new rejects settings out of range. */
static void test_new_rejects_bad_settings(void **state)
{
	mr_dns_config cfg;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 256);
	test_config(&cfg, 1.0, 1, "127.0.0.1", NULL);
	cfg.concurrency = 0;
	assert_null(mr_dns_new(&cfg, &err));
	assert_true(err.len > 0);
	test_config(&cfg, 0, 1, "127.0.0.1", NULL);
	assert_null(mr_dns_new(&cfg, &err));
	mr_dns_free(NULL);
	mr_buf_free(&err);
}

/** Bad names are refused at submit time. */
static void test_submit_rejects_bad_names(void **state)
{
	mr_dns_config cfg;
	mr_buf err;
	mr_dns *d;
	char longlabel[80], longname[300];
	size_t i;

	(void)state;
	mr_buf_init(&err, 256);
	test_config(&cfg, 1.0, 1, "127.0.0.1", NULL);
	d = mr_dns_new(&cfg, &err);
	assert_non_null(d);
	memset(longlabel, 'a', 64);
	longlabel[64] = '\0';
	for (i = 0; i + 2 < sizeof longname - 1; i += 2) {
		longname[i] = 'a';
		longname[i + 1] = '.';
	}
	longname[i] = '\0';
	assert_int_equal(mr_dns_submit(d, "", LDNS_RR_TYPE_A, record_cb, NULL), -1);
	assert_int_equal(mr_dns_submit(d, "a..b", LDNS_RR_TYPE_A, record_cb, NULL), -1);
	assert_int_equal(mr_dns_submit(d, longlabel, LDNS_RR_TYPE_A, record_cb, NULL), -1);
	assert_int_equal(mr_dns_submit(d, longname, LDNS_RR_TYPE_A, record_cb, NULL), -1);
	assert_int_equal(mr_dns_submit(d, NULL, LDNS_RR_TYPE_A, record_cb, NULL), -1);
	/* Nothing was queued: the run finishes at once. */
	assert_int_equal(mr_dns_run(d, mr_now() + 5, NULL, NULL), 0);
	mr_dns_free(d);
	mr_buf_free(&err);
}

/** Build a packet whose answer section holds the given RRs (zone-file lines). */
static ldns_pkt *answer_pkt(const char *const *rrs, size_t n)
{
	ldns_pkt *p = ldns_pkt_new();
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++) {
		ldns_rr *rr = NULL;

		assert_int_equal(ldns_rr_new_frm_str(&rr, rrs[i], 60, NULL, NULL), LDNS_STATUS_OK);
		assert_true(ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr));
	}
	return p;
}

/** Addresses come from A and AAAA records of any owner (CNAME chains), bounded by max. */
static void test_answer_addrs_follow_cname_chains_and_bound(void **state)
{
	const char *rrs[] = {
		"www.test. IN CNAME host.test.",
		"host.test. IN A 192.0.2.1",
		"host.test. IN AAAA 2001:db8::1",
		"host.test. IN TXT \"not an address\"",
		"host.test. IN A 192.0.2.2",
	};
	ldns_pkt *p = answer_pkt(rrs, 5);
	mr_addr a[4];
	char b[64];

	(void)state;
	assert_int_equal(mr_dns_answer_addrs(p, a, 4), 3);
	assert_int_equal(a[0].family, AF_INET);
	assert_string_equal(addr_text(&a[0], b, sizeof b), "192.0.2.1");
	assert_int_equal(a[1].family, AF_INET6);
	assert_string_equal(addr_text(&a[1], b, sizeof b), "2001:db8::1");
	assert_string_equal(addr_text(&a[2], b, sizeof b), "192.0.2.2");
	assert_int_equal(mr_dns_answer_addrs(p, a, 2), 2);
	assert_int_equal(mr_dns_answer_addrs(NULL, a, 2), 0);
	ldns_pkt_free(p);
}

/** TXT strings of one record join without separator; records join with " / ". */
static void test_answer_txt_joins_strings_and_records(void **state)
{
	const char *rrs[] = {
		"t.test. IN TXT \"Listed, \" \"see http://x.invalid/?1\"",
		"t.test. IN A 127.0.0.2",
		"t.test. IN TXT \" second \"",
	};
	ldns_pkt *p = answer_pkt(rrs, 3);
	mr_buf out;

	(void)state;
	mr_buf_init(&out, 1024);
	assert_int_equal(mr_dns_answer_txt(p, &out), 0);
	assert_string_equal(mr_buf_str(&out), "Listed, see http://x.invalid/?1 /  second ");
	mr_buf_free(&out);
	/* The text is cut at the buffer's ceiling. */
	mr_buf_init(&out, 10);
	assert_int_equal(mr_dns_answer_txt(p, &out), 0);
	assert_string_equal(mr_buf_str(&out), "Listed, se");
	mr_buf_free(&out);
	ldns_pkt_free(p);
}

/** MX records are sorted by preference, ties in answer order, without the final dot. */
static void test_answer_mx_sorts_by_preference_stably(void **state)
{
	const char *rrs[] = {
		"d.test. IN MX 20 b.mx.test.",
		"d.test. IN MX 10 a.mx.test.",
		"d.test. IN MX 20 c.mx.test.",
		"d.test. IN MX 5 first.mx.test.",
	};
	ldns_pkt *p = answer_pkt(rrs, 4);
	mr_dns_mx mx[4];

	(void)state;
	assert_int_equal(mr_dns_answer_mx(p, mx, 4), 4);
	assert_int_equal(mx[0].pref, 5);
	assert_string_equal(mx[0].host, "first.mx.test");
	assert_string_equal(mx[1].host, "a.mx.test");
	assert_string_equal(mx[2].host, "b.mx.test");
	assert_string_equal(mx[3].host, "c.mx.test");
	/* With room for two, the two most preferred are kept. */
	assert_int_equal(mr_dns_answer_mx(p, mx, 2), 2);
	assert_string_equal(mx[0].host, "first.mx.test");
	assert_string_equal(mx[1].host, "a.mx.test");
	ldns_pkt_free(p);
}

/** Mail hosts: MX hosts by preference; no MX means the domain itself; NXDOMAIN, errors and a null MX give a reason. */
static void test_mail_hosts_follow_rfc5321_and_null_mx(void **state)
{
	const char *two[] = { "d.test. IN MX 20 b.mx.test.", "d.test. IN MX 10 a.mx.test." };
	const char *null_mx[] = { "d.test. IN MX 0 ." };
	const char *other[] = { "d.test. IN A 192.0.2.1" };
	mr_dns_result r;
	mr_dns_mx mx[4];
	char why[200];
	ldns_pkt *p;

	(void)state;
	memset(&r, 0, sizeof r);
	r.status = MR_DNS_NOERROR;
	r.pkt = p = answer_pkt(two, 2);
	assert_int_equal(mr_dns_mail_hosts(&r, "d.test", mx, 4, why, sizeof why), 2);
	assert_string_equal(mx[0].host, "a.mx.test");
	assert_string_equal(mx[1].host, "b.mx.test");
	ldns_pkt_free(p);

	r.pkt = p = answer_pkt(other, 1);  /* NOERROR without MX records */
	assert_int_equal(mr_dns_mail_hosts(&r, "d.test", mx, 4, why, sizeof why), 1);
	assert_string_equal(mx[0].host, "d.test");
	ldns_pkt_free(p);

	r.pkt = p = answer_pkt(null_mx, 1);
	assert_int_equal(mr_dns_mail_hosts(&r, "d.test", mx, 4, why, sizeof why), 0);
	assert_string_equal(why, "d.test has a null MX: it accepts no mail");
	ldns_pkt_free(p);

	r.pkt = NULL;
	r.status = MR_DNS_NXDOMAIN;
	assert_int_equal(mr_dns_mail_hosts(&r, "d.test", mx, 4, why, sizeof why), 0);
	assert_string_equal(why, "d.test does not exist (NXDOMAIN)");
	r.status = MR_DNS_SERVFAIL;
	r.server = "127.0.0.1:53";
	assert_int_equal(mr_dns_mail_hosts(&r, "d.test", mx, 4, why, sizeof why), 0);
	assert_non_null(strstr(why, "MX lookup of d.test failed (SERVFAIL from 127.0.0.1:53)"));
	r.status = MR_DNS_TIMEOUT;
	r.server = NULL;
	assert_int_equal(mr_dns_mail_hosts(&r, "d.test", mx, 4, why, sizeof why), 0);
	assert_non_null(strstr(why, "MX lookup of d.test failed"));
}

/** Every status has its documented name. */
static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(mr_dns_status_name(MR_DNS_NOERROR), "NOERROR");
	assert_string_equal(mr_dns_status_name(MR_DNS_NXDOMAIN), "NXDOMAIN");
	assert_string_equal(mr_dns_status_name(MR_DNS_SERVFAIL), "SERVFAIL");
	assert_string_equal(mr_dns_status_name(MR_DNS_REFUSED), "REFUSED");
	assert_string_equal(mr_dns_status_name(MR_DNS_RCODE), "error rcode");
	assert_string_equal(mr_dns_status_name(MR_DNS_TIMEOUT), "timeout");
	assert_string_equal(mr_dns_status_name(MR_DNS_BADREPLY), "malformed reply");
	assert_string_equal(mr_dns_status_name(MR_DNS_CANCELLED), "cancelled (run deadline)");
}

/** The server syntax: IPv4, IPv4:PORT, IPv6, [IPv6]:PORT; port 53 by default. */
static void test_server_parse_accepts_the_four_forms(void **state)
{
	mr_dns_server s;

	(void)state;
	assert_int_equal(mr_dns_server_parse("192.0.2.1", &s), 0);
	assert_string_equal(s.text, "192.0.2.1:53");
	assert_int_equal(s.sa.ss_family, AF_INET);
	assert_int_equal(s.salen, sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(((struct sockaddr_in *)&s.sa)->sin_port), 53);
	assert_int_equal(mr_dns_server_parse("192.0.2.1:5353", &s), 0);
	assert_string_equal(s.text, "192.0.2.1:5353");
	assert_int_equal(ntohs(((struct sockaddr_in *)&s.sa)->sin_port), 5353);
	assert_int_equal(mr_dns_server_parse("2001:DB8:0::1", &s), 0);
	assert_string_equal(s.text, "[2001:db8::1]:53");
	assert_int_equal(s.sa.ss_family, AF_INET6);
	assert_int_equal(s.salen, sizeof(struct sockaddr_in6));
	assert_int_equal(mr_dns_server_parse("[2001:db8::1]:5353", &s), 0);
	assert_string_equal(s.text, "[2001:db8::1]:5353");
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&s.sa)->sin6_port), 5353);
	assert_int_equal(mr_dns_server_parse("[::1]", &s), 0);
	assert_string_equal(s.text, "[::1]:53");
	assert_int_equal(mr_dns_server_parse("127.0.0.1:65535", &s), 0);
	assert_int_equal(mr_dns_server_parse("127.0.0.1:1", &s), 0);
}

/** Bad server texts are rejected and leave the output alone. */
static void test_server_parse_rejects_bad_input(void **state)
{
	const char *bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4:", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:53x",
		"1.2.3.4:-1", "[2001:db8::1", "[2001:db8::1]x", "[2001:db8::1]:", "[2001:db8::1]:70000",
		"[192.0.2.1]:53", "2001:db8::1%eth0", "dns.example", " 1.2.3.4", "1.2.3.4 ", "[]:53",
		"2001:db8:::1", "::1:53:",
	};
	mr_dns_server s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&s, 0x5a, sizeof s);
		if (mr_dns_server_parse(bad[i], &s) != -1)
			fail_msg("accepted bad server '%s'", bad[i]);
		assert_int_equal(s.text[0], 0x5a);
	}
	assert_int_equal(mr_dns_server_parse(NULL, &s), -1);
}

/** The resolv.conf reader takes nameserver lines in order and skips the rest. */
static void test_resolv_conf_reader_takes_nameserver_lines(void **state)
{
	mr_dns_config cfg;
	mr_buf err;
	char path[128];

	(void)state;
	mr_buf_init(&err, 256);
	write_resolv(path, sizeof path,
	             "# comment nameserver 10.0.0.1\n"
	             "; another\n"
	             "search example.com\n"
	             "nameserver 192.0.2.1\n"
	             "nameserverx 192.0.2.9\n"
	             "nameserver not-an-address\n"
	             "  nameserver\tfe80::1%eth0\n"
	             "nameserver 2001:db8::2 # trailing comment\n"
	             "options ndots:2 timeout:1\n"
	             "nameserver 192.0.2.3");
	mr_dns_config_init(&cfg);
	assert_int_equal(mr_dns_read_resolv_conf(&cfg, path, &err), 0);
	assert_int_equal(cfg.nservers, 4);
	assert_string_equal(cfg.servers[0].text, "192.0.2.1:53");
	assert_string_equal(cfg.servers[1].text, "[fe80::1]:53");
	assert_string_equal(cfg.servers[2].text, "[2001:db8::2]:53");
	assert_string_equal(cfg.servers[3].text, "192.0.2.3:53");
	mr_buf_free(&err);
}

/** The reader stops at MR_DNS_MAX_SERVERS and fails with a reason on missing or empty files. */
static void test_resolv_conf_reader_bounds_and_errors(void **state)
{
	mr_dns_config cfg;
	mr_buf err, text;
	char path[128];
	int i;

	(void)state;
	mr_buf_init(&err, 256);
	mr_buf_init(&text, 4096);
	for (i = 0; i < MR_DNS_MAX_SERVERS + 3; i++)
		assert_int_equal(mr_buf_printf(&text, "nameserver 192.0.2.%d\n", i + 1), 0);
	write_resolv(path, sizeof path, mr_buf_str(&text));
	mr_dns_config_init(&cfg);
	assert_int_equal(mr_dns_read_resolv_conf(&cfg, path, &err), 0);
	assert_int_equal(cfg.nservers, MR_DNS_MAX_SERVERS);
	assert_string_equal(cfg.servers[MR_DNS_MAX_SERVERS - 1].text, "192.0.2.8:53");

	mr_dns_config_init(&cfg);
	assert_int_equal(mr_dns_read_resolv_conf(&cfg, "/nonexistent/resolv.conf", &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "/nonexistent/resolv.conf"));
	assert_int_equal(cfg.nservers, 0);

	mr_buf_reset(&err);
	write_resolv(path, sizeof path, "domain example.com\n");
	assert_int_equal(mr_dns_read_resolv_conf(&cfg, path, &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "no nameserver"));
	mr_buf_free(&err);
	mr_buf_free(&text);
}

/** The bytes entry point: NUL bytes and overlong lines are skipped, a line's start still counts; a file larger
 *  than MR_RESOLV_CONF_MAX is refused with a reason, not read on. */
static void test_resolv_conf_on_bytes(void **state)
{
	static const char text[] = "nameserver 192.0.2.1\0junk\nnameserver 192.0.2.2   \t# comment\n"
	                           "nameserver 192.0.2.3";
	mr_dns_config cfg;
	mr_buf err, big;
	char path[128];
	size_t i;

	(void)state;
	mr_buf_init(&err, 256);
	mr_buf_init(&big, 200000);
	mr_dns_config_init(&cfg);
	assert_int_equal(mr_dns_parse_resolv_conf(&cfg, text, sizeof text - 1, "bytes", &err), 0);
	assert_int_equal(cfg.nservers, 2);
	assert_string_equal(cfg.servers[0].text, "192.0.2.2:53");
	assert_string_equal(cfg.servers[1].text, "192.0.2.3:53");

	/* one line of 100,000 bytes: "nameserver 192.0.2.4" and blanks; its start is read */
	assert_int_equal(mr_buf_puts(&big, "nameserver 192.0.2.4"), 0);
	for (i = 0; i < 100000; i++)
		assert_int_equal(mr_buf_append(&big, " ", 1), 0);
	mr_dns_config_init(&cfg);
	assert_int_equal(mr_dns_parse_resolv_conf(&cfg, big.data, big.len, "bytes", &err), 0);
	assert_int_equal(cfg.nservers, 1);
	assert_string_equal(cfg.servers[0].text, "192.0.2.4:53");

	/* the same as a file is larger than the bound: refused */
	write_resolv(path, sizeof path, mr_buf_str(&big));
	mr_dns_config_init(&cfg);
	assert_int_equal(mr_dns_read_resolv_conf(&cfg, path, &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "larger than 65536 bytes"));
	assert_int_equal(cfg.nservers, 0);

	mr_buf_reset(&err);
	assert_int_equal(mr_dns_parse_resolv_conf(&cfg, "", 0, "empty", &err), -1);
	assert_string_equal(mr_buf_str(&err), "no nameserver line in empty");
	mr_buf_free(&err);
	mr_buf_free(&big);
}

/** Servers kept by --resolv-conf when it checked its file are used as they are: mr_dns_new does not read the file
 *  again (here it no longer exists). */
static void test_new_uses_resolv_servers_read_at_option_time(void **state)
{
	mr_dns_config cfg;
	mr_dns_stats st;
	outcome o;

	(void)state;
	mr_dns_config_init(&cfg);
	cfg.resolv_conf = "/nonexistent/resolv.conf";
	assert_int_equal(mr_dns_server_parse("127.0.0.1", &cfg.resolv_servers[0]), 0);
	cfg.nresolv = 1;
	cfg.query_timeout = 0.1;
	cfg.retries = 0;
	memset(&o, 0, sizeof o);
	run_one(&cfg, "ready.test", LDNS_RR_TYPE_A, &o, &st);
	assert_string_equal(o.server, "127.0.0.1:53");
	assert_int_equal(o.attempts, 1);
}

/** Defaults of a fresh config. */
static void test_config_init_sets_defaults(void **state)
{
	mr_dns_config cfg;

	(void)state;
	memset(&cfg, 0x7f, sizeof cfg);
	mr_dns_config_init(&cfg);
	assert_int_equal(cfg.nservers, 0);
	assert_null(cfg.resolv_conf);
	assert_true(cfg.query_timeout == 2.0);
	assert_int_equal(cfg.retries, 2);
	assert_int_equal(cfg.concurrency, 100);
	assert_true(cfg.rate == 0);
	assert_int_equal(cfg.verbose, 0);
}

/** Find the row of long option name in group g. */
static const mr_option *find_option(const mr_option_group *g, const char *name)
{
	const mr_option *o;

	for (o = g->options; o->long_name; o++)
		if (strcmp(o->long_name, name) == 0)
			return o;
	fail_msg("no option --%s", name);
	return NULL;
}

/** Call the group handler for option name with arg; returns its result. */
static int set_option(const mr_option_group *g, const char *name, const char *arg, mr_buf *err)
{
	const mr_option *o = find_option(g, name);

	mr_buf_reset(err);
	return o ? g->handle(g->cfg, o->id, arg, err) : -1;
}

/** The option group names its options, documents each and stores valid values. */
static void test_option_group_stores_values(void **state)
{
	mr_option_group g;
	mr_dns_config cfg;
	mr_buf err;
	const mr_option *o;
	char path[128];

	(void)state;
	mr_buf_init(&err, 256);
	mr_dns_config_init(&cfg);
	memset(&g, 0, sizeof g);
	mr_dns_option_group(&g, &cfg);
	assert_string_equal(g.title, "DNS");
	assert_ptr_equal(g.cfg, &cfg);
	for (o = g.options; o->long_name; o++) {
		assert_non_null(o->help);
		assert_true(strlen(o->help) > 20);
		assert_int_equal(o->arg, MR_ARG_REQUIRED);
		assert_non_null(o->arg_name);
	}
	assert_int_equal(o - g.options, 6);
	o = find_option(&g, "server");
	assert_non_null(o);
	if (o) {
		assert_int_equal(o->short_name, 's');
		assert_true(o->flags & MR_OPT_REPEAT);
	}

	assert_int_equal(set_option(&g, "server", "192.0.2.1", &err), 0);
	assert_int_equal(set_option(&g, "server", "[2001:db8::1]:5353", &err), 0);
	assert_int_equal(cfg.nservers, 2);
	assert_string_equal(cfg.servers[1].text, "[2001:db8::1]:5353");
	assert_int_equal(set_option(&g, "query-timeout", "0.25", &err), 0);
	assert_true(cfg.query_timeout == 0.25);
	assert_int_equal(set_option(&g, "retries", "0", &err), 0);
	assert_int_equal(cfg.retries, 0);
	assert_int_equal(set_option(&g, "concurrency", "10000", &err), 0);
	assert_int_equal(cfg.concurrency, 10000);
	assert_int_equal(set_option(&g, "rate", "12.5", &err), 0);
	assert_true(cfg.rate == 12.5);
	assert_int_equal(set_option(&g, "rate", "0", &err), 0);
	assert_true(cfg.rate == 0);
	write_resolv(path, sizeof path, "nameserver 192.0.2.77\n");
	/* --resolv-conf is checked at once but only used when no --server is given. */
	assert_int_equal(set_option(&g, "resolv-conf", path, &err), 0);
	assert_int_equal(cfg.nservers, 2);
	assert_string_equal(cfg.resolv_conf, path);
	mr_buf_free(&err);
}

/** The handler rejects bad values with a reason that does not repeat the option name. */
static void test_option_group_rejects_bad_values(void **state)
{
	static const struct {
		const char *opt, *arg;
	} bad[] = {
		{ "server", "dns.example" }, { "server", "192.0.2.1:0" }, { "query-timeout", "0.01" },
		{ "query-timeout", "61" }, { "query-timeout", "1e1" }, { "query-timeout", "abc" },
		{ "retries", "-1" }, { "retries", "11" }, { "retries", "1.5" }, { "concurrency", "0" },
		{ "concurrency", "10001" }, { "rate", "-1" }, { "rate", "fast" },
		{ "resolv-conf", "/nonexistent/resolv.conf" },
	};
	mr_option_group g;
	mr_dns_config cfg;
	mr_buf err;
	size_t i;
	int k;

	(void)state;
	mr_buf_init(&err, 256);
	mr_dns_config_init(&cfg);
	mr_dns_option_group(&g, &cfg);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (set_option(&g, bad[i].opt, bad[i].arg, &err) != -1)
			fail_msg("--%s=%s accepted", bad[i].opt, bad[i].arg);
		assert_true(err.len > 0);
		assert_null(strstr(mr_buf_str(&err), "--"));
	}
	/* Nothing changed. */
	assert_int_equal(cfg.nservers, 0);
	assert_true(cfg.query_timeout == 2.0);
	assert_int_equal(cfg.retries, 2);
	assert_int_equal(cfg.concurrency, 100);
	/* At most MR_DNS_MAX_SERVERS resolvers. */
	for (k = 0; k < MR_DNS_MAX_SERVERS; k++)
		assert_int_equal(set_option(&g, "server", "192.0.2.1", &err), 0);
	assert_int_equal(set_option(&g, "server", "192.0.2.1", &err), -1);
	assert_true(err.len > 0);
	assert_int_equal(cfg.nservers, MR_DNS_MAX_SERVERS);
	mr_buf_free(&err);
}

/** Remove the temp directory and the files the tests may have left in it. */
static void remove_dir(void)
{
	const char *names[] = { "main.data", "alt.data", "testns.log", "testns6.log", "resolv.conf" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[128];

		if (mr_snprintf(path, sizeof path, "%s/%s", fx.dir, names[i]) == 0)
			unlink(path);
	}
	rmdir(fx.dir);
}

int main(void)
{
	const struct CMUnitTest offline[] = {
		cmocka_unit_test(test_answer_addrs_follow_cname_chains_and_bound),
		cmocka_unit_test(test_answer_txt_joins_strings_and_records),
		cmocka_unit_test(test_answer_mx_sorts_by_preference_stably),
		cmocka_unit_test(test_mail_hosts_follow_rfc5321_and_null_mx),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_server_parse_accepts_the_four_forms),
		cmocka_unit_test(test_server_parse_rejects_bad_input),
		cmocka_unit_test(test_config_init_sets_defaults),
		cmocka_unit_test(test_new_without_any_server_fails),
		cmocka_unit_test(test_new_rejects_bad_settings),
		cmocka_unit_test(test_submit_rejects_bad_names),
		cmocka_unit_test(test_resolv_conf_reader_takes_nameserver_lines),
		cmocka_unit_test(test_resolv_conf_reader_bounds_and_errors),
		cmocka_unit_test(test_resolv_conf_on_bytes),
		cmocka_unit_test(test_new_uses_resolv_servers_read_at_option_time),
		cmocka_unit_test(test_option_group_stores_values),
		cmocka_unit_test(test_option_group_rejects_bad_values),
	};
	const struct CMUnitTest live[] = {
		cmocka_unit_test(test_noerror_reply_gives_every_a_record),
		cmocka_unit_test(test_nxdomain_is_final_with_packet),
		cmocka_unit_test(test_nodata_is_noerror_without_addresses),
		cmocka_unit_test(test_servfail_is_retried_then_reported),
		cmocka_unit_test(test_refused_is_reported),
		cmocka_unit_test(test_servfail_fails_over_to_next_server),
		cmocka_unit_test(test_truncated_reply_is_redone_over_tcp),
		cmocka_unit_test(test_malformed_tcp_reply_is_badreply),
		cmocka_unit_test(test_silence_times_out_after_every_attempt),
		cmocka_unit_test(test_wrong_id_is_stray_and_times_out),
		cmocka_unit_test(test_wrong_question_is_stray_and_times_out),
		cmocka_unit_test(test_question_name_matches_case_insensitively),
		cmocka_unit_test(test_dead_first_server_fails_over),
		cmocka_unit_test(test_reply_from_other_port_is_stray),
		cmocka_unit_test(test_tcp_reply_in_pieces_is_reassembled),
		cmocka_unit_test(test_feed_of_2000_queries_answers_each_once),
		cmocka_unit_test(test_run_deadline_cancels_open_queries),
		cmocka_unit_test(test_callback_may_submit_more_queries),
		cmocka_unit_test(test_rate_limit_spaces_attempts),
		cmocka_unit_test(test_ipv6_server_is_queried),
		cmocka_unit_test(test_new_reads_resolv_conf_without_servers),
	};
	int failed;

	memset(&fx, 0, sizeof fx);
	if (mr_snprintf(fx.dir, sizeof fx.dir, "/tmp/test_dns.XXXXXX") < 0 || !mkdtemp(fx.dir)) {
		perror("mkdtemp");
		return 1;
	}
	failed = cmocka_run_group_tests_name("dns offline", offline, NULL, NULL);
	failed += cmocka_run_group_tests_name("dns with ldns-testns", live, group_setup, group_teardown);
	remove_dir();
	return failed ? 1 : 0;
}

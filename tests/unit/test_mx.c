/* test_mx.c: the shared MX and host address helper (common/mx.c) against a real ldns-testns server: mail hosts
 * by preference, the domain itself without MX, null MX and NXDOMAIN, address families, limits and failures;
 * and the same helper over the engine's scripted transport, answered per question. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/deadline.h"
#include "common/mx.h"
#include "unit_dns.h"
#include "unit_util.h"

/** The server of the tests. */
static unit_testns server;

/** What one callback saw. */
typedef struct seen {
	char domain[64];      /**< r->domain, "(null)" if NULL */
	char host[64];        /**< r->host */
	size_t rank;          /**< r->rank */
	int no_host;          /**< r->no_host */
	char addrs[200];      /**< addresses, space-separated, sorted as received */
	size_t n;             /**< r->n */
	mr_dns_status status[2]; /**< r->status */
	char fail[200];       /**< r->fail */
} seen;

/** All callbacks of one run. */
typedef struct seen_list {
	seen v[8];            /**< in callback order */
	size_t n;             /**< used */
} seen_list;

/** Callback: record what the helper reported. */
static void record(void *user, const mr_mx_addrs *r)
{
	seen_list *l = user;
	seen *s;

	assert_true(l->n < 8);
	s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	assert_int_equal(mr_snprintf(s->domain, sizeof s->domain, "%s", r->domain ? r->domain : "(null)"), 0);
	assert_int_equal(mr_snprintf(s->host, sizeof s->host, "%s", r->host), 0);
	s->rank = r->rank;
	s->no_host = r->no_host;
	s->n = r->n;
	s->status[0] = r->status[0];
	s->status[1] = r->status[1];
	assert_int_equal(mr_snprintf(s->fail, sizeof s->fail, "%s", r->fail), 0);
	for (size_t i = 0; i < r->n; i++) {
		char a[MR_ADDR_STRLEN];
		size_t len = strlen(s->addrs);
		assert_int_equal(mr_addr_format(&r->a[i], a, sizeof a), 0);
		assert_int_equal(mr_snprintf(s->addrs + len, sizeof s->addrs - len, "%s%s", len ? " " : "", a), 0);
	}
}

/** The results sorted by rank (the callbacks come in the order the answers arrive). */
static int cmp_rank(const void *pa, const void *pb)
{
	const seen *a = pa, *b = pb;

	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/** A new engine on the test server, one attempt of 1 s per query. */
static mr_dns *engine(void)
{
	mr_dns_config cfg;
	mr_buf err;
	mr_dns *d;

	mr_dns_config_init(&cfg);
	cfg.query_timeout = 1;
	cfg.retries = 0;
	assert_int_equal(mr_dns_server_parse(server.server, &cfg.servers[0]), 0);
	cfg.nservers = 1;
	mr_buf_init(&err, 256);
	d = mr_dns_new(&cfg, &err);
	assert_non_null(d);
	mr_buf_free(&err);
	return d;
}

/** Resolve domain (or host when is_host) with families and max_addrs into l, sorted by rank. */
static void resolve(const char *name, int is_host, unsigned families, size_t max_addrs, seen_list *l)
{
	mr_dns *d = engine();

	memset(l, 0, sizeof(*l));
	if (is_host)
		assert_int_equal(mr_mx_host(d, name, families, max_addrs, record, l), 0);
	else
		assert_int_equal(mr_mx_domain(d, name, families, MR_MX_MAX_HOSTS, max_addrs, record, l), 0);
	assert_int_equal(mr_dns_run(d, mr_now() + 20, NULL, NULL), 0);
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_rank);
	mr_dns_free(d);
}

/** The mail hosts of a domain come by preference, each with its A and AAAA addresses. */
static void test_domain_hosts(void **state)
{
	seen_list l;
	(void)state;

	resolve("mail.test", 0, MR_MX_IPV4 | MR_MX_IPV6, 16, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].domain, "mail.test");
	assert_string_equal(l.v[0].host, "a.mx.test");
	assert_int_equal(l.v[0].n, 3);
	assert_non_null(strstr(l.v[0].addrs, "192.0.2.1 192.0.2.2"));
	assert_non_null(strstr(l.v[0].addrs, "2001:db8::1"));
	assert_string_equal(l.v[0].fail, "");
	assert_string_equal(l.v[1].host, "b.mx.test");
	assert_int_equal(l.v[1].rank, 1);
	assert_string_equal(l.v[1].addrs, "192.0.2.3");
}

/** One family only, and at most max_addrs addresses per host. */
static void test_family_and_limit(void **state)
{
	seen_list l;
	(void)state;

	resolve("mail.test", 0, MR_MX_IPV4, 1, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].addrs, "192.0.2.1");
	resolve("mail.test", 0, MR_MX_IPV6, 4, &l);
	assert_string_equal(l.v[0].addrs, "2001:db8::1");
	assert_int_equal(l.v[1].n, 0);
	assert_string_equal(l.v[1].fail, "b.mx.test: no AAAA records");
}

/** Without MX the domain itself is the mail host; a null MX and NXDOMAIN give no host and a reason. */
static void test_no_mx(void **state)
{
	seen_list l;
	(void)state;

	resolve("nomx.test", 0, MR_MX_IPV4 | MR_MX_IPV6, 8, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].host, "nomx.test");
	assert_string_equal(l.v[0].addrs, "192.0.2.9");
	resolve("nullmx.test", 0, MR_MX_IPV4, 8, &l);
	assert_int_equal(l.n, 1);
	assert_true(l.v[0].no_host);
	assert_string_equal(l.v[0].host, "nullmx.test");
	assert_string_equal(l.v[0].fail, "nullmx.test has a null MX: it accepts no mail");
	resolve("nx.test", 0, MR_MX_IPV4, 8, &l);
	assert_true(l.v[0].no_host);
	assert_string_equal(l.v[0].fail, "nx.test does not exist (NXDOMAIN)");
}

/** A plain host: the most telling failure is kept, an address of either family is enough. */
static void test_host(void **state)
{
	seen_list l;
	char want[200];
	(void)state;

	resolve("gone.test", 1, MR_MX_IPV4 | MR_MX_IPV6, 8, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].domain, "(null)");
	assert_int_equal(l.v[0].n, 0);
	assert_string_equal(l.v[0].fail, "gone.test: A/AAAA does not exist (NXDOMAIN)");
	resolve("half.test", 1, MR_MX_IPV4 | MR_MX_IPV6, 8, &l);
	assert_string_equal(l.v[0].addrs, "2001:db8::5");
	assert_int_equal(l.v[0].status[0], MR_DNS_SERVFAIL);
	assert_int_equal(l.v[0].status[1], MR_DNS_NOERROR);
	assert_string_equal(l.v[0].fail, "");
	resolve("half.test", 1, MR_MX_IPV4, 8, &l);
	assert_int_equal(mr_snprintf(want, sizeof want, "half.test: A lookup failed (SERVFAIL from %s)", server.server), 0);
	assert_string_equal(l.v[0].fail, want);
}

/** Resolve domain over the scripted transport answering from rules, into l sorted by rank; returns the table. */
static unit_dns_table scripted(const unit_dns_rule *rules, size_t n, const char *domain, unsigned families,
                               seen_list *l)
{
	unit_dns_table t = { rules, n, 0, 0 };
	mr_dns *d = unit_dns_scripted(unit_dns_table_script, &t, 0);

	memset(l, 0, sizeof(*l));
	assert_int_equal(mr_mx_domain(d, domain, families, MR_MX_MAX_HOSTS, 8, record, l), 0);
	assert_int_equal(mr_dns_run(d, mr_now() + 20, NULL, NULL), 0);
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_rank);
	mr_dns_free(d);
	return t;
}

/** Scripted: hosts by preference from a truncated MX answer (asked again over TCP), each host's own failure. */
static void test_scripted_hosts(void **state)
{
	static const unit_dns_rule rules[] = {
		{ "m.test", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, 1,
		  "m.test. 60 IN MX 30 c.m.test.\nm.test. 60 IN MX 10 a.m.test.\nm.test. 60 IN MX 20 b.m.test." },
		{ "a.m.test", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, 0, "a.m.test. 60 IN A 192.0.2.1" },
		{ "a.m.test", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, 0, "a.m.test. 60 IN AAAA 2001:db8::1" },
		{ "b.m.test", LDNS_RR_TYPE_A, LDNS_RCODE_SERVFAIL, 0, NULL },
		{ "b.m.test", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, 0, NULL },
		{ "c.m.test", LDNS_RR_TYPE_A, -1, 0, NULL },
		{ "c.m.test", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, 0,
		  "c.m.test. 60 IN CNAME x.m.test.\nx.m.test. 60 IN AAAA 2001:db8::3" },
	};
	seen_list l;
	unit_dns_table t;
	(void)state;

	t = scripted(rules, sizeof rules / sizeof rules[0], "m.test", MR_MX_IPV4 | MR_MX_IPV6, &l);
	assert_int_equal(t.asked_tcp, 1);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].host, "a.m.test");
	assert_string_equal(l.v[0].addrs, l.v[0].addrs[0] == '1' ? "192.0.2.1 2001:db8::1" : "2001:db8::1 192.0.2.1");
	assert_string_equal(l.v[1].host, "b.m.test");
	assert_int_equal(l.v[1].n, 0);
	assert_string_equal(l.v[1].fail, "b.m.test: A/AAAA lookup failed (SERVFAIL from 192.0.2.53:53)");
	assert_string_equal(l.v[2].host, "c.m.test");
	assert_int_equal(l.v[2].status[0], MR_DNS_TIMEOUT);
	assert_string_equal(l.v[2].addrs, "2001:db8::3");
	/* IPv4 only: the silent host fails with a timeout */
	t = scripted(rules, sizeof rules / sizeof rules[0], "m.test", MR_MX_IPV4, &l);
	assert_string_equal(l.v[2].fail, "c.m.test: A lookup failed (timeout from 192.0.2.53:53)");
}

/** Scripted: null MX, SERVFAIL and NXDOMAIN of the MX query, and a domain without MX. */
static void test_scripted_no_host(void **state)
{
	static const unit_dns_rule rules[] = {
		{ "null.test", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, 0, "null.test. 60 IN MX 0 ." },
		{ "broken.test", LDNS_RR_TYPE_MX, LDNS_RCODE_SERVFAIL, 0, NULL },
		{ "plain.test", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, 0, "plain.test. 60 IN A 192.0.2.99" },
		{ "plain.test", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, 0, "plain.test. 60 IN A 192.0.2.9" },
	};
	seen_list l;
	(void)state;

	(void)scripted(rules, 4, "null.test", MR_MX_IPV4, &l);
	assert_int_equal(l.n, 1);
	assert_true(l.v[0].no_host);
	assert_string_equal(l.v[0].fail, "null.test has a null MX: it accepts no mail");
	(void)scripted(rules, 4, "broken.test", MR_MX_IPV4, &l);
	assert_true(l.v[0].no_host);
	assert_string_equal(l.v[0].fail, "MX lookup of broken.test failed (SERVFAIL from 192.0.2.53:53)");
	(void)scripted(rules, 4, "gone.test", MR_MX_IPV4, &l);
	assert_string_equal(l.v[0].fail, "gone.test does not exist (NXDOMAIN)");
	/* an A record in an MX answer is not an MX: the domain itself is the mail host */
	(void)scripted(rules, 4, "plain.test", MR_MX_IPV4, &l);
	assert_int_equal(l.n, 1);
	assert_false(l.v[0].no_host);
	assert_string_equal(l.v[0].host, "plain.test");
	assert_string_equal(l.v[0].addrs, "192.0.2.9");
}

/** Callback that only counts hosts and checks their ranks are new. */
static void count_hosts(void *user, const mr_mx_addrs *r)
{
	unsigned *seen_rank = user;

	assert_true(r->rank < MR_MX_MAX_HOSTS);
	assert_int_equal(seen_rank[r->rank], 0);
	seen_rank[r->rank] = 1;
	seen_rank[MR_MX_MAX_HOSTS]++;
}

/** Scripted: an answer with more MX records than MR_MX_MAX_HOSTS resolves only the most preferred ones. */
static void test_scripted_many_mx(void **state)
{
	char answers[60 * 48];
	unit_dns_rule rule = { "many.test", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, 0, answers };
	unit_dns_table t = { &rule, 1, 0, 0 };
	unsigned seen_rank[MR_MX_MAX_HOSTS + 1];
	size_t off = 0;
	mr_dns *d;
	(void)state;

	for (int i = 0; i < 60; i++) {
		assert_int_equal(mr_snprintf(answers + off, sizeof answers - off, "many.test. 60 IN MX %d h%d.test.\n",
		                             60 - i, i), 0);
		off += strlen(answers + off);
	}
	memset(seen_rank, 0, sizeof seen_rank);
	d = unit_dns_scripted(unit_dns_table_script, &t, 0);
	assert_int_equal(mr_mx_domain(d, "many.test", MR_MX_IPV4, 100, 4, count_hosts, seen_rank), 0);
	assert_int_equal(mr_dns_run(d, mr_now() + 20, NULL, NULL), 0);
	mr_dns_free(d);
	assert_int_equal(seen_rank[MR_MX_MAX_HOSTS], MR_MX_MAX_HOSTS);
	/* one MX query, then one A query per kept host */
	assert_int_equal(t.asked, 1 + MR_MX_MAX_HOSTS);
}

/** Write the server's data file and start it. */
static int group_setup(void **state)
{
	char path[512], log[512];
	FILE *f;

	(void)state;
	if (scratch_init("test_mx") != 0 || mr_snprintf(path, sizeof path, "%s", scratch_path("mx.data")) != 0 ||
	    mr_snprintf(log, sizeof log, "%s", scratch_path("testns.log")) != 0)
		return -1;
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "ready.test. IN A", "ready.test. 60 IN A 127.0.0.1");
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "mail.test. IN MX",
	               "mail.test. 60 IN MX 20 b.mx.test.\nmail.test. 60 IN MX 10 a.mx.test.");
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "a.mx.test. IN A",
	               "a.mx.test. 60 IN A 192.0.2.1\na.mx.test. 60 IN A 192.0.2.2");
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "a.mx.test. IN AAAA", "a.mx.test. 60 IN AAAA 2001:db8::1");
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "b.mx.test. IN A", "b.mx.test. 60 IN A 192.0.2.3");
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "b.mx.test. IN AAAA", NULL);
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "nomx.test. IN MX", NULL);
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "nomx.test. IN A", "nomx.test. 60 IN A 192.0.2.9");
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "nomx.test. IN AAAA", NULL);
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "nullmx.test. IN MX", "nullmx.test. 60 IN MX 0 .");
	unit_dns_entry(f, NULL, 1, "QR AA NXDOMAIN", "nx.test. IN MX", NULL);
	unit_dns_entry(f, NULL, 1, "QR AA NXDOMAIN", "gone.test. IN A", NULL);
	unit_dns_entry(f, NULL, 1, "QR AA NXDOMAIN", "gone.test. IN AAAA", NULL);
	unit_dns_entry(f, NULL, 1, "QR SERVFAIL", "half.test. IN A", NULL);
	unit_dns_entry(f, NULL, 1, "QR AA NOERROR", "half.test. IN AAAA", "half.test. 60 IN AAAA 2001:db8::5");
	if (fclose(f) != 0)
		return -1;
	return unit_testns_start(&server, path, 0, log);
}

/** Stop the server and remove the files. */
static int group_teardown(void **state)
{
	(void)state;
	unit_testns_stop(&server);
	return scratch_remove();
}

/** Entry point. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_hosts),
		cmocka_unit_test(test_family_and_limit),
		cmocka_unit_test(test_no_mx),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_scripted_hosts),
		cmocka_unit_test(test_scripted_no_host),
		cmocka_unit_test(test_scripted_many_mx),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

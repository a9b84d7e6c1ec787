/* test_jmrp_judge.c: unit tests of check_jmrp's counter and verdict on bytes: tallies per IP and domain, the -H
 * and --sender-domain filters, unparsed messages (listed up to a bound), messages known from the cache counted
 * once, and the state from -w/-c and the rate. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "jmrp_unit.h"
#include "plugins/jmrp/jmrp_judge.h"

/** The tally of address text (NULL: "no source IP"); 0 if there is none. */
static size_t ip_tally(const jmrp_counter *c, const char *text)
{
	mr_addr a;

	if (text != NULL)
		assert_int_equal(mr_addr_parse(text, &a), 0);
	for (size_t i = 0; i < c->nip; i++)
		if (text == NULL ? !c->ipv[i].has_ip : c->ipv[i].has_ip && mr_addr_cmp(&c->ipv[i].ip, &a) == 0)
			return c->ipv[i].n;
	return 0;
}

/** The tally of domain d; 0 if there is none. */
static size_t domain_tally(const jmrp_counter *c, const char *d)
{
	for (size_t i = 0; i < c->ndom; i++)
		if (strcmp(c->domv[i].name, d) == 0)
			return c->domv[i].n;
	return 0;
}

/** Complaints are tallied per source IP (canonical) and per domain; "no source IP" is its own tally. */
static void test_tallies_per_ip_and_domain(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;

	(void)state;
	jmrp_unit_counter(&c, &cfg);
	jmrp_unit_feed(&c, "k1", "192.0.2.1", "a.example", 100);
	jmrp_unit_feed(&c, "k2", "192.0.2.1", "b.example", 100);
	jmrp_unit_feed(&c, "k3", "2001:db8:0::1", "a.example", 100);
	jmrp_unit_feed(&c, "k4", NULL, "a.example", 100);
	assert_int_equal(c.complaints, 4);
	assert_int_equal(ip_tally(&c, "192.0.2.1"), 2);
	assert_int_equal(ip_tally(&c, "2001:db8::1"), 1);
	assert_int_equal(ip_tally(&c, NULL), 1);
	assert_int_equal(domain_tally(&c, "a.example"), 3);
	assert_int_equal(domain_tally(&c, "b.example"), 1);
	assert_int_equal(c.n, 0); /* no state file: no per-message entries */
	jmrp_counter_free(&c);
}

/** Many distinct IPs: the hash tables grow and keep every tally apart. */
static void test_many_distinct_ips(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;
	char ip[32], key[32];

	(void)state;
	jmrp_unit_counter(&c, &cfg);
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 300; i++) {
			assert_int_equal(mr_snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 256, i % 256), 0);
			assert_int_equal(mr_snprintf(key, sizeof(key), "k%d.%d", round, i), 0);
			jmrp_unit_feed(&c, key, ip, "example.com", 100);
		}
	assert_int_equal(c.nip, 300);
	assert_int_equal(ip_tally(&c, "10.0.1.43"), 2);
	assert_int_equal(c.complaints, 600);
	jmrp_counter_free(&c);
}

/** -H keeps complaints from its ranges only (none without a source IP); --sender-domain matches the domain and
 *  its subdomains, case-insensitively, with a final dot ignored; both filters must pass. */
static void test_filters(void **state)
{
	mr_cidr net;
	const char *why = NULL, *doms[] = { "Example.COM." };
	jmrp_count_config cfg;
	jmrp_counter c;

	(void)state;
	assert_int_equal(mr_cidr_parse("192.0.2.0/24", &net, &why), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ips = &net;
	cfg.nips = 1;
	cfg.domains = doms;
	cfg.ndomains = 1;
	jmrp_counter_init(&c, &cfg);
	jmrp_unit_feed(&c, "k1", "192.0.2.7", "example.com", 100);      /* both pass */
	jmrp_unit_feed(&c, "k2", "192.0.2.8", "mail.example.com", 100); /* subdomain */
	jmrp_unit_feed(&c, "k3", "192.0.2.9", "badexample.com", 100);   /* not a subdomain */
	jmrp_unit_feed(&c, "k4", "198.51.100.1", "example.com", 100);   /* outside -H */
	jmrp_unit_feed(&c, "k5", NULL, "example.com", 100);             /* no IP */
	assert_int_equal(c.complaints, 2);
	assert_int_equal(c.filtered, 3);
	assert_int_equal(ip_tally(&c, "192.0.2.7"), 1);
	assert_int_equal(ip_tally(&c, "198.51.100.1"), 0);
	jmrp_counter_free(&c);
}

/** Unparsed messages are counted, never tallied, and listed with label and reason (cleaned). */
static void test_unparsed_are_listed(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;
	jmrp_msg m;

	(void)state;
	jmrp_unit_counter(&c, &cfg);
	jmrp_unit_feed_unread(&c, "k1", "new/a\tb", "larger than 8388608 bytes", 100);
	memset(&m, 0, sizeof(m));
	m.key = "k2";
	m.label = "cur/x";
	m.data = "Subject: hello\n\nnot a report\n";
	m.len = strlen(m.data);
	assert_int_equal(jmrp_counter_message(&c, &m), 0);
	assert_int_equal(c.unparsed, 2);
	assert_int_equal(c.complaints, 0);
	assert_int_equal(c.nlisted, 2);
	assert_string_equal(c.listed[0], "new/a b");
	assert_string_equal(jmrp_entry_why(c.listed[0]), "larger than 8388608 bytes");
	assert_string_equal(c.listed[1], "cur/x");
	jmrp_counter_free(&c);
}

/** Without a state file only the first 1000 unparsed messages are listed; all are counted. */
static void test_unparsed_list_is_bounded(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;

	(void)state;
	jmrp_unit_counter(&c, &cfg);
	for (int i = 0; i < 1005; i++)
		jmrp_unit_feed_unread(&c, "k", "l", "w", 100);
	assert_int_equal(c.unparsed, 1005);
	assert_int_equal(c.nlisted, 1000);
	jmrp_counter_free(&c);
}

/** A cached message is counted once when met (under its label of now), never twice, and an unknown key is not
 *  known; with keep, new messages get entries too. */
static void test_cached_messages_count_once(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_addr a;

	(void)state;
	jmrp_unit_counter(&c, &cfg);
	jmrp_counter_keep(&c);
	assert_int_equal(mr_addr_parse("192.0.2.1", &a), 0);
	assert_int_equal(jmrp_counter_add_cached(&c, "z", 100, JMRP_ARF, 1, &a, "example.com", "", ""), 0);
	assert_int_equal(jmrp_counter_add_cached(&c, "a", 100, JMRP_UNPARSED, 0, &a, "", "new/a", "no report"), 0);
	jmrp_counter_cache_done(&c);
	assert_int_equal(c.ncached, 2);
	assert_int_equal(c.complaints, 0); /* cached entries count only when met */
	assert_int_equal(jmrp_counter_known(&c, "z", "x", 200), 1);
	assert_int_equal(jmrp_counter_known(&c, "z", "x", 200), 0); /* met already */
	assert_int_equal(jmrp_counter_known(&c, "a", "cur/a", 200), 1);
	assert_int_equal(jmrp_counter_known(&c, "b", "b", 200), 0);
	assert_int_equal(c.complaints, 1);
	assert_int_equal(c.unparsed, 1);
	assert_string_equal(c.listed[0], "cur/a");
	assert_string_equal(jmrp_entry_why(c.listed[0]), "no report");
	jmrp_unit_feed(&c, "b", "192.0.2.2", "example.com", 100);
	assert_int_equal(c.n, 3);
	assert_int_equal(domain_tally(&c, "example.com"), 2);
	jmrp_counter_cache_drop(&c);
	assert_int_equal(jmrp_counter_known(&c, "a", "a", 200), 0);
	jmrp_counter_free(&c);
}

/** The verdict: -w/-c on the count, the rate in percent of --sent, and the worse of both. */
static void test_verdict(void **state)
{
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_thresholds thr, rate, none;
	jmrp_verdict v;

	(void)state;
	jmrp_unit_thresholds(&thr, "2", NULL);
	jmrp_unit_thresholds(&rate, NULL, "0.5");
	jmrp_unit_thresholds(&none, NULL, NULL);
	jmrp_unit_counter(&c, &cfg);
	jmrp_unit_feed(&c, "k1", "192.0.2.1", "example.com", 100);
	v = jmrp_counter_verdict(&c, &thr, 0, &none);
	assert_int_equal(v.state, MR_OK);
	assert_false(v.has_rate);
	jmrp_unit_feed(&c, "k2", "192.0.2.1", "example.com", 100);
	jmrp_unit_feed(&c, "k3", "192.0.2.1", "example.com", 100);
	v = jmrp_counter_verdict(&c, &thr, 0, &none);
	assert_int_equal(v.state, MR_WARNING);
	v = jmrp_counter_verdict(&c, &thr, 1000, &rate); /* 0.3 % */
	assert_true(v.has_rate);
	assert_true(v.rate > 0.2999 && v.rate < 0.3001);
	assert_int_equal(v.rate_state, MR_OK);
	assert_int_equal(v.state, MR_WARNING);
	v = jmrp_counter_verdict(&c, &none, 500, &rate); /* 0.6 % */
	assert_int_equal(v.rate_state, MR_CRITICAL);
	assert_int_equal(v.state, MR_CRITICAL);
	jmrp_counter_free(&c);
}

/** Run the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tallies_per_ip_and_domain),
		cmocka_unit_test(test_many_distinct_ips),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_unparsed_are_listed),
		cmocka_unit_test(test_unparsed_list_is_bounded),
		cmocka_unit_test(test_cached_messages_count_once),
		cmocka_unit_test(test_verdict),
	};

	return cmocka_run_group_tests(tests, jmrp_unit_setup, jmrp_unit_teardown);
}

/* test_smtp_spamhaus.c: unit tests of check_ms_smtp's Spamhaus ZEN lookup: the query names (public and DQS),
 * answers taken from DNS wire bytes, and their verdicts (listing, not listed, error codes, failed queries). */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plugins/ms_smtp/smtp_input_spamhaus.h"
#include "plugins/ms_smtp/smtp_judge_spamhaus.h"

/** A DQS key of the right shape (26 letters or digits); not a real one. */
#define KEY "abcdefghij0123456789klmnop"

/** The query names: reversed IPv4 and IPv6 nibbles under the public zone, or under KEY.zen.dq.spamhaus.net. */
static void test_query_names(void **state)
{
	char name[256];

	(void)state;
	assert_int_equal(smtp_zen_qname("192.0.2.7", NULL, name, sizeof(name)), 0);
	assert_string_equal(name, "7.2.0.192.zen.spamhaus.org");
	assert_int_equal(smtp_zen_qname("192.0.2.7", "", name, sizeof(name)), 0);
	assert_string_equal(name, "7.2.0.192.zen.spamhaus.org");
	assert_int_equal(smtp_zen_qname("192.0.2.7", KEY, name, sizeof(name)), 0);
	assert_string_equal(name, "7.2.0.192." KEY ".zen.dq.spamhaus.net");
	assert_int_equal(smtp_zen_qname("2001:db8::25", NULL, name, sizeof(name)), 0);
	assert_string_equal(name, "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org");
	assert_int_equal(smtp_zen_qname("not an ip", NULL, name, sizeof(name)), -1);
	assert_int_equal(smtp_zen_qname(NULL, NULL, name, sizeof(name)), -1);
	assert_int_equal(smtp_zen_qname("192.0.2.7", KEY, name, 20), -1);
}

/** Build the wire bytes of a reply to "7.2.0.192.zen.spamhaus.org A" with the given A records; *len set. */
static uint8_t *reply_bytes(int rcode, const char *const *addrs, size_t n, size_t *len)
{
	static const uint8_t qname[] = "\x01" "7" "\x01" "2" "\x01" "0" "\x03" "192" "\x03" "zen" "\x08" "spamhaus"
	                               "\x03" "org";
	uint8_t *b = calloc(1, 512);
	size_t p = 12;

	assert_non_null(b);
	b[0] = 0x12;
	b[1] = 0x34;
	b[2] = 0x81;                      /* QR, RD */
	b[3] = (uint8_t)(0x80 | rcode);   /* RA, rcode */
	b[5] = 1;                         /* one question */
	b[7] = (uint8_t)n;                /* n answers */
	memcpy(b + p, qname, sizeof(qname)); /* with its final zero byte */
	p += sizeof(qname);
	b[p++] = 0; b[p++] = 1; b[p++] = 0; b[p++] = 1; /* A IN */
	for (size_t i = 0; i < n; i++) {
		unsigned o[4];
		assert_int_equal(sscanf(addrs[i], "%u.%u.%u.%u", &o[0], &o[1], &o[2], &o[3]), 4);
		b[p++] = 0xc0; b[p++] = 12;                     /* the question's name */
		b[p++] = 0; b[p++] = 1; b[p++] = 0; b[p++] = 1; /* A IN */
		b[p++] = 0; b[p++] = 0; b[p++] = 0; b[p++] = 60; /* TTL */
		b[p++] = 0; b[p++] = 4;
		for (int k = 0; k < 4; k++)
			b[p++] = (uint8_t)o[k];
	}
	*len = p;
	return b;
}

/** Take an answer from wire bytes (as the engine hands it over) and judge it. */
static void judge_bytes(int rcode, mr_dns_status st, const char *const *addrs, size_t n, smtp_zen_verdict *v)
{
	size_t len = 0;
	uint8_t *wire = reply_bytes(rcode, addrs, n, &len);
	ldns_pkt *pkt = NULL;
	smtp_zen_answer ans;

	assert_int_equal(ldns_wire2pkt(&pkt, wire, len), LDNS_STATUS_OK);
	memset(&ans, 0, sizeof(ans));
	ans.asked = 1;
	smtp_zen_take(&ans, st, pkt);
	assert_int_equal(ans.na, n);
	smtp_zen_judge(&ans, v);
	ldns_pkt_free(pkt);
	free(wire);
}

/** Listings name their dataset and code; a listing wins over an error code in the same answer. */
static void test_listings(void **state)
{
	static const char *const sbl[] = { "127.0.0.2" };
	static const char *const xbl_pbl[] = { "127.0.0.4", "127.0.0.10" };
	static const char *const mixed[] = { "127.255.255.254", "127.0.0.3" };
	smtp_zen_verdict v;

	(void)state;
	judge_bytes(0, MR_DNS_NOERROR, sbl, 1, &v);
	assert_int_equal(v.kind, SMTP_ZEN_LISTED);
	assert_string_equal(v.text, "SBL: Spamhaus Block List (127.0.0.2)");
	judge_bytes(0, MR_DNS_NOERROR, xbl_pbl, 2, &v);
	assert_int_equal(v.kind, SMTP_ZEN_LISTED);
	assert_string_equal(v.text, "XBL: exploited or infected host (127.0.0.4); "
	                            "PBL: ISP policy, no direct mail from this range (127.0.0.10)");
	judge_bytes(0, MR_DNS_NOERROR, mixed, 2, &v);
	assert_int_equal(v.kind, SMTP_ZEN_LISTED);
	assert_string_equal(v.text, "CSS: low-reputation sender (127.0.0.3)");
}

/** Error codes, 127.0.0.1 and answers outside 127/8 are errors, never listings; NXDOMAIN is "not listed". */
static void test_errors_are_no_listings(void **state)
{
	static const char *const open_resolver[] = { "127.255.255.254" };
	static const char *const typo[] = { "127.255.255.252" };
	static const char *const rate[] = { "127.255.255.255" };
	static const char *const other_err[] = { "127.255.255.250" };
	static const char *const one[] = { "127.0.0.1" };
	static const char *const outside[] = { "198.51.100.80" };
	static const char *const unknown_code[] = { "127.0.0.200" };
	smtp_zen_verdict v;

	(void)state;
	judge_bytes(0, MR_DNS_NOERROR, open_resolver, 1, &v);
	assert_int_equal(v.kind, SMTP_ZEN_ERROR);
	assert_non_null(strstr(v.text, "public, open or unattributable resolver"));
	assert_non_null(strstr(v.text, "(127.255.255.254)"));
	judge_bytes(0, MR_DNS_NOERROR, typo, 1, &v);
	assert_int_equal(v.kind, SMTP_ZEN_ERROR);
	assert_non_null(strstr(v.text, "typo"));
	judge_bytes(0, MR_DNS_NOERROR, rate, 1, &v);
	assert_int_equal(v.kind, SMTP_ZEN_ERROR);
	assert_non_null(strstr(v.text, "rate limit"));
	judge_bytes(0, MR_DNS_NOERROR, other_err, 1, &v);
	assert_int_equal(v.kind, SMTP_ZEN_ERROR);
	assert_string_equal(v.text, "Spamhaus error code (127.255.255.250)");
	judge_bytes(0, MR_DNS_NOERROR, one, 1, &v);
	assert_int_equal(v.kind, SMTP_ZEN_ERROR);
	judge_bytes(0, MR_DNS_NOERROR, outside, 1, &v);
	assert_int_equal(v.kind, SMTP_ZEN_ERROR);
	assert_non_null(strstr(v.text, "outside 127.0.0.0/8"));
	judge_bytes(0, MR_DNS_NOERROR, unknown_code, 1, &v);
	assert_int_equal(v.kind, SMTP_ZEN_NOT_LISTED);
	judge_bytes(3, MR_DNS_NXDOMAIN, NULL, 0, &v);
	assert_int_equal(v.kind, SMTP_ZEN_NOT_LISTED);
	assert_string_equal(v.text, "not listed");
}

/** Failed queries: SERVFAIL and REFUSED are errors, a timeout or the run's deadline are timeouts. */
static void test_failed_queries(void **state)
{
	smtp_zen_answer ans;
	smtp_zen_verdict v;

	(void)state;
	memset(&ans, 0, sizeof(ans));
	ans.asked = 1;
	smtp_zen_take(&ans, MR_DNS_SERVFAIL, NULL);
	smtp_zen_judge(&ans, &v);
	assert_int_equal(v.kind, SMTP_ZEN_ERROR);
	assert_string_equal(v.text, mr_dns_status_name(MR_DNS_SERVFAIL));
	smtp_zen_take(&ans, MR_DNS_REFUSED, NULL);
	smtp_zen_judge(&ans, &v);
	assert_int_equal(v.kind, SMTP_ZEN_ERROR);
	smtp_zen_take(&ans, MR_DNS_TIMEOUT, NULL);
	smtp_zen_judge(&ans, &v);
	assert_int_equal(v.kind, SMTP_ZEN_TIMEOUT);
	smtp_zen_take(&ans, MR_DNS_CANCELLED, NULL);
	smtp_zen_judge(&ans, &v);
	assert_int_equal(v.kind, SMTP_ZEN_TIMEOUT);
	assert_string_equal(v.text, "no answer within -t");
	/* a lookup that could not be sent */
	assert_int_equal(smtp_zen_lookup(NULL, "192.0.2.7", NULL, 0, &ans), -1);
	smtp_zen_judge(&ans, &v);
	assert_int_equal(v.kind, SMTP_ZEN_ERROR);
	assert_string_equal(v.text, "the query could not be sent");
}

/** Run the Spamhaus tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_names),
		cmocka_unit_test(test_listings),
		cmocka_unit_test(test_errors_are_no_listings),
		cmocka_unit_test(test_failed_queries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

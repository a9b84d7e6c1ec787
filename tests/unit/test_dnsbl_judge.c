/* test_dnsbl_judge.c: unit tests of the DNSBL verdict (dnsbl_judge): DNS status, NXDOMAIN/NODATA, and every
 * class of A answer (listing, other code, error codes, non-127 answers) alone and mixed. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "plugins/dnsbl/dnsbl_judge.h"
#include "plugins/dnsbl/dnsbl_parse_catalogue.h"
#include "plugins/dnsbl/dnsbl_parse_spamhaus.h"
#include "plugins/dnsbl/dnsbl_parse_zonespec.h"

/** Build a host-order code from octets. */
#define C4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/** The built-in catalogue shared by the tests. */
static dnsbl_catalogue cat;

/** Parse the built-in catalogue once for all tests. */
static int setup(void **state)
{
	mr_buf err;
	int rc;

	(void)state;
	mr_buf_init(&err, 1024);
	dnsbl_catalogue_init(&cat);
	rc = dnsbl_catalogue_parse(&cat, dnsbl_default_catalogue, "built-in", &err);
	if (rc == 0)
		rc = dnsbl_catalogue_add_spec(&cat, "plain.example", 0, &err);
	if (rc != 0)
		fprintf(stderr, "setup: %s\n", mr_buf_str(&err));
	mr_buf_free(&err);
	return rc;
}

/** Free the shared catalogue. */
static int teardown(void **state)
{
	(void)state;
	dnsbl_catalogue_free(&cat);
	return 0;
}

/** The catalogue zone called name; fails the test when missing. */
static const dnsbl_zone *zone(const char *name)
{
	size_t i;

	for (i = 0; i < cat.n; i++)
		if (strcmp(cat.v[i].name, name) == 0)
			return &cat.v[i];
	fail_msg("zone %s missing", name);
	return NULL;
}

/** Judge answers a[0..na) of zone name with NOERROR into v. */
static void judge(const char *name, const uint32_t *a, size_t na, dnsbl_verdict *v)
{
	dnsbl_judge(zone(name), MR_DNS_NOERROR, a, na, v);
}

/** Every failed DNS status is an error named after the status, whatever the answers. */
static void test_failed_status_is_error_named_by_status(void **state)
{
	static const mr_dns_status bad[] = {
		MR_DNS_SERVFAIL, MR_DNS_REFUSED, MR_DNS_RCODE, MR_DNS_TIMEOUT, MR_DNS_BADREPLY, MR_DNS_CANCELLED
	};
	const uint32_t a[1] = { C4(127, 0, 0, 2) };
	dnsbl_verdict v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dnsbl_judge(zone("zen.spamhaus.org"), bad[i], a, 1, &v);
		assert_int_equal(v.kind, DNSBL_ERROR);
		assert_true(v.reason[0] != '\0');
		assert_string_equal(v.reason, mr_dns_status_name(bad[i]));
		assert_false(v.public_resolver);
	}
	dnsbl_judge(zone("zen.spamhaus.org"), MR_DNS_SERVFAIL, NULL, 0, &v);
	assert_non_null(strstr(v.reason, "SERVFAIL"));
}

/** NXDOMAIN is not listed; NOERROR without A is not listed either, with a note. */
static void test_nxdomain_and_nodata_are_not_listed(void **state)
{
	dnsbl_verdict v;

	(void)state;
	dnsbl_judge(zone("zen.spamhaus.org"), MR_DNS_NXDOMAIN, NULL, 0, &v);
	assert_int_equal(v.kind, DNSBL_NOT_LISTED);
	assert_string_equal(v.reason, "");
	dnsbl_judge(zone("zen.spamhaus.org"), MR_DNS_NOERROR, NULL, 0, &v);
	assert_int_equal(v.kind, DNSBL_NOT_LISTED);
	assert_non_null(strstr(v.reason, "without A"));
}

/** A listing code is a listing with the code and its meaning. */
static void test_listing_code_with_meaning(void **state)
{
	const uint32_t a[1] = { C4(127, 0, 0, 4) };
	dnsbl_verdict v;

	(void)state;
	judge("zen.spamhaus.org", a, 1, &v);
	assert_int_equal(v.kind, DNSBL_LISTED);
	assert_string_equal(v.reason, "127.0.0.4 XBL: exploited or infected host");
}

/** Several A records are all judged and their meanings joined in order. */
static void test_multiple_listing_codes_are_joined(void **state)
{
	const uint32_t a[3] = { C4(127, 0, 0, 2), C4(127, 0, 0, 9), C4(127, 0, 0, 2) };
	dnsbl_verdict v;

	(void)state;
	judge("zen.spamhaus.org", a, 3, &v);
	assert_int_equal(v.kind, DNSBL_LISTED);
	assert_string_equal(v.reason, "127.0.0.2 SBL: Spamhaus Block List (spam source or operation); "
	                              "127.0.0.9 DROP: hijacked or criminal network");
}

/** A valid answer outside the zone's listing codes is another code, not a listing. */
static void test_code_outside_listing_set_is_other_code(void **state)
{
	const uint32_t good[1] = { C4(127, 0, 0, 17) };
	const uint32_t bcl[1] = { C4(127, 0, 0, 30) };
	const uint32_t dbl[1] = { C4(127, 0, 1, 100) };
	dnsbl_verdict v;

	(void)state;
	judge("bl.mailspike.net", good, 1, &v);
	assert_int_equal(v.kind, DNSBL_OTHER_CODE);
	assert_string_equal(v.reason, "127.0.0.17 Mailspike H2: possibly legitimate sender");
	judge("zen.spamhaus.org", bcl, 1, &v);
	assert_int_equal(v.kind, DNSBL_OTHER_CODE);
	assert_non_null(strstr(v.reason, "BCL"));
	judge("dbl.spamhaus.org", dbl, 1, &v);
	assert_int_equal(v.kind, DNSBL_OTHER_CODE);
	assert_string_equal(v.reason, "127.0.1.100");
}

/** One listing code among other codes makes a listing that names only the listing. */
static void test_listing_beats_other_codes(void **state)
{
	const uint32_t a[2] = { C4(127, 0, 0, 17), C4(127, 0, 0, 10) };
	dnsbl_verdict v;

	(void)state;
	judge("bl.mailspike.net", a, 2, &v);
	assert_int_equal(v.kind, DNSBL_LISTED);
	assert_string_equal(v.reason, "127.0.0.10 Mailspike L5: worst possible reputation");
}

/** Without a listing set every valid 127/8 answer is a listing, meaning or not. */
static void test_zone_without_listing_set_lists_any_valid_code(void **state)
{
	const uint32_t a[1] = { C4(127, 0, 0, 77) };
	dnsbl_verdict v;

	(void)state;
	judge("plain.example", a, 1, &v);
	assert_int_equal(v.kind, DNSBL_LISTED);
	assert_string_equal(v.reason, "127.0.0.77");
	dnsbl_judge(NULL, MR_DNS_NOERROR, a, 1, &v);
	assert_int_equal(v.kind, DNSBL_LISTED);
}

/** An answer outside 127.0.0.0/8 is an error printed raw, alone or next to a listing. */
static void test_answer_outside_loopback_net_is_error(void **state)
{
	const uint32_t a[2] = { C4(127, 0, 0, 2), C4(62, 0, 58, 94) };
	dnsbl_verdict v;

	(void)state;
	judge("plain.example", a + 1, 1, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_string_equal(v.reason, "answer 62.0.58.94 outside 127.0.0.0/8 (hijacked, parked or rewritten zone)");
	judge("bl.spamcop.net", a, 2, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_null(strstr(v.reason, "127.0.0.2"));
	assert_non_null(strstr(v.reason, "62.0.58.94"));
}

/** 127.0.0.1 is never a listing (RFC 5782): an error hinting at a refused query. */
static void test_loopback_answer_is_error(void **state)
{
	const uint32_t a[1] = { C4(127, 0, 0, 1) };
	dnsbl_verdict v;

	(void)state;
	judge("plain.example", a, 1, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_string_equal(v.reason, "127.0.0.1 is never a listing (RFC 5782); query refused?");
}

/** 127.255.255.254 is an error naming the public resolver, and flags it, even next to a listing. */
static void test_public_resolver_code(void **state)
{
	const uint32_t a[2] = { C4(127, 0, 0, 2), C4(127, 255, 255, 254) };
	dnsbl_verdict v;

	(void)state;
	judge("zen.spamhaus.org", a, 2, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_true(v.public_resolver);
	assert_non_null(strstr(v.reason, "127.255.255.254"));
	assert_non_null(strstr(v.reason, "public"));
	assert_null(strstr(v.reason, "SBL"));

	/* A zone that does not know the code (a mirror under another name) still gets the meaning. */
	judge("plain.example", a + 1, 1, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_true(v.public_resolver);
	assert_non_null(strstr(v.reason, "public"));

	judge("zen.spamhaus.org", a, 1, &v);
	assert_false(v.public_resolver);
}

/** The other 127.255.255.0/24 codes are errors with their meaning, or a generic one. */
static void test_error_net_codes(void **state)
{
	const uint32_t typo[1] = { C4(127, 255, 255, 252) };
	const uint32_t rate[1] = { C4(127, 255, 255, 255) };
	const uint32_t other[1] = { C4(127, 255, 255, 200) };
	dnsbl_verdict v;

	(void)state;
	judge("zen.spamhaus.org", typo, 1, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_non_null(strstr(v.reason, "typo"));
	assert_false(v.public_resolver);
	judge("dbl.spamhaus.org", rate, 1, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_non_null(strstr(v.reason, "too many queries"));
	judge("plain.example", other, 1, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_string_equal(v.reason, "127.255.255.200 error (127.255.255.0/24 is never a listing)");
	/* other zones get the Spamhaus meanings of 127.255.255.0/24, not DBL's own codes */
	judge("plain.example", typo, 1, &v);
	assert_string_equal(v.reason, "127.255.255.252: typo in the DNSBL zone name");
	judge("plain.example", rate, 1, &v);
	assert_string_equal(v.reason, "127.255.255.255: too many queries (rate limit)");
}

/** A zone's own error codes are errors with their text: DBL's IP-query code, DNSWL's refusal. */
static void test_zone_error_codes(void **state)
{
	const uint32_t dbl[2] = { C4(127, 0, 1, 2), C4(127, 0, 1, 255) };
	const uint32_t wl[1] = { C4(127, 0, 0, 255) };
	dnsbl_verdict v;

	(void)state;
	judge("dbl.spamhaus.org", dbl + 1, 1, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_string_equal(v.reason, "127.0.1.255: IP query to a domain list");
	judge("dbl.spamhaus.org", dbl, 2, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	judge("dbl.spamhaus.org", dbl, 1, &v);
	assert_int_equal(v.kind, DNSBL_LISTED);
	assert_string_equal(v.reason, "127.0.1.2 DBL: spam domain");
	judge("list.dnswl.org", wl, 1, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_non_null(strstr(v.reason, "127.0.0.255: "));
}

/** Allow-list answers are judged like any listing, with the trust level as meaning. */
static void test_allow_list_answer(void **state)
{
	const uint32_t a[1] = { C4(127, 0, 10, 2) };
	dnsbl_verdict v;

	(void)state;
	judge("list.dnswl.org", a, 1, &v);
	assert_int_equal(v.kind, DNSBL_LISTED);
	assert_string_equal(v.reason, "127.0.10.2 DNSWL trust 2 (medium)");
}

/** Every answer is judged, the last of many too. */
static void test_every_answer_is_judged(void **state)
{
	uint32_t a[DNSBL_MAX_CODES + 3];
	dnsbl_verdict v;
	size_t i;

	(void)state;
	for (i = 0; i < DNSBL_MAX_CODES + 3; i++)
		a[i] = C4(127, 0, 0, 2 + i);
	a[DNSBL_MAX_CODES + 2] = C4(127, 255, 255, 254);
	judge("plain.example", a, DNSBL_MAX_CODES + 3, &v);
	assert_int_equal(v.kind, DNSBL_ERROR);
	assert_non_null(strstr(v.reason, "127.255.255.254"));
	assert_true(v.public_resolver);
}

/** A reason too long for the verdict is cut with "..." and stays terminated. */
static void test_long_reason_is_cut(void **state)
{
	uint32_t a[10];
	dnsbl_verdict v;
	size_t i;

	(void)state;
	for (i = 0; i < 10; i++)
		a[i] = C4(127, 0, 0, 2 + i);
	judge("zen.spamhaus.org", a, 10, &v);
	assert_int_equal(v.kind, DNSBL_LISTED);
	assert_int_equal(strlen(v.reason), sizeof v.reason - 1);
	assert_int_equal(strcmp(v.reason + strlen(v.reason) - 3, "..."), 0);
	assert_int_equal(strncmp(v.reason, "127.0.0.2 SBL", 13), 0);
}

/** The advice for 127.255.255.254 names the cause and both remedies. */
static void test_public_resolver_advice(void **state)
{
	(void)state;
	assert_non_null(strstr(dnsbl_public_resolver_advice, "public"));
	assert_non_null(strstr(dnsbl_public_resolver_advice, "8.8.8.8"));
	assert_non_null(strstr(dnsbl_public_resolver_advice, "-s"));
	assert_non_null(strstr(dnsbl_public_resolver_advice, "--dqs-key-file"));
}

/** Run the verdict tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_status_is_error_named_by_status),
		cmocka_unit_test(test_nxdomain_and_nodata_are_not_listed),
		cmocka_unit_test(test_listing_code_with_meaning),
		cmocka_unit_test(test_multiple_listing_codes_are_joined),
		cmocka_unit_test(test_code_outside_listing_set_is_other_code),
		cmocka_unit_test(test_listing_beats_other_codes),
		cmocka_unit_test(test_zone_without_listing_set_lists_any_valid_code),
		cmocka_unit_test(test_answer_outside_loopback_net_is_error),
		cmocka_unit_test(test_loopback_answer_is_error),
		cmocka_unit_test(test_public_resolver_code),
		cmocka_unit_test(test_error_net_codes),
		cmocka_unit_test(test_zone_error_codes),
		cmocka_unit_test(test_allow_list_answer),
		cmocka_unit_test(test_every_answer_is_judged),
		cmocka_unit_test(test_long_reason_is_cut),
		cmocka_unit_test(test_public_resolver_advice),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

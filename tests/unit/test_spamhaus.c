/* test_spamhaus.c: the suite's Spamhaus knowledge (common/spamhaus.c): meanings per dataset, full and brief,
 * error codes, dataset names, the DQS key shape and the public and DQS zone names. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "common/spamhaus.h"

/** Shorter name for the code macro. */
#define C4 MR_SPAMHAUS_CODE

/** Listing codes are found for the datasets that use them only, with their full and brief meanings. */
static void test_meanings(void **state)
{
	const mr_spamhaus_code *c;

	(void)state;
	c = mr_spamhaus_meaning("zen", C4(127, 0, 0, 2));
	assert_non_null(c);
	assert_string_equal(c->text, "SBL: Spamhaus Block List (spam source or operation)");
	assert_string_equal(mr_spamhaus_brief(c), "SBL: Spamhaus Block List");
	c = mr_spamhaus_meaning("zen", C4(127, 0, 0, 6));
	assert_non_null(c);
	assert_string_equal(c->text, "XBL (former code)");
	assert_string_equal(mr_spamhaus_brief(c), "XBL: exploited or infected host");
	c = mr_spamhaus_meaning("zen", C4(127, 0, 0, 10));
	assert_non_null(c);
	assert_string_equal(mr_spamhaus_brief(c), c->text);
	assert_null(mr_spamhaus_meaning("pbl", C4(127, 0, 0, 2)));
	assert_null(mr_spamhaus_meaning("zen", C4(127, 0, 0, 20)));
	assert_non_null(mr_spamhaus_meaning("authbl", C4(127, 0, 0, 20)));
	assert_null(mr_spamhaus_meaning("zen", C4(127, 0, 0, 1)));
	assert_null(mr_spamhaus_meaning("zen", C4(127, 0, 0, 8)));
	assert_null(mr_spamhaus_meaning("", C4(127, 0, 0, 2)));
	assert_non_null(mr_spamhaus_meaning("zrd", C4(127, 0, 2, 24)));
	assert_null(mr_spamhaus_meaning("zrd", C4(127, 0, 2, 25)));
}

/** Error codes: the 127.255.255.x rows of every zone; DBL's domain-list code only through the table. */
static void test_errors(void **state)
{
	const mr_spamhaus_code *c, *t;
	size_t n;

	(void)state;
	c = mr_spamhaus_error(C4(127, 255, 255, 252));
	assert_non_null(c);
	assert_string_equal(c->text, "typo in the DNSBL zone name");
	assert_string_equal(mr_spamhaus_brief(c), "typo in the zone name");
	c = mr_spamhaus_error(MR_SPAMHAUS_ERR_RESOLVER);
	assert_non_null(c);
	assert_string_equal(c->text, "public/open or unattributable resolver");
	c = mr_spamhaus_error(C4(127, 255, 255, 255));
	assert_non_null(c);
	assert_string_equal(mr_spamhaus_brief(c), "too many queries (rate limit)");
	assert_null(mr_spamhaus_error(C4(127, 255, 255, 253)));
	assert_null(mr_spamhaus_error(C4(127, 0, 1, 255)));
	t = mr_spamhaus_errors(&n);
	assert_int_equal(n, 4);
	assert_int_equal(t[0].lo, C4(127, 0, 1, 255));
	assert_true(mr_spamhaus_serves(&t[0], "dbl"));
	assert_true(mr_spamhaus_serves(&t[0], "zrd"));
	assert_false(mr_spamhaus_serves(&t[0], "zen"));
	assert_false(mr_spamhaus_serves(&t[0], "db"));
	assert_true(mr_spamhaus_serves(&t[1], "anything"));
	t = mr_spamhaus_meanings(&n);
	assert_true(n > 10);
	assert_false(mr_spamhaus_serves(&t[0], ""));
}

/** Dataset names: exact spans and any-case names give the canonical spelling. */
static void test_datasets(void **state)
{
	(void)state;
	assert_string_equal(mr_spamhaus_dataset_span("sbl-xbl.spamhaus.org", 7), "sbl-xbl");
	assert_string_equal(mr_spamhaus_dataset_span("zen.spamhaus.org", 3), "zen");
	assert_null(mr_spamhaus_dataset_span("zen.spamhaus.org", 4));
	assert_null(mr_spamhaus_dataset_span("ZEN", 3));
	assert_string_equal(mr_spamhaus_dataset_named("ZEN"), "zen");
	assert_string_equal(mr_spamhaus_dataset_named("AuthBL"), "authbl");
	assert_null(mr_spamhaus_dataset_named("zen2"));
	assert_null(mr_spamhaus_dataset_named(""));
}

/** A DQS key is exactly 26 ASCII letters or digits. */
static void test_dqs_key(void **state)
{
	(void)state;
	assert_int_equal(mr_spamhaus_dqs_key_valid("abcdefghijklmnopqrstuvwxy0"), 0);
	assert_int_equal(mr_spamhaus_dqs_key_valid("ABCDEFGHIJKLMNOPQRSTUVWXY9"), 0);
	assert_int_equal(mr_spamhaus_dqs_key_valid("abcdefghijklmnopqrstuvwxy"), -1);
	assert_int_equal(mr_spamhaus_dqs_key_valid("abcdefghijklmnopqrstuvwxy01"), -1);
	assert_int_equal(mr_spamhaus_dqs_key_valid("abcdefghijklmnopqrstuvwx-0"), -1);
	assert_int_equal(mr_spamhaus_dqs_key_valid("abcdefghijklmnopqrstuvwx\xc3\xa9"), -1);
	assert_int_equal(mr_spamhaus_dqs_key_valid(""), -1);
}

/** One zone-name case: dataset, key, output size, and the name wanted (NULL: does not fit). */
typedef struct zone_case {
	const char *ds;     /**< dataset */
	const char *key;    /**< DQS key or NULL */
	size_t size;        /**< output buffer size */
	const char *want;   /**< expected name, NULL for -1 */
} zone_case;

/** Zone names: public mirror without a key (or an empty one), DQS with one, -1 when the name does not fit. */
static void test_zone(void **state)
{
	static const zone_case cases[] = {
		{ "zen", NULL, 64, "zen.spamhaus.org" },
		{ "dbl", "", 64, "dbl.spamhaus.org" },
		{ "zen", "abcdefghijklmnopqrstuvwxy0", 64, "abcdefghijklmnopqrstuvwxy0.zen.dq.spamhaus.net" },
		{ "zen", "abcdefghijklmnopqrstuvwxy0", 47, "abcdefghijklmnopqrstuvwxy0.zen.dq.spamhaus.net" },
		{ "zen", "abcdefghijklmnopqrstuvwxy0", 46, NULL },
		{ "zen", NULL, 16, NULL },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = mr_spamhaus_zone(cases[i].ds, cases[i].key, out, cases[i].size);
		if (cases[i].want == NULL) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_string_equal(out, cases[i].want);
		}
	}
}

/** Entry point. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meanings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_datasets),
		cmocka_unit_test(test_dqs_key),
		cmocka_unit_test(test_zone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

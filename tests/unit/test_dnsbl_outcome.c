/* test_dnsbl_outcome.c: unit tests of check_dnsbl's outcome (dnsbl_outcome): counting verdicts per target and
 * per zone, which details are kept, the memory bound, and counter blocks allocated only when used. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "plugins/dnsbl/dnsbl_outcome.h"
#include "plugins/dnsbl/dnsbl_parse_zonespec.h"

/** Zones block.test (critical), soft.test (warning) and good.test (allow-list). */
static void zones(dnsbl_catalogue *cat)
{
	dnsbl_catalogue_init(cat);
	assert_int_equal(dnsbl_catalogue_add_spec(cat, "block.test", 0, NULL), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(cat, "soft.test:warning", 0, NULL), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(cat, "good.test", 1, NULL), 0);
}

/** Start o with one unit of size targets and cat's zones. */
static void start(dnsbl_outcome *o, const dnsbl_catalogue *cat, uint64_t size)
{
	dnsbl_unit u;

	memset(o, 0, sizeof(*o));
	memset(&u, 0, sizeof(u));
	u.cidr.base.family = AF_INET;
	u.cidr.prefix = 32;
	u.size = size;
	assert_int_equal(dnsbl_units_add(&o->units, &u, 1u << 24, NULL), 0);
	assert_int_equal(dnsbl_outcome_start(o, cat->n), 0);
	assert_int_equal(o->ntargets, size);
	assert_int_equal(o->asked, size);
}

/** A verdict of kind k with reason text. */
static dnsbl_verdict verdict(dnsbl_verdict_kind k, const char *reason)
{
	dnsbl_verdict v;

	memset(&v, 0, sizeof(v));
	v.kind = k;
	assert_int_equal(mr_snprintf(v.reason, sizeof(v.reason), "%s", reason), 0);
	return v;
}

/** Listings count per target and zone, the severity is the worst, an allow-listing is counted apart. */
static void test_counts(void **state)
{
	dnsbl_catalogue cat;
	dnsbl_outcome o;
	dnsbl_verdict listed = verdict(DNSBL_LISTED, "127.0.0.2"), err = verdict(DNSBL_ERROR, "SERVFAIL");
	const dnsbl_tstate *ts;
	(void)state;

	zones(&cat);
	start(&o, &cat, 3);
	assert_non_null(dnsbl_outcome_record(&o, &cat.v[1], 1, 0, &listed, 0, 100));
	assert_non_null(dnsbl_outcome_record(&o, &cat.v[0], 0, 0, &listed, 0, 100));
	assert_non_null(dnsbl_outcome_record(&o, &cat.v[2], 2, 0, &listed, 0, 100));
	assert_non_null(dnsbl_outcome_record(&o, &cat.v[0], 0, 2, &err, 0, 100));
	ts = dnsbl_outcome_target(&o, 0);
	assert_int_equal(ts->listed, 2);
	assert_int_equal(ts->allowed, 1);
	assert_int_equal(ts->usable, 3);
	assert_int_equal(ts->severity, MR_CRITICAL);
	assert_int_equal(o.targets_listed, 1);
	assert_int_equal(o.listed_pairs, 2);
	assert_int_equal(o.z[0].listed, 1);
	assert_int_equal(o.z[2].listed, 0);
	assert_int_equal(o.error_pairs, 1);
	assert_int_equal(o.z[0].errors, 1);
	assert_string_equal(o.z[0].first_error, "SERVFAIL");
	assert_int_equal(dnsbl_outcome_target(&o, 2)->errors, 1);
	/* a target without verdict reads as all zero */
	assert_int_equal(dnsbl_outcome_target(&o, 1)->usable, 0);
	assert_null(dnsbl_outcome_target(&o, 1)->first);
	/* details keep the order of arrival */
	assert_int_equal(ts->first->zone, 1);
	assert_int_equal(ts->first->next->zone, 0);
	assert_int_equal(o.stored, 4);
	dnsbl_outcome_free(&o);
	dnsbl_catalogue_free(&cat);
}

/** Which details are kept: listings and errors always; other codes from -v; "not listed" for one target or -vv. */
static void test_detail_kept(void **state)
{
	(void)state;
	assert_true(dnsbl_detail_kept(DNSBL_LISTED, 1000, 0));
	assert_true(dnsbl_detail_kept(DNSBL_ERROR, 1000, 0));
	assert_false(dnsbl_detail_kept(DNSBL_OTHER_CODE, 1, 0));
	assert_true(dnsbl_detail_kept(DNSBL_OTHER_CODE, 1, 1));
	assert_true(dnsbl_detail_kept(DNSBL_NOT_LISTED, 1, 0));
	assert_false(dnsbl_detail_kept(DNSBL_NOT_LISTED, 2, 1));
	assert_true(dnsbl_detail_kept(DNSBL_NOT_LISTED, 2, 2));
}

/** Not-listed answers of a range are counted but not kept; past the memory bound details are dropped. */
static void test_bound(void **state)
{
	dnsbl_catalogue cat;
	dnsbl_outcome o;
	dnsbl_verdict clean = verdict(DNSBL_NOT_LISTED, ""), listed = verdict(DNSBL_LISTED, "127.0.0.2");
	(void)state;

	zones(&cat);
	start(&o, &cat, 10);
	assert_null(dnsbl_outcome_record(&o, &cat.v[0], 0, 0, &clean, 0, 2));
	assert_int_equal(dnsbl_outcome_target(&o, 0)->usable, 1);
	for (uint64_t i = 1; i < 5; i++)
		(void)dnsbl_outcome_record(&o, &cat.v[0], 0, i, &listed, 0, 2);
	assert_int_equal(o.stored, 2);
	assert_int_equal(o.dropped, 2);
	assert_int_equal(o.targets_listed, 4);
	assert_false(o.oom);
	dnsbl_outcome_free(&o);
	dnsbl_catalogue_free(&cat);
}

/** A huge range allocates counters only for the block of the targets that got a verdict. */
static void test_blocks(void **state)
{
	dnsbl_catalogue cat;
	dnsbl_outcome o;
	dnsbl_verdict clean = verdict(DNSBL_NOT_LISTED, "");
	(void)state;

	zones(&cat);
	start(&o, &cat, 3 * DNSBL_TBLOCK + 5);
	assert_int_equal(o.ntb, 4);
	(void)dnsbl_outcome_record(&o, &cat.v[0], 0, 3 * DNSBL_TBLOCK + 4, &clean, 0, 10);
	assert_null(o.tb[0]);
	assert_null(o.tb[1]);
	assert_null(o.tb[2]);
	assert_non_null(o.tb[3]);
	assert_int_equal(dnsbl_outcome_target(&o, 3 * DNSBL_TBLOCK + 4)->usable, 1);
	dnsbl_outcome_free(&o);
	assert_null(o.tb);
	assert_int_equal(o.units.nunit, 0);
	dnsbl_catalogue_free(&cat);
}

/** Entry point. */
/** An allow-list's "not listed" and other codes are usable answers (so an allow-list-only run can be OK); only
 *  block zones count listings. */
static void test_allow_list_answers_are_usable(void **state)
{
	dnsbl_catalogue cat;
	dnsbl_outcome o;
	dnsbl_verdict clean = verdict(DNSBL_NOT_LISTED, ""), other = verdict(DNSBL_OTHER_CODE, "127.0.0.17");
	const dnsbl_tstate *ts;
	(void)state;

	zones(&cat);
	start(&o, &cat, 2);
	(void)dnsbl_outcome_record(&o, &cat.v[2], 2, 0, &clean, 0, 100);
	(void)dnsbl_outcome_record(&o, &cat.v[2], 2, 1, &other, 0, 100);
	ts = dnsbl_outcome_target(&o, 0);
	assert_int_equal(ts->usable, 1);
	assert_int_equal(ts->allowed, 0);
	assert_int_equal(ts->errors, 0);
	ts = dnsbl_outcome_target(&o, 1);
	assert_int_equal(ts->usable, 1);
	assert_int_equal(ts->other, 1);
	assert_int_equal(o.listed_pairs, 0);
	assert_int_equal(o.targets_listed, 0);
	dnsbl_outcome_free(&o);
	dnsbl_catalogue_free(&cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_allow_list_answers_are_usable),
		cmocka_unit_test(test_detail_kept),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_dnsbl_report.c: unit tests of check_dnsbl's report (dnsbl_report): an outcome built by hand is turned
 * into the result tree, rendered, and the output text is compared byte for byte. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/render.h"
#include "plugins/dnsbl/dnsbl_outcome.h"
#include "plugins/dnsbl/dnsbl_parse_zonespec.h"
#include "plugins/dnsbl/dnsbl_report.h"

/** A hand-made run: two zones, the targets given, and the outcome the report reads. */
typedef struct scene {
	dnsbl_catalogue cat;   /**< zones: block.test (critical), soft.test (warning) */
	dnsbl_outcome o;       /**< the outcome */
	mr_thresholds thr;     /**< no -w/-c */
} scene;

/** Start a scene with the zones and the IPv4 range cidr as the only unit. */
static void scene_init(scene *s, const char *cidr)
{
	dnsbl_unit u;
	const char *why = NULL;

	memset(s, 0, sizeof(*s));
	dnsbl_catalogue_init(&s->cat);
	assert_int_equal(dnsbl_catalogue_add_spec(&s->cat, "block.test", 0, NULL), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&s->cat, "soft.test:warning", 0, NULL), 0);
	memset(&u, 0, sizeof(u));
	assert_int_equal(mr_cidr_parse(cidr, &u.cidr, &why), 0);
	u.size = mr_cidr_size(&u.cidr);
	u.zones = 2;
	assert_int_equal(dnsbl_units_add(&s->o.units, &u, 1000, NULL), 0);
	assert_int_equal(dnsbl_outcome_start(&s->o, s->cat.n), 0);
	s->o.zones_used = 2;
}

/** Record a verdict of kind k with reason for target i from zone zi. */
static void put(scene *s, uint64_t i, uint32_t zi, dnsbl_verdict_kind k, const char *reason)
{
	dnsbl_verdict v;

	memset(&v, 0, sizeof(v));
	v.kind = k;
	assert_int_equal(mr_snprintf(v.reason, sizeof(v.reason), "%s", reason), 0);
	(void)dnsbl_outcome_record(&s->o, &s->cat.v[zi], zi, i, &v, 0, 100);
	assert_false(s->o.oom);
}

/** Run the report on the scene and render it multi-line; returns the text (caller frees) and the state. */
static char *report_text(scene *s, size_t max_details, mr_state *st)
{
	dnsbl_report_config rc;
	mr_check *c = mr_check_new("DNSBL");
	mr_buf b;
	char *text;

	assert_non_null(c);
	memset(&rc, 0, sizeof(rc));
	rc.zones = &s->cat;
	rc.o = &s->o;
	rc.thr = &s->thr;
	rc.max_details = max_details;
	rc.timeout_state = MR_UNKNOWN;
	rc.timeout = 15;
	rc.elapsed = 0.25;
	assert_int_equal(dnsbl_report(&rc, c), 0);
	*st = mr_check_state(c);
	mr_buf_init(&b, 1 << 16);
	assert_int_equal(mr_render(c, MR_FMT_MULTILINE, &b), 0);
	text = strdup(mr_buf_str(&b));
	assert_non_null(text);
	mr_buf_free(&b);
	mr_check_free(c);
	return text;
}

/** Free a scene. */
static void scene_free(scene *s)
{
	dnsbl_outcome_free(&s->o);
	dnsbl_catalogue_free(&s->cat);
}

/** Report the scene with max_details, compare state and text with the wanted ones, and free the scene. */
static void expect(scene *s, size_t max_details, mr_state want_st, const char *want)
{
	mr_state st;
	char *got = report_text(s, max_details, &st);

	assert_string_equal(got, want);
	assert_int_equal(st, want_st);
	free(got);
	scene_free(s);
}

/** One clean address: OK, both zones named in the long output. */
static void test_single_clean(void **state)
{
	scene s;
	(void)state;

	scene_init(&s, "192.0.2.1");
	put(&s, 0, 0, DNSBL_NOT_LISTED, "");
	put(&s, 0, 1, DNSBL_NOT_LISTED, "");
	s.o.queries = 2;
	expect(&s, 50, MR_OK,
	       "DNSBL OK - 192.0.2.1 not listed on 2 zones | listed=0 targets_listed=0 targets=1 zones=2 errors=0 "
	       "queries=2 time=0.25s\n"
	       "\\_ [OK] 192.0.2.1: not listed on 2 zones\n"
	       "  \\_ [OK] block.test: not listed\n"
	       "  \\_ [OK] soft.test: not listed\n");
}

/** A listing on the warning zone and an error on the other: WARNING, the listing in the summary. */
static void test_listed_and_error(void **state)
{
	scene s;
	(void)state;

	scene_init(&s, "192.0.2.1");
	put(&s, 0, 0, DNSBL_ERROR, "SERVFAIL");
	put(&s, 0, 1, DNSBL_LISTED, "127.0.0.2");
	s.o.queries = 2;
	expect(&s, 50, MR_WARNING,
	       "DNSBL WARNING - 192.0.2.1 listed on soft.test (127.0.0.2); 1 zone error | listed=1 targets_listed=1 "
	       "targets=1 zones=2 errors=1 queries=2 time=0.25s\n"
	       "\\_ [WARNING] 192.0.2.1: listed on 1 of 2 zones (1 zone error)\n"
	       "  \\_ [UNKNOWN] block.test: error: SERVFAIL\n"
	       "  \\_ [WARNING] soft.test: listed 127.0.0.2\n");
}

/** A range with one listed target of many, cut by --max-details 0: the hidden count is shown. */
static void test_range_hidden(void **state)
{
	scene s;
	(void)state;

	scene_init(&s, "192.0.2.0/28");
	for (uint64_t i = 0; i < 16; i++) {
		put(&s, i, 0, i == 5 ? DNSBL_LISTED : DNSBL_NOT_LISTED, "127.0.0.2");
		put(&s, i, 1, DNSBL_NOT_LISTED, "");
	}
	s.o.queries = 32;
	expect(&s, 0, MR_CRITICAL,
	       "DNSBL CRITICAL - 192.0.2.5 listed on block.test (127.0.0.2); 1 of 16 targets listed | listed=1 "
	       "targets_listed=1 targets=16 zones=2 errors=0 queries=32 time=0.25s\n"
	       "\\_ [OK] 1 more target not shown (--max-details)\n");
}

/** Entry point. */
/** Only allow-lists asked: a target none lists is OK, one listed is OK and says so. */
static void test_allow_only(void **state)
{
	scene s;
	(void)state;

	scene_init(&s, "192.0.2.0/31");
	s.cat.v[0].allow = 1;
	s.cat.v[1].allow = 1;
	put(&s, 0, 0, DNSBL_NOT_LISTED, "");
	put(&s, 0, 1, DNSBL_NOT_LISTED, "");
	put(&s, 1, 0, DNSBL_LISTED, "127.0.10.2");
	put(&s, 1, 1, DNSBL_NOT_LISTED, "");
	s.o.queries = 4;
	expect(&s, 50, MR_OK,
	       "DNSBL OK - 2 targets not listed on 2 zones | listed=0 targets_listed=0 targets=2 zones=2 errors=0 "
	       "queries=4 time=0.25s\n"
	       "\\_ [OK] 192.0.2.0: not listed on 2 zones\n"
	       "\\_ [OK] 192.0.2.1: not listed on 2 zones, allow-listed on 1\n"
	       "  \\_ [OK] block.test: allow-listed 127.0.10.2\n");
}

/** A deadline that cut off the only zone's query: the text counts it as the perfdata does, never "0 errors". */
static void test_unanswered_agrees_with_perfdata(void **state)
{
	scene s;
	(void)state;

	scene_init(&s, "192.0.2.1");
	put(&s, 0, 0, DNSBL_ERROR, "SERVFAIL");
	s.o.timed_out = 1;
	s.o.unfinished = 1;
	s.o.queries = 1;
	expect(&s, 50, MR_UNKNOWN,
	       "DNSBL UNKNOWN - 192.0.2.1: no usable answer from any zone (1 zone error, 1 query unanswered), "
	       "e.g. block.test: SERVFAIL; timed out with 1 query unanswered | listed=0 targets_listed=0 targets=1 "
	       "zones=2 errors=2 queries=1 time=0.25s\n"
	       "\\_ [UNKNOWN] 192.0.2.1: no usable answer from any zone (1 zone error, 1 query unanswered)\n"
	       "  \\_ [UNKNOWN] block.test: error: SERVFAIL\n"
	       "\\_ [UNKNOWN] timeout: 1 query not answered within 15 seconds (-t)\n");
}

/** A Spamhaus IP listing says that Microsoft refuses such IPs and the order of delisting; other zones do not. */
static void test_spamhaus_listing_names_microsoft(void **state)
{
	scene s;
	mr_state st;
	char *got;
	(void)state;

	scene_init(&s, "192.0.2.1");
	dnsbl_catalogue_free(&s.cat);
	dnsbl_catalogue_init(&s.cat);
	assert_int_equal(dnsbl_catalogue_add_spec(&s.cat, "zen.spamhaus.org", 0, NULL), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&s.cat, "soft.test:warning", 0, NULL), 0);
	put(&s, 0, 0, DNSBL_LISTED, "127.0.0.2 SBL");
	put(&s, 0, 1, DNSBL_LISTED, "127.0.0.2");
	got = report_text(&s, 50, &st);
	assert_int_equal(st, MR_CRITICAL);
	assert_non_null(strstr(got,
	       "  \\_ [CRITICAL] zen.spamhaus.org: listed 127.0.0.2 SBL - Microsoft's consumer mail (Outlook.com, "
	       "Hotmail) refuses mail from every IP that Spamhaus lists: request delisting at Spamhaus first "
	       "(https://check.spamhaus.org/), then with Microsoft's form (https://olcsupport.office.com/)\n"));
	assert_non_null(strstr(got, "  \\_ [WARNING] soft.test: listed 127.0.0.2\n"));
	free(got);
	scene_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_clean),
		cmocka_unit_test(test_listed_and_error),
		cmocka_unit_test(test_range_hidden),
		cmocka_unit_test(test_allow_only),
		cmocka_unit_test(test_unanswered_agrees_with_perfdata),
		cmocka_unit_test(test_spamhaus_listing_names_microsoft),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

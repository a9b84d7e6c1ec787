/* test_range.c: unit tests for common/range.c: every row and edge of the guideline range table
 * (plugin-conventions.md section 3), invalid ranges, canonical formatting and threshold order. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/range.h"

/** One value checked against one range. */
struct probe {
	double v;   /**< value */
	int alert;  /**< expected mr_range_alerts result */
};

/** Parse text (must succeed) and check every probe up to a terminating alert of -1. */
static void check_probes(const char *text, const struct probe *p)
{
	mr_range r;

	assert_int_equal(mr_range_parse(text, &r), 0);
	for (; p->alert >= 0; p++) {
		if (mr_range_alerts(&r, p->v) != p->alert)
			fail_msg("range \"%s\", value %g: expected alert=%d", text, p->v, p->alert);
	}
}

/** "10" is 0:10: alert below 0 or above 10, both ends OK. */
static void range_bare_number_is_zero_to_n(void **state)
{
	static const struct probe p[] = {
		{ -0.1, 1 }, { 0, 0 }, { 5, 0 }, { 10, 0 }, { 10.1, 1 }, { -1, 1 }, { 11, 1 }, { 1e300, 1 }, { 0, -1 },
	};
	mr_range r;

	(void)state;
	check_probes("10", p);
	assert_int_equal(mr_range_parse("10", &r), 0);
	assert_false(r.start_inf);
	assert_false(r.end_inf);
	assert_false(r.inside);
	assert_true(r.start == 0.0);
	assert_true(r.end == 10.0);
}

/** "10:" alerts below 10 only; 10 is OK. */
static void range_open_end_alerts_below_start(void **state)
{
	static const struct probe p[] = {
		{ 10, 0 }, { 9.9, 1 }, { 9.999999, 1 }, { 1e300, 0 }, { -5, 1 }, { 0, 1 }, { 0, -1 },
	};
	mr_range r;

	(void)state;
	check_probes("10:", p);
	assert_int_equal(mr_range_parse("10:", &r), 0);
	assert_true(r.end_inf);
	assert_false(r.start_inf);
	assert_true(r.start == 10.0);
}

/** "~:10" alerts above 10 only; its upper end 10 is inclusive (OK). */
static void range_tilde_start_has_inclusive_upper_end(void **state)
{
	static const struct probe p[] = {
		{ 10, 0 }, { 10.1, 1 }, { 10.000001, 1 }, { -1e300, 0 }, { 0, 0 }, { -10, 0 }, { 0, -1 },
	};
	mr_range r;

	(void)state;
	check_probes("~:10", p);
	assert_int_equal(mr_range_parse("~:10", &r), 0);
	assert_true(r.start_inf);
	assert_false(r.end_inf);
	assert_true(r.end == 10.0);
}

/** "10:20" alerts outside, both ends OK. */
static void range_start_end_alerts_outside(void **state)
{
	static const struct probe p[] = {
		{ 9.9, 1 }, { 10, 0 }, { 15, 0 }, { 20, 0 }, { 20.1, 1 }, { -15, 1 }, { 0, -1 },
	};

	(void)state;
	check_probes("10:20", p);
}

/** "@10:20" alerts inside, both ends alert. */
static void range_at_alerts_inside_including_ends(void **state)
{
	static const struct probe p[] = {
		{ 9.9, 0 }, { 10, 1 }, { 15, 1 }, { 20, 1 }, { 20.1, 0 }, { -15, 0 }, { 0, -1 },
	};
	mr_range r;

	(void)state;
	check_probes("@10:20", p);
	assert_int_equal(mr_range_parse("@10:20", &r), 0);
	assert_true(r.inside);
}

/** "0" alerts for anything but 0. */
static void range_zero_alerts_unless_zero(void **state)
{
	static const struct probe p[] = {
		{ 0, 0 }, { -0.0, 0 }, { -0.1, 1 }, { 0.1, 1 }, { 1, 1 }, { -1, 1 }, { 0, -1 },
	};

	(void)state;
	check_probes("0", p);
}

/** "10:10" alerts unless 10; "@10:10" alerts only at 10. */
static void range_single_point_and_inverted_point(void **state)
{
	static const struct probe outside[] = {
		{ 10, 0 }, { 9.9, 1 }, { 10.1, 1 }, { 0, 1 }, { 0, -1 },
	};
	static const struct probe inside[] = {
		{ 10, 1 }, { 9.9, 0 }, { 10.1, 0 }, { 0, 0 }, { 0, -1 },
	};

	(void)state;
	check_probes("10:10", outside);
	check_probes("@10:10", inside);
}

/** "~:" never alerts; "@~:" always alerts. */
static void range_unbounded_never_alerts(void **state)
{
	static const struct probe never[] = {
		{ -DBL_MAX, 0 }, { -1, 0 }, { 0, 0 }, { 1, 0 }, { DBL_MAX, 0 }, { 0, -1 },
	};
	static const struct probe always[] = {
		{ -DBL_MAX, 1 }, { 0, 1 }, { DBL_MAX, 1 }, { 0, -1 },
	};

	(void)state;
	check_probes("~:", never);
	check_probes("@~:", always);
}

/** Negative and fractional ends work with inclusive edges. */
static void range_negative_and_fractional_ends(void **state)
{
	static const struct probe neg[] = {
		{ -10, 0 }, { -5, 0 }, { -10.5, 1 }, { -4.9, 1 }, { 0, 1 }, { 0, -1 },
	};
	static const struct probe tilde_neg[] = {
		{ -5, 0 }, { -4.99, 1 }, { -1e9, 0 }, { 0, -1 },
	};
	static const struct probe frac[] = {
		{ 0.25, 0 }, { 0.75, 0 }, { 0.2, 1 }, { 0.8, 1 }, { 0, -1 },
	};

	(void)state;
	check_probes("-10:-5", neg);
	check_probes("~:-5", tilde_neg);
	check_probes("0.25:0.75", frac);
	check_probes(".25:.75", frac);
}

/** Invalid text is rejected (start > end, junk, wrong characters, empty, misplaced '@' or '~') and r is untouched. */
static void range_rejects_invalid_text(void **state)
{
	static const char *const bad[] = {
		"",      "20:10",  "@20:10", "1:12%",  "12%",   "abc",    " 10",    "10 ",   "~",      "@",
		"@:",    ":",      ":10",    "10:~",   "~:~",   "10::20", "10:20:30", "@@10", "10@",    "1e3",
		"1,5",   "inf",    "-5",     "-",      ".",     "--1",    "1-2",    "~10",    "10:-",   "10\n",
		"+5",    "0x10",   "5:4.999",
	};
	mr_range r;
	size_t i;

	(void)state;
	memset(&r, 0x5a, sizeof(r));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mr_range_parse(bad[i], &r) != -1)
			fail_msg("range \"%s\" should be invalid", bad[i]);
	}
	assert_int_equal(mr_range_parse(NULL, &r), -1);
	assert_int_equal(r.inside, 0x5a5a5a5a);
}

/** One canonical-format example: input text and expected canonical text. */
struct canon {
	const char *in;   /**< parsed text */
	const char *out;  /**< expected mr_range_format output */
};

/** Formatting prints the canonical syntax ("N" for 0:N) and the result parses back to the same range. */
static void range_format_is_canonical_and_round_trips(void **state)
{
	static const struct canon cases[] = {
		{ "10", "10" },          { "0:10", "10" },        { "10:", "10:" },          { "~:10", "~:10" },
		{ "10:20", "10:20" },    { "@10:20", "@10:20" },  { "0", "0" },              { "10:10", "10:10" },
		{ "@10:10", "@10:10" },  { "~:", "~:" },          { "@~:", "@~:" },          { "0:", "0:" },
		{ "-10:-5", "-10:-5" },  { "0.5:1.25", "0.5:1.25" }, { "010", "10" },       { "@0:10", "@10" },
		{ "10.50:", "10.5:" },   { "~:-5", "~:-5" },      { "-0:3", "3" },           { "@~:0.001", "@~:0.001" },
		{ "100000000000000000000", "100000000000000000000" },
		{ "657.8210567", "657.8210567" }, { "@0.1234567:0.1234568", "@0.1234567:0.1234568" },
		{ "0.0000001:", "0.0000001:" },   { "~:-1.23456789012", "~:-1.23456789012" },
	};
	char text[128];
	mr_range a, b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mr_range_parse(cases[i].in, &a), 0);
		assert_int_equal(mr_range_format(&a, text, sizeof(text)), 0);
		assert_string_equal(text, cases[i].out);
		assert_int_equal(mr_range_parse(text, &b), 0);
		assert_int_equal(a.inside, b.inside);
		assert_int_equal(a.start_inf, b.start_inf);
		assert_int_equal(a.end_inf, b.end_inf);
		if (!a.start_inf)
			assert_true(a.start == b.start);
		if (!a.end_inf)
			assert_true(a.end == b.end);
	}
}

/** Formatting into a too small buffer fails. */
static void range_format_fails_on_truncation(void **state)
{
	char text[5];
	mr_range r;

	(void)state;
	assert_int_equal(mr_range_parse("@10:20", &r), 0);
	assert_int_equal(mr_range_format(&r, text, sizeof(text)), -1);
	assert_int_equal(mr_range_parse("10:", &r), 0);
	assert_int_equal(mr_range_format(&r, text, sizeof(text)), 0);
	assert_string_equal(text, "10:");
}

/** Build thresholds from optional warning and critical texts (NULL = absent). */
static mr_thresholds make_thresholds(const char *warn, const char *crit)
{
	mr_thresholds t;

	memset(&t, 0, sizeof(t));
	if (warn != NULL) {
		assert_int_equal(mr_range_parse(warn, &t.warn), 0);
		t.has_warn = 1;
	}
	if (crit != NULL) {
		assert_int_equal(mr_range_parse(crit, &t.crit), 0);
		t.has_crit = 1;
	}
	return t;
}

/** -w 10 -c 20: critical is checked first, so 25 and -1 are CRITICAL, 15 WARNING, 5 OK (edges inclusive). */
static void thresholds_check_critical_before_warning(void **state)
{
	mr_thresholds t = make_thresholds("10", "20");

	(void)state;
	assert_int_equal(mr_thresholds_state(&t, 25), MR_CRITICAL);
	assert_int_equal(mr_thresholds_state(&t, 15), MR_WARNING);
	assert_int_equal(mr_thresholds_state(&t, -1), MR_CRITICAL);
	assert_int_equal(mr_thresholds_state(&t, 5), MR_OK);
	assert_int_equal(mr_thresholds_state(&t, 0), MR_OK);
	assert_int_equal(mr_thresholds_state(&t, 10), MR_OK);
	assert_int_equal(mr_thresholds_state(&t, 10.5), MR_WARNING);
	assert_int_equal(mr_thresholds_state(&t, 20), MR_WARNING);
	assert_int_equal(mr_thresholds_state(&t, 20.5), MR_CRITICAL);
}

/** A critical range that alerts wins even where the warning range alerts too, whatever their widths. */
static void thresholds_critical_wins_over_wider_warning(void **state)
{
	mr_thresholds t = make_thresholds("@0:100", "@40:60");

	(void)state;
	assert_int_equal(mr_thresholds_state(&t, 50), MR_CRITICAL);
	assert_int_equal(mr_thresholds_state(&t, 30), MR_WARNING);
	assert_int_equal(mr_thresholds_state(&t, 101), MR_OK);
}

/** Absent ranges never alert: only warning, only critical, neither. */
static void thresholds_absent_ranges_never_alert(void **state)
{
	mr_thresholds w = make_thresholds("10", NULL);
	mr_thresholds c = make_thresholds(NULL, "10");
	mr_thresholds none = make_thresholds(NULL, NULL);

	(void)state;
	assert_int_equal(mr_thresholds_state(&w, 11), MR_WARNING);
	assert_int_equal(mr_thresholds_state(&w, 10), MR_OK);
	assert_int_equal(mr_thresholds_state(&c, 11), MR_CRITICAL);
	assert_int_equal(mr_thresholds_state(&c, 10), MR_OK);
	assert_int_equal(mr_thresholds_state(&none, 1e300), MR_OK);
	assert_int_equal(mr_thresholds_state(&none, -1e300), MR_OK);
}

/** Run the range tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(range_bare_number_is_zero_to_n),
		cmocka_unit_test(range_open_end_alerts_below_start),
		cmocka_unit_test(range_tilde_start_has_inclusive_upper_end),
		cmocka_unit_test(range_start_end_alerts_outside),
		cmocka_unit_test(range_at_alerts_inside_including_ends),
		cmocka_unit_test(range_zero_alerts_unless_zero),
		cmocka_unit_test(range_single_point_and_inverted_point),
		cmocka_unit_test(range_unbounded_never_alerts),
		cmocka_unit_test(range_negative_and_fractional_ends),
		cmocka_unit_test(range_rejects_invalid_text),
		cmocka_unit_test(range_format_is_canonical_and_round_trips),
		cmocka_unit_test(range_format_fails_on_truncation),
		cmocka_unit_test(thresholds_check_critical_before_warning),
		cmocka_unit_test(thresholds_critical_wins_over_wider_warning),
		cmocka_unit_test(thresholds_absent_ranges_never_alert),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

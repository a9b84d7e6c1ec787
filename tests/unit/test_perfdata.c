/* test_perfdata.c: unit tests for common/perfdata.c: label and unit rules and the exact
 * label=value[uom];warn;crit;min;max text with trailing empty fields dropped. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/perfdata.h"

/** Format p into a fresh buffer and compare with want. */
static void assert_perf_text(const mr_perf *p, const char *want)
{
	mr_buf b;

	mr_buf_init(&b, 4096);
	assert_int_equal(mr_perf_format(p, &b), 0);
	assert_string_equal(mr_buf_str(&b), want);
	mr_buf_free(&b);
}

/** Labels are 1..19 characters of [a-z0-9_]. */
static void label_must_be_short_lowercase_word(void **state)
{
	static const char *const bad[] = {
		"", "Time", "a-b", "a b", "a'b", "a=b", "a.b", "abcdefghijklmnopqrst", "\xc3\xa4", "a/b",
	};
	size_t i;

	(void)state;
	assert_true(mr_perf_label_valid("time"));
	assert_true(mr_perf_label_valid("a"));
	assert_true(mr_perf_label_valid("zones_listed_2"));
	assert_true(mr_perf_label_valid("abcdefghijklmnopqrs")); /* 19 */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mr_perf_label_valid(bad[i]))
			fail_msg("label \"%s\" should be invalid", bad[i]);
	assert_false(mr_perf_label_valid(NULL));
}

/** mr_perf_set accepts the five units and rejects any other unit or label. */
static void set_accepts_only_known_units(void **state)
{
	static const char *const good[] = { "", "s", "%", "B", "c" };
	static const char *const bad[] = { "ms", "KB", "b", "S", "x", "%%" };
	mr_perf p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(mr_perf_set(&p, "x", 1, good[i]), 0);
		assert_string_equal(p.uom, good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mr_perf_set(&p, "x", 1, bad[i]), -1);
	assert_int_equal(mr_perf_set(&p, "x", 1, NULL), -1);
	assert_int_equal(mr_perf_set(&p, "Bad", 1, ""), -1);
	assert_int_equal(mr_perf_set_undefined(&p, "bad-label", ""), -1);
	assert_int_equal(mr_perf_set_undefined(&p, "x", "ms"), -1);
}

/** mr_perf_set clears thresholds, min and max left over from earlier use. */
static void set_resets_other_fields(void **state)
{
	mr_perf p;

	(void)state;
	memset(&p, 0x7f, sizeof(p));
	assert_int_equal(mr_perf_set(&p, "time", 0.5, "s"), 0);
	assert_string_equal(p.label, "time");
	assert_true(p.value == 0.5);
	assert_false(p.undefined);
	assert_false(p.has_min);
	assert_false(p.has_max);
	assert_false(p.thr.has_warn);
	assert_false(p.thr.has_crit);
	assert_perf_text(&p, "time=0.5s");
}

/** A value with unit and nothing else: "time=0.012s". */
static void format_value_with_unit(void **state)
{
	mr_perf p;

	(void)state;
	assert_int_equal(mr_perf_set(&p, "time", 0.012, "s"), 0);
	assert_perf_text(&p, "time=0.012s");
}

/** Empty warn/crit fields stay before a min: "listed=2;;;0". */
static void format_min_keeps_empty_threshold_fields(void **state)
{
	mr_perf p;

	(void)state;
	assert_int_equal(mr_perf_set(&p, "listed", 2, ""), 0);
	p.has_min = 1;
	p.min = 0;
	assert_perf_text(&p, "listed=2;;;0");
}

/** Trailing empty min/max fields are dropped: "x=5;10;20". */
static void format_drops_trailing_empty_fields(void **state)
{
	mr_perf p;

	(void)state;
	assert_int_equal(mr_perf_set(&p, "x", 5, ""), 0);
	assert_int_equal(mr_range_parse("10", &p.thr.warn), 0);
	assert_int_equal(mr_range_parse("20", &p.thr.crit), 0);
	p.thr.has_warn = 1;
	p.thr.has_crit = 1;
	assert_perf_text(&p, "x=5;10;20");
	p.thr.has_crit = 0;
	assert_perf_text(&p, "x=5;10");
	p.thr.has_warn = 0;
	p.thr.has_crit = 1;
	assert_perf_text(&p, "x=5;;20");
}

/** An undeterminable value prints as "U" (without unit), with its other fields. */
static void format_undefined_value_as_u(void **state)
{
	mr_perf p;

	(void)state;
	assert_int_equal(mr_perf_set_undefined(&p, "x", ""), 0);
	assert_true(p.undefined);
	assert_perf_text(&p, "x=U");
	assert_int_equal(mr_perf_set_undefined(&p, "time", "s"), 0);
	p.has_max = 1;
	p.max = 15;
	assert_perf_text(&p, "time=U;;;;15");
	assert_int_equal(mr_perf_set(&p, "x", NAN, ""), 0);
	assert_perf_text(&p, "x=U");
}

/** All fields: canonical ranges for warn/crit, plain decimals for value, min and max. */
static void format_all_fields(void **state)
{
	mr_perf p;

	(void)state;
	assert_int_equal(mr_perf_set(&p, "ratio", 99.5, "%"), 0);
	assert_int_equal(mr_range_parse("@10:20.50", &p.thr.warn), 0);
	assert_int_equal(mr_range_parse("~:30", &p.thr.crit), 0);
	p.thr.has_warn = 1;
	p.thr.has_crit = 1;
	p.has_min = 1;
	p.min = 0;
	p.has_max = 1;
	p.max = 100;
	assert_perf_text(&p, "ratio=99.5%;@10:20.5;~:30;0;100");
	assert_int_equal(mr_range_parse("0:10", &p.thr.warn), 0);
	assert_int_equal(mr_range_parse("10:", &p.thr.crit), 0);
	p.has_min = 0;
	assert_perf_text(&p, "ratio=99.5%;10;10:;;100");
}

/** Values are plain decimals: no exponent, 6 decimals at most for durations, -0 as 0, counters with "c". */
static void format_values_are_plain_decimals(void **state)
{
	mr_perf p;

	(void)state;
	assert_int_equal(mr_perf_set(&p, "big", 1e20, "B"), 0);
	assert_perf_text(&p, "big=100000000000000000000B");
	assert_int_equal(mr_perf_set(&p, "tiny", 0.0000001, "s"), 0);
	assert_perf_text(&p, "tiny=0s");
	assert_int_equal(mr_perf_set(&p, "neg", -0.0, ""), 0);
	assert_perf_text(&p, "neg=0");
	assert_int_equal(mr_perf_set(&p, "queries", 12345, "c"), 0);
	assert_perf_text(&p, "queries=12345c");
}

/** Numbers from outside print exactly as given; durations (unit "s") are measured and keep 6 decimals. */
static void format_exact_unless_measured(void **state)
{
	mr_perf p;

	(void)state;
	assert_int_equal(mr_perf_set(&p, "complaint_rate", 657.8210567, "%"), 0);
	assert_false(p.measured);
	assert_perf_text(&p, "complaint_rate=657.8210567%");
	assert_int_equal(mr_perf_set(&p, "rate", 0.1, ""), 0);
	assert_perf_text(&p, "rate=0.1");
	assert_int_equal(mr_perf_set(&p, "rate", 0.12345678901, ""), 0);
	p.has_min = 1;
	p.min = 0.0000001;
	p.has_max = 1;
	p.max = 1.23456789;
	assert_perf_text(&p, "rate=0.12345678901;;;0.0000001;1.23456789");
	assert_int_equal(mr_perf_set(&p, "time", 1.23456789, "s"), 0);
	assert_true(p.measured);
	p.has_max = 1;
	p.max = 9.87654321;
	assert_perf_text(&p, "time=1.234568s;;;;9.876543");
	p.measured = 0;
	assert_perf_text(&p, "time=1.23456789s;;;;9.87654321");
	assert_int_equal(mr_perf_set(&p, "count", 7, "c"), 0);
	p.measured = 1;
	p.value = 0.1234567;
	assert_perf_text(&p, "count=0.123457c");
	assert_int_equal(mr_perf_set_undefined(&p, "gone", "s"), 0);
	assert_perf_text(&p, "gone=U");
}

/** Formatting appends after existing text without a leading space. */
static void format_appends_without_space(void **state)
{
	mr_perf a, b;
	mr_buf out;

	(void)state;
	assert_int_equal(mr_perf_set(&a, "a", 1, ""), 0);
	assert_int_equal(mr_perf_set(&b, "b", 2, "s"), 0);
	mr_buf_init(&out, 64);
	assert_int_equal(mr_perf_format(&a, &out), 0);
	assert_int_equal(mr_buf_puts(&out, " "), 0);
	assert_int_equal(mr_perf_format(&b, &out), 0);
	assert_string_equal(mr_buf_str(&out), "a=1 b=2s");
	mr_buf_free(&out);
}

/** An invalid label or unit in the struct, or a full buffer, fails and leaves the buffer unchanged. */
static void format_failure_leaves_buffer_unchanged(void **state)
{
	mr_perf p;
	mr_buf out;

	(void)state;
	mr_buf_init(&out, 12);
	assert_int_equal(mr_buf_puts(&out, "pre "), 0);
	assert_int_equal(mr_perf_set(&p, "x", 1, ""), 0);
	memcpy(p.label, "X", 2);
	assert_int_equal(mr_perf_format(&p, &out), -1);
	assert_int_equal(mr_perf_set(&p, "x", 1, ""), 0);
	memcpy(p.uom, "ms", 3);
	assert_int_equal(mr_perf_format(&p, &out), -1);
	assert_string_equal(mr_buf_str(&out), "pre ");
	assert_int_equal(mr_perf_set(&p, "long_label", 12345, ""), 0);
	assert_int_equal(mr_perf_format(&p, &out), -1);
	assert_string_equal(mr_buf_str(&out), "pre ");
	assert_int_equal(mr_perf_set(&p, "x", 12345, ""), 0);
	assert_int_equal(mr_perf_format(&p, &out), 0);
	assert_string_equal(mr_buf_str(&out), "pre x=12345");
	mr_buf_free(&out);
}

/** Run the perfdata tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_must_be_short_lowercase_word),
		cmocka_unit_test(set_accepts_only_known_units),
		cmocka_unit_test(set_resets_other_fields),
		cmocka_unit_test(format_value_with_unit),
		cmocka_unit_test(format_min_keeps_empty_threshold_fields),
		cmocka_unit_test(format_drops_trailing_empty_fields),
		cmocka_unit_test(format_undefined_value_as_u),
		cmocka_unit_test(format_all_fields),
		cmocka_unit_test(format_values_are_plain_decimals),
		cmocka_unit_test(format_exact_unless_measured),
		cmocka_unit_test(format_appends_without_space),
		cmocka_unit_test(format_failure_leaves_buffer_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

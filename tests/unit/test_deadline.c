/* test_deadline.c: unit tests of the run's time keeping (common/deadline.c): mr_ms_until and mr_soft_deadline. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>

#include "common/deadline.h"

/** A deadline in the past, now, or less than a millisecond away gives 1 ms, never 0 ("no timeout" to libcurl). */
static void test_ms_until_is_at_least_one(void **state)
{
	double now = mr_now();

	(void)state;
	assert_int_equal(mr_ms_until(now - 100.0), 1);
	assert_int_equal(mr_ms_until(now), 1);
	assert_int_equal(mr_ms_until(now + 0.0004), 1);
	assert_int_equal(mr_ms_until(NAN), 1);
	assert_int_equal(mr_ms_until(-INFINITY), 1);
}

/** The wait is rounded up: it never ends before the deadline, and is at most a millisecond longer. */
static void test_ms_until_rounds_up(void **state)
{
	double deadline = mr_now() + 2.0004;
	long ms = mr_ms_until(deadline);
	double after = mr_now();

	(void)state;
	/* ms covers what was left when it was computed, which is at least what is left now */
	assert_true((double)ms >= (deadline - after) * 1000.0);
	assert_true(ms <= 2001);
	assert_true(ms >= 1900);
}

/** A far deadline is capped at INT_MAX so that the value fits poll(). */
static void test_ms_until_caps_at_int_max(void **state)
{
	(void)state;
	assert_int_equal(mr_ms_until(mr_now() + 1e9), INT_MAX);
	assert_int_equal(mr_ms_until(INFINITY), INT_MAX);
}

/** The soft deadline keeps 10 % of t as margin, within [0.2, 1.0] s, and never falls before the start. */
static void test_soft_deadline_margin(void **state)
{
	(void)state;
	assert_true(fabs(mr_soft_deadline(100.0, 10.0) - 109.0) < 1e-9);
	assert_true(fabs(mr_soft_deadline(100.0, 60.0) - 159.0) < 1e-9);
	assert_true(fabs(mr_soft_deadline(100.0, 1.0) - 100.8) < 1e-9);
	assert_true(fabs(mr_soft_deadline(100.0, 0.1) - 100.0) < 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ms_until_is_at_least_one),
		cmocka_unit_test(test_ms_until_rounds_up),
		cmocka_unit_test(test_ms_until_caps_at_int_max),
		cmocka_unit_test(test_soft_deadline_margin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_jmrp_report.c: unit tests of check_jmrp's result tree, rendered: the summary line, the ranking and the
 * --max-details bound of IPs and senders, unparsed and vanished lines, the rate line, the state file's note, the
 * state and the perfdata. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/render.h"
#include "common/util.h"
#include "jmrp_unit.h"
#include "plugins/jmrp/jmrp_report.h"

/** Build the report of c and render it in the multi-line form; the caller frees the text. */
static char *report(const jmrp_counter *c, const mr_thresholds *thr, long sent, const mr_thresholds *rate,
                    size_t vanished, mr_state *st)
{
	jmrp_read_stats rs = { 10, vanished };
	jmrp_report_config rc = { thr, sent, rate, "24h", &rs, 0.25 };
	mr_check *chk = mr_check_new("JMRP");
	mr_buf b;
	char *s;

	assert_non_null(chk);
	assert_int_equal(jmrp_report_build(c, &rc, chk), 0);
	*st = mr_check_state(chk);
	mr_buf_init(&b, 1 << 20);
	assert_int_equal(mr_render(chk, MR_FMT_MULTILINE, &b), 0);
	s = mr_strdup(mr_buf_str(&b));
	assert_non_null(s);
	mr_buf_free(&b);
	mr_check_free(chk);
	return s;
}

/** No messages: OK, zero everywhere. */
static void test_empty_window(void **state)
{
	mr_thresholds none;
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_state st;
	char *out;

	(void)state;
	memset(&none, 0, sizeof(none));
	jmrp_unit_counter(&c, &cfg);
	out = report(&c, &none, 0, &none, 0, &st);
	assert_int_equal(st, MR_OK);
	assert_string_equal(out, "JMRP OK - 0 complaints in the last 24h (0 IPs) "
	                         "| complaints=0 ips=0 unparsed=0 other_reports=0 time=0.25s\n");
	free(out);
	jmrp_counter_free(&c);
}

/** IPs and senders ranked by count (then address, "no source IP" last; then name), cut at --max-details, the
 *  top IP in the summary; unparsed, vanished and rate lines; the rate's state raises the run's. */
static void test_full_report(void **state)
{
	mr_thresholds thr, rate;
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_state st;
	char *out;

	(void)state;
	jmrp_unit_thresholds(&thr, "10", NULL);
	jmrp_unit_thresholds(&rate, "1", NULL);
	jmrp_unit_counter(&c, &cfg);
	cfg.max_details = 2;
	c.cfg.max_details = 2;
	jmrp_unit_feed(&c, "k1", "198.51.100.2", "b.example", 1);
	jmrp_unit_feed(&c, "k2", "192.0.2.1", "a.example", 1);
	jmrp_unit_feed(&c, "k3", "198.51.100.2", "b.example", 1);
	jmrp_unit_feed(&c, "k4", NULL, "c.example", 1);
	jmrp_unit_feed(&c, "k5", "192.0.2.3", "a.example", 1);
	jmrp_unit_feed_unread(&c, "k6", "new/big", "larger than 8388608 bytes", 1);
	out = report(&c, &thr, 200, &rate, 1, &st);
	assert_int_equal(st, MR_WARNING); /* 5 complaints: OK; 2.5 % > 1: WARNING */
	assert_string_equal(out,
	                    "JMRP WARNING - 5 complaints in the last 24h (3 IPs), top 198.51.100.2: 2, rate 2.5%, "
	                    "1 unparsed | complaints=5;10 ips=3 unparsed=1 other_reports=0 time=0.25s\n"
	                    "\\_ [OK] 198.51.100.2: 2 complaints\n"
	                    "\\_ [OK] 192.0.2.1: 1 complaint\n"
	                    "\\_ [OK] sender a.example: 2 complaints\n"
	                    "\\_ [OK] sender b.example: 2 complaints\n"
	                    "\\_ [UNKNOWN] unparsed: new/big: larger than 8388608 bytes\n"
	                    "\\_ [OK] 1 message vanished while reading (moved or deleted meanwhile)\n"
	                    "\\_ [WARNING] rate: 2.5% of 200 sent\n");
	free(out);
	jmrp_counter_free(&c);
}

/** "no source IP" and "(unknown)" sender lines, the count of unparsed messages not listed, and the state note. */
static void test_unknowns_and_notes(void **state)
{
	mr_thresholds none;
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_state st;
	char *out;

	(void)state;
	memset(&none, 0, sizeof(none));
	jmrp_unit_counter(&c, &cfg);
	jmrp_unit_feed(&c, "k1", NULL, "x.example", 1);
	for (int i = 0; i < 1001; i++)
		jmrp_unit_feed_unread(&c, "u", "l", "w", 1);
	mr_snprintf(c.state_note, sizeof(c.state_note), "state file s is corrupt (line 2): ignored, rebuilt");
	out = report(&c, &none, 0, &none, 0, &st);
	assert_int_equal(st, MR_OK);
	assert_non_null(strstr(out, "JMRP OK - 1 complaint in the last 24h (0 IPs), 1001 unparsed |"));
	assert_non_null(strstr(out, "\n\\_ [OK] no source IP: 1 complaint\n\\_ [OK] sender x.example: 1 complaint\n"));
	assert_non_null(strstr(out, "\n\\_ [UNKNOWN] 1 more unparsed message not listed\n"));
	assert_non_null(strstr(out, "\n\\_ [OK] state file s is corrupt (line 2): ignored, rebuilt\n"));
	free(out);
	jmrp_counter_free(&c);
}

/** ARF reports that are no complaint (auth-failure, not-spam) are counted apart: in the summary, their own line
 *  and perfdata, never in the complaints, the IPs, the senders or the rate; -H filters them too; one is singular. */
static void test_other_reports_apart(void **state)
{
	mr_thresholds none, rate;
	mr_cidr net;
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_state st;
	char *out;

	(void)state;
	memset(&none, 0, sizeof(none));
	jmrp_unit_thresholds(&rate, "0.5", NULL);
	jmrp_unit_counter(&c, &cfg);
	jmrp_unit_feed(&c, "k1", "192.0.2.1", "a.example", 1);
	jmrp_unit_feed_typed(&c, "k2", "auth-failure", "192.0.2.2", "b.example", 1);
	jmrp_unit_feed_typed(&c, "k3", "not-spam", "192.0.2.2", "b.example", 1);
	out = report(&c, &none, 1000, &rate, 0, &st);
	assert_int_equal(st, MR_OK); /* 1 of 1000 = 0.1 %: the two other reports would make it 0.3 % */
	assert_string_equal(out,
	                    "JMRP OK - 1 complaint in the last 24h (1 IP), top 192.0.2.1: 1, rate 0.1%, 2 other reports "
	                    "| complaints=1 ips=1 unparsed=0 other_reports=2 time=0.25s\n"
	                    "\\_ [OK] 192.0.2.1: 1 complaint\n"
	                    "\\_ [OK] sender a.example: 1 complaint\n"
	                    "\\_ [OK] 2 ARF reports that are no junk complaint (auth-failure: DMARC, DKIM or SPF failure; "
	                    "not-spam; ...): not counted\n"
	                    "\\_ [OK] rate: 0.1% of 1000 sent\n");
	free(out);
	jmrp_counter_free(&c);

	assert_int_equal(mr_cidr_parse("192.0.2.2", &net, NULL), 0);
	jmrp_unit_counter(&c, &cfg);
	c.cfg.ips = &net;
	c.cfg.nips = 1;
	jmrp_unit_feed(&c, "k1", "192.0.2.1", "a.example", 1);
	jmrp_unit_feed_typed(&c, "k2", "auth-failure", "192.0.2.2", "b.example", 1);
	jmrp_unit_feed_typed(&c, "k3", "not-spam", "192.0.2.9", "b.example", 1);
	out = report(&c, &none, 0, &none, 0, &st);
	assert_non_null(strstr(out, "JMRP OK - 0 complaints in the last 24h (0 IPs), 1 other report |"));
	assert_non_null(strstr(out, " other_reports=1 "));
	assert_non_null(strstr(out, "\\_ [OK] 1 ARF report that is no junk complaint ("));
	assert_int_equal(c.filtered, 1);
	free(out);
	jmrp_counter_free(&c);
}

/** Run the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_window),
		cmocka_unit_test(test_full_report),
		cmocka_unit_test(test_unknowns_and_notes),
		cmocka_unit_test(test_other_reports_apart),
	};

	return cmocka_run_group_tests(tests, jmrp_unit_setup, jmrp_unit_teardown);
}

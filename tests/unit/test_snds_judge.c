/* test_snds_judge.c: unit tests of the SNDS judge and report (plugins/snds/snds_judge.c, snds_report.c) on bytes:
 * feed bodies go through the parsers into the judge, the report fills a result tree, and the rendered text is
 * compared whole: states, reasons, order worst first, --max-details, missing and blocked subjects, perfdata. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/render.h"
#include "plugins/snds/snds_judge.h"
#include "plugins/snds/snds_report.h"

/** A judge's settings as check_snds sets them by default, with room for -H filters. */
typedef struct setup_cfg {
	snds_judge_config cfg;  /**< the settings */
	mr_cidr filters[4];     /**< -H filters (cfg.filters points here) */
} setup_cfg;

/** Default settings: complaint 0.1/0.3, YELLOW warns, RED and blocked critical, missing OK, 50 details. */
static void defaults(setup_cfg *s)
{
	memset(s, 0, sizeof(*s));
	s->cfg.filters = s->filters;
	s->cfg.yellow_state = MR_WARNING;
	s->cfg.red_state = MR_CRITICAL;
	s->cfg.blocked_state = MR_CRITICAL;
	s->cfg.missing_state = MR_OK;
	s->cfg.max_details = 50;
	assert_int_equal(mr_range_parse("0.1", &s->cfg.complaint.warn), 0);
	assert_int_equal(mr_range_parse("0.3", &s->cfg.complaint.crit), 0);
	s->cfg.complaint.has_warn = s->cfg.complaint.has_crit = 1;
}

/** Add a -H filter. */
static void filter(setup_cfg *s, const char *text)
{
	const char *why = NULL;

	assert_int_equal(mr_cidr_parse(text, &s->filters[s->cfg.nfilters], &why), 0);
	s->cfg.nfilters++;
}

/** Feed a status body (NULL: not read, "": read and empty) and a data body (NULL: not read) to a judge, judge,
 * report and render multi-line; returns the text (caller frees) and the exit state in *st. */
static char *run(const setup_cfg *s, const char *status, const char *data, mr_state *st)
{
	snds_judge j;
	mr_check *c = mr_check_new("SNDS");
	mr_buf err, out;
	char *text;

	assert_non_null(c);
	mr_buf_init(&err, 256);
	mr_buf_init(&out, 4096);
	snds_judge_init(&j, &s->cfg);
	if (status != NULL) {
		snds_format fmt = snds_detect(status, strlen(status), NULL);
		j.have_status = 1;
		if (fmt != SNDS_FMT_EMPTY) {
			j.status_rows = snds_parse_status(status, strlen(status), fmt, snds_judge_add_status, &j, &err);
			assert_true(j.status_rows >= 0);
			j.status_format = fmt == SNDS_FMT_JSON ? "JSON" : "CSV";
		}
	}
	if (data != NULL) {
		snds_format fmt = snds_detect(data, strlen(data), NULL);
		j.data_rows = snds_parse_data(data, strlen(data), fmt, snds_judge_add_data, &j, &err);
		assert_true(j.data_rows > 0);
		j.have_data = 1;
		j.data_format = fmt == SNDS_FMT_JSON ? "JSON" : "CSV";
	}
	assert_string_equal(mr_buf_str(&err), "");
	assert_int_equal(snds_judge_finish(&j), 0);
	assert_int_equal(snds_report_build(c, &j, data != NULL ? "2026-06-01" : NULL, 0.25), 0);
	assert_int_equal(mr_render(c, MR_FMT_MULTILINE, &out), 0);
	*st = mr_check_state(c);
	text = strdup(mr_buf_str(&out));
	assert_non_null(text);
	snds_judge_free(&j);
	mr_check_free(c);
	mr_buf_free(&err);
	mr_buf_free(&out);
	return text;
}

/** Assert that text is expected, then free it. */
static void expect(char *text, const char *expected)
{
	assert_string_equal(text, expected);
	free(text);
}

/** Legacy data rows: GREEN stays OK, YELLOW warns, a rate over 0.3 % is critical with the range it leaves. */
static void test_colours_and_rates_worst_first(void **state)
{
	setup_cfg s;
	mr_state st;
	const char *data =
		"192.0.2.1,6/1/2026 12:00 AM,6/1/2026 11:59 PM,100,90,80,GREEN,< 0.1%,,,,helo.example,,\r\n"
		"192.0.2.2,6/1/2026 12:00 AM,6/1/2026 11:59 PM,200,190,180,YELLOW,0.05%,,,,,,\r\n"
		"192.0.2.3,6/1/2026 12:00 AM,6/1/2026 11:59 PM,10,9,8,GREEN,0.5%,,,3,,,JMR Block\r\n";

	(void)state;
	defaults(&s);
	expect(run(&s, NULL, data, &st),
	       "SNDS CRITICAL - 192.0.2.3: filter GREEN, complaint rate 0.5% (outside the critical range 0.3), "
	       "trap hits 3, 8 recipients, comment: JMR Block (3 IPs, worst first) | ips=3 blocked=U "
	       "green=2 yellow=1 red=0 complaint_rate=0.5%;0.1;0.3 trap_hits=3 rcpt=310 "
	       "data=289 recipients=268 time=0.25s\n"
	       "\\_ [CRITICAL] 192.0.2.3: filter GREEN, complaint rate 0.5% (outside the critical range 0.3), trap hits 3, "
	       "8 recipients, comment: JMR Block\n"
	       "\\_ [WARNING] 192.0.2.2: filter YELLOW, complaint rate 0.05%, 180 recipients\n"
	       "\\_ [OK] 192.0.2.1: filter GREEN, complaint rate < 0.1%, 80 recipients\n"
	       "\\_ [OK] data feed: 2026-06-01, CSV, 3 rows\n");
	assert_int_equal(st, MR_CRITICAL);
}

/** A -H address absent from the data feed gets --missing-state; a blocked range holding no data IP is a subject
 * of its own, and perfdata counts only the addresses of the range that -H selects. */
static void test_missing_and_blocked_range(void **state)
{
	setup_cfg s;
	mr_state st;

	(void)state;
	defaults(&s);
	s.cfg.missing_state = MR_WARNING;
	filter(&s, "192.0.2.1");
	filter(&s, "192.0.2.9");
	filter(&s, "198.51.100.0/30");
	expect(run(&s, "198.51.100.0,198.51.100.255,Yes,Blocked due to user complaints\n",
	           "192.0.2.1,6/1/2026 1:00 AM,6/1/2026 2:00 AM,5,5,5,GREEN,,,,,,,\n", &st),
	       "SNDS CRITICAL - 198.51.100.0-198.51.100.255: blocked by Outlook.com: Blocked due to user complaints "
	       "(3 IPs, worst first) | ips=3 blocked=4 green=1 yellow=0 red=0 "
	       "complaint_rate=U;0.1;0.3 trap_hits=U rcpt=5 data=5 recipients=5 time=0.25s\n"
	       "\\_ [CRITICAL] 198.51.100.0-198.51.100.255: blocked by Outlook.com: Blocked due to user complaints\n"
	       "\\_ [WARNING] 192.0.2.9: not in the data feed (no or too little traffic that day)\n"
	       "\\_ [OK] 192.0.2.1: filter GREEN, 5 recipients\n"
	       "\\_ [OK] status feed: CSV, 1 row, 1 blocked range matching\n"
	       "\\_ [OK] data feed: 2026-06-01, CSV, 1 row\n");
	assert_int_equal(st, MR_CRITICAL);
}

/** Rows of one IP merge (worst colour, highest rate, summed counts); a blocked IP names the reason. */
static void test_merge_rows_and_blocked_ip(void **state)
{
	setup_cfg s;
	mr_state st;
	const char *data = "[{\"ipAddress\":\"192.0.2.7\",\"filterResult\":\"GREEN\",\"messageRecipients\":4,"
	                   "\"trapHits\":1},"
	                   "{\"ipAddress\":\"192.0.2.7\",\"filterResult\":\"RED\",\"messageRecipients\":6}]";

	(void)state;
	defaults(&s);
	expect(run(&s, "192.0.2.0,192.0.2.255,True,\n", data, &st),
	       "SNDS CRITICAL - 192.0.2.7: blocked by Outlook.com: no reason given; filter RED, trap hits 1, "
	       "10 recipients | ips=1 blocked=1 green=0 yellow=0 red=1 complaint_rate=U;0.1;0.3 "
	       "trap_hits=1 rcpt=U data=U recipients=10 time=0.25s\n"
	       "\\_ [CRITICAL] 192.0.2.7: blocked by Outlook.com: no reason given; filter RED, trap hits 1, 10 recipients\n"
	       "\\_ [OK] status feed: CSV, 1 row, 1 blocked range matching\n"
	       "\\_ [OK] data feed: 2026-06-01, JSON, 2 rows\n");
	assert_int_equal(st, MR_CRITICAL);
}

/** --max-details cuts the IP lines and says how many more there are; all OK gives "N IPs OK on DAY". */
static void test_max_details_and_all_ok(void **state)
{
	setup_cfg s;
	mr_state st;
	const char *data = "ip address,filter result\n192.0.2.3,GREEN\n192.0.2.1,GREEN\n192.0.2.2,\n";

	(void)state;
	defaults(&s);
	s.cfg.max_details = 1;
	expect(run(&s, "", data, &st),
	       "SNDS OK - 3 IPs OK on 2026-06-01 | ips=3 blocked=0 green=2 yellow=0 red=0 "
	       "complaint_rate=U;0.1;0.3 trap_hits=U rcpt=U data=U recipients=U time=0.25s\n"
	       "\\_ [OK] 192.0.2.1: filter GREEN\n"
	       "\\_ [OK] 2 more IPs not shown (--max-details)\n"
	       "\\_ [OK] status feed: empty (nothing blocked)\n"
	       "\\_ [OK] data feed: 2026-06-01, CSV, 3 rows\n");
	assert_int_equal(st, MR_OK);
}

/** '@' ranges say the value is inside the range that alerts; numbers keep every digit given; singular forms. */
static void test_inside_ranges_precision_and_singulars(void **state)
{
	setup_cfg s;
	mr_state st;
	const char *data = "192.0.2.1,6/1/2026,6/2/2026,1,1,1,GREEN,0.5%,,,1,,,\n"
	                   "192.0.2.2,6/1/2026,6/2/2026,1,1,1,GREEN,0.1234567%,,,,,,\n"
	                   "192.0.2.3,6/1/2026,6/2/2026,1,1,1,GREEN,0%,,,,,,\n";

	(void)state;
	defaults(&s);
	assert_int_equal(mr_range_parse("@0.2:1", &s.cfg.complaint.crit), 0);
	assert_int_equal(mr_range_parse("@0.1234567:0.1234568", &s.cfg.complaint.warn), 0);
	assert_int_equal(mr_range_parse("@657.8210567:", &s.cfg.trap.crit), 0);
	s.cfg.trap.has_crit = 1;
	s.cfg.max_details = 2;
	expect(run(&s, NULL, data, &st),
	       "SNDS CRITICAL - 192.0.2.1: filter GREEN, complaint rate 0.5% (inside the alerting critical range "
	       "@0.2:1), trap hits 1, 1 recipient (3 IPs, worst first) | ips=3 blocked=U green=3 yellow=0 red=0 "
	       "complaint_rate=0.5%;@0.1234567:0.1234568;@0.2:1 trap_hits=1;;@657.8210567: rcpt=3 data=3 "
	       "recipients=3 time=0.25s\n"
	       "\\_ [CRITICAL] 192.0.2.1: filter GREEN, complaint rate 0.5% (inside the alerting critical range "
	       "@0.2:1), trap hits 1, 1 recipient\n"
	       "\\_ [WARNING] 192.0.2.2: filter GREEN, complaint rate 0.1234567% (inside the alerting warning range "
	       "@0.1234567:0.1234568), 1 recipient\n"
	       "\\_ [OK] 1 more IP not shown (--max-details)\n"
	       "\\_ [OK] data feed: 2026-06-01, CSV, 3 rows\n");
	assert_int_equal(st, MR_CRITICAL);
}

/** Only an empty status feed read: no subject, OK, the data metrics U. */
static void test_status_only_nothing_blocked(void **state)
{
	setup_cfg s;
	mr_state st;

	(void)state;
	defaults(&s);
	filter(&s, "203.0.113.0/24");
	expect(run(&s, "", NULL, &st),
	       "SNDS OK - none of the --ip/-H addresses or ranges is in the feeds | ips=0 blocked=0 green=U yellow=U red=U "
	       "complaint_rate=U;0.1;0.3 trap_hits=U rcpt=U data=U recipients=U time=0.25s\n"
	       "\\_ [OK] status feed: empty (nothing blocked)\n");
	assert_int_equal(st, MR_OK);
}

/** The failure perfdata: every metric U but time, thresholds kept; summary and state stay the frame's. */
static void test_failure_report(void **state)
{
	setup_cfg s;
	mr_check *c = mr_check_new("SNDS");
	mr_buf out;

	(void)state;
	defaults(&s);
	assert_non_null(c);
	mr_buf_init(&out, 1024);
	mr_check_set_state(c, MR_UNKNOWN);
	assert_int_equal(mr_check_set_summary(c, "%s", "the data feed answered HTTP 500"), 0); /* as the frame */
	assert_int_equal(snds_report_failure_perf(c, &s.cfg, 1.5), 0);
	assert_int_equal(mr_render(c, MR_FMT_MULTILINE, &out), 0);
	assert_string_equal(mr_buf_str(&out),
	                    "SNDS UNKNOWN - the data feed answered HTTP 500 | ips=U blocked=U green=U "
	                    "yellow=U red=U complaint_rate=U;0.1;0.3 trap_hits=U rcpt=U data=U "
	                    "recipients=U time=1.5s\n");
	assert_int_equal(mr_check_state(c), MR_UNKNOWN);
	mr_check_free(c);
	mr_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_colours_and_rates_worst_first),
		cmocka_unit_test(test_missing_and_blocked_range),
		cmocka_unit_test(test_merge_rows_and_blocked_ip),
		cmocka_unit_test(test_max_details_and_all_ok),
		cmocka_unit_test(test_status_only_nothing_blocked),
		cmocka_unit_test(test_inside_ranges_precision_and_singulars),
		cmocka_unit_test(test_failure_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* jmrp_unit.c: builds ARF complaints as bytes and feeds them, or unread messages, to a check_jmrp counter. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "jmrp_unit.h"

/** Build an ARF complaint about ip from news@domain. */
void jmrp_unit_arf(char *buf, size_t size, const char *ip, const char *domain)
{
	jmrp_unit_arf_typed(buf, size, "abuse", ip, domain);
}

/** Build an ARF report of Feedback-Type type about ip from news@domain. */
void jmrp_unit_arf_typed(char *buf, size_t size, const char *type, const char *ip, const char *domain)
{
	char src[80] = "";

	if (ip != NULL)
		assert_int_equal(mr_snprintf(src, sizeof(src), "Source-IP: %s\n", ip), 0);
	assert_int_equal(mr_snprintf(buf, size,
	                             "From: Reporter <fbl@fbl.example>\nTo: fbl@example.com\nSubject: Abuse report\n"
	                             "MIME-Version: 1.0\n"
	                             "Content-Type: multipart/report; report-type=feedback-report; boundary=\"BND\"\n\n"
	                             "--BND\nContent-Type: text/plain\n\nreport\n"
	                             "--BND\nContent-Type: message/feedback-report\n\n"
	                             "Feedback-Type: %s\nVersion: 1\n%sOriginal-Mail-From: <news@%s>\n\n--BND--\n",
	                             type, src, domain), 0);
}

/** Count one ARF complaint. */
void jmrp_unit_feed(jmrp_counter *c, const char *key, const char *ip, const char *domain, time_t arrival)
{
	jmrp_unit_feed_typed(c, key, "abuse", ip, domain, arrival);
}

/** Count one ARF report of Feedback-Type type. */
void jmrp_unit_feed_typed(jmrp_counter *c, const char *key, const char *type, const char *ip, const char *domain,
                          time_t arrival)
{
	char msg[4096];
	jmrp_msg m;

	jmrp_unit_arf_typed(msg, sizeof(msg), type, ip, domain);
	memset(&m, 0, sizeof(m));
	m.key = key;
	m.label = key;
	m.arrival = arrival;
	m.data = msg;
	m.len = strlen(msg);
	assert_int_equal(jmrp_counter_message(c, &m), 0);
}

/** Count one unread message. */
void jmrp_unit_feed_unread(jmrp_counter *c, const char *key, const char *label, const char *why, time_t arrival)
{
	jmrp_msg m;

	memset(&m, 0, sizeof(m));
	m.key = key;
	m.label = label;
	m.arrival = arrival;
	m.why = why;
	assert_int_equal(jmrp_counter_message(c, &m), 0);
}

/** A counter with max_details 10 and no filters. */
void jmrp_unit_counter(jmrp_counter *c, jmrp_count_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_details = 10;
	jmrp_counter_init(c, cfg);
}

/** Group setup: initialise GMime. */
int jmrp_unit_setup(void **state)
{
	(void)state;
	jmrp_parse_init();
	return 0;
}

/** Group teardown: release GMime. */
int jmrp_unit_teardown(void **state)
{
	(void)state;
	jmrp_parse_shutdown();
	return 0;
}

/** Set t to the ranges warn and crit. */
void jmrp_unit_thresholds(mr_thresholds *t, const char *warn, const char *crit)
{
	memset(t, 0, sizeof(*t));
	if (warn != NULL)
		assert_int_equal(mr_range_parse(warn, &t->warn), 0);
	if (crit != NULL)
		assert_int_equal(mr_range_parse(crit, &t->crit), 0);
	t->has_warn = warn != NULL;
	t->has_crit = crit != NULL;
}

/* jmrp_unit.h: helpers shared by the unit tests of check_jmrp's judge, state and report: a counter fed with
 * complaints built as bytes (a small ARF report) or with messages that were not read. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MAILREP_TESTS_JMRP_UNIT_H
#define MAILREP_TESTS_JMRP_UNIT_H

#include <stddef.h>
#include <time.h>
#include "plugins/jmrp/jmrp_judge.h"

/** Build into buf (size bytes) an ARF complaint about ip (NULL: none) whose sender is news@domain. */
void jmrp_unit_arf(char *buf, size_t size, const char *ip, const char *domain);
/** Build into buf an ARF report of Feedback-Type type (e.g. "auth-failure") about ip from news@domain. */
void jmrp_unit_arf_typed(char *buf, size_t size, const char *type, const char *ip, const char *domain);
/** Count one ARF report of Feedback-Type type under key; fails the test unless the counter took it. */
void jmrp_unit_feed_typed(jmrp_counter *c, const char *key, const char *type, const char *ip, const char *domain,
                          time_t arrival);
/** Count one ARF complaint (jmrp_unit_arf) under key with arrival; fails the test unless the counter took it. */
void jmrp_unit_feed(jmrp_counter *c, const char *key, const char *ip, const char *domain, time_t arrival);
/** Count one message that could not be read (label, why) under key; fails the test unless the counter took it. */
void jmrp_unit_feed_unread(jmrp_counter *c, const char *key, const char *label, const char *why, time_t arrival);
/** Set t to the warning and critical ranges warn and crit (NULL: none); fails the test on a bad range. */
void jmrp_unit_thresholds(mr_thresholds *t, const char *warn, const char *crit);
/** cmocka group setup: initialise GMime (the complaint parser's library). */
int jmrp_unit_setup(void **state);
/** cmocka group teardown: release GMime. */
int jmrp_unit_teardown(void **state);
/** A counter with max_details 10 and no filters (cfg must outlive it). */
void jmrp_unit_counter(jmrp_counter *c, jmrp_count_config *cfg);

#endif

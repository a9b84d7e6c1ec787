/* jmrp_count.h: transitional: the names check_jmrp.c used before the split into jmrp_judge, jmrp_state and
 * jmrp_report (and jmrp_parse's init). Delete this file once check_jmrp.c includes those headers and calls
 * jmrp_parse_init, jmrp_parse_shutdown and jmrp_report_build. */
#ifndef JMRP_COUNT_H
#define JMRP_COUNT_H

#include "jmrp_judge.h"
#include "jmrp_parse.h"
#include "jmrp_report.h"
#include "jmrp_state.h"

/** Old name of jmrp_report_build. */
#define jmrp_counter_report jmrp_report_build
/** Old name of jmrp_parse_init. */
#define jmrp_report_init jmrp_parse_init
/** Old name of jmrp_parse_shutdown. */
#define jmrp_report_shutdown jmrp_parse_shutdown

#endif

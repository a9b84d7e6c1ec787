/* smtp_builtin.h: the built-in check_ms_smtp rules table for the SMTP unit tests, parsed in a group setup. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_BUILTIN_H
#define SMTP_BUILTIN_H

#include "plugins/ms_smtp/smtp_parse_rules.h"

/** The built-in table, parsed once for all tests of a group. */
extern smtp_rules builtin;

/** cmocka group setup: parse the built-in table into builtin; 0, or -1 with the reason on stderr. */
int builtin_setup(void **state);
/** cmocka group teardown: free builtin. */
int builtin_teardown(void **state);

#endif

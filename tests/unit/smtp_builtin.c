/* smtp_builtin.c: the built-in check_ms_smtp rules table for the SMTP unit tests, parsed in a group setup. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>

#include "smtp_builtin.h"

/** The built-in table, parsed once for all tests of a group. */
smtp_rules builtin;

/** Parse the built-in table before the tests. */
int builtin_setup(void **state)
{
	mr_buf err;
	int rc;

	(void)state;
	mr_buf_init(&err, 4096);
	smtp_rules_init(&builtin);
	rc = smtp_rules_parse(&builtin, smtp_default_rules, "built-in", &err);
	if (rc != 0)
		fprintf(stderr, "built-in rules: %s\n", mr_buf_str(&err));
	mr_buf_free(&err);
	return rc;
}

/** Free the built-in table after the tests. */
int builtin_teardown(void **state)
{
	(void)state;
	smtp_rules_free(&builtin);
	return 0;
}

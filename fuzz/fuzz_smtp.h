/* fuzz_smtp.h: what the check_ms_smtp fuzz targets share: the built-in reply rules, parsed once. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_FUZZ_SMTP_H
#define MR_FUZZ_SMTP_H

#include <stdlib.h>

#include "../plugins/ms_smtp/smtp_parse_rules.h"

/** The built-in rules table, parsed at the first call (aborts if it does not parse: the build is broken). */
static inline const smtp_rules *fuzz_builtin_rules(void)
{
	static smtp_rules rules;
	static int ready;
	mr_buf err;

	if (!ready) {
		mr_buf_init(&err, 1024);
		smtp_rules_init(&rules);
		if (smtp_rules_parse(&rules, smtp_default_rules, "built-in", &err) != 0)
			abort();
		mr_buf_free(&err);
		ready = 1;
	}
	return &rules;
}

#endif

/* smtp_parse_stage.c: names of the SMTP dialogue's stages, for output and as written in rules files. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>

#include "../../common/util.h"
#include "smtp_parse_stage.h"

/** Stage names as written in rules files, indexed by smtp_stage. */
static const char *const stage_keys[SMTP_STAGE_COUNT] = {
	"connect", "banner", "ehlo", "starttls", "ehlo_tls", "mail", "rcpt", "data", "data_end", "rset", "quit"
};

/** Stage names for output, indexed by smtp_stage. */
static const char *const stage_names[SMTP_STAGE_COUNT] = {
	"connect", "banner", "EHLO", "STARTTLS", "EHLO (TLS)", "MAIL FROM", "RCPT TO", "DATA", "end of data",
	"RSET", "QUIT"
};

/** Name of a stage for output. */
const char *smtp_stage_name(smtp_stage s)
{
	if ((int)s < 0 || s >= SMTP_STAGE_COUNT)
		return "unknown stage";
	return stage_names[s];
}

/** Parse a stage name as used in rules files (any case); 0 or -1. */
int smtp_stage_parse(const char *name, smtp_stage *out)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < SMTP_STAGE_COUNT; i++)
		if (mr_streq_ci(name, stage_keys[i])) {
			if (out != NULL)
				*out = (smtp_stage)i;
			return 0;
		}
	return -1;
}

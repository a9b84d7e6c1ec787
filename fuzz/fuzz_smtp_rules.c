/* fuzz_smtp_rules.c: libFuzzer target for the rules file of check_ms_smtp (plugins/ms_smtp/smtp_parse_rules,
 * smtp_rules_parse): the input is a rules file; a table that parses is used to classify a few replies. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/ms_smtp/smtp_judge.h"
#include "../plugins/ms_smtp/smtp_parse_rules.h"
#include "fuzz.h"

/** Parse the input as rules text; classify sample replies with what it gave. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const samples[] = {
		"550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. (S3140) [AM0EUR02FT001.eop.test]",
		"451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.",
		"250 2.1.0 Sender OK",
	};
	static smtp_reply r;
	static smtp_verdict v;
	char *s = fuzz_str(data, size);
	smtp_rules t;
	mr_buf err;
	size_t i;

	mr_buf_init(&err, 1024);
	smtp_rules_init(&t);
	if (smtp_rules_parse(&t, s, "fuzz.ini", &err) == 0) {
		for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
			memset(&r, 0, sizeof(r));
			r.code = (samples[i][0] - '0') * 100 + (samples[i][1] - '0') * 10 + (samples[i][2] - '0');
			r.nlines = 1;
			snprintf(r.text, sizeof(r.text), "%s", samples[i]);
			smtp_classify(&t, (smtp_stage)(i + SMTP_STAGE_MAIL), &r, MR_WARNING, &v);
		}
	} else {
		assert(mr_buf_str(&err)[0] != '\0');
	}
	smtp_rules_free(&t);
	mr_buf_free(&err);
	free(s);
	return 0;
}

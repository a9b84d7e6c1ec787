/* fuzz_smtp_judge.c: libFuzzer target for the reply classifier (plugins/ms_smtp/smtp_judge, smtp_classify and
 * smtp_judge_probe) under the built-in rules: the first byte picks the stage and how the probe ended, the rest is
 * read as server replies and each reply is classified and judged. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/ms_smtp/smtp_judge.h"
#include "fuzz.h"
#include "fuzz_smtp.h"


/** Read replies from the input and classify and judge each. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static smtp_reader rd;
	static smtp_reply r;
	static smtp_verdict v;
	static smtp_probe_result res;
	static smtp_judgement j;
	smtp_probe_config pc;
	smtp_stage st;
	size_t off = 0, used;
	const smtp_rules *rules = fuzz_builtin_rules();

	if (size < 1)
		return 0;
	st = (smtp_stage)(data[0] % SMTP_STAGE_COUNT);
	memset(&pc, 0, sizeof(pc));
	pc.host = "mx.test";
	pc.tls = (smtp_tls_mode)((data[0] >> 4) % 3);
	smtp_reader_init(&rd);
	off = 1;
	while (off < size && smtp_reader_feed(&rd, (const char *)data + off, size - off, &used, &r) == SMTP_RD_REPLY) {
		off += used;
		smtp_classify(rules, st, &r, MR_WARNING, &v);
		assert(v.state >= MR_OK && v.state <= MR_UNKNOWN);
		assert(r.code < 400 || v.state != MR_OK || v.rule != NULL);
		memset(&res, 0, sizeof(res));
		res.end = (smtp_end)((data[0] >> 2) % (SMTP_END_TLS_FAILED + 1));
		res.last = st;
		res.st[st].reached = 1;
		res.st[st].has_reply = 1;
		res.st[st].reply = r;
		smtp_judge_probe(&res, &pc, rules, MR_CRITICAL, &j);
		assert(strlen(j.what) < sizeof(j.what));
	}
	return 0;
}

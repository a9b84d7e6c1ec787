/* fuzz_jmrp_parse.c: libFuzzer target for the complaint parser of check_jmrp (plugins/jmrp/jmrp_parse): legacy
 * Hotmail reports, RFC 5965 ARF and any MIME through GMime, then the counter that tallies what it found. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/jmrp/jmrp_judge.h"
#include "../plugins/jmrp/jmrp_parse.h"
#include "fuzz.h"

/** Parse the input as one message; count it as check_jmrp would. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static jmrp_complaint out;
	jmrp_count_config cfg;
	jmrp_counter c;
	jmrp_msg m;
	jmrp_kind k;

	if (!ready) {
		jmrp_parse_init();
		ready = 1;
	}
	k = jmrp_parse((const char *)data, size, &out);
	assert(k == out.kind);
	assert(memchr(out.sender, '\0', sizeof(out.sender)) != NULL);
	assert(memchr(out.domain, '\0', sizeof(out.domain)) != NULL);
	assert(k != JMRP_UNPARSED || out.why[0] != '\0');

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_details = 10;
	jmrp_counter_init(&c, &cfg);
	jmrp_counter_keep(&c);
	memset(&m, 0, sizeof(m));
	m.key = "cur/fuzz";
	m.label = "cur/fuzz";
	m.arrival = 1700000000;
	m.data = (const char *)data;
	m.len = size;
	(void)jmrp_counter_message(&c, &m);
	assert(c.complaints + c.other + c.unparsed + c.filtered == 1 || c.oom);
	jmrp_counter_free(&c);
	return 0;
}

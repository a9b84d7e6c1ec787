/* fuzz_jmrp_mbox.c: libFuzzer target for mbox splitting in check_jmrp (plugins/jmrp/jmrp_input_mbox,
 * jmrp_read_mbox): the input is an mbox file (written to a scratch file: the reader takes only a path today);
 * every message is counted as check_jmrp counts it, keys checked against the state file's rules. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../common/deadline.h"
#include "../plugins/jmrp/jmrp_input.h"
#include "../plugins/jmrp/jmrp_judge.h"
#include "fuzz.h"

/** The counter plus what the callback checks. */
typedef struct seen {
	jmrp_counter c;   /**< check_jmrp's counter */
	size_t msgs;      /**< messages handed over */
} seen;

/** Check a message from the reader and count it. */
static int on_msg(void *user, const jmrp_msg *m)
{
	seen *s = user;

	assert(m->key != NULL && strncmp(m->key, "mbox:", 5) == 0);
	assert(m->label != NULL);
	assert((m->data == NULL) == (m->why != NULL));
	s->msgs++;
	return jmrp_counter_message(&s->c, m);
}

/** Read the input as an mbox. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static seen s;
	jmrp_count_config cfg;
	jmrp_read_config rc;
	jmrp_read_stats st;
	const char *path;
	mr_buf err;
	int r;

	if (!ready) {
		jmrp_parse_init();
		ready = 1;
	}
	path = fuzz_file(data, size);
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_details = 10;
	jmrp_counter_init(&s.c, &cfg);
	jmrp_counter_keep(&s.c);
	s.msgs = 0;
	memset(&rc, 0, sizeof(rc));
	memset(&st, 0, sizeof(st));
	rc.since = (size & 1) ? 0 : 1600000000;
	rc.deadline = mr_now() + 60;
	rc.known = jmrp_counter_known;
	rc.cb = on_msg;
	rc.user = &s;
	mr_buf_init(&err, 1024);
	r = jmrp_read_mbox(path, &rc, &st, &err);
	assert(r == 0 || r == 1 || mr_buf_str(&err)[0] != '\0');
	mr_buf_free(&err);
	jmrp_counter_free(&s.c);
	return 0;
}

/* fuzz_jmrp_mbox.c: libFuzzer target for mbox splitting in check_jmrp (plugins/jmrp/jmrp_input_mbox,
 * jmrp_read_mbox_buf): the first byte picks a piece size, the rest is the mbox. The bytes are split at once and
 * in pieces: both must hand over the same messages under the same keys. The first read counts every message as
 * check_jmrp does, keys checked against the state file's rules. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../common/deadline.h"
#include "../common/hash.h"
#include "../plugins/jmrp/jmrp_input.h"
#include "../plugins/jmrp/jmrp_judge.h"
#include "fuzz.h"

/** What one read handed over. */
typedef struct seen {
	jmrp_counter c;   /**< check_jmrp's counter */
	mr_buf log;       /**< "KEY LABEL LEN HASH" per message */
} seen;

/** Check a message from the reader, log it and count it. */
static int on_msg(void *user, const jmrp_msg *m)
{
	seen *s = user;

	assert(m->key != NULL && strncmp(m->key, "mbox:", 5) == 0);
	assert(m->label != NULL);
	assert((m->data == NULL) == (m->why != NULL));
	if (mr_buf_printf(&s->log, "%s %s %zu %016llx\n", m->key, m->label, m->len,
	                  (unsigned long long)(m->data != NULL ? mr_fnv1a64(m->data, m->len, MR_FNV64_INIT) : 0)) != 0)
		abort();
	return jmrp_counter_message(&s->c, m);
}

/** Split the mbox in pieces of chunk bytes (0: at once) into s (started here, counter made with cfg); the
 *  reader's result. */
static int split(seen *s, const jmrp_count_config *cfg, const char *text, size_t len, size_t chunk, time_t since)
{
	jmrp_read_config rc;
	jmrp_read_stats st;
	mr_buf err;
	int r;

	jmrp_counter_init(&s->c, cfg);
	jmrp_counter_keep(&s->c);
	mr_buf_init(&s->log, 1 << 22);
	memset(&rc, 0, sizeof(rc));
	memset(&st, 0, sizeof(st));
	rc.since = since;
	rc.deadline = mr_now() + 60;
	rc.known = jmrp_counter_known;
	rc.cb = on_msg;
	rc.user = s;
	mr_buf_init(&err, 1024);
	r = jmrp_read_mbox_buf(text, len, chunk, &rc, &st, &err);
	assert(r == 0 || (r < 0 && mr_buf_str(&err)[0] != '\0'));
	mr_buf_free(&err);
	return r;
}

/** Read the input as an mbox, at once and in pieces. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	jmrp_count_config cfg;
	seen whole, pieces;
	time_t since;
	size_t chunk;
	int r1, r2;

	if (size == 0)
		return 0;
	if (!ready) {
		jmrp_parse_init();
		ready = 1;
	}
	chunk = 1 + data[0] % 97;
	since = (data[0] & 0x80) ? 0 : 1600000000;
	data++;
	size--;
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_details = 10;
	r1 = split(&whole, &cfg, (const char *)data, size, 0, since);
	r2 = split(&pieces, &cfg, (const char *)data, size, chunk, since);
	if (r1 == 0 && r2 == 0 && strcmp(mr_buf_str(&whole.log), mr_buf_str(&pieces.log)) != 0) {
		fprintf(stderr, "pieces of %zu bytes split differently:\n%s---\n%s", chunk, mr_buf_str(&whole.log),
		        mr_buf_str(&pieces.log));
		abort();
	}
	assert(r1 != 0 || r2 != 0 || (whole.c.complaints == pieces.c.complaints && whole.c.unparsed == pieces.c.unparsed));
	mr_buf_free(&whole.log);
	mr_buf_free(&pieces.log);
	jmrp_counter_free(&whole.c);
	jmrp_counter_free(&pieces.c);
	return 0;
}

/* fuzz_jmrp_state.c: libFuzzer target for check_jmrp's state file (plugins/jmrp/jmrp_state): jmrp_state_read on
 * the input's bytes; a file that reads is written back with jmrp_state_save and must read again to the same
 * number of entries (what the last run wrote, the next run must accept). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/jmrp/jmrp_state.h"
#include "fuzz.h"

/** Read a state file from bytes into a fresh counter; jmrp_state_read's result. */
static int read_state(jmrp_counter *c, jmrp_count_config *cfg, const char *buf, size_t len, unsigned long *bad)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_details = 10;
	jmrp_counter_init(c, cfg);
	return jmrp_state_read(c, buf, len, 1000, bad);
}

/** Read the input as a state file; round-trip it through a scratch file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char back[1 << 20];
	jmrp_count_config cfg, cfg2;
	jmrp_counter c, c2;
	unsigned long bad = 0, bad2 = 0;
	const char *path;
	size_t n;
	FILE *f;
	mr_buf err;

	if (read_state(&c, &cfg, (const char *)data, size, &bad) == 0 && !c.oom) {
		path = fuzz_file((const uint8_t *)"", 0);
		mr_buf_init(&err, 1024);
		if (jmrp_state_save(&c, path, 1, &err) != 0)
			abort();
		mr_buf_free(&err);
		f = fopen(path, "r");
		if (f == NULL)
			abort();
		n = fread(back, 1, sizeof(back), f);
		fclose(f);
		if (n < sizeof(back)) {
			if (read_state(&c2, &cfg2, back, n, &bad2) != 0) {
				fprintf(stderr, "state file written could not be read back (line %lu):\n%.*s\n", bad2, (int)n, back);
				abort();
			}
			assert(c2.n == c.n);
			jmrp_counter_free(&c2);
		}
	}
	jmrp_counter_free(&c);
	return 0;
}

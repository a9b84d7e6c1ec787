/* fuzz_dnsbl_targets.c: libFuzzer target for check_dnsbl's target specs (plugins/dnsbl/dnsbl_input_targets): each
 * input line as a -H value and as a --mx / --domain name, and the whole input as a -F targets file (written to a
 * scratch file: the reader takes only a path today); the address specs that parse are appended as units, as the
 * expansion does without lookups, and labelled. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/dnsbl/dnsbl_input_targets.h"
#include "fuzz.h"

/** Parse the input's lines as target specs and the input as a targets file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *d = data, *line;
	size_t n = size, k, i, before;
	dnsbl_targets t;
	dnsbl_units u;
	dnsbl_unit one;
	char *s;
	mr_buf err;
	char label[512];

	memset(&t, 0, sizeof(t));
	mr_buf_init(&err, 1024);
	while (n > 0) {
		line = d;
		k = fuzz_take(&d, &n, '\n');
		s = fuzz_str(line, k);
		before = t.nspec;
		mr_buf_reset(&err);
		if (dnsbl_targets_add_host(&t, s, &err) == 0)
			assert(t.nspec == before + 1);
		(void)dnsbl_targets_add_name(&t, DNSBL_T_MX, s, &err);
		(void)dnsbl_targets_add_name(&t, DNSBL_T_DOMAIN, s, &err);
		free(s);
	}
	mr_buf_reset(&err);
	(void)dnsbl_targets_add_buf(&t, (const char *)data, size, "fuzz", &err);

	/* the address specs as units, as the expansion appends them */
	memset(&u, 0, sizeof(u));
	for (i = 0; i < t.nspec; i++) {
		if (t.spec[i].kind != DNSBL_T_CIDR)
			continue;
		memset(&one, 0, sizeof(one));
		one.cidr = t.spec[i].cidr;
		one.size = mr_cidr_size(&one.cidr);
		mr_buf_reset(&err);
		(void)dnsbl_units_add(&u, &one, 1u << 20, &err);
	}
	for (i = 0; i < u.total && i < 64; i++) {
		assert(dnsbl_units_find(&u, i) != NULL);
		assert(dnsbl_target_label(&u, i, label, sizeof(label)) == 0);
	}
	assert(dnsbl_units_find(&u, u.total) == NULL);
	dnsbl_units_free(&u);
	dnsbl_targets_free(&t);
	mr_buf_free(&err);
	return 0;
}

/* fuzz_dnsbl_catalogue.c: libFuzzer target for check_dnsbl's zone catalogue format
 * (plugins/dnsbl/dnsbl_parse_catalogue, dnsbl_catalogue_parse): the input is a catalogue file. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/dnsbl/dnsbl_parse_catalogue.h"
#include "fuzz.h"

/** Parse the input as catalogue text; check the zones it gave. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	dnsbl_catalogue cat;
	mr_buf err;
	size_t i;

	mr_buf_init(&err, 1024);
	dnsbl_catalogue_init(&cat);
	if (dnsbl_catalogue_parse(&cat, s, "fuzz.ini", &err) == 0) {
		for (i = 0; i < cat.n; i++) {
			assert(cat.v[i].name[0] != '\0');
			assert(dnsbl_catalogue_index(&cat, cat.v[i].name) >= 0);
		}
	} else {
		assert(mr_buf_str(&err)[0] != '\0');
	}
	dnsbl_catalogue_free(&cat);
	mr_buf_free(&err);
	free(s);
	return 0;
}

/* fuzz_dnsbl_spec.c: libFuzzer target for check_dnsbl's zone specs and answer codes
 * (plugins/dnsbl/dnsbl_parse_zonespec, dnsbl_parse_codes): the input as a -z / --allow-zone spec
 * ZONE[=CODES][:SEVERITY] and as a Postfix code pattern; what parses is looked up. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/dnsbl/dnsbl_parse_codes.h"
#include "../plugins/dnsbl/dnsbl_parse_zonespec.h"
#include "fuzz.h"

/** Parse the input as a zone spec (both kinds) and as a code set. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	dnsbl_catalogue cat;
	dnsbl_codeset set;
	mr_buf err;
	size_t i;
	int allow;

	mr_buf_init(&err, 1024);
	for (allow = 0; allow < 2; allow++) {
		dnsbl_catalogue_init(&cat);
		mr_buf_reset(&err);
		if (dnsbl_catalogue_add_spec(&cat, s, allow, &err) == 0) {
			assert(cat.n == 1);
			assert(cat.v[0].name[0] != '\0');
			assert(dnsbl_catalogue_index(&cat, cat.v[0].name) == 0);
			for (i = 0; i < cat.v[0].listing.n; i++)
				assert(cat.v[0].listing.v[i].lo <= cat.v[0].listing.v[i].hi);
		} else {
			assert(mr_buf_str(&err)[0] != '\0');
		}
		dnsbl_catalogue_free(&cat);
	}
	memset(&set, 0, sizeof(set));
	mr_buf_reset(&err);
	if (dnsbl_codes_parse(s, &set, &err) == 0) {
		for (i = 0; i < set.n; i++) {
			assert(set.v[i].lo <= set.v[i].hi);
			assert(dnsbl_codeset_find(&set, set.v[i].lo) != NULL);
		}
	}
	dnsbl_codeset_free(&set);
	mr_buf_free(&err);
	free(s);
	return 0;
}

/* fuzz_addr.c: libFuzzer target for addresses, CIDR ranges and host names (common/addr): parse, print, re-parse
 * (the printed form must read back the same), containment, size, successor and the reverse name. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../common/addr.h"
#include "fuzz.h"

/** Parse the input as an address, a CIDR range and a host name; check the round trips. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	mr_cidr c, back;
	mr_addr a, b;
	const char *why = NULL;
	char txt[MR_ADDR_STRLEN + 8];
	char rev[MR_REVNAME_LEN];
	char host[MR_HOSTNAME_MAX + 1];

	if (mr_cidr_parse(s, &c, &why) == 0) {
		assert(mr_cidr_format(&c, txt, sizeof(txt)) == 0);
		assert(mr_cidr_parse(txt, &back, NULL) == 0);
		assert(back.prefix == c.prefix && mr_addr_cmp(&back.base, &c.base) == 0);
		assert(mr_cidr_contains(&c, &c.base) == 1);
		(void)mr_cidr_size(&c);
		b = c.base;
		(void)mr_addr_add(&b, mr_cidr_size(&c) - 1);
		(void)mr_addr_in_range(&b, &c.base, &b);
	} else {
		assert(why != NULL);
	}
	if (mr_addr_parse(s, &a) == 0) {
		assert(mr_addr_format(&a, txt, sizeof(txt)) == 0);
		assert(mr_addr_parse(txt, &b) == 0 && mr_addr_cmp(&a, &b) == 0);
		assert(mr_addr_reverse_name(&a, rev, sizeof(rev)) == 0);
	}
	if (mr_hostname_normalise(s, host, sizeof(host), &why) == 0)
		assert(mr_hostname_check(host, &why) == 0);
	free(s);
	return 0;
}

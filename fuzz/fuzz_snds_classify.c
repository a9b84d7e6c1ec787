/* fuzz_snds_classify.c: libFuzzer target for the SNDS fetch classification (plugins/snds/snds_input,
 * snds_input_classify): the first two bytes give the HTTP status and the feed and interface, the text up to the
 * first NUL is the Content-Type (none if the input has no NUL), the rest the body. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/snds/snds_input.h"
#include "fuzz.h"

/** The HTTP statuses a server may answer with. */
static const long codes[] = { 200, 204, 301, 302, 400, 401, 403, 404, 429, 500, 502, 503, 0, 999, -1, 100 };

/** Classify the response the input describes; check that rows come with a parsable format. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *ct;
	char *ctype = NULL;
	size_t ctlen;
	snds_format fmt = SNDS_FMT_UNKNOWN;
	snds_got got;
	int feed;
	snds_api api;
	long code;
	mr_buf err;

	if (size < 2)
		return 0;
	code = codes[data[0] % 16];
	feed = data[1] & 1;
	api = (data[1] & 2) ? SNDS_API_REST : SNDS_API_LEGACY;
	data += 2;
	size -= 2;
	if (memchr(data, 0, size) != NULL) {
		ct = data;
		ctlen = fuzz_take(&data, &size, 0);
		ctype = fuzz_str(ct, ctlen);
	}
	mr_buf_init(&err, 1024);
	got = snds_input_classify(feed, api, code, ctype, (const char *)data, size, &fmt, &err);
	if (got == SNDS_GOT_ROWS)
		assert(fmt == SNDS_FMT_CSV || fmt == SNDS_FMT_JSON);
	if (got == SNDS_GOT_ERROR)
		assert(mr_buf_str(&err)[0] != '\0');
	mr_buf_free(&err);
	free(ctype);
	return 0;
}

/* fuzz_snds_parse.c: libFuzzer target for the SNDS feed parsers (plugins/snds/snds_parse*): format detection,
 * the sign-in page test, and the data and IP status parsers (CSV and JSON) on the same body, in the format the
 * body was detected as and in both forced formats. The first byte picks a Content-Type. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/snds/snds_parse.h"
#include "fuzz.h"

/** Check one data row as a consumer would use it. */
static int on_data(void *user, const snds_data_row *row)
{
	size_t *rows = user;

	assert(row->ip.family == AF_INET || row->ip.family == AF_INET6);
	assert(snds_filter_name(row->filter) != NULL);
	assert(memchr(row->helo, '\0', sizeof(row->helo)) != NULL);
	(*rows)++;
	return *rows > 100000 ? -1 : 0;
}

/** Check one status row: a range of one family, in order. */
static int on_status(void *user, const snds_status_row *row)
{
	size_t *rows = user;

	assert(row->first.family == row->last.family);
	assert(mr_addr_cmp(&row->first, &row->last) <= 0);
	(*rows)++;
	return 0;
}

/** Detect the body's format and parse it as data and as status feed. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { NULL, "text/csv", "application/json", "text/html; charset=utf-8",
	                                     "text/plain", "application/octet-stream" };
	const char *body;
	snds_format fmt;
	snds_format forced[3];
	size_t rows, i;
	long n;
	mr_buf err;

	if (size < 1)
		return 0;
	body = (const char *)data + 1;
	fmt = snds_detect(body, size - 1, types[data[0] % 6]);
	(void)snds_is_signin_page(body, size - 1);
	forced[0] = fmt;
	forced[1] = SNDS_FMT_CSV;
	forced[2] = SNDS_FMT_JSON;
	mr_buf_init(&err, 1024);
	for (i = 0; i < 3; i++) {
		if (forced[i] != SNDS_FMT_CSV && forced[i] != SNDS_FMT_JSON)
			continue;
		rows = 0;
		mr_buf_reset(&err);
		n = snds_parse_data(body, size - 1, forced[i], on_data, &rows, &err);
		assert(n < 0 || (size_t)n == rows);
		rows = 0;
		mr_buf_reset(&err);
		n = snds_parse_status(body, size - 1, forced[i], on_status, &rows, &err);
		assert(n < 0 || (size_t)n == rows);
	}
	mr_buf_free(&err);
	return 0;
}

/* fuzz_smtp_reply.c: libFuzzer target for the SMTP reply reader (plugins/ms_smtp/smtp_parse_reply): the first
 * byte sets the chunk size, the rest is fed as a server's bytes, chunk by chunk, until an error stops the reader. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../plugins/ms_smtp/smtp_parse_reply.h"
#include "fuzz.h"

/** Feed the input to one reader in chunks; check every reply and the final-error rule. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static smtp_reader rd;
	static smtp_reply out;
	size_t chunk, off = 0, used, take;
	smtp_rd_status st;
	const char *buf;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] + 1;
	buf = (const char *)data + 1;
	size--;
	smtp_reader_init(&rd);
	while (off < size) {
		take = size - off < chunk ? size - off : chunk;
		st = smtp_reader_feed(&rd, buf + off, take, &used, &out);
		assert(used <= take);
		off += used;
		assert(smtp_rd_status_text(st) != NULL);
		if (st == SMTP_RD_REPLY) {
			assert(out.code >= 200 && out.code <= 599);
			assert(out.nlines >= 1 && out.nlines <= SMTP_REPLY_MAX_LINES);
			assert(strlen(out.text) < SMTP_REPLY_TEXT_MAX);
		} else if (st == SMTP_RD_MORE) {
			assert(used == take);
		} else {
			assert(smtp_reader_feed(&rd, "220 ok\r\n", 8, &used, &out) == st);
			break;
		}
	}
	return 0;
}

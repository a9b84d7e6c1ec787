/* fuzz_imap.c: libFuzzer target for the IMAP client's response handling (common/imap): the pure parsers
 * (mr_imap_scan, mr_imap_parse_search, _meta, _body, _uidvalidity) on the input, then one command of the client
 * over a scripted transport that answers with the input. The first byte picks the command and how the scan is
 * chunked; the server's chunks are separated by 0x01. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../common/deadline.h"
#include "../common/imap.h"
#include "fuzz.h"

/** The scripted server: what is left of the input. */
typedef struct script {
	const uint8_t *d;   /**< next byte */
	size_t n;           /**< bytes left */
} script;

/** Scripted send: accept everything. */
static int fake_send(void *ctx, const char *buf, size_t n, double deadline)
{
	assert(buf != NULL && n > 0);
	return 0;
}

/** Scripted receive: the next chunk (cut to cap), a timeout for an empty chunk, closed at the end. */
static int fake_recv(void *ctx, char *buf, size_t cap, size_t *got, double deadline)
{
	script *s = ctx;

	(void)deadline;
	return fuzz_chunk(&s->d, &s->n, buf, cap, got);
}

/** Run the parsers on the input, then one client command against it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static mr_imap_meta meta[8];
	char *s;
	char status[200];
	size_t pos = 0, literal = 0, step, end, n = 0, cap = 0, dlen, i;
	unsigned long *uids = NULL, validity;
	const char *body;
	unsigned op;
	mr_imap c;
	script sc;
	mr_buf err;
	double deadline;

	if (size < 1)
		return 0;
	op = data[0];
	data++;
	size--;
	s = fuzz_str(data, size);

	/* the scanner, fed in growing windows as bytes would arrive */
	step = (op >> 3) + 1;
	for (end = 0; end < size;) {
		end = end + step < size ? end + step : size;
		if (mr_imap_scan(s, end, "M1", &pos, &literal, status, sizeof(status)) == 1) {
			assert(pos <= end);
			assert(strlen(status) < sizeof(status));
			break;
		}
		assert(pos <= end);
	}
	(void)mr_imap_parse_uidvalidity(s);
	if (mr_imap_parse_search(s, &uids, &n, &cap) == 0)
		assert(n <= cap);
	for (i = 0; i < 8; i++)
		meta[i].uid = i < n ? uids[i] : 1000 + i;
	for (i = 1; i < 8; i++)
		if (meta[i].uid <= meta[i - 1].uid)
			meta[i].uid = meta[i - 1].uid + 1;
	mr_imap_parse_meta(s, meta, 8);
	if (mr_imap_parse_body(s, size, &body, &dlen) == 0 && body != NULL)
		assert(body >= s && body + dlen <= s + size);
	free(uids);
	uids = NULL;
	free(s);

	/* one command over the scripted server */
	mr_imap_init(&c, 1 << 16, 0);
	sc.d = data;
	sc.n = size;
	c.t.ctx = &sc;
	c.t.send = fake_send;
	c.t.recv = fake_recv;
	mr_buf_init(&err, 1024);
	deadline = mr_now() + 10;
	switch (op % 4) {
	case 0:
		(void)mr_imap_examine(&c, "INBOX", &validity, deadline, &err);
		break;
	case 1:
		if (mr_imap_search_since(&c, 1700000000, &uids, &n, deadline, &err) == 0)
			for (i = 1; i < n; i++)
				assert(uids[i - 1] <= uids[i]);
		free(uids);
		break;
	case 2:
		for (i = 0; i < 8; i++)
			meta[i].uid = 2 * i + 1;
		(void)mr_imap_fetch_meta(&c, meta, 8, deadline, &err);
		break;
	default:
		if (mr_imap_fetch_body(&c, 7, &body, &dlen, deadline, &err) == 0 && body != NULL)
			assert(dlen <= c.resp.len);
		break;
	}
	mr_buf_free(&err);
	mr_imap_close(&c);
	return 0;
}

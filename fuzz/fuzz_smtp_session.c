/* fuzz_smtp_session.c: libFuzzer target for the SMTP probe dialogue (plugins/ms_smtp/smtp_input_session): the
 * greeting tracker fed as libcurl's debug callback feeds it, then the MAIL/RCPT/DATA/RSET/QUIT state machine over
 * a scripted transport. Input: one flags byte (RCPT, --send, STARTTLS mode), the greeting records up to the first
 * NUL (separated by 0x01, each led by 'i' in, 'o' out or 'n' connection note), then the server's chunks after it
 * (separated by 0x01; an empty chunk is a timeout, the end of the input a closed connection). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../common/deadline.h"
#include "../plugins/ms_smtp/smtp_input_session.h"
#include "../plugins/ms_smtp/smtp_judge.h"
#include "fuzz.h"
#include "fuzz_smtp.h"

/** The scripted server: what is left of the input. */
typedef struct script {
	const uint8_t *d;   /**< next byte */
	size_t n;           /**< bytes left */
	size_t sent;        /**< bytes the dialogue sent */
} script;

/** Scripted send: accept everything. */
static int fake_send(void *ctx, const char *buf, size_t n, double deadline, mr_buf *err)
{
	script *s = ctx;

	assert(buf != NULL && n > 0);
	s->sent += n;
	return 0;
}

/** Scripted receive: the next chunk (cut to cap; the rest comes next time), a timeout for an empty one, or closed. */
static int fake_recv(void *ctx, char *buf, size_t cap, size_t *got, double deadline, mr_buf *err)
{
	script *s = ctx;
	int rc = fuzz_chunk(&s->d, &s->n, buf, cap, got);

	(void)deadline;
	if (rc < 0)
		mr_buf_puts(err, "closed");
	return rc;
}

/** Run the greeting records and then the dialogue over the scripted server. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static smtp_probe_result res;
	static smtp_judgement j;
	smtp_probe_config cfg;
	smtp_greeting g;
	smtp_transport t;
	script s;
	const uint8_t *gd, *rec;
	size_t gn, k;
	double now = 100.0;
	const smtp_rules *rules = fuzz_builtin_rules();

	if (size < 1)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "mx.test";
	cfg.port = 25;
	cfg.ehlo = "probe.example";
	cfg.from = "probe@example.com";
	cfg.rcpt = (data[0] & 1) ? "probe@hotmail.test" : NULL;
	cfg.send_data = (data[0] >> 1) & 1;
	cfg.tls = (smtp_tls_mode)(((data[0] >> 2) & 3) % 3);
	cfg.stage_timeout = 5;
	cfg.deadline = mr_now() + 5;
	data++;
	size--;

	gd = data;
	gn = fuzz_take(&data, &size, 0);
	smtp_greeting_init(&g, &cfg, &res, now);
	while (gn > 0) {
		rec = gd;
		k = fuzz_take(&gd, &gn, 1);
		now += 0.25;
		if (k == 0)
			continue;
		if (rec[0] == 'o')
			smtp_greeting_out(&g, (const char *)rec + 1, k - 1, now);
		else if (rec[0] == 'n')
			smtp_greeting_info(&g, (const char *)rec + 1, k - 1, now);
		else
			smtp_greeting_in(&g, (const char *)rec + 1, k - 1, now);
	}
	smtp_greeting_finish(&g, now);
	if (!smtp_greeting_explain(&g)) {
		s.d = data;
		s.n = size;
		s.sent = 0;
		t.ctx = &s;
		t.send = fake_send;
		t.recv = fake_recv;
		smtp_dialogue_run(&cfg, &t, &res);
	}
	assert(res.last < SMTP_STAGE_COUNT);
	smtp_judge_probe(&res, &cfg, rules, MR_WARNING, &j);
	return 0;
}

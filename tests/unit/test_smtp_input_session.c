/* test_smtp_input_session.c: drives the SMTP dialogue state machine through a scripted transport (no network). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../common/deadline.h"
#include "../../plugins/ms_smtp/smtp_input_session.h"

/** A scripted server: the replies it gives, one per command, and what it was sent. */
typedef struct script {
	const char *replies[8];   /**< reply bytes per command, NULL = stay silent */
	size_t next;              /**< index of the next reply */
	char sent[2048];          /**< everything the client sent */
	size_t nsent;             /**< bytes in sent */
	const char *pending;      /**< reply bytes not yet delivered */
	int chunk;                /**< deliver replies in pieces of this many bytes (0 = whole) */
	double send_deadline;     /**< latest deadline the dialogue gave a send */
	double recv_deadline;     /**< latest deadline the dialogue gave a receive */
} script;

/** Scripted send: record the command and queue the next reply. */
static int fake_send(void *ctx, const char *buf, size_t n, double deadline, mr_buf *err)
{
	script *s = ctx;
	(void)err;

	if (deadline > s->send_deadline)
		s->send_deadline = deadline;
	if (s->nsent + n < sizeof(s->sent)) {
		memcpy(s->sent + s->nsent, buf, n);
		s->nsent += n;
		s->sent[s->nsent] = '\0';
	}
	s->pending = s->next < 8 ? s->replies[s->next++] : NULL;
	return 0;
}

/** Scripted receive: hand out the queued reply (in chunks), or time out when there is none. */
static int fake_recv(void *ctx, char *buf, size_t cap, size_t *got, double deadline, mr_buf *err)
{
	script *s = ctx;
	size_t n;
	(void)err;

	if (deadline > s->recv_deadline)
		s->recv_deadline = deadline;
	*got = 0;
	if (s->pending == NULL || *s->pending == '\0')
		return 1;
	n = strlen(s->pending);
	if (s->chunk > 0 && n > (size_t)s->chunk)
		n = (size_t)s->chunk;
	if (n > cap)
		n = cap;
	memcpy(buf, s->pending, n);
	s->pending += n;
	*got = n;
	return 0;
}

/** Run the dialogue against script s with stage_timeout and a run deadline total seconds away; that deadline. */
static double run_timed(script *s, const char *rcpt, int send_data, double stage_timeout, double total,
                        smtp_probe_result *res)
{
	smtp_probe_config cfg;
	smtp_transport t = { s, fake_send, fake_recv };

	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "mx.test";
	cfg.ehlo = "probe.example";
	cfg.from = "postmaster@probe.example";
	cfg.rcpt = rcpt;
	cfg.send_data = send_data;
	cfg.stage_timeout = stage_timeout;
	cfg.deadline = mr_now() + total;
	memset(res, 0, sizeof(*res));
	smtp_dialogue_run(&cfg, &t, res);
	return cfg.deadline;
}

/** Run the dialogue part of a probe against script s with or without RCPT and DATA. */
static void run(script *s, const char *rcpt, int send_data, smtp_probe_result *res)
{
	run_timed(s, rcpt, send_data, 1, 5, res);
}

/** MAIL and RCPT accepted: the probe ends with RSET and QUIT and sends no DATA. */
static void test_accepted_probe_resets_and_quits(void **state)
{
	script s = { { "250 2.1.0 ok\r\n", "250 2.1.5 ok\r\n", "250 reset\r\n", "221 bye\r\n" }, 0, "", 0, NULL, 0, 0, 0 };
	smtp_probe_result res;
	(void)state;

	run(&s, "probe@hotmail.test", 0, &res);
	assert_int_equal(res.end, SMTP_END_DONE);
	assert_string_equal(s.sent, "MAIL FROM:<postmaster@probe.example>\r\nRCPT TO:<probe@hotmail.test>\r\n"
	                            "RSET\r\nQUIT\r\n");
	assert_int_equal(res.st[SMTP_STAGE_RCPT].reply.code, 250);
}

/** A block at MAIL FROM ends the dialogue there with QUIT: no RCPT, and the reply is kept whole. */
static void test_block_at_mail_from_stops_before_rcpt(void **state)
{
	script s = { { "550-5.7.1 Unfortunately, messages from [192.0.2.5] weren't sent.\r\n"
	               "550 5.7.1 part of their network is on our block list (S3140)\r\n",
	               "221 bye\r\n" }, 0, "", 0, NULL, 0, 0, 0 };
	smtp_probe_result res;
	(void)state;

	run(&s, "probe@hotmail.test", 0, &res);
	assert_int_equal(res.end, SMTP_END_REJECTED);
	assert_int_equal(res.last, SMTP_STAGE_MAIL);
	assert_null(strstr(s.sent, "RCPT"));
	assert_non_null(strstr(s.sent, "QUIT"));
	assert_int_equal(res.st[SMTP_STAGE_MAIL].reply.nlines, 2);
	assert_non_null(strstr(res.st[SMTP_STAGE_MAIL].reply.text, "(S3140)"));
}

/** Replies that arrive a few bytes at a time are reassembled. */
static void test_trickled_replies_are_reassembled(void **state)
{
	script s = { { "250 2.1.0 sender ok\r\n", "250 reset\r\n", "221 bye\r\n" }, 0, "", 0, NULL, 3, 0, 0 };
	smtp_probe_result res;
	(void)state;

	run(&s, NULL, 0, &res);
	assert_int_equal(res.end, SMTP_END_DONE);
	assert_string_equal(s.sent, "MAIL FROM:<postmaster@probe.example>\r\nRSET\r\nQUIT\r\n");
}

/** With --send and RCPT accepted, DATA and a dated message follow, and the final reply is judged. */
static void test_send_transmits_a_dated_message(void **state)
{
	script s = { { "250 ok\r\n", "250 ok\r\n", "354 go ahead\r\n", "250 queued\r\n", "221 bye\r\n" },
	             0, "", 0, NULL, 0, 0, 0 };
	smtp_probe_result res;
	(void)state;

	run(&s, "probe@hotmail.test", 1, &res);
	assert_int_equal(res.end, SMTP_END_DONE);
	assert_non_null(strstr(s.sent, "DATA\r\nDate: "));
	assert_non_null(strstr(s.sent, "\r\n.\r\nQUIT\r\n"));
	assert_null(strstr(s.sent, "RSET"));
}

/** Silence at MAIL FROM is a timeout at that stage, not a verdict. */
static void test_silence_is_a_timeout_at_the_stage(void **state)
{
	script s = { { NULL }, 0, "", 0, NULL, 0, 0, 0 };
	smtp_probe_result res;
	(void)state;

	run(&s, NULL, 0, &res);
	assert_int_equal(res.end, SMTP_END_TIMEOUT);
	assert_int_equal(res.last, SMTP_STAGE_MAIL);
}

/** Garbage instead of a reply is a bad reply that names what was wrong. */
static void test_garbage_is_a_bad_reply(void **state)
{
	script s = { { "HTTP/1.1 400 Bad Request\r\n" }, 0, "", 0, NULL, 0, 0, 0 };
	smtp_probe_result res;
	(void)state;

	run(&s, NULL, 0, &res);
	assert_int_equal(res.end, SMTP_END_BAD_REPLY);
	assert_non_null(strstr(res.detail, "HTTP/1.1"));
}

/** A stage timeout longer than what is left of the run is clipped to the run deadline, for sends and receives. */
static void test_stage_deadline_is_clipped_to_the_run_deadline(void **state)
{
	script s = { { "250 ok\r\n", "250 ok\r\n", "354 go ahead\r\n", "250 queued\r\n", "221 bye\r\n" },
	             0, "", 0, NULL, 0, 0, 0 };
	smtp_probe_result res;
	double deadline;
	(void)state;

	deadline = run_timed(&s, "probe@hotmail.test", 1, 60, 2, &res);
	assert_int_equal(res.end, SMTP_END_DONE);
	assert_true(s.send_deadline > 0 && s.recv_deadline > 0);
	assert_true(s.send_deadline <= deadline);
	assert_true(s.recv_deadline <= deadline);
}

/** The greeting phase fed with bytes as libcurl's debug callback hands them over: stages, replies, STARTTLS. */
static void test_greeting_phase_on_bytes(void **state)
{
	static smtp_probe_result res;
	smtp_probe_config cfg;
	smtp_greeting g;
	(void)state;

	memset(&cfg, 0, sizeof(cfg));
	cfg.tls = SMTP_TLS_REQUIRE;
	smtp_greeting_init(&g, &cfg, &res, 100.0);
	smtp_greeting_info(&g, "Connected to mx.test (198.51.100.25) port 25\n", 45, 100.5);
	assert_true(res.st[SMTP_STAGE_BANNER].reached);
	smtp_greeting_in(&g, "220 mx.test ES", 14, 100.6);
	assert_false(res.st[SMTP_STAGE_BANNER].has_reply);
	smtp_greeting_in(&g, "MTP ready\r\n", 11, 100.75);
	assert_true(res.st[SMTP_STAGE_BANNER].has_reply);
	assert_string_equal(res.st[SMTP_STAGE_BANNER].reply.text, "220 mx.test ESMTP ready");
	assert_true(res.st[SMTP_STAGE_BANNER].seconds > 0.24 && res.st[SMTP_STAGE_BANNER].seconds < 0.26);
	smtp_greeting_out(&g, "EHLO probe.example\r\n", 20, 101.0);
	smtp_greeting_in(&g, "250-mx.test\r\n250 STARTTLS\r\n", 27, 101.5);
	assert_true(res.starttls_offered);
	assert_int_equal(res.st[SMTP_STAGE_EHLO].reply.nlines, 2);
	smtp_greeting_out(&g, "STARTTLS\r\n", 10, 102.0);
	smtp_greeting_in(&g, "454 4.7.0 TLS not available\r\n", 29, 102.5);
	/* libcurl gives up here; the captured refusal explains it and nothing more is sent in clear */
	assert_int_equal(smtp_greeting_explain(&g), 1);
	assert_int_equal(res.end, SMTP_END_NO_TLS);
	assert_int_equal(res.last, SMTP_STAGE_STARTTLS);
	assert_string_equal(res.detail, "STARTTLS refused (454 4.7.0 TLS not available) and --starttls=require");
}

/** An invalid greeting reply stops the tracker and explains the failure; TLS timing ends at the second EHLO. */
static void test_greeting_bad_reply_and_tls_timing(void **state)
{
	static smtp_probe_result res;
	smtp_probe_config cfg;
	smtp_greeting g;
	(void)state;

	memset(&cfg, 0, sizeof(cfg));
	smtp_greeting_init(&g, &cfg, &res, 0.0);
	smtp_greeting_in(&g, "220 ok\r\n", 8, 1.0);
	smtp_greeting_out(&g, "STARTTLS\r\n", 10, 2.0);
	smtp_greeting_in(&g, "220 go ahead\r\n", 14, 2.5);
	assert_int_equal(smtp_greeting_explain(&g), 0);
	smtp_greeting_out(&g, "EHLO probe.example\r\n", 20, 4.0);
	assert_true(res.tls);
	assert_true(res.st[SMTP_STAGE_STARTTLS].seconds > 1.99 && res.st[SMTP_STAGE_STARTTLS].seconds < 2.01);
	smtp_greeting_in(&g, "HTTP/1.1 400\r\n", 14, 4.5);
	assert_true(g.bad);
	assert_int_equal(smtp_greeting_explain(&g), 1);
	assert_int_equal(res.end, SMTP_END_BAD_REPLY);
	assert_int_equal(res.last, SMTP_STAGE_EHLO_TLS);
	assert_non_null(strstr(res.detail, "HTTP/1.1 400"));
}

/** Feed bytes to the greeting phase in two pieces split at offset cut (the fuzz seam: bytes in, state out). */
static void feed_split(smtp_greeting *g, const char *bytes, size_t cut, double now)
{
	size_t n = strlen(bytes);

	if (cut > n)
		cut = n;
	smtp_greeting_in(g, bytes, cut, now);
	smtp_greeting_in(g, bytes + cut, n - cut, now);
}

/** The greeting phase gives the same replies however its bytes are cut: every split offset of banner and EHLO. */
static void test_greeting_split_anywhere(void **state)
{
	static const char banner[] = "220-mx.test ESMTP\r\n220 ready\r\n";
	static const char ehlo[] = "250-mx.test Hello [192.0.2.5]\r\n250-SIZE 1000\r\n250 STARTTLS\r\n";
	smtp_probe_config cfg;
	smtp_probe_result *res = malloc(sizeof(*res));
	smtp_greeting *g = malloc(sizeof(*g));
	size_t max = strlen(ehlo);

	(void)state;
	assert_non_null(res);
	assert_non_null(g);
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "mx.test";
	cfg.ehlo = "probe.example";
	for (size_t cut = 0; cut <= max; cut++) {
		smtp_greeting_init(g, &cfg, res, 0.0);
		feed_split(g, banner, cut, 0.1);
		smtp_greeting_out(g, "EHLO probe.example\r\n", 20, 0.2);
		feed_split(g, ehlo, cut, 0.3);
		smtp_greeting_finish(g, 0.4);
		assert_false(g->bad);
		assert_int_equal(res->st[SMTP_STAGE_BANNER].reply.code, 220);
		assert_int_equal(res->st[SMTP_STAGE_BANNER].reply.nlines, 2);
		assert_true(res->st[SMTP_STAGE_EHLO].has_reply);
		assert_int_equal(res->st[SMTP_STAGE_EHLO].reply.nlines, 3);
		assert_true(res->starttls_offered);
		assert_int_equal(smtp_greeting_explain(g), 0);
	}
	free(g);
	free(res);
}

/** Entry point: run the dialogue tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted_probe_resets_and_quits),
		cmocka_unit_test(test_block_at_mail_from_stops_before_rcpt),
		cmocka_unit_test(test_trickled_replies_are_reassembled),
		cmocka_unit_test(test_send_transmits_a_dated_message),
		cmocka_unit_test(test_silence_is_a_timeout_at_the_stage),
		cmocka_unit_test(test_garbage_is_a_bad_reply),
		cmocka_unit_test(test_stage_deadline_is_clipped_to_the_run_deadline),
		cmocka_unit_test(test_greeting_phase_on_bytes),
		cmocka_unit_test(test_greeting_bad_reply_and_tls_timing),
		cmocka_unit_test(test_greeting_split_anywhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

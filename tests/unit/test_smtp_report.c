/* test_smtp_report.c: unit tests of check_ms_smtp's result tree: hand-made probe results (a block, an accepted
 * dialogue, a failed MX lookup, a timeout) rendered with common/render, asserting on the text. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/smtp_builtin.h"
#include "common/render.h"
#include "plugins/ms_smtp/smtp_report.h"

/** A hand-made probe, its configuration and the report being filled. */
typedef struct fixture {
	smtp_probe_result res;   /**< the probe result */
	smtp_probe_config pc;    /**< what the probe was asked to do */
	mr_thresholds thr;       /**< -w/-c (none unless a test sets them) */
	mr_check *c;             /**< the result tree */
	smtp_report rep;         /**< the report under test */
	mr_buf out;              /**< the rendered text */
} fixture;

/** A fresh fixture: a probe of mx.test:25 from 192.0.2.5 with RCPT, at -v 0. */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->pc.host = "mx.test";
	f->pc.connect_addr = "198.51.100.25";
	f->pc.port = 25;
	f->pc.rcpt = "probe@hotmail.test";
	f->c = mr_check_new("MS_SMTP");
	if (f->c == NULL)
		return -1;
	smtp_report_init(&f->rep, f->c, &f->thr, 0);
	mr_buf_init(&f->out, 4096);
	*state = f;
	return 0;
}

/** Free a test's fixture. */
static int teardown(void **state)
{
	fixture *f = *state;

	mr_check_free(f->c);
	mr_buf_free(&f->out);
	free(f);
	return 0;
}

/** Stage st got the complete reply text (one line) after seconds. */
static void stage_reply(smtp_probe_result *res, smtp_stage st, const char *text, double seconds)
{
	smtp_stage_result *sr = &res->st[st];

	sr->reached = 1;
	sr->has_reply = 1;
	sr->seconds = seconds;
	sr->reply.code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
	sr->reply.nlines = 1;
	mr_snprintf(sr->reply.text, sizeof(sr->reply.text), "%s", text);
}

/** A connection from 192.0.2.5 to 198.51.100.25 with banner and EHLO answered. */
static void connected(smtp_probe_result *res)
{
	stage_reply(res, SMTP_STAGE_CONNECT, "220 unused", 0.010);
	stage_reply(res, SMTP_STAGE_BANNER, "220 mx.test ESMTP", 0.020);
	stage_reply(res, SMTP_STAGE_EHLO, "250-mx.test 250 SIZE 1000", 0.030);
	mr_snprintf(res->local_ip, sizeof(res->local_ip), "192.0.2.5");
	mr_snprintf(res->remote_ip, sizeof(res->remote_ip), "198.51.100.25");
}

/** Finish the report after elapsed seconds and render it multi-line into f->out; returns the check's state. */
static mr_state finish(fixture *f, double elapsed, int timed_out)
{
	smtp_report_finish(&f->rep, elapsed, MR_UNKNOWN, timed_out);
	assert_int_equal(mr_render(f->c, MR_FMT_MULTILINE, &f->out), 0);
	return mr_check_state(f->c);
}

/** A consumer block at MAIL FROM: CRITICAL summary with code, stage, IP and delisting; advice and stage lines. */
static void test_block_renders_summary_advice_and_stages(void **state)
{
	fixture *f = *state;

	connected(&f->res);
	stage_reply(&f->res, SMTP_STAGE_MAIL,
	            "550 5.7.1 Unfortunately, messages from [192.0.2.5] weren't sent. Please contact your Internet "
	            "service provider since part of their network is on our block list (S3140).", 0.040);
	f->res.end = SMTP_END_REJECTED;
	f->res.last = SMTP_STAGE_MAIL;
	smtp_report_add(&f->rep, "hotmail.com", &f->res, &f->pc, &builtin, MR_WARNING);
	assert_int_equal(finish(f, 0.5, 0), MR_CRITICAL);
	assert_string_equal(mr_buf_str(&f->out),
		"MS_SMTP CRITICAL - hotmail.com: S3140 consumer block at MAIL FROM, Microsoft saw [192.0.2.5]; delist: "
		"https://olcsupport.office.com/ | time=0.5s connect=0.01s banner=0.02s ehlo=0.03s tls=U mail=0.04s rcpt=U\n"
		"\\_ [CRITICAL] hotmail.com: S3140 consumer block at MAIL FROM via mx.test [198.51.100.25]:25 from 192.0.2.5\n"
		"  \\_ [CRITICAL] the sending IP is on Microsoft's consumer block list; ask for delisting with the Outlook.com "
		"sender support form (see also https://aka.ms/postmaster) (5.7.1); Microsoft saw [192.0.2.5]; delist: "
		"https://olcsupport.office.com/\n"
		"  \\_ [OK] connect: 198.51.100.25 from 192.0.2.5 (0.010s)\n"
		"  \\_ [OK] banner (0.020s): 220 mx.test ESMTP\n"
		"  \\_ [OK] EHLO (0.030s): 250-mx.test 250 SIZE 1000\n"
		"  \\_ [CRITICAL] MAIL FROM (0.040s): 550 5.7.1 Unfortunately, messages from [192.0.2.5] weren't sent. "
		"Please contact your Internet service provider since part of their network is on our block list (S3140).\n");
}

/** An accepted dialogue: OK summary naming the sending IP, excerpts of the replies, perfdata per stage. */
static void test_accepted_renders_ok_and_perfdata(void **state)
{
	fixture *f = *state;

	connected(&f->res);
	stage_reply(&f->res, SMTP_STAGE_MAIL, "250 2.1.0 Sender OK", 0.040);
	stage_reply(&f->res, SMTP_STAGE_RCPT, "250 2.1.5 Recipient OK", 0.050);
	f->res.end = SMTP_END_DONE;
	f->res.last = SMTP_STAGE_QUIT;
	smtp_report_add(&f->rep, "hotmail.com", &f->res, &f->pc, &builtin, MR_WARNING);
	assert_int_equal(finish(f, 0.5, 0), MR_OK);
	assert_string_equal(mr_buf_str(&f->out),
		"MS_SMTP OK - hotmail.com accepts mail from 192.0.2.5 (accepted MAIL FROM and RCPT TO) | time=0.5s "
		"connect=0.01s banner=0.02s ehlo=0.03s tls=U mail=0.04s rcpt=0.05s\n"
		"\\_ [OK] hotmail.com: accepted MAIL FROM and RCPT TO via mx.test [198.51.100.25]:25 from 192.0.2.5\n"
		"  \\_ [OK] connect: 198.51.100.25 from 192.0.2.5 (0.010s)\n"
		"  \\_ [OK] banner (0.020s): 220 mx.test ESMTP\n"
		"  \\_ [OK] EHLO (0.030s): 250-mx.test 250 SIZE 1000\n"
		"  \\_ [OK] MAIL FROM (0.040s): 250 2.1.0 Sender OK\n"
		"  \\_ [OK] RCPT TO (0.050s): 250 2.1.5 Recipient OK\n");
}

/** A failed MX lookup and a timed-out run: UNKNOWN with the lookup's reason and a timeout line. */
static void test_lookup_failure_and_timeout(void **state)
{
	fixture *f = *state;

	smtp_report_lookup_failed(&f->rep, "outlook.com", "no answer from the DNS servers in time");
	assert_int_equal(finish(f, 10.0, 1), MR_UNKNOWN);
	assert_string_equal(mr_buf_str(&f->out),
		"MS_SMTP UNKNOWN - outlook.com: cannot find where to connect: no answer from the DNS servers in time | "
		"time=10s connect=U banner=U ehlo=U tls=U mail=U rcpt=U\n"
		"\\_ [UNKNOWN] outlook.com: cannot find where to connect: no answer from the DNS servers in time\n"
		"\\_ [UNKNOWN] timeout: the run reached -t before the probe ended\n");
}

/** Run the report tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_block_renders_summary_advice_and_stages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accepted_renders_ok_and_perfdata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_failure_and_timeout, setup, teardown),
	};

	return cmocka_run_group_tests(tests, builtin_setup, builtin_teardown);
}

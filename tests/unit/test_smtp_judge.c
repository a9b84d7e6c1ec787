/* test_smtp_judge.c: unit tests of the probe judgement: real Microsoft replies read from bytes into a probe
 * result and judged with the built-in rules (state, text, verdict fields, delisting advice), and every other
 * way a dialogue can end (done, no connection, timeout, bad reply, lost connection, TLS trouble). */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/smtp_builtin.h"
#include "plugins/ms_smtp/smtp_judge.h"

/** The consumer block list reply of microsoft-smtp-facts.md section 1, as two lines on the wire. */
#define S3140_BYTES                                                                                               \
	"550-5.7.1 Unfortunately, messages from [192.0.2.5] weren't sent. Please contact your Internet service\r\n" \
	"550 5.7.1 provider since part of their network is on our block list (S3140). "                            \
	"[BN8NAM12FT123.eop-nam12.prod.protection.outlook.com 2026-11-29T05:00:00.000Z 08DCF0A1B2C3D4E5]\r\n"

/** A probe result and a judgement, too large for the stack of every test. */
typedef struct fixture {
	smtp_probe_result res;   /**< the hand-made probe result */
	smtp_probe_config pc;    /**< what the probe was asked to do */
	smtp_judgement j;        /**< the judgement under test */
} fixture;

/** Allocate a fresh fixture: a probe of mx.test:25 with RCPT, no DATA, STARTTLS auto. */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->pc.host = "mx.test";
	f->pc.port = 25;
	f->pc.ehlo = "probe.example";
	f->pc.from = "postmaster@probe.example";
	f->pc.rcpt = "probe@hotmail.test";
	f->pc.timeout_state = MR_UNKNOWN;
	*state = f;
	return 0;
}

/** Free a test's fixture. */
static int teardown(void **state)
{
	free(*state);
	return 0;
}

/** Make res a dialogue rejected at stage st by the reply in bytes (read through the reply reader). */
static void rejected_at(smtp_probe_result *res, smtp_stage st, const char *bytes)
{
	smtp_reader *rd = malloc(sizeof(*rd));
	size_t used = 0;

	assert_non_null(rd);
	smtp_reader_init(rd);
	assert_int_equal(smtp_reader_feed(rd, bytes, strlen(bytes), &used, &res->st[st].reply), SMTP_RD_REPLY);
	assert_int_equal(used, strlen(bytes));
	free(rd);
	res->st[st].reached = 1;
	res->st[st].has_reply = 1;
	res->end = SMTP_END_REJECTED;
	res->last = st;
}

/** The consumer block at MAIL FROM is CRITICAL, named by its code, with the IP, front end and delisting place. */
static void test_consumer_block_at_mail_from(void **state)
{
	fixture *f = *state;

	rejected_at(&f->res, SMTP_STAGE_MAIL, S3140_BYTES);
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
	assert_int_equal(f->j.state, MR_CRITICAL);
	assert_true(f->j.complete);
	assert_string_equal(f->j.what, "S3140 consumer block at MAIL FROM");
	assert_string_equal(f->j.v.ip, "192.0.2.5");
	assert_string_equal(f->j.v.enhanced, "5.7.1");
	assert_string_equal(f->j.v.frontend, "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com");
	assert_non_null(f->j.v.rule);
	assert_string_equal(f->j.v.rule->delist, "https://olcsupport.office.com/");
}

/** Reputation throttling (4.7.650, S775) takes the --throttle-state, whichever it is. */
static void test_throttle_takes_the_throttle_state(void **state)
{
	fixture *f = *state;
	static const char bytes[] = "451 4.7.650 The mail server [192.0.2.5] has been temporarily rate limited due to "
	                            "IP reputation. For e-mail delivery information, see https://aka.ms/postmaster "
	                            "(S775)\r\n";

	rejected_at(&f->res, SMTP_STAGE_MAIL, bytes);
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
	assert_int_equal(f->j.state, MR_WARNING);
	assert_string_equal(f->j.what, "S775 reputation throttling at MAIL FROM");
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_CRITICAL, &f->j);
	assert_int_equal(f->j.state, MR_CRITICAL);
}

/** The EOP ban at RCPT TO is CRITICAL with sender.office.com as the delisting place. */
static void test_eop_ban_at_rcpt_to(void **state)
{
	fixture *f = *state;

	rejected_at(&f->res, SMTP_STAGE_RCPT,
	            "550 5.7.606 Access denied, banned sending IP [198.51.100.7]. To request removal from this list "
	            "please visit https://sender.office.com/ and follow the directions.\r\n");
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
	assert_int_equal(f->j.state, MR_CRITICAL);
	assert_string_equal(f->j.what, "EOP ban at RCPT TO");
	assert_string_equal(f->j.v.ip, "198.51.100.7");
	assert_string_equal(f->j.v.rule->delist, "https://sender.office.com");
}

/** A legacy Hotmail code with no enhanced code is named by that code. */
static void test_legacy_namespace_mining(void **state)
{
	fixture *f = *state;

	rejected_at(&f->res, SMTP_STAGE_MAIL,
	            "550 SC-002 Mail rejected by Windows Live Hotmail for policy reasons. The mail server IP "
	            "connecting to Windows Live Hotmail has exhibited namespace mining behavior.\r\n");
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
	assert_int_equal(f->j.state, MR_CRITICAL);
	assert_string_equal(f->j.what, "SC-002 namespace mining at MAIL FROM");
}

/** Replies no rule knows are shown in full: 5xx CRITICAL, 4xx WARNING, never OK. */
static void test_unknown_replies_are_shown_in_full(void **state)
{
	fixture *f = *state;

	rejected_at(&f->res, SMTP_STAGE_RCPT, "550 5.1.1 mailbox unavailable\r\n");
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_OK, &f->j);
	assert_int_equal(f->j.state, MR_CRITICAL);
	assert_null(f->j.v.rule);
	assert_string_equal(f->j.what, "unknown permanent reply at RCPT TO: 550 5.1.1 mailbox unavailable");
	rejected_at(&f->res, SMTP_STAGE_MAIL, "452 4.3.1 insufficient system storage\r\n");
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_OK, &f->j);
	assert_int_equal(f->j.state, MR_WARNING);
	assert_string_equal(f->j.what, "unknown temporary reply at MAIL FROM: 452 4.3.1 insufficient system storage");
}

/** A dialogue that went through is OK and says what was accepted, over TLS or not, with or without DATA. */
static void test_done_is_ok_and_says_what_was_accepted(void **state)
{
	fixture *f = *state;

	f->res.end = SMTP_END_DONE;
	f->res.last = SMTP_STAGE_QUIT;
	f->res.tls = 1;
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
	assert_int_equal(f->j.state, MR_OK);
	assert_true(f->j.complete);
	assert_null(f->j.v.rule);
	assert_string_equal(f->j.what, "accepted MAIL FROM and RCPT TO over TLS");
	f->pc.send_data = 1;
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
	assert_string_equal(f->j.what, "accepted MAIL FROM and RCPT TO and the test message over TLS");
	f->pc.send_data = 0;
	f->pc.rcpt = NULL;
	f->res.tls = 0;
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
	assert_string_equal(f->j.what, "accepted MAIL FROM");
}

/** One way a dialogue can end without a verdict, and what the judgement must be. */
typedef struct end_case {
	smtp_end end;            /**< how the dialogue ended */
	smtp_stage last;         /**< where */
	const char *detail;      /**< the probe's detail text */
	smtp_tls_mode tls;       /**< --starttls */
	mr_state state;          /**< expected state */
	const char *what;        /**< expected text */
} end_case;

/** A probe that could not tell is UNKNOWN and incomplete; TLS trouble under --starttls=require is CRITICAL. */
static void test_ends_without_a_verdict(void **state)
{
	static const end_case cases[] = {
		{ SMTP_END_CONNECT_FAILED, SMTP_STAGE_CONNECT, "Could not connect: Connection refused", SMTP_TLS_AUTO,
		  MR_UNKNOWN, "cannot connect: Could not connect: Connection refused (outbound port 25 filtered?)" },
		{ SMTP_END_TIMEOUT, SMTP_STAGE_CONNECT, "no TCP connection in time", SMTP_TLS_AUTO, MR_UNKNOWN,
		  "cannot connect: no TCP connection in time (outbound port 25 filtered?)" },
		{ SMTP_END_TIMEOUT, SMTP_STAGE_RCPT, "no complete reply in time", SMTP_TLS_AUTO, MR_UNKNOWN,
		  "no complete reply at RCPT TO in time" },
		{ SMTP_END_BAD_REPLY, SMTP_STAGE_BANNER, "reply line holds a NUL", SMTP_TLS_AUTO, MR_UNKNOWN,
		  "invalid reply at banner: reply line holds a NUL" },
		{ SMTP_END_CLOSED, SMTP_STAGE_MAIL, "the server closed the connection", SMTP_TLS_AUTO, MR_UNKNOWN,
		  "connection lost at MAIL FROM: the server closed the connection" },
		{ SMTP_END_NO_TLS, SMTP_STAGE_STARTTLS, "", SMTP_TLS_REQUIRE, MR_CRITICAL,
		  "STARTTLS not offered and --starttls=require: nothing was sent in clear" },
		{ SMTP_END_TLS_FAILED, SMTP_STAGE_STARTTLS, "TLS failed: certificate expired", SMTP_TLS_REQUIRE,
		  MR_CRITICAL, "TLS failed: certificate expired" },
		{ SMTP_END_TLS_FAILED, SMTP_STAGE_STARTTLS, "TLS failed: certificate expired", SMTP_TLS_AUTO,
		  MR_UNKNOWN, "TLS failed: certificate expired" },
	};
	fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&f->res, 0, sizeof(f->res));
		f->res.end = cases[i].end;
		f->res.last = cases[i].last;
		mr_snprintf(f->res.detail, sizeof(f->res.detail), "%s", cases[i].detail);
		f->pc.tls = cases[i].tls;
		smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
		if (f->j.state != cases[i].state || strcmp(f->j.what, cases[i].what) != 0)
			fail_msg("case %zu: state %d '%s', want %d '%s'", i, (int)f->j.state, f->j.what,
			         (int)cases[i].state, cases[i].what);
		assert_false(f->j.complete);
		assert_null(f->j.v.rule);
	}
}

/** --timeout-result applies to every timeout of the probe: connect and stage timeouts take pc->timeout_state. */
static void test_timeouts_take_the_timeout_state(void **state)
{
	static const smtp_stage stages[] = { SMTP_STAGE_CONNECT, SMTP_STAGE_BANNER, SMTP_STAGE_MAIL };
	fixture *f = *state;

	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		memset(&f->res, 0, sizeof(f->res));
		f->res.end = SMTP_END_TIMEOUT;
		f->res.last = stages[i];
		f->pc.timeout_state = MR_CRITICAL;
		smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
		assert_int_equal(f->j.state, MR_CRITICAL);
		f->pc.timeout_state = MR_OK;
		smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
		assert_int_equal(f->j.state, MR_OK);
	}
	/* a refused connection is no timeout */
	f->res.end = SMTP_END_CONNECT_FAILED;
	f->res.last = SMTP_STAGE_CONNECT;
	f->pc.timeout_state = MR_CRITICAL;
	smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
	assert_int_equal(f->j.state, MR_UNKNOWN);
}

/** One reply case for the IP extractor: the reply bytes and the address it names ("" for none). */
typedef struct ip_case {
	const char *bytes;   /**< the reply */
	const char *ip;      /**< the address expected */
} ip_case;

/** The IP Microsoft saw is the one the reply names, with or without brackets; a reply without one names none. */
static void test_reply_names_the_ip_with_or_without_brackets(void **state)
{
	static const ip_case cases[] = {
		{ "550 SC-001 (BAY004-MC1F41) Unfortunately, messages from 192.0.2.7 weren't sent. Please contact your "
		  "Internet service provider since part of their network is on our block list.\r\n", "192.0.2.7" },
		{ "550 OU-002 (SNT004-MC2F17) Unfortunately, messages from 198.51.100.23 weren't sent.\r\n",
		  "198.51.100.23" },
		{ "550 SC-004 (COL004-MC3F9) Unfortunately, messages from 2001:db8::25 weren't sent.\r\n", "2001:db8::25" },
		{ "550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your Internet "
		  "service provider since part of their network is on our block list (S3140). "
		  "https://www.spamhaus.org/query/ip/192.0.2.99\r\n", "203.0.113.9" },
		{ "550 SC-002 (BAY004-MC1F41) Mail rejected by Windows Live Hotmail for policy reasons. Tue, 01 Jan 2013 "
		  "12:34:56 -0800 version 1.2.3\r\n", "" },
		{ "550 DY-001 (SNT004-MC1F43) Unfortunately, messages from 192.0.2.300 weren't sent.\r\n", "" },
	};
	fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int named = -1;
		const char *ip;

		memset(&f->res, 0, sizeof(f->res));
		mr_snprintf(f->res.local_ip, sizeof(f->res.local_ip), "127.0.0.5");
		rejected_at(&f->res, SMTP_STAGE_MAIL, cases[i].bytes);
		smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
		if (strcmp(f->j.v.ip, cases[i].ip) != 0)
			fail_msg("case %zu: ip '%s', want '%s'", i, f->j.v.ip, cases[i].ip);
		ip = smtp_judge_sending_ip(&f->res, &f->j, &named);
		assert_int_equal(named, cases[i].ip[0] != '\0');
		assert_string_equal(ip, cases[i].ip[0] ? cases[i].ip : "127.0.0.5");
	}
}

/** Blocks whose rule says spamhaus-lookup ask for the lookup (S3140, S3150, Spamhaus); others do not. */
static void test_which_blocks_want_a_spamhaus_lookup(void **state)
{
	static const struct {
		const char *bytes; /**< the MAIL FROM reply */
		int wants;         /**< a lookup is wanted */
	} cases[] = {
		{ S3140_BYTES, 1 },
		{ "550 5.7.1 Unfortunately, messages from [192.0.2.5] weren't sent. Please contact your Internet service "
		  "provider since part of their network is on our block list (S3150).\r\n", 1 },
		{ "550 5.7.1 Service unavailable, Client host [192.0.2.5] blocked using Spamhaus. (S3130)\r\n", 1 },
		{ "451 4.7.650 The mail server [192.0.2.5] has been temporarily rate limited due to IP reputation. "
		  "(S775)\r\n", 0 },
		{ "550 SC-002 (BAY004-MC1F41) Mail rejected for policy reasons.\r\n", 0 },
		{ "554 5.6.0 Something else entirely\r\n", 0 },
	};
	fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&f->res, 0, sizeof(f->res));
		rejected_at(&f->res, SMTP_STAGE_MAIL, cases[i].bytes);
		smtp_judge_probe(&f->res, &f->pc, &builtin, MR_WARNING, &f->j);
		if (smtp_judge_wants_spamhaus(&f->j) != cases[i].wants)
			fail_msg("case %zu: wants %d", i, smtp_judge_wants_spamhaus(&f->j));
	}
}

/** Run the judgement tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_consumer_block_at_mail_from, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_takes_the_throttle_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eop_ban_at_rcpt_to, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_namespace_mining, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_replies_are_shown_in_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_done_is_ok_and_says_what_was_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ends_without_a_verdict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeouts_take_the_timeout_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_names_the_ip_with_or_without_brackets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_which_blocks_want_a_spamhaus_lookup, setup, teardown),
	};

	return cmocka_run_group_tests(tests, builtin_setup, builtin_teardown);
}

/* test_smtp_parse_rules.c: unit tests of the Microsoft reply rules and their matcher: stage names, the built-in table
 * against every reply of the catalogue (microsoft-smtp-facts.md section 1), the extractors,
 * throttle and unknown-reply mapping, and every class of rules file error. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/smtp_builtin.h"
#include "plugins/ms_smtp/smtp_judge.h"
#include "plugins/ms_smtp/smtp_parse_rules.h"

/** A front-end stamp as Microsoft appends it to replies. */
#define FE_NAM12 "[BN8NAM12FT123.eop-nam12.prod.protection.outlook.com 2026-11-29T05:00:00.000Z 08DCF0A1B2C3D4E5]"

/** Read text (one or more lines without the final CRLF) through the reader into *rep, failing on error. */
static void make_reply(const char *text, smtp_reply *rep)
{
	smtp_reader *r = malloc(sizeof *r);
	size_t n = strlen(text), used = 0;
	smtp_rd_status st;

	assert_non_null(r);
	smtp_reader_init(r);
	st = smtp_reader_feed(r, text, n, &used, rep);
	if (st == SMTP_RD_MORE)
		st = smtp_reader_feed(r, "\r\n", 2, &used, rep);
	if (st != SMTP_RD_REPLY)
		fail_msg("reader: %s on '%s'", smtp_rd_status_text(st), text);
	free(r);
}

/** Classify text at stage st with the given table and throttle state into *v. */
static void classify(const smtp_rules *t, smtp_stage st, const char *text, mr_state throttle, smtp_verdict *v)
{
	smtp_reply *rep = malloc(sizeof *rep);

	assert_non_null(rep);
	make_reply(text, rep);
	smtp_classify(t, st, rep, throttle, v);
	free(rep);
}

/* ---- stages ---- */

/** Every rules-file stage name parses to its stage and back; output names are as agreed. */
static void test_stage_names_round_trip(void **state)
{
	static const char *const keys[SMTP_STAGE_COUNT] = {
		"connect", "banner", "ehlo", "starttls", "ehlo_tls", "mail", "rcpt", "data", "data_end", "rset", "quit"
	};
	static const char *const names[SMTP_STAGE_COUNT] = {
		"connect", "banner", "EHLO", "STARTTLS", "EHLO (TLS)", "MAIL FROM", "RCPT TO", "DATA", "end of data",
		"RSET", "QUIT"
	};
	smtp_stage st;
	int i;

	(void)state;
	for (i = 0; i < SMTP_STAGE_COUNT; i++) {
		st = SMTP_STAGE_COUNT;
		assert_int_equal(smtp_stage_parse(keys[i], &st), 0);
		assert_int_equal(st, i);
		assert_string_equal(smtp_stage_name((smtp_stage)i), names[i]);
	}
	assert_int_equal(smtp_stage_parse("RCPT", &st), 0);
	assert_int_equal(st, SMTP_STAGE_RCPT);
	assert_int_equal(smtp_stage_parse("mail from", &st), -1);
	assert_int_equal(smtp_stage_parse("", &st), -1);
	assert_int_equal(smtp_stage_parse(NULL, &st), -1);
}

/* ---- the built-in table against the catalogue ---- */

/** One catalogue reply and what the built-in table must make of it. */
typedef struct catalogue_case {
	smtp_stage stage;      /**< where the reply arrives */
	const char *text;      /**< the reply */
	mr_state state;        /**< expected state (throttling as WARNING) */
	const char *kind;      /**< expected rule kind */
	const char *code;      /**< expected Microsoft code */
	const char *enhanced;  /**< expected enhanced status code */
	const char *ip;        /**< expected address */
	const char *frontend;  /**< expected front end */
} catalogue_case;

/** Every reply of facts section 1 (realistic texts), with the expected verdict. */
static const catalogue_case catalogue[] = {
	/* consumer domains */
	{ SMTP_STAGE_MAIL,
	  "550 5.7.1 Unfortunately, messages from [192.0.2.5] weren't sent. Please contact your Internet service "
	  "provider since part of their network is on our block list (S3140). You can also refer your provider to "
	  "http://mail.live.com/mail/troubleshooting.aspx#errors. " FE_NAM12,
	  MR_CRITICAL, "consumer block", "S3140", "5.7.1", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. Please contact your Internet service "
	  "provider since part of their network is on our block list (AS3140). You can also refer your provider to "
	  "http://mail.live.com/mail/troubleshooting.aspx#errors. [DB5EUR03FT011.eop-EUR03.prod.protection.outlook.com]",
	  MR_CRITICAL, "consumer block", "AS3140", "5.7.1", "198.51.100.7", "DB5EUR03FT011.eop-EUR03.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your Internet service "
	  "provider since part of their network is on our block list (S3150). You can also refer your provider to "
	  "http://mail.live.com/mail/troubleshooting.aspx#errors. "
	  "[AM4PEPF00027A5F.eurprd04.prod.outlook.com 2026-11-29T05:00:00.000Z 08DCF0A1B2C3D4E6]",
	  MR_CRITICAL, "consumer block", "S3150", "5.7.1", "203.0.113.9", "AM4PEPF00027A5F.eurprd04.prod.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your Internet service "
	  "provider since part of their network is on our block list (AS3150). You can also refer your provider to "
	  "http://mail.live.com/mail/troubleshooting.aspx#errors. " FE_NAM12,
	  MR_CRITICAL, "consumer block", "AS3150", "5.7.1", "203.0.113.9", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.1 Service unavailable, Client host [192.0.2.5] blocked using Spamhaus. To request removal from "
	  "this list see https://www.spamhaus.org/query/ip/192.0.2.5 (S3130). " FE_NAM12,
	  MR_CRITICAL, "Spamhaus listing", "S3130", "5.7.1", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.1 Service unavailable, Client host [192.0.2.5] blocked using Spamhaus. To request removal from "
	  "this list see https://www.spamhaus.org/query/ip/192.0.2.5 (AS3130). " FE_NAM12,
	  MR_CRITICAL, "Spamhaus listing", "AS3130", "5.7.1", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "451 4.7.650 The mail server [192.0.2.5] has been temporarily rate limited due to IP reputation. For "
	  "e-mail delivery information, see https://aka.ms/postmaster (S775) "
	  "[CO1PEPF000044F0.namprd05.prod.outlook.com 2026-11-29T05:00:00.000Z 08DCF0A1B2C3D4E7]",
	  MR_WARNING, "reputation throttling", "S775", "4.7.650", "192.0.2.5", "CO1PEPF000044F0.namprd05.prod.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "451 4.7.650 The mail server [192.0.2.5] has been temporarily rate limited due to IP reputation. For "
	  "e-mail delivery information, see https://aka.ms/postmaster (S3113) " FE_NAM12,
	  MR_WARNING, "reputation throttling", "S3113", "4.7.650", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "451 4.7.651 The mail server [192.0.2.5] has been temporarily rate limited due to IP reputation. For "
	  "e-mail delivery information, see https://postmaster.live.com (S3114) " FE_NAM12,
	  MR_WARNING, "reputation throttling", "S3114", "4.7.651", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "451 4.7.652 The mail server [192.0.2.5] has exceeded the maximum number of connections. (S3115) " FE_NAM12,
	  MR_WARNING, "connection limit", "S3115", "4.7.652", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "451 4.7.500 Server busy. Please try again later from [192.0.2.5]. (AS761) " FE_NAM12,
	  MR_WARNING, "throttling", "AS761", "4.7.500", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "451 4.7.500 Server busy. Please try again later from [192.0.2.5]. (S77714) " FE_NAM12,
	  MR_WARNING, "throttling", "S77714", "4.7.500", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "451 4.7.500 Server busy. Please try again later from [192.0.2.5]. (S77719) " FE_NAM12,
	  MR_WARNING, "throttling", "S77719", "4.7.500", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "451 4.7.500 Server busy. Please try again later from [192.0.2.5]. (AS843) " FE_NAM12,
	  MR_WARNING, "throttling", "AS843", "4.7.500", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "451 4.7.700 PFA agent busy, please try again. " FE_NAM12,
	  MR_WARNING, "filter busy", "", "4.7.700", "", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "451 4.7.0 Temporary server error. Please try again later (S844) " FE_NAM12,
	  MR_WARNING, "throttling", "S844", "4.7.0", "", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_DATA_END,
	  "550 5.7.515 Access denied, sending domain [example.org] does not meet the required authentication level. "
	  "[DM6NAM11FT012.eop-nam11.prod.protection.outlook.com 2026-11-29T05:00:00.000Z 08DCF0A1B2C3D4E8]",
	  MR_WARNING, "authentication level", "", "5.7.515", "", "DM6NAM11FT012.eop-nam11.prod.protection.outlook.com" },
	/* legacy Hotmail */
	{ SMTP_STAGE_MAIL,
	  "550 SC-001 (BAY004-MC1F35) Unfortunately, messages from 192.0.2.5 weren't sent. Please contact your "
	  "Internet service provider since part of their network is on our block list. You can also refer your "
	  "provider to http://mail.live.com/mail/troubleshooting.aspx#errors.",
	  MR_CRITICAL, "legacy block", "SC-001", "", "192.0.2.5", "" },
	{ SMTP_STAGE_MAIL,
	  "550 SC-002 (COL004-MC3F12) Mail rejected by Windows Live Hotmail for policy reasons. The mail server IP "
	  "connecting to Windows Live Hotmail has exhibited namespace mining behavior. Email/network admins, please "
	  "visit http://postmaster.live.com for email delivery information and support",
	  MR_CRITICAL, "namespace mining", "SC-002", "", "", "" },
	{ SMTP_STAGE_MAIL,
	  "550 SC-003 (SNT004-MC2F9) Mail rejected by Windows Live Hotmail for policy reasons.",
	  MR_CRITICAL, "legacy block", "SC-003", "", "", "" },
	{ SMTP_STAGE_MAIL,
	  "550 SC-004 (COL0-MC5-F28) Mail rejected by Windows Live Hotmail for policy reasons. A block has been placed "
	  "against your IP address because we have received complaints concerning mail coming from that IP address.",
	  MR_CRITICAL, "complaints", "SC-004", "", "", "" },
	{ SMTP_STAGE_MAIL,
	  "550 DY-001 (SNT0-MC4-F14) Unfortunately, messages from 192.0.2.5 weren't sent. Please contact your Internet "
	  "service provider. You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.",
	  MR_CRITICAL, "dynamic IP", "DY-001", "", "192.0.2.5", "" },
	{ SMTP_STAGE_MAIL,
	  "550 DY-002 (COL0-MC1-F7) Unfortunately, messages from 192.0.2.5 weren't sent.",
	  MR_CRITICAL, "compromised host", "DY-002", "", "192.0.2.5", "" },
	{ SMTP_STAGE_MAIL,
	  "550 OU-001 (SNT0-MC4-F13) Unfortunately, messages from 192.0.2.5 weren't sent. Please contact your Internet "
	  "service provider. You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.",
	  MR_CRITICAL, "legacy block", "OU-001", "", "192.0.2.5", "" },
	{ SMTP_STAGE_MAIL,
	  "550 OU-002 (BAY0-MC2-F36) Mail rejected by Windows Live Hotmail for policy reasons. Reasons for rejection "
	  "may be related to content with spam-like characteristics or IP/domain reputation problems.",
	  MR_CRITICAL, "legacy block", "OU-002", "", "", "" },
	{ SMTP_STAGE_BANNER,
	  "421 RP-001 (BAY004-MC1F6) Unfortunately, some messages from 192.0.2.5 weren't sent. Please try again. We "
	  "have limits for how many messages can be sent per hour and per day.",
	  MR_WARNING, "legacy throttling", "RP-001", "", "192.0.2.5", "" },
	{ SMTP_STAGE_BANNER,
	  "421 RP-002 (COL004-MC4F21) Unfortunately, some messages from 192.0.2.5 weren't sent. Please try again.",
	  MR_WARNING, "legacy throttling", "RP-002", "", "192.0.2.5", "" },
	{ SMTP_STAGE_MAIL,
	  "421 RP-003 (SNT004-MC3F8) Unfortunately, some messages from 192.0.2.5 weren't sent. Please try again. We "
	  "have limits for how many concurrent connections can be made.",
	  MR_WARNING, "legacy throttling", "RP-003", "", "192.0.2.5", "" },
	/* Exchange Online Protection */
	{ SMTP_STAGE_RCPT,
	  "550 5.7.606 Access denied, banned sending IP [192.0.2.5]. To request removal from this list please visit "
	  "https://sender.office.com/ and follow the directions. For more information please go to "
	  "http://go.microsoft.com/fwlink/?LinkID=526655 AS(1430) " FE_NAM12,
	  MR_CRITICAL, "EOP ban", "AS1430", "5.7.606", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "550 5.7.649 Access denied, banned sending IP [2001:db8::25]. To request removal from this list please "
	  "visit https://sender.office.com/ and follow the directions.",
	  MR_CRITICAL, "EOP ban", "", "5.7.649", "2001:db8::25", "" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.511 Access denied, banned sender[192.0.2.5]. To request removal from this list, forward this "
	  "message to delist@messaging.microsoft.com. For more information please go to "
	  "https://go.microsoft.com/fwlink/?LinkId=526653. AS(1110) " FE_NAM12,
	  MR_CRITICAL, "EOP banned sender", "AS1110", "5.7.511", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "550 5.7.513 Service unavailable, Client host [192.0.2.5] blocked by example.com using Customer Block list "
	  "(AS16012607). " FE_NAM12,
	  MR_CRITICAL, "customer block list", "AS16012607", "5.7.513", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "550 5.7.1 Service unavailable, Client host [192.0.2.5] blocked using Spamhaus. To request removal from this "
	  "list see https://www.spamhaus.org/query/ip/192.0.2.5 (AS16012611) " FE_NAM12,
	  MR_CRITICAL, "Spamhaus listing", "AS16012611", "5.7.1", "192.0.2.5", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.1 Service unavailable, Helo domain is listed in Spamhaus. To request removal from this list see "
	  "https://www.spamhaus.org/query/dbl?domain=example.net (S8001) " FE_NAM12,
	  MR_CRITICAL, "Spamhaus HELO listing", "S8001", "5.7.1", "", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "451 4.7.500 Access denied, please try again later. For more information please go to "
	  "http://go.microsoft.com/fwlink/?LinkId=526653. (AS761) " FE_NAM12,
	  MR_WARNING, "throttling", "AS761", "4.7.500", "", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "451 4.7.699 Access denied, please try again later. (AS790) " FE_NAM12,
	  MR_WARNING, "throttling", "AS790", "4.7.699", "", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "451 4.7.850 Access denied, please try again later. (AS1215) " FE_NAM12,
	  MR_WARNING, "suspicious activity", "AS1215", "4.7.850", "", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "451 4.7.899 Access denied, please try again later.",
	  MR_WARNING, "suspicious activity", "", "4.7.899", "", "" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.506 Access Denied, Bad HELO. For more information please go to "
	  "http://go.microsoft.com/fwlink/?LinkId=526653 " FE_NAM12,
	  MR_CRITICAL, "bad HELO", "", "5.7.506", "", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.25 [2001:db8::25] The IP address sending this message does not have a PTR record setup, or the "
	  "corresponding forward DNS entry does not point to the sending IP. As a policy, Outlook.com does not accept "
	  "messages from IPs with no reverse DNS. " FE_NAM12,
	  MR_CRITICAL, "no reverse DNS", "", "5.7.25", "2001:db8::25", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_DATA_END,
	  "450 4.7.26 Service unavailable, message sent over IPv6 [2001:db8::25] must pass either SPF or DKIM "
	  "validation, this message is not signed " FE_NAM12,
	  MR_WARNING, "IPv6 authentication", "", "4.7.26", "2001:db8::25", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "550 5.7.508 Access denied, [2001:db8::25] has exceeded permitted limits within 2001:db8::/64 range. " FE_NAM12,
	  MR_CRITICAL, "IPv6 range limit", "", "5.7.508", "2001:db8::25", "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com" },
	{ SMTP_STAGE_RCPT,
	  "550 5.7.705 Access denied, tenant has exceeded threshold. For more information please go to "
	  "https://go.microsoft.com/fwlink/?linkid=2154231",
	  MR_WARNING, "tenant outbound", "", "5.7.705", "", "" },
	{ SMTP_STAGE_MAIL,
	  "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information "
	  "please go to https://go.microsoft.com/fwlink/?linkid=2154231",
	  MR_WARNING, "tenant outbound", "", "5.7.708", "", "" },
	/* the greeting */
	{ SMTP_STAGE_BANNER,
	  "554 mx.example.net ESMTP not accepting messages",
	  MR_CRITICAL, "banner reject", "", "", "", "" },
	{ SMTP_STAGE_BANNER,
	  "421 4.3.2 Service not available, closing transmission channel",
	  MR_WARNING, "banner throttling", "", "4.3.2", "", "" },
};

/** Every catalogue reply gets the expected state, rule kind, code, enhanced code, IP and front end. */
static void test_builtin_classifies_the_catalogue(void **state)
{
	smtp_verdict v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof catalogue / sizeof catalogue[0]; i++) {
		const catalogue_case *c = &catalogue[i];
		classify(&builtin, c->stage, c->text, MR_WARNING, &v);
		if (v.rule == NULL)
			fail_msg("case %zu (%.40s): no rule matched", i, c->text);
		if (v.state != c->state || strcmp(v.rule->kind, c->kind) != 0)
			fail_msg("case %zu (%.40s): got %s / %s (rule %s), want %s / %s", i, c->text,
			         mr_state_name(v.state), v.rule->kind, v.rule->name, mr_state_name(c->state), c->kind);
		if (strcmp(v.code, c->code) != 0 || strcmp(v.enhanced, c->enhanced) != 0 || strcmp(v.ip, c->ip) != 0 ||
		    strcmp(v.frontend, c->frontend) != 0)
			fail_msg("case %zu (%.40s): extracted code '%s' enhanced '%s' ip '%s' frontend '%s'", i, c->text,
			         v.code, v.enhanced, v.ip, v.frontend);
		assert_false(v.expected);
		assert_string_equal(v.reason, v.rule->description);
	}
}

/** Blocks carry the agreed delisting places: consumer form, sender.office.com, mail for 5.7.511. */
static void test_builtin_delisting_places(void **state)
{
	smtp_verdict v;

	(void)state;
	classify(&builtin, SMTP_STAGE_MAIL, catalogue[0].text, MR_WARNING, &v);
	assert_non_null(v.rule);
	assert_string_equal(v.rule->delist, "https://olcsupport.office.com/");
	assert_non_null(strstr(v.rule->description, "https://aka.ms/postmaster"));
	classify(&builtin, SMTP_STAGE_RCPT, "550 5.7.620 Access denied, banned sending IP [192.0.2.5].", MR_WARNING, &v);
	assert_non_null(v.rule);
	assert_string_equal(v.rule->delist, "https://sender.office.com");
	classify(&builtin, SMTP_STAGE_RCPT, "550 5.7.511 Access denied, banned sender[192.0.2.5].", MR_WARNING, &v);
	assert_non_null(v.rule);
	assert_non_null(strstr(v.rule->description, "delist@messaging.microsoft.com"));
	classify(&builtin, SMTP_STAGE_MAIL, "550 SC-002 (COL004-MC3F12) Mail rejected", MR_WARNING, &v);
	assert_non_null(v.rule);
	assert_non_null(strstr(v.rule->description, "stop probing"));
}

/** The EOP ban covers exactly 5.7.606 to 5.7.649. */
static void test_eop_ban_range_bounds(void **state)
{
	static const char *const in[] = { "606", "609", "610", "639", "640", "649" };
	static const char *const out[] = { "600", "605", "650", "659" };
	char text[128];
	smtp_verdict v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		assert_int_equal(mr_snprintf(text, sizeof text, "550 5.7.%s Access denied, banned sending IP [192.0.2.5]",
		                             in[i]), 0);
		classify(&builtin, SMTP_STAGE_RCPT, text, MR_WARNING, &v);
		if (v.rule == NULL || strcmp(v.rule->kind, "EOP ban") != 0)
			fail_msg("5.7.%s is not an EOP ban", in[i]);
	}
	for (i = 0; i < sizeof out / sizeof out[0]; i++) {
		assert_int_equal(mr_snprintf(text, sizeof text, "550 5.7.%s Access denied, banned sending IP [192.0.2.5]",
		                             out[i]), 0);
		classify(&builtin, SMTP_STAGE_RCPT, text, MR_WARNING, &v);
		if (v.rule != NULL)
			fail_msg("5.7.%s matched rule %s", out[i], v.rule->name);
		assert_int_equal(v.state, MR_CRITICAL);
	}
}

/** A multi-line block (read through the reader) is classified on the joined text. */
static void test_multi_line_block_is_classified(void **state)
{
	smtp_verdict v;

	(void)state;
	classify(&builtin, SMTP_STAGE_MAIL,
	         "550-5.7.1 Unfortunately, messages from [192.0.2.5] weren't sent. Please contact your Internet\r\n"
	         "550-5.7.1 service provider since part of their network is on our block list (S3140).\r\n"
	         "550 5.7.1 " FE_NAM12, MR_WARNING, &v);
	assert_non_null(v.rule);
	assert_string_equal(v.rule->kind, "consumer block");
	assert_int_equal(v.state, MR_CRITICAL);
	assert_string_equal(v.code, "S3140");
	assert_string_equal(v.enhanced, "5.7.1");
	assert_string_equal(v.ip, "192.0.2.5");
	assert_string_equal(v.frontend, "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com");
}

/** Throttling rules take the state given by --throttle-state. */
static void test_throttle_maps_to_throttle_state(void **state)
{
	static const mr_state states[] = { MR_OK, MR_WARNING, MR_CRITICAL, MR_UNKNOWN };
	smtp_verdict v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof states / sizeof states[0]; i++) {
		classify(&builtin, SMTP_STAGE_MAIL,
		         "451 4.7.652 The mail server [192.0.2.5] has exceeded the maximum number of connections. (S3115)",
		         states[i], &v);
		assert_non_null(v.rule);
		assert_int_equal(v.rule->state, SMTP_RULE_THROTTLE);
		assert_int_equal(v.state, states[i]);
	}
}

/** Replies no rule knows: 4xx is WARNING, 5xx CRITICAL, never OK. */
static void test_unknown_replies(void **state)
{
	smtp_verdict v;

	(void)state;
	classify(&builtin, SMTP_STAGE_RCPT, "452 4.2.2 Mailbox full", MR_OK, &v);
	assert_null(v.rule);
	assert_int_equal(v.state, MR_WARNING);
	assert_string_equal(v.reason, "unknown temporary reply");
	assert_string_equal(v.enhanced, "4.2.2");
	assert_false(v.expected);
	classify(&builtin, SMTP_STAGE_RCPT, "550 5.1.1 <nobody@hotmail.com>: Recipient address rejected", MR_OK, &v);
	assert_null(v.rule);
	assert_int_equal(v.state, MR_CRITICAL);
	assert_string_equal(v.reason, "unknown permanent reply");
	/* 554 and 421 only mean block and throttling at the banner. */
	classify(&builtin, SMTP_STAGE_MAIL, "554 5.5.1 Error: no valid recipients", MR_OK, &v);
	assert_null(v.rule);
	assert_int_equal(v.state, MR_CRITICAL);
	classify(&builtin, SMTP_STAGE_RCPT, "421 4.4.2 Connection dropped", MR_OK, &v);
	assert_null(v.rule);
	assert_int_equal(v.state, MR_WARNING);
}

/** Normal 2xx/3xx answers at every stage are expected and OK with no rule. */
static void test_positive_replies_are_ok_at_every_stage(void **state)
{
	static const char *const texts[] = {
		"220 BN8NAM12FT123.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Sun, 29 Nov 2026",
		"250-BN8NAM12FT123.mail.protection.outlook.com Hello [192.0.2.5]\r\n250-SIZE 49283072\r\n"
		"250-PIPELINING\r\n250-STARTTLS\r\n250 SMTPUTF8",
		"220 2.0.0 SMTP server ready", "250 2.1.0 Sender OK", "250 2.1.5 Recipient OK",
		"354 Start mail input; end with <CRLF>.<CRLF>", "250 2.6.0 <x@example.org> Queued mail for delivery",
		"250 2.0.0 Resetting", "221 2.0.0 Service closing transmission channel", "250",
	};
	smtp_verdict v;
	size_t i;
	int st;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		for (st = 0; st < SMTP_STAGE_COUNT; st++) {
			classify(&builtin, (smtp_stage)st, texts[i], MR_CRITICAL, &v);
			if (v.rule != NULL || v.state != MR_OK || !v.expected)
				fail_msg("'%.30s' at %s not plainly accepted", texts[i], smtp_stage_name((smtp_stage)st));
			assert_string_equal(v.reason, "accepted");
		}
}

/** Extractors: AS(NNNN) form, IPv6, no IP from a bracketed non-address, first line's enhanced code only. */
static void test_extractors(void **state)
{
	smtp_verdict v;

	(void)state;
	classify(&builtin, SMTP_STAGE_RCPT, "550 5.7.1 blocked AS(3140) [DEAD] [2001:db8:1::7]", MR_WARNING, &v);
	assert_string_equal(v.code, "AS3140");
	assert_string_equal(v.ip, "2001:db8:1::7");
	assert_non_null(v.rule);
	assert_string_equal(v.rule->kind, "consumer block");
	classify(&builtin, SMTP_STAGE_RCPT, "550 no code here [999.1.1.1] [mx.example.net]", MR_WARNING, &v);
	assert_string_equal(v.code, "");
	assert_string_equal(v.ip, "");
	assert_string_equal(v.enhanced, "");
	assert_string_equal(v.frontend, "");
	classify(&builtin, SMTP_STAGE_RCPT, "550-first line\r\n550 5.7.1 second line", MR_WARNING, &v);
	assert_string_equal(v.enhanced, "");
	classify(&builtin, SMTP_STAGE_RCPT, "550 5.7.1 from [192.0.2.300] or [192.0.2.44]", MR_WARNING, &v);
	assert_string_equal(v.ip, "192.0.2.44");
	classify(&builtin, SMTP_STAGE_RCPT, "550 5.7.1 Refused [bn8nam12ft123.eop-nam12.prod.protection.outlook.com]",
	         MR_WARNING, &v);
	assert_string_equal(v.frontend, "bn8nam12ft123.eop-nam12.prod.protection.outlook.com");
}

/* ---- rules files ---- */

/** Parse text into t (initialised by the caller); returns the parse result, message in err. */
static int parse(smtp_rules *t, const char *text, mr_buf *err)
{
	mr_buf_reset(err);
	return smtp_rules_parse(t, text, "test.ini", err);
}

/** A rules file with comments, ':' delimiters, a stage-restricted rule on a 250 and an ok rule works. */
static void test_rules_file_overrides_and_ok(void **state)
{
	static const char text[] =
	    "; my rules\n"
	    "# another comment\n"
	    "\n"
	    "[rule forwarded]\r\n"
	    "state = warning         ; comment after the value\r\n"
	    "stages = rcpt data_end\n"
	    "pattern = ^250 .*forwarded   ; POSIX ERE\n"
	    "kind: forwarded\n"
	    "description = the recipient is forwarded elsewhere\n"
	    "[rule harmless]\n"
	    "state = OK\n"
	    "pattern = ^550 5\\.1\\.1 .*a;b\n"
	    "[rule consumer-block]\n"
	    "state = critical\n"
	    "stages = mail rcpt\n"
	    "pattern = ^5[0-9][0-9][ -]5\\.7\\.1 .*on our block list   ; POSIX ERE, case-insensitive\n"
	    "kind = consumer block\n"
	    "delist = https://olcsupport.office.com/\n"
	    "description = the sending IP is on Microsoft's consumer block list\n"
	    "[rule broad]\n"
	    "state = critical\n"
	    "pattern = forwarded\n";
	smtp_rules t;
	smtp_verdict v;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 1024);
	smtp_rules_init(&t);
	if (parse(&t, text, &err) != 0)
		fail_msg("%s", mr_buf_str(&err));
	assert_int_equal(t.n, 4);
	assert_string_equal(t.v[0].name, "forwarded");
	assert_int_equal(t.v[0].state, SMTP_RULE_WARNING);
	assert_int_equal(t.v[0].stages, (1u << SMTP_STAGE_RCPT) | (1u << SMTP_STAGE_DATA_END));
	assert_string_equal(t.v[0].kind, "forwarded");
	assert_string_equal(t.v[1].kind, "harmless");
	assert_int_equal(t.v[1].stages, 0);

	classify(&t, SMTP_STAGE_RCPT, "250 2.1.5 Recipient OK, forwarded to elsewhere", MR_WARNING, &v);
	assert_ptr_equal(v.rule, &t.v[0]);
	assert_int_equal(v.state, MR_WARNING);
	assert_true(v.expected);
	assert_string_equal(v.reason, "the recipient is forwarded elsewhere");
	/* Rules without stages never judge a 2xx/3xx, even when their pattern matches. */
	classify(&t, SMTP_STAGE_MAIL, "250 2.1.5 Recipient OK, forwarded to elsewhere", MR_WARNING, &v);
	assert_null(v.rule);
	assert_int_equal(v.state, MR_OK);
	assert_true(v.expected);
	classify(&t, SMTP_STAGE_MAIL, "450 4.1.5 forwarded later", MR_WARNING, &v);
	assert_ptr_equal(v.rule, &t.v[3]);
	assert_int_equal(v.state, MR_CRITICAL);

	classify(&t, SMTP_STAGE_RCPT, "550 5.1.1 unknown a;b", MR_WARNING, &v);
	assert_ptr_equal(v.rule, &t.v[1]);
	assert_int_equal(v.state, MR_OK);
	assert_string_equal(v.reason, "harmless");

	classify(&t, SMTP_STAGE_MAIL, catalogue[0].text, MR_WARNING, &v);
	assert_ptr_equal(v.rule, &t.v[2]);
	classify(&t, SMTP_STAGE_DATA_END, catalogue[0].text, MR_WARNING, &v);
	assert_null(v.rule);
	assert_int_equal(v.state, MR_CRITICAL);
	assert_string_equal(v.reason, "unknown permanent reply");

	/* A second text appends; the same name again is refused. */
	assert_int_equal(parse(&t, "[rule extra]\nstate = warning\npattern = ^452\n", &err), 0);
	assert_int_equal(t.n, 5);
	assert_int_equal(parse(&t, "[rule extra]\nstate = warning\npattern = ^453\n", &err), -1);
	assert_string_equal(mr_buf_str(&err), "test.ini line 1: rule [extra] is already in the table");
	assert_int_equal(t.n, 5);
	smtp_rules_free(&t);
	assert_int_equal(t.n, 0);
	assert_null(t.v);
	mr_buf_free(&err);
}

/** One broken rules text and the message it must give. */
typedef struct error_case {
	const char *text;  /**< the rules text */
	const char *want;  /**< the start of the expected message */
} error_case;

/** Each class of rules file error gives "ORIGIN line N: reason" and leaves the table unchanged. */
static void test_rules_file_errors(void **state)
{
	static const error_case cases[] = {
		{ "[rule a]\nstate = critical\npattern = x\ncolour = blue\n",
		  "test.ini line 4: unknown key 'colour' in rule [a]" },
		{ "[rule a]\nstate = critical\nkind = x\n", "test.ini line 1: rule [a] has no pattern" },
		{ "[rule a]\npattern = x\n\n[rule b]\npattern = y\nstate = ok\n", "test.ini line 1: rule [a] has no state" },
		{ "[rule a]\nstate = critical\npattern = ^5(0\n", "test.ini line 3: pattern does not compile: " },
		{ "[rule a]\nstate = critical\npattern = [z-a]\n", "test.ini line 3: pattern does not compile: " },
		/* found by fuzz_smtp_rules: glibc took minutes and gigabytes to compile stacked repetitions */
		{ "[rule a]\nstate = critical\npattern = ^4[0-9]-lis++++++++++++++++ting\n",
		  "test.ini line 3: pattern repeats a repetition (such as a++ or a*{2}); write one" },
		{ "[rule a]\nstate = critical\npattern = x*{2}\n", "test.ini line 3: pattern repeats a repetition" },
		{ "[rule a]\nstate = critical\npattern = x{1,}{2,}\n", "test.ini line 3: pattern repeats a repetition" },
		{ "[rule a]\nstate = critical\npattern = ((a{20,}){20,30}){20}\n",
		  "test.ini line 3: pattern too costly to compile" },
		/* found by fuzz_smtp_rules: a count past LONG_MAX overflowed the estimate (UBSan) */
		{ "[rule a]\nstate = critical\npattern = |{1888888888888888888888888888888,p\n",
		  "test.ini line 3: pattern does not compile: " },
		{ "[rule a]\nstate = critical\npattern = ((a{20}){20}){20}\n",
		  "test.ini line 3: pattern too costly to compile (nested or large repetitions)" },
		{ "[rule a]\nstate = critical\npattern = (a*)*b\\1\n",
		  "test.ini line 3: pattern uses a back-reference" },
		{ "[rule a]\nstate = critical\npattern = a{6000}\n",
		  "test.ini line 3: pattern too costly to compile" },
		{ "[rule a]\nstate = critical\npattern = x\nstages = mail helo\n", "test.ini line 4: unknown stage 'helo'" },
		{ "[rule a]\nstate = critical\npattern = x\nstages =\n", "test.ini line 4: stages is empty" },
		{ "[rule a]\nstate = critical\npattern = x\n[rule b]\nstate = ok\npattern = y\n[rule a]\n",
		  "test.ini line 7: rule [a] appears twice (first at line 1)" },
		{ "[rule a]\nstate = fatal\npattern = x\n", "test.ini line 2: bad state 'fatal'" },
		{ "[rule a]\nstate = ok\nstate = critical\npattern = x\n",
		  "test.ini line 3: state given twice in rule [a] (first at line 2)" },
		{ "state = ok\n[rule a]\n", "test.ini line 1: content before the first section header" },
		{ "[zone a]\nstate = ok\n", "test.ini line 1: unknown section [zone a]" },
		{ "[rule]\nstate = ok\n", "test.ini line 1: unknown section [rule]" },
		{ "[rule a b]\nstate = ok\n", "test.ini line 1: bad rule name 'a b'" },
		{ "[rule 012345678901234567890123456789012345678901234567]\n", "test.ini line 1: bad rule name" },
		{ "[rule a\nstate = ok\n", "test.ini line 1: section header without closing ']'" },
		{ "[rule a] extra\n", "test.ini line 1: text after the section header's ']'" },
		{ "[rule a]\nstate = ok\npattern =\n", "test.ini line 3: pattern is empty" },
		{ "[rule a]\nstate = ok\npattern =   ; only a comment\n", "test.ini line 3: pattern is empty" },
		{ "[rule a]\nstate = ok\npattern = x\n  continued\n", "test.ini line 4: indented line" },
		{ "[rule a]\nstate = ok\n  pattern = x\n", "test.ini line 3: indented line" },
		{ "[rule a]\nstate = ok\npattern = x\njust words\n", "test.ini line 4: line without '='" },
		{ "[rule a]\nstate = ok\npattern = (a ;b)\n",
		  "test.ini line 3: pattern does not compile: " },
		{ "[rule a]\nstate = ok\npattern = x\nkind = 0123456789012345678901234567890123\n",
		  "test.ini line 4: kind is longer than 31 characters" },
		{ "[rule a]\nstate = ok\npattern = x\ndescription = a\x01z\n",
		  "test.ini line 4: description holds control characters" },
		{ "[rule a]\nstate = ok\npattern = x\nspamhaus-lookup = maybe\n",
		  "test.ini line 4: bad spamhaus-lookup 'maybe' (yes or no)" },
	};
	smtp_rules t;
	mr_buf err;
	size_t i;

	(void)state;
	mr_buf_init(&err, 1024);
	smtp_rules_init(&t);
	assert_int_equal(parse(&t, "[rule keep]\nstate = ok\npattern = ^299\n", &err), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (parse(&t, cases[i].text, &err) != -1)
			fail_msg("case %zu accepted: %s", i, cases[i].text);
		if (strncmp(mr_buf_str(&err), cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got '%s', want '%s...'", i, mr_buf_str(&err), cases[i].want);
		assert_int_equal(t.n, 1);
	}
	/* regerror's own text is in the message; a ' ;' comment gets a hint. */
	{
		regex_t re;
		char why[160];
		int rc = regcomp(&re, "(a", REG_EXTENDED | REG_ICASE | REG_NOSUB);
		assert_int_not_equal(rc, 0);
		(void)regerror(rc, &re, why, sizeof why);
		assert_int_equal(parse(&t, "[rule a]\nstate = ok\npattern = (a ;b)\n", &err), -1);
		assert_non_null(strstr(mr_buf_str(&err), why));
		assert_non_null(strstr(mr_buf_str(&err), "'[;]'"));
		assert_int_equal(parse(&t, "[rule a]\nstate = ok\npattern = (a\n", &err), -1);
		assert_non_null(strstr(mr_buf_str(&err), why));
		assert_null(strstr(mr_buf_str(&err), "'[;]'"));
	}
	smtp_rules_free(&t);
	mr_buf_free(&err);
}

/** Lines of 200 characters or more are refused (libinih would split them); 199 is accepted. */
static void test_rules_line_length_limit(void **state)
{
	char text[512];
	char desc[200];
	smtp_rules t;
	mr_buf err;

	(void)state;
	mr_buf_init(&err, 1024);
	smtp_rules_init(&t);
	/* "description = " is 14 characters: 185 more make a line of 199. */
	memset(desc, 'd', 185);
	desc[185] = '\0';
	assert_int_equal(mr_snprintf(text, sizeof text, "[rule a]\nstate = ok\npattern = x\ndescription = %s\n", desc), 0);
	if (parse(&t, text, &err) != 0)
		fail_msg("%s", mr_buf_str(&err));
	assert_int_equal(strlen(t.v[0].description), 185);
	smtp_rules_free(&t);
	smtp_rules_init(&t);
	assert_int_equal(mr_snprintf(text, sizeof text, "[rule a]\nstate = ok\npattern = x\ndescription = %sd\n", desc), 0);
	assert_int_equal(parse(&t, text, &err), -1);
	assert_string_equal(mr_buf_str(&err), "test.ini line 4: line too long (200 characters, at most 199)");
	assert_int_equal(t.n, 0);
	smtp_rules_free(&t);
	mr_buf_free(&err);
}

/** Rules files load from disk; a missing file and a file with a NUL byte are refused with the path. */
static void test_rules_load_file(void **state)
{
	char path[] = "/tmp/test_smtp_rules_XXXXXX";
	static const char good[] = "[rule a]\nstate = throttle\npattern = ^421\n";
	static const char bad[] = "[rule a]\nstate = ok\0\npattern = x\n";
	smtp_rules t;
	mr_buf err;
	FILE *f;
	int fd;

	(void)state;
	mr_buf_init(&err, 1024);
	smtp_rules_init(&t);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(good, 1, sizeof good - 1, f), sizeof good - 1);
	assert_int_equal(fclose(f), 0);
	if (smtp_rules_load_file(&t, path, &err) != 0)
		fail_msg("%s", mr_buf_str(&err));
	assert_int_equal(t.n, 1);
	assert_int_equal(t.v[0].state, SMTP_RULE_THROTTLE);

	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bad, 1, sizeof bad - 1, f), sizeof bad - 1);
	assert_int_equal(fclose(f), 0);
	mr_buf_reset(&err);
	assert_int_equal(smtp_rules_load_file(&t, path, &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "NUL"));
	assert_int_equal(strncmp(mr_buf_str(&err), path, strlen(path)), 0);
	assert_int_equal(unlink(path), 0);

	mr_buf_reset(&err);
	assert_int_equal(smtp_rules_load_file(&t, path, &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "No such file"));
	assert_int_equal(t.n, 1);
	smtp_rules_free(&t);
	mr_buf_free(&err);
}

/** Every built-in rule has a kind and a description, and only banner rules are stage-restricted. */
static void test_builtin_rules_are_complete(void **state)
{
	size_t i;

	(void)state;
	assert_true(builtin.n >= 20);
	for (i = 0; i < builtin.n; i++) {
		const smtp_rule *r = &builtin.v[i];
		if (r->kind[0] == '\0' || r->description[0] == '\0')
			fail_msg("rule %s lacks kind or description", r->name);
		if (r->stages != 0 && r->stages != (1u << SMTP_STAGE_BANNER))
			fail_msg("rule %s is restricted to stages other than the banner", r->name);
	}
}

/** spamhaus-lookup: the built-in S3140/S3150 and Spamhaus rules have it, a rules file may set it either way. */
static void test_spamhaus_lookup_key(void **state)
{
	static const char text[] = "[rule a]\nstate = critical\npattern = x\nspamhaus-lookup = yes\n"
	                           "[rule b]\nstate = critical\npattern = y\nspamhaus-lookup = NO\n"
	                           "[rule c]\nstate = critical\npattern = z\n";
	smtp_rules t;
	mr_buf err;
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < builtin.n; i++) {
		const char *name = builtin.v[i].name;
		int want = strcmp(name, "consumer-block") == 0 || strcmp(name, "consumer-block-code") == 0 ||
		           strcmp(name, "spamhaus") == 0;
		if (builtin.v[i].spamhaus_lookup != want)
			fail_msg("rule %s: spamhaus-lookup %d", name, builtin.v[i].spamhaus_lookup);
		n += want;
	}
	assert_int_equal(n, 3);
	mr_buf_init(&err, 256);
	smtp_rules_init(&t);
	assert_int_equal(smtp_rules_parse(&t, text, "test.ini", &err), 0);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.v[0].spamhaus_lookup, 1);
	assert_int_equal(t.v[1].spamhaus_lookup, 0);
	assert_int_equal(t.v[2].spamhaus_lookup, 0);
	smtp_rules_free(&t);
	mr_buf_free(&err);
}

/** The (buffer, length) entry point: no NUL needed at the end, a NUL inside is refused, every prefix is safe. */
static void test_rules_parse_buf(void **state)
{
	static const char text[] = "[rule a]\nstate = critical\npattern = block list\nkind = k\n[rule b]\n"
	                           "state = ok\npattern = fine\n";
	char *copy;
	smtp_rules t;
	mr_buf err;
	size_t len = strlen(text);

	(void)state;
	mr_buf_init(&err, 256);
	/* an exact-size heap copy without NUL: ASan sees any read past the end */
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, text, len);
	smtp_rules_init(&t);
	assert_int_equal(smtp_rules_parse_buf(&t, copy, len, "buf", &err), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.v[0].kind, "k");
	smtp_rules_free(&t);
	/* every prefix either parses or fails with a message; none crashes or reads past the end */
	for (size_t n = 0; n <= len; n++) {
		char *part = malloc(n > 0 ? n : 1);
		assert_non_null(part);
		memcpy(part, text, n);
		mr_buf_free(&err);
		mr_buf_init(&err, 256);
		smtp_rules_init(&t);
		if (smtp_rules_parse_buf(&t, part, n, "buf", &err) != 0)
			assert_true(err.len > 0);
		smtp_rules_free(&t);
		free(part);
	}
	/* a NUL inside the buffer */
	copy[10] = '\0';
	mr_buf_free(&err);
	mr_buf_init(&err, 256);
	smtp_rules_init(&t);
	assert_int_equal(smtp_rules_parse_buf(&t, copy, len, "buf", &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "NUL byte at offset 10"));
	smtp_rules_free(&t);
	free(copy);
	mr_buf_free(&err);
}

/** Run the rules tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_names_round_trip),
		cmocka_unit_test(test_builtin_rules_are_complete),
		cmocka_unit_test(test_builtin_classifies_the_catalogue),
		cmocka_unit_test(test_builtin_delisting_places),
		cmocka_unit_test(test_eop_ban_range_bounds),
		cmocka_unit_test(test_multi_line_block_is_classified),
		cmocka_unit_test(test_throttle_maps_to_throttle_state),
		cmocka_unit_test(test_unknown_replies),
		cmocka_unit_test(test_positive_replies_are_ok_at_every_stage),
		cmocka_unit_test(test_extractors),
		cmocka_unit_test(test_rules_file_overrides_and_ok),
		cmocka_unit_test(test_rules_file_errors),
		cmocka_unit_test(test_rules_line_length_limit),
		cmocka_unit_test(test_rules_load_file),
		cmocka_unit_test(test_spamhaus_lookup_key),
		cmocka_unit_test(test_rules_parse_buf),
	};

	return cmocka_run_group_tests(tests, builtin_setup, builtin_teardown);
}

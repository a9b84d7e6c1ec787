/* test_jmrp_parse.c: unit tests of the JMRP complaint recogniser: ARF and legacy Hotmail fixtures
 * (tests/unit/jmrp-fixtures, or $JMRP_FIXTURES), field precedence and fallbacks built inline,
 * sanitising of stored text, non-complaints and broken input, and truncated or byte-flipped
 * versions of every fixture, which must keep the result's invariants and never crash; and long domains
 * from the parser through the counter (jmrp_judge: tallies, --sender-domain filters) and the state file. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <glib.h>

#include "jmrp_unit.h"
#include "plugins/jmrp/jmrp_judge.h"
#include "plugins/jmrp/jmrp_parse.h"
#include "plugins/jmrp/jmrp_state.h"
#include "common/util.h"

/** Largest fixture the tests read. */
#define FIXTURE_MAX (1024 * 1024)
/** Size of the buffers inline test messages are built in. */
#define MSG_MAX 8192
/** Step between the cut positions of the truncation test. */
#define CUT_STEP 97
/** Byte-flipped variants made of each fixture. */
#define FLIP_ROUNDS 300
/** Seed of the byte-flip generator, fixed so failures can be reproduced. */
#define FLIP_SEED 0x4a4d5250u
/** The only domain fixture recipients use; it must never appear in a result. */
#define RCPT_DOMAIN "rcpt.example"

/** A fixture and, for a multipart, its boundary (to locate the closing delimiter). */
typedef struct fixture_info {
	const char *name;     /**< file name under the fixture directory */
	const char *boundary; /**< top-level boundary, or NULL if not a terminated multipart */
} fixture_info;

/** Every fixture file. */
static const fixture_info fixtures[] = {
	{ "arf-full.eml", "----=_Part_ARF_0001" },
	{ "arf-headers-only.eml", "arf-b2" },
	{ "arf-redacted.eml", "=_redacted_3" },
	{ "arf-xsenderip.eml", "b4b4b4" },
	{ "arf-ipv6.eml", "v6v6" },
	{ "arf-reported-domain-only.eml", "rd6" },
	{ "arf-encoded-subject.eml", "enc7" },
	{ "legacy-hotmail.eml", "----=_NextPart_000_0001_01DCF3A1.5B2C7D40" },
	{ "legacy-hotmail-crlf.eml", "----=_NextPart_000_0001_01DCF3A1.5B2C7D40" },
	{ "newsletter.eml", "alt-nl" },
	{ "dsn-bounce.eml", "4ZqB0C1D2Ez3.1784023500/mx1.example.com" },
	{ "broken-mime.eml", NULL },
	{ "empty.eml", NULL },
};

/* ---- helpers ---- */

/** Read fixture name into a new buffer (caller frees); *len gets its size. Fails the test if unreadable. */
static char *load_fixture(const char *name, size_t *len)
{
	const char *dir = getenv("JMRP_FIXTURES");
	char path[1024];
	char *buf;
	size_t n;
	FILE *f;

	if (dir == NULL || *dir == '\0')
		dir = "tests/unit/jmrp-fixtures";
	assert_int_equal(mr_snprintf(path, sizeof(path), "%s/%s", dir, name), 0);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open fixture %s (set JMRP_FIXTURES)", path);
	buf = malloc(FIXTURE_MAX + 1);
	assert_non_null(buf);
	n = fread(buf, 1, FIXTURE_MAX + 1, f);
	fclose(f);
	assert_true(n <= FIXTURE_MAX);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/** Parse fixture name into c and return the kind. */
static jmrp_kind parse_fixture(const char *name, jmrp_complaint *c)
{
	size_t len;
	char *buf = load_fixture(name, &len);
	jmrp_kind k = jmrp_parse(buf, len, c);

	free(buf);
	return k;
}

/** Parse a NUL-terminated message into c and return the kind. */
static jmrp_kind parse_str(const char *msg, jmrp_complaint *c)
{
	return jmrp_parse(msg, strlen(msg), c);
}

/** Assert that c holds the IP address text. */
static void assert_ip(const jmrp_complaint *c, const char *text)
{
	char got[MR_ADDR_STRLEN];

	assert_int_equal(c->has_ip, 1);
	assert_int_equal(mr_addr_format(&c->source_ip, got, sizeof(got)), 0);
	assert_string_equal(got, text);
}

/** Build an ARF report from a feedback-report block and an optional original (type and text). */
static void build_arf(char *buf, size_t size, const char *fb, const char *orig_type, const char *orig)
{
	int rc;

	rc = mr_snprintf(buf, size,
			 "From: Reporter <fbl@fbl.example>\n"
			 "To: fbl@example.com\n"
			 "Subject: Abuse report\n"
			 "MIME-Version: 1.0\n"
			 "Content-Type: multipart/report; report-type=feedback-report; boundary=\"BND\"\n"
			 "\n"
			 "--BND\n"
			 "Content-Type: text/plain\n"
			 "\n"
			 "report\n"
			 "--BND\n"
			 "Content-Type: message/feedback-report\n"
			 "\n"
			 "%s\n"
			 "%s%s%s%s"
			 "--BND--\n",
			 fb, orig_type != NULL ? "--BND\nContent-Type: " : "", orig_type != NULL ? orig_type : "",
			 orig_type != NULL ? "\n\n" : "", orig_type != NULL ? orig : "");
	assert_int_equal(rc, 0);
}

/** Build a legacy Hotmail report with the given From and Subject and an optional attached original. */
static void build_legacy(char *buf, size_t size, const char *from, const char *subject, const char *orig)
{
	int rc;

	rc = mr_snprintf(buf, size,
			 "From: %s\n"
			 "To: fbl@example.com\n"
			 "Subject: %s\n"
			 "MIME-Version: 1.0\n"
			 "Content-Type: multipart/mixed; boundary=\"LEG\"\n"
			 "\n"
			 "--LEG\n"
			 "Content-Type: text/plain\n"
			 "\n"
			 "This is an email abuse report.\n"
			 "%s%s"
			 "--LEG--\n",
			 from, subject, orig != NULL ? "--LEG\nContent-Type: message/rfc822\n\n" : "",
			 orig != NULL ? orig : "");
	assert_int_equal(rc, 0);
}

/** 1 if s (size bytes) is NUL-terminated, valid UTF-8 and free of control characters. */
static int clean_string(const char *s, size_t size)
{
	const unsigned char *p;

	if (memchr(s, '\0', size) == NULL)
		return 0;
	if (!g_utf8_validate(s, -1, NULL))
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/** Name the first invariant of a parse result that c breaks, or NULL if it keeps them all. */
static const char *broken_invariant(const jmrp_complaint *c, jmrp_kind returned)
{
	if (returned != c->kind)
		return "returned kind differs from out->kind";
	if (c->kind != JMRP_UNPARSED && c->kind != JMRP_LEGACY && c->kind != JMRP_ARF && c->kind != JMRP_OTHER)
		return "kind out of range";
	if (!clean_string(c->sender, sizeof(c->sender)) || !clean_string(c->domain, sizeof(c->domain)) ||
	    !clean_string(c->subject, sizeof(c->subject)) ||
	    !clean_string(c->message_id, sizeof(c->message_id)) ||
	    !clean_string(c->feedback_type, sizeof(c->feedback_type)) || !clean_string(c->why, sizeof(c->why)))
		return "a string is unterminated, not UTF-8 or has control characters";
	if (c->has_ip != 0 && c->has_ip != 1)
		return "has_ip is not 0 or 1";
	if (c->has_ip && c->source_ip.family != AF_INET && c->source_ip.family != AF_INET6)
		return "has_ip without an address family";
	if (c->kind == JMRP_UNPARSED) {
		if (c->why[0] == '\0')
			return "UNPARSED without a reason";
		if (c->has_ip || c->sender[0] != '\0' || c->domain[0] != '\0' || c->subject[0] != '\0' ||
		    c->message_id[0] != '\0' || c->feedback_type[0] != '\0')
			return "UNPARSED with fields left set";
		return NULL;
	}
	if (c->why[0] != '\0')
		return "recognised report with a reason";
	if (c->feedback_type[0] == '\0')
		return "recognised report without feedback type";
	if (c->kind == JMRP_LEGACY && !c->has_ip)
		return "legacy report without IP";
	return NULL;
}

/** 1 if any text field of c contains needle. */
static int any_field_contains(const jmrp_complaint *c, const char *needle)
{
	return strstr(c->sender, needle) != NULL || strstr(c->domain, needle) != NULL ||
	       strstr(c->subject, needle) != NULL || strstr(c->message_id, needle) != NULL ||
	       strstr(c->feedback_type, needle) != NULL || strstr(c->why, needle) != NULL;
}

/** Offset just after the first empty line of buf (end of the top-level header block), or len. */
static size_t header_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i] == '\n' && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return len;
}

/** Offset of the line holding the closing delimiter "--boundary--" in buf, or 0 if absent. */
static size_t closing_start(const char *buf, size_t len, const char *boundary)
{
	char marker[256];
	const char *p = buf, *hit = NULL;

	assert_int_equal(mr_snprintf(marker, sizeof(marker), "\n--%s--", boundary), 0);
	assert_int_equal(strlen(buf), len);
	while ((p = strstr(p, marker)) != NULL) {
		hit = p;
		p++;
	}
	return hit != NULL ? (size_t)(hit - buf) + 1 : 0;
}

/** Next value of a xorshift32 generator. */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* ---- ARF fixtures ---- */

/** A full ARF report: Source-IP, Original-Mail-From lower-cased, Reported-Domain wins over the sender's domain. */
static void test_arf_full_report_yields_all_fields(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("arf-full.eml", &c), JMRP_ARF);
	assert_int_equal(c.kind, JMRP_ARF);
	assert_ip(&c, "192.0.2.25");
	assert_string_equal(c.sender, "bounce-7781@mailer.example.com");
	assert_string_equal(c.domain, "example.com");
	assert_string_equal(c.subject, "Your July offers");
	assert_string_equal(c.message_id, "20260714085659.7781@mailer.example.com");
	assert_string_equal(c.feedback_type, "abuse");
	assert_string_equal(c.why, "");
}

/** Headers-only original (text/rfc822-headers): without Original-Mail-From the sender is the Return-Path. */
static void test_arf_headers_only_takes_sender_from_return_path(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("arf-headers-only.eml", &c), JMRP_ARF);
	assert_ip(&c, "198.51.100.7");
	assert_string_equal(c.sender, "bounces+u123@em.example.org");
	assert_string_equal(c.domain, "em.example.org");
	assert_string_equal(c.subject, "Weekly digest");
	assert_string_equal(c.message_id, "digest.20260715.u123@em.example.org");
}

/** A report with Redacted-Address and a redacted Original-Rcpt-To is parsed normally. */
static void test_arf_redacted_recipient_is_parsed(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("arf-redacted.eml", &c), JMRP_ARF);
	assert_ip(&c, "203.0.113.45");
	assert_string_equal(c.sender, "list-bounce@lists.example.org");
	assert_string_equal(c.domain, "lists.example.org");
	assert_string_equal(c.subject, "[users] Meeting notes");
	assert_string_equal(c.message_id, "CAF+notes.42@lists.example.org");
	assert_false(any_field_contains(&c, "a1b2c3d4e5f6"));
}

/** Without Source-IP the original's X-Sender-IP is used, not the Received header's address. */
static void test_arf_without_source_ip_uses_x_sender_ip(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("arf-xsenderip.eml", &c), JMRP_ARF);
	assert_ip(&c, "198.51.100.23");
	assert_string_equal(c.sender, "promo-bounce@shop.example.net");
	assert_string_equal(c.domain, "shop.example.net");
	assert_string_equal(c.subject, "Summer sale");
}

/** An IPv6 Source-IP is kept as IPv6 and printed canonically. */
static void test_arf_ipv6_source_ip_is_canonical(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("arf-ipv6.eml", &c), JMRP_ARF);
	assert_int_equal(c.source_ip.family, AF_INET6);
	assert_ip(&c, "2001:db8::25");
	assert_string_equal(c.sender, "bounce@v6.example.com");
}

/** A report with only Reported-Domain (no IP, no sender, no original) still counts, lower-cased. */
static void test_arf_reported_domain_only(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("arf-reported-domain-only.eml", &c), JMRP_ARF);
	assert_int_equal(c.has_ip, 0);
	assert_string_equal(c.sender, "");
	assert_string_equal(c.domain, "example.org");
	assert_string_equal(c.subject, "");
	assert_string_equal(c.message_id, "");
	assert_string_equal(c.feedback_type, "abuse");
}

/** RFC 2047 encoded-words (folded, two charsets) are decoded to UTF-8; the sender falls back to From. */
static void test_arf_encoded_word_subject_is_decoded(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("arf-encoded-subject.eml", &c), JMRP_ARF);
	assert_string_equal(c.subject, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln \xe2\x80\x93 30 % Rabatt");
	assert_string_equal(c.sender, "joerg@example.org");
	assert_string_equal(c.domain, "example.org");
	assert_ip(&c, "192.0.2.77");
}

/* ---- legacy fixtures ---- */

/** The legacy Hotmail report: IP from the subject, sender from the original's Return-Path, type abuse. */
static void test_legacy_hotmail_report(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("legacy-hotmail.eml", &c), JMRP_LEGACY);
	assert_int_equal(c.source_ip.family, AF_INET);
	assert_ip(&c, "192.0.2.25");
	assert_string_equal(c.sender, "bounce-7781@mailer.example.com");
	assert_string_equal(c.domain, "mailer.example.com");
	assert_string_equal(c.subject, "Last chance: 20% off");
	assert_string_equal(c.message_id, "20260714155659.7781.2@mailer.example.com");
	assert_string_equal(c.feedback_type, "abuse");
}

/** The same legacy report with CRLF line endings gives exactly the same result, with no CR kept. */
static void test_legacy_crlf_equals_lf(void **state)
{
	jmrp_complaint lf, crlf;

	(void)state;
	assert_int_equal(parse_fixture("legacy-hotmail.eml", &lf), JMRP_LEGACY);
	assert_int_equal(parse_fixture("legacy-hotmail-crlf.eml", &crlf), JMRP_LEGACY);
	assert_int_equal(crlf.has_ip, lf.has_ip);
	assert_int_equal(mr_addr_cmp(&crlf.source_ip, &lf.source_ip), 0);
	assert_string_equal(crlf.sender, lf.sender);
	assert_string_equal(crlf.domain, lf.domain);
	assert_string_equal(crlf.subject, lf.subject);
	assert_string_equal(crlf.message_id, lf.message_id);
	assert_string_equal(crlf.feedback_type, lf.feedback_type);
	assert_null(strchr(crlf.subject, '\r'));
}

/* ---- non-complaints ---- */

/** A newsletter (even one mentioning a complaint subject and X-Sender-IP) is UNPARSED. */
static void test_newsletter_is_unparsed(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("newsletter.eml", &c), JMRP_UNPARSED);
	assert_string_equal(c.why, "neither an ARF report nor a Hotmail complaint");
	assert_int_equal(c.has_ip, 0);
}

/** A DSN (multipart/report; report-type=delivery-status) is UNPARSED and the reason names the type. */
static void test_dsn_bounce_is_unparsed_naming_report_type(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("dsn-bounce.eml", &c), JMRP_UNPARSED);
	assert_non_null(strstr(c.why, "report-type=delivery-status"));
}

/** A report cut inside its attached original (no closing boundary) whose feedback part is complete still counts,
 *  with the Source-IP of that part and what is left of the original (issue 11). */
static void test_cut_original_still_counts(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("broken-mime.eml", &c), JMRP_ARF);
	assert_ip(&c, "192.0.2.99");
	assert_string_equal(c.feedback_type, "abuse");
	assert_string_equal(c.sender, "news@example.com");
	assert_string_equal(c.subject, "Cut off");
}

/** A report cut inside its feedback part, or before it, stays UNPARSED as truncated: the part may lack lines. */
static void test_cut_feedback_part_is_unparsed(void **state)
{
	static const char head[] =
		"From: r@fbl.example\nSubject: report\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\nreport\n";
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	assert_int_equal(mr_snprintf(msg, sizeof(msg), "%s--B\nContent-Type: message/feedback-report\n\n"
	                             "Feedback-Type: abuse\nSource-IP: 192.0.2.5\n", head), 0);
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
	assert_non_null(strstr(c.why, "truncated"));
	assert_int_equal(parse_str(head, &c), JMRP_UNPARSED);
	/* the same report with the delimiter after the feedback part and a cut original is read */
	assert_int_equal(mr_snprintf(msg, sizeof(msg), "%s--B\nContent-Type: message/feedback-report\n\n"
	                             "Feedback-Type: abuse\nSource-IP: 192.0.2.5\n\n--B\nContent-Type: message/rfc822\n\n"
	                             "From: a@example.com\nSubj", head), 0);
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_ip(&c, "192.0.2.5");
	/* a truncated multipart that is no report stays UNPARSED */
	assert_int_equal(parse_str("From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
	                           "boundary=\"M\"\n\n--M\nContent-Type: text/plain\n\na\n--M\n"
	                           "Content-Type: text/plain\n\nb\n", &c), JMRP_UNPARSED);
}

/** Feedback-Type abuse, fraud, virus and other are complaints; auth-failure (RFC 6591), not-spam and unknown types
 *  are reports that are no complaint (JMRP_OTHER), with their fields read all the same. */
static void test_only_user_complaint_types_count(void **state)
{
	static const struct { const char *fb; jmrp_kind kind; const char *type; } cases[] = {
		{ "Feedback-Type: abuse", JMRP_ARF, "abuse" },
		{ "Feedback-Type: Fraud", JMRP_ARF, "fraud" },
		{ "Feedback-Type: virus", JMRP_ARF, "virus" },
		{ "Feedback-Type: other", JMRP_ARF, "other" },
		{ "Feedback-Type: abuse (user clicked junk)", JMRP_ARF, "abuse" },
		{ "Feedback-Type: auth-failure\nAuth-Failure: dmarc", JMRP_OTHER, "auth-failure" },
		{ "Feedback-Type: auth-failure\nAuth-Failure: adsp", JMRP_OTHER, "auth-failure" },
		{ "Feedback-Type: not-spam", JMRP_OTHER, "not-spam" },
		{ "Feedback-Type: opt-out", JMRP_OTHER, "opt-out" },
		{ "Feedback-Type: abuser", JMRP_OTHER, "abuser" },
	};
	char msg[MSG_MAX], fb[256];
	jmrp_complaint c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mr_snprintf(fb, sizeof(fb), "%s\nUser-Agent: t/1\nVersion: 1\nSource-IP: 192.0.2.3\n"
		                             "Original-Mail-From: <b@example.org>\n", cases[i].fb), 0);
		build_arf(msg, sizeof(msg), fb, "text/rfc822-headers", "From: b@example.org\nSubject: s\n");
		if (parse_str(msg, &c) != cases[i].kind)
			fail_msg("case %zu (%s): kind %d", i, cases[i].fb, (int)c.kind);
		assert_string_equal(c.feedback_type, cases[i].type);
		assert_ip(&c, "192.0.2.3");
		assert_string_equal(c.domain, "example.org");
	}
}

/** Source-IP with comments and folding (RFC 5965 CFWS; OpenDMARC writes "IP (host)") gives the address, never a
 *  Received hop of the original; two tokens or an open comment are no address. */
static void test_source_ip_with_comments_and_folding(void **state)
{
	static const struct { const char *v; const char *ip; } cases[] = {
		{ "192.0.2.1 (host.example)", "192.0.2.1" },
		{ "(sender) 192.0.2.2", "192.0.2.2" },
		{ "192.0.2.3\n (mail.example (nested) \\) quoted)", "192.0.2.3" },
		{ "\n 192.0.2.4", "192.0.2.4" },
		{ "2001:db8::7 (v6.example)", "2001:db8::7" },
		{ "[192.0.2.6] (bracketed)", "192.0.2.6" },
		{ "192.0.2.8 host.example", "203.0.113.9" },   /* two tokens: no address, the original's is used */
		{ "192.0.2.8 (open comment", "203.0.113.9" },
		{ "(only a comment)", "203.0.113.9" },
	};
	char msg[MSG_MAX], fb[256];
	jmrp_complaint c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mr_snprintf(fb, sizeof(fb), "Feedback-Type: abuse\nSource-IP: %s\n", cases[i].v), 0);
		build_arf(msg, sizeof(msg), fb, "message/rfc822",
		          "Received: from relay ([203.0.113.9]) by mx\nFrom: a@example.com\nSubject: s\n\nbody\n");
		assert_int_equal(parse_str(msg, &c), JMRP_ARF);
		assert_ip(&c, cases[i].ip);
	}
}

/** An empty file is UNPARSED. */
static void test_empty_file_is_unparsed(void **state)
{
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_fixture("empty.eml", &c), JMRP_UNPARSED);
	assert_string_equal(c.why, "empty message");
}

/** No fixture result ever contains a recipient address (Original-Rcpt-To, To, X-HmXmrOriginalRecipient). */
static void test_no_recipient_is_ever_stored(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		jmrp_complaint c;

		parse_fixture(fixtures[i].name, &c);
		if (any_field_contains(&c, RCPT_DOMAIN))
			fail_msg("%s: a recipient address leaked into the result", fixtures[i].name);
	}
}

/* ---- ARF rules built inline ---- */

/** A feedback-report multipart/report without the message/feedback-report part is UNPARSED. */
static void test_report_without_feedback_part_is_unparsed(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	assert_int_equal(mr_snprintf(msg, sizeof(msg), "%s",
				     "From: r@fbl.example\nSubject: x\nMIME-Version: 1.0\n"
				     "Content-Type: multipart/report; report-type=feedback-report; boundary=B\n\n"
				     "--B\nContent-Type: text/plain\n\nreport\n"
				     "--B\nContent-Type: message/rfc822\n\nFrom: a@example.com\nSubject: s\n\nbody\n"
				     "--B--\n"), 0);
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
	assert_string_equal(c.why, "multipart/report without message/feedback-report part");
}

/** A feedback report without Feedback-Type, or with an empty one, is UNPARSED. */
static void test_feedback_report_without_feedback_type_is_unparsed(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_arf(msg, sizeof(msg), "User-Agent: t/1\nVersion: 1\nSource-IP: 192.0.2.1\n", NULL, NULL);
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
	assert_string_equal(c.why, "feedback report without Feedback-Type");
	build_arf(msg, sizeof(msg), "Feedback-Type: \nUser-Agent: t/1\nVersion: 1\n", NULL, NULL);
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
	assert_string_equal(c.why, "feedback report without Feedback-Type");
	build_arf(msg, sizeof(msg), "", NULL, NULL);
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
}

/** Feedback-Type is lower-cased and other types (e.g. not-spam) are kept as written. */
static void test_feedback_type_is_lowercased(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_arf(msg, sizeof(msg), "Feedback-Type: Not-Spam\nUser-Agent: t/1\nVersion: 1\n", NULL, NULL);
	assert_int_equal(parse_str(msg, &c), JMRP_OTHER);
	assert_string_equal(c.feedback_type, "not-spam");
}

/** A base64-encoded message/feedback-report part is decoded before its fields are read. */
static void test_base64_feedback_report_is_decoded(void **state)
{
	const char *msg =
		"From: r@fbl.example\nSubject: x\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=feedback-report; boundary=B\n\n"
		"--B\nContent-Type: message/feedback-report\nContent-Transfer-Encoding: base64\n\n"
		/* "Feedback-Type: abuse\nVersion: 1\nSource-IP: 192.0.2.61\n" */
		"RmVlZGJhY2stVHlwZTogYWJ1c2UKVmVyc2lvbjogMQpTb3VyY2UtSVA6IDE5Mi4wLjIuNjEK\n"
		"--B--\n";
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_string_equal(c.feedback_type, "abuse");
	assert_ip(&c, "192.0.2.61");
}

/** A multipart/report without report-type is accepted as ARF when it holds a feedback-report part. */
static void test_report_without_report_type_is_accepted(void **state)
{
	const char *msg =
		"From: r@fbl.example\nSubject: x\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; boundary=B\n\n"
		"--B\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nSource-IP: 192.0.2.62\n"
		"--B--\n";
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_ip(&c, "192.0.2.62");
}

/** A multipart/report without a boundary parameter is UNPARSED. */
static void test_multipart_without_boundary_is_unparsed(void **state)
{
	const char *msg =
		"From: r@fbl.example\nSubject: x\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=feedback-report\n\n"
		"Feedback-Type: abuse\nSource-IP: 192.0.2.63\n";
	jmrp_complaint c;

	(void)state;
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
	assert_string_equal(c.why, "multipart without boundary");
}

/** An invalid Source-IP counts as absent; X-Originating-IP (bracketed) of the original is used. */
static void test_invalid_source_ip_falls_back_to_x_originating_ip(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_arf(msg, sizeof(msg), "Feedback-Type: abuse\nSource-IP: 192.0.2.300\n", "message/rfc822",
		  "X-Originating-IP: [198.51.100.4]\nReceived: from a ([203.0.113.1]) by b\n"
		  "From: a@example.com\nSubject: s\n\nbody\n");
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_ip(&c, "198.51.100.4");
}

/** The first Received header gives the IP only if it names exactly one distinct [address]. */
static void test_received_ip_is_used_only_when_unambiguous(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_arf(msg, sizeof(msg), "Feedback-Type: abuse\n", "text/rfc822-headers",
		  "Received: from a.example.com (HELO [192.0.2.8]) ([192.0.2.8])\n by mx.rcpt.example;"
		  " Tue, 14 Jul 2026 08:57:03 +0000\nFrom: a@example.com\n");
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_ip(&c, "192.0.2.8");

	build_arf(msg, sizeof(msg), "Feedback-Type: abuse\n", "text/rfc822-headers",
		  "Received: from a.example.com ([192.0.2.8]) by mx.rcpt.example ([203.0.113.9])\n"
		  "From: a@example.com\n");
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_int_equal(c.has_ip, 0);

	build_arf(msg, sizeof(msg), "Feedback-Type: abuse\n", "text/rfc822-headers",
		  "Received: from a.example.com (192.0.2.8) by mx.rcpt.example\n"
		  "Received: from b.example.com ([198.51.100.8]) by a.example.com\n"
		  "From: a@example.com\n");
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_int_equal(c.has_ip, 0);
}

/** A null Original-Mail-From ("<>") falls back to the original's Return-Path. */
static void test_null_original_mail_from_falls_back(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_arf(msg, sizeof(msg), "Feedback-Type: abuse\nOriginal-Mail-From: <>\n", "text/rfc822-headers",
		  "Return-Path: <Bounce@List.Example.NET>\nFrom: Other <other@example.com>\n");
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_string_equal(c.sender, "bounce@list.example.net");
	assert_string_equal(c.domain, "list.example.net");
}

/* ---- legacy rules built inline ---- */

/** The staff address matches in any case and with a display name; the subject prefix too. */
static void test_legacy_sender_and_subject_match_case_insensitively(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_legacy(msg, sizeof(msg), "Hotmail Staff <STAFF@Hotmail.COM>",
		     "COMPLAINT ABOUT MESSAGE FROM 192.0.2.9", NULL);
	assert_int_equal(parse_str(msg, &c), JMRP_LEGACY);
	assert_ip(&c, "192.0.2.9");
	assert_string_equal(c.sender, "");
	assert_string_equal(c.feedback_type, "abuse");
}

/** The subject's IP wins over X-Sender-IP; without a valid subject IP, X-Sender-IP is used. */
static void test_legacy_subject_ip_wins_else_x_sender_ip(void **state)
{
	const char *orig = "X-Sender-IP: 198.51.100.70\nFrom: a@example.com\nSubject: s\n\nbody\n";
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_legacy(msg, sizeof(msg), "staff@hotmail.com", "complaint about message from 192.0.2.70", orig);
	assert_int_equal(parse_str(msg, &c), JMRP_LEGACY);
	assert_ip(&c, "192.0.2.70");
	build_legacy(msg, sizeof(msg), "staff@hotmail.com", "complaint about message from 192.0.2.700", orig);
	assert_int_equal(parse_str(msg, &c), JMRP_LEGACY);
	assert_ip(&c, "198.51.100.70");
	build_legacy(msg, sizeof(msg), "staff@hotmail.com", "complaint about message from 2001:db8::70", orig);
	assert_int_equal(parse_str(msg, &c), JMRP_LEGACY);
	assert_ip(&c, "198.51.100.70");
	build_legacy(msg, sizeof(msg), "staff@hotmail.com", "complaint", orig);
	assert_int_equal(parse_str(msg, &c), JMRP_LEGACY);
	assert_ip(&c, "198.51.100.70");
	assert_string_equal(c.sender, "a@example.com");
}

/** A staff@hotmail.com message with no IP in subject nor X-Sender-IP is UNPARSED. */
static void test_legacy_without_any_ip_is_unparsed(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_legacy(msg, sizeof(msg), "staff@hotmail.com", "complaint about message from 192.0.2",
		     "From: a@example.com\nSubject: s\n\nbody\n");
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
	assert_string_equal(c.why, "Hotmail report without an IP in subject or X-Sender-IP");
	build_legacy(msg, sizeof(msg), "staff@hotmail.com", "hello", NULL);
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
}

/** A complaint subject from anyone but staff@hotmail.com is not a legacy report. */
static void test_complaint_subject_from_other_sender_is_unparsed(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_legacy(msg, sizeof(msg), "staff@hotmail.example", "complaint about message from 192.0.2.9",
		     "X-Sender-IP: 192.0.2.9\nFrom: a@example.com\n\nbody\n");
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
	build_legacy(msg, sizeof(msg), "\"staff@hotmail.com\" <someone@example.com>",
		     "complaint about message from 192.0.2.9", NULL);
	assert_int_equal(parse_str(msg, &c), JMRP_UNPARSED);
}

/* ---- stored text ---- */

/** Control characters (C0 and C1) in decoded values become '?'; tabs become spaces. */
static void test_control_characters_are_replaced(void **state)
{
	char msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	build_arf(msg, sizeof(msg), "Feedback-Type: abuse\n", "text/rfc822-headers",
		  "From: a@example.com\nSubject: =?UTF-8?Q?a=07b=1Bc=C2=85d=09e?=\n");
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_string_equal(c.subject, "a?b?c?d e");
}

/** A long subject is cut to the field at a UTF-8 character boundary. */
static void test_long_subject_is_cut_at_character_boundary(void **state)
{
	char orig[2048], msg[MSG_MAX];
	size_t o;
	int i;
	jmrp_complaint c;

	(void)state;
	assert_int_equal(mr_snprintf(orig, sizeof(orig), "From: a@example.com\nSubject: x"), 0);
	o = strlen(orig);
	for (i = 0; i < 300; i++) {
		orig[o++] = '\xc3';
		orig[o++] = '\xa9';
	}
	orig[o++] = '\n';
	orig[o] = '\0';
	build_arf(msg, sizeof(msg), "Feedback-Type: abuse\n", "text/rfc822-headers", orig);
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_int_equal(strlen(c.subject), 255); /* "x" + 127 two-byte characters + NUL fill 256 bytes */
	assert_true(g_utf8_validate(c.subject, -1, NULL));
}

/* ---- broken input ---- */

/** NULL input, NULL output, whitespace and binary garbage are handled without crashing. */
static void test_null_and_garbage_input_is_unparsed(void **state)
{
	static const char garbage[] = "\x00\x01\x89PNG\r\n\x1a\n\xff\xfe\x00garbage\x80\x81";
	jmrp_complaint c;

	(void)state;
	assert_int_equal(jmrp_parse(NULL, 10, &c), JMRP_UNPARSED);
	assert_string_equal(c.why, "no input");
	assert_int_equal(jmrp_parse("x", 1, NULL), JMRP_UNPARSED);
	assert_int_equal(jmrp_parse("\n\n\n", 3, &c), JMRP_UNPARSED);
	assert_int_equal(jmrp_parse(garbage, sizeof(garbage) - 1, &c), JMRP_UNPARSED);
	assert_true(c.why[0] != '\0');
}

/** Offset just after the delimiter line that ends the message/feedback-report part of buf, or 0 if none. */
static size_t feedback_closed_at(const char *buf, const char *boundary)
{
	char marker[256];
	const char *fb = strstr(buf, "message/feedback-report"), *d, *eol;

	assert_int_equal(mr_snprintf(marker, sizeof(marker), "\n--%s", boundary), 0);
	if (fb == NULL || (d = strstr(fb, marker)) == NULL || (eol = strchr(d + 1, '\n')) == NULL)
		return 0;
	return (size_t)(eol - buf) + 1;
}

/** Every 97th-byte prefix of every fixture keeps the invariants; a cut multipart is UNPARSED unless the cut falls
 *  after the delimiter that closes a complete feedback part, where an ARF report is recognised. */
static void test_truncated_fixtures_keep_invariants(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		size_t len, cut, hdr_end, close_at = 0, fb_at = 0;
		char *buf = load_fixture(fixtures[i].name, &len);

		hdr_end = header_end(buf, len);
		if (fixtures[i].boundary != NULL) {
			close_at = closing_start(buf, len, fixtures[i].boundary);
			assert_true(close_at > hdr_end);
			fb_at = feedback_closed_at(buf, fixtures[i].boundary);
		}
		for (cut = 0; cut <= len; cut += CUT_STEP) {
			jmrp_complaint c;
			jmrp_kind k = jmrp_parse(buf, cut, &c);
			const char *bad = broken_invariant(&c, k);

			if (bad != NULL)
				fail_msg("%s cut at %zu: %s", fixtures[i].name, cut, bad);
			if (cut >= hdr_end && cut < close_at && (fb_at == 0 || cut < fb_at) && k != JMRP_UNPARSED)
				fail_msg("%s cut at %zu inside the multipart was recognised", fixtures[i].name, cut);
			if (fb_at != 0 && cut >= fb_at && k != JMRP_ARF)
				fail_msg("%s cut at %zu after the feedback part was not recognised", fixtures[i].name, cut);
		}
		free(buf);
	}
}

/** Fixtures with a few random bytes changed (fixed seed) keep the invariants. */
static void test_byte_flipped_fixtures_keep_invariants(void **state)
{
	uint32_t rnd = FLIP_SEED;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		size_t len;
		char *orig = load_fixture(fixtures[i].name, &len);
		char *buf = malloc(len + 1);
		int round;

		assert_non_null(buf);
		for (round = 0; round < FLIP_ROUNDS && len > 0; round++) {
			int flips = 1 + (int)(next_random(&rnd) % 4u), f;
			jmrp_complaint c;
			const char *bad;
			jmrp_kind k;

			memcpy(buf, orig, len + 1);
			for (f = 0; f < flips; f++) {
				size_t at = next_random(&rnd) % len;

				buf[at] = (char)(next_random(&rnd) & 0xffu);
			}
			k = jmrp_parse(buf, len, &c);
			bad = broken_invariant(&c, k);
			if (bad != NULL)
				fail_msg("%s flip round %d: %s", fixtures[i].name, round, bad);
		}
		free(buf);
		free(orig);
	}
}

/* ---- counting (jmrp_judge, jmrp_state): long domains ---- */

/** Write a len-character domain of 50-character labels into buf; only its character 153 (tag) depends on tag. */
static void long_domain(char *buf, size_t size, char tag, size_t len)
{
	size_t o = 0;

	assert_true(len >= 160 && len < size);
	memset(buf, 'a', len);
	while (len - o > 63) { /* longest label */
		o += 50;
		buf[o++] = '.';
	}
	buf[153] = tag;
	buf[len] = '\0';
}

/** Build an ARF complaint from ip whose only domain is the one of the sender address local@domain. */
static void build_sender_arf(char *buf, size_t size, const char *ip, const char *local, const char *domain)
{
	char fb[1024];

	assert_int_equal(mr_snprintf(fb, sizeof(fb),
				     "Feedback-Type: abuse\nVersion: 1\nSource-IP: %s\nOriginal-Mail-From: <%s@%s>\n",
				     ip, local, domain), 0);
	build_arf(buf, size, fb, NULL, NULL);
}

/** Feed one complaint (built by build_sender_arf) to the counter under key; asserts it was taken. */
static void count_complaint(jmrp_counter *c, const char *key, const char *ip, const char *domain)
{
	char msg[MSG_MAX];
	jmrp_msg m;

	build_sender_arf(msg, sizeof(msg), ip, "news", domain);
	memset(&m, 0, sizeof(m));
	m.key = key;
	m.label = key;
	m.arrival = 1700000000;
	m.data = msg;
	m.len = strlen(msg);
	assert_int_equal(jmrp_counter_message(c, &m), 0);
}

/** The complaints tallied for domain d (0 if it has no tally); fails if d has two tallies. */
static size_t tally_of(const jmrp_counter *c, const char *d)
{
	size_t n = 0, hits = 0;

	for (size_t i = 0; i < c->ndom; i++)
		if (strcmp(c->domv[i].name, d) == 0) {
			n = c->domv[i].n;
			hits++;
		}
	assert_true(hits <= 1);
	return n;
}

/** Number of domain tallies with at least one complaint. */
static size_t counted_domains(const jmrp_counter *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->ndom; i++)
		n += c->domv[i].n > 0;
	return n;
}

/** A sender domain of 253 characters survives parsing whole, though the address is longer than 255. */
static void test_longest_sender_domain_is_parsed_whole(void **state)
{
	char d[JMRP_DOMAIN_MAX], msg[MSG_MAX];
	jmrp_complaint c;

	(void)state;
	long_domain(d, sizeof(d), 'x', 253);
	build_sender_arf(msg, sizeof(msg), "192.0.2.1", "newsletter-bounces", d);
	assert_int_equal(parse_str(msg, &c), JMRP_ARF);
	assert_string_equal(c.domain, d);
}

/** Two long sender domains differing only after character 100 are tallied apart and filtered by their whole name. */
static void test_long_sender_domains_are_tallied_and_filtered_whole(void **state)
{
	char a[JMRP_DOMAIN_MAX], b[JMRP_DOMAIN_MAX], dir[64], path[128];
	const char *filter[1];
	jmrp_count_config cfg;
	jmrp_counter c;

	(void)state;
	long_domain(a, sizeof(a), 'x', 215);
	long_domain(b, sizeof(b), 'y', 215);
	assert_memory_equal(a, b, 153);
	assert_string_not_equal(a, b);
	assert_int_equal(mr_snprintf(dir, sizeof(dir), "/tmp/test_jmrp_parse.XXXXXX"), 0);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mr_snprintf(path, sizeof(path), "%s/state", dir), 0);
	for (int keep = 0; keep <= 1; keep++) {
		/* no filter: a twice, b once, each under its whole name */
		memset(&cfg, 0, sizeof(cfg));
		cfg.max_details = 10;
		jmrp_counter_init(&c, &cfg);
		if (keep)
			jmrp_state_load(&c, path, 0); /* missing: starts empty, keeps entries */
		count_complaint(&c, "k1", "192.0.2.1", a);
		count_complaint(&c, "k2", "192.0.2.2", b);
		count_complaint(&c, "k3", "192.0.2.3", a);
		assert_int_equal(c.complaints, 3);
		assert_int_equal(counted_domains(&c), 2);
		assert_int_equal(tally_of(&c, a), 2);
		assert_int_equal(tally_of(&c, b), 1);
		jmrp_counter_free(&c);

		/* --sender-domain with the whole of a: only a's complaints */
		filter[0] = a;
		cfg.domains = filter;
		cfg.ndomains = 1;
		jmrp_counter_init(&c, &cfg);
		if (keep)
			jmrp_state_load(&c, path, 0);
		count_complaint(&c, "k1", "192.0.2.1", a);
		count_complaint(&c, "k2", "192.0.2.2", b);
		count_complaint(&c, "k3", "192.0.2.3", a);
		assert_int_equal(c.complaints, 2);
		assert_int_equal(c.filtered, 1);
		assert_int_equal(counted_domains(&c), 1);
		assert_int_equal(tally_of(&c, a), 2);
		jmrp_counter_free(&c);
	}
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/** The state file keeps 253-character domains whole: a run reading every message from it tallies them apart. */
static void test_state_file_keeps_long_domains_whole(void **state)
{
	char a[JMRP_DOMAIN_MAX], b[JMRP_DOMAIN_MAX], dir[64], path[128];
	const char *filter[1];
	jmrp_count_config cfg;
	jmrp_counter c;
	mr_buf err;

	(void)state;
	long_domain(a, sizeof(a), 'x', 253);
	long_domain(b, sizeof(b), 'y', 253);
	assert_int_equal(mr_snprintf(dir, sizeof(dir), "/tmp/test_jmrp_parse.XXXXXX"), 0);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mr_snprintf(path, sizeof(path), "%s/state", dir), 0);
	mr_buf_init(&err, 1024);
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_details = 10;
	jmrp_counter_init(&c, &cfg);
	jmrp_state_load(&c, path, 0);
	count_complaint(&c, "k1", "192.0.2.1", a);
	count_complaint(&c, "k2", "192.0.2.2", b);
	assert_int_equal(jmrp_state_save(&c, path, 0, &err), 0);
	jmrp_counter_free(&c);

	filter[0] = b;
	cfg.domains = filter;
	cfg.ndomains = 1;
	jmrp_counter_init(&c, &cfg);
	jmrp_state_load(&c, path, 0);
	assert_string_equal(c.state_note, "");
	assert_int_equal(c.ncached, 2);
	assert_int_equal(jmrp_counter_known(&c, "k1", "k1", 1700000000), 1);
	assert_int_equal(jmrp_counter_known(&c, "k2", "k2", 1700000000), 1);
	assert_int_equal(c.complaints, 1);
	assert_int_equal(c.filtered, 1);
	assert_int_equal(tally_of(&c, b), 1);
	assert_int_equal(tally_of(&c, a), 0);
	jmrp_counter_free(&c);
	mr_buf_free(&err);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/** A state file line with a field or a length longer than the writer ever writes is skipped (with a note), never
 *  read cut; the lines before it stay. */
static void test_state_file_with_overlong_field_is_skipped(void **state)
{
	char dir[64], path[128], d[301];
	jmrp_count_config cfg;
	jmrp_counter c;
	FILE *f;

	(void)state;
	memset(d, 'a', 300);
	d[300] = '\0';
	assert_int_equal(mr_snprintf(dir, sizeof(dir), "/tmp/test_jmrp_parse.XXXXXX"), 0);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mr_snprintf(path, sizeof(path), "%s/state", dir), 0);
	memset(&cfg, 0, sizeof(cfg));
	for (int variant = 0; variant < 3; variant++) {
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "mailrep-jmrp-state 1\nk0\t1700000000\t2\t192.0.2.9\texample.com\t\t\n");
		if (variant == 0)
			fprintf(f, "k1\t1700000000\t2\t192.0.2.1\t%s\t\t\n", d);
		else if (variant == 1)
			fprintf(f, "k1\t1700000000\t0\t-\t-\tnew/k1\t%s\n", d);
		else
			for (int i = 0; i < 30; i++)
				fprintf(f, "%s", d);
		assert_int_equal(fclose(f), 0);
		jmrp_counter_init(&c, &cfg);
		jmrp_state_load(&c, path, 0);
		assert_non_null(strstr(c.state_note, ": 1 bad line skipped (line 3)"));
		assert_int_equal(c.ncached, 1);
		jmrp_counter_free(&c);
	}
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/** jmrp_clean_text cuts between UTF-8 characters, turns tabs and line breaks into spaces and control bytes into '?'. */
static void test_clean_text_cuts_between_characters(void **state)
{
	char out[8];

	(void)state;
	jmrp_clean_text(out, sizeof(out), "ab\xc3\xa9\xc3\xa9\xc3\xa9"); /* "ab" then three 2-byte characters */
	assert_string_equal(out, "ab\xc3\xa9\xc3\xa9"); /* 6 bytes: a third one would not fit with the NUL */
	jmrp_clean_text(out, sizeof(out), " a\tb\nc\x01 ");
	assert_string_equal(out, "a b c?");
	jmrp_clean_text(out, sizeof(out), NULL);
	assert_string_equal(out, "");
}

/** Run the tests; GLib warnings and criticals (API misuse) abort the run. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arf_full_report_yields_all_fields),
		cmocka_unit_test(test_arf_headers_only_takes_sender_from_return_path),
		cmocka_unit_test(test_arf_redacted_recipient_is_parsed),
		cmocka_unit_test(test_arf_without_source_ip_uses_x_sender_ip),
		cmocka_unit_test(test_arf_ipv6_source_ip_is_canonical),
		cmocka_unit_test(test_arf_reported_domain_only),
		cmocka_unit_test(test_arf_encoded_word_subject_is_decoded),
		cmocka_unit_test(test_legacy_hotmail_report),
		cmocka_unit_test(test_legacy_crlf_equals_lf),
		cmocka_unit_test(test_newsletter_is_unparsed),
		cmocka_unit_test(test_dsn_bounce_is_unparsed_naming_report_type),
		cmocka_unit_test(test_cut_original_still_counts),
		cmocka_unit_test(test_cut_feedback_part_is_unparsed),
		cmocka_unit_test(test_only_user_complaint_types_count),
		cmocka_unit_test(test_source_ip_with_comments_and_folding),
		cmocka_unit_test(test_empty_file_is_unparsed),
		cmocka_unit_test(test_no_recipient_is_ever_stored),
		cmocka_unit_test(test_report_without_feedback_part_is_unparsed),
		cmocka_unit_test(test_feedback_report_without_feedback_type_is_unparsed),
		cmocka_unit_test(test_feedback_type_is_lowercased),
		cmocka_unit_test(test_base64_feedback_report_is_decoded),
		cmocka_unit_test(test_report_without_report_type_is_accepted),
		cmocka_unit_test(test_multipart_without_boundary_is_unparsed),
		cmocka_unit_test(test_invalid_source_ip_falls_back_to_x_originating_ip),
		cmocka_unit_test(test_received_ip_is_used_only_when_unambiguous),
		cmocka_unit_test(test_null_original_mail_from_falls_back),
		cmocka_unit_test(test_legacy_sender_and_subject_match_case_insensitively),
		cmocka_unit_test(test_legacy_subject_ip_wins_else_x_sender_ip),
		cmocka_unit_test(test_legacy_without_any_ip_is_unparsed),
		cmocka_unit_test(test_complaint_subject_from_other_sender_is_unparsed),
		cmocka_unit_test(test_control_characters_are_replaced),
		cmocka_unit_test(test_long_subject_is_cut_at_character_boundary),
		cmocka_unit_test(test_null_and_garbage_input_is_unparsed),
		cmocka_unit_test(test_truncated_fixtures_keep_invariants),
		cmocka_unit_test(test_byte_flipped_fixtures_keep_invariants),
		cmocka_unit_test(test_longest_sender_domain_is_parsed_whole),
		cmocka_unit_test(test_long_sender_domains_are_tallied_and_filtered_whole),
		cmocka_unit_test(test_state_file_keeps_long_domains_whole),
		cmocka_unit_test(test_state_file_with_overlong_field_is_skipped),
		cmocka_unit_test(test_clean_text_cuts_between_characters),
	};

	g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	return cmocka_run_group_tests(tests, jmrp_unit_setup, jmrp_unit_teardown);
}

/* test_dnsbl_parse.c: unit tests of the zone catalogue (dnsbl_parse_* and dnsbl_report_zones): built-in
 * default, file format errors, Postfix code syntax, -z / --allow-zone specs, Spamhaus knowledge and --list-zones output. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/secret.h"
#include "plugins/dnsbl/dnsbl_parse_catalogue.h"
#include "plugins/dnsbl/dnsbl_parse_spamhaus.h"
#include "plugins/dnsbl/dnsbl_parse_zonespec.h"
#include "plugins/dnsbl/dnsbl_report_zones.h"

/** Build a host-order code from octets. */
#define C4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/** The zone called name in c, or NULL. */
static const dnsbl_zone *find_zone(const dnsbl_catalogue *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	return NULL;
}

/** Parse the built-in catalogue into c, failing the test on error. */
static void load_builtin(dnsbl_catalogue *c)
{
	mr_buf err;

	mr_buf_init(&err, 4096);
	dnsbl_catalogue_init(c);
	if (dnsbl_catalogue_parse(c, dnsbl_default_catalogue, "built-in", &err) != 0)
		fail_msg("built-in catalogue: %s", mr_buf_str(&err));
	mr_buf_free(&err);
}

/** 1 if code lies in set. */
static int has(const dnsbl_codeset *set, uint32_t code)
{
	return dnsbl_codeset_find(set, code) != NULL;
}

/* ---- built-in catalogue ---- */

/** The built-in catalogue parses and holds the agreed zones with their settings. */
static void test_builtin_catalogue_has_the_agreed_zones(void **state)
{
	static const char *const names[] = {
		"zen.spamhaus.org", "dbl.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org",
		"dnsbl-1.uceprotect.net", "psbl.surriel.com", "bl.mailspike.net", "all.s5h.net", "list.dnswl.org"
	};
	dnsbl_catalogue c;
	const dnsbl_zone *z;
	size_t i;

	(void)state;
	load_builtin(&c);
	assert_int_equal(c.n, sizeof names / sizeof names[0]);
	assert_string_equal(c.v[0].name, "zen.spamhaus.org");
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		z = find_zone(&c, names[i]);
		if (z == NULL)
			fail_msg("zone %s missing", names[i]);
		assert_true(z->delist[0] != '\0');
		assert_true(z->description[0] != '\0');
		assert_int_equal(z->spamhaus, strstr(names[i], "spamhaus") != NULL);
	}

	z = find_zone(&c, "zen.spamhaus.org");
	assert_non_null(z);
	assert_int_equal(z->kind, DNSBL_KIND_IP);
	assert_true(z->ipv4 && z->ipv6);
	assert_false(z->allow);
	assert_int_equal(z->severity, MR_CRITICAL);
	assert_string_equal(z->dqs, "zen");
	assert_true(has(&z->listing, C4(127, 0, 0, 2)) && has(&z->listing, C4(127, 0, 0, 11)));
	assert_false(has(&z->listing, C4(127, 0, 0, 30)));
	assert_false(has(&z->listing, C4(127, 0, 0, 12)));
	assert_true(has(&z->errors, C4(127, 255, 255, 252)));
	assert_true(has(&z->errors, C4(127, 255, 255, 254)));
	assert_true(has(&z->errors, C4(127, 255, 255, 255)));
	assert_non_null(strstr(dnsbl_codeset_find(&z->meaning, C4(127, 0, 0, 4))->text, "XBL"));
	assert_non_null(strstr(dnsbl_codeset_find(&z->meaning, C4(127, 0, 0, 10))->text, "PBL"));

	z = find_zone(&c, "dbl.spamhaus.org");
	assert_non_null(z);
	assert_int_equal(z->kind, DNSBL_KIND_DOMAIN);
	assert_false(z->ipv4 || z->ipv6);
	assert_string_equal(z->dqs, "dbl");
	assert_true(has(&z->listing, C4(127, 0, 1, 2)) && has(&z->listing, C4(127, 0, 1, 99)));
	assert_true(has(&z->listing, C4(127, 0, 1, 102)) && has(&z->listing, C4(127, 0, 1, 106)));
	assert_false(has(&z->listing, C4(127, 0, 1, 100)));
	assert_false(has(&z->listing, C4(127, 0, 1, 255)));
	assert_true(has(&z->errors, C4(127, 0, 1, 255)));
	assert_true(has(&z->errors, C4(127, 255, 255, 254)));

	z = find_zone(&c, "dnsbl-1.uceprotect.net");
	assert_non_null(z);
	assert_int_equal(z->severity, MR_WARNING);

	z = find_zone(&c, "b.barracudacentral.org");
	assert_non_null(z);
	assert_non_null(strstr(z->needs, "regist"));

	z = find_zone(&c, "bl.mailspike.net");
	assert_non_null(z);
	assert_true(has(&z->listing, C4(127, 0, 0, 2)) && has(&z->listing, C4(127, 0, 0, 10)));
	assert_false(has(&z->listing, C4(127, 0, 0, 17)));
	assert_non_null(dnsbl_codeset_find(&z->meaning, C4(127, 0, 0, 17)));

	z = find_zone(&c, "all.s5h.net");
	assert_non_null(z);
	assert_true(z->ipv4 && z->ipv6);

	z = find_zone(&c, "list.dnswl.org");
	assert_non_null(z);
	assert_true(z->allow);
	assert_true(z->ipv4 && z->ipv6);
	assert_true(has(&z->errors, C4(127, 0, 0, 255)));
	assert_non_null(strstr(dnsbl_codeset_find(&z->meaning, C4(127, 0, 10, 3))->text, "trust 3"));
	assert_non_null(strstr(dnsbl_codeset_find(&z->meaning, C4(127, 0, 2, 0))->text, "trust 0"));
	dnsbl_catalogue_free(&c);
}

/** The built-in catalogue ships no retired or wildcarding list. */
static void test_builtin_catalogue_has_no_retired_lists(void **state)
{
	static const char *const dead[] = { "sorbs", "ahbl", "spamcannibal", "dul.ru", "unsubscore", "njabl" };
	dnsbl_catalogue c;
	size_t i, j;

	(void)state;
	load_builtin(&c);
	for (i = 0; i < c.n; i++)
		for (j = 0; j < sizeof dead / sizeof dead[0]; j++)
			if (strstr(c.v[i].name, dead[j]) != NULL)
				fail_msg("retired list %s in the catalogue", c.v[i].name);
	dnsbl_catalogue_free(&c);
}

/** Every line of the built-in text stays under 200 characters (libinih's line buffer). */
static void test_builtin_catalogue_lines_are_short(void **state)
{
	const char *p = dnsbl_default_catalogue;

	(void)state;
	while (*p != '\0') {
		size_t l = strcspn(p, "\n");
		assert_true(l < 200);
		p += l;
		if (*p == '\n')
			p++;
	}
}

/* ---- catalogue errors ---- */

/** One malformed catalogue and the start of the message it must give. */
typedef struct bad_case {
	const char *text;   /**< catalogue text */
	const char *expect; /**< message prefix */
} bad_case;

/** Each class of catalogue error gives -1, one line naming the line, and appends nothing. */
static void test_catalogue_errors_name_the_line(void **state)
{
	static const bad_case cases[] = {
		{ "[a.example]\ntype = ip\ncolour = red\n", "t line 3: unknown key 'colour'" },
		{ "[a.example]\ntype = ipv4\n", "t line 2: bad type 'ipv4'" },
		{ "[a.example]\ntype = ip\nipv6 = maybe\n", "t line 3: bad ipv6 'maybe'" },
		{ "[a.example]\ntype = ip\nipv4 = 1\n", "t line 3: bad ipv4 '1'" },
		{ "[a.example]\ntype = ip\nrole = deny\n", "t line 3: bad role 'deny'" },
		{ "[a.example]\ntype = ip\nseverity = high\n", "t line 3: bad severity 'high'" },
		{ "[a.example]\ntype = ip\n\n[A.Example.]\ntype = ip\n",
		  "t line 4: zone [a.example] appears twice (first at line 1)" },
		{ "[a.example]\nrole = block\n", "t line 1: zone [a.example]: no type" },
		{ "; only a header\n[a.example]\n", "t line 2: zone [a.example]: no type" },
		{ "[a.example]\ntype = ip\ntype = domain\n", "t line 3: type given twice in zone [a.example] (first at line 2)" },
		{ "[bad..example]\ntype = ip\n", "t line 1: [bad..example]: empty label" },
		{ "[bad example]\ntype = ip\n", "t line 1: [bad example]: only letters, digits" },
		{ "[a.example\ntype = ip\n", "t line 1: section header without closing ']'" },
		{ "[a.example] junk\ntype = ip\n", "t line 1: text after the section header" },
		{ "type = ip\n[a.example]\n", "t line 1: content before the first section header" },
		{ "[a.example]\ntype ip\n", "t line 2: line without '='" },
		{ "[a.example]\ntype = ip\n  ipv6 = yes\n", "t line 3: indented line" },
		{ "[a.example]\ntype = ip\nlisting = 10.0.0.2\n",
		  "t line 3: listing: bad answer codes '10.0.0.2': answer codes must lie in 127.0.0.0/8" },
		{ "[a.example]\ntype = ip\nlisting = 127.0.0.[2..x]\n", "t line 3: listing: bad answer codes" },
		{ "[a.example]\ntype = ip\ncode = 127.0.0.2\n", "t line 3: code needs a meaning" },
		{ "[a.example]\ntype = ip\nerror = nonsense oops\n", "t line 3: error: bad answer codes 'nonsense'" },
		{ "[a.example]\ntype = ip\ncode = 127.0.0.2 "
		  "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456\n",
		  "t line 3: code meaning is longer than 95 characters" },
		{ "[a.example]\ntype = domain\nipv6 = yes\n", "t line 3: zone [a.example]: ipv6 applies to ip zones only" },
		{ "[a.example]\ntype = ip\nipv4 = no\n", "t line 3: zone [a.example]: ipv4 and ipv6 are both no" },
		{ "[a.example]\ntype = ip\ndqs = zen\n", "t line 3: zone [a.example]: dqs applies to Spamhaus zones only" },
		{ "[zen.spamhaus.org]\ntype = ip\ndqs = bogus\n", "t line 3: bad dqs 'bogus'" },
		{ "[b.example]\ntype = ip\n[a.example]\ntype = ip\ndescription = "
		  "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456\n",
		  "t line 5: description is longer than 95 characters" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dnsbl_catalogue c;
		mr_buf err;
		int rc;
		dnsbl_catalogue_init(&c);
		mr_buf_init(&err, 1024);
		rc = dnsbl_catalogue_parse(&c, cases[i].text, "t", &err);
		if (rc != -1 || strncmp(mr_buf_str(&err), cases[i].expect, strlen(cases[i].expect)) != 0)
			fail_msg("case %zu: rc %d, message '%s', expected '%s...'", i, rc, mr_buf_str(&err),
			         cases[i].expect);
		assert_null(strchr(mr_buf_str(&err), '\n'));
		assert_int_equal(c.n, 0);
		dnsbl_catalogue_free(&c);
		mr_buf_free(&err);
	}
}

/** A line of 200 characters is refused before libinih could split it; 199 are fine. */
static void test_catalogue_line_length_limit(void **state)
{
	char text[512];
	dnsbl_catalogue c;
	mr_buf err;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 1024);
	memcpy(text, "[a.example]\ntype = ip\n;", 23);
	memset(text + 23, 'x', 198);
	memcpy(text + 23 + 198, "\n", 2);
	assert_int_equal(dnsbl_catalogue_parse(&c, text, "t", &err), 0);
	assert_int_equal(c.n, 1);
	dnsbl_catalogue_free(&c);

	memset(text + 23, 'x', 199);
	memcpy(text + 23 + 199, "\r\n", 3);
	assert_int_equal(dnsbl_catalogue_parse(&c, text, "t", &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "t line 3: line too long"));
	assert_int_equal(c.n, 0);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/** Comments, blank lines, CRLF, any-case keys, inline comments and long zone names are read right. */
static void test_catalogue_accepts_ini_details(void **state)
{
	/* A 120-character zone name: longer than libinih's own section buffer. */
	static const char text[] =
		"\xef\xbb\xbf# leading comment\r\n"
		"\r\n"
		"[A.Example.]   ; trailing comment\r\n"
		"Type = IP\r\n"
		"IPv6: Yes\r\n"
		"severity = Warning ; a comment after a blank\r\n"
		"listing = 127.0.0.[2;4..5]\r\n"
		"listing = 127.0.1.2\r\n"
		"code = 127.0.0.[4..5] Four; or five\r\n"
		"error = 127.0.0.99\r\n"
		"delist = https://example.invalid/?q=1;x=2\r\n"
		"[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.example]\n"
		"type = domain\n"
		"role = allow\n";
	dnsbl_catalogue c;
	const dnsbl_zone *z;
	mr_buf err;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 1024);
	if (dnsbl_catalogue_parse(&c, text, "t", &err) != 0)
		fail_msg("%s", mr_buf_str(&err));
	assert_int_equal(c.n, 2);
	z = &c.v[0];
	assert_string_equal(z->name, "a.example");
	assert_int_equal(z->kind, DNSBL_KIND_IP);
	assert_true(z->ipv4 && z->ipv6);
	assert_int_equal(z->severity, MR_WARNING);
	assert_true(has(&z->listing, C4(127, 0, 0, 2)) && has(&z->listing, C4(127, 0, 0, 5)));
	assert_true(has(&z->listing, C4(127, 0, 1, 2)));
	assert_false(has(&z->listing, C4(127, 0, 0, 3)));
	assert_string_equal(dnsbl_codeset_find(&z->meaning, C4(127, 0, 0, 5))->text, "Four; or five");
	assert_string_equal(dnsbl_codeset_find(&z->errors, C4(127, 0, 0, 99))->text, "");
	assert_string_equal(z->delist, "https://example.invalid/?q=1;x=2");
	assert_false(z->spamhaus);
	z = &c.v[1];
	assert_int_equal(strlen(z->name), 125);
	assert_int_equal(z->kind, DNSBL_KIND_DOMAIN);
	assert_true(z->allow);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/** A zone that is already in the catalogue cannot come again from a second text. */
static void test_catalogue_refuses_zone_already_present(void **state)
{
	dnsbl_catalogue c;
	mr_buf err;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 1024);
	assert_int_equal(dnsbl_catalogue_parse(&c, "[a.example]\ntype = ip\n", "one", &err), 0);
	assert_int_equal(dnsbl_catalogue_parse(&c, "[b.example]\ntype = ip\n[a.example]\ntype = ip\n", "two", &err), -1);
	assert_string_equal(mr_buf_str(&err), "two line 3: zone [a.example] is already in the catalogue");
	assert_int_equal(c.n, 1);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/* ---- Postfix code syntax ---- */

/** One code pattern and the ranges it must give. */
typedef struct good_codes {
	const char *spec;  /**< pattern */
	size_t n;          /**< ranges expected */
	uint32_t lo[3];    /**< range starts */
	uint32_t hi[3];    /**< range ends */
} good_codes;

/** Valid patterns expand to sorted, merged ranges. */
static void test_codes_parse_postfix_syntax(void **state)
{
	static const good_codes cases[] = {
		{ "127.0.0.2", 1, { C4(127, 0, 0, 2) }, { C4(127, 0, 0, 2) } },
		{ "127.0.0.[2..11]", 1, { C4(127, 0, 0, 2) }, { C4(127, 0, 0, 11) } },
		{ "127.0.0.[2;4;10]", 3, { C4(127, 0, 0, 2), C4(127, 0, 0, 4), C4(127, 0, 0, 10) },
		  { C4(127, 0, 0, 2), C4(127, 0, 0, 4), C4(127, 0, 0, 10) } },
		{ "127.0.[0..1].[2..5]", 2, { C4(127, 0, 0, 2), C4(127, 0, 1, 2) }, { C4(127, 0, 0, 5), C4(127, 0, 1, 5) } },
		{ "127.0.0.[4;2..3;10..12]", 2, { C4(127, 0, 0, 2), C4(127, 0, 0, 10) }, { C4(127, 0, 0, 4), C4(127, 0, 0, 12) } },
		{ "127.0.[0;1].[0..255]", 1, { C4(127, 0, 0, 0) }, { C4(127, 0, 1, 255) } },
		{ "127.[0..255].[0..255].[0..255]", 1, { C4(127, 0, 0, 0) }, { C4(127, 255, 255, 255) } },
		{ "[127].0.0.[002]", 1, { C4(127, 0, 0, 2) }, { C4(127, 0, 0, 2) } },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dnsbl_codeset set;
		mr_buf err;
		memset(&set, 0, sizeof set);
		mr_buf_init(&err, 512);
		if (dnsbl_codes_parse(cases[i].spec, &set, &err) != 0)
			fail_msg("%s: %s", cases[i].spec, mr_buf_str(&err));
		if (set.n != cases[i].n)
			fail_msg("%s: %zu ranges, expected %zu", cases[i].spec, set.n, cases[i].n);
		for (j = 0; j < set.n; j++) {
			assert_int_equal(set.v[j].lo, cases[i].lo[j]);
			assert_int_equal(set.v[j].hi, cases[i].hi[j]);
			assert_string_equal(set.v[j].text, "");
		}
		dnsbl_codeset_free(&set);
		mr_buf_free(&err);
	}
}

/** Malformed patterns give -1 with a reason and leave the set as it was. */
static void test_codes_parse_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"", "127.0.0", "127.0.0.2.5", "127.0.0.256", "127.0.0.[11..2]", "128.0.0.2", "10.0.0.[2..3]",
		"[126..127].0.0.2", "127.0.0.[2", "127.0.0.2]", "127.0.0.[]", "127.0.0.[2;;3]", "127.0.0.[2;]",
		"127.0.0.x", "127.0.0. 2", "127.0.0.-1", "127.0.0.+2", "127.0.0.[[2]]", "127.0.0.2,127.0.0.3",
		"127..0.2", "127.0.0.[2...5]", "127.0.0.[..5]", "127.0.0.1234", "127.[0..255].[0..255].[2;4]",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dnsbl_codeset set;
		mr_buf err;
		memset(&set, 0, sizeof set);
		mr_buf_init(&err, 512);
		assert_int_equal(dnsbl_codeset_add(&set, 1, 1, "kept"), 0);
		if (dnsbl_codes_parse(bad[i], &set, &err) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(mr_buf_str(&err), "bad answer codes"));
		assert_int_equal(set.n, 1);
		assert_string_equal(set.v[0].text, "kept");
		dnsbl_codeset_free(&set);
		mr_buf_free(&err);
	}
}

/** One bad pattern and the reason it must give. */
typedef struct bad_reason {
	const char *spec;   /**< pattern */
	const char *reason; /**< expected text after "bad answer codes 'SPEC': " */
} bad_reason;

/** Bad patterns name what is wrong with them. */
static void test_codes_parse_reasons(void **state)
{
	static const bad_reason cases[] = {
		{ "127.0.0.[11..2]", "range 11..2 runs backwards" },
		{ "128.0.0.2", "answer codes must lie in 127.0.0.0/8" },
		{ "127.0.0.256", "'256' is not a number 0-255" },
		{ "127.0.0", "expected four octets such as 127.0.0.2 or 127.0.0.[2..11]" },
		{ "127.0.0.[2", "missing ']'" },
		{ "127.0.0. 2", "unexpected character ' ' (no blanks allowed)" },
		{ "127.0.0.[2;;3]", "empty item in '[2;;3]'" },
		{ "127.[0..255].[0..255].[2;4]", "expands to more than 4096 separate ranges" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char expect[256];
		dnsbl_codeset set;
		mr_buf err;
		memset(&set, 0, sizeof set);
		mr_buf_init(&err, 512);
		assert_int_equal(dnsbl_codes_parse(cases[i].spec, &set, &err), -1);
		assert_int_equal(mr_snprintf(expect, sizeof expect, "bad answer codes '%s': %s", cases[i].spec,
		                             cases[i].reason), 0);
		assert_string_equal(mr_buf_str(&err), expect);
		dnsbl_codeset_free(&set);
		mr_buf_free(&err);
	}
}

/** Code sets keep order, find the first match and refuse bad entries. */
static void test_codeset_add_and_find(void **state)
{
	char longtext[97];
	dnsbl_codeset set;

	(void)state;
	memset(&set, 0, sizeof set);
	memset(longtext, 'x', 96);
	longtext[96] = '\0';
	assert_int_equal(dnsbl_codeset_add(&set, 10, 20, "first"), 0);
	assert_int_equal(dnsbl_codeset_add(&set, 15, 15, "second"), 0);
	assert_int_equal(dnsbl_codeset_add(&set, 5, 4, "backwards"), -1);
	assert_int_equal(dnsbl_codeset_add(&set, 1, 1, longtext), -1);
	assert_int_equal(set.n, 2);
	assert_string_equal(dnsbl_codeset_find(&set, 15)->text, "first");
	assert_null(dnsbl_codeset_find(&set, 21));
	assert_null(dnsbl_codeset_find(NULL, 15));
	dnsbl_codeset_free(&set);
	assert_int_equal(set.n, 0);
}

/* ---- specs ---- */

/** A plain spec adds a critical IPv4-only block-list zone that accepts every valid answer. */
static void test_spec_defaults(void **state)
{
	dnsbl_catalogue c;
	mr_buf err;
	const dnsbl_zone *z;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 512);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "bl.example.net", 0, &err), 0);
	z = find_zone(&c, "bl.example.net");
	assert_non_null(z);
	assert_int_equal(z->kind, DNSBL_KIND_IP);
	assert_true(z->ipv4);
	assert_false(z->ipv6);
	assert_false(z->allow);
	assert_false(z->spamhaus);
	assert_int_equal(z->severity, MR_CRITICAL);
	assert_int_equal(z->listing.n, 0);
	assert_int_equal(z->errors.n, 0);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/** Codes, severity suffixes and the allow flag of a spec are honoured; names are normalised. */
static void test_spec_codes_and_severity(void **state)
{
	dnsbl_catalogue c;
	mr_buf err;
	const dnsbl_zone *z;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 512);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "BL.Example.NET.=127.0.0.[2..3]:warning", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "two.example=127.0.0.[2;4;10]:CRITICAL", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "wl.example:warning", 1, &err), 0);
	assert_int_equal(c.n, 3);
	z = find_zone(&c, "bl.example.net");
	assert_non_null(z);
	assert_int_equal(z->severity, MR_WARNING);
	assert_true(has(&z->listing, C4(127, 0, 0, 3)));
	assert_false(has(&z->listing, C4(127, 0, 0, 4)));
	z = find_zone(&c, "two.example");
	assert_non_null(z);
	assert_int_equal(z->severity, MR_CRITICAL);
	assert_true(has(&z->listing, C4(127, 0, 0, 10)));
	assert_false(has(&z->listing, C4(127, 0, 0, 3)));
	z = find_zone(&c, "wl.example");
	assert_non_null(z);
	assert_true(z->allow);
	assert_int_equal(z->severity, MR_WARNING);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/** Bad specs give -1 with a reason naming the option and add nothing. */
static void test_spec_rejects_bad_input(void **state)
{
	static const char *const bad[] = {
		"", "=127.0.0.2", "bl.example=", "bl.example=10.0.0.2", "bl.example=127.0.0.[2..", "bl.example:fatal",
		"bl.example:", "bl example", "bl..example", "bl.example..", ":warning", "bl.example=127.0.0.2:warning:critical",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dnsbl_catalogue c;
		mr_buf err;
		dnsbl_catalogue_init(&c);
		mr_buf_init(&err, 512);
		if (dnsbl_catalogue_add_spec(&c, bad[i], 0, &err) != -1)
			fail_msg("spec '%s' was accepted", bad[i]);
		assert_int_equal(strncmp(mr_buf_str(&err), "-z '", 4), 0);
		assert_int_equal(c.n, 0);
		dnsbl_catalogue_free(&c);
		mr_buf_free(&err);
	}
}

/** A spec for a Spamhaus zone gets its knowledge: IPv6, error codes, meanings, dqs, domain kind. */
static void test_spec_spamhaus_zones_get_knowledge(void **state)
{
	dnsbl_catalogue c;
	mr_buf err;
	const dnsbl_zone *z;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 512);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "xbl.spamhaus.org", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "dbl.spamhaus.org:warning", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "abcdefghijklmnopqrstuvwxyz.zen.dq.spamhaus.net", 0, &err), 0);

	z = find_zone(&c, "xbl.spamhaus.org");
	assert_non_null(z);
	assert_true(z->spamhaus);
	assert_true(z->ipv4 && z->ipv6);
	assert_string_equal(z->dqs, "xbl");
	assert_true(has(&z->errors, C4(127, 255, 255, 254)));
	assert_false(has(&z->errors, C4(127, 0, 1, 255)));
	assert_non_null(dnsbl_codeset_find(&z->meaning, C4(127, 0, 0, 4)));
	assert_null(dnsbl_codeset_find(&z->meaning, C4(127, 0, 0, 10)));

	z = find_zone(&c, "dbl.spamhaus.org");
	assert_non_null(z);
	assert_int_equal(z->kind, DNSBL_KIND_DOMAIN);
	assert_int_equal(z->severity, MR_WARNING);
	assert_true(has(&z->errors, C4(127, 0, 1, 255)));
	assert_true(has(&z->listing, C4(127, 0, 1, 2)));
	assert_false(has(&z->listing, C4(127, 0, 1, 255)));

	z = find_zone(&c, "abcdefghijklmnopqrstuvwxyz.zen.dq.spamhaus.net");
	assert_non_null(z);
	assert_true(z->spamhaus);
	assert_string_equal(z->dqs, "");
	assert_int_equal(z->kind, DNSBL_KIND_IP);
	assert_true(has(&z->listing, C4(127, 0, 0, 11)));
	assert_false(has(&z->listing, C4(127, 0, 0, 30)));
	assert_non_null(dnsbl_codeset_find(&z->meaning, C4(127, 0, 0, 4)));
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/** A spec naming a catalogue zone replaces its settings in place and keeps its knowledge and texts. */
/** Mask text with the registered secrets and compare with want. */
static void assert_masked(const char *text, const char *want)
{
	char buf[256];

	assert_int_equal(mr_snprintf(buf, sizeof buf, "%s", text), 0);
	mr_secret_mask(buf, strlen(buf));
	assert_string_equal(buf, want);
}

static void test_dqs_zone_names_register_their_key(void **state)
{
	dnsbl_catalogue c;
	mr_buf err;
	(void)state;

	mr_secret_clear();
	mr_buf_init(&err, 1024);
	dnsbl_catalogue_init(&c);
	/* refused specs register the key too: their messages quote the spec */
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "Key1Abcd.zen.dq.spamhaus.net:fatal", 0, &err), -1);
	assert_masked("Key1Abcd.zen key1abcd.zen", "***.zen ***.zen");
	assert_int_equal(dnsbl_catalogue_parse(&c, "[key2abcd.DBL.dq.spamhaus.net.]\ntype = domain\n", "t", &err), 0);
	assert_masked("key2abcd.dbl", "***.dbl");
	/* not the DQS form: nothing registered */
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "key3abcd.zen.spamhaus.org", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "dq.spamhaus.net", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "zen.dq.spamhaus.net", 0, &err), 0);
	assert_masked("key3abcd zen dq spamhaus net", "key3abcd zen dq spamhaus net");
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
	mr_secret_clear();
}

static void test_spec_replaces_catalogue_zone(void **state)
{
	dnsbl_catalogue c;
	mr_buf err;
	const dnsbl_zone *z;
	size_t n;

	(void)state;
	load_builtin(&c);
	mr_buf_init(&err, 512);
	n = c.n;
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "dnsbl-1.uceprotect.net", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "ZEN.spamhaus.org=127.0.0.[2..4]:warning", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "dbl.spamhaus.org", 0, &err), 0);
	assert_int_equal(c.n, n);

	z = find_zone(&c, "dnsbl-1.uceprotect.net");
	assert_non_null(z);
	assert_int_equal(z->severity, MR_CRITICAL);
	assert_string_equal(z->delist, "https://www.uceprotect.net/en/rblcheck.php");
	assert_true(has(&z->listing, C4(127, 0, 0, 2)));

	z = &c.v[0];
	assert_string_equal(z->name, "zen.spamhaus.org");
	assert_int_equal(z->severity, MR_WARNING);
	assert_true(has(&z->listing, C4(127, 0, 0, 4)));
	assert_false(has(&z->listing, C4(127, 0, 0, 10)));
	assert_true(z->ipv6);
	assert_string_equal(z->dqs, "zen");
	assert_string_equal(z->delist, "https://check.spamhaus.org/");
	assert_non_null(strstr(dnsbl_codeset_find(&z->meaning, C4(127, 0, 0, 10))->text, "PBL"));
	assert_true(has(&z->errors, C4(127, 255, 255, 254)));

	z = find_zone(&c, "dbl.spamhaus.org");
	assert_non_null(z);
	assert_int_equal(z->kind, DNSBL_KIND_DOMAIN);
	assert_true(has(&z->listing, C4(127, 0, 1, 104)));

	assert_int_equal(dnsbl_catalogue_add_spec(&c, "list.dnswl.org=127.0.[2..20].[2..3]", 1, &err), 0);
	z = find_zone(&c, "list.dnswl.org");
	assert_non_null(z);
	assert_true(z->allow);
	assert_false(has(&z->listing, C4(127, 0, 5, 1)));
	assert_true(has(&z->errors, C4(127, 0, 0, 255)));
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/* ---- Spamhaus knowledge ---- */

/** Spamhaus knowledge applies to Spamhaus names only, is idempotent and respects given listings. */
static void test_apply_spamhaus(void **state)
{
	dnsbl_zone z;
	size_t ne, nm;

	(void)state;
	memset(&z, 0, sizeof z);
	memcpy(z.name, "spamhaus.org.example.com", sizeof "spamhaus.org.example.com");
	dnsbl_zone_apply_spamhaus(&z);
	assert_false(z.spamhaus);
	assert_int_equal(z.errors.n, 0);

	memset(&z, 0, sizeof z);
	memcpy(z.name, "notspamhaus.org", sizeof "notspamhaus.org");
	dnsbl_zone_apply_spamhaus(&z);
	assert_false(z.spamhaus);

	memset(&z, 0, sizeof z);
	memcpy(z.name, "zen.spamhaus.org", sizeof "zen.spamhaus.org");
	dnsbl_zone_apply_spamhaus(&z);
	assert_true(z.spamhaus);
	assert_string_equal(z.dqs, "zen");
	assert_true(has(&z.listing, C4(127, 0, 0, 2)) && has(&z.listing, C4(127, 0, 0, 11)));
	assert_false(has(&z.listing, C4(127, 0, 0, 30)));
	assert_non_null(strstr(dnsbl_codeset_find(&z.errors, C4(127, 255, 255, 252))->text, "typo"));
	assert_non_null(strstr(dnsbl_codeset_find(&z.errors, C4(127, 255, 255, 254))->text, "public"));
	assert_non_null(strstr(dnsbl_codeset_find(&z.errors, C4(127, 255, 255, 255))->text, "too many"));
	assert_non_null(strstr(dnsbl_codeset_find(&z.meaning, C4(127, 0, 0, 30))->text, "BCL"));
	ne = z.errors.n;
	nm = z.meaning.n;
	dnsbl_zone_apply_spamhaus(&z);
	assert_int_equal(z.errors.n, ne);
	assert_int_equal(z.meaning.n, nm);
	dnsbl_codeset_free(&z.listing);
	dnsbl_codeset_free(&z.meaning);
	dnsbl_codeset_free(&z.errors);

	memset(&z, 0, sizeof z);
	memcpy(z.name, "zen.spamhaus.org", sizeof "zen.spamhaus.org");
	assert_int_equal(dnsbl_codeset_add(&z.listing, C4(127, 0, 0, 4), C4(127, 0, 0, 4), ""), 0);
	assert_int_equal(dnsbl_codeset_add(&z.meaning, C4(127, 0, 0, 4), C4(127, 0, 0, 4), "my words"), 0);
	dnsbl_zone_apply_spamhaus(&z);
	assert_int_equal(z.listing.n, 1);
	assert_string_equal(dnsbl_codeset_find(&z.meaning, C4(127, 0, 0, 4))->text, "my words");
	dnsbl_codeset_free(&z.listing);
	dnsbl_codeset_free(&z.meaning);
	dnsbl_codeset_free(&z.errors);

	memset(&z, 0, sizeof z);
	memcpy(z.name, "zrd.spamhaus.org", sizeof "zrd.spamhaus.org");
	dnsbl_zone_apply_spamhaus(&z);
	assert_string_equal(z.dqs, "zrd");
	assert_true(has(&z.errors, C4(127, 0, 1, 255)));
	assert_true(has(&z.listing, C4(127, 0, 2, 24)));
	dnsbl_codeset_free(&z.listing);
	dnsbl_codeset_free(&z.meaning);
	dnsbl_codeset_free(&z.errors);
}

/* ---- --list-zones ---- */

/** 1 if two code sets give the same meaning for every boundary of either. */
static int same_codes(const dnsbl_codeset *a, const dnsbl_codeset *b)
{
	const dnsbl_codeset *sets[2] = { a, b };
	size_t s, i;
	int d;

	for (s = 0; s < 2; s++)
		for (i = 0; i < sets[s]->n; i++)
			for (d = -1; d <= 1; d++) {
				uint32_t probes[2] = { sets[s]->v[i].lo + (uint32_t)d, sets[s]->v[i].hi + (uint32_t)d };
				size_t k;
				for (k = 0; k < 2; k++) {
					const dnsbl_code *x = dnsbl_codeset_find(a, probes[k]);
					const dnsbl_code *y = dnsbl_codeset_find(b, probes[k]);
					if ((x == NULL) != (y == NULL))
						return 0;
					if (x != NULL && y != NULL && strcmp(x->text, y->text) != 0)
						return 0;
				}
			}
	return 1;
}

/** The printout names every zone, fits 80 columns for the built-in zones, and reads back the same. */
static void test_print_round_trips(void **state)
{
	dnsbl_catalogue c, back;
	mr_buf out, err;
	const char *p;
	size_t i;

	(void)state;
	load_builtin(&c);
	mr_buf_init(&err, 1024);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "bl.example.net=127.0.[0..1].[2;5..9]:warning", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "wide.example=127.[1;3].[0..255].[4;7]", 1, &err), 0);
	mr_buf_init(&out, 1 << 20);
	assert_int_equal(dnsbl_catalogue_print(&c, &out), 0);
	for (i = 0; i < c.n; i++) {
		char header[DNSBL_ZONE_MAX + 4];
		assert_int_equal(mr_snprintf(header, sizeof header, "[%s]\n", c.v[i].name), 0);
		if (strstr(mr_buf_str(&out), header) == NULL)
			fail_msg("zone %s missing from the printout", c.v[i].name);
	}
	assert_non_null(strstr(mr_buf_str(&out), "listing     = 127.0.[0..1].[2;5..9]\n"));
	assert_non_null(strstr(mr_buf_str(&out), "listing     = 127.0.0.[2..11]\n"));
	assert_non_null(strstr(mr_buf_str(&out), "code        = 127.0.[2..20].3 DNSWL trust 3 (high)\n"));
	for (p = mr_buf_str(&out); *p != '\0';) {
		size_t l = strcspn(p, "\n");
		if (l > 80)
			fail_msg("line longer than 80 columns: %.*s", (int)l, p);
		p += l;
		if (*p == '\n')
			p++;
	}

	dnsbl_catalogue_init(&back);
	if (dnsbl_catalogue_parse(&back, mr_buf_str(&out), "printout", &err) != 0)
		fail_msg("printout does not parse: %s", mr_buf_str(&err));
	assert_int_equal(back.n, c.n);
	for (i = 0; i < c.n; i++) {
		const dnsbl_zone *x = &c.v[i], *y = &back.v[i];
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->ipv4, y->ipv4);
		assert_int_equal(x->ipv6, y->ipv6);
		assert_int_equal(x->allow, y->allow);
		assert_int_equal(x->severity, y->severity);
		assert_int_equal(x->spamhaus, y->spamhaus);
		assert_string_equal(x->dqs, y->dqs);
		assert_string_equal(x->needs, y->needs);
		assert_string_equal(x->delist, y->delist);
		assert_string_equal(x->description, y->description);
		assert_true(same_codes(&x->listing, &y->listing));
		assert_true(same_codes(&x->meaning, &y->meaning));
		assert_true(same_codes(&x->errors, &y->errors));
	}
	dnsbl_catalogue_free(&back);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&out);
	mr_buf_free(&err);
}

/** The printout fails cleanly when the output buffer's ceiling is too small. */
static void test_print_reports_full_buffer(void **state)
{
	dnsbl_catalogue c;
	mr_buf out;

	(void)state;
	load_builtin(&c);
	mr_buf_init(&out, 100);
	assert_int_equal(dnsbl_catalogue_print(&c, &out), -1);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&out);
}

/** Run the catalogue tests. */
/** Kind flags of -z / --allow-zone: any order, any case, with codes and severity; the default is IPv4. */
static void test_spec_kind_flags(void **state)
{
	static const struct {
		const char *spec;
		dnsbl_kind kind;
		int ipv4, ipv6;
		mr_state severity;
	} cases[] = {
		{ "a.example:ipv6", DNSBL_KIND_IP, 0, 1, MR_CRITICAL },
		{ "b.example:IPV4", DNSBL_KIND_IP, 1, 0, MR_CRITICAL },
		{ "c.example:ip:warning", DNSBL_KIND_IP, 1, 1, MR_WARNING },
		{ "d.example=127.0.1.[2..99]:domain:warning", DNSBL_KIND_DOMAIN, 0, 0, MR_WARNING },
		{ "e.example:warning:Domain:warning", DNSBL_KIND_DOMAIN, 0, 0, MR_WARNING },
		{ "f.example:critical:ipv6:ipv6", DNSBL_KIND_IP, 0, 1, MR_CRITICAL },
		{ "g.example", DNSBL_KIND_IP, 1, 0, MR_CRITICAL },
	};
	dnsbl_catalogue c;
	mr_buf err;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 512);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const dnsbl_zone *z;
		mr_buf_reset(&err);
		assert_int_equal(dnsbl_catalogue_add_spec(&c, cases[i].spec, i % 2, &err), 0);
		z = &c.v[c.n - 1];
		assert_int_equal(z->kind, cases[i].kind);
		assert_int_equal(z->ipv4, cases[i].ipv4);
		assert_int_equal(z->ipv6, cases[i].ipv6);
		assert_int_equal(z->severity, cases[i].severity);
		assert_int_equal(z->allow, (int)(i % 2));
	}
	assert_int_equal(c.v[3].listing.n, 1);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/** Bad flags: one reason naming the spec and what is wrong; nothing is added. */
static void test_spec_bad_flags(void **state)
{
	static const struct {
		const char *spec;
		const char *why;
	} cases[] = {
		{ "a.example:ipv5", "-z 'a.example:ipv5': unknown flag 'ipv5' (use warning, critical, ipv4, ipv6, ip or domain)" },
		{ "a.example:ipv4:ipv6", "-z 'a.example:ipv4:ipv6': two kinds given (ipv4 and ipv6; use ':ip' for both IPv4 and IPv6)" },
		{ "a.example:ip:domain", "-z 'a.example:ip:domain': two kinds given (ip and domain)" },
		{ "a.example:warning:critical", "-z 'a.example:warning:critical': two severities given (warning and critical)" },
		{ "a.example:", "-z 'a.example:': empty flag after ':'" },
		{ "a.example:domain::warning", "-z 'a.example:domain::warning': empty flag after ':'" },
		{ "a.example=127.0.0.2:fatal", "-z 'a.example=127.0.0.2:fatal': unknown flag 'fatal' (use warning, critical, ipv4, ipv6, ip or domain)" },
	};
	dnsbl_catalogue c;
	mr_buf err;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 512);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mr_buf_reset(&err);
		assert_int_equal(dnsbl_catalogue_add_spec(&c, cases[i].spec, 0, &err), -1);
		assert_string_equal(mr_buf_str(&err), cases[i].why);
	}
	assert_int_equal(c.n, 0);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/** A zone of the catalogue keeps its kind unless a flag says otherwise; a built-in zone's kind applies to -z. */
static void test_spec_kind_of_known_zones(void **state)
{
	dnsbl_catalogue c;
	mr_buf err;
	const dnsbl_zone *z;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 512);
	assert_int_equal(dnsbl_catalogue_parse(&c, "[v6.example]\ntype = ip\nipv4 = no\nipv6 = yes\n"
	                                           "[dom.example]\ntype = domain\n", "t", &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "v6.example:warning", 0, &err), 0);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "dom.example:ipv4", 0, &err), 0);
	z = find_zone(&c, "v6.example");
	assert_int_equal(z->kind, DNSBL_KIND_IP);
	assert_false(z->ipv4);
	assert_true(z->ipv6);
	assert_int_equal(z->severity, MR_WARNING);
	z = find_zone(&c, "dom.example");
	assert_int_equal(z->kind, DNSBL_KIND_IP);
	assert_true(z->ipv4);
	assert_false(z->ipv6);
	/* not in this catalogue but in the built-in one: its kind */
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "bl.spamcop.net", 0, &err), 0);
	z = find_zone(&c, "bl.spamcop.net");
	assert_true(z->ipv4);
	assert_false(z->ipv6);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "dbl.spamhaus.org", 0, &err), 0);
	assert_int_equal(find_zone(&c, "dbl.spamhaus.org")->kind, DNSBL_KIND_DOMAIN);
	assert_int_equal(dnsbl_catalogue_add_spec(&c, "zen.spamhaus.org:ipv4", 0, &err), 0);
	z = find_zone(&c, "zen.spamhaus.org");
	assert_true(z->ipv4);
	assert_false(z->ipv6);
	assert_true(z->spamhaus);
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

/** The run's catalogue: --no-default-zones with specs, an option-named reason, and none left. */
static void test_catalogue_build(void **state)
{
	const dnsbl_zone_spec specs[] = { { "a.example:ipv6", 0 }, { "wl.example", 1 }, { "b.example:nope", 0 } };
	dnsbl_zone_sources src = { NULL, NULL, 1, specs, 2 };
	dnsbl_catalogue c;
	mr_buf err;

	(void)state;
	dnsbl_catalogue_init(&c);
	mr_buf_init(&err, 512);
	assert_int_equal(dnsbl_catalogue_build(&c, &src, &err), 0);
	assert_int_equal(c.n, 2);
	assert_true(c.v[1].allow);
	dnsbl_catalogue_free(&c);
	dnsbl_catalogue_init(&c);
	src.nspecs = 3;
	assert_int_equal(dnsbl_catalogue_build(&c, &src, &err), -1);
	assert_non_null(strstr(mr_buf_str(&err), "-z/--zone: -z 'b.example:nope': unknown flag 'nope'"));
	dnsbl_catalogue_free(&c);
	dnsbl_catalogue_init(&c);
	mr_buf_reset(&err);
	src.nspecs = 0;
	assert_int_equal(dnsbl_catalogue_build(&c, &src, &err), -1);
	assert_string_equal(mr_buf_str(&err), "no zones to query: give -z/--zone or drop --no-default-zones");
	dnsbl_catalogue_free(&c);
	mr_buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_catalogue_has_the_agreed_zones),
		cmocka_unit_test(test_builtin_catalogue_has_no_retired_lists),
		cmocka_unit_test(test_builtin_catalogue_lines_are_short),
		cmocka_unit_test(test_catalogue_errors_name_the_line),
		cmocka_unit_test(test_catalogue_line_length_limit),
		cmocka_unit_test(test_catalogue_accepts_ini_details),
		cmocka_unit_test(test_catalogue_refuses_zone_already_present),
		cmocka_unit_test(test_codes_parse_postfix_syntax),
		cmocka_unit_test(test_codes_parse_rejects_garbage),
		cmocka_unit_test(test_codes_parse_reasons),
		cmocka_unit_test(test_codeset_add_and_find),
		cmocka_unit_test(test_spec_defaults),
		cmocka_unit_test(test_spec_codes_and_severity),
		cmocka_unit_test(test_spec_rejects_bad_input),
		cmocka_unit_test(test_spec_kind_flags),
		cmocka_unit_test(test_spec_bad_flags),
		cmocka_unit_test(test_spec_kind_of_known_zones),
		cmocka_unit_test(test_catalogue_build),
		cmocka_unit_test(test_spec_spamhaus_zones_get_knowledge),
		cmocka_unit_test(test_dqs_zone_names_register_their_key),
		cmocka_unit_test(test_spec_replaces_catalogue_zone),
		cmocka_unit_test(test_apply_spamhaus),
		cmocka_unit_test(test_print_round_trips),
		cmocka_unit_test(test_print_reports_full_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

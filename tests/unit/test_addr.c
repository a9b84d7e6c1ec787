/* test_addr.c: unit tests of address and CIDR parsing, printing, ordering and reverse names (common/addr.c). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "common/addr.h"

/** Parse s, failing the test if it is not an address. */
static mr_addr addr(const char *s)
{
	mr_addr a;

	if (mr_addr_parse(s, &a) != 0)
		fail_msg("'%s' should parse", s);
	return a;
}

/** Parse s as CIDR, failing the test if it does not parse. */
static mr_cidr cidr(const char *s)
{
	const char *why = NULL;
	mr_cidr c;

	if (mr_cidr_parse(s, &c, &why) != 0)
		fail_msg("'%s' should parse: %s", s, why != NULL ? why : "?");
	return c;
}

/** The canonical text of the address s (static buffer). */
static const char *canon(const char *s)
{
	static char buf[MR_ADDR_STRLEN];
	mr_addr a = addr(s);

	assert_int_equal(mr_addr_format(&a, buf, sizeof(buf)), 0);
	return buf;
}

/** The reverse name of the address s (static buffer). */
static const char *rev(const char *s)
{
	static char buf[MR_REVNAME_LEN];
	mr_addr a = addr(s);

	assert_int_equal(mr_addr_reverse_name(&a, buf, sizeof(buf)), 0);
	return buf;
}

/** Assert that mr_cidr_parse(s) fails with a reason containing what. */
static void cidr_fails(const char *s, const char *what)
{
	const char *why = NULL;
	mr_cidr c;

	if (mr_cidr_parse(s, &c, &why) == 0)
		fail_msg("'%s' should not parse", s);
	assert_non_null(why);
	if (strstr(why, what) == NULL)
		fail_msg("'%s': reason '%s' should say '%s'", s, why, what);
}

static void test_parse_accepts_plain_ipv4(void **state)
{
	mr_addr a;

	(void)state;
	assert_int_equal(mr_addr_parse("192.0.2.5", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.b[0], 192);
	assert_int_equal(a.b[1], 0);
	assert_int_equal(a.b[2], 2);
	assert_int_equal(a.b[3], 5);
	assert_string_equal(canon("0.0.0.0"), "0.0.0.0");
	assert_string_equal(canon("255.255.255.255"), "255.255.255.255");
	assert_string_equal(canon("10.0.100.1"), "10.0.100.1");
}

static void test_parse_rejects_sloppy_ipv4(void **state)
{
	static const char *const bad[] = {
		"01.2.3.4", "1.2.3.04", "1.02.3.4", "00.0.0.0", "1.2.3", "1.2.3.4.5", "256.1.1.1",
		"1.2.3.256", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "\t1.2.3.4", "", "1.2.3.4/24",
		"+1.2.3.4", "0x7f.0.0.1", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.4a", "1234.1.1.1",
		"127.1", "2130706433", "1.2.3.-4",
	};
	mr_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mr_addr_parse(bad[i], &a) == 0)
			fail_msg("'%s' must not parse", bad[i]);
	assert_int_equal(mr_addr_parse(NULL, &a), -1);
}

static void test_parse_accepts_ipv6_forms(void **state)
{
	mr_addr a;

	(void)state;
	assert_int_equal(mr_addr_parse("2001:db8::1", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.b[0], 0x20);
	assert_int_equal(a.b[1], 0x01);
	assert_int_equal(a.b[15], 0x01);
	assert_string_equal(canon("::"), "::");
	assert_string_equal(canon("::1"), "::1");
	assert_string_equal(canon("2001:DB8::ABCD"), "2001:db8::abcd");
	assert_string_equal(canon("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
	assert_string_equal(canon("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
}

static void test_parse_keeps_ipv4_mapped_ipv6_as_ipv6(void **state)
{
	mr_addr a = addr("::ffff:7f00:2");
	mr_addr v4 = addr("127.0.0.2");

	(void)state;
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.b[10], 0xff);
	assert_int_equal(a.b[11], 0xff);
	assert_int_equal(a.b[12], 127);
	assert_int_equal(a.b[15], 2);
	assert_string_equal(canon("::ffff:7f00:2"), "::ffff:127.0.0.2");
	assert_true(mr_addr_cmp(&v4, &a) < 0); /* different families, never equal */
}

static void test_parse_rejects_brackets_zones_spaces_and_junk_in_ipv6(void **state)
{
	static const char *const bad[] = {
		"[::1]", "[2001:db8::1]", "fe80::1%eth0", "fe80::1%1", " ::1", "::1 ", "2001:db8::1::2",
		"2001:db8:::1", "12345::", "::ffff:01.2.3.4", "::ffff:1.2.3", "::g", ":", ":::",
		"1:2:3:4:5:6:7:8:9", "2001:db8::/32", "::1\n", "+::1",
	};
	mr_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mr_addr_parse(bad[i], &a) == 0)
			fail_msg("'%s' must not parse", bad[i]);
}

static void test_format_follows_rfc5952(void **state)
{
	char small[8];
	mr_addr a = addr("2001:db8::1");

	(void)state;
	assert_string_equal(canon("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1"); /* first of equal runs */
	assert_string_equal(canon("2001:db8:0:0:0:1:0:0"), "2001:db8::1:0:0"); /* the longest run */
	assert_string_equal(canon("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1"); /* one 0 stays */
	assert_string_equal(canon("2001:db8:0000:0001:0000:0000:0000:0000"), "2001:db8:0:1::");
	assert_int_equal(mr_addr_format(&a, small, sizeof(small)), -1);
}

static void test_cidr_parse_accepts_networks_and_plain_addresses(void **state)
{
	mr_cidr c;
	char buf[64];

	(void)state;
	c = cidr("192.0.2.0/24");
	assert_int_equal(c.prefix, 24);
	assert_int_equal(mr_cidr_format(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "192.0.2.0/24");
	c = cidr("192.0.2.7");
	assert_int_equal(c.prefix, 32);
	c = cidr("2001:DB8::/32");
	assert_int_equal(mr_cidr_format(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2001:db8::/32");
	c = cidr("2001:db8::1");
	assert_int_equal(c.prefix, 128);
	assert_int_equal(cidr("0.0.0.0/0").prefix, 0);
	assert_int_equal(cidr("::/0").prefix, 0);
	assert_int_equal(cidr("192.0.2.128/25").prefix, 25);
	assert_int_equal(cidr("10.0.0.0/8").prefix, 8);
	assert_int_equal(mr_cidr_format(&c, buf, 8), -1);
	assert_int_equal(mr_cidr_parse("192.0.2.0/24", &c, NULL), 0);
}

static void test_cidr_parse_rejects_host_bits_and_bad_prefixes(void **state)
{
	mr_cidr c;

	(void)state;
	cidr_fails("192.0.2.1/24", "host bits set");
	cidr_fails("192.0.2.128/24", "host bits set");
	cidr_fails("192.0.3.0/23", "host bits set");
	cidr_fails("2001:db8::1/64", "host bits set");
	cidr_fails("2001:db8:8000::/32", "host bits set");
	assert_int_equal(cidr("2001:db8:8000::/33").prefix, 33);
	cidr_fails("192.0.2.0/33", "out of range");
	cidr_fails("::/129", "out of range");
	cidr_fails("192.0.2.0/999", "out of range");
	cidr_fails("192.0.2.0/", "prefix");
	cidr_fails("192.0.2.0/-1", "prefix");
	cidr_fails("192.0.2.0/+24", "prefix");
	cidr_fails("192.0.2.0/024", "prefix");
	cidr_fails("192.0.2.0/ 24", "prefix");
	cidr_fails("192.0.2.0/24 ", "prefix");
	cidr_fails("192.0.2.0/2x", "prefix");
	cidr_fails("192.0.2.0/1000", "prefix");
	cidr_fails("192.0.2.0/24/24", "prefix");
	cidr_fails("01.0.2.0/24", "address");
	cidr_fails("[2001:db8::]/32", "address");
	cidr_fails("/24", "address");
	cidr_fails("", "address");
	assert_int_equal(mr_cidr_parse(NULL, &c, NULL), -1);
}

static void test_cmp_is_numeric_not_textual(void **state)
{
	mr_addr a = addr("1.2.3.4");
	mr_addr b = addr("1.2.3.40");
	mr_addr nine = addr("9.0.0.0");
	mr_addr ten = addr("10.0.0.0");
	mr_addr top4 = addr("255.255.255.255");
	mr_addr zero6 = addr("::");
	mr_addr v6a = addr("2001:db8::9");
	mr_addr v6b = addr("2001:db8::10");

	(void)state;
	assert_true(mr_addr_cmp(&a, &b) < 0);
	assert_true(mr_addr_cmp(&b, &a) > 0);
	assert_int_equal(mr_addr_cmp(&a, &a), 0);
	assert_true(mr_addr_cmp(&nine, &ten) < 0);
	assert_true(mr_addr_cmp(&top4, &zero6) < 0); /* IPv4 before IPv6 */
	assert_true(mr_addr_cmp(&zero6, &top4) > 0);
	assert_true(mr_addr_cmp(&v6a, &v6b) < 0);
}

static void test_cidr_contains_respects_prefix_and_family(void **state)
{
	mr_cidr net = cidr("192.0.2.0/24");
	mr_cidr odd = cidr("192.0.2.0/23");
	mr_cidr all4 = cidr("0.0.0.0/0");
	mr_cidr one = cidr("192.0.2.7/32");
	mr_cidr net6 = cidr("2001:db8::/33");
	mr_addr in_last = addr("192.0.2.255");
	mr_addr out_next = addr("192.0.4.0");
	mr_addr odd_in = addr("192.0.3.200");
	mr_addr seven = addr("192.0.2.7");
	mr_addr eight = addr("192.0.2.8");
	mr_addr v6_in = addr("2001:db8:7fff:ffff::1");
	mr_addr v6_out = addr("2001:db8:8000::");
	mr_addr mapped = addr("::ffff:192.0.2.7");

	(void)state;
	assert_int_equal(mr_cidr_contains(&net, &in_last), 1);
	assert_int_equal(mr_cidr_contains(&net, &odd_in), 0);
	assert_int_equal(mr_cidr_contains(&odd, &odd_in), 1);
	assert_int_equal(mr_cidr_contains(&odd, &out_next), 0);
	assert_int_equal(mr_cidr_contains(&all4, &out_next), 1);
	assert_int_equal(mr_cidr_contains(&all4, &v6_in), 0);
	assert_int_equal(mr_cidr_contains(&one, &seven), 1);
	assert_int_equal(mr_cidr_contains(&one, &eight), 0);
	assert_int_equal(mr_cidr_contains(&net6, &v6_in), 1);
	assert_int_equal(mr_cidr_contains(&net6, &v6_out), 0);
	assert_int_equal(mr_cidr_contains(&net, &mapped), 0); /* IPv4-mapped is IPv6 */
}

static void test_in_range_compares_numerically_across_octets(void **state)
{
	mr_addr lo = addr("1.1.255.250");
	mr_addr hi = addr("1.2.0.5");
	mr_addr mid = addr("1.2.0.1");
	mr_addr below = addr("1.1.255.249");
	mr_addr above = addr("1.2.0.6");
	mr_addr v6 = addr("::1.2.0.1");

	(void)state;
	assert_int_equal(mr_addr_in_range(&mid, &lo, &hi), 1);
	assert_int_equal(mr_addr_in_range(&lo, &lo, &hi), 1);
	assert_int_equal(mr_addr_in_range(&hi, &lo, &hi), 1);
	assert_int_equal(mr_addr_in_range(&below, &lo, &hi), 0);
	assert_int_equal(mr_addr_in_range(&above, &lo, &hi), 0);
	assert_int_equal(mr_addr_in_range(&v6, &lo, &hi), 0);
	assert_int_equal(mr_addr_in_range(&mid, &hi, &lo), 0); /* empty range */
}

static void test_cidr_size_counts_and_saturates(void **state)
{
	mr_cidr c;

	(void)state;
	c = cidr("192.0.2.7/32");
	assert_int_equal(mr_cidr_size(&c), 1);
	c = cidr("192.0.2.0/24");
	assert_int_equal(mr_cidr_size(&c), 256);
	c = cidr("0.0.0.0/0");
	assert_true(mr_cidr_size(&c) == UINT64_C(4294967296));
	c = cidr("2001:db8::1/128");
	assert_int_equal(mr_cidr_size(&c), 1);
	c = cidr("2001:db8::/65");
	assert_true(mr_cidr_size(&c) == (UINT64_C(1) << 63));
	c = cidr("2001:db8::/64");
	assert_true(mr_cidr_size(&c) == UINT64_MAX);
	c = cidr("::/0");
	assert_true(mr_cidr_size(&c) == UINT64_MAX);
}

/** text + off as printed, or "wrap" when mr_addr_add refuses (and then the address must be unchanged). */
static const char *plus(const char *text, uint64_t off)
{
	static char buf[MR_ADDR_STRLEN];
	mr_addr a = addr(text), before = a;

	if (mr_addr_add(&a, off) != 0) {
		assert_memory_equal(&a, &before, sizeof(a));
		return "wrap";
	}
	assert_int_equal(mr_addr_format(&a, buf, sizeof(buf)), 0);
	return buf;
}

static void test_add_carries_and_stops_at_the_top(void **state)
{
	(void)state;
	assert_string_equal(plus("1.2.3.4", 0), "1.2.3.4");
	assert_string_equal(plus("1.2.3.255", 1), "1.2.4.0");
	assert_string_equal(plus("1.255.255.255", 1), "2.0.0.0");
	assert_string_equal(plus("10.0.0.0", 65535), "10.0.255.255");
	assert_string_equal(plus("10.0.0.0", 16777215), "10.255.255.255");
	assert_string_equal(plus("10.0.255.200", 300), "10.1.0.244");
	assert_string_equal(plus("0.0.0.0", UINT64_C(4294967295)), "255.255.255.255");
	assert_string_equal(plus("255.255.255.255", 1), "wrap");
	assert_string_equal(plus("0.0.0.1", UINT64_C(4294967295)), "wrap");
	assert_string_equal(plus("1.2.3.4", UINT64_MAX), "wrap");
	assert_string_equal(plus("2001:db8::ffff", 1), "2001:db8::1:0");
	assert_string_equal(plus("2001:db8::", UINT64_MAX), "2001:db8::ffff:ffff:ffff:ffff");
	assert_string_equal(plus("2001:db8::ffff:ffff:ffff:ffff", 1), "2001:db8:0:1::");
	assert_string_equal(plus("2001:db8::1", UINT64_MAX), "2001:db8:0:1::");
	assert_string_equal(plus("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1), "wrap");
	assert_string_equal(plus("ffff:ffff:ffff:ffff:ffff:ffff:ffff:0", UINT64_MAX), "wrap");
	assert_int_equal(mr_addr_add(NULL, 1), -1);
}

static void test_add_walks_a_range_crossing_octets(void **state)
{
	mr_addr a = addr("1.1.255.250");
	mr_addr hi = addr("1.2.0.5");
	int n = 1;

	(void)state;
	while (mr_addr_cmp(&a, &hi) < 0) {
		assert_int_equal(mr_addr_add(&a, 1), 0);
		n++;
	}
	assert_int_equal(n, 12);
}

static void test_reverse_names_for_dnsbl_queries(void **state)
{
	char small[8];
	mr_addr a = addr("2001:db8::1");

	(void)state;
	assert_string_equal(rev("192.0.2.5"), "5.2.0.192");
	assert_string_equal(rev("127.0.0.2"), "2.0.0.127");
	assert_string_equal(rev("2001:db8::1"),
	                    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2");
	assert_string_equal(rev("::ffff:7f00:2"),
	                    "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0");
	assert_string_equal(rev("2001:DB8:ABCD::EF"),
	                    "f.e.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.b.d.0.1.0.0.2");
	assert_int_equal(strlen(rev("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")), MR_REVNAME_LEN - 1);
	assert_int_equal(mr_addr_reverse_name(&a, small, sizeof(small)), -1);
}

/** An address and port become a sockaddr_in or sockaddr_in6 of the right length. */
static void test_to_sockaddr_fills_both_families(void **state)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
	socklen_t len = 0;
	char buf[MR_ADDR_STRLEN];
	mr_addr a = addr("192.0.2.7");

	(void)state;
	assert_int_equal(mr_addr_to_sockaddr(&a, 53, &ss, &len), 0);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(in4->sin_family, AF_INET);
	assert_int_equal(ntohs(in4->sin_port), 53);
	assert_non_null(inet_ntop(AF_INET, &in4->sin_addr, buf, sizeof(buf)));
	assert_string_equal(buf, "192.0.2.7");

	a = addr("2001:db8::7");
	assert_int_equal(mr_addr_to_sockaddr(&a, 5353, &ss, &len), 0);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(in6->sin6_port), 5353);
	assert_non_null(inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf)));
	assert_string_equal(buf, "2001:db8::7");

	assert_int_equal(mr_addr_to_sockaddr(&a, 65536, &ss, &len), -1);
	a.family = AF_UNIX;
	assert_int_equal(mr_addr_to_sockaddr(&a, 53, &ss, &len), -1);
}

/** Host and domain names: one final dot, labels of 1..63 letters, digits, '-' or '_', at most 253 characters. */
static void test_hostname_check_bounds_and_reasons(void **state)
{
	char name[300];
	const char *why = NULL;

	(void)state;
	assert_int_equal(mr_hostname_check("mail.example.com", &why), 0);
	assert_null(why);
	assert_int_equal(mr_hostname_check("Mail-1.Example.COM.", NULL), 0);
	assert_int_equal(mr_hostname_check("_dmarc.example.com", NULL), 0);
	assert_int_equal(mr_hostname_check("localhost", NULL), 0);
	assert_int_equal(mr_hostname_check("", &why), -1);
	assert_string_equal(why, "empty name");
	assert_int_equal(mr_hostname_check(".", &why), -1);
	assert_string_equal(why, "empty name");
	assert_int_equal(mr_hostname_check("a..b", &why), -1);
	assert_string_equal(why, "empty label (two dots in a row?)");
	assert_int_equal(mr_hostname_check(".a.b", &why), -1);
	assert_int_equal(mr_hostname_check("a.b..", &why), -1);
	assert_string_equal(why, "empty label (two dots in a row?)");
	assert_int_equal(mr_hostname_check("a b.example", &why), -1);
	assert_string_equal(why, "only letters, digits, '-', '_' and dots are allowed");
	assert_int_equal(mr_hostname_check("user@example.com", NULL), -1);
	assert_int_equal(mr_hostname_check("ex\xc3\xa4mple.com", NULL), -1);
	/* a label of 63 passes, 64 fails */
	memset(name, 'a', 63);
	memcpy(name + 63, ".com", 5);
	assert_int_equal(mr_hostname_check(name, NULL), 0);
	memset(name, 'a', 64);
	memcpy(name + 64, ".com", 5);
	assert_int_equal(mr_hostname_check(name, &why), -1);
	assert_string_equal(why, "a label longer than 63 characters");
	/* 253 characters pass (with or without the final dot), 254 fail */
	for (size_t i = 0; i < 253; i++)
		name[i] = (i % 50 == 49) ? '.' : 'b';
	name[253] = '\0';
	assert_int_equal(mr_hostname_check(name, NULL), 0);
	name[253] = '.';
	name[254] = '\0';
	assert_int_equal(mr_hostname_check(name, NULL), 0);
	name[253] = 'b';
	assert_int_equal(mr_hostname_check(name, &why), -1);
	assert_string_equal(why, "longer than 253 characters");
}

/** Normalising: the same checks, lower case, no final dot, bounded by the output size. */
static void test_hostname_normalise_lowers_and_drops_the_final_dot(void **state)
{
	char out[32], small[16], name[300];
	const char *why = "unset";

	(void)state;
	assert_int_equal(mr_hostname_normalise("Mail-1.Example.COM.", out, sizeof(out), &why), 0);
	assert_string_equal(out, "mail-1.example.com");
	assert_null(why);
	assert_int_equal(mr_hostname_normalise("_Dmarc.x", out, sizeof(out), NULL), 0);
	assert_string_equal(out, "_dmarc.x");
	/* failures keep mr_hostname_check's reasons */
	assert_int_equal(mr_hostname_normalise("a..b", out, sizeof(out), &why), -1);
	assert_string_equal(why, "empty label (two dots in a row?)");
	assert_int_equal(mr_hostname_normalise(".", out, sizeof(out), &why), -1);
	assert_string_equal(why, "empty name");
	/* 15 characters fit in 16 bytes (with or without the final dot), 16 do not */
	assert_int_equal(mr_hostname_normalise("abcdefghij.ABCD", small, sizeof(small), NULL), 0);
	assert_string_equal(small, "abcdefghij.abcd");
	assert_int_equal(mr_hostname_normalise("abcdefghij.ABCD.", small, sizeof(small), NULL), 0);
	assert_string_equal(small, "abcdefghij.abcd");
	assert_int_equal(mr_hostname_normalise("abcdefghij.abcde", small, sizeof(small), &why), -1);
	assert_string_equal(why, "longer than the space for it");
	assert_int_equal(mr_hostname_normalise("a", small, 0, &why), -1);
	/* a 253-character name fits MR_HOSTNAME_MAX + 1 bytes */
	for (size_t i = 0; i < 253; i++)
		name[i] = (i % 50 == 49) ? '.' : 'B';
	name[253] = '.';
	name[254] = '\0';
	{
		char big[MR_HOSTNAME_MAX + 1];
		assert_int_equal(mr_hostname_normalise(name, big, sizeof(big), NULL), 0);
		assert_int_equal(strlen(big), 253);
		assert_int_equal(big[0], 'b');
	}
}

/** Run the address tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostname_check_bounds_and_reasons),
		cmocka_unit_test(test_hostname_normalise_lowers_and_drops_the_final_dot),
		cmocka_unit_test(test_parse_accepts_plain_ipv4),
		cmocka_unit_test(test_parse_rejects_sloppy_ipv4),
		cmocka_unit_test(test_parse_accepts_ipv6_forms),
		cmocka_unit_test(test_parse_keeps_ipv4_mapped_ipv6_as_ipv6),
		cmocka_unit_test(test_parse_rejects_brackets_zones_spaces_and_junk_in_ipv6),
		cmocka_unit_test(test_format_follows_rfc5952),
		cmocka_unit_test(test_cidr_parse_accepts_networks_and_plain_addresses),
		cmocka_unit_test(test_cidr_parse_rejects_host_bits_and_bad_prefixes),
		cmocka_unit_test(test_cmp_is_numeric_not_textual),
		cmocka_unit_test(test_cidr_contains_respects_prefix_and_family),
		cmocka_unit_test(test_in_range_compares_numerically_across_octets),
		cmocka_unit_test(test_cidr_size_counts_and_saturates),
		cmocka_unit_test(test_add_carries_and_stops_at_the_top),
		cmocka_unit_test(test_add_walks_a_range_crossing_octets),
		cmocka_unit_test(test_reverse_names_for_dnsbl_queries),
		cmocka_unit_test(test_to_sockaddr_fills_both_families),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* addr.c: owns the suite's IPv4/IPv6 address and CIDR handling: strict parsing, canonical printing,
 * numeric comparison, iteration and DNSBL reverse names; and the one syntax check of host and domain names. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "util.h"

/** Longest text accepted for ADDRESS/PREFIX (an IPv6 address with embedded IPv4 plus "/128"). */
#define CIDR_TEXT_MAX 64

/** Check a host or domain name (labels of letters, digits, '-', '_'; one final dot allowed); 0, or -1 with a reason. */
int mr_hostname_check(const char *s, const char **why)
{
	size_t len = strlen(s), label = 0;
	const char *reason = NULL;

	if (len > 0 && s[len - 1] == '.')
		len--; /* the root: "example.com." is "example.com" */
	if (len == 0)
		reason = "empty name";
	else if (len > MR_HOSTNAME_MAX)
		reason = "longer than 253 characters";
	for (size_t i = 0; !reason && i <= len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (i == len || ch == '.') {
			if (label == 0)
				reason = "empty label (two dots in a row?)";
			label = 0;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		           ch == '_') {
			if (++label > 63)
				reason = "a label longer than 63 characters";
		} else {
			reason = "only letters, digits, '-', '_' and dots are allowed";
		}
	}
	if (why)
		*why = reason;
	return reason ? -1 : 0;
}

/** Check a name as mr_hostname_check does and copy it lower-cased without its final dot into out; 0, or -1 with a reason. */
int mr_hostname_normalise(const char *in, char *out, size_t outsize, const char **why)
{
	size_t n;

	if (mr_hostname_check(in, why) != 0)
		return -1;
	n = strlen(in);
	if (in[n - 1] == '.')
		n--;
	if (n >= outsize) {
		if (why)
			*why = "longer than the space for it";
		return -1;
	}
	/* the check let only ASCII letters, digits, '-', '_' and dots through */
	for (size_t i = 0; i < n; i++)
		out[i] = in[i] >= 'A' && in[i] <= 'Z' ? (char)(in[i] - 'A' + 'a') : in[i];
	out[n] = '\0';
	return 0;
}

/** Number of significant bytes of an address of family f (4, 16, or 0 if unknown). */
static size_t addr_len(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return 0;
}

/** Largest prefix length of family f. */
static unsigned max_prefix(int family)
{
	return (unsigned)addr_len(family) * 8u;
}

/** 1 if s is a strict dotted-quad: four decimal octets 0-255, no leading zeros, no signs or spaces. */
static int strict_ipv4(const char *s)
{
	int octets = 0;

	for (;;) {
		unsigned v = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			if (digits > 0 && v == 0)
				return 0; /* "01": a leading zero reads as octal in inet_aton, refuse it */
			v = v * 10u + (unsigned)(*s - '0');
			digits++;
			if (digits > 3 || v > 255)
				return 0;
			s++;
		}
		if (digits == 0)
			return 0;
		octets++;
		if (*s == '\0')
			return octets == 4;
		if (*s != '.' || octets == 4)
			return 0;
		s++;
	}
}

/** 1 if the IPv6 text s only holds hex digits, ':' and a trailing dotted quad with strict octets. */
static int strict_ipv6(const char *s)
{
	const char *p;
	const char *last_colon = strrchr(s, ':');

	for (p = s; *p != '\0'; p++) {
		char c = *p;

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
		      c == ':' || c == '.'))
			return 0; /* no brackets, zone ids, spaces or signs */
	}
	if (strchr(s, '.') != NULL && (last_colon == NULL || !strict_ipv4(last_colon + 1)))
		return 0;
	return 1;
}

/** Parse a plain IPv4 (strict dotted quad) or IPv6 address; 0 or -1. */
int mr_addr_parse(const char *s, mr_addr *a)
{
	mr_addr tmp;

	if (s == NULL || a == NULL || *s == '\0' || strlen(s) >= MR_ADDR_STRLEN)
		return -1;
	memset(&tmp, 0, sizeof(tmp));
	if (strchr(s, ':') != NULL) {
		if (!strict_ipv6(s) || inet_pton(AF_INET6, s, tmp.b) != 1)
			return -1;
		tmp.family = AF_INET6;
	} else {
		if (!strict_ipv4(s) || inet_pton(AF_INET, s, tmp.b) != 1)
			return -1;
		tmp.family = AF_INET;
	}
	*a = tmp;
	return 0;
}

/** 1 if any bit after the first prefix bits of a is set. */
static int host_bits_set(const mr_addr *a, unsigned prefix)
{
	size_t n = addr_len(a->family);
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned first = (unsigned)i * 8u;
		unsigned char mask;

		if (first + 8u <= prefix)
			continue;
		mask = first >= prefix ? 0xff : (unsigned char)(0xffu >> (prefix - first));
		if (a->b[i] & mask)
			return 1;
	}
	return 0;
}

/** Parse a prefix length of 1-3 decimal digits without sign or leading zero; 0 or -1. */
static int parse_prefix(const char *s, unsigned *out)
{
	unsigned v = 0;
	int digits = 0;

	if (s[0] == '0' && s[1] != '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || ++digits > 3)
			return -1;
		v = v * 10u + (unsigned)(*s - '0');
	}
	if (digits == 0)
		return -1;
	*out = v;
	return 0;
}

/** Parse ADDRESS[/PREFIX] with zero host bits; 0, or -1 with a reason. */
int mr_cidr_parse(const char *s, mr_cidr *c, const char **why)
{
	char text[CIDR_TEXT_MAX];
	const char *reason = NULL;
	char *slash;
	mr_cidr tmp;
	unsigned prefix;

	if (s == NULL || c == NULL) {
		reason = "invalid address";
		goto out;
	}
	if (mr_snprintf(text, sizeof(text), "%s", s) != 0) {
		reason = "too long";
		goto out;
	}
	slash = strchr(text, '/');
	if (slash != NULL)
		*slash = '\0';
	memset(&tmp, 0, sizeof(tmp));
	if (mr_addr_parse(text, &tmp.base) != 0) {
		reason = "invalid address";
		goto out;
	}
	prefix = max_prefix(tmp.base.family);
	if (slash != NULL) {
		if (parse_prefix(slash + 1, &prefix) != 0) {
			reason = "invalid prefix length";
			goto out;
		}
		if (prefix > max_prefix(tmp.base.family)) {
			reason = "prefix length out of range";
			goto out;
		}
	}
	if (host_bits_set(&tmp.base, prefix)) {
		reason = "host bits set";
		goto out;
	}
	tmp.prefix = prefix;
	*c = tmp;
out:
	if (why != NULL)
		*why = reason;
	return reason == NULL ? 0 : -1;
}

/** Print a in canonical form (inet_ntop follows RFC 5952). */
int mr_addr_format(const mr_addr *a, char *dst, size_t size)
{
	if (a == NULL || dst == NULL || size == 0 || addr_len(a->family) == 0)
		return -1;
	if (inet_ntop(a->family, a->b, dst, (socklen_t)(size > 1024 ? 1024 : size)) == NULL) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

/** Print c as ADDRESS/PREFIX. */
int mr_cidr_format(const mr_cidr *c, char *dst, size_t size)
{
	char text[MR_ADDR_STRLEN];

	if (c == NULL || mr_addr_format(&c->base, text, sizeof(text)) != 0)
		return -1;
	return mr_snprintf(dst, size, "%s/%u", text, c->prefix);
}

/** Numeric order: IPv4 before IPv6, then byte by byte. */
int mr_addr_cmp(const mr_addr *a, const mr_addr *b)
{
	size_t n;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : (b->family == AF_INET ? 1 : (a->family < b->family ? -1 : 1));
	n = addr_len(a->family);
	return n == 0 ? 0 : memcmp(a->b, b->b, n);
}

/** 1 if a has the family of c and the same first prefix bits. */
int mr_cidr_contains(const mr_cidr *c, const mr_addr *a)
{
	size_t full;
	unsigned rest;

	if (c == NULL || a == NULL || c->base.family != a->family || addr_len(a->family) == 0 ||
	    c->prefix > max_prefix(a->family))
		return 0;
	full = c->prefix / 8u;
	rest = c->prefix % 8u;
	if (memcmp(c->base.b, a->b, full) != 0)
		return 0;
	if (rest != 0) {
		unsigned char mask = (unsigned char)(0xffu << (8u - rest));

		if ((c->base.b[full] & mask) != (a->b[full] & mask))
			return 0;
	}
	return 1;
}

/** 1 if lo <= a <= hi numerically, all of one family. */
int mr_addr_in_range(const mr_addr *a, const mr_addr *lo, const mr_addr *hi)
{
	if (a == NULL || lo == NULL || hi == NULL || addr_len(a->family) == 0 ||
	    a->family != lo->family || a->family != hi->family)
		return 0;
	return mr_addr_cmp(lo, a) <= 0 && mr_addr_cmp(a, hi) <= 0;
}

/** Number of addresses in c, saturated at UINT64_MAX. */
uint64_t mr_cidr_size(const mr_cidr *c)
{
	unsigned host;

	if (c == NULL || c->prefix > max_prefix(c->base.family))
		return 0;
	host = max_prefix(c->base.family) - c->prefix;
	if (host >= 64)
		return UINT64_MAX;
	return (uint64_t)1 << host;
}

/** Add off with carry, low-order byte first; -1 (a unchanged) past the largest address. */
int mr_addr_add(mr_addr *a, uint64_t off)
{
	mr_addr sum;
	size_t n;

	if (a == NULL || (n = addr_len(a->family)) == 0)
		return -1;
	sum = *a;
	for (size_t i = n; off != 0 && i-- > 0;) {
		unsigned byte = sum.b[i] + (unsigned)(off & 0xff);
		sum.b[i] = (uint8_t)byte;
		off = (off >> 8) + (byte >> 8);
	}
	if (off != 0)
		return -1; /* carried out of the top byte */
	*a = sum;
	return 0;
}

/** DNSBL reverse name: reversed octets, or 32 reversed nibbles for IPv6. */
int mr_addr_reverse_name(const mr_addr *a, char *dst, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char text[MR_REVNAME_LEN];
	size_t pos = 0;
	int i;

	if (a == NULL || dst == NULL || size == 0)
		return -1;
	if (a->family == AF_INET)
		return mr_snprintf(dst, size, "%u.%u.%u.%u", a->b[3], a->b[2], a->b[1], a->b[0]);
	if (a->family != AF_INET6)
		return -1;
	for (i = 15; i >= 0; i--) {
		text[pos++] = hex[a->b[i] & 0x0f];
		text[pos++] = '.';
		text[pos++] = hex[a->b[i] >> 4];
		text[pos++] = i > 0 ? '.' : '\0';
	}
	return mr_snprintf(dst, size, "%s", text);
}

/** Fill ss with a and port (a sockaddr_in or sockaddr_in6) and *len with its size; 0 or -1. */
int mr_addr_to_sockaddr(const mr_addr *a, unsigned port, struct sockaddr_storage *ss, socklen_t *len)
{
	if (a == NULL || ss == NULL || len == NULL || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *in4 = (struct sockaddr_in *)ss;

		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		memcpy(&in4->sin_addr, a->b, 4);
		*len = sizeof(*in4);
		return 0;
	}
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		memcpy(&in6->sin6_addr, a->b, 16);
		*len = sizeof(*in6);
		return 0;
	}
	return -1;
}

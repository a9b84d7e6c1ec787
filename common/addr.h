/* addr.h: IPv4/IPv6 addresses and CIDR ranges: parse, print, compare, iterate, reverse names. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_ADDR_H
#define MR_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/** Longest printed address including NUL. */
#define MR_ADDR_STRLEN 46
/** Longest reverse name (32 nibbles, dots) including NUL. */
#define MR_REVNAME_LEN 64

/** An IPv4 or IPv6 address in network byte order. */
typedef struct mr_addr {
	int family;      /**< AF_INET or AF_INET6 */
	uint8_t b[16];   /**< first 4 bytes used for IPv4 */
} mr_addr;

/** A CIDR range: base address (host bits zero) and prefix length. */
typedef struct mr_cidr {
	mr_addr base;    /**< network address */
	unsigned prefix; /**< 0..32 or 0..128 */
} mr_cidr;

/** Longest DNS name in text form, without a final dot. */
#define MR_HOSTNAME_MAX 253

/** Check a host or domain name (labels of letters, digits, '-', '_'; one final dot allowed); 0, or -1 with a reason. */
int mr_hostname_check(const char *s, const char **why);
/** Check a name as mr_hostname_check does and copy it lower-cased without its final dot into out (outsize bytes); 0, or -1 with a reason. */
int mr_hostname_normalise(const char *in, char *out, size_t outsize, const char **why);
/** Parse a plain IPv4 or IPv6 address (no brackets, no zone id); 0 or -1. */
int mr_addr_parse(const char *s, mr_addr *a);
/** Parse ADDRESS or ADDRESS/PREFIX; host bits must be zero; 0, or -1 with a reason in why (may be NULL). */
int mr_cidr_parse(const char *s, mr_cidr *c, const char **why);
/** Print a in canonical form (RFC 5952 for IPv6); 0 or -1. */
int mr_addr_format(const mr_addr *a, char *dst, size_t size);
/** Print c as ADDRESS/PREFIX; 0 or -1. */
int mr_cidr_format(const mr_cidr *c, char *dst, size_t size);
/** Numeric order: IPv4 before IPv6, then by bytes; <0, 0, >0. */
int mr_addr_cmp(const mr_addr *a, const mr_addr *b);
/** 1 if a lies in c (same family), else 0. */
int mr_cidr_contains(const mr_cidr *c, const mr_addr *a);
/** 1 if lo <= a <= hi numerically (same family), else 0. */
int mr_addr_in_range(const mr_addr *a, const mr_addr *lo, const mr_addr *hi);
/** Number of addresses in c, saturated at UINT64_MAX. */
uint64_t mr_cidr_size(const mr_cidr *c);
/** Add off to a (with carry); 0, or -1 (a unchanged) if the sum would pass the largest address. */
int mr_addr_add(mr_addr *a, uint64_t off);
/** Reverse name for DNSBL queries, without zone or trailing dot: "5.2.0.192" or 32 dotted nibbles; 0 or -1. */
int mr_addr_reverse_name(const mr_addr *a, char *dst, size_t size);
/** Fill ss with a and port (a sockaddr_in or sockaddr_in6) and *len with its size; 0 or -1. */
int mr_addr_to_sockaddr(const mr_addr *a, unsigned port, struct sockaddr_storage *ss, socklen_t *len);

#endif

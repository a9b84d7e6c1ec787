/*
 * fuzz_dns_reply.c: libFuzzer target for DNS reply handling up to check_dnsbl's verdict: the input is one reply
 * (UDP datagram or TCP message) to the fixed questions "2.0.0.127.zen.example. A/TXT/MX", id 0x1234. Every
 * reply goes through mr_dns_reply_check; an accepted A answer through mr_dns_answer_addrs into dnsbl_judge
 * (a plain zone and one with listing codes and meanings), a TXT answer through mr_dns_answer_txt, an MX answer
 * through mr_dns_answer_mx and mr_dns_mail_hosts; the first two bytes also through mr_dns_tcp_length.
 */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "common/dns.h"
#include "plugins/dnsbl/dnsbl_judge.h"

/** Id of the fixed questions. */
#define FUZZ_ID 0x1234

/** The zones judged, built once. */
static dnsbl_zone zones[2];
/** The question name, built once. */
static ldns_rdf *qname;

/** Build the zones and the question name once. */
static void setup(void)
{
	mr_buf err;

	if (qname)
		return;
	qname = ldns_dname_new_frm_str("2.0.0.127.zen.example.");
	dnsbl_zone_defaults(&zones[0], "plain.example");
	dnsbl_zone_defaults(&zones[1], "zen.example");
	mr_buf_init(&err, 256);
	if (dnsbl_codes_parse_text("127.0.0.[2..3]", &zones[1].listing, "SBL", &err) != 0 ||
	    dnsbl_codes_parse_text("127.0.0.[10..11]", &zones[1].listing, "PBL", &err) != 0 ||
	    dnsbl_codes_parse_text("127.0.0.[2..3]", &zones[1].meaning, "SBL", &err) != 0 ||
	    dnsbl_codes_parse_text("127.0.1.[2..255]", &zones[1].errors, "zone error", &err) != 0)
		abort();
	zones[1].spamhaus = 1;
	mr_buf_free(&err);
}

/** The A codes of an answer in host byte order, as check_dnsbl collects them (IPv4 only, at most max). */
static size_t codes_of(const ldns_pkt *pkt, uint32_t *codes, size_t max)
{
	mr_addr a[DNSBL_MAX_CODES * 2];
	size_t n = mr_dns_answer_addrs(pkt, a, sizeof a / sizeof a[0]), k = 0;

	for (size_t i = 0; i < n && k < max; i++)
		if (a[i].family == AF_INET)
			codes[k++] = (uint32_t)a[i].b[0] << 24 | (uint32_t)a[i].b[1] << 16 | (uint32_t)a[i].b[2] << 8 |
			             a[i].b[3];
	return k;
}

/** Act on an accepted reply to a question of type t as the plugins do. */
static void use_answer(ldns_rr_type t, const mr_dns_reply *r)
{
	mr_dns_result res;

	memset(&res, 0, sizeof res);
	res.status = r->status;
	res.rcode = r->rcode;
	res.pkt = r->status == MR_DNS_NOERROR || r->status == MR_DNS_NXDOMAIN ? r->pkt : NULL;
	res.server = "192.0.2.53:53";
	if (t == LDNS_RR_TYPE_A) {
		uint32_t codes[DNSBL_MAX_CODES];
		size_t n = res.status == MR_DNS_NOERROR ? codes_of(r->pkt, codes, DNSBL_MAX_CODES) : 0;
		dnsbl_verdict v;

		for (size_t z = 0; z < 2; z++) {
			dnsbl_judge(&zones[z], res.status, codes, n, &v);
			if (v.kind > DNSBL_ERROR || memchr(v.reason, '\0', sizeof v.reason) == NULL)
				abort();
		}
	} else if (t == LDNS_RR_TYPE_TXT) {
		mr_buf b;

		mr_buf_init(&b, 400);
		if (mr_dns_answer_txt(r->pkt, &b) == 0 && b.len > 400)
			abort();
		mr_buf_free(&b);
	} else {
		mr_dns_mx mx[8];
		char why[256];
		size_t n = mr_dns_mail_hosts(&res, "zen.example", mx, 8, why, sizeof why);

		for (size_t i = 1; i < n; i++)
			if (mx[i].pref < mx[i - 1].pref)
				abort();
	}
}

/** One input: judge it as the reply to each question. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ldns_rr_type types[3] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_MX };

	setup();
	if (size >= 2 && mr_dns_tcp_length(data) != 0 && mr_dns_tcp_length(data) < 12)
		abort();
	for (size_t i = 0; i < 3; i++) {
		mr_dns_question q = { FUZZ_ID, qname, types[i], LDNS_RR_CLASS_IN };
		mr_dns_reply r;

		if (mr_dns_reply_check(&q, data, size, &r) == MR_DNS_REPLY_ANSWER)
			use_answer(types[i], &r);
		else if (r.pkt != NULL)
			abort(); /* only an answer carries a packet */
		ldns_pkt_free(r.pkt);
	}
	return 0;
}

/*
 * test_dns_script.c: the DNS reply check (mr_dns_reply_check, mr_dns_tcp_length) as a pure function, and the
 * engine (common/dns.c) over the scripted transport: wrong id, name and type, truncation and the TCP redo,
 * TCP framing, malformed and huge replies, a flood of unrelated ids, failover, and the virtual clock.
 */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/deadline.h"
#include "common/dns.h"
#include "unit_dns.h"

/** What one query's callback saw. */
typedef struct outcome {
	int calls;              /**< callback invocations */
	mr_dns_status status;   /**< r->status */
	int rcode;              /**< r->rcode */
	int attempts;           /**< r->attempts */
	int tcp;                /**< r->tcp */
	size_t naddr;           /**< addresses in the answer */
	char server[64];        /**< r->server */
} outcome;

/** Callback: record the result. */
static void on_done(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r)
{
	outcome *o = user;
	mr_addr a[512];
	(void)qname;
	(void)type;

	o->calls++;
	o->status = r->status;
	o->rcode = r->rcode;
	o->attempts = r->attempts;
	o->tcp = r->tcp;
	o->naddr = r->pkt ? mr_dns_answer_addrs(r->pkt, a, 512) : 0;
	assert_int_equal(mr_snprintf(o->server, sizeof o->server, "%s", r->server ? r->server : ""), 0);
}

/** A per-test script: what to send for each message, chosen by the test's mode. */
typedef struct script_ctx {
	int mode;               /**< which behaviour (see script()) */
	int asked;              /**< messages seen */
	int asked_tcp;          /**< of them over TCP */
	unsigned flood;         /**< unrelated datagrams to send first */
} script_ctx;

/** Behaviours of script(). */
enum {
	M_WRONG_ID_THEN_RIGHT, M_WRONG_ID, M_WRONG_NAME, M_WRONG_TYPE, M_NO_QR, M_TC_THEN_TCP, M_TC_TCP_TOO,
	M_TCP_SPLIT, M_TCP_SHORT_PREFIX, M_TCP_CUT, M_TCP_HOLD, M_TCP_REFUSED, M_TCP_WRONG_ID, M_MALFORMED,
	M_HUGE_UDP, M_HUGE_TCP, M_BIG_TCP_ANSWER, M_FLOOD, M_FAILOVER, M_UNREACHABLE, M_SHORT_DATAGRAM
};

/** Add the wire of a reply to ask with answer text, after changing it with fix (may be NULL). */
static void add_changed(mr_dns_replies *out, const mr_dns_ask *ask, const char *answer, int tc,
                        void (*fix)(ldns_pkt *p))
{
	ldns_pkt *p = NULL;
	ldns_rr *rr = NULL;
	uint8_t *wire = NULL;
	size_t len = 0;

	assert_int_equal(ldns_wire2pkt(&p, ask->wire, ask->len), LDNS_STATUS_OK);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_tc(p, tc);
	if (answer) {
		assert_int_equal(ldns_rr_new_frm_str(&rr, answer, 60, NULL, NULL), LDNS_STATUS_OK);
		assert_true(ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr));
	}
	if (fix)
		fix(p);
	assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	assert_int_equal(mr_dns_reply_add(out, wire, len), 0);
	free(wire);
	ldns_pkt_free(p);
}

/** fix: the next id. */
static void fix_id(ldns_pkt *p)
{
	ldns_pkt_set_id(p, (uint16_t)(ldns_pkt_id(p) + 1));
}

/** fix: another question name. */
static void fix_name(ldns_pkt *p)
{
	ldns_rr *q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	ldns_rdf *old = ldns_rr_owner(q);

	ldns_rr_set_owner(q, ldns_dname_new_frm_str("other.test."));
	ldns_rdf_deep_free(old);
}

/** fix: another question type. */
static void fix_type(ldns_pkt *p)
{
	ldns_rr_set_type(ldns_rr_list_rr(ldns_pkt_question(p), 0), LDNS_RR_TYPE_AAAA);
}

/** fix: QR clear (a query, not a reply). */
static void fix_qr(ldns_pkt *p)
{
	ldns_pkt_set_qr(p, false);
}

/** The script of the engine tests: behaviour by ctx->mode. */
static int script(void *user, const mr_dns_ask *ask, mr_dns_replies *out)
{
	script_ctx *c = user;
	static const char ans[] = "q.test. 60 IN A 192.0.2.7";
	uint8_t junk[70000];

	c->asked++;
	if (ask->tcp)
		c->asked_tcp++;
	switch (c->mode) {
	case M_WRONG_ID_THEN_RIGHT:
		add_changed(out, ask, ans, 0, fix_id);
		add_changed(out, ask, ans, 0, NULL);
		return 0;
	case M_WRONG_ID:
		add_changed(out, ask, ans, 0, fix_id);
		return 0;
	case M_WRONG_NAME:
		add_changed(out, ask, ans, 0, fix_name);
		return 0;
	case M_WRONG_TYPE:
		add_changed(out, ask, ans, 0, fix_type);
		return 0;
	case M_NO_QR:
		add_changed(out, ask, ans, 0, fix_qr);
		return 0;
	case M_TC_THEN_TCP:
		return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, !ask->tcp, ask->tcp ? ans : NULL);
	case M_TC_TCP_TOO:
		return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 1, NULL);
	case M_TCP_SPLIT:
		if (!ask->tcp)
			return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 1, NULL);
		{
			/* the prefix one byte at a time, then the message in two pieces, then trailing junk */
			ldns_pkt *p = NULL;
			uint8_t *wire = NULL, pre[2];
			size_t len = 0;
			ldns_rr *rr = NULL;

			assert_int_equal(ldns_wire2pkt(&p, ask->wire, ask->len), LDNS_STATUS_OK);
			ldns_pkt_set_qr(p, true);
			assert_int_equal(ldns_rr_new_frm_str(&rr, ans, 60, NULL, NULL), LDNS_STATUS_OK);
			assert_true(ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr));
			assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
			pre[0] = (uint8_t)(len >> 8);
			pre[1] = (uint8_t)len;
			assert_int_equal(mr_dns_reply_add_raw(out, pre, 1), 0);
			assert_int_equal(mr_dns_reply_add_raw(out, pre + 1, 1), 0);
			assert_int_equal(mr_dns_reply_add_raw(out, wire, 5), 0);
			assert_int_equal(mr_dns_reply_add_raw(out, wire + 5, len - 5), 0);
			assert_int_equal(mr_dns_reply_add_raw(out, (const uint8_t *)"junk", 4), 0);
			free(wire);
			ldns_pkt_free(p);
		}
		return 0;
	case M_TCP_SHORT_PREFIX:
		if (!ask->tcp)
			return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 1, NULL);
		return mr_dns_reply_add_raw(out, (const uint8_t *)"\0\5hello", 7);
	case M_TCP_CUT:
		if (!ask->tcp)
			return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 1, NULL);
		/* announces 100 bytes, sends the query's 12-byte header and closes */
		assert_int_equal(mr_dns_reply_add_raw(out, (const uint8_t *)"\0\144", 2), 0);
		return mr_dns_reply_add_raw(out, ask->wire, 12);
	case M_TCP_HOLD:
		if (!ask->tcp)
			return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 1, NULL);
		mr_dns_reply_hold(out);
		return mr_dns_reply_add_raw(out, (const uint8_t *)"\0", 1);
	case M_TCP_REFUSED:
		if (!ask->tcp)
			return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 1, NULL);
		return -1;
	case M_TCP_WRONG_ID:
		if (!ask->tcp)
			return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 1, NULL);
		add_changed(out, ask, ans, 0, fix_id);
		return 0;
	case M_MALFORMED:
		/* right id, then a header announcing one question that is not there */
		memset(junk, 0, 13);
		memcpy(junk, ask->wire, 2);
		junk[2] = 0x81;
		junk[5] = 1;
		junk[12] = 0xff;
		return mr_dns_reply_add(out, junk, 13);
	case M_HUGE_UDP:
		memset(junk, 0xc0, sizeof junk);
		memcpy(junk, ask->wire, 2);
		return mr_dns_reply_add(out, junk, sizeof junk); /* cut at 65535 as recvfrom would */
	case M_HUGE_TCP:
		if (!ask->tcp)
			return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 1, NULL);
		memset(junk, 0xc0, sizeof junk);
		memcpy(junk, ask->wire, 2);
		assert_int_equal(mr_dns_reply_add(out, junk, sizeof junk), -1); /* cannot be framed */
		return mr_dns_reply_add(out, junk, 65535);
	case M_BIG_TCP_ANSWER:
		if (!ask->tcp)
			return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 1, NULL);
		{
			char *lines = malloc(300 * 40);
			size_t off = 0;

			assert_non_null(lines);
			for (int i = 0; i < 300; i++)
				off += (size_t)snprintf(lines + off, 300 * 40 - off, "q.test. 60 IN A 10.0.%d.%d\n", i / 256,
				                        i % 256);
			assert_int_equal(mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 0, lines), 0);
			free(lines);
		}
		return 0;
	case M_FLOOD:
		for (unsigned i = 0; i < c->flood; i++) {
			uint8_t h[12] = { 0 };
			uint16_t id = (uint16_t)(ask->id + 1 + i % 65000);

			h[0] = (uint8_t)(id >> 8);
			h[1] = (uint8_t)id;
			h[2] = 0x81;
			assert_int_equal(mr_dns_reply_add(out, h, sizeof h), 0);
		}
		return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 0, ans);
	case M_FAILOVER:
		return mr_dns_reply_answer(out, ask, ask->server == 0 ? LDNS_RCODE_SERVFAIL : LDNS_RCODE_NOERROR, 0,
		                           ask->server == 0 ? NULL : ans);
	case M_UNREACHABLE:
		return -1;
	case M_SHORT_DATAGRAM:
		assert_int_equal(mr_dns_reply_add(out, ask->wire, 11), 0);
		return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 0, ans);
	}
	return 0;
}

/** Run one A query for q.test under mode with retries; the outcome in o, the stats in st. */
static void run_mode(int mode, int retries, outcome *o, mr_dns_stats *st, script_ctx *c)
{
	mr_dns *d;
	double t0 = mr_now();

	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->flood = 5000;
	memset(o, 0, sizeof(*o));
	d = unit_dns_scripted(script, c, retries);
	assert_int_equal(mr_dns_submit(d, "q.test", LDNS_RR_TYPE_A, on_done, o), 0);
	assert_int_equal(mr_dns_run(d, mr_now() + 60, NULL, NULL), 0);
	mr_dns_get_stats(d, st);
	mr_dns_free(d);
	assert_int_equal(o->calls, 1);
	/* timeouts pass on the virtual clock: no test waits for them */
	assert_true(mr_now() - t0 < 1.5);
}

/** A message for q.test A with id, as the engine would send it. */
static size_t query_wire(uint16_t id, uint8_t *buf, size_t size)
{
	static const uint8_t name[] = "\1q\4test";
	size_t len = 12 + sizeof name + 4;

	assert_true(size >= len);
	memset(buf, 0, len);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 1;
	buf[5] = 1;
	memcpy(buf + 12, name, sizeof name);
	buf[12 + sizeof name + 1] = LDNS_RR_TYPE_A;
	buf[12 + sizeof name + 3] = LDNS_RR_CLASS_IN;
	return len;
}

/** The pure check: answer, stray (id, QR, name, type, class), truncated and malformed. */
static void test_reply_check(void **state)
{
	uint8_t w[64];
	size_t len = query_wire(0x1234, w, sizeof w);
	ldns_rdf *name = ldns_dname_new_frm_str("Q.TEST.");
	mr_dns_question q = { 0x1234, name, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN };
	mr_dns_reply r;
	(void)state;

	/* a query is no answer */
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_STRAY);
	assert_int_equal(r.rcode, -1);
	assert_null(r.pkt);
	w[2] |= 0x80;
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_ANSWER);
	assert_int_equal(r.status, MR_DNS_NOERROR);
	assert_non_null(r.pkt);
	ldns_pkt_free(r.pkt);
	w[3] = LDNS_RCODE_NXDOMAIN;
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_ANSWER);
	assert_int_equal(r.status, MR_DNS_NXDOMAIN);
	ldns_pkt_free(r.pkt);
	w[3] = LDNS_RCODE_REFUSED;
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_ANSWER);
	assert_int_equal(r.status, MR_DNS_REFUSED);
	assert_int_equal(r.rcode, LDNS_RCODE_REFUSED);
	ldns_pkt_free(r.pkt);
	w[3] = 0;
	w[2] |= 0x02; /* TC */
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_TRUNCATED);
	assert_int_equal(r.rcode, 0);
	assert_null(r.pkt);
	w[2] &= (uint8_t)~0x02;
	q.id = 0x1235;
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_STRAY);
	q.id = 0x1234;
	q.type = LDNS_RR_TYPE_TXT;
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_STRAY);
	q.type = LDNS_RR_TYPE_A;
	q.qclass = LDNS_RR_CLASS_CH;
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_STRAY);
	q.qclass = LDNS_RR_CLASS_IN;
	w[13] = 'x'; /* x.test */
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_STRAY);
	w[13] = 'q';
	w[5] = 2; /* a second question that is not there */
	assert_int_equal(mr_dns_reply_check(&q, w, len, &r), MR_DNS_REPLY_MALFORMED);
	w[5] = 1;
	assert_int_equal(mr_dns_reply_check(&q, w, 11, &r), MR_DNS_REPLY_MALFORMED);
	assert_int_equal(mr_dns_reply_check(&q, w, len - 1, &r), MR_DNS_REPLY_MALFORMED);
	assert_int_equal(mr_dns_reply_check(&q, NULL, 0, &r), MR_DNS_REPLY_MALFORMED);
	assert_int_equal(r.status, MR_DNS_BADREPLY);
	ldns_rdf_deep_free(name);
}

/** The TCP length prefix: big-endian, and shorter than a header is refused. */
static void test_tcp_length(void **state)
{
	(void)state;
	assert_int_equal(mr_dns_tcp_length((const uint8_t *)"\0\14"), 12);
	assert_int_equal(mr_dns_tcp_length((const uint8_t *)"\0\13"), 0);
	assert_int_equal(mr_dns_tcp_length((const uint8_t *)"\0\0"), 0);
	assert_int_equal(mr_dns_tcp_length((const uint8_t *)"\1\2"), 258);
	assert_int_equal(mr_dns_tcp_length((const uint8_t *)"\377\377"), 65535);
}

/** A reply with the wrong id is stray; the right one after it is taken. Alone it leads to a timeout. */
static void test_wrong_id(void **state)
{
	outcome o;
	mr_dns_stats st;
	script_ctx c;
	(void)state;

	run_mode(M_WRONG_ID_THEN_RIGHT, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.naddr, 1);
	assert_int_equal(st.stray, 1);
	run_mode(M_WRONG_ID, 1, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_TIMEOUT);
	assert_int_equal(o.attempts, 2);
	assert_int_equal(st.stray, 2);
	assert_int_equal(st.timeouts, 2);
}

/** Wrong name, wrong type, or no QR bit: stray, then a timeout. */
static void test_wrong_question(void **state)
{
	static const int modes[] = { M_WRONG_NAME, M_WRONG_TYPE, M_NO_QR };
	outcome o;
	mr_dns_stats st;
	script_ctx c;
	(void)state;

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		run_mode(modes[i], 0, &o, &st, &c);
		assert_int_equal(o.status, MR_DNS_TIMEOUT);
		assert_int_equal(o.rcode, -1);
		assert_int_equal(st.stray, 1);
	}
}

/** A truncated UDP reply is asked again over TCP to the same server. */
static void test_truncated_tcp(void **state)
{
	outcome o;
	mr_dns_stats st;
	script_ctx c;
	(void)state;

	run_mode(M_TC_THEN_TCP, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.tcp, 1);
	assert_int_equal(o.attempts, 2);
	assert_int_equal(o.naddr, 1);
	assert_int_equal(c.asked_tcp, 1);
	assert_int_equal(st.tcp, 1);
	/* truncated over TCP as well: a bad reply */
	run_mode(M_TC_TCP_TOO, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_BADREPLY);
	assert_int_equal(o.rcode, 0);
	/* the framing copes with a stream in pieces and ignores what follows the message */
	run_mode(M_TCP_SPLIT, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.naddr, 1);
}

/** TCP failures: a too short length, a cut stream, a wrong id, a refused connection, a silent server. */
static void test_tcp_failures(void **state)
{
	outcome o;
	mr_dns_stats st;
	script_ctx c;
	(void)state;

	run_mode(M_TCP_SHORT_PREFIX, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_BADREPLY);
	run_mode(M_TCP_CUT, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_BADREPLY);
	run_mode(M_TCP_WRONG_ID, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_BADREPLY);
	/* no usable reply at all: the truncated one does not count */
	run_mode(M_TCP_REFUSED, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_TIMEOUT);
	assert_int_equal(o.attempts, 2);
	run_mode(M_TCP_HOLD, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_TIMEOUT);
	assert_int_equal(st.timeouts, 1);
	/* a retry after a failed TCP exchange starts over UDP */
	run_mode(M_TCP_REFUSED, 1, &o, &st, &c);
	assert_int_equal(o.attempts, 4);
	assert_int_equal(c.asked_tcp, 2);
}

/** Malformed and huge replies end the attempt as bad replies; a too short datagram is stray. */
static void test_malformed_and_huge(void **state)
{
	outcome o;
	mr_dns_stats st;
	script_ctx c;
	(void)state;

	run_mode(M_MALFORMED, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_BADREPLY);
	run_mode(M_HUGE_UDP, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_BADREPLY);
	run_mode(M_HUGE_TCP, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_BADREPLY);
	assert_int_equal(o.tcp, 1);
	run_mode(M_BIG_TCP_ANSWER, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.naddr, 300);
	run_mode(M_SHORT_DATAGRAM, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(st.stray, 1);
}

/** Thousands of unrelated ids before the answer are counted and dropped; the answer is still taken. */
static void test_flood(void **state)
{
	outcome o;
	mr_dns_stats st;
	script_ctx c;
	(void)state;

	run_mode(M_FLOOD, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.naddr, 1);
	assert_int_equal(st.stray, 5000);
}

/** SERVFAIL from the first server: the retry goes to the second; an unreachable network times out at once. */
static void test_failover_and_unreachable(void **state)
{
	outcome o;
	mr_dns_stats st;
	script_ctx c;
	(void)state;

	run_mode(M_FAILOVER, 1, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_NOERROR);
	assert_int_equal(o.attempts, 2);
	assert_string_equal(o.server, "192.0.2.54:53");
	run_mode(M_FAILOVER, 0, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_SERVFAIL);
	assert_int_equal(o.rcode, LDNS_RCODE_SERVFAIL);
	run_mode(M_UNREACHABLE, 2, &o, &st, &c);
	assert_int_equal(o.status, MR_DNS_TIMEOUT);
	assert_int_equal(o.attempts, 3);
	assert_int_equal(st.timeouts, 0);
}

/** The table script: many names at once, silence, and the run deadline on the virtual clock. */
static void test_table_and_deadline(void **state)
{
	static const unit_dns_rule rules[] = {
		{ "a.test", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, 0, "a.test. 60 IN A 192.0.2.1" },
		{ "silent.test", LDNS_RR_TYPE_A, -1, 0, NULL },
	};
	unit_dns_table t = { rules, 2, 0, 0 };
	outcome o[3];
	mr_dns *d = unit_dns_scripted(unit_dns_table_script, &t, 5);
	double t0 = mr_now();
	(void)state;

	memset(o, 0, sizeof o);
	assert_int_equal(mr_dns_submit(d, "a.test", LDNS_RR_TYPE_A, on_done, &o[0]), 0);
	assert_int_equal(mr_dns_submit(d, "nx.test", LDNS_RR_TYPE_A, on_done, &o[1]), 0);
	assert_int_equal(mr_dns_submit(d, "silent.test", LDNS_RR_TYPE_A, on_done, &o[2]), 0);
	/* 6 attempts of 2 s do not fit in 5 s: the silent query is cancelled at the deadline */
	assert_int_equal(mr_dns_run(d, mr_now() + 5, NULL, NULL), 1);
	assert_true(mr_now() - t0 < 1.5);
	assert_int_equal(o[0].status, MR_DNS_NOERROR);
	assert_int_equal(o[1].status, MR_DNS_NXDOMAIN);
	assert_int_equal(o[2].status, MR_DNS_CANCELLED);
	assert_int_equal(o[2].attempts, 3);
	/* the script is refused once sockets are in use, or while running */
	assert_int_equal(mr_dns_set_script(d, unit_dns_table_script, &t), -1);
	mr_dns_free(d);
}

/** Run the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_check),
		cmocka_unit_test(test_tcp_length),
		cmocka_unit_test(test_wrong_id),
		cmocka_unit_test(test_wrong_question),
		cmocka_unit_test(test_truncated_tcp),
		cmocka_unit_test(test_tcp_failures),
		cmocka_unit_test(test_malformed_and_huge),
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_failover_and_unreachable),
		cmocka_unit_test(test_table_and_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

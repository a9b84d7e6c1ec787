/*
 * fuzz_mx.c: libFuzzer target for MX answers through the DNS engine's scripted transport into common/mx's list
 * of mail hosts. The input is the reply to the MX query of "mx.example" (its id patched to the query's): as a
 * datagram, and over TCP after truncation (framed, or as raw stream bytes when the input length is odd). The A
 * and AAAA queries of the mail hosts get made-up answers, NXDOMAIN or silence, chosen by the host name.
 */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "common/deadline.h"
#include "common/dns.h"
#include "common/mx.h"

/** Most mail hosts resolved per input. */
#define FUZZ_HOSTS 8
/** Most addresses kept per host. */
#define FUZZ_ADDRS 4

/** The input and what the callbacks saw. */
typedef struct fuzz_ctx {
	const uint8_t *data;    /**< the MX reply */
	size_t size;            /**< its length */
	unsigned hosts;         /**< host callbacks */
	unsigned no_host;       /**< no-host callbacks */
	unsigned rank_seen;     /**< ranks reported (bit set) */
} fuzz_ctx;

/** A small hash of a name, to pick a made-up answer. */
static unsigned name_hash(const char *s)
{
	unsigned h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)(*s | 0x20);
	return h;
}

/** The script: the input for the MX query, made-up answers for the address queries. */
static int script(void *user, const mr_dns_ask *ask, mr_dns_replies *out)
{
	fuzz_ctx *c = user;
	char line[128];
	unsigned h;

	if (ask->type == LDNS_RR_TYPE_MX) {
		uint8_t *copy = malloc(c->size ? c->size : 1);
		size_t at = ask->tcp && (c->size & 1) ? 2 : 0; /* raw stream: the id follows the length prefix */
		int rc;

		if (copy == NULL)
			return -1;
		if (c->size)
			memcpy(copy, c->data, c->size);
		if (c->size >= at + 2) {
			copy[at] = (uint8_t)(ask->id >> 8);
			copy[at + 1] = (uint8_t)ask->id;
		}
		if (ask->tcp && (c->size & 1))
			rc = mr_dns_reply_add_raw(out, copy, c->size);
		else
			rc = mr_dns_reply_add(out, copy, c->size);
		free(copy);
		(void)rc; /* a reply that cannot be framed is silence */
		return 0;
	}
	h = name_hash(ask->name);
	if (h % 7 == 0)
		return 0; /* silence: a timeout on the virtual clock */
	if (h % 5 == 0)
		return mr_dns_reply_answer(out, ask, LDNS_RCODE_NXDOMAIN, 0, NULL);
	if (h % 11 == 0)
		return mr_dns_reply_answer(out, ask, LDNS_RCODE_SERVFAIL, 0, NULL);
	if (ask->type == LDNS_RR_TYPE_A)
		snprintf(line, sizeof line, "h.example. 60 IN A 192.0.2.%u\nh.example. 60 IN A 198.51.100.%u", h % 256,
		         (h >> 8) % 256);
	else
		snprintf(line, sizeof line, "h.example. 60 IN AAAA 2001:db8::%x", h % 65536);
	return mr_dns_reply_answer(out, ask, LDNS_RCODE_NOERROR, 0, line);
}

/** Callback of common/mx: check what it reports. */
static void on_host(void *user, const mr_mx_addrs *r)
{
	fuzz_ctx *c = user;

	if (r->host == NULL || r->fail == NULL || r->n > FUZZ_ADDRS || (r->n > 0 && r->a == NULL))
		abort();
	if (r->no_host) {
		if (r->n != 0 || r->fail[0] == '\0')
			abort();
		c->no_host++;
		return;
	}
	if (r->rank >= FUZZ_HOSTS || (c->rank_seen & (1u << r->rank)))
		abort();
	c->rank_seen |= 1u << r->rank;
	c->hosts++;
}

/** One input: resolve mx.example with the input as its MX reply. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_ctx c;
	mr_dns_config cfg;
	mr_buf err;
	mr_dns *d;

	memset(&c, 0, sizeof c);
	c.data = data;
	c.size = size;
	mr_dns_config_init(&cfg);
	cfg.retries = 1;
	cfg.concurrency = 8;
	if (mr_dns_server_parse("192.0.2.53", &cfg.servers[0]) != 0)
		abort();
	cfg.nservers = 1;
	mr_buf_init(&err, 256);
	d = mr_dns_new(&cfg, &err);
	mr_buf_free(&err);
	if (d == NULL || mr_dns_set_script(d, script, &c) != 0)
		abort();
	if (mr_mx_domain(d, "mx.example", MR_MX_IPV4 | MR_MX_IPV6, FUZZ_HOSTS, FUZZ_ADDRS, on_host, &c) != 0)
		abort();
	if (mr_dns_run(d, mr_now() + 3600, NULL, NULL) != 0)
		abort(); /* the virtual clock never reaches an hour */
	mr_dns_free(d);
	/* exactly one no-host report, or one report per mail host */
	if ((c.no_host != 0) == (c.hosts != 0) || c.no_host > 1)
		abort();
	return 0;
}

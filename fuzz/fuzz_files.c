/* fuzz_files.c: libFuzzer target for the small files the plugins read at start: resolv.conf
 * (common/dnsopt, mr_dns_parse_resolv_conf) and a secret file (common/secret, mr_secret_parse), on the
 * same bytes. A resolver that is taken must print as it parses back; a secret that is taken must be masked
 * wherever it appears. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../common/dns.h"
#include "../common/secret.h"
#include "fuzz.h"

/** Read the input as a resolv.conf and as a secret file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mr_dns_config cfg;
	mr_dns_server back;
	mr_buf err;
	char *secret, *copy;
	size_t i;

	mr_buf_init(&err, 1024);
	mr_dns_config_init(&cfg);
	if (mr_dns_parse_resolv_conf(&cfg, (const char *)data, size, "fuzz", &err) == 0) {
		assert(cfg.nservers >= 1 && cfg.nservers <= MR_DNS_MAX_SERVERS);
		for (i = 0; i < cfg.nservers; i++) {
			assert(mr_dns_server_parse(cfg.servers[i].text, &back) == 0);
			assert(strcmp(back.text, cfg.servers[i].text) == 0);
		}
	} else {
		assert(cfg.nservers == 0 && mr_buf_str(&err)[0] != '\0');
	}

	mr_buf_reset(&err);
	secret = mr_secret_parse((const char *)data, size, &err);
	if (secret != NULL) {
		assert(strlen(secret) >= 4 && strchr(secret, '\n') == NULL);
		copy = fuzz_str(data, size);
		mr_secret_mask(copy, strlen(copy));
		/* (a secret holding '*', the mask's character, may be rebuilt from the mask and its neighbours:
		 *  "  *" from "  " and "***"; nothing of it leaks then) */
		assert(strstr(copy, secret) == NULL || strchr(secret, '*') != NULL);
		free(copy);
		mr_secret_free(secret);
	} else {
		assert(mr_buf_str(&err)[0] != '\0');
	}
	mr_secret_clear();
	mr_buf_free(&err);
	return 0;
}

/* smtp_input_spamhaus.h: after a block, the one Spamhaus ZEN query for the sending IP over the suite's DNS
 * engine (public mirror, or the Data Query Service with a key); the answer is judged by smtp_judge_spamhaus. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_INPUT_SPAMHAUS_H
#define SMTP_INPUT_SPAMHAUS_H

#include <stddef.h>
#include <stdint.h>
#include "../../common/dns.h"

/** The Spamhaus dataset asked: ZEN (zen.spamhaus.org, or KEY.zen.dq.spamhaus.net with a DQS key). */
#define SMTP_ZEN_DATASET "zen"
/** Most A records of the answer kept. */
#define SMTP_ZEN_MAX_A 8

/** What the ZEN query gave. */
typedef struct smtp_zen_answer {
	int asked;                      /**< the query was sent (0: the IP or the name was unusable, see status) */
	mr_dns_status status;           /**< how the query ended */
	uint32_t a[SMTP_ZEN_MAX_A];     /**< IPv4 answers (host order), NOERROR only */
	size_t na;                      /**< how many */
	size_t other;                   /**< answer records that are no IPv4 A record (AAAA and the like) */
	int dqs;                        /**< asked through DQS (a key was given) */
} smtp_zen_answer;

/**
 * The ZEN query name for ip (IPv4 or IPv6 text): REVERSED.zen.spamhaus.org, or REVERSED.KEY.zen.dq.spamhaus.net
 * with a DQS key. 0, or -1 if ip is no address or the name does not fit. The name holds the key: never print it.
 */
int smtp_zen_qname(const char *ip, const char *dqs_key, char *out, size_t size);

/** Send the one ZEN query for ip on d and wait for it until deadline; fills ans. 0, or -1 if it could not be sent. */
int smtp_zen_lookup(mr_dns *d, const char *ip, const char *dqs_key, double deadline, smtp_zen_answer *ans);

/** Store the outcome of a finished query (status and the answer packet, NULL for none) into ans. */
void smtp_zen_take(smtp_zen_answer *ans, mr_dns_status status, const ldns_pkt *pkt);

#endif

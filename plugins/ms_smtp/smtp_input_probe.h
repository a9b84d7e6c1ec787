/* smtp_input_probe.h: probes one domain: where to connect (its MX hosts, or --host), the connection attempts
 * in preference order with fallback while a host cannot be reached, and this host's own name for EHLO. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_INPUT_PROBE_H
#define SMTP_INPUT_PROBE_H

#include <stddef.h>
#include "../../common/dns.h"
#include "smtp_input_session.h"
#include "smtp_mx.h"

/** Most MX hosts or addresses tried per domain. */
#define SMTP_MAX_CANDIDATES 6

/** What probing one domain gave: the settings used, where it connected and what happened. */
typedef struct smtp_domain_probe {
	smtp_probe_config pc;          /**< the settings of the last connection (host points into where) */
	smtp_candidate where;          /**< the host (and pinned address) of the last connection */
	smtp_probe_result res;         /**< what the last connection learned (about 90 KB) */
	int found;                     /**< 1 if there was somewhere to connect, 0 if the MX lookup failed */
	char why[256];                 /**< with found 0: why the MX lookup found no place to connect */
} smtp_domain_probe;

/**
 * Probe domain with the settings base (host, connect_addr ignored): connect to host when it is not NULL,
 * else to the MX candidates of domain looked up on dns; the next candidate is tried only while one could not
 * be reached at all and base->deadline has not passed. Fills out (found 0 with why when the lookup failed).
 */
void smtp_probe_domain(const smtp_probe_config *base, const char *host, mr_dns *dns, const char *domain,
                       smtp_domain_probe *out);

/** This host's fully qualified name, or its plain host name, or "localhost"; into dst. */
void smtp_local_fqdn(char *dst, size_t size);

#endif

/* tlsopt.h: the TLS option group of the libcurl plugins (--cafile, --insecure or --tls-verify) and the one
 * libcurl set-up of the suite. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_TLSOPT_H
#define MR_TLSOPT_H

#include "options.h"
#include "plugin.h"

/** What the TLS options say; a plugin keeps one in its config and names its offset (mr_plugin.tls_off). */
typedef struct mr_tls_config {
	const char *cafile;  /**< --cafile: CA certificates, or NULL for the system's */
	int verify;          /**< --tls-verify: verify the certificate and name (opt-in, STARTTLS probes) */
	int insecure;        /**< --insecure: do not verify (opt-out, tests only) */
} mr_tls_config;

/** TLS rows of an SMTP probe: --tls-verify (opt-in) and --cafile, which must be readable. */
extern const mr_option mr_tls_smtp_options[];
/** TLS rows of an HTTPS client: --cafile and --insecure (which also allows an http:// URL). */
extern const mr_option mr_tls_https_options[];
/** TLS rows of an IMAP client: --cafile and --insecure. */
extern const mr_option mr_tls_imap_options[];

/** libcurl, initialised once per run by the plugin frame ("cannot initialise libcurl" when it fails). */
extern const mr_plugin_service mr_curl_service;

#endif

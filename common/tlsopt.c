/* tlsopt.c: owns the TLS option rows shared by the libcurl plugins (each keeps its own help text) and
 * libcurl's global set-up as a plugin frame service. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <curl/curl.h>

#include "tlsopt.h"

/** TLS rows of an SMTP probe. */
const mr_option mr_tls_smtp_options[] = {
	{ .long_name = "tls-verify", .arg = MR_ARG_NONE, .help = "verify the server certificate and its name",
	  .type = MR_T_FLAG, .off = MR_AT(mr_tls_config, verify) },
	{ .long_name = "cafile", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "CA certificates for --tls-verify (default: the system's)",
	  .type = MR_T_FILE, .off = MR_AT(mr_tls_config, cafile) },
	MR_OPTION_END
};

/** TLS rows of an HTTPS client. */
const mr_option mr_tls_https_options[] = {
	{ .long_name = "cafile", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "CA certificates to verify the server with",
	  .type = MR_T_STRING, .off = MR_AT(mr_tls_config, cafile) },
	{ .long_name = "insecure", .arg = MR_ARG_NONE,
	  .help = "do not verify the server certificate and allow an http:// --base-url: for tests only, never in "
	          "production",
	  .type = MR_T_FLAG, .off = MR_AT(mr_tls_config, insecure) },
	MR_OPTION_END
};

/** TLS rows of an IMAP client. */
const mr_option mr_tls_imap_options[] = {
	{ .long_name = "cafile", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "CA certificates for the IMAP server",
	  .type = MR_T_STRING, .off = MR_AT(mr_tls_config, cafile) },
	{ .long_name = "insecure", .arg = MR_ARG_NONE, .help = "do not verify the IMAP server certificate (tests only)",
	  .type = MR_T_FLAG, .off = MR_AT(mr_tls_config, insecure) },
	MR_OPTION_END
};

/** mr_plugin_service.init: libcurl's global set-up; 0 or -1. */
static int curl_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

/** mr_plugin_service.cleanup: undo curl_init. */
static void curl_cleanup(void)
{
	curl_global_cleanup();
}

/** libcurl as a plugin frame service. */
const mr_plugin_service mr_curl_service = { "libcurl", curl_init, curl_cleanup };

/* curlio.h: libcurl helpers shared by the HTTPS client, the SMTP probe and the IMAP reader: the common handle
 * set-up, error classification with masked text, and byte I/O over a CONNECT_ONLY connection with deadlines. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_CURLIO_H
#define MR_CURLIO_H

#include <stddef.h>
#include <curl/curl.h>
#include "util.h"

/** What kind of failure a libcurl result is. */
typedef enum mr_curl_class {
	MR_CURL_TLS = 0,  /**< TLS handshake, certificate or CA problem */
	MR_CURL_CONNECT,  /**< no connection: cannot resolve, connect or bind */
	MR_CURL_TIMEOUT,  /**< the transfer timed out */
	MR_CURL_OTHER     /**< anything else (including CURLE_OK) */
} mr_curl_class;

/**
 * Settings every handle of the suite shares: no signals, errbuf (CURL_ERROR_SIZE bytes, set to "") as error
 * buffer, a total timeout at the monotonic deadline (mr_ms_until), certificate and host name verification when
 * verify is not 0, and cafile as CA bundle when not NULL. 0, or -1 if libcurl refused a setting.
 */
int mr_curl_setup(CURL *h, const char *cafile, int verify, double deadline, char *errbuf);
/**
 * Classify a libcurl result and append its reason to msg (which may be NULL): errbuf if it holds text, else
 * curl_easy_strerror(rc), with registered secrets masked. Never a URL beyond what libcurl put in errbuf.
 */
mr_curl_class mr_curl_error(CURLcode rc, const char *errbuf, mr_buf *msg);

/** Send all n bytes on h's connection before the monotonic deadline; 0, or -1 (timeout, closed, error). */
int mr_curl_send_all(CURL *h, const char *buf, size_t n, double deadline);
/**
 * Receive some bytes from h's connection before deadline: data libcurl already decrypted is read before
 * polling. Returns 0 with *got > 0, 1 on timeout, -1 when the peer closed (*got 0) or on error.
 */
int mr_curl_recv_some(CURL *h, char *buf, size_t cap, size_t *got, double deadline);

#endif

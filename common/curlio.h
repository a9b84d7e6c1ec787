/* curlio.h: byte I/O over a libcurl CONNECT_ONLY connection with deadlines (SMTP probe, IMAP reader). */
#ifndef MR_CURLIO_H
#define MR_CURLIO_H

#include <stddef.h>
#include <curl/curl.h>

/** Send all n bytes on h's connection before the monotonic deadline; 0, or -1 (timeout, closed, error). */
int mr_curl_send_all(CURL *h, const char *buf, size_t n, double deadline);
/**
 * Receive some bytes from h's connection before deadline: data libcurl already decrypted is read before
 * polling. Returns 0 with *got > 0, 1 on timeout, -1 when the peer closed (*got 0) or on error.
 */
int mr_curl_recv_some(CURL *h, char *buf, size_t cap, size_t *got, double deadline);

#endif

/* curlio.c: owns the suite's common libcurl handle set-up and error classification, and waiting on a libcurl
 * CONNECT_ONLY connection: send-all and receive-some with poll() deadlines. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <poll.h>
#include <string.h>

#include "curlio.h"
#include "deadline.h"
#include "secret.h"

/** Longest error text taken from libcurl (its error buffer holds CURL_ERROR_SIZE bytes). */
#define MR_CURL_ERROR_MAX 4096

/** Apply the settings every handle shares; see curlio.h. */
int mr_curl_setup(CURL *h, const char *cafile, int verify, double deadline, char *errbuf)
{
	if (h == NULL || errbuf == NULL)
		return -1;
	errbuf[0] = '\0';
	if (curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, mr_ms_until(deadline)) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L) != CURLE_OK)
		return -1;
	if (cafile != NULL && curl_easy_setopt(h, CURLOPT_CAINFO, cafile) != CURLE_OK)
		return -1;
	return 0;
}

/** Classify rc and append its masked reason to msg; see curlio.h. */
mr_curl_class mr_curl_error(CURLcode rc, const char *errbuf, mr_buf *msg)
{
	mr_buf text;
	mr_curl_class cls;
	size_t len;

	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
		cls = MR_CURL_TLS;
		break;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_INTERFACE_FAILED:
		cls = MR_CURL_CONNECT;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		cls = MR_CURL_TIMEOUT;
		break;
	default:
		cls = MR_CURL_OTHER;
		break;
	}
	/* Whole text, masked before anything could cut it. */
	mr_buf_init(&text, MR_CURL_ERROR_MAX);
	if (mr_buf_puts(&text, errbuf != NULL && errbuf[0] ? errbuf : curl_easy_strerror(rc)) == 0) {
		len = mr_secret_mask(text.data, text.len);
		mr_buf_append(msg, text.data, len);
	}
	mr_buf_free(&text);
	return cls;
}

/** Wait until h's socket is ready for events or the deadline passes; 1 ready, 0 timeout, -1 error. */
static int wait_socket(CURL *h, short events, double deadline)
{
	curl_socket_t fd;
	struct pollfd p;
	int n;

	if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD)
		return -1;
	if (deadline - mr_now() <= 0)
		return 0;
	p.fd = fd;
	p.events = events;
	p.revents = 0;
	/* rounded up: a wait that times out ends at or after the deadline */
	n = poll(&p, 1, (int)mr_ms_until(deadline));
	if (n < 0)
		return -1;
	return n == 0 ? 0 : 1;
}

/** Send all n bytes on h's connection before the monotonic deadline; 0 or -1. */
int mr_curl_send_all(CURL *h, const char *buf, size_t n, double deadline)
{
	while (n > 0) {
		size_t sent = 0;
		CURLcode rc = curl_easy_send(h, buf, n, &sent);
		if (rc == CURLE_AGAIN) {
			if (wait_socket(h, POLLOUT, deadline) <= 0)
				return -1;
			continue;
		}
		if (rc != CURLE_OK)
			return -1;
		buf += sent;
		n -= sent;
	}
	return 0;
}

/** Receive some bytes from h's connection before deadline; 0 data, 1 timeout, -1 closed or error. */
int mr_curl_recv_some(CURL *h, char *buf, size_t cap, size_t *got, double deadline)
{
	for (;;) {
		int w;
		CURLcode rc;

		*got = 0;
		rc = curl_easy_recv(h, buf, cap, got);
		if (rc == CURLE_OK)
			return *got > 0 ? 0 : -1;
		if (rc != CURLE_AGAIN)
			return -1;
		w = wait_socket(h, POLLIN, deadline);
		if (w == 0)
			return 1;
		if (w < 0)
			return -1;
	}
}

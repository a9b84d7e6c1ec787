/* curlio.c: owns waiting on a libcurl CONNECT_ONLY connection: send-all and receive-some with poll() deadlines. */
#include <poll.h>

#include "curlio.h"
#include "deadline.h"

/** Wait until h's socket is ready for events or the deadline passes; 1 ready, 0 timeout, -1 error. */
static int wait_socket(CURL *h, short events, double deadline)
{
	curl_socket_t fd;
	struct pollfd p;
	double left = deadline - mr_now();

	if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD)
		return -1;
	if (left <= 0)
		return 0;
	p.fd = fd;
	p.events = events;
	p.revents = 0;
	if (poll(&p, 1, (int)(left * 1000) + 1) < 0)
		return -1;
	return 1;
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

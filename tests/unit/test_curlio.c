/* test_curlio.c: unit tests of the shared libcurl helpers (common/curlio.c): error classification with masked
 * text, the common handle set-up (timeout, error buffer, CA bundle, verification) and the CONNECT_ONLY reader,
 * against a loopback listener that accepts connections and never says anything. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/curlio.h"
#include "common/deadline.h"
#include "common/secret.h"
#include "common/util.h"

/** The silent listener of a test: its socket and its URL prefix "127.0.0.1:PORT". */
typedef struct listener {
	int fd;            /**< listening socket (the kernel completes connections from its backlog) */
	char addr[64];     /**< "127.0.0.1:PORT" */
} listener;

/** Setup: a silent loopback listener. */
static int listen_silent(void **state)
{
	static listener l;
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l.fd = socket(AF_INET, SOCK_STREAM, 0);
	if (l.fd < 0 || bind(l.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(l.fd, 16) != 0 ||
	    getsockname(l.fd, (struct sockaddr *)&sa, &len) != 0)
		return -1;
	if (mr_snprintf(l.addr, sizeof(l.addr), "127.0.0.1:%u", (unsigned)ntohs(sa.sin_port)) != 0)
		return -1;
	*state = &l;
	return 0;
}

/** Teardown: close the listener. */
static int close_silent(void **state)
{
	listener *l = *state;

	close(l->fd);
	mr_secret_clear();
	return 0;
}

/** The classification of a result, with msg checked to be reason text. */
static mr_curl_class class_of(CURLcode rc, const char *errbuf, const char *want)
{
	mr_buf msg;
	mr_curl_class c;

	mr_buf_init(&msg, 1024);
	c = mr_curl_error(rc, errbuf, &msg);
	assert_string_equal(mr_buf_str(&msg), want);
	mr_buf_free(&msg);
	return c;
}

/** Every TLS result is TLS; resolve, connect and bind failures are CONNECT; the timeout is TIMEOUT. */
static void test_error_classes(void **state)
{
	static const CURLcode tls[] = {
		CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
		CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
		CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
	};
	static const CURLcode connect[] = { CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_INTERFACE_FAILED };
	static const CURLcode other[] = {
		CURLE_OK, CURLE_WRITE_ERROR, CURLE_TOO_MANY_REDIRECTS, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
		CURLE_WEIRD_SERVER_REPLY, CURLE_USE_SSL_FAILED, CURLE_LOGIN_DENIED,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tls) / sizeof(tls[0]); i++)
		assert_int_equal(class_of(tls[i], "", curl_easy_strerror(tls[i])), MR_CURL_TLS);
	for (i = 0; i < sizeof(connect) / sizeof(connect[0]); i++)
		assert_int_equal(class_of(connect[i], "", curl_easy_strerror(connect[i])), MR_CURL_CONNECT);
	assert_int_equal(class_of(CURLE_OPERATION_TIMEDOUT, "", curl_easy_strerror(CURLE_OPERATION_TIMEDOUT)),
	                 MR_CURL_TIMEOUT);
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		assert_int_equal(class_of(other[i], "", curl_easy_strerror(other[i])), MR_CURL_OTHER);
}

/** The error buffer's text wins over the generic one, registered secrets in it are masked; msg may be NULL. */
static void test_error_text_is_errbuf_masked(void **state)
{
	(void)state;
	assert_int_equal(mr_secret_register("s3cret-in-errbuf"), 0);
	assert_int_equal(class_of(CURLE_COULDNT_CONNECT, "Failed to connect to s3cret-in-errbuf port 1",
	                          "Failed to connect to *** port 1"), MR_CURL_CONNECT);
	assert_int_equal(class_of(CURLE_OPERATION_TIMEDOUT, NULL, curl_easy_strerror(CURLE_OPERATION_TIMEDOUT)),
	                 MR_CURL_TIMEOUT);
	assert_int_equal(mr_curl_error(CURLE_PEER_FAILED_VERIFICATION, "x", NULL), MR_CURL_TLS);
}

/** Set-up refuses a missing handle or error buffer. */
static void test_setup_refuses_null(void **state)
{
	char errbuf[CURL_ERROR_SIZE];
	CURL *h = curl_easy_init();

	(void)state;
	assert_non_null(h);
	assert_int_equal(mr_curl_setup(NULL, NULL, 1, mr_now() + 1, errbuf), -1);
	assert_int_equal(mr_curl_setup(h, NULL, 1, mr_now() + 1, NULL), -1);
	curl_easy_cleanup(h);
}

/** Perform an HTTPS GET on the silent listener with the common set-up; its result, errbuf filled in. */
static CURLcode get_silent(const listener *l, const char *cafile, int verify, double deadline, char *errbuf)
{
	char url[128];
	CURL *h = curl_easy_init();
	CURLcode rc;

	assert_non_null(h);
	assert_int_equal(mr_snprintf(url, sizeof(url), "https://%s/", l->addr), 0);
	errbuf[0] = 'x';
	assert_int_equal(mr_curl_setup(h, cafile, verify, deadline, errbuf), 0);
	assert_string_equal(errbuf, "");
	curl_easy_setopt(h, CURLOPT_URL, url);
	rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	return rc;
}

/** The total timeout ends a silent exchange at (and not much after) the deadline, with a reason in errbuf. */
static void test_setup_times_out_at_the_deadline(void **state)
{
	char errbuf[CURL_ERROR_SIZE];
	double start = mr_now();
	CURLcode rc = get_silent(*state, NULL, 0, start + 0.3, errbuf);
	double took = mr_now() - start;

	assert_int_equal(rc, CURLE_OPERATION_TIMEDOUT);
	assert_true(took >= 0.29);
	assert_true(took < 5.0);
	assert_true(errbuf[0] != '\0');
}

/** With verification on, an unreadable CA bundle is a TLS error at once; with it off, libcurl goes on. */
static void test_setup_cafile_and_verify(void **state)
{
	char errbuf[CURL_ERROR_SIZE];
	mr_buf msg;
	CURLcode rc;

	rc = get_silent(*state, "/nonexistent/ca.pem", 1, mr_now() + 5.0, errbuf);
	mr_buf_init(&msg, 1024);
	assert_int_equal(mr_curl_error(rc, errbuf, &msg), MR_CURL_TLS);
	assert_string_equal(mr_buf_str(&msg), errbuf);
	mr_buf_free(&msg);
	rc = get_silent(*state, "/nonexistent/ca.pem", 0, mr_now() + 0.2, errbuf);
	assert_int_equal(rc, CURLE_OPERATION_TIMEDOUT);
}

/** On a silent CONNECT_ONLY connection, receiving times out (1) at the deadline and sending succeeds. */
static void test_recv_some_times_out(void **state)
{
	const listener *l = *state;
	char errbuf[CURL_ERROR_SIZE], url[128], buf[64];
	CURL *h = curl_easy_init();
	size_t got = 99;
	double start;

	assert_non_null(h);
	assert_int_equal(mr_snprintf(url, sizeof(url), "http://%s/", l->addr), 0);
	assert_int_equal(mr_curl_setup(h, NULL, 1, mr_now() + 5.0, errbuf), 0);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	assert_int_equal(mr_curl_send_all(h, "hello\r\n", 7, mr_now() + 1.0), 0);
	start = mr_now();
	assert_int_equal(mr_curl_recv_some(h, buf, sizeof(buf), &got, start + 0.2), 1);
	assert_int_equal(got, 0);
	assert_true(mr_now() - start >= 0.19);
	curl_easy_cleanup(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_classes),
		cmocka_unit_test(test_error_text_is_errbuf_masked),
		cmocka_unit_test(test_setup_refuses_null),
		cmocka_unit_test(test_setup_times_out_at_the_deadline),
		cmocka_unit_test(test_setup_cafile_and_verify),
		cmocka_unit_test(test_recv_some_times_out),
	};
	int rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	rc = cmocka_run_group_tests(tests, listen_silent, close_silent);
	curl_global_cleanup();
	return rc;
}

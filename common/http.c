/* http.c: owns the suite's HTTPS requests: one libcurl easy handle per GET with TLS verification on, bounded
 * body and redirects, a User-Agent, and errors and traces that never carry a URL or a registered secret. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "curlio.h"
#include "deadline.h"
#include "http.h"
#include "trace.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

/** Fill cfg with defaults. */
void mr_http_config_init(mr_http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_redirects = 3;
	cfg->max_body = (size_t)32 * 1024 * 1024;
	cfg->user_agent = "mailrep-plugins/" PACKAGE_VERSION " (monitoring plugin)";
	cfg->deadline = mr_now() + 30;
}

/** libcurl write callback: append to the bounded body, or stop the transfer when it is full. */
static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	mr_buf *b = user;

	if (mr_buf_append(b, data, size * n) != 0)
		return 0;
	return size * n;
}

/** libcurl debug callback: masked trace of the exchange at -vvv (headers and informational text, no bodies). */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t n, void *user)
{
	const char *dir = type == CURLINFO_HEADER_OUT ? ">" : type == CURLINFO_HEADER_IN ? "<" :
	                  type == CURLINFO_TEXT ? "*" : NULL;
	(void)h;
	(void)user;

	/* One trace line per header line, whole: the token in the Authorization header is masked. */
	if (dir != NULL)
		mr_trace_bytes("http", dir, data, n);
	return 0;
}

/** Map a libcurl result to a status and a one-line reason without URL. */
static mr_http_status map_error(CURLcode rc, const char *errbuf, mr_buf *err)
{
	mr_curl_class cls = mr_curl_error(rc, errbuf, err);

	if (rc == CURLE_WRITE_ERROR)
		return MR_HTTP_TOO_LARGE;
	if (rc == CURLE_TOO_MANY_REDIRECTS)
		return MR_HTTP_REDIRECTS;
	return cls == MR_CURL_TLS ? MR_HTTP_TLS : cls == MR_CURL_TIMEOUT ? MR_HTTP_TIMEOUT : MR_HTTP_NET;
}

/** GET url; see http.h. */
mr_http_status mr_http_get(const mr_http_config *cfg, const char *url, const char *bearer, mr_http_response *resp,
                           mr_buf *err)
{
	CURL *h = NULL;
	char errbuf[CURL_ERROR_SIZE];
	mr_http_status st = MR_HTTP_NET;
	char *ctype = NULL;
	CURLcode rc;

	memset(resp, 0, sizeof(*resp));
	mr_buf_init(&resp->body, cfg->max_body);
	h = curl_easy_init();
	/* The timeout is rounded up (mr_ms_until): a timed-out request ends at or just after the deadline, so callers
	 * comparing the clock with the deadline see that it was reached (--timeout-result). */
	if (h == NULL || mr_curl_setup(h, cfg->cafile, !cfg->insecure, cfg->deadline, errbuf) != 0) {
		mr_buf_puts(err, "cannot set up a libcurl handle");
		goto out;
	}
	if (bearer != NULL && (curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BEARER) != CURLE_OK ||
	                       curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, bearer) != CURLE_OK)) {
		mr_buf_puts(err, "cannot set the bearer token");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, cfg->max_redirects);
	curl_easy_setopt(h, CURLOPT_USERAGENT, cfg->user_agent);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp->body);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_body);
	/* The bearer token must not follow a redirect to another host. */
	curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
	if (cfg->verbose >= 3) {
		curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	}
	rc = curl_easy_perform(h);
	if (rc == CURLE_FILESIZE_EXCEEDED)
		rc = CURLE_WRITE_ERROR;
	if (rc != CURLE_OK) {
		st = map_error(rc, errbuf, err);
		if (st == MR_HTTP_TOO_LARGE) {
			mr_buf_reset(err);
			mr_buf_printf(err, "response larger than %zu bytes", cfg->max_body);
		}
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->code);
	curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &resp->redirects);
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype != NULL)
		mr_snprintf(resp->content_type, sizeof(resp->content_type), "%s", ctype);
	st = MR_HTTP_OK;
out:
	if (h != NULL)
		curl_easy_cleanup(h);
	return st;
}

/** Free a response's body. */
void mr_http_response_free(mr_http_response *resp)
{
	mr_buf_free(&resp->body);
}

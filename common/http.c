/* http.c: owns the suite's HTTPS requests: one libcurl easy handle per GET with TLS verification on, bounded
 * body and redirects, a User-Agent, and errors and traces that never carry a URL or a registered secret. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "deadline.h"
#include "http.h"
#include "secret.h"
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
	mr_buf line;
	size_t start = 0;
	(void)h;
	(void)user;

	if (dir == NULL)
		return 0;
	/* One trace line per header line, whole: mr_trace masks registered secrets (key, token) before it cuts. */
	mr_buf_init(&line, n);
	for (size_t i = 0; i <= n; i++) {
		if (i == n || data[i] == '\n') {
			size_t len = i - start;
			while (len > 0 && (data[start + len - 1] == '\r'))
				len--;
			mr_buf_reset(&line);
			if (len > 0 && mr_buf_append(&line, data + start, len) == 0) {
				for (size_t k = 0; k < len; k++)
					if ((unsigned char)line.data[k] < 0x20)
						line.data[k] = '?';
				mr_trace("http: %s %s", dir, line.data);
			}
			start = i + 1;
		}
	}
	if (line.data != NULL) /* it held the Authorization header: wipe it */
		memset(line.data, 0, line.cap);
	mr_buf_free(&line);
	return 0;
}

/** Map a libcurl result to a status and a one-line reason without URL. */
static mr_http_status map_error(CURLcode rc, const char *errbuf, mr_buf *err)
{
	mr_http_status st;
	char text[CURL_ERROR_SIZE + 64];
	size_t len;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		st = MR_HTTP_TIMEOUT;
		break;
	case CURLE_WRITE_ERROR:
		st = MR_HTTP_TOO_LARGE;
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		st = MR_HTTP_REDIRECTS;
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
		st = MR_HTTP_TLS;
		break;
	default:
		st = MR_HTTP_NET;
		break;
	}
	if (mr_snprintf(text, sizeof(text), "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc)) != 0)
		text[sizeof(text) - 1] = '\0';
	len = mr_secret_mask(text, strlen(text));
	text[len] = '\0';
	mr_buf_puts(err, text);
	return st;
}

/** GET url; see http.h. */
mr_http_status mr_http_get(const mr_http_config *cfg, const char *url, const char *bearer, mr_http_response *resp,
                           mr_buf *err)
{
	CURL *h = NULL;
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE], auth[4200];
	mr_http_status st = MR_HTTP_NET;
	double left = cfg->deadline - mr_now();
	/* Rounded up, like curlio's poll waits: a timed-out request ends at or just after the deadline, so callers
	 * comparing the clock with the deadline see that it was reached (--timeout-result). */
	long ms = left > 0 ? (long)(left * 1000) + 1 : 1;
	char *ctype = NULL;
	CURLcode rc;

	memset(resp, 0, sizeof(*resp));
	mr_buf_init(&resp->body, cfg->max_body);
	errbuf[0] = '\0';
	h = curl_easy_init();
	if (h == NULL) {
		mr_buf_puts(err, "cannot initialise libcurl");
		goto out;
	}
	if (bearer != NULL) {
		if (mr_snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer) != 0 ||
		    (headers = curl_slist_append(NULL, auth)) == NULL) {
			mr_buf_puts(err, "token too long");
			goto out;
		}
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, cfg->max_redirects);
	curl_easy_setopt(h, CURLOPT_USERAGENT, cfg->user_agent);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp->body);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, cfg->insecure ? 0L : 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, cfg->insecure ? 0L : 2L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_body);
	/* An Authorization header must not follow a redirect to another host. */
	curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
	if (cfg->cafile != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, cfg->cafile);
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
	/* The header held the token: wipe it. */
	memset(auth, 0, sizeof(auth));
	curl_slist_free_all(headers);
	if (h != NULL)
		curl_easy_cleanup(h);
	return st;
}

/** Free a response's body. */
void mr_http_response_free(mr_http_response *resp)
{
	mr_buf_free(&resp->body);
}

/* smtp_input_curl.c: the SMTP probe's connection over libcurl: connect (bound source address, pinned MX
 * address), greeting, EHLO and STARTTLS with certificate checks, then smtp_dialogue_run over the connection.
 *
 * Why libcurl with CURLOPT_CONNECT_ONLY: libcurl's SMTP mode always sends DATA after an accepted RCPT, so it
 * cannot stop after RCPT TO; CONNECT_ONLY lets libcurl do what it does well (connect from a bound address,
 * STARTTLS with certificate checks, HELO fallback) and leaves the commands that matter for classification to
 * smtp_input_session, one command at a time. The greeting-phase bytes are taken from libcurl's debug callback
 * and handed to smtp_input_session's greeting tracker, which validates them with the same reply reader. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <curl/curl.h>
#include <errno.h>
#include <string.h>

#include "../../common/curlio.h"
#include "../../common/deadline.h"
#include "smtp_input_curl.h"

/** State of the libcurl connection. */
typedef struct curl_ctx {
	CURL *h;                      /**< the easy handle */
	smtp_greeting g;              /**< the greeting phase, fed from the debug callback */
} curl_ctx;

/** libcurl debug callback: capture every reply line and command of the greeting phase. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t n, void *user)
{
	curl_ctx *c = user;
	(void)h;

	if (type == CURLINFO_HEADER_OUT)
		smtp_greeting_out(&c->g, data, n, mr_now());
	else if (type == CURLINFO_HEADER_IN)
		smtp_greeting_in(&c->g, data, n, mr_now());
	else if (type == CURLINFO_TEXT)
		smtp_greeting_info(&c->g, data, n, mr_now());
	return 0;
}

/** Transport send over libcurl's connection. */
static int curl_send_all(void *ctx, const char *buf, size_t n, double deadline, mr_buf *err)
{
	curl_ctx *c = ctx;

	if (mr_curl_send_all(c->h, buf, n, deadline) != 0)
		return mr_buf_puts(err, "cannot send: connection lost or send timed out"), -1;
	return 0;
}

/** Transport receive over libcurl's connection (0 data, 1 timeout, -1 closed or error). */
static int curl_recv_some(void *ctx, char *buf, size_t cap, size_t *got, double deadline, mr_buf *err)
{
	curl_ctx *c = ctx;
	int rc = mr_curl_recv_some(c->h, buf, cap, got, deadline);

	if (rc < 0)
		mr_buf_puts(err, "the server closed the connection");
	return rc;
}

/** Map a failed greeting phase to res->end: what the debug callback captured, else libcurl's error. */
static void greeting_failed(curl_ctx *c, CURLcode rc, const char *errbuf)
{
	smtp_probe_result *res = c->g.res;
	smtp_stage st = c->g.stage;
	long oserr = 0;
	char d[256];
	mr_buf why;
	const char *w;
	mr_curl_class cls;

	curl_easy_getinfo(c->h, CURLINFO_OS_ERRNO, &oserr);
	if (smtp_greeting_explain(&c->g))
		return;
	mr_buf_init(&why, sizeof(d));
	cls = mr_curl_error(rc, errbuf, &why);
	w = mr_buf_str(&why);
	if (cls == MR_CURL_CONNECT && oserr == EADDRNOTAVAIL && c->g.cfg->bind != NULL) {
		smtp_probe_set_end(res, SMTP_END_NOT_LOCAL, SMTP_STAGE_CONNECT, strerror((int)oserr));
	} else if (cls == MR_CURL_CONNECT) {
		int known = oserr == 0 || strstr(w, strerror((int)oserr)) != NULL;
		mr_snprintf(d, sizeof(d), "%s%s%s", w, known ? "" : ": ", known ? "" : strerror((int)oserr));
		smtp_probe_set_end(res, SMTP_END_CONNECT_FAILED, SMTP_STAGE_CONNECT, d);
	} else if (cls == MR_CURL_TIMEOUT && !res->st[SMTP_STAGE_BANNER].reached) {
		smtp_probe_set_end(res, SMTP_END_TIMEOUT, SMTP_STAGE_CONNECT, "no TCP connection in time");
	} else if (cls == MR_CURL_TIMEOUT) {
		smtp_probe_set_end(res, c->g.endless ? SMTP_END_BAD_REPLY : SMTP_END_TIMEOUT, st,
		        c->g.endless ? "the server sends an endless line" : "no complete reply in time");
	} else if (rc == CURLE_USE_SSL_FAILED) {
		smtp_probe_set_end(res, SMTP_END_NO_TLS, SMTP_STAGE_STARTTLS, "STARTTLS is not offered and --starttls=require");
	} else if (cls == MR_CURL_TLS) {
		mr_snprintf(d, sizeof(d), "TLS failed: %s", w);
		smtp_probe_set_end(res, SMTP_END_TLS_FAILED, SMTP_STAGE_STARTTLS, d);
	} else if (c->g.endless || strstr(w, "Too large") != NULL || strstr(w, "too large") != NULL) {
		mr_snprintf(d, sizeof(d), "the server sends an endless line (%s)", w);
		smtp_probe_set_end(res, SMTP_END_BAD_REPLY, st, d);
	} else {
		smtp_probe_set_end(res, rc == CURLE_WEIRD_SERVER_REPLY ? SMTP_END_BAD_REPLY : SMTP_END_CLOSED, st, w);
	}
	mr_buf_free(&why);
}

/** Apply the probe settings to the easy handle; 0 or -1. */
static int setup_handle(curl_ctx *c, char *errbuf, struct curl_slist **resolve)
{
	const smtp_probe_config *cfg = c->g.cfg;
	char url[600], iface[128], pin[600];
	long total_ms = mr_ms_until(cfg->deadline);
	long stage_ms = (long)(cfg->stage_timeout * 1000);
	int v6 = strchr(cfg->host, ':') != NULL;

	if (mr_snprintf(url, sizeof(url), v6 ? "smtp://[%s]:%ld/%s" : "smtp://%s:%ld/%s", cfg->host, cfg->port,
	                cfg->ehlo) != 0)
		return -1;
	if (curl_easy_setopt(c->h, CURLOPT_URL, url) != CURLE_OK)
		return -1;
	if (mr_curl_setup(c->h, cfg->cafile, cfg->tls_verify, cfg->deadline, errbuf) != 0)
		return -1;
	curl_easy_setopt(c->h, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c->h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c->h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(c->h, CURLOPT_DEBUGDATA, c);
	curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT_MS, stage_ms < total_ms ? stage_ms : total_ms);
	curl_easy_setopt(c->h, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)(cfg->stage_timeout + 0.999));
	curl_easy_setopt(c->h, CURLOPT_IPRESOLVE, cfg->ipv6 ? CURL_IPRESOLVE_V6 : CURL_IPRESOLVE_V4);
	curl_easy_setopt(c->h, CURLOPT_USE_SSL, cfg->tls == SMTP_TLS_NEVER ? (long)CURLUSESSL_NONE :
	                 cfg->tls == SMTP_TLS_REQUIRE ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (cfg->bind != NULL) {
		if (mr_snprintf(iface, sizeof(iface), "host!%s", cfg->bind) != 0)
			return -1;
		curl_easy_setopt(c->h, CURLOPT_INTERFACE, iface);
	}
	if (cfg->connect_addr != NULL) {
		int a6 = strchr(cfg->connect_addr, ':') != NULL;
		if (mr_snprintf(pin, sizeof(pin), a6 ? "%s:%ld:[%s]" : "%s:%ld:%s", cfg->host, cfg->port,
		                cfg->connect_addr) != 0)
			return -1;
		*resolve = curl_slist_append(NULL, pin);
		if (*resolve == NULL)
			return -1;
		curl_easy_setopt(c->h, CURLOPT_RESOLVE, *resolve);
	}
	return 0;
}

/** Connect with libcurl (greeting, EHLO, STARTTLS, EHLO), then run smtp_dialogue_run over the connection. */
void smtp_probe_run(const smtp_probe_config *cfg, smtp_probe_result *res)
{
	curl_ctx c;
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *resolve = NULL;
	smtp_transport t;
	double start = mr_now();
	CURLcode rc;
	char *ip = NULL;
	curl_off_t connect_us = 0;

	errbuf[0] = '\0';
	smtp_greeting_init(&c.g, cfg, res, start);
	c.h = curl_easy_init();
	if (c.h == NULL || setup_handle(&c, errbuf, &resolve) != 0) {
		smtp_probe_set_end(res, SMTP_END_CONNECT_FAILED, SMTP_STAGE_CONNECT, "cannot set up libcurl");
		goto out;
	}
	rc = curl_easy_perform(c.h);
	if (c.g.connected_at > 0) {
		res->st[SMTP_STAGE_CONNECT].has_reply = 1;
		res->st[SMTP_STAGE_CONNECT].seconds = c.g.connected_at - start;
	} else if (curl_easy_getinfo(c.h, CURLINFO_CONNECT_TIME_T, &connect_us) == CURLE_OK && connect_us > 0) {
		res->st[SMTP_STAGE_CONNECT].has_reply = 1;
		res->st[SMTP_STAGE_CONNECT].seconds = (double)connect_us / 1e6;
		res->st[SMTP_STAGE_BANNER].reached = 1;
	}
	if (curl_easy_getinfo(c.h, CURLINFO_LOCAL_IP, &ip) == CURLE_OK && ip != NULL)
		mr_snprintf(res->local_ip, sizeof(res->local_ip), "%s", ip);
	if (curl_easy_getinfo(c.h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != NULL)
		mr_snprintf(res->remote_ip, sizeof(res->remote_ip), "%s", ip);
	smtp_greeting_finish(&c.g, mr_now());
	if (rc != CURLE_OK || c.g.bad) {
		greeting_failed(&c, rc, errbuf);
		goto out;
	}
	t.ctx = &c;
	t.send = curl_send_all;
	t.recv = curl_recv_some;
	smtp_dialogue_run(cfg, &t, res);
out:
	res->total = mr_now() - start;
	curl_slist_free_all(resolve);
	if (c.h != NULL)
		curl_easy_cleanup(c.h);
}

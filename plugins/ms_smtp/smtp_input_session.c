/* smtp_session.c: the SMTP probe: libcurl greeting phase (banner, EHLO, STARTTLS), then an explicit state
 * machine for MAIL FROM, RCPT TO, DATA, RSET and QUIT over libcurl's connection.
 *
 * Why libcurl with CURLOPT_CONNECT_ONLY: libcurl's SMTP mode always sends DATA after an accepted RCPT, so it
 * cannot stop after RCPT TO; CONNECT_ONLY lets libcurl do what it does well (connect from a bound address,
 * STARTTLS with certificate checks, HELO fallback) and leaves the commands that matter for classification to
 * this module, one command at a time (no pipelining), with every reply captured and validated here. The
 * greeting-phase replies are captured from libcurl's debug callback and validated with the same reader. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../common/curlio.h"
#include "../../common/deadline.h"
#include "../../common/trace.h"
#include "smtp_session.h"

/** Longest command line we send, with CRLF and NUL. */
#define CMD_MAX 600

/** Trace n bytes of the dialogue at -vvv as masked "smtp: DIR line" lines. */
static void trace(const smtp_probe_config *cfg, const char *dir, const char *text, size_t n)
{
	if (cfg->verbose >= 3)
		mr_trace_bytes("smtp", dir, text, n);
}

/** Set the end of the dialogue: its cause, the stage it ended in and a detail text. */
static void set_end(smtp_probe_result *res, smtp_end end, smtp_stage st, const char *detail)
{
	res->end = end;
	res->last = st;
	mr_snprintf(res->detail, sizeof(res->detail), "%s", detail ? detail : "");
}

/** Read one complete reply for stage st (started then) through t before deadline; 0, or -1 after setting res->end. */
static int read_reply(const smtp_probe_config *cfg, const smtp_transport *t, smtp_reader *rd, char *pend,
                      size_t *npend, smtp_stage st, double started, double deadline, smtp_probe_result *res)
{
	smtp_stage_result *sr = &res->st[st];
	mr_buf err;
	int rc = -1;

	mr_buf_init(&err, 256);
	for (;;) {
		size_t used = 0, got = 0;
		smtp_rd_status s = smtp_reader_feed(rd, pend, *npend, &used, &sr->reply);
		memmove(pend, pend + used, *npend - used);
		*npend -= used;
		if (s == SMTP_RD_REPLY) {
			sr->has_reply = 1;
			sr->seconds = mr_now() - started;
			trace(cfg, "<", sr->reply.text, strlen(sr->reply.text));
			rc = 0;
			break;
		}
		if (s != SMTP_RD_MORE) {
			char d[256];
			mr_snprintf(d, sizeof(d), "%s: \"%s\"", smtp_rd_status_text(s), rd->bad_line);
			set_end(res, SMTP_END_BAD_REPLY, st, d);
			break;
		}
		switch (t->recv(t->ctx, pend, SMTP_LINE_MAX, &got, deadline, &err)) {
		case 0:
			*npend = got;
			continue;
		case 1:
			set_end(res, SMTP_END_TIMEOUT, st, "no complete reply in time");
			break;
		default:
			set_end(res, SMTP_END_CLOSED, st, err.len ? mr_buf_str(&err) : "the server closed the connection");
			break;
		}
		break;
	}
	mr_buf_free(&err);
	return rc;
}

/** Send n bytes for stage st (traced as shown) and read the reply; 0 if a reply arrived, -1 after setting res->end. */
static int command(const smtp_probe_config *cfg, const smtp_transport *t, smtp_reader *rd, char *pend,
                   size_t *npend, smtp_stage st, const char *data, size_t n, const char *shown,
                   smtp_probe_result *res)
{
	double started = mr_now();
	/* The stage's time, but never past the run's deadline: for the send as for the reply. */
	double deadline = started + cfg->stage_timeout < cfg->deadline ? started + cfg->stage_timeout : cfg->deadline;
	mr_buf err;
	int rc;

	res->st[st].reached = 1;
	trace(cfg, ">", shown, strlen(shown));
	mr_buf_init(&err, 256);
	rc = t->send(t->ctx, data, n, deadline, &err);
	if (rc != 0) {
		set_end(res, SMTP_END_CLOSED, st, err.len ? mr_buf_str(&err) : "cannot send");
		mr_buf_free(&err);
		return -1;
	}
	mr_buf_free(&err);
	return read_reply(cfg, t, rd, pend, npend, st, started, deadline, res);
}

/** Build the dated test message sent with --send into out; 0 or -1. */
int smtp_test_message(const smtp_probe_config *cfg, mr_buf *out)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL || strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
		return -1;
	mr_buf_printf(out,
	              "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: mailrep-plugins check_ms_smtp test %s\r\n"
	              "Message-ID: <%lld.%ld@%s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
	              "Auto-Submitted: auto-generated\r\n\r\n"
	              "Delivery test sent by the check_ms_smtp monitoring probe at %s.\r\n.\r\n",
	              date, cfg->from, cfg->rcpt ? cfg->rcpt : "", date, (long long)now, (long)getpid(), cfg->ehlo,
	              date);
	return out->failed ? -1 : 0;
}

/** 1 if the reply is the positive completion (2xx) or intermediate (3xx) reply a stage expects. */
static int positive(const smtp_probe_result *res, smtp_stage st)
{
	int code = res->st[st].reply.code;

	return code >= 200 && code < 400;
}

/** Run the stages after the greeting phase over t (MAIL, RCPT, DATA, RSET, QUIT). */
void smtp_dialogue_run(const smtp_probe_config *cfg, const smtp_transport *t, smtp_probe_result *res)
{
	char pend[SMTP_LINE_MAX + 2];
	smtp_reader rd;
	char cmd[CMD_MAX];
	size_t npend = 0;
	smtp_stage st = SMTP_STAGE_MAIL;
	int rejected = 0;

	smtp_reader_init(&rd);
	res->end = SMTP_END_DONE;
	/* The explicit state machine: each state sends one command and decides the next state from its reply. */
	while (st != SMTP_STAGE_COUNT) {
		smtp_stage next = SMTP_STAGE_COUNT;
		int rc;
		mr_buf msg;

		switch (st) {
		case SMTP_STAGE_MAIL:
			rc = mr_snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>\r\n", cfg->from);
			break;
		case SMTP_STAGE_RCPT:
			rc = mr_snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>\r\n", cfg->rcpt);
			break;
		case SMTP_STAGE_DATA:
			rc = mr_snprintf(cmd, sizeof(cmd), "DATA\r\n");
			break;
		case SMTP_STAGE_RSET:
			rc = mr_snprintf(cmd, sizeof(cmd), "RSET\r\n");
			break;
		case SMTP_STAGE_QUIT:
			rc = mr_snprintf(cmd, sizeof(cmd), "QUIT\r\n");
			break;
		case SMTP_STAGE_DATA_END:
			mr_buf_init(&msg, 4096);
			if (smtp_test_message(cfg, &msg) != 0) {
				mr_buf_free(&msg);
				set_end(res, SMTP_END_BAD_REPLY, st, "cannot build the test message");
				return;
			}
			rc = command(cfg, t, &rd, pend, &npend, st, msg.data, msg.len, "(test message)", res);
			mr_buf_free(&msg);
			if (rc != 0)
				return;
			if (!positive(res, st)) {
				rejected = 1;
				res->last = st;
			}
			st = SMTP_STAGE_QUIT;
			continue;
		default:
			return;
		}
		if (rc != 0 || command(cfg, t, &rd, pend, &npend, st, cmd, strlen(cmd), cmd, res) != 0) {
			if (rc != 0)
				set_end(res, SMTP_END_BAD_REPLY, st, "command too long");
			return;
		}
		switch (st) {
		case SMTP_STAGE_MAIL:
			next = !positive(res, st) ? SMTP_STAGE_QUIT : cfg->rcpt ? SMTP_STAGE_RCPT : SMTP_STAGE_RSET;
			break;
		case SMTP_STAGE_RCPT:
			next = positive(res, st) && cfg->send_data ? SMTP_STAGE_DATA : SMTP_STAGE_RSET;
			break;
		case SMTP_STAGE_DATA:
			next = positive(res, st) ? SMTP_STAGE_DATA_END : SMTP_STAGE_RSET;
			break;
		case SMTP_STAGE_RSET:
			next = SMTP_STAGE_QUIT;
			break;
		default:
			next = SMTP_STAGE_COUNT;
			break;
		}
		if (st != SMTP_STAGE_RSET && st != SMTP_STAGE_QUIT && !positive(res, st) && !rejected) {
			rejected = 1;
			res->last = st;
		}
		st = next;
	}
	if (rejected)
		res->end = SMTP_END_REJECTED;
	else
		res->last = SMTP_STAGE_QUIT;
}

/* ---- libcurl greeting phase and transport ------------------------------------------------------------ */

/** State of the libcurl connection. */
typedef struct curl_ctx {
	CURL *h;                      /**< the easy handle */
	const smtp_probe_config *cfg; /**< configuration */
	smtp_probe_result *res;       /**< where greeting replies go */
	smtp_reader rd;               /**< validates greeting-phase replies */
	smtp_stage stage;             /**< stage the next incoming reply belongs to */
	double stage_start;           /**< when that stage started */
	int starttls_sent;            /**< STARTTLS went out */
	int bad;                      /**< a greeting reply failed validation */
	int endless;                  /**< libcurl reported an excessive line */
	double connected_at;          /**< when the TCP connection stood (0 = not yet) */
	char bad_detail[200];         /**< why */
} curl_ctx;

/** Note an outgoing greeting-phase command: it starts a new stage. */
static void greeting_out(curl_ctx *c, const char *data, size_t n)
{
	double now = mr_now();

	trace(c->cfg, ">", data, n);
	if (n >= 4 && (strncasecmp(data, "EHLO", 4) == 0 || strncasecmp(data, "HELO", 4) == 0)) {
		if (strncasecmp(data, "HELO", 4) == 0)
			c->res->helo_fallback = 1;
		c->stage = c->starttls_sent ? SMTP_STAGE_EHLO_TLS : SMTP_STAGE_EHLO;
		/* The TLS handshake ends when the second EHLO goes out. */
		if (c->starttls_sent && c->res->st[SMTP_STAGE_STARTTLS].has_reply && !c->res->tls) {
			c->res->tls = 1;
			c->res->st[SMTP_STAGE_STARTTLS].seconds = now - c->stage_start;
		}
	} else if (n >= 8 && strncasecmp(data, "STARTTLS", 8) == 0) {
		c->stage = SMTP_STAGE_STARTTLS;
		c->starttls_sent = 1;
	} else {
		return; /* AUTH and the like are not sent: no credentials are configured */
	}
	c->res->st[c->stage].reached = 1;
	c->res->st[c->stage].has_reply = 0;
	c->stage_start = now;
	smtp_reader_init(&c->rd);
}

/** Validate incoming greeting-phase bytes and store complete replies under the current stage. */
static void greeting_in(curl_ctx *c, const char *data, size_t n)
{
	smtp_stage_result *sr = &c->res->st[c->stage];

	while (n > 0 && !c->bad) {
		size_t used = 0;
		smtp_rd_status s = smtp_reader_feed(&c->rd, data, n, &used, &sr->reply);
		data += used;
		n -= used;
		if (s == SMTP_RD_REPLY) {
			sr->has_reply = 1;
			sr->reached = 1;
			/* For STARTTLS, seconds becomes the time until the handshake ends (greeting_out, smtp_probe_run). */
			sr->seconds = mr_now() - c->stage_start;
			trace(c->cfg, "<", sr->reply.text, strlen(sr->reply.text));
			if (c->stage == SMTP_STAGE_EHLO || c->stage == SMTP_STAGE_EHLO_TLS)
				if (strstr(sr->reply.text, "STARTTLS") != NULL || strstr(sr->reply.text, "starttls") != NULL)
					c->res->starttls_offered = 1;
			smtp_reader_init(&c->rd);
		} else if (s != SMTP_RD_MORE) {
			c->bad = 1;
			mr_snprintf(c->bad_detail, sizeof(c->bad_detail), "%s: \"%s\"", smtp_rd_status_text(s),
			            c->rd.bad_line);
		}
	}
}

/** libcurl debug callback: capture every reply line and command of the greeting phase. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t n, void *user)
{
	curl_ctx *c = user;
	(void)h;

	if (type == CURLINFO_HEADER_OUT)
		greeting_out(c, data, n);
	else if (type == CURLINFO_HEADER_IN)
		greeting_in(c, data, n);
	else if (type == CURLINFO_TEXT) {
		if (n > 20 && memmem(data, n, "Excessive server response", 25) != NULL)
			c->endless = 1;
		/* The banner stage starts when the connection stands. */
		if (c->connected_at == 0 && n > 12 && memmem(data, n, "Connected to", 12) != NULL) {
			c->connected_at = mr_now();
			c->stage_start = c->connected_at;
			c->res->st[SMTP_STAGE_BANNER].reached = 1;
		}
		if (c->cfg->verbose >= 3)
			trace(c->cfg, "*", data, n);
	}
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

/** Map a failed greeting phase to res->end, using what the debug callback captured. */
static void greeting_failed(curl_ctx *c, CURLcode rc, const char *errbuf)
{
	smtp_probe_result *res = c->res;
	smtp_stage st = c->stage;
	long oserr = 0;
	char d[256];
	mr_buf why;
	const char *w;
	mr_curl_class cls;

	curl_easy_getinfo(c->h, CURLINFO_OS_ERRNO, &oserr);
	if (c->bad) {
		set_end(res, SMTP_END_BAD_REPLY, st, c->bad_detail);
		return;
	}
	/* --starttls=require and STARTTLS refused: nothing more is sent in clear. */
	if (st == SMTP_STAGE_STARTTLS && c->cfg->tls == SMTP_TLS_REQUIRE && res->st[st].has_reply &&
	    !positive(res, st)) {
		mr_snprintf(d, sizeof(d), "STARTTLS refused (%s) and --starttls=require", res->st[st].reply.text);
		set_end(res, SMTP_END_NO_TLS, st, d);
		return;
	}
	/* A complete 4xx/5xx reply explains the failure: classification happens on it. */
	if (res->st[st].has_reply && !positive(res, st)) {
		set_end(res, SMTP_END_REJECTED, st, "");
		return;
	}
	mr_buf_init(&why, sizeof(d));
	cls = mr_curl_error(rc, errbuf, &why);
	w = mr_buf_str(&why);
	if (cls == MR_CURL_CONNECT) {
		mr_snprintf(d, sizeof(d), "%s%s%s", w, oserr ? ": " : "", oserr ? strerror((int)oserr) : "");
		set_end(res, SMTP_END_CONNECT_FAILED, SMTP_STAGE_CONNECT, d);
	} else if (cls == MR_CURL_TIMEOUT && !res->st[SMTP_STAGE_BANNER].reached) {
		set_end(res, SMTP_END_TIMEOUT, SMTP_STAGE_CONNECT, "no TCP connection in time");
	} else if (cls == MR_CURL_TIMEOUT) {
		set_end(res, c->endless ? SMTP_END_BAD_REPLY : SMTP_END_TIMEOUT, st,
		        c->endless ? "the server sends an endless line" : "no complete reply in time");
	} else if (rc == CURLE_USE_SSL_FAILED) {
		set_end(res, SMTP_END_NO_TLS, SMTP_STAGE_STARTTLS, "STARTTLS is not offered and --starttls=require");
	} else if (cls == MR_CURL_TLS) {
		mr_snprintf(d, sizeof(d), "TLS failed: %s", w);
		set_end(res, SMTP_END_TLS_FAILED, SMTP_STAGE_STARTTLS, d);
	} else if (c->endless || strstr(w, "Too large") != NULL || strstr(w, "too large") != NULL) {
		mr_snprintf(d, sizeof(d), "the server sends an endless line (%s)", w);
		set_end(res, SMTP_END_BAD_REPLY, st, d);
	} else {
		set_end(res, rc == CURLE_WEIRD_SERVER_REPLY ? SMTP_END_BAD_REPLY : SMTP_END_CLOSED, st, w);
	}
	mr_buf_free(&why);
}

/** Apply the probe settings to the easy handle; 0 or -1. */
static int setup_handle(curl_ctx *c, char *errbuf, struct curl_slist **resolve)
{
	const smtp_probe_config *cfg = c->cfg;
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

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	errbuf[0] = '\0';
	c.cfg = cfg;
	c.res = res;
	c.stage = SMTP_STAGE_BANNER;
	smtp_reader_init(&c.rd);
	res->st[SMTP_STAGE_CONNECT].reached = 1;
	c.h = curl_easy_init();
	if (c.h == NULL || setup_handle(&c, errbuf, &resolve) != 0) {
		set_end(res, SMTP_END_CONNECT_FAILED, SMTP_STAGE_CONNECT, "cannot set up libcurl");
		goto out;
	}
	c.stage_start = start;
	rc = curl_easy_perform(c.h);
	if (c.connected_at > 0) {
		res->st[SMTP_STAGE_CONNECT].has_reply = 1;
		res->st[SMTP_STAGE_CONNECT].seconds = c.connected_at - start;
	} else if (curl_easy_getinfo(c.h, CURLINFO_CONNECT_TIME_T, &connect_us) == CURLE_OK && connect_us > 0) {
		res->st[SMTP_STAGE_CONNECT].has_reply = 1;
		res->st[SMTP_STAGE_CONNECT].seconds = (double)connect_us / 1e6;
		res->st[SMTP_STAGE_BANNER].reached = 1;
	}
	if (curl_easy_getinfo(c.h, CURLINFO_LOCAL_IP, &ip) == CURLE_OK && ip != NULL)
		mr_snprintf(res->local_ip, sizeof(res->local_ip), "%s", ip);
	if (curl_easy_getinfo(c.h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != NULL)
		mr_snprintf(res->remote_ip, sizeof(res->remote_ip), "%s", ip);
	if (c.starttls_sent && res->st[SMTP_STAGE_STARTTLS].has_reply && !res->tls)
		res->st[SMTP_STAGE_STARTTLS].seconds = mr_now() - c.stage_start;
	if (rc != CURLE_OK || c.bad) {
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

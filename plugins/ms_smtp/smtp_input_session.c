/* smtp_input_session.c: the SMTP probe dialogue without I/O of its own: the greeting phase (banner, EHLO,
 * STARTTLS) tracked from the bytes the connection layer hands over, then an explicit state machine that sends
 * MAIL FROM, RCPT TO, DATA, RSET and QUIT one command at a time (no pipelining) over an smtp_transport, with
 * every reply validated by the reader of smtp_parse_reply. The libcurl connection is smtp_input_curl's. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../../common/deadline.h"
#include "../../common/trace.h"
#include "smtp_input_session.h"

/** Longest command line we send, with CRLF and NUL. */
#define CMD_MAX 600

/** Trace n bytes of the dialogue at -vvv as masked "smtp: DIR line" lines. */
static void trace(const smtp_probe_config *cfg, const char *dir, const char *text, size_t n)
{
	if (cfg->verbose >= 3)
		mr_trace_bytes("smtp", dir, text, n);
}

/** Set the end of the dialogue: its cause, the stage it ended in and a detail text. */
void smtp_probe_set_end(smtp_probe_result *res, smtp_end end, smtp_stage st, const char *detail)
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
			smtp_probe_set_end(res, SMTP_END_BAD_REPLY, st, d);
			break;
		}
		switch (t->recv(t->ctx, pend, SMTP_LINE_MAX, &got, deadline, &err)) {
		case 0:
			*npend = got;
			continue;
		case 1:
			smtp_probe_set_end(res, SMTP_END_TIMEOUT, st, "no complete reply in time");
			break;
		default:
			smtp_probe_set_end(res, SMTP_END_CLOSED, st, err.len ? mr_buf_str(&err) : "the server closed the connection");
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
		smtp_probe_set_end(res, SMTP_END_CLOSED, st, err.len ? mr_buf_str(&err) : "cannot send");
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
				smtp_probe_set_end(res, SMTP_END_BAD_REPLY, st, "cannot build the test message");
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
				smtp_probe_set_end(res, SMTP_END_BAD_REPLY, st, "command too long");
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

/* ---- greeting phase: fed with the bytes the connection layer saw ------------------------------------- */

/** Start a probe at time start: clear res, mark the connect stage reached, expect the banner next. */
void smtp_greeting_init(smtp_greeting *g, const smtp_probe_config *cfg, smtp_probe_result *res, double start)
{
	memset(res, 0, sizeof(*res));
	memset(g, 0, sizeof(*g));
	g->cfg = cfg;
	g->res = res;
	g->stage = SMTP_STAGE_BANNER;
	g->stage_start = start;
	smtp_reader_init(&g->rd);
	res->st[SMTP_STAGE_CONNECT].reached = 1;
}

/** Note an outgoing greeting-phase command: it starts a new stage. */
void smtp_greeting_out(smtp_greeting *g, const char *data, size_t n, double now)
{
	trace(g->cfg, ">", data, n);
	if (n >= 4 && (strncasecmp(data, "EHLO", 4) == 0 || strncasecmp(data, "HELO", 4) == 0)) {
		if (strncasecmp(data, "HELO", 4) == 0)
			g->res->helo_fallback = 1;
		g->stage = g->starttls_sent ? SMTP_STAGE_EHLO_TLS : SMTP_STAGE_EHLO;
		/* The TLS handshake ends when the second EHLO goes out. */
		if (g->starttls_sent && g->res->st[SMTP_STAGE_STARTTLS].has_reply && !g->res->tls) {
			g->res->tls = 1;
			g->res->st[SMTP_STAGE_STARTTLS].seconds = now - g->stage_start;
		}
	} else if (n >= 8 && strncasecmp(data, "STARTTLS", 8) == 0) {
		g->stage = SMTP_STAGE_STARTTLS;
		g->starttls_sent = 1;
	} else {
		return; /* AUTH and the like are not sent: no credentials are configured */
	}
	g->res->st[g->stage].reached = 1;
	g->res->st[g->stage].has_reply = 0;
	g->stage_start = now;
	smtp_reader_init(&g->rd);
}

/** Validate incoming greeting-phase bytes and store complete replies under the current stage. */
void smtp_greeting_in(smtp_greeting *g, const char *data, size_t n, double now)
{
	smtp_stage_result *sr = &g->res->st[g->stage];

	while (n > 0 && !g->bad) {
		size_t used = 0;
		smtp_rd_status s = smtp_reader_feed(&g->rd, data, n, &used, &sr->reply);
		data += used;
		n -= used;
		if (s == SMTP_RD_REPLY) {
			sr->has_reply = 1;
			sr->reached = 1;
			/* For STARTTLS, seconds becomes the time until the handshake ends (greeting_out, greeting_finish). */
			sr->seconds = now - g->stage_start;
			trace(g->cfg, "<", sr->reply.text, strlen(sr->reply.text));
			if (g->stage == SMTP_STAGE_EHLO || g->stage == SMTP_STAGE_EHLO_TLS)
				if (strstr(sr->reply.text, "STARTTLS") != NULL || strstr(sr->reply.text, "starttls") != NULL)
					g->res->starttls_offered = 1;
			smtp_reader_init(&g->rd);
		} else if (s != SMTP_RD_MORE) {
			g->bad = 1;
			mr_snprintf(g->bad_detail, sizeof(g->bad_detail), "%s: \"%s\"", smtp_rd_status_text(s),
			            g->rd.bad_line);
		}
	}
}

/** Take the connection layer's notes: the banner stage starts when the connection stands; endless lines. */
void smtp_greeting_info(smtp_greeting *g, const char *data, size_t n, double now)
{
	if (n > 20 && memmem(data, n, "Excessive server response", 25) != NULL)
		g->endless = 1;
	if (g->connected_at == 0 && n > 12 && memmem(data, n, "Connected to", 12) != NULL) {
		g->connected_at = now;
		g->stage_start = g->connected_at;
		g->res->st[SMTP_STAGE_BANNER].reached = 1;
	}
	trace(g->cfg, "*", data, n);
}

/** After the greeting phase: a STARTTLS whose handshake never completed gets the time so far. */
void smtp_greeting_finish(smtp_greeting *g, double now)
{
	if (g->starttls_sent && g->res->st[SMTP_STAGE_STARTTLS].has_reply && !g->res->tls)
		g->res->st[SMTP_STAGE_STARTTLS].seconds = now - g->stage_start;
}

/** After a failed greeting phase: set res->end from what was captured and return 1, or 0 if it tells nothing. */
int smtp_greeting_explain(const smtp_greeting *g)
{
	smtp_probe_result *res = g->res;
	smtp_stage st = g->stage;
	char d[256];

	if (g->bad) {
		smtp_probe_set_end(res, SMTP_END_BAD_REPLY, st, g->bad_detail);
		return 1;
	}
	/* --starttls=require and STARTTLS refused: nothing more is sent in clear. */
	if (st == SMTP_STAGE_STARTTLS && g->cfg->tls == SMTP_TLS_REQUIRE && res->st[st].has_reply &&
	    !positive(res, st)) {
		mr_snprintf(d, sizeof(d), "STARTTLS refused (%s) and --starttls=require", res->st[st].reply.text);
		smtp_probe_set_end(res, SMTP_END_NO_TLS, st, d);
		return 1;
	}
	/* A complete 4xx/5xx reply explains the failure: classification happens on it. */
	if (res->st[st].has_reply && !positive(res, st)) {
		smtp_probe_set_end(res, SMTP_END_REJECTED, st, "");
		return 1;
	}
	return 0;
}

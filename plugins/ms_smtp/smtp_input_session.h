/* smtp_input_session.h: the SMTP probe dialogue: the greeting phase fed with bytes (banner, EHLO, STARTTLS) and
 * the explicit state machine for MAIL FROM, RCPT TO, DATA, RSET and QUIT over a transport seam. No libcurl. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_INPUT_SESSION_H
#define SMTP_INPUT_SESSION_H

#include <stddef.h>
#include "../../common/state.h"
#include "../../common/util.h"
#include "smtp_parse_reply.h"
#include "smtp_parse_stage.h"

/** How STARTTLS is used. */
typedef enum smtp_tls_mode {
	SMTP_TLS_AUTO = 0,  /**< use it when offered */
	SMTP_TLS_REQUIRE,   /**< refuse to go on in clear */
	SMTP_TLS_NEVER      /**< never */
} smtp_tls_mode;

/** What one probe connection does. */
typedef struct smtp_probe_config {
	const char *host;          /**< name to connect to (MX host or --host); also SNI and certificate name */
	const char *connect_addr;  /**< pinned address of host (from the MX lookup), or NULL to let the resolver pick */
	long port;                 /**< TCP port */
	const char *bind;          /**< source address, or NULL */
	int ipv6;                  /**< -6: resolve and connect over IPv6 only; 0: IPv4 only */
	const char *ehlo;          /**< EHLO name */
	const char *from;          /**< MAIL FROM address */
	const char *rcpt;          /**< RCPT TO address, or NULL to stop after MAIL FROM */
	int send_data;             /**< --send: DATA with a small dated test message */
	smtp_tls_mode tls;         /**< STARTTLS mode */
	int tls_verify;            /**< verify the certificate and its name */
	const char *cafile;        /**< CA bundle, or NULL for the system's */
	double stage_timeout;      /**< seconds allowed per stage */
	double deadline;           /**< monotonic time at which everything stops */
	mr_state timeout_state;    /**< state of a timeout of this probe, any stage (--timeout-result) */
	int verbose;               /**< -v level; at 3 the dialogue is traced on stdout */
} smtp_probe_config;

/** What happened at one stage. */
typedef struct smtp_stage_result {
	int reached;               /**< the stage started */
	int has_reply;             /**< a complete, valid reply arrived */
	double seconds;            /**< time from start of the stage to its reply */
	smtp_reply reply;          /**< the reply, valid when has_reply */
} smtp_stage_result;

/** How the dialogue ended. */
typedef enum smtp_end {
	SMTP_END_DONE = 0,         /**< every planned stage answered as expected */
	SMTP_END_REJECTED,         /**< a stage answered with a 4xx/5xx reply (see last) */
	SMTP_END_CONNECT_FAILED,   /**< no TCP connection (refused, unreachable, no route, bind failed) */
	SMTP_END_TIMEOUT,          /**< a stage got no complete reply in time */
	SMTP_END_BAD_REPLY,        /**< garbage, an endless line, or a malformed reply */
	SMTP_END_CLOSED,           /**< the server closed the connection */
	SMTP_END_NO_TLS,           /**< --starttls=require and no STARTTLS on offer: nothing sent in clear */
	SMTP_END_TLS_FAILED,       /**< the TLS handshake or certificate check failed */
	SMTP_END_NOT_LOCAL         /**< the source address (--bind) is not an address of this host */
} smtp_end;

/** Everything a probe learned. */
typedef struct smtp_probe_result {
	smtp_stage_result st[SMTP_STAGE_COUNT]; /**< per stage */
	smtp_stage last;           /**< the stage at which the dialogue ended or was rejected */
	smtp_end end;              /**< how it ended */
	char detail[256];          /**< e.g. "Connection refused", "reply line longer than 2048 bytes: ..." */
	char local_ip[64];         /**< the source address actually used */
	char remote_ip[64];        /**< the address connected to */
	int tls;                   /**< the session ran in TLS */
	int starttls_offered;      /**< EHLO listed STARTTLS */
	int helo_fallback;         /**< EHLO was refused and HELO used */
	double total;              /**< seconds for the whole dialogue */
} smtp_probe_result;

/** The byte transport under the dialogue: libcurl's connection in production, a script in unit tests. */
typedef struct smtp_transport {
	void *ctx;   /**< transport state */
	/** Send all n bytes before deadline; 0, or -1 with a reason in err. */
	int (*send)(void *ctx, const char *buf, size_t n, double deadline, mr_buf *err);
	/** Receive some bytes before deadline into buf; 0 with *got > 0, 1 on timeout, -1 closed (*got 0) or error (reason in err). */
	int (*recv)(void *ctx, char *buf, size_t cap, size_t *got, double deadline, mr_buf *err);
} smtp_transport;

/**
 * Run the stages after the greeting phase over t: MAIL FROM, RCPT TO (if rcpt), DATA (if send_data),
 * then RSET and QUIT. res must already hold the greeting phase (banner, EHLO, STARTTLS); this function
 * fills the rest and res->end/last. Public so that unit tests can drive it with a scripted transport.
 */
void smtp_dialogue_run(const smtp_probe_config *cfg, const smtp_transport *t, smtp_probe_result *res);

/** Set how the dialogue ended: its cause, the stage it ended in and a detail text (NULL for none). */
void smtp_probe_set_end(smtp_probe_result *res, smtp_end end, smtp_stage st, const char *detail);

/**
 * The greeting phase as its bytes go by: commands out (EHLO/HELO, STARTTLS), replies in, and the connection
 * layer's notes. libcurl's debug callback feeds it in production; tests and fuzzers feed it bytes directly.
 */
typedef struct smtp_greeting {
	const smtp_probe_config *cfg; /**< configuration */
	smtp_probe_result *res;       /**< where greeting replies go */
	smtp_reader rd;               /**< validates greeting-phase replies */
	smtp_stage stage;             /**< stage the next incoming reply belongs to */
	double stage_start;           /**< when that stage started */
	int starttls_sent;            /**< STARTTLS went out */
	int bad;                      /**< a greeting reply failed validation */
	int endless;                  /**< the connection layer reported an excessive line */
	double connected_at;          /**< when the TCP connection stood (0 = not yet) */
	char bad_detail[200];         /**< why a reply failed validation */
} smtp_greeting;

/** Start a probe at time start: clear res, mark the connect stage reached, expect the banner next. */
void smtp_greeting_init(smtp_greeting *g, const smtp_probe_config *cfg, smtp_probe_result *res, double start);
/** Note n bytes of an outgoing greeting-phase command at time now: EHLO, HELO and STARTTLS each start a stage. */
void smtp_greeting_out(smtp_greeting *g, const char *data, size_t n, double now);
/** Validate n incoming greeting-phase bytes at time now and store complete replies under the current stage. */
void smtp_greeting_in(smtp_greeting *g, const char *data, size_t n, double now);
/** Take n bytes of the connection layer's notes at time now ("Connected to", "Excessive server response"). */
void smtp_greeting_info(smtp_greeting *g, const char *data, size_t n, double now);
/** After the greeting phase at time now: a STARTTLS whose handshake never completed gets the time so far. */
void smtp_greeting_finish(smtp_greeting *g, double now);
/**
 * After a failed greeting phase: if what it captured explains the failure (an invalid reply, STARTTLS refused
 * with --starttls=require, a 4xx/5xx reply), set res->end and return 1; else 0 (the transport must explain).
 */
int smtp_greeting_explain(const smtp_greeting *g);

/** Build the dated test message sent with --send into out; 0 or -1. */
int smtp_test_message(const smtp_probe_config *cfg, mr_buf *out);

#endif

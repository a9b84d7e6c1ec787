/* imap.h: a small read-only IMAP client: libcurl connects, does TLS and logs in (CONNECT_ONLY); the commands,
 * the response scanner and the parsers of SEARCH, FETCH metadata and BODY[] answers are this module's. The
 * bytes travel over a transport seam (libcurl's connection in production, a script in unit tests), and every
 * parser is a pure function on the response bytes, so tests and fuzzers need no server. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_IMAP_H
#define MR_IMAP_H

#include <stddef.h>
#include <time.h>
#include "util.h"

/** UIDs per metadata fetch: keeps the command line and the answer small. */
#define MR_IMAP_META_BATCH 500

/** The byte transport under the client: libcurl's connection in production, a script in unit tests. */
typedef struct mr_imap_transport {
	void *ctx;   /**< transport state */
	/** Send all n bytes before deadline; 0, or -1 (timeout, closed, error). */
	int (*send)(void *ctx, const char *buf, size_t n, double deadline);
	/** Receive some bytes before deadline; 0 with *got > 0, 1 on timeout, -1 when closed (*got 0) or on error. */
	int (*recv)(void *ctx, char *buf, size_t cap, size_t *got, double deadline);
} mr_imap_transport;

/** Where and as whom to log in. */
typedef struct mr_imap_login {
	const char *url;      /**< server URL without a mailbox: "imaps://host[:port]/" (libcurl then selects nothing) */
	const char *user;     /**< login name */
	const char *password; /**< password (a registered secret; never traced) */
	const char *cafile;   /**< CA bundle or NULL */
	int insecure;         /**< skip certificate verification (tests only) */
} mr_imap_login;

/** One IMAP session. Zero it with mr_imap_init; free it with mr_imap_close. */
typedef struct mr_imap {
	mr_imap_transport t;  /**< where the bytes go (set by mr_imap_connect, or by a test) */
	void *curl;           /**< libcurl handle holding the logged-in connection, or NULL */
	mr_buf resp;          /**< the last command's whole response, literals included (bounded) */
	unsigned tagno;       /**< number of the next command tag */
	char status[200];     /**< the last tagged status line without its tag, e.g. "NO Mailbox doesn't exist" */
	int verbose;          /**< -v level: at 3, the set-up (login hidden), commands and status lines are traced */
	int login_seen;       /**< the trace met the login: every later line sent is hidden */
} mr_imap;

/** What a metadata fetch says about one message, before its body is asked for. */
typedef struct mr_imap_meta {
	unsigned long uid;        /**< the UID */
	time_t arrival;           /**< INTERNALDATE, or -1 if it was not in the answer (expunged meanwhile) */
	unsigned long long size;  /**< RFC822.SIZE */
} mr_imap_meta;

/** Start a session whose responses may be at most resp_max bytes; no connection yet. */
void mr_imap_init(mr_imap *c, size_t resp_max, int verbose);
/** Connect, negotiate TLS and log in before deadline; 0, or -1 with a reason (never the password). */
int mr_imap_connect(mr_imap *c, const mr_imap_login *l, double deadline, mr_buf *err);
/** Close the connection (if any) and free the session. */
void mr_imap_close(mr_imap *c);

/** Send "TAG cmd" and read its whole response into c->resp; 0 on a tagged OK, -1 with a reason. */
int mr_imap_command(mr_imap *c, const char *cmd, double deadline, mr_buf *err);
/** EXAMINE mailbox (UTF-8; read-only select; sent as mr_imap_mailbox_quote makes it); *validity gets UIDVALIDITY (0
 *  if absent); 0 or -1. */
int mr_imap_examine(mr_imap *c, const char *mailbox, unsigned long *validity, double deadline, mr_buf *err);
/** "UID SEARCH SINCE day of t"; *uids (caller frees) gets the UIDs sorted, *n their number; 0 or -1. */
int mr_imap_search_since(mr_imap *c, time_t t, unsigned long **uids, size_t *n, double deadline, mr_buf *err);
/** Fill meta (n <= MR_IMAP_META_BATCH entries with uid set, sorted) from one UID FETCH of UID, INTERNALDATE and
 *  RFC822.SIZE; 0 or -1. */
int mr_imap_fetch_meta(mr_imap *c, mr_imap_meta *meta, size_t n, double deadline, mr_buf *err);
/** "UID FETCH uid (BODY.PEEK[])": 0 with *data and *len pointing into c->resp (valid until the next command; *data
 *  NULL if the answer held no literal), 1 if the message is gone (no BODY[] in the answer), -1 with a reason. */
int mr_imap_fetch_body(mr_imap *c, unsigned long uid, const char **data, size_t *len, double deadline,
                       mr_buf *err);

/* ---- pure parsers of response bytes and of names (no I/O) ---- */

/** Split imaps://host[:port]/MAILBOX into the server URL (base, bsize bytes, with the final '/') and the mailbox
 *  name percent-decoded (RFC 5092: "Junk%20Reports", UTF-8 as %C3%A9); 0, or -1 with a reason (a bad %-escape, a
 *  control character, a name or URL too long). */
int mr_imap_url_split(const char *url, char *base, size_t bsize, char *mailbox, size_t msize, mr_buf *err);
/** Append the UTF-8 mailbox name as an IMAP quoted string: '"' and '\\' escaped, '&' as "&-" and non-ASCII in
 *  modified UTF-7 (RFC 3501 5.1.3: "Entw&APw-rfe"); 0, or -1 for an empty name, a control character, invalid
 *  UTF-8 or a full buffer. */
int mr_imap_mailbox_quote(const char *name, mr_buf *out);

/** Scan d (len bytes) from *pos for the tagged status line of tag, skipping literals ({N} then N bytes); *literal
 *  carries the bytes of a literal still to skip between calls. 1 when found (status, size bytes, gets the line
 *  after "TAG ", control bytes as '?'; *pos after its CRLF), 0 when more bytes are needed. */
int mr_imap_scan(const char *d, size_t len, const char *tag, size_t *pos, size_t *literal, char *status,
                 size_t size);
/** UIDVALIDITY in an EXAMINE/SELECT response (NUL-terminated); 0 if absent. */
unsigned long mr_imap_parse_uidvalidity(const char *resp);
/** Append the UIDs of the first "* SEARCH" line of resp (NUL-terminated) to *uids (*n used, *cap allocated;
 *  caller frees), in the order given; 0, or -1 when out of memory. */
int mr_imap_parse_search(const char *resp, unsigned long **uids, size_t *n, size_t *cap);
/** Append the n sorted UIDs as a sequence set ("3,5:9,12") to out; 0 or -1. */
int mr_imap_uid_set(mr_buf *out, const unsigned long *uid, size_t n);
/** Fill arrival and size of meta (n entries sorted by uid; others get -1 and 0) from the untagged FETCH lines
 *  of resp ("* N FETCH (UID u INTERNALDATE ... RFC822.SIZE s)", NUL-terminated; items in any order). */
void mr_imap_parse_meta(const char *resp, mr_imap_meta *meta, size_t n);
/** Find the BODY[] literal in a FETCH response (len bytes, NUL-terminated): 1 if there is no "BODY[] ", else 0
 *  with *data and *len at the literal's bytes, or *data NULL if no complete "{N}" CRLF literal follows. */
int mr_imap_parse_body(const char *resp, size_t len, const char **data, size_t *dlen);

#endif

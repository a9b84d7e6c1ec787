/* jmrp_input.h: the mailbox step of check_jmrp: what a reader hands on (one message, its key and arrival time),
 * the callbacks and counters every reader shares, the three read-only readers (Maildir, mbox, IMAP over TLS)
 * and the call that picks one of them for the configured source. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef JMRP_INPUT_H
#define JMRP_INPUT_H

#include <stddef.h>
#include <time.h>
#include "../../common/util.h"

/** Largest message read; bigger ones are reported as unparsed ("too large"). */
#define JMRP_MSG_MAX (8 * 1024 * 1024)
/** Why a message was not read: larger than JMRP_MSG_MAX (the text spells that number out). */
#define JMRP_TOO_LARGE "larger than 8388608 bytes"

/** One message handed to the caller. */
typedef struct jmrp_msg {
	const char *key;      /**< stable identity: Maildir unique name, "UIDVALIDITY/UID", or for mbox a hash of the
	                       *   message's bytes, From_ line included, and their length ("mbox:HASH:LENGTH") */
	const char *label;    /**< for output: "cur/NAME", "UID 5", "message 12" */
	time_t arrival;       /**< delivery time: file mtime, From_ line date, INTERNALDATE */
	const char *data;     /**< raw message bytes, or NULL when they were not read (see why) */
	size_t len;           /**< bytes in data */
	const char *why;      /**< when data is NULL: the reason (e.g. "larger than 8388608 bytes") */
} jmrp_msg;

/** Asked before a message is parsed and, for Maildir and IMAP, before its body is read (an mbox key is made from
 *  the bytes): return 1 if the caller already knows key (from the state file). */
typedef int (*jmrp_known_cb)(void *user, const char *key, const char *label, time_t arrival);
/** Called for each message in the window whose key was not known; return 0 to go on, -1 to stop. */
typedef int (*jmrp_msg_cb)(void *user, const jmrp_msg *m);

/** Counters of one read. */
typedef struct jmrp_read_stats {
	size_t listed;        /**< messages looked at */
	size_t vanished;      /**< messages gone between listing and reading (Maildir files, expunged IMAP ones) */
} jmrp_read_stats;

/** What every reader needs. */
typedef struct jmrp_read_config {
	time_t since;         /**< count messages that arrived at or after this time */
	double deadline;      /**< monotonic time to stop at */
	jmrp_known_cb known;  /**< may be NULL */
	jmrp_msg_cb cb;       /**< receives the messages */
	void *user;           /**< passed to the callbacks */
	int verbose;          /**< -v level */
} jmrp_read_config;

/** IMAP settings. */
typedef struct jmrp_imap_config {
	const char *url;      /**< imaps://host[:port]/MAILBOX */
	const char *user;     /**< login name */
	const char *password; /**< password (a registered secret) */
	const char *cafile;   /**< CA bundle or NULL */
	int insecure;         /**< skip certificate verification (tests only) */
} jmrp_imap_config;

/** The one mailbox to read: exactly one of maildir, mbox and imap.url is set. */
typedef struct jmrp_source {
	const char *maildir;  /**< -M DIR, or NULL */
	const char *mbox;     /**< --mbox FILE, or NULL */
	jmrp_imap_config imap; /**< --imap and its settings (url NULL when not used) */
} jmrp_source;

/** Read the configured mailbox with the matching reader; 0, 1 if the deadline stopped it, or -1 with a reason. */
int jmrp_input_read(const jmrp_source *src, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err);

/** The key of a Maildir file name: its unique part, before the ':' that starts the flags (a mail client changes
 *  them when the message is read), or the whole name when that part is empty, into key (size bytes); 0, or -1
 *  for an empty name or a key that does not fit. */
int jmrp_maildir_key(const char *name, char *key, size_t size);
/** Read DIR/new and DIR/cur without changing anything; 0, 1 if the deadline stopped it, or -1 with a reason. */
int jmrp_read_maildir(const char *dir, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err);
/** Read an mbox file read-only; 0, 1 on deadline, or -1 with a reason. */
int jmrp_read_mbox(const char *path, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err);
/** As jmrp_read_mbox for an open descriptor (not closed), called name in messages; the deadline is checked after
 *  every 64 KiB read, so one message of gigabytes still ends on time. */
int jmrp_read_mbox_fd(int fd, const char *name, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err);
/** As jmrp_read_mbox for len bytes of mbox text handed to the splitter in pieces of chunk bytes (0: all at once);
 *  the messages and their keys do not depend on chunk. */
int jmrp_read_mbox_buf(const char *data, size_t len, size_t chunk, const jmrp_read_config *rc,
                       jmrp_read_stats *st, mr_buf *err);
/** Read an IMAP mailbox with EXAMINE and BODY.PEEK (nothing is changed); 0, 1 on deadline, or -1 with a reason. */
int jmrp_read_imap(const jmrp_imap_config *ic, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err);

#endif

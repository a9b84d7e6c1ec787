/* smtp_parse_reply.h: SMTP reply reader: splits bytes into lines, validates them and joins multi-line replies. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_PARSE_REPLY_H
#define SMTP_PARSE_REPLY_H

#include <stddef.h>

/** Longest reply line accepted, without CRLF (RFC 5321 says 512; Microsoft's lines reach about 400). */
#define SMTP_LINE_MAX 2048
/** Most lines in one reply (a long EHLO answer has about 15). */
#define SMTP_REPLY_MAX_LINES 64
/** Room for the joined text of one reply. */
#define SMTP_REPLY_TEXT_MAX 8192

/** One complete reply. */
typedef struct smtp_reply {
	int code;                          /**< the three-digit reply code */
	size_t nlines;                     /**< lines in the reply */
	char text[SMTP_REPLY_TEXT_MAX];    /**< all lines, each with its "NNN-"/"NNN " prefix, joined with single spaces */
	int truncated;                     /**< text was cut at SMTP_REPLY_TEXT_MAX - 1 */
} smtp_reply;

/** Outcome of feeding bytes to a reader. */
typedef enum smtp_rd_status {
	SMTP_RD_REPLY = 0,     /**< a complete reply is in *out */
	SMTP_RD_MORE,          /**< every byte was consumed; need more */
	SMTP_RD_TOO_LONG,      /**< a line exceeded SMTP_LINE_MAX */
	SMTP_RD_BAD_CODE,      /**< a line does not start with three digits (2-5 first) and ' ' or '-' (or is just the code) */
	SMTP_RD_BAD_CHAR,      /**< a line holds a NUL, a control byte other than TAB, or a bare CR */
	SMTP_RD_MISMATCH,      /**< a continuation line has a different code */
	SMTP_RD_TOO_MANY_LINES /**< more than SMTP_REPLY_MAX_LINES lines */
} smtp_rd_status;

/** Incremental reader state; one per connection. */
typedef struct smtp_reader {
	char line[SMTP_LINE_MAX + 2];      /**< the line being read */
	size_t len;                        /**< bytes in line */
	smtp_reply cur;                    /**< the reply being assembled */
	int in_reply;                      /**< continuation lines were seen */
	char bad_line[80];                 /**< printable excerpt of the offending line after an error */
	int failed;                        /**< an error stopped the reader: every later feed returns it again */
	smtp_rd_status error;              /**< that error, when failed is set */
} smtp_reader;

/** Reset a reader for a new connection (or after an error). */
void smtp_reader_init(smtp_reader *r);
/**
 * Feed up to n bytes. Stops after the first complete reply (SMTP_RD_REPLY, *out filled) or an error;
 * *used tells how many bytes were consumed, so the caller feeds the rest again. Lines end with LF
 * (CRLF or bare LF accepted). Errors are final for the connection.
 */
smtp_rd_status smtp_reader_feed(smtp_reader *r, const char *buf, size_t n, size_t *used, smtp_reply *out);
/** A short English description of a status ("reply line longer than 2048 bytes", ...). */
const char *smtp_rd_status_text(smtp_rd_status s);

#endif

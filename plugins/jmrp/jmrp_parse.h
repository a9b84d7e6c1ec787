/* jmrp_parse.h: recognises one Microsoft JMRP complaint (legacy Hotmail report or RFC 5965 ARF) in raw message bytes. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef JMRP_PARSE_H
#define JMRP_PARSE_H

#include <stddef.h>
#include "../../common/addr.h"

/** What a message turned out to be. */
typedef enum jmrp_kind {
	JMRP_UNPARSED = 0,  /**< not recognisable as a complaint (why says what is wrong) */
	JMRP_LEGACY,        /**< Hotmail format: From staff@hotmail.com, "complaint about message from <IP>" */
	JMRP_ARF,           /**< RFC 5965 user complaint: Feedback-Type abuse, fraud, virus or other */
	JMRP_OTHER          /**< an ARF report that is no complaint: auth-failure (RFC 6591), not-spam, ... */
} jmrp_kind;

/** One complaint, without any recipient address (never stored). */
typedef struct jmrp_complaint {
	jmrp_kind kind;            /**< see jmrp_kind */
	int has_ip;                /**< source_ip is set */
	mr_addr source_ip;         /**< Source-IP (ARF), the subject's IP (legacy) or X-Sender-IP of the original */
	char sender[320];          /**< Original-Mail-From (ARF) or the original's envelope/From address, "" if none
	                            *   (room for a 64-character local part, '@' and a 253-character domain) */
	char domain[256];          /**< Reported-Domain, else the domain of sender, lower case, "" if none */
	char subject[256];         /**< Subject of the original message, "" if absent */
	char message_id[256];      /**< Message-ID of the original, "" if absent */
	char feedback_type[32];    /**< ARF Feedback-Type ("abuse", "auth-failure"); "abuse" for legacy reports */
	char why[160];             /**< for JMRP_UNPARSED: the reason (e.g. "no message/feedback-report part") */
} jmrp_complaint;

/** Initialise the MIME library once per process (GMime; it cannot fail). */
void jmrp_parse_init(void);
/** Release the MIME library. */
void jmrp_parse_shutdown(void);
/** Parse raw message bytes (RFC 5322, LF or CRLF) into out; returns out->kind (JMRP_UNPARSED with out->why on failure). */
jmrp_kind jmrp_parse(const char *msg, size_t len, jmrp_complaint *out);

/** Copy src into dst (size bytes) trimmed, tabs and line breaks as spaces, other control characters and invalid
 *  UTF-8 as '?', cut at a UTF-8 character boundary; NULL gives "". For labels, reasons and state-file fields. */
void jmrp_clean_text(char *dst, size_t size, const char *src);

#endif

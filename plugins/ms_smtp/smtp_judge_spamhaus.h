/* smtp_judge_spamhaus.h: what the Spamhaus ZEN answer for the sending IP means: listed (with the datasets),
 * not listed, or an error (error codes 127.255.255.x, SERVFAIL, timeout ...), never an error as a listing. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_JUDGE_SPAMHAUS_H
#define SMTP_JUDGE_SPAMHAUS_H

#include "smtp_input_spamhaus.h"

/** The meaning of a ZEN answer. */
typedef enum smtp_zen_kind {
	SMTP_ZEN_NOT_LISTED = 0, /**< NXDOMAIN (or no listing code): Spamhaus does not list the IP */
	SMTP_ZEN_LISTED,         /**< at least one ZEN listing code */
	SMTP_ZEN_ERROR,          /**< no usable answer: an error code, a failed or timed-out query */
	SMTP_ZEN_TIMEOUT         /**< an error that is a timeout (no answer in time) */
} smtp_zen_kind;

/** The judged ZEN answer. */
typedef struct smtp_zen_verdict {
	smtp_zen_kind kind;   /**< see smtp_zen_kind */
	char text[240];       /**< e.g. "SBL: Spamhaus Block List (127.0.0.2)" or the error and its meaning */
} smtp_zen_verdict;

/** Judge ans (a listing wins over error codes in the same answer); fills v. */
void smtp_zen_judge(const smtp_zen_answer *ans, smtp_zen_verdict *v);

#endif

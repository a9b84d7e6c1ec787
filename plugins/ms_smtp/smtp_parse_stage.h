/* smtp_parse_stage.h: the stages of the SMTP dialogue: their order, their names in output and in rules files. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_PARSE_STAGE_H
#define SMTP_PARSE_STAGE_H

/** The stages of the dialogue, in order. */
typedef enum smtp_stage {
	SMTP_STAGE_CONNECT = 0, /**< TCP connect */
	SMTP_STAGE_BANNER,      /**< the greeting */
	SMTP_STAGE_EHLO,        /**< EHLO (or HELO fallback) */
	SMTP_STAGE_STARTTLS,    /**< STARTTLS and the TLS handshake */
	SMTP_STAGE_EHLO_TLS,    /**< EHLO again inside TLS */
	SMTP_STAGE_MAIL,        /**< MAIL FROM */
	SMTP_STAGE_RCPT,        /**< RCPT TO */
	SMTP_STAGE_DATA,        /**< DATA (the 354) */
	SMTP_STAGE_DATA_END,    /**< end of the message (the final reply) */
	SMTP_STAGE_RSET,        /**< RSET */
	SMTP_STAGE_QUIT,        /**< QUIT */
	SMTP_STAGE_COUNT        /**< number of stages */
} smtp_stage;

/** Name of a stage for output ("banner", "EHLO", "STARTTLS", "EHLO (TLS)", "MAIL FROM", "RCPT TO", "DATA", "end of data", "RSET", "QUIT", "connect"). */
const char *smtp_stage_name(smtp_stage s);
/** Parse a stage name as used in rules files (connect, banner, ehlo, starttls, ehlo_tls, mail, rcpt, data, data_end, rset, quit); 0 or -1. */
int smtp_stage_parse(const char *name, smtp_stage *out);

#endif

/* smtp_rules.h: the table that classifies Microsoft SMTP replies (file format, built-in default, matcher). */
#ifndef SMTP_RULES_H
#define SMTP_RULES_H

#include <regex.h>
#include <stddef.h>
#include "../../common/state.h"
#include "../../common/util.h"
#include "smtp_reply.h"

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

/** What a matching rule means. */
typedef enum smtp_rule_state {
	SMTP_RULE_CRITICAL = 0, /**< a block */
	SMTP_RULE_WARNING,      /**< a warning (e.g. not an IP block, fixable) */
	SMTP_RULE_THROTTLE,     /**< temporary throttling: --throttle-state */
	SMTP_RULE_OK            /**< informational, no problem */
} smtp_rule_state;

/** One rule of the table. */
typedef struct smtp_rule {
	char name[48];          /**< section name, e.g. "consumer-block" */
	smtp_rule_state state;  /**< see smtp_rule_state */
	unsigned stages;        /**< bit mask of smtp_stage where it applies; all stages if 0 */
	regex_t re;             /**< POSIX ERE, case-insensitive, on the joined reply text */
	char kind[32];          /**< short label: "consumer block", "throttling", "EOP ban", ... */
	char delist[200];       /**< where to request delisting, or "" */
	char description[200];  /**< meaning for the output */
} smtp_rule;

/** An ordered rule table; the first match wins. */
typedef struct smtp_rules {
	smtp_rule *v;           /**< rules, owned (regex compiled) */
	size_t n;               /**< used */
	size_t cap;             /**< allocated */
} smtp_rules;

/** The built-in rules text (data/ms-smtp-rules.ini compiled in). */
extern const char smtp_default_rules[];

/** Initialise an empty table. */
void smtp_rules_init(smtp_rules *t);
/** Free the rules and their compiled patterns. */
void smtp_rules_free(smtp_rules *t);
/** Parse rules text (ini, one [rule NAME] section each, in order) and append; 0 or -1 with "ORIGIN line N: reason". */
int smtp_rules_parse(smtp_rules *t, const char *text, const char *origin, mr_buf *err);
/** Read and parse a rules file; 0 or -1 with a reason. */
int smtp_rules_load_file(smtp_rules *t, const char *path, mr_buf *err);

/** The classification of one reply. */
typedef struct smtp_verdict {
	mr_state state;             /**< resulting state */
	const smtp_rule *rule;      /**< the matching rule, or NULL */
	int expected;               /**< a 2xx/3xx reply that the stage expects */
	char code[24];              /**< Microsoft's code: "S3140", "AS3140", "SC-001", "RP-001", or "" */
	char enhanced[16];          /**< enhanced status code, e.g. "5.7.1", or "" */
	char ip[46];                /**< address echoed in [..], or "" */
	char frontend[128];         /**< front-end host echoed in [..], or "" */
	char reason[200];           /**< the rule's description, or "unknown temporary/permanent reply" */
} smtp_verdict;

/**
 * Classify reply r received at stage st: 2xx/3xx are expected (OK, unless a rule for that stage says
 * otherwise); for 4xx/5xx the first matching rule decides, unknown 4xx is WARNING and unknown 5xx CRITICAL,
 * never OK. SMTP_RULE_THROTTLE maps to throttle_state. Extracts code, enhanced code, IP and front end.
 */
void smtp_classify(const smtp_rules *t, smtp_stage st, const smtp_reply *r, mr_state throttle_state,
                   smtp_verdict *v);

#endif

/* smtp_parse_rules.h: the table that classifies Microsoft SMTP replies: its ini format and the built-in default. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_PARSE_RULES_H
#define SMTP_PARSE_RULES_H

#include <regex.h>
#include <stddef.h>
#include "../../common/util.h"
#include "smtp_parse_stage.h"

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
	int spamhaus_lookup;    /**< spamhaus-lookup = yes: after this reply, look the sending IP up on Spamhaus ZEN */
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
/**
 * Parse len bytes of rules text at data (need not end with NUL; a NUL inside is refused) and append; 0 or -1 as
 * smtp_rules_parse. The entry point for fuzzers and for rules held in memory.
 */
int smtp_rules_parse_buf(smtp_rules *t, const char *data, size_t len, const char *origin, mr_buf *err);
/** Read and parse a rules file; 0 or -1 with a reason. */
int smtp_rules_load_file(smtp_rules *t, const char *path, mr_buf *err);

#endif

/* smtp_judge.h: judges what a probe learned: classifies Microsoft's replies with the rules table (class, state,
 * delisting advice) and turns how a dialogue ended into a state with its reason. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_JUDGE_H
#define SMTP_JUDGE_H

#include "../../common/state.h"
#include "smtp_input_session.h"
#include "smtp_parse_reply.h"
#include "smtp_parse_rules.h"
#include "smtp_parse_stage.h"

/** What to do when the source address is not an address of this host (the probe ran on the wrong host). */
#define SMTP_NOT_LOCAL_ADVICE "run the check on the host that owns this address (in Icinga: a command_endpoint " \
	"on that host)"

/** The classification of one reply. */
typedef struct smtp_verdict {
	mr_state state;             /**< resulting state */
	const smtp_rule *rule;      /**< the matching rule, or NULL */
	int expected;               /**< a 2xx/3xx reply that the stage expects */
	char code[24];              /**< Microsoft's code: "S3140", "AS3140", "SC-001", "RP-001", or "" */
	char enhanced[16];          /**< enhanced status code, e.g. "5.7.1", or "" */
	char ip[46];                /**< the address the reply names ([..] or bare, as legacy replies write it), or "" */
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

/** The judgement of one probe. */
typedef struct smtp_judgement {
	mr_state state;                         /**< the probe's state */
	int complete;                           /**< the dialogue got an answer at every stage it reached */
	smtp_verdict v;                         /**< the rejecting reply's classification (zeroed unless rejected) */
	char what[SMTP_REPLY_TEXT_MAX + 200];   /**< what happened, e.g. "S3140 consumer block at MAIL FROM" */
} smtp_judgement;

/**
 * Judge the probe result res (probed with pc): a rejection is classified with rules (throttling gives
 * throttle_state); a completed dialogue is OK; a probe that could not tell is UNKNOWN, except a refused or
 * failed TLS under --starttls=require, which is CRITICAL, and a timeout, which is pc->timeout_state.
 */
void smtp_judge_probe(const smtp_probe_result *res, const smtp_probe_config *pc, const smtp_rules *rules,
                      mr_state throttle_state, smtp_judgement *j);

/** 1 if the judged reply asks for a Spamhaus lookup of the sending IP (its rule says spamhaus-lookup = yes). */
int smtp_judge_wants_spamhaus(const smtp_judgement *j);
/**
 * The sending IP to name and look up: the address the rejecting reply names (*named = 1), else the local address
 * the probe used (*named = 0: Microsoft did not say which address it saw); NULL if neither is known.
 */
const char *smtp_judge_sending_ip(const smtp_probe_result *res, const smtp_judgement *j, int *named);

#endif

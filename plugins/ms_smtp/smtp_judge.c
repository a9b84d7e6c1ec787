/* smtp_judge.c: the verdicts of check_ms_smtp: the rule matcher that classifies one reply (with its code, IP
 * and front-end extractors), and the judgement of a whole probe from how its dialogue ended. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <arpa/inet.h>
#include <string.h>

#include "../../common/util.h"
#include "smtp_judge.h"

/** The extractor patterns (POSIX ERE, case-insensitive), compiled for each classification. */
enum extractor_id { X_SCODE = 0, X_ASCODE, X_LEGACY, X_ENHANCED, X_IP, X_IP_BARE, X_FRONTEND, X_COUNT };

/** Extractor pattern texts, indexed by enum extractor_id; the wanted text is in the given group. */
static const struct {
	const char *re;  /**< the pattern */
	size_t group;    /**< the subexpression holding the value */
} extractors[X_COUNT] = {
	{ "\\((A?S[0-9]+)\\)", 1 },
	{ "AS\\(([0-9]+)\\)", 1 },
	{ "(^| )[2-5][0-9][0-9][ -]([245]\\.[0-9]{1,3}\\.[0-9]{1,3} )?((SC|DY|OU|RP)-[0-9]{3})", 3 },
	{ "^[2-5][0-9][0-9][ -]([245]\\.[0-9]{1,3}\\.[0-9]{1,3})( |$)", 1 },
	{ "\\[([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)\\]", 1 },
	/* legacy Hotmail: "messages from 192.0.2.7 weren't sent": an address between non-address characters */
	{ "(^|[^0-9A-Za-z.:])([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7})([^0-9A-Za-z:]|$)",
	  2 },
	{ "\\[([A-Z0-9]+\\.[A-Za-z0-9-]+\\.prod\\.(protection\\.)?outlook\\.com)", 1 },
};

/** Most subexpressions any extractor has, plus the whole match. */
#define X_GROUPS 6

/** Copy the text of match m in s into dst (size bytes), with prefix; 0, or -1 if it does not fit. */
static int copy_match(char *dst, size_t size, const char *prefix, const char *s, const regmatch_t *m)
{
	if (m->rm_so < 0 || m->rm_eo < m->rm_so)
		return -1;
	return mr_snprintf(dst, size, "%s%.*s", prefix, (int)(m->rm_eo - m->rm_so), s + m->rm_so);
}

/**
 * Find extractor x in text and copy its group into dst (with prefix); for X_IP and X_IP_BARE, only a match that
 * is a valid IPv4 or IPv6 address counts. 1 if found, 0 if not (dst is then "").
 */
static int extract(enum extractor_id x, const char *text, char *dst, size_t size, const char *prefix)
{
	regex_t re;
	regmatch_t m[X_GROUPS];
	const char *p = text;
	int found = 0, eflags = 0;

	dst[0] = '\0';
	if (regcomp(&re, extractors[x].re, REG_EXTENDED | REG_ICASE) != 0)
		return 0;
	while (*p != '\0' && regexec(&re, p, X_GROUPS, m, eflags) == 0) {
		const regmatch_t *g = &m[extractors[x].group];
		if (g->rm_so >= 0 && copy_match(dst, size, prefix, p, g) == 0) {
			unsigned char addr[16];
			if ((x != X_IP && x != X_IP_BARE) || inet_pton(AF_INET, dst, addr) == 1 ||
			    inet_pton(AF_INET6, dst, addr) == 1) {
				found = 1;
				break;
			}
		}
		dst[0] = '\0';
		if (m[0].rm_eo <= 0)
			break;
		p += m[0].rm_eo;
		eflags = REG_NOTBOL;
	}
	regfree(&re);
	return found;
}

/** Fill the verdict's code, enhanced code, IP and front end from the joined reply text. */
static void extract_all(const char *text, smtp_verdict *v)
{
	if (!extract(X_SCODE, text, v->code, sizeof v->code, "") &&
	    !extract(X_ASCODE, text, v->code, sizeof v->code, "AS"))
		(void)extract(X_LEGACY, text, v->code, sizeof v->code, "");
	(void)extract(X_ENHANCED, text, v->enhanced, sizeof v->enhanced, "");
	if (!extract(X_IP, text, v->ip, sizeof v->ip, ""))
		(void)extract(X_IP_BARE, text, v->ip, sizeof v->ip, "");
	(void)extract(X_FRONTEND, text, v->frontend, sizeof v->frontend, "");
}

/** The first rule of t that applies at stage st (all rules, or only stage-restricted ones) and matches text. */
static const smtp_rule *first_match(const smtp_rules *t, smtp_stage st, int restricted_only, const char *text)
{
	size_t i;

	if (t == NULL)
		return NULL;
	for (i = 0; i < t->n; i++) {
		const smtp_rule *r = &t->v[i];
		if (r->stages == 0 ? restricted_only : (r->stages & (1u << st)) == 0)
			continue;
		if (regexec(&r->re, text, 0, NULL, 0) == 0)
			return r;
	}
	return NULL;
}

/** Set the verdict's reason to text (cut to fit). */
static void set_reason(smtp_verdict *v, const char *text)
{
	(void)mr_snprintf(v->reason, sizeof v->reason, "%.*s", (int)(sizeof v->reason - 1), text);
}

/** Classify reply r received at stage st (see smtp_judge.h). */
void smtp_classify(const smtp_rules *t, smtp_stage st, const smtp_reply *r, mr_state throttle_state,
                   smtp_verdict *v)
{
	int cls;
	const smtp_rule *rule;

	if (v == NULL)
		return;
	memset(v, 0, sizeof *v);
	if (r == NULL) {
		v->state = MR_UNKNOWN;
		set_reason(v, "no reply");
		return;
	}
	extract_all(r->text, v);
	cls = r->code / 100;
	if (cls < 2 || cls > 5 || (int)st < 0 || st >= SMTP_STAGE_COUNT) {
		v->state = MR_UNKNOWN;
		set_reason(v, cls < 2 || cls > 5 ? "invalid reply code" : "invalid stage");
		return;
	}
	v->expected = cls == 2 || cls == 3;
	rule = first_match(t, st, v->expected, r->text);
	if (rule == NULL) {
		if (v->expected) {
			v->state = MR_OK;
			set_reason(v, "accepted");
		} else if (cls == 4) {
			v->state = MR_WARNING;
			set_reason(v, "unknown temporary reply");
		} else {
			v->state = MR_CRITICAL;
			set_reason(v, "unknown permanent reply");
		}
		return;
	}
	v->rule = rule;
	switch (rule->state) {
	case SMTP_RULE_CRITICAL:
		v->state = MR_CRITICAL;
		break;
	case SMTP_RULE_WARNING:
		v->state = MR_WARNING;
		break;
	case SMTP_RULE_THROTTLE:
		v->state = throttle_state;
		break;
	case SMTP_RULE_OK:
	default:
		v->state = MR_OK;
		break;
	}
	set_reason(v, rule->description[0] != '\0' ? rule->description : rule->kind);
}

/** Judge the probe result res of a probe made with pc (see smtp_judge.h). */
void smtp_judge_probe(const smtp_probe_result *res, const smtp_probe_config *pc, const smtp_rules *rules,
                      mr_state throttle_state, smtp_judgement *j)
{
	const char *stage = smtp_stage_name(res->last);
	char *out = j->what;
	size_t size = sizeof j->what;

	memset(&j->v, 0, sizeof j->v);
	j->complete = res->end == SMTP_END_DONE || res->end == SMTP_END_REJECTED;
	j->state = MR_UNKNOWN;
	switch (res->end) {
	case SMTP_END_DONE:
		mr_snprintf(out, size, "accepted%s%s%s", pc->rcpt ? " MAIL FROM and RCPT TO" : " MAIL FROM",
		            pc->send_data ? " and the test message" : "", res->tls ? " over TLS" : "");
		j->state = MR_OK;
		return;
	case SMTP_END_REJECTED:
		smtp_classify(rules, res->last, &res->st[res->last].reply, throttle_state, &j->v);
		if (j->v.rule != NULL)
			mr_snprintf(out, size, "%s%s%s at %s", j->v.code, j->v.code[0] ? " " : "", j->v.rule->kind, stage);
		else /* unknown replies are shown in full right away */
			mr_snprintf(out, size, "unknown %s reply at %s: %s",
			            res->st[res->last].reply.code < 500 ? "temporary" : "permanent", stage,
			            res->st[res->last].reply.text);
		j->state = j->v.state;
		return;
	case SMTP_END_CONNECT_FAILED:
		mr_snprintf(out, size, "cannot connect: %s (outbound port %ld filtered?)", res->detail, pc->port);
		return;
	case SMTP_END_TIMEOUT:
		j->state = pc->timeout_state; /* --timeout-result applies to every timeout of the run */
		if (res->last == SMTP_STAGE_CONNECT)
			mr_snprintf(out, size, "cannot connect: no TCP connection in time (outbound port %ld filtered?)",
			            pc->port);
		else
			mr_snprintf(out, size, "no complete reply at %s in time", stage);
		return;
	case SMTP_END_BAD_REPLY:
		mr_snprintf(out, size, "invalid reply at %s: %s", stage, res->detail);
		return;
	case SMTP_END_CLOSED:
		mr_snprintf(out, size, "connection lost at %s: %s", stage, res->detail);
		return;
	case SMTP_END_NO_TLS:
		mr_snprintf(out, size, "%s: nothing was sent in clear",
		            res->detail[0] ? res->detail : "STARTTLS not offered and --starttls=require");
		j->state = MR_CRITICAL;
		return;
	case SMTP_END_TLS_FAILED:
		mr_snprintf(out, size, "%s", res->detail);
		j->state = pc->tls == SMTP_TLS_REQUIRE ? MR_CRITICAL : MR_UNKNOWN;
		return;
	case SMTP_END_NOT_LOCAL:
		mr_snprintf(out, size, "%s", SMTP_NOT_LOCAL_ADVICE);
		return;
	}
	out[0] = '\0';
}

/** 1 if the judged reply asks for a Spamhaus lookup of the sending IP (its rule says spamhaus-lookup = yes). */
int smtp_judge_wants_spamhaus(const smtp_judgement *j)
{
	return j->v.rule != NULL && j->v.rule->spamhaus_lookup && j->state != MR_OK;
}

/** The sending IP to name and look up: the one the reply names, else the local address used; NULL if none. */
const char *smtp_judge_sending_ip(const smtp_probe_result *res, const smtp_judgement *j, int *named)
{
	*named = j->v.ip[0] != '\0';
	if (*named)
		return j->v.ip;
	return res->local_ip[0] != '\0' ? res->local_ip : NULL;
}

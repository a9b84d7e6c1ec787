/* smtp_report.c: builds check_ms_smtp's result tree from judged probes: one subcheck per domain with its
 * advice and stage lines, the summary of the worst domain, and perfdata. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "smtp_report.h"

/** Longest reply excerpt shown for a stage that went as expected. */
#define OK_EXCERPT 160

/** Start a report that fills c. */
void smtp_report_init(smtp_report *r, mr_check *c, const mr_thresholds *thr, int verbose)
{
	memset(r, 0, sizeof(*r));
	r->c = c;
	r->thr = thr;
	r->verbose = verbose;
	r->all_complete = 1;
}

/** Fold one domain's state and text into the summary choice. */
static void note_domain(smtp_report *r, mr_state st, const char *text)
{
	if (!r->have_worst || mr_state_worst(r->worst, st) != r->worst) {
		r->worst = r->have_worst ? mr_state_worst(r->worst, st) : st;
		r->have_worst = 1;
		mr_snprintf(r->summary, sizeof(r->summary), "%s", text);
	}
}

/** Record that the MX lookup of domain failed (UNKNOWN). */
void smtp_report_lookup_failed(smtp_report *r, const char *domain, const char *why)
{
	char text[600];

	mr_snprintf(text, sizeof(text), "%s: cannot find where to connect: %s", domain, why);
	mr_sub_add(r->c, NULL, MR_UNKNOWN, "%s", text);
	note_domain(r, MR_UNKNOWN, text);
	r->all_complete = 0;
}

/** Add one informational line per reached stage under node. */
static void add_stage_lines(smtp_report *r, mr_sub *node, const smtp_probe_result *res, smtp_stage bad,
                            mr_state bad_state)
{
	for (int s = SMTP_STAGE_CONNECT; s < SMTP_STAGE_COUNT; s++) {
		const smtp_stage_result *sr = &res->st[s];
		mr_state st = s == (int)bad ? bad_state : MR_OK;

		if (!sr->reached)
			continue;
		if (s == SMTP_STAGE_CONNECT)
			mr_sub_add_info(r->c, node, st, "connect: %s from %s (%.3fs)", res->remote_ip[0] ? res->remote_ip : "-",
			                res->local_ip[0] ? res->local_ip : "-", sr->seconds);
		else if (!sr->has_reply)
			mr_sub_add_info(r->c, node, st, "%s: no reply", smtp_stage_name((smtp_stage)s));
		else if (s == (int)bad || r->verbose >= 1)
			mr_sub_add_info(r->c, node, st, "%s (%.3fs): %s", smtp_stage_name((smtp_stage)s), sr->seconds,
			                sr->reply.text);
		else
			mr_sub_add_info(r->c, node, st, "%s (%.3fs): %.*s%s", smtp_stage_name((smtp_stage)s), sr->seconds,
			                OK_EXCERPT, sr->reply.text, strlen(sr->reply.text) > OK_EXCERPT ? "..." : "");
	}
}

/** Have the probe result res of domain judged (smtp_judge_probe) and add its subcheck. */
void smtp_report_add(smtp_report *r, const char *domain, const smtp_probe_result *res, const smtp_probe_config *pc,
                     const smtp_rules *rules, mr_state throttle_state)
{
	smtp_judgement j; /* about 8 KB: the reply text with room for what is said around it */

	smtp_judge_probe(res, pc, rules, throttle_state, &j);
	smtp_report_add_judged(r, domain, res, pc, &j, NULL);
}

/** "REMOTE:PORT" or "HOST [REMOTE]:PORT" of the connection, into dst. */
static void where_text(char *dst, size_t size, const smtp_probe_result *res, const smtp_probe_config *pc)
{
	const char *remote = res->remote_ip[0] ? res->remote_ip : pc->connect_addr;

	if (remote != NULL)
		mr_snprintf(dst, size, "%s [%s]:%ld", pc->host, remote, pc->port);
	else
		mr_snprintf(dst, size, "%s:%ld", pc->host, pc->port);
}

/** Append what Spamhaus ZEN says about ip (named: the reply named it) to b: the verdict and what it means. */
static void zen_text(mr_buf *b, const char *ip, const smtp_zen_verdict *zen)
{
	switch (zen->kind) {
	case SMTP_ZEN_LISTED:
		mr_buf_printf(b, "Spamhaus ZEN lists %s (%s): Microsoft's form will not help until Spamhaus delists it; "
		              "request removal at https://check.spamhaus.org/ first, then at Microsoft", ip, zen->text);
		break;
	case SMTP_ZEN_NOT_LISTED:
		mr_buf_printf(b, "Spamhaus ZEN does not list %s", ip);
		break;
	case SMTP_ZEN_TIMEOUT:
	case SMTP_ZEN_ERROR:
	default:
		mr_buf_printf(b, "Spamhaus ZEN lookup of %s failed: %s (this is no listing)", ip, zen->text);
		break;
	}
}

/** Add the subcheck of domain from its judgement j; see smtp_report.h. */
void smtp_report_add_judged(smtp_report *r, const char *domain, const smtp_probe_result *res,
                            const smtp_probe_config *pc, const smtp_judgement *j, const smtp_zen_verdict *zen)
{
	const smtp_verdict *v = &j->v;
	const char *what = j->what;
	const char *local = res->local_ip[0] ? res->local_ip : pc->bind;
	char text[1024], where[400];
	mr_state st = j->state;
	mr_sub *node;
	int named = 0;
	const char *ip = smtp_judge_sending_ip(res, j, &named);

	if (!j->complete)
		r->all_complete = 0;
	mr_snprintf(text, sizeof(text), "%s: %s", domain, what);
	where_text(where, sizeof(where), res, pc);
	if (local != NULL)
		node = mr_sub_add(r->c, NULL, st, "%s via %s from %s", text, where, local);
	else
		node = mr_sub_add(r->c, NULL, st, "%s via %s", text, where);
	if (node == NULL)
		return;
	if (res->end == SMTP_END_REJECTED) {
		mr_buf b;
		mr_buf_init(&b, 1024);
		mr_buf_puts(&b, v->reason);
		if (v->enhanced[0])
			mr_buf_printf(&b, " (%s)", v->enhanced);
		if (v->ip[0])
			mr_buf_printf(&b, "; Microsoft saw [%s]", v->ip);
		if (v->frontend[0])
			mr_buf_printf(&b, "; front end %s", v->frontend);
		if (v->rule != NULL && v->rule->delist[0])
			mr_buf_printf(&b, "; delist: %s", v->rule->delist);
		mr_sub_add_info(r->c, node, st, "%s", mr_buf_str(&b));
		mr_buf_free(&b);
	}
	if (zen != NULL && ip != NULL) {
		mr_buf b;
		mr_buf_init(&b, 1024);
		zen_text(&b, ip, zen);
		if (!named)
			mr_buf_puts(&b, " (the local address: the reply names no IP)");
		mr_sub_add_info(r->c, node, zen->kind == SMTP_ZEN_LISTED ? MR_CRITICAL :
		                zen->kind == SMTP_ZEN_NOT_LISTED ? MR_OK :
		                zen->kind == SMTP_ZEN_TIMEOUT ? pc->timeout_state : MR_UNKNOWN, "%s", mr_buf_str(&b));
		mr_buf_free(&b);
	}
	add_stage_lines(r, node, res, res->end == SMTP_END_DONE ? SMTP_STAGE_COUNT : res->last, st);
	for (int s = SMTP_STAGE_CONNECT; s <= SMTP_STAGE_RCPT; s++) {
		if (!res->st[s].has_reply)
			continue;
		if (!r->stage_seen[s] || res->st[s].seconds > r->stage_max[s])
			r->stage_max[s] = res->st[s].seconds;
		r->stage_seen[s] = 1;
	}
	{
		mr_buf sum;
		mr_buf_init(&sum, sizeof(r->summary) - 1);
		if (res->end == SMTP_END_REJECTED) {
			mr_buf_printf(&sum, "%s: %s%s%s at %s, ", domain,
			              v->code[0] ? v->code : (v->enhanced[0] ? v->enhanced : "reply"),
			              v->rule ? " " : "", v->rule ? v->rule->kind : "", smtp_stage_name(res->last));
			/* The IP Microsoft saw is the one its reply names; otherwise only the local address is known. */
			if (named && local != NULL && strcmp(ip, local) != 0)
				mr_buf_printf(&sum, "Microsoft saw [%s] (sent from %s)", ip, local);
			else if (named)
				mr_buf_printf(&sum, "Microsoft saw [%s]", ip);
			else
				mr_buf_printf(&sum, "sent from %s (the reply names no IP)", ip != NULL ? ip : "an unknown address");
			if (v->rule && v->rule->delist[0])
				mr_buf_printf(&sum, "; delist: %s", v->rule->delist);
			if (zen != NULL && ip != NULL && zen->kind == SMTP_ZEN_LISTED)
				mr_buf_printf(&sum, "; Spamhaus ZEN lists %s: delist there first, Microsoft's form will not help "
				              "until then", ip);
			else if (zen != NULL && ip != NULL && zen->kind == SMTP_ZEN_NOT_LISTED)
				mr_buf_printf(&sum, "; Spamhaus ZEN does not list it");
			else if (zen != NULL && ip != NULL)
				mr_buf_printf(&sum, "; Spamhaus ZEN lookup failed: %s", zen->text);
		} else if (res->end == SMTP_END_DONE) {
			mr_buf_printf(&sum, "%s accepts mail from %s (%s)", domain, local != NULL ? local : "?", what);
		} else {
			mr_buf_printf(&sum, "%.590s", text);
		}
		note_domain(r, st, mr_buf_str(&sum));
		mr_buf_free(&sum);
	}
}

/** Set summary, state and perfdata; timed_out tells that the run deadline passed. */
void smtp_report_finish(smtp_report *r, double elapsed, mr_state timeout_state, int timed_out)
{
	static const struct {
		const char *label;
		smtp_stage st;
	} stages[] = {
		{ "connect", SMTP_STAGE_CONNECT }, { "banner", SMTP_STAGE_BANNER }, { "ehlo", SMTP_STAGE_EHLO },
		{ "tls", SMTP_STAGE_STARTTLS }, { "mail", SMTP_STAGE_MAIL }, { "rcpt", SMTP_STAGE_RCPT },
	};
	mr_state st = r->have_worst ? r->worst : MR_UNKNOWN;
	mr_perf p;

	if (r->all_complete && (r->thr->has_warn || r->thr->has_crit)) {
		mr_state ts = mr_thresholds_state(r->thr, elapsed);
		if (mr_state_worst(st, ts) != st) {
			st = mr_state_worst(st, ts);
			mr_snprintf(r->summary + strlen(r->summary), sizeof(r->summary) - strlen(r->summary),
			            "; dialogue took %.3fs", elapsed);
		}
	}
	if (timed_out && !r->all_complete) {
		mr_sub_add_info(r->c, NULL, timeout_state, "timeout: the run reached -t before the probe ended");
		if (st == MR_UNKNOWN)
			st = timeout_state;
	}
	mr_check_set_summary(r->c, "%s", r->have_worst ? r->summary : "nothing was probed");
	mr_check_set_state(r->c, st);
	if (mr_perf_set(&p, "time", elapsed, "s") == 0) {
		p.thr = *r->thr;
		mr_check_add_perf(r->c, &p);
	}
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		if (r->stage_seen[stages[i].st] ? mr_perf_set(&p, stages[i].label, r->stage_max[stages[i].st], "s")
		                                : mr_perf_set_undefined(&p, stages[i].label, "s"))
			continue;
		mr_check_add_perf(r->c, &p);
	}
}

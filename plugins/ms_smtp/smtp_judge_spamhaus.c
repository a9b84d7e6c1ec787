/* smtp_judge_spamhaus.c: the meaning of a Spamhaus ZEN answer for check_ms_smtp: ZEN's listing codes and
 * Spamhaus's error codes (127.255.255.0/24, tables in common/spamhaus) and failed queries, never listings. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "../../common/spamhaus.h"
#include "../../common/util.h"
#include "smtp_judge_spamhaus.h"

/** An address 127.b.c.d as a host-order number. */
#define ZEN_CODE(b, c, d) MR_SPAMHAUS_CODE(127, b, c, d)

/** The advice added to the meaning of the public-resolver error code. */
#define RESOLVER_ADVICE ": use your own resolver or a DQS key (--dqs-key-file)"

/** Append "TEXT (a.b.c.d)" for code to b, separated by "; " from what is there. */
static void add_code(mr_buf *b, const char *text, const char *advice, uint32_t code)
{
	mr_buf_printf(b, "%s%s%s (%u.%u.%u.%u)", b->len ? "; " : "", text, advice, (unsigned)(code >> 24),
	              (unsigned)(code >> 16 & 255), (unsigned)(code >> 8 & 255), (unsigned)(code & 255));
}

/** Judge a ZEN answer; see smtp_judge_spamhaus.h. */
void smtp_zen_judge(const smtp_zen_answer *ans, smtp_zen_verdict *v)
{
	mr_buf lst, err;
	size_t nlisted = 0, nerr = 0;

	memset(v, 0, sizeof(*v));
	mr_buf_init(&lst, sizeof(v->text));
	mr_buf_init(&err, sizeof(v->text));
	if (ans->status != MR_DNS_NOERROR && ans->status != MR_DNS_NXDOMAIN) {
		int timeout = ans->status == MR_DNS_TIMEOUT || ans->status == MR_DNS_CANCELLED;
		v->kind = timeout ? SMTP_ZEN_TIMEOUT : SMTP_ZEN_ERROR;
		mr_snprintf(v->text, sizeof(v->text), "%s", !ans->asked ? "the query could not be sent" :
		            ans->status == MR_DNS_CANCELLED ? "no answer within -t" : mr_dns_status_name(ans->status));
		goto out;
	}
	for (size_t i = 0; i < ans->na; i++) {
		uint32_t code = ans->a[i];
		const mr_spamhaus_code *m;

		if ((m = mr_spamhaus_meaning(SMTP_ZEN_DATASET, code)) != NULL) {
			add_code(&lst, mr_spamhaus_brief(m), "", code);
			nlisted++;
		} else if ((code >> 8) == ZEN_CODE(255, 255, 0) >> 8) {
			m = mr_spamhaus_error(code);
			add_code(&err, m != NULL ? mr_spamhaus_brief(m) : "Spamhaus error code",
			         code == MR_SPAMHAUS_ERR_RESOLVER ? RESOLVER_ADVICE : "", code);
			nerr++;
		} else if ((code >> 24) != 127 || code == ZEN_CODE(0, 0, 1)) {
			add_code(&err, (code >> 24) != 127 ? "answer outside 127.0.0.0/8 (a resolver that rewrites answers?)"
			                                   : "invalid answer", "", code);
			nerr++;
		}
	}
	if (nlisted > 0) {
		v->kind = SMTP_ZEN_LISTED;
		mr_snprintf(v->text, sizeof(v->text), "%s", mr_buf_str(&lst));
	} else if (nerr > 0) {
		v->kind = SMTP_ZEN_ERROR;
		mr_snprintf(v->text, sizeof(v->text), "%s", mr_buf_str(&err));
	} else {
		v->kind = SMTP_ZEN_NOT_LISTED;
		mr_snprintf(v->text, sizeof(v->text), "%s", ans->status == MR_DNS_NXDOMAIN ? "not listed" :
		            ans->na > 0 ? "not listed (no ZEN listing code in the answer)" : "not listed (empty answer)");
	}
out:
	mr_buf_free(&lst);
	mr_buf_free(&err);
}

/* smtp_judge_spamhaus.c: the meaning of a Spamhaus ZEN answer for check_ms_smtp: ZEN's listing codes,
 * Spamhaus's error codes (127.255.255.0/24) and failed queries, which are errors and never listings. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "../../common/util.h"
#include "smtp_judge_spamhaus.h"

/** An address 127.b.c.d as a host-order number. */
#define ZEN_CODE(b, c, d) ((uint32_t)127 << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/** One known ZEN answer code and its meaning. */
typedef struct zen_code {
	uint32_t lo;          /**< first code */
	uint32_t hi;          /**< last code */
	const char *text;     /**< meaning */
} zen_code;

/** ZEN's listing codes. */
static const zen_code listings[] = {
	{ ZEN_CODE(0, 0, 2), ZEN_CODE(0, 0, 2), "SBL: Spamhaus Block List" },
	{ ZEN_CODE(0, 0, 3), ZEN_CODE(0, 0, 3), "CSS: low-reputation sender" },
	{ ZEN_CODE(0, 0, 4), ZEN_CODE(0, 0, 7), "XBL: exploited or infected host" },
	{ ZEN_CODE(0, 0, 9), ZEN_CODE(0, 0, 9), "DROP: hijacked or criminal network" },
	{ ZEN_CODE(0, 0, 10), ZEN_CODE(0, 0, 10), "PBL: ISP policy, no direct mail from this range" },
	{ ZEN_CODE(0, 0, 11), ZEN_CODE(0, 0, 11), "PBL: Spamhaus policy, no direct mail from here" },
	{ ZEN_CODE(0, 0, 30), ZEN_CODE(0, 0, 30), "BCL: botnet controller" },
};

/** Spamhaus's error codes. */
static const zen_code errors[] = {
	{ ZEN_CODE(255, 255, 252), ZEN_CODE(255, 255, 252), "typo in the zone name" },
	{ ZEN_CODE(255, 255, 254), ZEN_CODE(255, 255, 254),
	  "query through a public, open or unattributable resolver: use your own resolver or a DQS key "
	  "(--dqs-key-file)" },
	{ ZEN_CODE(255, 255, 255), ZEN_CODE(255, 255, 255), "too many queries (rate limit)" },
};

/** The meaning of code in table t (n rows), or NULL. */
static const char *find(const zen_code *t, size_t n, uint32_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].lo <= code && code <= t[i].hi)
			return t[i].text;
	return NULL;
}

/** Append "TEXT (a.b.c.d)" for code to b, separated by "; " from what is there. */
static void add_code(mr_buf *b, const char *text, uint32_t code)
{
	mr_buf_printf(b, "%s%s (%u.%u.%u.%u)", b->len ? "; " : "", text, (unsigned)(code >> 24),
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
		const char *m;

		if ((m = find(listings, sizeof(listings) / sizeof(listings[0]), code)) != NULL) {
			add_code(&lst, m, code);
			nlisted++;
		} else if ((code >> 8) == ZEN_CODE(255, 255, 0) >> 8) {
			m = find(errors, sizeof(errors) / sizeof(errors[0]), code);
			add_code(&err, m != NULL ? m : "Spamhaus error code", code);
			nerr++;
		} else if ((code >> 24) != 127 || code == ZEN_CODE(0, 0, 1)) {
			add_code(&err, (code >> 24) != 127 ? "answer outside 127.0.0.0/8 (a resolver that rewrites answers?)"
			                                   : "invalid answer", code);
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

/* jmrp_input_imap.c: the IMAP reader of check_jmrp on the general client (common/imap): splits --imap into server
 * and mailbox (percent-decoded, RFC 5092), EXAMINEs the mailbox (read-only), searches the window's days, fetches metadata in batches and only
 * then the bodies (BODY.PEEK, so nothing is marked read) of messages in the window that the state file does not
 * know and that are not too large. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "../../common/deadline.h"
#include "../../common/imap.h"
#include "jmrp_input.h"

/** Hand one message whose metadata passed to the callback: its body fetched unless RFC822.SIZE says it is too
 *  large; 0, or -1 with a reason. */
static int read_body(mr_imap *c, const mr_imap_meta *meta, const char *key, const char *label,
                     const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	jmrp_msg m;
	int r;

	m.key = key;
	m.label = label;
	m.arrival = meta->arrival;
	m.data = NULL;
	m.len = 0;
	m.why = NULL;
	if (meta->size > JMRP_MSG_MAX) {
		m.why = JMRP_TOO_LARGE;
		return rc->cb(rc->user, &m);
	}
	r = mr_imap_fetch_body(c, meta->uid, &m.data, &m.len, rc->deadline, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		st->vanished++; /* expunged since the metadata fetch */
		return 0;
	}
	if (m.data == NULL)
		m.why = "the IMAP server sent no message body";
	return rc->cb(rc->user, &m);
}

/** Read the messages of uids (sorted) in batches: metadata first, so that messages outside the window, known from
 *  the state file or too large are never downloaded; 0, 1 on deadline, or -1 with a reason. */
static int read_uids(mr_imap *c, unsigned long validity, const unsigned long *uids, size_t nuids,
                     const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	mr_imap_meta meta[MR_IMAP_META_BATCH];
	char key[64], label[32];

	for (size_t i = 0; i < nuids; i += MR_IMAP_META_BATCH) {
		size_t n = nuids - i < MR_IMAP_META_BATCH ? nuids - i : MR_IMAP_META_BATCH;
		if (mr_now() >= rc->deadline)
			return 1;
		for (size_t k = 0; k < n; k++)
			meta[k].uid = uids[i + k];
		if (mr_imap_fetch_meta(c, meta, n, rc->deadline, err) != 0)
			return -1;
		for (size_t k = 0; k < n; k++) {
			if (mr_now() >= rc->deadline)
				return 1;
			st->listed++;
			if (meta[k].arrival == (time_t)-1) {
				st->vanished++; /* expunged since the search */
				continue;
			}
			if (meta[k].arrival < rc->since)
				continue;
			mr_snprintf(key, sizeof(key), "%lu/%lu", validity, meta[k].uid);
			mr_snprintf(label, sizeof(label), "UID %lu", meta[k].uid);
			if (rc->known != NULL && rc->known(rc->user, key, label, meta[k].arrival))
				continue;
			if (read_body(c, &meta[k], key, label, rc, st, err) != 0)
				return -1;
		}
	}
	return 0;
}

/** Read an IMAP mailbox with EXAMINE and BODY.PEEK (nothing is changed). */
int jmrp_read_imap(const jmrp_imap_config *ic, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	mr_imap c;
	char base[1024], mailbox[256];
	unsigned long validity, *uids = NULL;
	size_t nuids = 0;
	int rc_ = -1;

	/* the largest answer is one message's BODY[] literal with its FETCH line around it */
	mr_imap_init(&c, (size_t)JMRP_MSG_MAX + 65536, rc->verbose);
	if (mr_imap_url_split(ic->url, base, sizeof(base), mailbox, sizeof(mailbox), err) != 0)
		goto out;
	/* libcurl gets the server URL only, so that it never SELECTs: EXAMINE below opens the mailbox read-only */
	if (mr_imap_connect(&c, &(mr_imap_login){ base, ic->user, ic->password, ic->cafile, ic->insecure },
	                    rc->deadline, err) != 0 ||
	    mr_imap_examine(&c, mailbox, &validity, rc->deadline, err) != 0)
		goto out;
	/* SEARCH SINCE has day granularity: ask from the day before and filter on INTERNALDATE. */
	if (mr_imap_search_since(&c, rc->since - 86400, &uids, &nuids, rc->deadline, err) != 0)
		goto out;
	rc_ = read_uids(&c, validity, uids, nuids, rc, st, err);
out:
	mr_imap_close(&c);
	free(uids);
	return rc_;
}

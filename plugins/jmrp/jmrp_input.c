/* jmrp_input.c: picks the reader for the configured mailbox (Maildir, mbox or IMAP). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "jmrp_input.h"

_Static_assert(JMRP_MSG_MAX == 8388608, "JMRP_TOO_LARGE must name JMRP_MSG_MAX");

/** Read the configured mailbox with the matching reader. */
int jmrp_input_read(const jmrp_source *src, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	if (src->maildir != NULL)
		return jmrp_read_maildir(src->maildir, rc, st, err);
	if (src->mbox != NULL)
		return jmrp_read_mbox(src->mbox, rc, st, err);
	if (src->imap.url != NULL)
		return jmrp_read_imap(&src->imap, rc, st, err);
	return mr_buf_puts(err, "no mailbox: give -M/--maildir, --mbox or --imap"), -1;
}

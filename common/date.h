/* date.h: the two date forms mail stores use: an asctime-style mbox From_ date and an IMAP INTERNALDATE (parse),
 * and the IMAP day form of SEARCH SINCE (print). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_DATE_H
#define MR_DATE_H

#include <stddef.h>
#include <time.h>

/** Parse an asctime-style date ("Sat Nov 28 10:00:00 2026", UTC) or an IMAP INTERNALDATE
 *  ("28-Nov-2026 10:00:00 +0100"); leading blanks are skipped, trailing text ignored; -1 if invalid. */
time_t mr_date_parse(const char *text);
/** Print the UTC day of t as IMAP's date ("27-Nov-2026") into out (size bytes); 0, or -1 if it does not fit. */
int mr_date_imap_day(time_t t, char *out, size_t size);

#endif

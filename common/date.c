/* date.c: parses the dates of mbox From_ lines and IMAP INTERNALDATE, and prints IMAP's day form. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "util.h"

/** Month names of asctime and IMAP dates. */
static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/** Month number 0..11 of a three-letter name, or -1. */
static int month_of(const char *s)
{
	for (int i = 0; i < 12; i++)
		if (strncasecmp(s, months[i], 3) == 0)
			return i;
	return -1;
}

/** Parse an asctime-style date or an IMAP INTERNALDATE into seconds since the epoch; -1 if invalid. */
time_t mr_date_parse(const char *text)
{
	struct tm tm;
	char mon[4], wday[4];
	int d, y, H, M, S, off = 0, n = 0;
	char sign = '+';

	memset(&tm, 0, sizeof(tm));
	if (sscanf(text, " %2d-%3s-%4d %2d:%2d:%2d %c%4d%n", &d, mon, &y, &H, &M, &S, &sign, &off, &n) == 8 && n > 0) {
		/* IMAP INTERNALDATE */
	} else if (sscanf(text, " %3s %3s %2d %2d:%2d:%2d %4d%n", wday, mon, &d, &H, &M, &S, &y, &n) == 7 && n > 0) {
		off = 0;
		sign = '+';
	} else {
		return (time_t)-1;
	}
	tm.tm_mon = month_of(mon);
	if (tm.tm_mon < 0 || d < 1 || d > 31 || y < 1970 || y > 2200 || H > 23 || M > 59 || S > 60 || off > 1400 ||
	    (sign != '+' && sign != '-'))
		return (time_t)-1;
	tm.tm_mday = d;
	tm.tm_year = y - 1900;
	tm.tm_hour = H;
	tm.tm_min = M;
	tm.tm_sec = S;
	{
		time_t t = timegm(&tm);
		long secs = (off / 100) * 3600L + (off % 100) * 60L;
		return sign == '+' ? t - secs : t + secs;
	}
}

/** Print the UTC day of t as "D-Mon-YYYY". */
int mr_date_imap_day(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	return mr_snprintf(out, size, "%d-%s-%04d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

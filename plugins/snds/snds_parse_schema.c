/* snds_parse_schema.c: the row schema shared by the SNDS CSV and JSON parsers: the column and key names of
 * both feeds, building a data or status row value by value (strict values checked, free text kept leniently),
 * the checks of a finished row, and the "line N: ..." / "element N: ..." error messages. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include "snds_parse_schema.h"

/** A normalised column or key name and what it holds. */
typedef struct colname {
	const char *name; /**< lowercase, only [a-z0-9] */
	col c;            /**< what it holds */
} colname;

/** Column and key names of the data feed. */
static const colname data_names[] = {
	{ "ipaddress", COL_IP },
	{ "ip", COL_IP },
	{ "activityperiod", COL_PSTART },
	{ "activitystart", COL_PSTART },
	{ "activityperiodstart", COL_PSTART },
	{ "activitystartdate", COL_PSTART },
	{ "activityend", COL_PEND },
	{ "activityperiodend", COL_PEND },
	{ "activityenddate", COL_PEND },
	{ "rcptcommands", COL_RCPT },
	{ "datacommands", COL_DATA },
	{ "messagerecipients", COL_RECIP },
	{ "filterresult", COL_FILTER },
	{ "complaintrate", COL_RATE },
	{ "trapmessageperiod", COL_TSTART },
	{ "trapmessagestart", COL_TSTART },
	{ "trapmessageperiodstart", COL_TSTART },
	{ "trapperiodstart", COL_TSTART },
	{ "trapstart", COL_TSTART },
	{ "trapmessageend", COL_TEND },
	{ "trapmessageperiodend", COL_TEND },
	{ "trapperiodend", COL_TEND },
	{ "trapend", COL_TEND },
	{ "traphits", COL_TRAPS },
	{ "samplehelo", COL_HELO },
	{ "helo", COL_HELO },
	{ "jmrp1sender", COL_JMR },
	{ "jmrsender", COL_JMR },
	{ "comments", COL_COMMENTS },
	{ "comment", COL_COMMENTS },
};

/** Column and key names of the status feed. */
static const colname status_names[] = {
	{ "beginningipaddress", COL_FIRST },
	{ "firstip", COL_FIRST },
	{ "firstipaddress", COL_FIRST },
	{ "startip", COL_FIRST },
	{ "startipaddress", COL_FIRST },
	{ "endingipaddress", COL_LAST },
	{ "lastip", COL_LAST },
	{ "lastipaddress", COL_LAST },
	{ "endip", COL_LAST },
	{ "endipaddress", COL_LAST },
	{ "ipaddress", COL_IP },
	{ "ip", COL_IP },
	{ "blocked", COL_BLOCKED },
	{ "reason", COL_REASON },
};

/** Names of the column kinds for error messages. */
static const char *const col_label[COL_COUNT] = {
	"ignored column", "IP address", "activity period start", "activity period end", "RCPT commands",
	"DATA commands", "message recipients", "filter result", "complaint rate", "trap period start",
	"trap period end", "trap hits", "sample HELO", "JMR sender", "comments", "first address",
	"last address", "blocked flag", "reason",
};

/** Name of column kind c for error messages. */
const char *snds_schema_label(col c)
{
	return (unsigned)c < COL_COUNT ? col_label[c] : "column";
}

/** Look a raw name up in a table (after normalising it); COL_IGNORE when unknown. */
static col lookup(const colname *t, size_t nt, const char *s, size_t n)
{
	char key[48];
	size_t i;

	snds_value_norm_name(s, n, key, sizeof key);
	if (key[0] == '\0')
		return COL_IGNORE;
	for (i = 0; i < nt; i++)
		if (strcmp(t[i].name, key) == 0)
			return t[i].c;
	return COL_IGNORE;
}

/** Look a name up in the table of feed f. */
col snds_schema_lookup(feed f, const char *s, size_t n)
{
	if (f == FEED_DATA)
		return lookup(data_names, sizeof data_names / sizeof data_names[0], s, n);
	return lookup(status_names, sizeof status_names / sizeof status_names[0], s, n);
}

/** 1 if c holds free text (truncated, never an error). */
int snds_schema_is_lenient(col c)
{
	return c == COL_HELO || c == COL_JMR || c == COL_COMMENTS || c == COL_REASON;
}

/** Append "UNIT N: message" to the error buffer; always -1 (ROW_BAD). */
int snds_schema_fail(const where *w, const char *fmt, ...)
{
	va_list ap;

	if (w->err == NULL)
		return ROW_BAD;
	mr_buf_printf(w->err, "%s %lu: ", w->unit, w->n);
	va_start(ap, fmt);
	mr_buf_vprintf(w->err, fmt, ap);
	va_end(ap);
	return ROW_BAD;
}

/** Report a bad value of column c: "UNIT N: bad LABEL 'value': why"; -1. */
int snds_schema_fail_value(const where *w, col c, const char *s, size_t n, const char *why)
{
	char v[SNDS_SHOW_MAX + 8];

	snds_value_show(v, sizeof v, s, n);
	return snds_schema_fail(w, "bad %s '%s': %s", snds_schema_label(c), v, why);
}

/* ---------------------------------------------------------------- value parsers */

/** Start a row of feed f: counts not reported, nothing seen. */
void snds_schema_acc_init(acc *a, feed f)
{
	if (f == FEED_DATA) {
		memset(&a->d, 0, sizeof a->d);
		a->d.rcpt = -1;
		a->d.data = -1;
		a->d.recipients = -1;
		a->d.trap_hits = -1;
		a->d.filter = SNDS_FILTER_NONE;
	} else {
		memset(&a->s, 0, sizeof a->s);
		memset(&a->ip, 0, sizeof a->ip);
	}
	a->seen = 0;
}

/** Store a free-text value of column c (set, or join with ',' when append). */
static void acc_lenient(acc *a, col c, const char *s, size_t n, int append)
{
	switch (c) {
	case COL_HELO:
		snds_value_put_lenient(a->d.helo, sizeof a->d.helo, s, n, append);
		break;
	case COL_JMR:
		snds_value_put_lenient(a->d.jmr_sender, sizeof a->d.jmr_sender, s, n, append);
		break;
	case COL_COMMENTS:
		snds_value_put_lenient(a->d.comments, sizeof a->d.comments, s, n, append);
		break;
	case COL_REASON:
		snds_value_put_lenient(a->s.reason, sizeof a->s.reason, s, n, append);
		break;
	default:
		break;
	}
}

/** The field of a data row that holds count column c (RCPT, DATA, recipients, trap hits). */
static int64_t *count_slot(snds_data_row *r, col c)
{
	switch (c) {
	case COL_RCPT:
		return &r->rcpt;
	case COL_DATA:
		return &r->data;
	case COL_RECIP:
		return &r->recipients;
	default:
		return &r->trap_hits;
	}
}

/** Store a strict data value v (NUL-terminated, trimmed) of column c; 0 or -1 with the error. */
static int data_strict(acc *a, col c, const char *v, const where *w)
{
	snds_data_row *r = &a->d;
	int rc = 0;

	switch (c) {
	case COL_IP:
		if (mr_addr_parse(v, &r->ip) != 0)
			return snds_schema_fail_value(w, c, v, strlen(v), "not an IP address");
		break;
	case COL_PSTART:
		rc = snds_value_date(r->period_start, sizeof r->period_start, v);
		break;
	case COL_PEND:
		rc = snds_value_date(r->period_end, sizeof r->period_end, v);
		break;
	case COL_TSTART:
		rc = snds_value_date(r->trap_start, sizeof r->trap_start, v);
		break;
	case COL_TEND:
		rc = snds_value_date(r->trap_end, sizeof r->trap_end, v);
		break;
	case COL_RCPT:
	case COL_DATA:
	case COL_RECIP:
	case COL_TRAPS:
		if (snds_value_count(v, count_slot(r, c)) != 0)
			return snds_schema_fail_value(w, c, v, strlen(v), "not a whole number");
		break;
	case COL_FILTER:
		if (snds_value_filter(v, &r->filter) != 0)
			return snds_schema_fail_value(w, c, v, strlen(v), "not GREEN, YELLOW or RED");
		break;
	case COL_RATE:
		if (snds_value_rate(v, r) != 0)
			return snds_schema_fail_value(w, c, v, strlen(v), "not a percentage such as 0.5% or < 0.1%");
		break;
	default:
		break;
	}
	if (rc != 0)
		return snds_schema_fail_value(w, c, v, strlen(v), "too long");
	return 0;
}

/** Store a strict status value v (NUL-terminated, trimmed) of column c; 0 or -1 with the error. */
static int status_strict(acc *a, col c, const char *v, const where *w)
{
	mr_addr *dst = c == COL_FIRST ? &a->s.first : c == COL_LAST ? &a->s.last : &a->ip;

	switch (c) {
	case COL_FIRST:
	case COL_LAST:
	case COL_IP:
		if (mr_addr_parse(v, dst) != 0)
			return snds_schema_fail_value(w, c, v, strlen(v), "not an IP address");
		break;
	case COL_BLOCKED:
		if (snds_value_blocked(v, &a->s.blocked) != 0)
			return snds_schema_fail_value(w, c, v, strlen(v), "not Yes, No, True, False, 1 or 0");
		break;
	default:
		break;
	}
	return 0;
}

/** Store a text value (s, n bytes) of column c into a row of feed f; 0 or -1 with the error. */
int snds_schema_acc_text(acc *a, feed f, col c, const char *s, size_t n, int append, const where *w)
{
	char v[SNDS_STRICT_MAX];

	if (c == COL_IGNORE)
		return 0;
	a->seen |= 1u << c;
	if (snds_schema_is_lenient(c)) {
		acc_lenient(a, c, s, n, append);
		return 0;
	}
	if (snds_value_strict_copy(v, sizeof v, s, n) != 0)
		return snds_schema_fail_value(w, c, s, n, "too long");
	return f == FEED_DATA ? data_strict(a, c, v, w) : status_strict(a, c, v, w);
}

/** Check a finished row (required values, address order) and tidy its free text; 0 or -1. */
int snds_schema_acc_finish(acc *a, feed f, const where *w)
{
	if (f == FEED_DATA) {
		if (!(a->seen & (1u << COL_IP)))
			return snds_schema_fail(w, "no IP address");
		snds_value_trim(a->d.helo);
		snds_value_trim(a->d.jmr_sender);
		snds_value_trim(a->d.comments);
		return 0;
	}
	if (!(a->seen & (1u << COL_FIRST))) {
		if (!(a->seen & (1u << COL_IP)))
			return snds_schema_fail(w, "no first address");
		a->s.first = a->ip;
	}
	if (!(a->seen & (1u << COL_LAST))) {
		if (!(a->seen & (1u << COL_IP)))
			return snds_schema_fail(w, "no last address");
		a->s.last = a->ip;
	}
	if (!(a->seen & (1u << COL_BLOCKED)))
		return snds_schema_fail(w, "no blocked flag");
	if (a->s.first.family != a->s.last.family)
		return snds_schema_fail(w, "first and last address are of different families");
	if (mr_addr_cmp(&a->s.first, &a->s.last) > 0)
		return snds_schema_fail(w, "first address is above the last address");
	snds_value_trim(a->s.reason);
	return 0;
}

/** Hand a finished row to the callback; ROW_OK or ROW_STOP. */
int snds_schema_acc_emit(sink *k, const acc *a)
{
	int rc = k->f == FEED_DATA ? k->dcb(k->user, &a->d) : k->scb(k->user, &a->s);

	if (rc != 0)
		return ROW_STOP;
	k->rows++;
	return ROW_OK;
}


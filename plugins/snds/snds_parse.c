/* snds_parse.c: format detection and streaming parsers of the Microsoft SNDS feeds: the legacy
 * headerless CSV (data: 14 fields, status: 4 fields), CSV with a header line naming the columns, and
 * JSON arrays of objects (decoded one element at a time with jansson). Bodies are read in place; rows
 * are built on the stack and handed to a callback, so memory does not grow with the number of rows.
 *
 * Choices worth knowing:
 * - A CSV line ends at LF (an optional CR before it is dropped); quoted fields cannot span lines.
 * - Leading and trailing blank lines are ignored; a blank line between two rows is an error.
 * - Unquoted fields are trimmed of spaces and tabs; quoted fields are kept as written ("" = ").
 * - Legacy data rows need 11 to 14 fields. With more, the extra fields are assumed to come from commas
 *   in the free-text columns: field 12 stays the HELO, field 13 the JMR sender, and field 14 and
 *   everything after it are joined back with commas into the comments. Legacy status rows need 3 or
 *   more fields; fields after the 4th are joined back into the reason.
 * - With a header line, a row must have as many fields as the header; more are only accepted (and
 *   joined into it) when the last column is free text or ignored.
 * - Free-text values (HELO, sender, comments, reason) are trimmed and truncated at a UTF-8 character
 *   boundary; tabs become spaces and other control characters '?'. Every other value is strict, and an
 *   error names the line (CSV) or element (JSON). */

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#include "snds_parse.h"

/** Most columns a header line may name. */
#define MAX_COLS 64
/** Longest field value (unescaped) kept while parsing a CSV line; longer free text is truncated. */
#define FIELD_MAX 512
/** Longest strict value (IP, date, number, filter, rate) including the NUL. */
#define STRICT_MAX 64
/** Most bytes of an offending value quoted in an error message. */
#define SHOW_MAX 40
/** Largest complaint rate accepted, in percent (the rate may exceed 100 %, see snds-facts §6). */
#define RATE_MAX 100000.0

/** What a column (CSV) or key (JSON) holds. */
typedef enum col {
	COL_IGNORE = 0, /**< unknown: ignored */
	COL_IP,         /**< data: the IP; status: first and last address of a one-address row */
	COL_PSTART,     /**< activity period start (or the single activity period) */
	COL_PEND,       /**< activity period end */
	COL_RCPT,       /**< RCPT commands */
	COL_DATA,       /**< DATA commands */
	COL_RECIP,      /**< message recipients */
	COL_FILTER,     /**< filter result */
	COL_RATE,       /**< complaint rate */
	COL_TSTART,     /**< trap message period start (or the single trap period) */
	COL_TEND,       /**< trap message period end */
	COL_TRAPS,      /**< trap hits */
	COL_HELO,       /**< sample HELO */
	COL_JMR,        /**< JMR P1 sender */
	COL_COMMENTS,   /**< comments */
	COL_FIRST,      /**< status: first address */
	COL_LAST,       /**< status: last address */
	COL_BLOCKED,    /**< status: blocked flag */
	COL_REASON,     /**< status: reason */
	COL_COUNT       /**< number of kinds */
} col;

/** Which feed a parser reads. */
typedef enum feed {
	FEED_DATA,   /**< data.aspx / report/data */
	FEED_STATUS  /**< ipStatus.aspx / report/status/ip */
} feed;

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

/** Column order of the legacy headerless data feed (snds-facts §2). */
static const col legacy_data[] = {
	COL_IP, COL_PSTART, COL_PEND, COL_RCPT, COL_DATA, COL_RECIP, COL_FILTER, COL_RATE,
	COL_TSTART, COL_TEND, COL_TRAPS, COL_HELO, COL_JMR, COL_COMMENTS,
};

/** Column order of the legacy headerless status feed (snds-facts §3). */
static const col legacy_status[] = { COL_FIRST, COL_LAST, COL_BLOCKED, COL_REASON };

/** How the fields of a CSV line map to columns. */
typedef struct layout {
	col map[MAX_COLS];  /**< column kind by field index */
	size_t ncols;       /**< columns in map */
	size_t min_fields;  /**< fewer fields in a row are an error */
	int overflow;       /**< extra fields are joined into the last column */
} layout;

/** Where an error happened: "line N" or "element N", and where to write it. */
typedef struct where {
	const char *unit;  /**< "line", "element" or "byte" */
	unsigned long n;   /**< the number */
	mr_buf *err;       /**< the caller's error buffer (may be NULL) */
} where;

/** A row being built: either kind of row, the status feed's one-address IP, the kinds seen. */
typedef struct acc {
	snds_data_row d;    /**< data row */
	snds_status_row s;  /**< status row */
	mr_addr ip;         /**< status: a single address (COL_IP) */
	unsigned seen;      /**< bit (1u << col) per kind given */
} acc;

/** Where the rows go. */
typedef struct sink {
	feed f;              /**< which feed */
	snds_data_cb dcb;    /**< data callback */
	snds_status_cb scb;  /**< status callback */
	void *user;          /**< callback argument */
	long rows;           /**< rows delivered */
} sink;

/** Results of handling one row. */
enum { ROW_OK = 0, ROW_BAD = -1, ROW_STOP = -2 };

/* ---------------------------------------------------------------- text helpers */

/** 1 for a space or tab. */
static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/** 1 for whitespace that may surround a body (space, tab, CR, LF). */
static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/** ASCII lower case of c. */
static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/** Offset of the first byte after a UTF-8 BOM (if any). */
static size_t skip_bom(const char *b, size_t len)
{
	if (len >= 3 && (unsigned char)b[0] == 0xEF && (unsigned char)b[1] == 0xBB && (unsigned char)b[2] == 0xBF)
		return 3;
	return 0;
}

/** Offset of the first byte after a BOM and any whitespace. */
static size_t skip_bom_ws(const char *b, size_t len)
{
	size_t i = skip_bom(b, len);

	while (i < len && is_ws(b[i]))
		i++;
	return i;
}

/** Offset of needle (lowercase ASCII) in hay, ignoring ASCII case; hlen if absent. */
static size_t ci_find(const char *hay, size_t hlen, const char *needle)
{
	size_t m = strlen(needle);
	size_t i, j;

	if (m == 0 || m > hlen)
		return m == 0 ? 0 : hlen;
	for (i = 0; i + m <= hlen; i++) {
		if (lower(hay[i]) != needle[0])
			continue;
		for (j = 1; j < m && lower(hay[i + j]) == needle[j]; j++)
			;
		if (j == m)
			return i;
	}
	return hlen;
}

/** Normalise a name: lowercase, keep only [a-z0-9]; "" when it does not fit dst. */
static void norm_name(const char *s, size_t n, char *dst, size_t size)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		char c = lower(s[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			continue;
		if (k + 1 >= size) {
			dst[0] = '\0';
			return;
		}
		dst[k++] = c;
	}
	dst[k] = '\0';
}

/** Look a raw name up in a table (after normalising it); COL_IGNORE when unknown. */
static col lookup(const colname *t, size_t nt, const char *s, size_t n)
{
	char key[48];
	size_t i;

	norm_name(s, n, key, sizeof key);
	if (key[0] == '\0')
		return COL_IGNORE;
	for (i = 0; i < nt; i++)
		if (strcmp(t[i].name, key) == 0)
			return t[i].c;
	return COL_IGNORE;
}

/** Look a name up in the table of feed f. */
static col lookup_feed(feed f, const char *s, size_t n)
{
	if (f == FEED_DATA)
		return lookup(data_names, sizeof data_names / sizeof data_names[0], s, n);
	return lookup(status_names, sizeof status_names / sizeof status_names[0], s, n);
}

/** 1 if c holds free text (truncated, never an error). */
static int is_lenient(col c)
{
	return c == COL_HELO || c == COL_JMR || c == COL_COMMENTS || c == COL_REASON;
}

/** Write s (n bytes) into dst at offset at: bounded, tabs as spaces, other control bytes as '?', cut at a UTF-8
 * character boundary. */
static void put_text(char *dst, size_t size, size_t at, const char *s, size_t n)
{
	size_t room, k, i;

	if (at + 1 >= size) {
		dst[size - 1] = '\0';
		return;
	}
	room = size - 1 - at;
	k = n;
	if (k > room) {
		k = room;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--; /* s[k] must start a character, so s[0..k) ends on a boundary */
	}
	for (i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[at + i] = c == '\t' ? ' ' : (c < 0x20 || c == 0x7F) ? '?' : (char)c;
	}
	dst[at + k] = '\0';
}

/** Set (or with append, extend with ',' and) a free-text value. */
static void put_lenient(char *dst, size_t size, const char *s, size_t n, int append)
{
	size_t at = 0;

	if (append) {
		at = strlen(dst);
		if (at + 1 < size)
			dst[at++] = ',';
		dst[at < size ? at : size - 1] = '\0';
	}
	put_text(dst, size, at, s, n);
}

/** Drop leading and trailing spaces and tabs of a NUL-terminated string in place. */
static void trim_inplace(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && is_blank(s[n - 1]))
		n--;
	while (i < n && is_blank(s[i]))
		i++;
	if (i > 0)
		memmove(s, s + i, n - i);
	s[n - i] = '\0';
}

/** Copy s (n bytes) without surrounding blanks into dst; -1 if it does not fit. */
static int strict_copy(char *dst, size_t size, const char *s, size_t n)
{
	while (n > 0 && is_blank(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	if (n >= size || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/** A printable excerpt of s (n bytes) for an error message, "..." when cut. */
static void show(char *dst, size_t size, const char *s, size_t n)
{
	size_t k = n > SHOW_MAX ? SHOW_MAX : n;

	put_text(dst, size, 0, s, k);
	if (k < n && strlen(dst) + 4 <= size)
		memcpy(dst + strlen(dst), "...", 4);
}

/** Append "UNIT N: message" to the error buffer; always -1 (ROW_BAD). */
static int fail(const where *w, const char *fmt, ...) MR_PRINTF(2, 3);

/** Append "UNIT N: message" to the error buffer; always -1 (ROW_BAD). */
static int fail(const where *w, const char *fmt, ...)
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
static int fail_value(const where *w, col c, const char *s, size_t n, const char *why)
{
	char v[SHOW_MAX + 8];

	show(v, sizeof v, s, n);
	return fail(w, "bad %s '%s': %s", col_label[c], v, why);
}

/* ---------------------------------------------------------------- value parsers */

/** A count: digits only, "" = not reported (-1); 0 or -1. */
static int parse_count(const char *s, int64_t *out)
{
	const char *p;
	long v;

	if (*s == '\0') {
		*out = -1;
		return 0;
	}
	for (p = s; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return -1;
	if (mr_parse_long(s, 0, LONG_MAX, &v) != 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/** A filter result GREEN/YELLOW/RED in any case, "" = not reported; 0 or -1. */
static int parse_filter(const char *s, snds_filter *f)
{
	if (*s == '\0')
		*f = SNDS_FILTER_NONE;
	else if (mr_streq_ci(s, "green"))
		*f = SNDS_FILTER_GREEN;
	else if (mr_streq_ci(s, "yellow"))
		*f = SNDS_FILTER_YELLOW;
	else if (mr_streq_ci(s, "red"))
		*f = SNDS_FILTER_RED;
	else
		return -1;
	return 0;
}

/** A complaint rate "[<] NUMBER [%]" ("" = not known) into the row; 0 or -1. */
static int parse_rate(const char *s, snds_data_row *r)
{
	char num[STRICT_MAX];
	const char *p = s, *e;
	int floor = 0;
	double v;

	if (*p == '\0') {
		r->complaint_known = 0;
		r->complaint = 0.0;
		r->complaint_floor = 0;
		return 0;
	}
	if (*p == '<') {
		floor = 1;
		p++;
		while (is_blank(*p))
			p++;
	}
	e = p + strlen(p);
	if (e > p && e[-1] == '%') {
		e--;
		while (e > p && is_blank(e[-1]))
			e--;
	}
	if (e == p || *p == '-' || *p == '+' || strict_copy(num, sizeof num, p, (size_t)(e - p)) != 0)
		return -1;
	if (mr_parse_double(num, 0.0, RATE_MAX, &v) != 0)
		return -1;
	r->complaint_known = 1;
	r->complaint = v;
	r->complaint_floor = floor;
	return 0;
}

/** A blocked flag: Yes/True/1 -> 1, No/False/0 -> 0 (any case); anything else -1. */
static int parse_blocked(const char *s, int *out)
{
	if (mr_streq_ci(s, "yes") || mr_streq_ci(s, "true") || strcmp(s, "1") == 0)
		*out = 1;
	else if (mr_streq_ci(s, "no") || mr_streq_ci(s, "false") || strcmp(s, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/** A bounded date or period text; 0 or -1 (too long). */
static int put_date(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return -1;
	put_text(dst, size, 0, s, n);
	return 0;
}

/* ---------------------------------------------------------------- rows */

/** Start a row of feed f: counts not reported, nothing seen. */
static void acc_init(acc *a, feed f)
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
		put_lenient(a->d.helo, sizeof a->d.helo, s, n, append);
		break;
	case COL_JMR:
		put_lenient(a->d.jmr_sender, sizeof a->d.jmr_sender, s, n, append);
		break;
	case COL_COMMENTS:
		put_lenient(a->d.comments, sizeof a->d.comments, s, n, append);
		break;
	case COL_REASON:
		put_lenient(a->s.reason, sizeof a->s.reason, s, n, append);
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
			return fail_value(w, c, v, strlen(v), "not an IP address");
		break;
	case COL_PSTART:
		rc = put_date(r->period_start, sizeof r->period_start, v);
		break;
	case COL_PEND:
		rc = put_date(r->period_end, sizeof r->period_end, v);
		break;
	case COL_TSTART:
		rc = put_date(r->trap_start, sizeof r->trap_start, v);
		break;
	case COL_TEND:
		rc = put_date(r->trap_end, sizeof r->trap_end, v);
		break;
	case COL_RCPT:
	case COL_DATA:
	case COL_RECIP:
	case COL_TRAPS:
		if (parse_count(v, count_slot(r, c)) != 0)
			return fail_value(w, c, v, strlen(v), "not a whole number");
		break;
	case COL_FILTER:
		if (parse_filter(v, &r->filter) != 0)
			return fail_value(w, c, v, strlen(v), "not GREEN, YELLOW or RED");
		break;
	case COL_RATE:
		if (parse_rate(v, r) != 0)
			return fail_value(w, c, v, strlen(v), "not a percentage such as 0.5% or < 0.1%");
		break;
	default:
		break;
	}
	if (rc != 0)
		return fail_value(w, c, v, strlen(v), "too long");
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
			return fail_value(w, c, v, strlen(v), "not an IP address");
		break;
	case COL_BLOCKED:
		if (parse_blocked(v, &a->s.blocked) != 0)
			return fail_value(w, c, v, strlen(v), "not Yes, No, True, False, 1 or 0");
		break;
	default:
		break;
	}
	return 0;
}

/** Store a text value (s, n bytes) of column c into a row of feed f; 0 or -1 with the error. */
static int acc_text(acc *a, feed f, col c, const char *s, size_t n, int append, const where *w)
{
	char v[STRICT_MAX];

	if (c == COL_IGNORE)
		return 0;
	a->seen |= 1u << c;
	if (is_lenient(c)) {
		acc_lenient(a, c, s, n, append);
		return 0;
	}
	if (strict_copy(v, sizeof v, s, n) != 0)
		return fail_value(w, c, s, n, "too long");
	return f == FEED_DATA ? data_strict(a, c, v, w) : status_strict(a, c, v, w);
}

/** Check a finished row (required values, address order) and tidy its free text; 0 or -1. */
static int acc_finish(acc *a, feed f, const where *w)
{
	if (f == FEED_DATA) {
		if (!(a->seen & (1u << COL_IP)))
			return fail(w, "no IP address");
		trim_inplace(a->d.helo);
		trim_inplace(a->d.jmr_sender);
		trim_inplace(a->d.comments);
		return 0;
	}
	if (!(a->seen & (1u << COL_FIRST))) {
		if (!(a->seen & (1u << COL_IP)))
			return fail(w, "no first address");
		a->s.first = a->ip;
	}
	if (!(a->seen & (1u << COL_LAST))) {
		if (!(a->seen & (1u << COL_IP)))
			return fail(w, "no last address");
		a->s.last = a->ip;
	}
	if (!(a->seen & (1u << COL_BLOCKED)))
		return fail(w, "no blocked flag");
	if (a->s.first.family != a->s.last.family)
		return fail(w, "first and last address are of different families");
	if (mr_addr_cmp(&a->s.first, &a->s.last) > 0)
		return fail(w, "first address is above the last address");
	trim_inplace(a->s.reason);
	return 0;
}

/** Hand a finished row to the callback; ROW_OK or ROW_STOP. */
static int acc_emit(sink *k, const acc *a)
{
	int rc = k->f == FEED_DATA ? k->dcb(k->user, &a->d) : k->scb(k->user, &a->s);

	if (rc != 0)
		return ROW_STOP;
	k->rows++;
	return ROW_OK;
}

/* ---------------------------------------------------------------- CSV */

/** Find the next line at *p: [*ls, *le) without LF and a CR before it; 0 at the end of the body. */
static int next_line(const char **p, const char *end, const char **ls, const char **le)
{
	const char *nl;

	if (*p >= end)
		return 0;
	*ls = *p;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (nl == NULL) {
		*le = end;
		*p = end;
	} else {
		*le = nl;
		*p = nl + 1;
	}
	if (*le > *ls && (*le)[-1] == '\r')
		(*le)--;
	return 1;
}

/** 1 if [s, e) holds nothing but spaces and tabs. */
static int line_blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!is_blank(*s))
			return 0;
	return 1;
}

/**
 * Read one field at *p (up to le) into out (size bytes, NUL-terminated; *n its length, *cut set when it
 * did not fit). Quoted fields are unescaped; unquoted ones are kept raw. *p moves past the comma;
 * *more says whether a comma followed. 0, or -1 with the error (bad quoting).
 */
static int csv_field(const char **p, const char *le, char *out, size_t size, size_t *n, int *cut, int *more,
		     const where *w)
{
	const char *s = *p, *q = *p;
	size_t k = 0;

	*cut = 0;
	while (q < le && is_blank(*q))
		q++;
	if (q < le && *q == '"') {
		for (q++;; q++) {
			if (q >= le)
				return fail(w, "unterminated quoted field");
			if (*q == '"') {
				if (q + 1 < le && q[1] == '"')
					q++;
				else
					break;
			}
			if (k + 1 < size)
				out[k++] = *q;
			else
				*cut = 1;
		}
		q++; /* the closing quote */
		while (q < le && is_blank(*q))
			q++;
		if (q < le && *q != ',')
			return fail(w, "text after the closing quote of a field");
	} else {
		for (q = s; q < le && *q != ','; q++) {
			if (k + 1 < size)
				out[k++] = *q;
			else
				*cut = 1;
		}
	}
	out[k] = '\0';
	*n = k;
	*more = q < le;
	*p = *more ? q + 1 : le;
	return 0;
}

/** Parse the fields of a row line through the layout into a, then check and emit it. */
static int csv_row(sink *k, const layout *lay, const char *ls, const char *le, const where *w)
{
	char v[FIELD_MAX];
	const char *p = ls;
	size_t i, n;
	int cut, more = 1, rc;
	acc a;

	acc_init(&a, k->f);
	for (i = 0; more; i++) {
		col c;

		if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, w) != 0)
			return ROW_BAD;
		if (i < lay->ncols) {
			c = lay->map[i];
		} else if (lay->overflow) {
			c = lay->map[lay->ncols - 1];
		} else {
			while (more && csv_field(&p, le, v, sizeof v, &n, &cut, &more, w) == 0)
				i++; /* count them for the message */
			if (more)
				return ROW_BAD;
			return fail(w, "%zu fields, expected %zu", i + 1, lay->ncols);
		}
		if (cut && !is_lenient(c) && c != COL_IGNORE)
			return fail(w, "%s too long", col_label[c]);
		if (acc_text(&a, k->f, c, v, n, i >= lay->ncols, w) != 0)
			return ROW_BAD;
	}
	if (i < lay->min_fields)
		return fail(w, "%zu fields, expected %s%zu", i, lay->min_fields < lay->ncols ? "at least " : "",
			    lay->min_fields);
	rc = acc_finish(&a, k->f, w);
	if (rc != 0)
		return rc;
	return acc_emit(k, &a);
}

/** Fill a layout from a fixed column order (legacy feeds): min fields, extra fields into the last. */
static void layout_fixed(layout *lay, const col *order, size_t n, size_t min_fields)
{
	size_t i;

	for (i = 0; i < n; i++)
		lay->map[i] = order[i];
	lay->ncols = n;
	lay->min_fields = min_fields;
	lay->overflow = 1;
}

/** Build a layout from a header line; 0, -1 with the error, or 1 (no error written) if it names no IP column. */
static int layout_header(layout *lay, feed f, const char *ls, const char *le, const where *w)
{
	char v[FIELD_MAX];
	const char *p = ls;
	unsigned seen = 0;
	size_t n;
	int cut, more = 1;

	lay->ncols = 0;
	while (more) {
		col c;

		if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, w) != 0)
			return -1;
		if (lay->ncols >= MAX_COLS)
			return fail(w, "header names more than %d columns", MAX_COLS);
		c = cut ? COL_IGNORE : lookup_feed(f, v, n);
		if (c != COL_IGNORE && (seen & (1u << c)))
			return fail(w, "header names the %s twice", col_label[c]);
		seen |= 1u << c;
		lay->map[lay->ncols++] = c;
	}
	lay->min_fields = lay->ncols;
	lay->overflow = is_lenient(lay->map[lay->ncols - 1]) || lay->map[lay->ncols - 1] == COL_IGNORE;
	if (!(seen & ((1u << COL_FIRST) | (1u << COL_IP))))
		return 1;
	if (f == FEED_STATUS && !(seen & (1u << COL_BLOCKED)))
		return fail(w, "header has no blocked column");
	return 0;
}

/** 1 if the first field of the line [ls, le) is an IP address. */
static int first_field_is_ip(const char *ls, const char *le)
{
	char v[STRICT_MAX], t[STRICT_MAX];
	const char *p = ls;
	where quiet = { "line", 0, NULL };
	mr_addr a;
	size_t n;
	int cut, more;

	if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, &quiet) != 0 || cut)
		return 0;
	return strict_copy(t, sizeof t, v, n) == 0 && mr_addr_parse(t, &a) == 0;
}

/** Report a first line that is neither a row (its first field is no IP) nor a header naming an IP column. */
static int bad_first_line(const char *ls, const char *le, const where *w)
{
	char v[FIELD_MAX], t[SHOW_MAX + 8];
	const char *p = ls;
	size_t n;
	int cut, more;

	if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, w) != 0)
		return ROW_BAD;
	show(t, sizeof t, v, n);
	return fail(w, "bad IP address '%s': not an IP address, and the line is no header naming an IP column", t);
}

/** Stream the CSV rows of a body into the sink; the row count, or ROW_BAD / ROW_STOP. */
static long csv_parse(sink *k, const char *body, size_t len, mr_buf *err)
{
	const char *p = body + skip_bom(body, len), *end = body + len, *ls, *le;
	unsigned long blank_at = 0;
	int have_layout = 0, rc;
	where w = { "line", 0, err };
	layout lay = { .ncols = 0 };

	while (next_line(&p, end, &ls, &le)) {
		w.n++;
		if (line_blank(ls, le)) {
			if (have_layout && blank_at == 0)
				blank_at = w.n;
			continue;
		}
		if (blank_at != 0) {
			w.n = blank_at;
			return fail(&w, "blank line between rows");
		}
		if (!have_layout) {
			have_layout = 1;
			if (first_field_is_ip(ls, le)) {
				if (k->f == FEED_DATA)
					layout_fixed(&lay, legacy_data, sizeof legacy_data / sizeof legacy_data[0], 11);
				else
					layout_fixed(&lay, legacy_status, sizeof legacy_status / sizeof legacy_status[0], 3);
			} else {
				rc = layout_header(&lay, k->f, ls, le, &w);
				if (rc == 0)
					continue;
				if (rc < 0)
					return ROW_BAD;
				return bad_first_line(ls, le, &w);
			}
		}
		rc = csv_row(k, &lay, ls, le, &w);
		if (rc != ROW_OK)
			return rc;
	}
	return k->rows;
}

/* ---------------------------------------------------------------- JSON */

/** Skip whitespace from *p. */
static void skip_ws(const char **p, const char *end)
{
	while (*p < end && is_ws(**p))
		(*p)++;
}

/** Store one JSON member value v of kind c into a row of feed f; 0 or -1 with the error. */
static int member_value(acc *a, feed f, col c, json_t *v, const where *w)
{
	char num[STRICT_MAX];

	if (c == COL_IGNORE || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return acc_text(a, f, c, json_string_value(v), json_string_length(v), 0, w);
	a->seen |= 1u << c;
	if (f == FEED_STATUS && c == COL_BLOCKED && json_is_boolean(v)) {
		a->s.blocked = json_is_true(v) ? 1 : 0;
		return 0;
	}
	if (json_is_integer(v) && (c == COL_RCPT || c == COL_DATA || c == COL_RECIP || c == COL_TRAPS ||
				   c == COL_RATE || c == COL_BLOCKED)) {
		if (mr_snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) != 0)
			return fail(w, "%s out of range", col_label[c]);
		return acc_text(a, f, c, num, strlen(num), 0, w);
	}
	if (json_is_real(v) && c == COL_RATE) {
		double d = json_real_value(v);

		if (!isfinite(d) || d < 0.0 || d > RATE_MAX)
			return fail(w, "bad %s %g: out of range", col_label[c], d);
		a->d.complaint_known = 1;
		a->d.complaint = d;
		a->d.complaint_floor = 0;
		return 0;
	}
	return fail(w, "%s has the wrong JSON type", col_label[c]);
}

/** Turn one decoded element into a row and emit it; ROW_OK, ROW_BAD or ROW_STOP. */
static int element_row(sink *k, json_t *o, const where *w)
{
	const char *key;
	json_t *v;
	acc a;
	int rc;

	if (!json_is_object(o))
		return fail(w, "not a JSON object");
	acc_init(&a, k->f);
	json_object_foreach(o, key, v) {
		col c = lookup_feed(k->f, key, strlen(key));

		if (c != COL_IGNORE && (a.seen & (1u << c)) && !json_is_null(v))
			return fail(w, "two keys give the %s", col_label[c]);
		if (member_value(&a, k->f, c, v, w) != 0)
			return ROW_BAD;
	}
	rc = acc_finish(&a, k->f, w);
	if (rc != 0)
		return rc;
	return acc_emit(k, &a);
}

/** Stream the array starting at *p ('['): decode, convert and emit one element at a time. */
static int stream_array(sink *k, const char **p, const char *end, mr_buf *err)
{
	where w = { "element", 0, err };

	(*p)++;
	skip_ws(p, end);
	if (*p < end && **p == ']') {
		(*p)++;
		return ROW_OK;
	}
	for (;;) {
		json_error_t e;
		json_t *o;
		int rc;

		w.n++;
		if (*p >= end)
			return fail(&w, "the JSON array is not closed");
		if (**p == ']')
			return fail(&w, "missing after a trailing ','");
		if (**p != '{')
			return fail(&w, "not a JSON object");
		o = json_loadb(*p, (size_t)(end - *p), JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &e);
		if (o == NULL)
			return fail(&w, "invalid JSON: %s", e.text);
		rc = element_row(k, o, &w);
		json_decref(o);
		if (rc != ROW_OK)
			return rc;
		*p += e.position;
		skip_ws(p, end);
		if (*p < end && **p == ']') {
			(*p)++;
			return ROW_OK;
		}
		if (*p >= end || **p != ',')
			return fail(&w, "expected ',' or ']' after the element");
		(*p)++;
		skip_ws(p, end);
	}
}

/** 1 if a normalised member name is one that may hold the rows. */
static int rows_key(const char *key)
{
	static const char *const names[] = { "value", "data", "items", "rows", "results" };
	char n[16];
	size_t i;

	norm_name(key, strlen(key), n, sizeof n);
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(n, names[i]) == 0)
			return 1;
	return 0;
}

/** Walk the top-level object at *p ('{'), streaming the first array-valued rows member. */
static int stream_object(sink *k, const char *body, const char **p, const char *end, mr_buf *err)
{
	where w = { "byte", 0, err };
	int found = 0;

	(*p)++;
	skip_ws(p, end);
	if (*p < end && **p == '}') {
		(*p)++;
		goto out;
	}
	for (;;) {
		json_error_t e;
		json_t *key;
		int rows;

		w.n = (unsigned long)(*p - body);
		if (*p >= end || **p != '"')
			return fail(&w, "expected a member name in the JSON object");
		key = json_loadb(*p, (size_t)(end - *p), JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);
		if (key == NULL || !json_is_string(key)) {
			json_decref(key);
			return fail(&w, "invalid member name in the JSON object");
		}
		rows = !found && rows_key(json_string_value(key));
		json_decref(key);
		*p += e.position;
		skip_ws(p, end);
		if (*p >= end || **p != ':')
			return fail(&w, "expected ':' after a member name");
		(*p)++;
		skip_ws(p, end);
		if (rows && *p < end && **p == '[') {
			int rc = stream_array(k, p, end, err);

			if (rc != ROW_OK)
				return rc;
			found = 1;
		} else {
			json_t *skip = json_loadb(*p, (size_t)(end - *p),
						  JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);

			if (skip == NULL)
				return fail(&w, "invalid JSON: %s", e.text);
			json_decref(skip);
			*p += e.position;
		}
		skip_ws(p, end);
		if (*p < end && **p == ',') {
			(*p)++;
			skip_ws(p, end);
			continue;
		}
		if (*p < end && **p == '}') {
			(*p)++;
			break;
		}
		return fail(&w, "expected ',' or '}' in the JSON object");
	}
out:
	if (!found) {
		if (err != NULL)
			mr_buf_puts(err, "JSON object without an array of rows (\"value\", \"data\", \"items\", ...)");
		return ROW_BAD;
	}
	return ROW_OK;
}

/** Stream the JSON rows of a body into the sink; the row count, or ROW_BAD / ROW_STOP. */
static long parse_json(sink *k, const char *body, size_t len, mr_buf *err)
{
	const char *end = body + len, *p = body + skip_bom_ws(body, len);
	int rc;

	if (p < end && *p == '[')
		rc = stream_array(k, &p, end, err);
	else if (p < end && *p == '{')
		rc = stream_object(k, body, &p, end, err);
	else {
		if (err != NULL)
			mr_buf_puts(err, "JSON body is neither an array nor an object");
		return ROW_BAD;
	}
	if (rc != ROW_OK)
		return rc;
	skip_ws(&p, end);
	if (p < end) {
		if (err != NULL)
			mr_buf_printf(err, "text after the JSON value at byte %zu", (size_t)(p - body));
		return ROW_BAD;
	}
	return k->rows;
}

/* ---------------------------------------------------------------- public */

/** Dispatch a body of format fmt to the CSV or JSON parser; rows or -1. */
static long parse_body(sink *k, const char *body, size_t len, snds_format fmt, mr_buf *err)
{
	long rc;

	if (body == NULL && len > 0)
		return -1;
	if (body == NULL)
		body = "";
	switch (fmt) {
	case SNDS_FMT_EMPTY:
		if (skip_bom_ws(body, len) != len) {
			if (err != NULL)
				mr_buf_puts(err, "body is not empty");
			return -1;
		}
		return 0;
	case SNDS_FMT_CSV:
		rc = csv_parse(k, body, len, err);
		break;
	case SNDS_FMT_JSON:
		rc = parse_json(k, body, len, err);
		break;
	default:
		if (err != NULL)
			mr_buf_puts(err, fmt == SNDS_FMT_HTML ? "body is an HTML page, not SNDS data"
							     : "body is neither CSV nor JSON");
		return -1;
	}
	return rc < 0 ? -1 : rc;
}

/** Parse a data feed body; rows or -1 (see snds_parse.h). */
long snds_parse_data(const char *body, size_t len, snds_format fmt, snds_data_cb cb, void *user, mr_buf *err)
{
	sink k = { FEED_DATA, cb, NULL, user, 0 };

	if (cb == NULL)
		return -1;
	return parse_body(&k, body, len, fmt, err);
}

/** Parse an IP status feed body; rows or -1 (see snds_parse.h). */
long snds_parse_status(const char *body, size_t len, snds_format fmt, snds_status_cb cb, void *user, mr_buf *err)
{
	sink k = { FEED_STATUS, NULL, cb, user, 0 };

	if (cb == NULL)
		return -1;
	return parse_body(&k, body, len, fmt, err);
}

/** 1 if a content type names HTML (text/html or application/xhtml+xml, any parameters). */
static int content_type_html(const char *ct)
{
	static const char *const types[] = { "text/html", "application/xhtml+xml" };
	size_t i, n;

	if (ct == NULL)
		return 0;
	while (is_blank(*ct))
		ct++;
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		n = strlen(types[i]);
		if (strlen(ct) >= n && ci_find(ct, n, types[i]) == 0 &&
		    (ct[n] == '\0' || ct[n] == ';' || is_blank(ct[n])))
			return 1;
	}
	return 0;
}

/** 1 if a line names an IP column of either feed (a CSV header). */
static int line_has_ip_column(const char *ls, const char *le)
{
	char v[FIELD_MAX];
	const char *p = ls;
	where quiet = { "line", 0, NULL };
	size_t n;
	int cut, more = 1;

	while (more) {
		col d, s;

		if (csv_field(&p, le, v, sizeof v, &n, &cut, &more, &quiet) != 0)
			return 0;
		d = lookup_feed(FEED_DATA, v, n);
		s = lookup_feed(FEED_STATUS, v, n);
		if (d == COL_IP || s == COL_IP || s == COL_FIRST)
			return 1;
	}
	return 0;
}

/** Decide the format of a body (see snds_parse.h). */
snds_format snds_detect(const char *body, size_t len, const char *content_type)
{
	const char *p, *end, *ls, *le;
	size_t i;

	if (body == NULL)
		len = 0;
	i = body == NULL ? 0 : skip_bom_ws(body, len);
	if (i >= len)
		return SNDS_FMT_EMPTY;
	if (body[i] == '[' || body[i] == '{')
		return SNDS_FMT_JSON;
	if (body[i] == '<')
		return SNDS_FMT_HTML;
	p = body + i;
	end = body + len;
	if (next_line(&p, end, &ls, &le) && (first_field_is_ip(ls, le) || line_has_ip_column(ls, le)))
		return SNDS_FMT_CSV;
	if (content_type_html(content_type))
		return SNDS_FMT_HTML;
	return SNDS_FMT_UNKNOWN;
}

/** 1 if an HTML body looks like a Microsoft sign-in page (see snds_parse.h). */
int snds_is_signin_page(const char *body, size_t len)
{
	static const char *const marks[] = { "login.microsoftonline.com", "login.live.com",
					     "sign in to your account" };
	size_t i, at = 0;

	if (body == NULL)
		return 0;
	for (i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (ci_find(body, len, marks[i]) < len)
			return 1;
	while (at < len) {
		size_t open = ci_find(body + at, len - at, "<title"), gt, close;

		if (open >= len - at)
			break;
		open += at;
		gt = open + 6;
		while (gt < len && body[gt] != '>')
			gt++;
		if (gt >= len)
			break;
		close = gt + 1 + ci_find(body + gt + 1, len - gt - 1, "</title");
		if (ci_find(body + gt + 1, close - gt - 1, "sign in") < close - gt - 1)
			return 1;
		at = close;
	}
	return 0;
}

/** Name of a filter result (see snds_parse.h). */
const char *snds_filter_name(snds_filter f)
{
	switch (f) {
	case SNDS_FILTER_GREEN:
		return "GREEN";
	case SNDS_FILTER_YELLOW:
		return "YELLOW";
	case SNDS_FILTER_RED:
		return "RED";
	default:
		return "none";
	}
}

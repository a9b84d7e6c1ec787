/* smtp_parse_reply.c: the incremental SMTP reply reader: splits received bytes into lines, validates each
 * line (length, reply code, characters, continuation codes, line count) and joins a reply's lines.
 * Pure: bytes in, replies out; no I/O and no allocation. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include "smtp_parse_reply.h"

/** Turn a macro's value into a string literal (two steps so the macro is expanded first). */
#define STR_(x) #x
/** The value of macro x as a string literal. */
#define STR(x) STR_(x)

/** Outcome of one complete line: the reply goes on, is complete, or an error status. */
enum { LINE_CONTINUES = -1 };

/** Reset the reply being assembled. */
static void reply_clear(smtp_reply *rep)
{
	rep->code = 0;
	rep->nlines = 0;
	rep->text[0] = '\0';
	rep->truncated = 0;
}

/** Reset a reader for a new connection (or after an error). */
void smtp_reader_init(smtp_reader *r)
{
	if (r == NULL)
		return;
	r->len = 0;
	r->line[0] = '\0';
	reply_clear(&r->cur);
	r->in_reply = 0;
	r->bad_line[0] = '\0';
	r->failed = 0;
	r->error = SMTP_RD_MORE;
}

/** Keep a printable excerpt of the offending line (len bytes) for messages; other bytes become '?'. */
static void keep_bad_line(smtp_reader *r, const char *line, size_t len)
{
	size_t room = sizeof r->bad_line - 1;
	size_t i, n = len < room ? len : room;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)line[i];
		r->bad_line[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	r->bad_line[n] = '\0';
	if (len > room && room >= 3)
		memcpy(r->bad_line + room - 3, "...", 3);
}

/** Stop the reader with error s, remembering an excerpt of the line; returns s. */
static smtp_rd_status fail(smtp_reader *r, smtp_rd_status s, const char *line, size_t len)
{
	keep_bad_line(r, line, len);
	r->failed = 1;
	r->error = s;
	r->len = 0;
	return s;
}

/** 1 if a line of len bytes holds a NUL, a control byte other than TAB, DEL or a CR. */
static int has_bad_char(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return 1;
	}
	return 0;
}

/**
 * Parse the reply code of a line; 0 with *code and *last set, or -1. The code is three digits,
 * the first 2-5, then ' ' (last line), '-' (continuation) or nothing (a bare code is a last line).
 */
static int parse_code(const char *line, size_t len, int *code, int *last)
{
	size_t i;

	if (len < 3 || line[0] < '2' || line[0] > '5')
		return -1;
	for (i = 1; i < 3; i++)
		if (line[i] < '0' || line[i] > '9')
			return -1;
	if (len == 3)
		*last = 1;
	else if (line[3] == ' ')
		*last = 1;
	else if (line[3] == '-')
		*last = 0;
	else
		return -1;
	*code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	return 0;
}

/** Length of the longest prefix of s (at most max bytes) that does not end inside a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = max, back = 0;

	/* Step back over continuation bytes to the lead byte of the last sequence. */
	while (n > 0 && back < 4 && ((unsigned char)s[n - 1] & 0xc0) == 0x80) {
		n--;
		back++;
	}
	if (n > 0 && (unsigned char)s[n - 1] >= 0xc0) {
		unsigned char lead = (unsigned char)s[n - 1];
		size_t need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
		if (back < need)
			return n - 1; /* the sequence is incomplete: drop it */
		return max;
	}
	return max;
}

/** Append a line of len bytes to the reply's joined text, setting truncated when it does not fit. */
static void append_text(smtp_reply *rep, const char *line, size_t len)
{
	size_t used = strlen(rep->text);
	size_t room = sizeof rep->text - 1 - used;

	if (rep->truncated)
		return;
	if (rep->nlines > 0) {
		if (room == 0) {
			rep->truncated = 1;
			return;
		}
		rep->text[used++] = ' ';
		room--;
	}
	if (len > room) {
		len = utf8_cut(line, room);
		rep->truncated = 1;
	}
	memcpy(rep->text + used, line, len);
	rep->text[used + len] = '\0';
}

/**
 * Handle one complete line (without its LF; a final CR is dropped here): validate it and add it to
 * the reply. Returns SMTP_RD_REPLY (reply copied to *out), LINE_CONTINUES or an error status.
 */
static int take_line(smtp_reader *r, smtp_reply *out)
{
	size_t len = r->len;
	int code = 0, last = 0;

	if (len > 0 && r->line[len - 1] == '\r')
		len--;
	r->len = 0;
	if (len > SMTP_LINE_MAX)
		return fail(r, SMTP_RD_TOO_LONG, r->line, len);
	if (parse_code(r->line, len, &code, &last) != 0)
		return fail(r, SMTP_RD_BAD_CODE, r->line, len);
	if (has_bad_char(r->line, len))
		return fail(r, SMTP_RD_BAD_CHAR, r->line, len);
	if (r->in_reply && code != r->cur.code)
		return fail(r, SMTP_RD_MISMATCH, r->line, len);
	if (r->cur.nlines >= SMTP_REPLY_MAX_LINES)
		return fail(r, SMTP_RD_TOO_MANY_LINES, r->line, len);
	r->cur.code = code;
	append_text(&r->cur, r->line, len);
	r->cur.nlines++;
	if (!last) {
		r->in_reply = 1;
		return LINE_CONTINUES;
	}
	if (out != NULL)
		*out = r->cur;
	reply_clear(&r->cur);
	r->in_reply = 0;
	return SMTP_RD_REPLY;
}

/** Feed up to n bytes; stops after the first complete reply or an error, *used = bytes consumed. */
smtp_rd_status smtp_reader_feed(smtp_reader *r, const char *buf, size_t n, size_t *used, smtp_reply *out)
{
	size_t i;

	if (used != NULL)
		*used = 0;
	if (r == NULL)
		return SMTP_RD_MORE;
	if (r->failed)
		return r->error;
	if (buf == NULL)
		n = 0;
	for (i = 0; i < n; i++) {
		char ch = buf[i];
		if (ch == '\n') {
			int rc = take_line(r, out);
			if (rc != LINE_CONTINUES) {
				if (used != NULL)
					*used = i + 1;
				return (smtp_rd_status)rc;
			}
			continue;
		}
		/*
		 * Never hold more than SMTP_LINE_MAX bytes plus a CR: a byte that would make the line
		 * longer can only be an over-long line (or a bare CR followed by more text).
		 */
		if (r->len > SMTP_LINE_MAX || (r->len == SMTP_LINE_MAX && ch != '\r')) {
			if (used != NULL)
				*used = i + 1;
			return fail(r, SMTP_RD_TOO_LONG, r->line, r->len);
		}
		r->line[r->len++] = ch;
	}
	if (used != NULL)
		*used = n;
	return SMTP_RD_MORE;
}

/** A short English description of a reader status. */
const char *smtp_rd_status_text(smtp_rd_status s)
{
	switch (s) {
	case SMTP_RD_REPLY:
		return "complete reply";
	case SMTP_RD_MORE:
		return "incomplete reply";
	case SMTP_RD_TOO_LONG:
		return "reply line longer than " STR(SMTP_LINE_MAX) " bytes";
	case SMTP_RD_BAD_CODE:
		return "reply line without a valid reply code (three digits, the first 2-5, then space or '-')";
	case SMTP_RD_BAD_CHAR:
		return "reply line holds a NUL, a control character or a bare CR";
	case SMTP_RD_MISMATCH:
		return "continuation line with a different reply code";
	case SMTP_RD_TOO_MANY_LINES:
		return "reply with more than " STR(SMTP_REPLY_MAX_LINES) " lines";
	}
	return "unknown reader status";
}

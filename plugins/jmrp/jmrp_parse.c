/* jmrp_parse.c: classifies one raw message as a Microsoft JMRP complaint (RFC 5965 ARF or the legacy
 * Hotmail format) and extracts source IP, sender, domain, subject and Message-ID of the reported mail.
 * MIME structure, header unfolding and RFC 2047 decoding are left to GMime 3; this module only walks
 * the parsed tree and copies what it needs into the fixed-size fields of jmrp_complaint.
 *
 * Choices worth knowing:
 * - ARF: the top-level part must be multipart/report; a report-type other than feedback-report
 *   (a DSN, a read receipt) is UNPARSED, a missing report-type is tolerated. Only the direct children
 *   are searched for the message/feedback-report part and the original (message/rfc822,
 *   message/global, text/rfc822-headers, message/global-headers); both are parsed as header blocks.
 * - Feedback-Type abuse, fraud, virus and other are user complaints (JMRP_ARF); any other type (auth-failure:
 *   DMARC/DKIM/SPF failure reports of RFC 6591; not-spam) is a report that is no complaint (JMRP_OTHER).
 * - IP: ARF Source-IP (comments and folding allowed, RFC 5965: exactly one address once the comments are
 *   gone), else X-Sender-IP, else X-Originating-IP of the original, else the single distinct [address] of
 *   the original's first (topmost) Received header. Legacy: the subject's IPv4, else X-Sender-IP. An invalid value counts as
 *   absent; nothing is guessed.
 * - Recipients (Original-Rcpt-To, To, X-HmXmrOriginalRecipient) are never read.
 * - A top-level multipart that ends before its closing boundary (providers cut the attached original) is
 *   UNPARSED ("truncated") unless it is an ARF report whose message/feedback-report part is complete, i.e.
 *   another part started after it: that report is read, with what is left of the original.
 * - Stored strings are trimmed, tabs and line breaks become spaces, other control characters and
 *   invalid UTF-8 become '?', and text is cut at a UTF-8 character boundary. Addresses, domains and
 *   the feedback type are lower-cased (ASCII); the Message-ID is stored without angle brackets.
 * - jmrp_parse_init() must have been called before jmrp_parse(). */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>
#include <sys/socket.h>

#include <gmime/gmime.h>

#include "jmrp_parse.h"
#include "../../common/util.h"

/** Longest bracketed token of a Received header that is tried as an address. */
#define MAX_BRACKET 64
/** How deep the legacy format's multipart tree is searched for the attached original. */
#define MAX_DEPTH 4
/** Longest detail (e.g. a report-type value) quoted in a reason. */
#define DETAIL_MAX 40
/** The address every legacy Hotmail complaint comes from. */
#define HOTMAIL_STAFF "staff@hotmail.com"
/** The legacy subject's text before the IPv4 address (compared case-insensitively). */
#define LEGACY_PREFIX "complaint about message from"

/** How copy_text treats the value. */
enum copy_flags {
	COPY_PLAIN = 0, /**< keep case */
	COPY_LOWER = 1  /**< lower-case ASCII letters */
};

/** What the top-level parse reported through GMime's warning callback. */
typedef struct parse_flags {
	int truncated; /**< the input ended inside a multipart or a header block */
} parse_flags;

/** GMime warning callback: remember a truncated message for the caller. */
static void on_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer user_data)
{
	parse_flags *flags = user_data;

	(void)offset;
	(void)item;
	if (flags != NULL && code == GMIME_WARN_TRUNCATED_MESSAGE)
		flags->truncated = 1;
}

/** Parse len bytes as one message; flags (may be NULL) must outlive the result. Caller unrefs it. */
static GMimeMessage *parse_bytes(const char *data, size_t len, parse_flags *flags)
{
	GMimeParserOptions *opts = NULL;
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;

	stream = g_mime_stream_mem_new_with_buffer(data, len);
	if (stream == NULL)
		goto out;
	parser = g_mime_parser_new_with_stream(stream);
	opts = g_mime_parser_options_new();
	if (parser == NULL || opts == NULL)
		goto out;
	if (flags != NULL)
		g_mime_parser_options_set_warning_callback(opts, on_warning, flags);
	msg = g_mime_parser_construct_message(parser, opts);
out:
	if (parser != NULL)
		g_object_unref(parser);
	if (stream != NULL)
		g_object_unref(stream);
	if (opts != NULL)
		g_mime_parser_options_free(opts);
	return msg;
}

/** 1 for the ASCII white space that may surround a header value. */
static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/** Copy src into dst (size bytes) trimmed, sanitised and cut at a UTF-8 boundary; NULL gives "". */
static void copy_text(char *dst, size_t size, const char *src, int flags)
{
	const unsigned char *p, *end;
	size_t o = 0;

	if (size == 0)
		return;
	dst[0] = '\0';
	if (src == NULL)
		return;
	p = (const unsigned char *)src;
	end = p + strlen(src);
	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	while (p < end) {
		unsigned char c = *p;
		gunichar u;
		size_t n;

		if (c < 0x80) {
			char ch = (char)c;

			if (c == '\t' || c == '\r' || c == '\n')
				ch = ' ';
			else if (c < 0x20 || c == 0x7f)
				ch = '?';
			else if (flags & COPY_LOWER)
				ch = g_ascii_tolower(ch);
			if (o + 1 >= size)
				break;
			dst[o++] = ch;
			p++;
			continue;
		}
		u = g_utf8_get_char_validated((const gchar *)p, (gssize)(end - p));
		n = 1;
		if (u != (gunichar)-1 && u != (gunichar)-2)
			n = (size_t)g_utf8_skip[c];
		if (u == (gunichar)-1 || u == (gunichar)-2 || (u >= 0x80 && u < 0xa0) ||
		    u == 0x2028 || u == 0x2029) {
			if (o + 1 >= size)
				break;
			dst[o++] = '?';
			p += n;
			continue;
		}
		if (o + n >= size)
			break;
		memcpy(dst + o, p, n);
		o += n;
		p += n;
	}
	dst[o] = '\0';
}

/** Copy src into dst (size bytes) trimmed, sanitised and cut at a UTF-8 character boundary (case kept). */
void jmrp_clean_text(char *dst, size_t size, const char *src)
{
	copy_text(dst, size, src, COPY_PLAIN);
}

/** Mark out as UNPARSED with reason and an optional sanitised detail appended; returns JMRP_UNPARSED. */
static jmrp_kind unparsed(jmrp_complaint *out, const char *reason, const char *detail)
{
	char shown[DETAIL_MAX];

	memset(out, 0, sizeof(*out));
	out->kind = JMRP_UNPARSED;
	if (detail != NULL) {
		copy_text(shown, sizeof(shown), detail, COPY_LOWER);
		if (mr_snprintf(out->why, sizeof(out->why), "%s%s", reason, shown) == 0)
			return JMRP_UNPARSED;
	}
	copy_text(out->why, sizeof(out->why), reason, COPY_PLAIN);
	return JMRP_UNPARSED;
}

/** The value of the first header called name of o (decoded by GMime), or NULL. */
static const char *header(GMimeObject *o, const char *name)
{
	if (o == NULL)
		return NULL;
	return g_mime_object_get_header(o, name);
}

/** 1 if o's Content-Type is type/subtype (case-insensitive). */
static int content_is(GMimeObject *o, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

/** 1 if o holds an original message or its headers (the third part of an ARF report). */
static int is_original(GMimeObject *o)
{
	return content_is(o, "message", "rfc822") || content_is(o, "message", "global") ||
	       content_is(o, "text", "rfc822-headers") || content_is(o, "message", "rfc822-headers") ||
	       content_is(o, "message", "global-headers");
}

/** Parse an address written as the whole value, in [brackets] or with an "IPv6:" tag; 0 or -1. */
static int ip_from_value(const char *v, mr_addr *a)
{
	char tmp[MR_ADDR_STRLEN + 8];
	char *s, *e;

	if (v == NULL)
		return -1;
	copy_text(tmp, sizeof(tmp), v, COPY_PLAIN);
	if (strlen(tmp) + 1 >= sizeof(tmp))
		return -1; /* possibly cut: too long for an address */
	s = tmp;
	e = s + strlen(s);
	if (*s == '[' && e > s + 1 && e[-1] == ']') {
		s++;
		*--e = '\0';
	}
	if (g_ascii_strncasecmp(s, "IPv6:", 5) == 0)
		s += 5;
	return mr_addr_parse(s, a);
}

/** Parse a structured header value holding one address with optional comments and folding (RFC 5965 Source-IP:
 *  [CFWS] address [CFWS]): comments, nested or with quoted-pairs, are dropped; exactly one token must remain. 0,
 *  -1 if it is no address, -2 if there is no value at all. */
static int ip_from_cfws(const char *v, mr_addr *a)
{
	char tmp[MR_ADDR_STRLEN + 8];
	size_t o = 0, ntok = 0;
	int depth = 0, in_tok = 0;

	if (v == NULL)
		return -2;
	for (const char *p = v; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;
		if (depth > 0) {
			if (ch == '\\' && p[1] != '\0')
				p++;
			else if (ch == '(')
				depth++;
			else if (ch == ')')
				depth--;
			in_tok = 0;
			continue;
		}
		if (ch == '(') {
			depth = 1;
			in_tok = 0;
			continue;
		}
		if (is_space(ch)) {
			in_tok = 0;
			continue;
		}
		if (!in_tok && ++ntok > 1)
			return -1; /* two tokens: do not guess */
		in_tok = 1;
		if (o + 1 >= sizeof(tmp))
			return -1; /* too long for an address */
		tmp[o++] = (char)ch;
	}
	tmp[o] = '\0';
	if (depth != 0 || o == 0)
		return o == 0 && depth == 0 ? -2 : -1;
	return ip_from_value(tmp, a);
}

/** Take the address of a Received header if it names exactly one distinct [address]; 0 or -1. */
static int ip_from_received(const char *v, mr_addr *a)
{
	const char *p = v;
	mr_addr found, cur;
	int n = 0;

	if (v == NULL)
		return -1;
	memset(&found, 0, sizeof(found));
	while ((p = strchr(p, '[')) != NULL) {
		const char *close = strchr(p + 1, ']');
		char tok[MAX_BRACKET];
		size_t len;

		if (close == NULL)
			break;
		len = (size_t)(close - p) + 1;
		if (len < sizeof(tok)) {
			memcpy(tok, p, len);
			tok[len] = '\0';
			if (ip_from_value(tok, &cur) == 0) {
				if (n == 0)
					found = cur;
				else if (mr_addr_cmp(&found, &cur) != 0)
					return -1; /* two different addresses: do not guess */
				n++;
			}
		}
		p = close + 1;
	}
	if (n == 0)
		return -1;
	*a = found;
	return 0;
}

/** Copy the address of an envelope path ("<a@b>", "a@b", "<>") lower-cased; "" if none. */
static void copy_path(char *dst, size_t size, const char *v, int flags)
{
	char tmp[512];
	const char *s, *e;
	size_t n;

	if (size > 0)
		dst[0] = '\0';
	if (v == NULL || size == 0)
		return;
	s = v;
	while (is_space((unsigned char)*s))
		s++;
	if ((s = strchr(s, '<')) != NULL) {
		s++;
		e = strchr(s, '>');
		if (e == NULL)
			e = s + strlen(s);
	} else {
		s = v;
		while (is_space((unsigned char)*s))
			s++;
		e = s;
		while (*e != '\0' && !is_space((unsigned char)*e) && *e != ';' && *e != '(')
			e++;
	}
	n = (size_t)(e - s);
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	copy_text(dst, size, tmp, flags);
}

/** Copy the first mailbox address of msg's From header lower-cased; "" if none. */
static void copy_from(char *dst, size_t size, GMimeMessage *msg)
{
	InternetAddressList *list = g_mime_message_get_from(msg);
	int i, count;

	dst[0] = '\0';
	if (list == NULL)
		return;
	count = internet_address_list_length(list);
	for (i = 0; i < count; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (ia != NULL && INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			copy_text(dst, size, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)),
				  COPY_LOWER);
			if (dst[0] != '\0')
				return;
		}
	}
}

/** Copy the domain part of addr (after the last '@') into dst; "" if addr has none. */
static void copy_domain_of(char *dst, size_t size, const char *addr)
{
	const char *at = strrchr(addr, '@');

	copy_text(dst, size, at != NULL ? at + 1 : NULL, COPY_LOWER);
}

/** Drop trailing dots of a domain name. */
static void strip_dots(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
}

/** Turn part (message/rfc822 or a leaf holding a header block) into a message; caller unrefs. */
static GMimeMessage *part_message(GMimeObject *part)
{
	GMimeDataWrapper *content;
	GMimeStream *mem = NULL;
	GMimeMessage *msg = NULL;
	GByteArray *bytes;
	size_t skip = 0;

	if (GMIME_IS_MESSAGE_PART(part)) {
		msg = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
		if (msg != NULL)
			g_object_ref(msg);
		return msg;
	}
	if (!GMIME_IS_PART(part))
		return NULL;
	content = g_mime_part_get_content(GMIME_PART(part));
	if (content == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	if (mem == NULL)
		goto out;
	if (g_mime_data_wrapper_write_to_stream(content, mem) < 0)
		goto out;
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (bytes == NULL)
		goto out;
	while (skip < bytes->len && (bytes->data[skip] == '\r' || bytes->data[skip] == '\n'))
		skip++; /* a blank line before the block would otherwise end it at once */
	if (skip == bytes->len)
		goto out;
	msg = parse_bytes((const char *)bytes->data + skip, bytes->len - skip, NULL);
out:
	if (mem != NULL)
		g_object_unref(mem);
	return msg;
}

/** Copy subject and Message-ID of the original, and its envelope or From address if sender is empty. */
static void take_original(jmrp_complaint *out, GMimeMessage *orig)
{
	GMimeObject *o = GMIME_OBJECT(orig);

	copy_text(out->subject, sizeof(out->subject), g_mime_message_get_subject(orig), COPY_PLAIN);
	copy_path(out->message_id, sizeof(out->message_id), header(o, "Message-ID"), COPY_PLAIN);
	if (out->sender[0] == '\0')
		copy_path(out->sender, sizeof(out->sender), header(o, "Return-Path"), COPY_LOWER);
	if (out->sender[0] == '\0')
		copy_from(out->sender, sizeof(out->sender), orig);
	if (out->sender[0] == '\0')
		copy_path(out->sender, sizeof(out->sender), header(o, "X-SID-PRA"), COPY_LOWER);
}

/** 1 if an ARF Feedback-Type (lower case) is a user's complaint: abuse, fraud, virus or other (RFC 5965). */
static int is_complaint_type(const char *t)
{
	return strcmp(t, "abuse") == 0 || strcmp(t, "fraud") == 0 || strcmp(t, "virus") == 0 ||
	       strcmp(t, "other") == 0;
}

/** 1 if the multipart/report mp has a message/feedback-report part that another part follows: its closing
 *  boundary was met, so the part is complete even if the message is cut later. */
static int feedback_part_closed(GMimeMultipart *mp)
{
	int count = g_mime_multipart_get_count(mp);

	for (int i = 0; i + 1 < count; i++) {
		GMimeObject *child = g_mime_multipart_get_part(mp, i);
		if (child != NULL && content_is(child, "message", "feedback-report"))
			return 1;
	}
	return 0;
}

/** Fill out from an ARF report whose top level is the multipart mp; returns the kind. */
static jmrp_kind parse_arf(GMimeMultipart *mp, jmrp_complaint *out)
{
	GMimeObject *fb_part = NULL, *orig_part = NULL;
	GMimeMessage *fb = NULL, *orig = NULL;
	jmrp_kind kind = JMRP_UNPARSED;
	const char *v;
	int i, count = g_mime_multipart_get_count(mp), src_ip;

	for (i = 0; i < count; i++) {
		GMimeObject *child = g_mime_multipart_get_part(mp, i);

		if (child == NULL)
			continue;
		if (fb_part == NULL && content_is(child, "message", "feedback-report"))
			fb_part = child;
		else if (orig_part == NULL && is_original(child))
			orig_part = child;
	}
	if (fb_part == NULL) {
		kind = unparsed(out, "multipart/report without message/feedback-report part", NULL);
		goto out;
	}
	fb = part_message(fb_part);
	if (fb == NULL) {
		kind = unparsed(out, "empty or unreadable message/feedback-report part", NULL);
		goto out;
	}
	v = header(GMIME_OBJECT(fb), "Feedback-Type");
	copy_text(out->feedback_type, sizeof(out->feedback_type), v, COPY_LOWER);
	out->feedback_type[strcspn(out->feedback_type, " (;")] = '\0'; /* the token, without a comment after it */
	if (out->feedback_type[0] == '\0') {
		kind = unparsed(out, "feedback report without Feedback-Type", NULL);
		goto out;
	}
	src_ip = ip_from_cfws(header(GMIME_OBJECT(fb), "Source-IP"), &out->source_ip);
	if (src_ip == 0)
		out->has_ip = 1;
	copy_path(out->sender, sizeof(out->sender), header(GMIME_OBJECT(fb), "Original-Mail-From"),
		  COPY_LOWER);
	copy_text(out->domain, sizeof(out->domain), header(GMIME_OBJECT(fb), "Reported-Domain"),
		  COPY_LOWER);
	if (orig_part != NULL)
		orig = part_message(orig_part);
	if (orig != NULL) {
		GMimeObject *o = GMIME_OBJECT(orig);

		take_original(out, orig);
		/* the original's headers stand in only when the report names no readable source address */
		if (src_ip != 0 && (ip_from_value(header(o, "X-Sender-IP"), &out->source_ip) == 0 ||
				     ip_from_value(header(o, "X-Originating-IP"), &out->source_ip) == 0 ||
				     ip_from_received(header(o, "Received"), &out->source_ip) == 0))
			out->has_ip = 1;
	}
	if (out->domain[0] == '\0')
		copy_domain_of(out->domain, sizeof(out->domain), out->sender);
	strip_dots(out->domain);
	out->kind = kind = is_complaint_type(out->feedback_type) ? JMRP_ARF : JMRP_OTHER;
out:
	if (orig != NULL)
		g_object_unref(orig);
	if (fb != NULL)
		g_object_unref(fb);
	return kind;
}

/** The first attached original (message/rfc822 or headers) under o, depth levels deep at most. */
static GMimeObject *find_original(GMimeObject *o, int depth)
{
	int i, count;

	if (o == NULL || depth < 0)
		return NULL;
	if (is_original(o))
		return o;
	if (!GMIME_IS_MULTIPART(o))
		return NULL;
	count = g_mime_multipart_get_count(GMIME_MULTIPART(o));
	for (i = 0; i < count; i++) {
		GMimeObject *hit = find_original(g_mime_multipart_get_part(GMIME_MULTIPART(o), i), depth - 1);

		if (hit != NULL)
			return hit;
	}
	return NULL;
}

/** 1 if msg's From names staff@hotmail.com (any case, display name allowed). */
static int from_hotmail_staff(GMimeMessage *msg)
{
	char from[256];

	copy_from(from, sizeof(from), msg);
	return mr_streq_ci(from, HOTMAIL_STAFF);
}

/** Take the IPv4 address of a "complaint about message from <IPv4>" subject; 0 or -1. */
static int ip_from_subject(const char *subject, mr_addr *a)
{
	size_t plen = strlen(LEGACY_PREFIX);
	mr_addr tmp;

	if (subject == NULL)
		return -1;
	while (is_space((unsigned char)*subject))
		subject++;
	if (g_ascii_strncasecmp(subject, LEGACY_PREFIX, plen) != 0)
		return -1;
	subject += plen;
	if (!is_space((unsigned char)*subject))
		return -1;
	if (ip_from_value(subject, &tmp) != 0 || tmp.family != AF_INET)
		return -1;
	*a = tmp;
	return 0;
}

/** Fill out from a legacy Hotmail complaint msg (From already checked); returns the kind. */
static jmrp_kind parse_legacy(GMimeMessage *msg, jmrp_complaint *out)
{
	GMimeObject *orig_part;
	GMimeMessage *orig = NULL;

	if (ip_from_subject(g_mime_message_get_subject(msg), &out->source_ip) == 0)
		out->has_ip = 1;
	orig_part = find_original(g_mime_message_get_mime_part(msg), MAX_DEPTH);
	if (orig_part != NULL)
		orig = part_message(orig_part);
	if (orig != NULL) {
		take_original(out, orig);
		if (!out->has_ip &&
		    ip_from_value(header(GMIME_OBJECT(orig), "X-Sender-IP"), &out->source_ip) == 0)
			out->has_ip = 1;
		g_object_unref(orig);
	}
	if (!out->has_ip)
		return unparsed(out, "Hotmail report without an IP in subject or X-Sender-IP", NULL);
	copy_domain_of(out->domain, sizeof(out->domain), out->sender);
	strip_dots(out->domain);
	copy_text(out->feedback_type, sizeof(out->feedback_type), "abuse", COPY_PLAIN);
	out->kind = JMRP_LEGACY;
	return JMRP_LEGACY;
}

/** 1 if msg carries no header fields at all (neither message nor MIME headers). */
static int has_no_headers(GMimeMessage *msg)
{
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));

	if (hl != NULL && g_mime_header_list_get_count(hl) > 0)
		return 0;
	if (top == NULL)
		return 1;
	hl = g_mime_object_get_header_list(top);
	return hl == NULL || g_mime_header_list_get_count(hl) <= 0;
}

/** Initialise the MIME library once per process (GMime). */
void jmrp_parse_init(void)
{
	g_mime_init();
}

/** Release the MIME library. */
void jmrp_parse_shutdown(void)
{
	g_mime_shutdown();
}

/** Parse raw message bytes (RFC 5322, LF or CRLF) into out; returns out->kind. */
jmrp_kind jmrp_parse(const char *msg, size_t len, jmrp_complaint *out)
{
	parse_flags flags = { 0 };
	GMimeMessage *m = NULL;
	GMimeObject *top;
	const char *rtype;
	jmrp_kind kind;

	if (out == NULL)
		return JMRP_UNPARSED;
	if (msg == NULL)
		return unparsed(out, "no input", NULL);
	if (len == 0)
		return unparsed(out, "empty message", NULL);
	memset(out, 0, sizeof(*out));
	m = parse_bytes(msg, len, &flags);
	if (m == NULL) {
		kind = unparsed(out, "not a MIME message", NULL);
		goto out;
	}
	if (has_no_headers(m)) {
		kind = unparsed(out, "no header fields", NULL);
		goto out;
	}
	top = g_mime_message_get_mime_part(m);
	if (top != NULL && GMIME_IS_MULTIPART(top)) {
		if (g_mime_object_get_content_type_parameter(top, "boundary") == NULL) {
			kind = unparsed(out, "multipart without boundary", NULL);
			goto out;
		}
		if (flags.truncated && !(content_is(top, "multipart", "report") && feedback_part_closed(GMIME_MULTIPART(top)))) {
			kind = unparsed(out, "truncated multipart (no closing boundary)", NULL);
			goto out;
		}
	}
	if (top != NULL && content_is(top, "multipart", "report")) {
		rtype = g_mime_object_get_content_type_parameter(top, "report-type");
		if (rtype != NULL && g_ascii_strcasecmp(rtype, "feedback-report") != 0) {
			kind = unparsed(out, "multipart/report that is not a feedback report: report-type=", rtype);
			goto out;
		}
		if (GMIME_IS_MULTIPART(top)) {
			kind = parse_arf(GMIME_MULTIPART(top), out);
			goto out;
		}
	}
	if (from_hotmail_staff(m)) {
		kind = parse_legacy(m, out);
		goto out;
	}
	kind = unparsed(out, "neither an ARF report nor a Hotmail complaint", NULL);
out:
	if (m != NULL)
		g_object_unref(m);
	return kind;
}

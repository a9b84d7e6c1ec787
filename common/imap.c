/* imap.c: a small read-only IMAP client over a transport seam (libcurl's CONNECT_ONLY connection in production):
 * tagged commands, a response scanner that skips literals, and pure parsers of the SEARCH, FETCH metadata and
 * BODY[] answers. It knows nothing about what the messages are used for. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "curlio.h"
#include "date.h"
#include "imap.h"
#include "trace.h"

/** Send over libcurl's connection (mr_imap_transport.send). */
static int curl_send(void *ctx, const char *buf, size_t n, double deadline)
{
	return mr_curl_send_all(ctx, buf, n, deadline);
}

/** Receive over libcurl's connection (mr_imap_transport.recv). */
static int curl_recv(void *ctx, char *buf, size_t cap, size_t *got, double deadline)
{
	return mr_curl_recv_some(ctx, buf, cap, got, deadline);
}

/** Start a session. */
void mr_imap_init(mr_imap *c, size_t resp_max, int verbose)
{
	memset(c, 0, sizeof(*c));
	c->verbose = verbose;
	mr_buf_init(&c->resp, resp_max);
}

/** libcurl debug callback (user: the session): masked -vvv trace of the set-up, login lines hidden. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t n, void *user)
{
	const char *dir = type == CURLINFO_HEADER_OUT ? ">" : type == CURLINFO_HEADER_IN ? "<" :
	                  type == CURLINFO_TEXT ? "*" : NULL;
	mr_imap *c = user;
	(void)h;

	if (dir == NULL)
		return 0;
	/* LOGIN and AUTHENTICATE carry the password (AUTHENTICATE PLAIN in base64, which masking cannot see); without
	 * SASL-IR the base64 answers follow as bare lines after "+" prompts, so every later line we send is hidden. */
	if ((type == CURLINFO_HEADER_OUT && c->login_seen) || memmem(data, n, "LOGIN ", 6) != NULL ||
	    memmem(data, n, "AUTHENTICATE", 12) != NULL) {
		if (type == CURLINFO_HEADER_OUT)
			c->login_seen = 1;
		mr_trace("imap: > (login, not shown)");
		return 0;
	}
	mr_trace_bytes("imap", dir, data, n);
	return 0;
}

/** Connect, negotiate TLS and log in. */
int mr_imap_connect(mr_imap *c, const mr_imap_login *l, double deadline, mr_buf *err)
{
	char errbuf[CURL_ERROR_SIZE];
	CURL *h = curl_easy_init();
	CURLcode cr;

	if (h == NULL)
		return mr_buf_puts(err, "cannot set up a libcurl handle"), -1;
	c->curl = h;
	/* libcurl connects, negotiates TLS and logs in; nothing is selected, so the caller's commands decide. */
	if (mr_curl_setup(h, l->cafile, !l->insecure, deadline, errbuf) != 0 ||
	    curl_easy_setopt(h, CURLOPT_URL, l->url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_USERNAME, l->user) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PASSWORD, l->password) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imaps") != CURLE_OK)
		return mr_buf_puts(err, "libcurl refused the IMAP settings"), -1;
	if (c->verbose >= 3) {
		curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
		curl_easy_setopt(h, CURLOPT_DEBUGDATA, c);
	}
	cr = curl_easy_perform(h);
	if (cr != CURLE_OK) {
		mr_buf why;
		mr_curl_class cls;
		mr_buf_init(&why, 1024);
		cls = mr_curl_error(cr, errbuf, &why);
		if (cr == CURLE_LOGIN_DENIED)
			mr_buf_printf(err, "IMAP login failed for %s: %s", l->user, mr_buf_str(&why));
		else if (cls == MR_CURL_TLS)
			mr_buf_printf(err, "IMAP TLS or certificate problem: %s (--cafile?)", mr_buf_str(&why));
		else
			mr_buf_printf(err, "cannot connect to the IMAP server: %s", mr_buf_str(&why));
		mr_buf_free(&why);
		return -1;
	}
	/* The set-up is traced; libcurl has nothing useful to say about the raw sends and receives that follow. */
	curl_easy_setopt(h, CURLOPT_VERBOSE, 0L);
	c->t = (mr_imap_transport){ h, curl_send, curl_recv };
	return 0;
}

/** Close the connection and free the session. */
void mr_imap_close(mr_imap *c)
{
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
	mr_buf_free(&c->resp);
}

/** Scan the response for the tagged status line of tag, skipping literals. */
int mr_imap_scan(const char *d, size_t len, const char *tag, size_t *pos, size_t *literal, char *status,
                 size_t size)
{
	size_t tl = strlen(tag);

	while (*pos < len) {
		const char *eol;
		size_t ll;
		if (*literal > 0) {
			size_t take = len - *pos < *literal ? len - *pos : *literal;
			*pos += take;
			*literal -= take;
			continue;
		}
		eol = memmem(d + *pos, len - *pos, "\r\n", 2);
		if (eol == NULL)
			return 0;
		ll = (size_t)(eol - (d + *pos));
		if (ll > 2 && d[*pos + ll - 1] == '}') {
			/* "... {123}" announces a literal of 123 bytes after this CRLF. */
			size_t k = ll - 1;
			while (k > 0 && d[*pos + k - 1] >= '0' && d[*pos + k - 1] <= '9')
				k--;
			if (k > 0 && d[*pos + k - 1] == '{' && k < ll - 1)
				*literal = strtoul(d + *pos + k, NULL, 10);
		} else if (ll > tl && strncmp(d + *pos, tag, tl) == 0 && d[*pos + tl] == ' ') {
			mr_snprintf(status, size, "%.*s", (int)(ll - tl - 1), d + *pos + tl + 1);
			for (char *q = status; *q; q++)
				if ((unsigned char)*q < 0x20)
					*q = '?';
			*pos = (size_t)(eol + 2 - d);
			return 1;
		}
		*pos = (size_t)(eol + 2 - d);
	}
	return 0;
}

/** Run one command and read its whole response (literals included). */
int mr_imap_command(mr_imap *c, const char *cmd, double deadline, mr_buf *err)
{
	char tag[16];
	size_t pos = 0, literal = 0;
	mr_buf line;
	int rc_ = -1;

	mr_buf_reset(&c->resp);
	c->status[0] = '\0';
	mr_snprintf(tag, sizeof(tag), "M%u", ++c->tagno);
	mr_buf_init(&line, 16 + MR_IMAP_META_BATCH * 24);
	if (mr_buf_printf(&line, "%s %s\r\n", tag, cmd) != 0 || c->t.send(c->t.ctx, line.data, line.len, deadline) != 0) {
		mr_buf_printf(err, "IMAP: cannot send %.40s", cmd);
		goto out;
	}
	if (c->verbose >= 3)
		mr_trace_bytes("imap", ">", line.data, line.len);
	while (!mr_imap_scan(c->resp.data, c->resp.len, tag, &pos, &literal, c->status, sizeof(c->status))) {
		char chunk[65536];
		size_t got = 0;
		int rc = c->t.recv(c->t.ctx, chunk, sizeof(chunk), &got, deadline);
		if (rc == 1) {
			mr_buf_printf(err, "IMAP: no complete answer to %.40s in time", cmd);
			goto out;
		}
		if (rc != 0) {
			mr_buf_printf(err, "IMAP: the server closed the connection during %.40s", cmd);
			goto out;
		}
		if (mr_buf_append(&c->resp, chunk, got) != 0) {
			mr_buf_printf(err, "IMAP: answer to %.40s larger than %zu bytes", cmd, c->resp.max);
			goto out;
		}
	}
	if (c->verbose >= 3)
		mr_trace("imap: < %s %s", tag, c->status);
	if (strncmp(c->status, "OK", 2) != 0) {
		mr_buf_printf(err, "IMAP %.60s failed: %s", cmd, c->status);
		goto out;
	}
	rc_ = 0;
out:
	mr_buf_free(&line);
	return rc_;
}

/** Find "UIDVALIDITY n" in the response; 0 if absent. */
unsigned long mr_imap_parse_uidvalidity(const char *resp)
{
	const char *p = strstr(resp, "UIDVALIDITY ");

	return p != NULL ? strtoul(p + 12, NULL, 10) : 0;
}

/** Value of the hex digit c, or -1. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/** Split an imaps:// URL into the server part and the percent-decoded mailbox name. */
int mr_imap_url_split(const char *url, char *base, size_t bsize, char *mailbox, size_t msize, mr_buf *err)
{
	const char *slash, *p;
	size_t o = 0;

	if (strncmp(url, "imaps://", 8) != 0 || (slash = strchr(url + 8, '/')) == NULL || slash[1] == '\0' ||
	    mr_snprintf(base, bsize, "%.*s/", (int)(slash - url), url) != 0)
		return mr_buf_puts(err, "--imap must look like imaps://host[:port]/MAILBOX"), -1;
	for (p = slash + 1; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '%') {
			int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);
			if (lo < 0)
				return mr_buf_puts(err, "--imap: each '%' in the mailbox must start a %XX escape (RFC 5092)"), -1;
			ch = (unsigned char)(hi * 16 + lo);
			p += 2;
		}
		if (ch < 0x20 || ch == 0x7f)
			return mr_buf_puts(err, "--imap: the mailbox name holds a control character"), -1;
		if (o + 1 >= msize)
			return mr_buf_puts(err, "--imap: the mailbox name is too long"), -1;
		mailbox[o++] = (char)ch;
	}
	mailbox[o] = '\0';
	return 0;
}

/** Modified base64 of RFC 3501 5.1.3 ('+' and ',' as the last two digits, no padding). */
static const char utf7_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/** Decode the UTF-8 character at *p (advanced past it) into *cp; 0, or -1 if it is no valid UTF-8. */
static int utf8_next(const unsigned char **p, unsigned long *cp)
{
	const unsigned char *s = *p;
	int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : 0;
	unsigned long v;

	if (n == 0)
		return -1;
	v = s[0] & (0x7fu >> n);
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		v = (v << 6) | (s[i] & 0x3fu);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) || (v >= 0xd800 && v < 0xe000))
		return -1; /* overlong, out of range or a surrogate */
	*cp = v;
	*p = s + n;
	return 0;
}

/** Append the characters from *p up to the next ASCII one as one "&...-" run of modified UTF-7; 0 or -1. */
static int utf7_run(const unsigned char **p, mr_buf *out)
{
	unsigned long bits = 0, cp;
	int nbits = 0;
	char c;

	if (mr_buf_puts(out, "&") != 0)
		return -1;
	while (**p >= 0x80) {
		unsigned units[2];
		int nu = 1;
		if (utf8_next(p, &cp) != 0)
			return -1;
		units[0] = (unsigned)cp;
		if (cp >= 0x10000) { /* a surrogate pair in UTF-16 */
			units[0] = 0xd800u + (unsigned)((cp - 0x10000) >> 10);
			units[1] = 0xdc00u + (unsigned)((cp - 0x10000) & 0x3ff);
			nu = 2;
		}
		for (int i = 0; i < nu; i++) {
			bits = (bits << 16) | units[i];
			nbits += 16;
			while (nbits >= 6) {
				nbits -= 6;
				c = utf7_b64[(bits >> nbits) & 63];
				if (mr_buf_append(out, &c, 1) != 0)
					return -1;
			}
			bits &= (1ul << nbits) - 1;
		}
	}
	if (nbits > 0) { /* the last bits, padded with zero bits to one digit */
		c = utf7_b64[(bits << (6 - nbits)) & 63];
		if (mr_buf_append(out, &c, 1) != 0)
			return -1;
	}
	return mr_buf_puts(out, "-");
}

/** Append a UTF-8 mailbox name as an IMAP quoted string in modified UTF-7. */
int mr_imap_mailbox_quote(const char *name, mr_buf *out)
{
	const unsigned char *p = (const unsigned char *)name;

	if (*p == '\0' || mr_buf_puts(out, "\"") != 0)
		return -1;
	while (*p != '\0') {
		if (*p >= 0x80) {
			if (utf7_run(&p, out) != 0)
				return -1;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if ((*p == '&' && mr_buf_puts(out, "&-") != 0) ||
		    ((*p == '"' || *p == '\\') && mr_buf_puts(out, "\\") != 0) ||
		    (*p != '&' && mr_buf_append(out, (const char *)p, 1) != 0))
			return -1;
		p++;
	}
	return mr_buf_puts(out, "\"");
}

/** EXAMINE mailbox and read its UIDVALIDITY. */
int mr_imap_examine(mr_imap *c, const char *mailbox, unsigned long *validity, double deadline, mr_buf *err)
{
	mr_buf cmd;
	int rc = -1;

	mr_buf_init(&cmd, 2048);
	if (mr_buf_puts(&cmd, "EXAMINE ") != 0 || mr_imap_mailbox_quote(mailbox, &cmd) != 0) {
		mr_buf_puts(err, "the IMAP mailbox name is too long or not UTF-8");
		goto out;
	}
	if (mr_imap_command(c, mr_buf_str(&cmd), deadline, err) != 0)
		goto out;
	*validity = mr_imap_parse_uidvalidity(mr_buf_str(&c->resp));
	rc = 0;
out:
	mr_buf_free(&cmd);
	return rc;
}

/** Append the UIDs of the "* SEARCH" line to *uids. */
int mr_imap_parse_search(const char *resp, unsigned long **uids, size_t *n, size_t *cap)
{
	const char *p = strstr(resp, "* SEARCH");

	while (p != NULL && *p && *p != '\r' && *p != '\n') {
		char *end;
		unsigned long uid, *v;
		while (*p == ' ' || (*p >= 'A' && *p <= 'Z') || *p == '*')
			p++;
		uid = strtoul(p, &end, 10);
		if (end == p)
			break;
		p = end;
		v = mr_grow(*uids, cap, *n, sizeof(*v), 256);
		if (v == NULL)
			return -1;
		*uids = v;
		v[(*n)++] = uid;
	}
	return 0;
}

/** Compare UIDs (qsort, bsearch). */
static int cmp_uid(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/** UID SEARCH SINCE the day of t, UIDs sorted. */
int mr_imap_search_since(mr_imap *c, time_t t, unsigned long **uids, size_t *n, double deadline, mr_buf *err)
{
	char day[32], cmd[64];
	size_t cap = 0;

	*uids = NULL;
	*n = 0;
	if (mr_date_imap_day(t, day, sizeof(day)) != 0 || mr_snprintf(cmd, sizeof(cmd), "UID SEARCH SINCE %s", day) != 0)
		return mr_buf_puts(err, "IMAP: no date for SEARCH SINCE"), -1;
	if (mr_imap_command(c, cmd, deadline, err) != 0)
		return -1;
	if (mr_imap_parse_search(mr_buf_str(&c->resp), uids, n, &cap) != 0)
		return mr_buf_puts(err, "out of memory"), -1;
	if (*n > 1)
		qsort(*uids, *n, sizeof(**uids), cmp_uid);
	return 0;
}

/** Append the sorted UIDs as a sequence set. */
int mr_imap_uid_set(mr_buf *out, const unsigned long *uid, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && uid[j + 1] == uid[j] + 1)
			j++;
		if (mr_buf_printf(out, i > 0 ? ",%lu" : "%lu", uid[i]) != 0 ||
		    (j > i && mr_buf_printf(out, ":%lu", uid[j]) != 0))
			return -1;
		i = j + 1;
	}
	return 0;
}

/** Compare a UID with a metadata entry's (bsearch). */
static int cmp_meta(const void *key, const void *m)
{
	unsigned long x = *(const unsigned long *)key, y = ((const mr_imap_meta *)m)->uid;

	return x < y ? -1 : x > y;
}

/** Fill meta from the untagged FETCH lines of resp. */
void mr_imap_parse_meta(const char *resp, mr_imap_meta *meta, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		meta[i].arrival = (time_t)-1;
		meta[i].size = 0;
	}
	/* "* 12 FETCH (UID 40 INTERNALDATE "28-Nov-2026 10:00:00 +0100" RFC822.SIZE 2519)", items in any order */
	for (const char *p = resp; *p != '\0';) {
		const char *eol = strstr(p, "\r\n"), *u, *d, *z;
		mr_imap_meta *hit;
		char line[512];
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		unsigned long uid;

		if (len < sizeof(line) && strncmp(p, "* ", 2) == 0) {
			memcpy(line, p, len);
			line[len] = '\0';
			u = strstr(line, " FETCH (") != NULL ? strstr(line, "UID ") : NULL;
			d = strstr(line, "INTERNALDATE \"");
			z = strstr(line, "RFC822.SIZE ");
			if (u != NULL && d != NULL && z != NULL) {
				uid = strtoul(u + 4, NULL, 10);
				hit = bsearch(&uid, meta, n, sizeof(*meta), cmp_meta);
				if (hit != NULL) {
					hit->arrival = mr_date_parse(d + 14);
					hit->size = strtoull(z + 12, NULL, 10);
				}
			}
		}
		p += eol != NULL ? len + 2 : len;
	}
}

/** One "UID FETCH set (UID INTERNALDATE RFC822.SIZE)" into meta. */
int mr_imap_fetch_meta(mr_imap *c, mr_imap_meta *meta, size_t n, double deadline, mr_buf *err)
{
	unsigned long uids[MR_IMAP_META_BATCH];
	mr_buf cmd;
	int rc_ = -1;

	mr_buf_init(&cmd, 64 + MR_IMAP_META_BATCH * 24);
	if (n > MR_IMAP_META_BATCH) {
		mr_buf_puts(err, "IMAP: UID set too long");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		uids[i] = meta[i].uid;
	if (mr_buf_puts(&cmd, "UID FETCH ") != 0 || mr_imap_uid_set(&cmd, uids, n) != 0 ||
	    mr_buf_puts(&cmd, " (UID INTERNALDATE RFC822.SIZE)") != 0) {
		mr_buf_puts(err, "IMAP: UID set too long");
		goto out;
	}
	if (mr_imap_command(c, cmd.data, deadline, err) != 0)
		goto out;
	mr_imap_parse_meta(mr_buf_str(&c->resp), meta, n);
	rc_ = 0;
out:
	mr_buf_free(&cmd);
	return rc_;
}

/** Find the BODY[] literal in a FETCH response. */
int mr_imap_parse_body(const char *resp, size_t len, const char **data, size_t *dlen)
{
	const char *lit = strstr(resp, "BODY[] ");

	*data = NULL;
	*dlen = 0;
	if (lit == NULL)
		return 1;
	if (lit[7] == '{') {
		char *end;
		unsigned long long size = strtoull(lit + 8, &end, 10);
		if (*end == '}' && end[1] == '\r' && end[2] == '\n' && size <= (unsigned long long)(len - (size_t)(end + 3 - resp))) {
			*data = end + 3;
			*dlen = (size_t)size;
		}
	}
	return 0;
}

/** UID FETCH uid (BODY.PEEK[]). */
int mr_imap_fetch_body(mr_imap *c, unsigned long uid, const char **data, size_t *len, double deadline,
                       mr_buf *err)
{
	char cmd[96];

	mr_snprintf(cmd, sizeof(cmd), "UID FETCH %lu (BODY.PEEK[])", uid);
	if (mr_imap_command(c, cmd, deadline, err) != 0)
		return -1;
	return mr_imap_parse_body(mr_buf_str(&c->resp), c->resp.len, data, len);
}

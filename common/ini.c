/* ini.c: owns the suite's ini reading: whole-file loading with a ceiling, and one pass over the
 * text that checks the line rules of ini.h and delivers sections and keys, with their line
 * numbers, to a callback (all sections, or only the one asked for). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ini.h"
#include "secret.h"

/** First buffer size of a file read, in bytes. */
#define READ_CHUNK 8192

/** What one line of ini text is. */
enum line_kind {
	L_SKIP = 0, /**< blank or comment */
	L_SECTION,  /**< "[name]" */
	L_KEY,      /**< "key = value" */
	L_BAD       /**< breaks a rule; reason says which */
};

/** One classified line; the pointers lie inside the text. */
typedef struct line_info {
	enum line_kind kind; /**< what the line is */
	const char *name;    /**< section name or key */
	size_t name_len;     /**< its length */
	const char *value;   /**< value of a key line */
	size_t value_len;    /**< its length */
	int comment;         /**< an inline comment was cut off */
	const char *reason;  /**< why an L_BAD line is wrong */
} line_info;

/** Record the first message of a parse (see ini.h). */
void mr_ini_fail(mr_ini_msg *msg, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL || msg->failed)
		return;
	msg->failed = 1;
	if (msg->origin != NULL && line > 0)
		(void)mr_buf_printf(msg->err, "%.*s%s line %u: ", MR_QUOTED_NAME(msg->origin), line);
	else if (msg->origin != NULL)
		(void)mr_buf_printf(msg->err, "%.*s%s: ", MR_QUOTED_NAME(msg->origin));
	else if (line > 0)
		(void)mr_buf_printf(msg->err, "line %u: ", line);
	va_start(ap, fmt);
	(void)mr_buf_vprintf(msg->err, fmt, ap);
	va_end(ap);
}

/** Wipe n bytes at p and free it; NULL is fine. */
static void wipe_free(char *p, size_t n)
{
	if (p == NULL)
		return;
	mr_wipe(p, n);
	free(p);
}

/** 1 for the blanks trimmed around lines, names and values (isspace without LF, any locale). */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/** 1 if s[0..n) is a key: letters, digits, '-' and '_', starting with a letter or a digit. */
static int valid_key(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '-' || s[0] == '_')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_'))
			return 0;
	}
	return 1;
}

/** Mark li as breaking a rule. */
static void bad(line_info *li, const char *reason)
{
	li->kind = L_BAD;
	li->reason = reason;
}

/** Classify a "[name]" line (p..e trimmed, *p == '['). */
static void classify_header(const char *p, const char *e, line_info *li)
{
	const char *ns = p + 1;
	const char *ne = memchr(p, ']', (size_t)(e - p));
	const char *rest;

	if (ne == NULL) {
		bad(li, "section header without closing ']'");
		return;
	}
	rest = ne + 1;
	while (rest < e && is_blank(*rest))
		rest++;
	if (rest < e && *rest != ';' && *rest != '#') {
		bad(li, "text after the section header's ']'");
		return;
	}
	while (ns < ne && is_blank(*ns))
		ns++;
	while (ne > ns && is_blank(ne[-1]))
		ne--;
	if (ns == ne) {
		bad(li, "empty section name");
		return;
	}
	if (memchr(ns, '[', (size_t)(ne - ns)) != NULL || memchr(ns, ';', (size_t)(ne - ns)) != NULL) {
		bad(li, "invalid section name ('[' and ';' are not allowed)");
		return;
	}
	li->kind = L_SECTION;
	li->name = ns;
	li->name_len = (size_t)(ne - ns);
}

/** Classify a "key = value" line (p..e trimmed, not a header or comment). */
static void classify_key(const char *p, const char *e, unsigned flags, line_info *li)
{
	const char *d = p;
	const char *ke;
	const char *vs;
	const char *from;
	const char *q;

	while (d < e && *d != '=' && !(*d == ':' && (flags & MR_INI_COLON)))
		d++;
	if (d == e) {
		bad(li, "line without '=' (expected 'key = value' or a [section] header)");
		return;
	}
	ke = d;
	while (ke > p && is_blank(ke[-1]))
		ke--;
	if (!valid_key(p, (size_t)(ke - p))) {
		bad(li, "invalid key name (letters, digits, '-' and '_', starting with a letter or digit)");
		return;
	}
	vs = d + 1;
	while (vs < e && is_blank(*vs))
		vs++;
	/* an inline comment starts at a ';' after a blank, looking from just after the delimiter;
	 * without MR_INI_INLINE_COMMENTS only the value itself counts ("key = ;x" keeps ";x"). */
	from = (flags & MR_INI_INLINE_COMMENTS) ? d + 1 : vs;
	for (q = from + 1; q < e; q++)
		if (*q == ';' && is_blank(q[-1]))
			break;
	if (q < e && !(flags & MR_INI_INLINE_COMMENTS)) {
		bad(li, "a ';' after a blank inside a value would start a comment");
		return;
	}
	if (q < e) {
		li->comment = 1;
		e = q;
		while (e > vs && is_blank(e[-1]))
			e--;
	}
	li->kind = L_KEY;
	li->name = p;
	li->name_len = (size_t)(ke - p);
	li->value = vs < e ? vs : e;
	li->value_len = vs < e ? (size_t)(e - vs) : 0;
}

/** Classify the line s..e (its line end removed); the caller has checked its length. */
static void classify(const char *s, const char *e, unsigned flags, line_info *li)
{
	const char *p = s;

	memset(li, 0, sizeof(*li));
	while (p < e && is_blank(*p))
		p++;
	while (e > p && is_blank(e[-1]))
		e--;
	if (p == e || *p == ';' || *p == '#') {
		li->kind = L_SKIP;
		return;
	}
	if (p > s && !(flags & MR_INI_INDENT_OK)) {
		bad(li, "indented line (ini continuation lines are not supported; start every line in column 1)");
		return;
	}
	if (*p == '[')
		classify_header(p, e, li);
	else
		classify_key(p, e, flags, li);
}

/** What one parse needs besides the text. */
typedef struct parse_ctx {
	const char *only;   /**< the one section delivered and judged, or NULL for all */
	unsigned flags;     /**< enum mr_ini_flag bits */
	mr_ini_fn fn;       /**< the caller's callback */
	void *user;         /**< its argument */
	mr_ini_msg *msg;    /**< where messages go */
} parse_ctx;

/** Hand one item to the callback; 0, or -1 (with a message) when it stops the parse. */
static int deliver(const parse_ctx *ctx, const mr_ini_item *item)
{
	if (ctx->fn(ctx->user, item, ctx->msg) == 0)
		return 0;
	mr_ini_fail(ctx->msg, item->line, "not accepted");
	return -1;
}

/** 1 if the n bytes at name are the section ctx->only (or every section is wanted). */
static int wanted(const parse_ctx *ctx, const char *name, size_t n)
{
	return ctx->only == NULL || (strlen(ctx->only) == n && memcmp(ctx->only, name, n) == 0);
}

/**
 * Outside the wanted section only a "[name]" header counts: 1 with li filled if the line s..e
 * starts a section (or, L_BAD, is a broken header that names the wanted one), else 0. Nothing
 * else is judged: a shared file may hold other programs' keys and long strings there.
 */
static int header_only(const parse_ctx *ctx, const char *s, const char *e, line_info *li)
{
	const char *p = s;
	const char *n;
	size_t len = ctx->only != NULL ? strlen(ctx->only) : 0;

	memset(li, 0, sizeof(*li));
	while (p < e && is_blank(*p))
		p++;
	while (e > p && is_blank(e[-1]))
		e--;
	if (p == e || *p != '[')
		return 0;
	classify_header(p, e, li);
	if (li->kind == L_SECTION)
		return 1;
	/* "[check_x] junk" or "[check_x": a broken header of the wanted section is that section's error */
	for (n = p + 1; n < e && is_blank(*n); n++)
		;
	return len > 0 && (size_t)(e - n) >= len && memcmp(n, ctx->only, len) == 0 &&
	       (n + len == e || n[len] == ']' || is_blank(n[len]));
}

/**
 * The one pass over text[0..len) (a writable copy: names and values are cut in place). Judged
 * lines are those of the wanted sections (all sections when ctx->only is NULL, then also the
 * lines before the first header, with the line limit of the suite's own formats).
 */
static int parse_text(char *text, size_t len, const parse_ctx *ctx)
{
	char *p = text;
	char *end = text + len;
	const char *section = NULL;
	int judged = ctx->only == NULL;
	unsigned line = 0;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		char *s = p;
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *e = nl != NULL ? nl : end;
		mr_ini_item item;
		line_info li;

		p = nl != NULL ? nl + 1 : end;
		line++;
		if (e > s && e[-1] == '\r')
			e--;
		if (!judged) {
			if (header_only(ctx, s, e, &li) && (li.kind == L_BAD || wanted(ctx, li.name, li.name_len)))
				judged = 1;
			else
				continue;
		} else {
			if (ctx->only == NULL && (size_t)(e - s) > MR_INI_LINE_MAX) {
				mr_ini_fail(ctx->msg, line, "line too long (%zu characters, at most %d)", (size_t)(e - s),
				            MR_INI_LINE_MAX);
				return -1;
			}
			if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
				mr_ini_fail(ctx->msg, line, "NUL byte (not a text file?)");
				return -1;
			}
			classify(s, e, ctx->flags, &li);
		}
		if (li.kind == L_BAD) {
			mr_ini_fail(ctx->msg, line, "%s", li.reason);
			return -1;
		}
		if (li.kind == L_SKIP)
			continue;
		memset(&item, 0, sizeof(item));
		item.line = line;
		if (li.kind == L_SECTION) {
			if (!wanted(ctx, li.name, li.name_len)) {
				judged = 0;
				continue;
			}
			s[(li.name - s) + (ptrdiff_t)li.name_len] = '\0';
			section = li.name;
			item.section = section;
			if (deliver(ctx, &item) != 0)
				return -1;
			continue;
		}
		if (section == NULL) {
			mr_ini_fail(ctx->msg, line, "content before the first section header");
			return -1;
		}
		s[(li.name - s) + (ptrdiff_t)li.name_len] = '\0';
		s[(li.value - s) + (ptrdiff_t)li.value_len] = '\0';
		item.section = section;
		item.key = li.name;
		item.value = li.value;
		item.comment = li.comment;
		if (deliver(ctx, &item) != 0)
			return -1;
	}
	return 0;
}

/** Parse text[0..len) into fn; see ini.h. */
int mr_ini_parse_buf(const char *text, size_t len, const char *section, unsigned flags, mr_ini_fn fn, void *user,
                     mr_ini_msg *msg)
{
	mr_ini_msg local = { NULL, NULL, 0 };
	parse_ctx ctx;
	char *copy;
	int rc;

	if (msg == NULL)
		msg = &local;
	if (text == NULL || fn == NULL) {
		mr_ini_fail(msg, 0, "nothing to parse");
		return -1;
	}
	if (len == SIZE_MAX || (copy = malloc(len + 1)) == NULL) {
		mr_oom_note();
		mr_ini_fail(msg, 0, "out of memory");
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	ctx.only = section;
	ctx.flags = flags;
	ctx.fn = fn;
	ctx.user = user;
	ctx.msg = msg;
	rc = parse_text(copy, len, &ctx);
	wipe_free(copy, len + 1);
	return rc != 0 || msg->failed ? -1 : 0;
}

/** Check and deliver a whole NUL-terminated text; see ini.h. */
int mr_ini_parse(const char *text, unsigned flags, mr_ini_fn fn, void *user, mr_ini_msg *msg)
{
	return mr_ini_parse_buf(text, text != NULL ? strlen(text) : 0, NULL, flags, fn, user, msg);
}

/** The index of key in names (any case), or -1 (see ini.h). */
int mr_ini_key_index(const char *key, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (mr_streq_ci(key, names[i]))
			return i;
	return -1;
}

/** Copy a free-text value into a bounded field, refusing control characters (see ini.h). */
int mr_ini_copy_text(mr_ini_msg *msg, unsigned line, const char *key, const char *value, char *field,
                     size_t size)
{
	size_t n = strlen(value);
	size_t i;

	if (n >= size) {
		mr_ini_fail(msg, line, "%s is longer than %zu characters", key, size - 1);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)value[i];

		if (ch < 0x20 || ch == 0x7f) {
			mr_ini_fail(msg, line, "%s holds control characters", key);
			return -1;
		}
	}
	memcpy(field, value, n + 1);
	return 0;
}

/** Read all of fd, at most max bytes, into a new NUL-terminated buffer (see ini.h). */
char *mr_ini_read_fd(int fd, const char *name, size_t max, mr_buf *err)
{
	size_t cap;
	size_t got = 0;
	char *buf;
	char *text = NULL;
	const char *nul;

	if (max > SIZE_MAX / 4)
		max = SIZE_MAX / 4;
	cap = max < READ_CHUNK ? max + 1 : READ_CHUNK;
	buf = malloc(cap + 1);
	if (buf == NULL) {
		mr_oom_note();
		(void)mr_buf_printf(err, "%.*s%s: out of memory", MR_QUOTED_NAME(name));
		goto out;
	}
	/* cap never exceeds max + 1, so got > max means the file is too large */
	for (;;) {
		ssize_t n;

		if (got == cap) {
			size_t ncap = cap > max / 2 ? max + 1 : cap * 2;
			char *bigger;

			if (cap > max)
				break;
			bigger = realloc(buf, ncap + 1);
			if (bigger == NULL) {
				mr_oom_note();
				(void)mr_buf_printf(err, "%.*s%s: out of memory", MR_QUOTED_NAME(name));
				goto out;
			}
			buf = bigger;
			cap = ncap;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			(void)mr_buf_printf(err, "%.*s%s: cannot read: %s", MR_QUOTED_NAME(name), strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		(void)mr_buf_printf(err, "%.*s%s: larger than %zu bytes", MR_QUOTED_NAME(name), max);
		goto out;
	}
	nul = memchr(buf, '\0', got);
	if (nul != NULL) {
		unsigned line = 1;
		const char *p;

		for (p = buf; p < nul; p++)
			if (*p == '\n')
				line++;
		(void)mr_buf_printf(err, "%.*s%s line %u: NUL byte (not a text file?)", MR_QUOTED_NAME(name), line);
		goto out;
	}
	buf[got] = '\0';
	text = buf;
	buf = NULL;
out:
	wipe_free(buf, got);
	return text;
}

/** Read a whole file into a new NUL-terminated buffer (see ini.h). */
char *mr_ini_read_file(const char *path, size_t max, mr_buf *err)
{
	char *text;
	int fd;

	if (path == NULL || *path == '\0') {
		(void)mr_buf_puts(err, "no file name given");
		return NULL;
	}
	/* blocking: a FIFO such as bash's <(...) must be waited for, not refused */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		(void)mr_buf_printf(err, "%.*s%s: cannot open: %s", MR_QUOTED_NAME(path), strerror(errno));
		return NULL;
	}
	text = mr_ini_read_fd(fd, path, max, err);
	close(fd);
	return text;
}

/** Wipe and free a loaded text (see ini.h). */
void mr_ini_text_free(char *text)
{
	if (text != NULL)
		wipe_free(text, strlen(text));
}

/* ini.c: owns the suite's ini reading: whole-file loading with a ceiling, the line rules of
 * ini.h (checked once over the whole text before anything is delivered), the canonical copy
 * that libinih parses, and the line-numbered delivery of sections and keys to a callback. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "ini.h"
#include "secret.h"

_Static_assert(MR_INI_LINE_MAX < INI_MAX_LINE, "libinih must hold a line of MR_INI_LINE_MAX characters");

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

/** State of one mr_ini_parse call while libinih runs. */
typedef struct parse_ctx {
	const char *pos;                      /**< start of the next line of the original text */
	unsigned line;                        /**< number of the line last read */
	unsigned flags;                       /**< enum mr_ini_flag bits */
	char section[MR_INI_LINE_MAX + 1];    /**< current section name, whole */
	mr_ini_fn fn;                         /**< the caller's callback */
	void *user;                           /**< its argument */
	mr_ini_msg *msg;                      /**< where messages go */
} parse_ctx;

/** Record the first message of a parse (see ini.h). */
void mr_ini_fail(mr_ini_msg *msg, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL || msg->failed)
		return;
	msg->failed = 1;
	if (msg->origin != NULL && line > 0)
		(void)mr_buf_printf(msg->err, "%s line %u: ", msg->origin, line);
	else if (msg->origin != NULL)
		(void)mr_buf_printf(msg->err, "%s: ", msg->origin);
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
	/* libinih starts a comment at a ';' after a blank, looking from just after the delimiter;
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

/** Cut the next line off *pos: *s..*e without LF and a final CR; *pos moves past the LF. */
static void next_line(const char **pos, const char **s, const char **e)
{
	const char *p = *pos;
	size_t n = strcspn(p, "\n");

	*s = p;
	*e = p + n;
	if (*e > *s && (*e)[-1] == '\r')
		(*e)--;
	*pos = p[n] == '\n' ? p + n + 1 : p + n;
}

/** The text after a UTF-8 byte order mark, if it opens the text. */
static const char *skip_bom(const char *text)
{
	return strncmp(text, "\xEF\xBB\xBF", 3) == 0 ? text + 3 : text;
}

/**
 * Check every line of text against the rules and write the canonical copy libinih parses into
 * canon (one line for each line of text, so keys come in the same order): "[name]", "key=value"
 * or an empty line. 0, or -1 with a message.
 */
static int check_text(const char *text, unsigned flags, char *canon, mr_ini_msg *msg)
{
	const char *p = skip_bom(text);
	unsigned line = 0;
	int in_section = 0;
	size_t o = 0;

	while (*p != '\0') {
		const char *s;
		const char *e;
		line_info li;

		next_line(&p, &s, &e);
		line++;
		if ((size_t)(e - s) > MR_INI_LINE_MAX) {
			mr_ini_fail(msg, line, "line too long (%zu characters, at most %d)", (size_t)(e - s),
			            MR_INI_LINE_MAX);
			return -1;
		}
		classify(s, e, flags, &li);
		if (li.kind == L_BAD) {
			mr_ini_fail(msg, line, "%s", li.reason);
			return -1;
		}
		if (li.kind == L_KEY && !in_section) {
			mr_ini_fail(msg, line, "content before the first section header");
			return -1;
		}
		if (li.kind == L_SECTION) {
			in_section = 1;
			canon[o++] = '[';
			memcpy(canon + o, li.name, li.name_len);
			o += li.name_len;
			canon[o++] = ']';
		} else if (li.kind == L_KEY) {
			memcpy(canon + o, li.name, li.name_len);
			o += li.name_len;
			canon[o++] = '=';
			memcpy(canon + o, li.value, li.value_len);
			o += li.value_len;
		}
		canon[o++] = '\n';
	}
	canon[o] = '\0';
	return 0;
}

/** Hand one item to the callback; 0, or -1 (with a message) when it stops the parse. */
static int deliver(parse_ctx *ctx, const mr_ini_item *item)
{
	if (ctx->fn(ctx->user, item, ctx->msg) == 0)
		return 0;
	mr_ini_fail(ctx->msg, item->line, "not accepted");
	return -1;
}

/** Read on to the next key line, delivering section starts on the way: 1 (li filled), 0 at the end, -1 if stopped. */
static int advance(parse_ctx *ctx, line_info *li)
{
	while (*ctx->pos != '\0') {
		const char *s;
		const char *e;
		mr_ini_item item;

		next_line(&ctx->pos, &s, &e);
		ctx->line++;
		classify(s, e, ctx->flags, li);
		if (li->kind == L_KEY)
			return 1;
		if (li->kind != L_SECTION)
			continue;
		memcpy(ctx->section, li->name, li->name_len);
		ctx->section[li->name_len] = '\0';
		memset(&item, 0, sizeof(item));
		item.section = ctx->section;
		item.line = ctx->line;
		if (deliver(ctx, &item) != 0)
			return -1;
	}
	return 0;
}

/** 1 if the NUL-terminated s equals t[0..n). */
static int same(const char *s, const char *t, size_t n)
{
	return strlen(s) == n && memcmp(s, t, n) == 0;
}

/** libinih handler: match the pair with the next key line of the text and deliver it; 1, or 0 to stop. */
static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	parse_ctx *ctx = user;
	mr_ini_item item;
	line_info li;
	int r;

	if (ctx->msg->failed)
		return 0;
	r = advance(ctx, &li);
	if (r < 0)
		return 0;
	if (r == 0) {
		mr_ini_fail(ctx->msg, 0, "the ini parser found more keys than the text holds");
		return 0;
	}
	/* libinih keeps only the start of a long section name: compare that much. */
	if (!same(name, li.name, li.name_len) || !same(value, li.value, li.value_len) ||
	    strncmp(section, ctx->section, strlen(section)) != 0) {
		mr_ini_fail(ctx->msg, ctx->line, "the ini parser read this line differently");
		return 0;
	}
	item.section = ctx->section;
	item.key = name;
	item.value = value;
	item.line = ctx->line;
	item.comment = li.comment;
	return deliver(ctx, &item) == 0;
}

/** Check, parse and deliver ini text (see ini.h). */
int mr_ini_parse(const char *text, unsigned flags, mr_ini_fn fn, void *user, mr_ini_msg *msg)
{
	mr_ini_msg local = { NULL, NULL, 0 };
	parse_ctx ctx;
	line_info li;
	char *canon = NULL;
	size_t size = 0;
	int rc = -1;
	int irc;
	int r;

	if (msg == NULL)
		msg = &local;
	if (text == NULL || fn == NULL) {
		mr_ini_fail(msg, 0, "nothing to parse");
		return -1;
	}
	size = strlen(text) + 2;
	canon = malloc(size);
	if (canon == NULL) {
		mr_ini_fail(msg, 0, "out of memory");
		goto out;
	}
	if (check_text(text, flags, canon, msg) != 0)
		goto out;
	memset(&ctx, 0, sizeof(ctx));
	ctx.pos = skip_bom(text);
	ctx.flags = flags;
	ctx.fn = fn;
	ctx.user = user;
	ctx.msg = msg;
	irc = ini_parse_string(canon, on_pair, &ctx);
	if (msg->failed)
		goto out;
	if (irc != 0) {
		mr_ini_fail(msg, 0, irc == -2 ? "out of memory" : "not understood by the ini parser");
		goto out;
	}
	/* section starts after the last key line, and a check that libinih saw every key */
	r = advance(&ctx, &li);
	if (r > 0)
		mr_ini_fail(msg, ctx.line, "the ini parser skipped this line");
	if (r != 0)
		goto out;
	rc = 0;
out:
	wipe_free(canon, size);
	return rc;
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
		(void)mr_buf_printf(err, "%s: out of memory", name);
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
				(void)mr_buf_printf(err, "%s: out of memory", name);
				goto out;
			}
			buf = bigger;
			cap = ncap;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			(void)mr_buf_printf(err, "%s: cannot read: %s", name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		(void)mr_buf_printf(err, "%s: larger than %zu bytes", name, max);
		goto out;
	}
	nul = memchr(buf, '\0', got);
	if (nul != NULL) {
		unsigned line = 1;
		const char *p;

		for (p = buf; p < nul; p++)
			if (*p == '\n')
				line++;
		(void)mr_buf_printf(err, "%s line %u: NUL byte (not a text file?)", name, line);
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
		(void)mr_buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
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

/* smtp_rules.c: the rules that classify Microsoft SMTP replies: SMTP stage names, the rules file
 * format (ini, read with libinih after a pre-scan that numbers lines and rejects what libinih would
 * misread), loading a rules file, and the classifier with its code / IP / front-end extractors. */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "smtp_rules.h"

/** Longest rules line (characters before the LF, a CR included) accepted; libinih reads 199 at most. */
#define LINE_MAX_CHARS 197
/** Largest rules file accepted. */
#define FILE_MAX_BYTES (1024 * 1024)
/** Most rules in one table. */
#define RULES_MAX 1024
/** Most characters of a user value quoted in a message. */
#define QUOTE_MAX 60
/** Longest section text libinih keeps (its MAX_SECTION is 50 including the NUL). */
#define INI_SECTION_KEPT 49
/** Largest regerror text used in messages. */
#define REGERR_MAX 160

/** The rule keys. */
enum key_id { K_STATE = 0, K_STAGES, K_PATTERN, K_KIND, K_DELIST, K_DESCRIPTION, K_COUNT };

/** Key names, indexed by enum key_id. */
static const char *const key_names[K_COUNT] = { "state", "stages", "pattern", "kind", "delist", "description" };

/** Stage names as written in rules files, indexed by smtp_stage. */
static const char *const stage_keys[SMTP_STAGE_COUNT] = {
	"connect", "banner", "ehlo", "starttls", "ehlo_tls", "mail", "rcpt", "data", "data_end", "rset", "quit"
};

/** Stage names for output, indexed by smtp_stage. */
static const char *const stage_names[SMTP_STAGE_COUNT] = {
	"connect", "banner", "EHLO", "STARTTLS", "EHLO (TLS)", "MAIL FROM", "RCPT TO", "DATA", "end of data",
	"RSET", "QUIT"
};

/** Per-rule bookkeeping while a rules text is parsed. */
typedef struct rule_info {
	unsigned line;                      /**< line of the [rule NAME] header */
	unsigned key_line[K_COUNT];         /**< line where each key was given, 0 if never */
	char raw[INI_SECTION_KEPT + 1];     /**< the header text as libinih keeps it, to check its calls */
	char pattern[LINE_MAX_CHARS + 1];   /**< the pattern value, compiled once all keys are read */
	int pattern_comment;                /**< the pattern line had an inline ';' comment */
} rule_info;

/** One key line found by the pre-scan, in file order. */
typedef struct key_line {
	unsigned line;  /**< line number */
	size_t rule;    /**< index of its rule */
	int key;        /**< enum key_id */
} key_line;

/** State of one smtp_rules_parse call. */
typedef struct parse_ctx {
	const char *origin;      /**< name for messages */
	mr_buf *err;             /**< where the message goes */
	const smtp_rules *dst;   /**< table the rules will join (for duplicate names) */
	smtp_rule *v;            /**< rules parsed so far (patterns not compiled until finish) */
	rule_info *info;         /**< bookkeeping parallel to v */
	size_t n;                /**< rules used */
	size_t cap;              /**< rules allocated (v and info) */
	size_t ncompiled;        /**< rules v[0..ncompiled) have a compiled pattern */
	key_line *keys;          /**< key lines from the pre-scan */
	size_t nkeys;            /**< used */
	size_t keys_cap;         /**< allocated */
	size_t calls;            /**< libinih handler calls so far */
	int failed;              /**< a message has been written */
} parse_ctx;

/* ---- stages ---- */

/** Name of a stage for output. */
const char *smtp_stage_name(smtp_stage s)
{
	if ((int)s < 0 || s >= SMTP_STAGE_COUNT)
		return "unknown stage";
	return stage_names[s];
}

/** Parse a stage name as used in rules files (any case); 0 or -1. */
int smtp_stage_parse(const char *name, smtp_stage *out)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < SMTP_STAGE_COUNT; i++)
		if (mr_streq_ci(name, stage_keys[i])) {
			if (out != NULL)
				*out = (smtp_stage)i;
			return 0;
		}
	return -1;
}

/* ---- table ---- */

/** Initialise an empty table. */
void smtp_rules_init(smtp_rules *t)
{
	if (t == NULL)
		return;
	t->v = NULL;
	t->n = 0;
	t->cap = 0;
}

/** Free the rules and their compiled patterns. */
void smtp_rules_free(smtp_rules *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		regfree(&t->v[i].re);
	free(t->v);
	smtp_rules_init(t);
}

/** The index of the rule called name in the n rules of v, or -1. */
static long rule_index(const smtp_rule *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* ---- parsing: messages and helpers ---- */

/** Append a formatted message to err, if there is one. */
static void seterr(mr_buf *err, const char *fmt, ...) MR_PRINTF(2, 3);

/** Append a formatted message to err, if there is one. */
static void seterr(mr_buf *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	(void)mr_buf_vprintf(err, fmt, ap);
	va_end(ap);
}

/** Record the first error of a parse as "ORIGIN line N: reason" (or "ORIGIN: reason" without a line). */
static void ctx_fail(parse_ctx *ctx, unsigned line, const char *fmt, ...) MR_PRINTF(3, 4);

/** Record the first error of a parse as "ORIGIN line N: reason" (or "ORIGIN: reason" without a line). */
static void ctx_fail(parse_ctx *ctx, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (ctx->failed)
		return;
	ctx->failed = 1;
	if (ctx->err == NULL)
		return;
	if (line > 0)
		(void)mr_buf_printf(ctx->err, "%s line %u: ", ctx->origin, line);
	else
		(void)mr_buf_printf(ctx->err, "%s: ", ctx->origin);
	va_start(ap, fmt);
	(void)mr_buf_vprintf(ctx->err, fmt, ap);
	va_end(ap);
}

/** As libinih: the first character of chars, or an inline ';' comment (after white space), or the end. */
static const char *find_chars_or_comment(const char *s, const char *chars)
{
	int was_space = 0;

	while (*s != '\0' && (chars == NULL || strchr(chars, *s) == NULL) && !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

/** Strip trailing white space from s in place. */
static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/** The key id of name (any case), or -1. */
static int key_lookup(const char *name)
{
	int k;

	for (k = 0; k < K_COUNT; k++)
		if (mr_streq_ci(name, key_names[k]))
			return k;
	return -1;
}

/** 1 if s has no control characters (TAB allowed only if tab_ok); bytes >= 0x80 are allowed. */
static int printable(const char *s, int tab_ok)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\t' && tab_ok)
			continue;
		if (ch < 0x20 || ch == 0x7f)
			return 0;
	}
	return 1;
}

/** 1 if name is a usable rule name: 1-47 characters of letters, digits, '-', '_' and '.'. */
static int good_rule_name(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len >= sizeof ((smtp_rule *)NULL)->name)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (!isalnum(ch) && ch != '-' && ch != '_' && ch != '.')
			return 0;
	}
	return 1;
}

/* ---- parsing: pre-scan ---- */

/** Check every line is shorter than LINE_MAX_CHARS + 1 characters; 0, or -1 with a message. */
static int check_line_lengths(parse_ctx *ctx, const char *text)
{
	const char *p = text;
	unsigned line = 0;

	while (*p != '\0') {
		size_t l = strcspn(p, "\n");
		line++;
		if (l > LINE_MAX_CHARS) {
			ctx_fail(ctx, line, "line too long (%zu characters, at most %d)", l, LINE_MAX_CHARS);
			return -1;
		}
		p += l;
		if (*p == '\n')
			p++;
	}
	return 0;
}

/** Start a new rule for a "[rule NAME]" header (raw: the text between the brackets); 0 or -1. */
static int prescan_section(parse_ctx *ctx, unsigned line, const char *raw)
{
	const char *name = raw;
	size_t len;
	long prev;
	smtp_rule *r;
	rule_info *ri;

	if (strncmp(name, "rule", 4) != 0 || !isspace((unsigned char)name[4])) {
		ctx_fail(ctx, line, "unknown section [%.*s] (expected [rule NAME])", QUOTE_MAX, raw);
		return -1;
	}
	name += 4;
	while (isspace((unsigned char)*name))
		name++;
	len = strlen(name);
	while (len > 0 && isspace((unsigned char)name[len - 1]))
		len--;
	if (!good_rule_name(name, len)) {
		ctx_fail(ctx, line, "bad rule name '%.*s' (1-%zu letters, digits, '-', '_' or '.')",
		         QUOTE_MAX, name, sizeof r->name - 1);
		return -1;
	}
	if (ctx->n >= RULES_MAX) {
		ctx_fail(ctx, line, "more than %d rules", RULES_MAX);
		return -1;
	}
	if (ctx->n == ctx->cap) {
		size_t ncap = ctx->cap != 0 ? ctx->cap * 2 : 16;
		smtp_rule *nv = realloc(ctx->v, ncap * sizeof *nv);
		rule_info *ni;
		if (nv == NULL)
			goto nomem;
		ctx->v = nv;
		ni = realloc(ctx->info, ncap * sizeof *ni);
		if (ni == NULL)
			goto nomem;
		ctx->info = ni;
		ctx->cap = ncap;
	}
	r = &ctx->v[ctx->n];
	ri = &ctx->info[ctx->n];
	memset(r, 0, sizeof *r);
	memset(ri, 0, sizeof *ri);
	memcpy(r->name, name, len);
	r->name[len] = '\0';
	prev = rule_index(ctx->v, ctx->n, r->name);
	if (prev >= 0) {
		ctx_fail(ctx, line, "rule [%s] appears twice (first at line %u)", r->name, ctx->info[prev].line);
		return -1;
	}
	if (ctx->dst != NULL && rule_index(ctx->dst->v, ctx->dst->n, r->name) >= 0) {
		ctx_fail(ctx, line, "rule [%s] is already in the table", r->name);
		return -1;
	}
	ri->line = line;
	len = strlen(raw);
	if (len > INI_SECTION_KEPT)
		len = INI_SECTION_KEPT;
	memcpy(ri->raw, raw, len);
	ri->raw[len] = '\0';
	ctx->n++;
	return 0;
nomem:
	ctx_fail(ctx, line, "out of memory");
	return -1;
}

/** Remember a key line (name, and whether its value carries an inline comment) for the handler; 0 or -1. */
static int prescan_key(parse_ctx *ctx, unsigned line, const char *name, int comment)
{
	int key = key_lookup(name);
	rule_info *ri;

	if (ctx->n == 0) {
		ctx_fail(ctx, line, "'%.*s' before the first [rule NAME] header", QUOTE_MAX, name);
		return -1;
	}
	ri = &ctx->info[ctx->n - 1];
	if (key < 0) {
		ctx_fail(ctx, line, "unknown key '%.*s' in rule [%s] (state, stages, pattern, kind, delist, description)",
		         QUOTE_MAX, name, ctx->v[ctx->n - 1].name);
		return -1;
	}
	if (ri->key_line[key] != 0) {
		ctx_fail(ctx, line, "%s given twice in rule [%s] (first at line %u)", key_names[key],
		         ctx->v[ctx->n - 1].name, ri->key_line[key]);
		return -1;
	}
	ri->key_line[key] = line;
	if (key == K_PATTERN)
		ri->pattern_comment = comment;
	if (ctx->nkeys == ctx->keys_cap) {
		size_t ncap = ctx->keys_cap != 0 ? ctx->keys_cap * 2 : 64;
		key_line *nk = realloc(ctx->keys, ncap * sizeof *nk);
		if (nk == NULL) {
			ctx_fail(ctx, line, "out of memory");
			return -1;
		}
		ctx->keys = nk;
		ctx->keys_cap = ncap;
	}
	ctx->keys[ctx->nkeys].line = line;
	ctx->keys[ctx->nkeys].rule = ctx->n - 1;
	ctx->keys[ctx->nkeys].key = key;
	ctx->nkeys++;
	return 0;
}

/** Pre-scan one line (NUL-terminated copy in buf, modified) at line number line; 0 or -1. */
static int prescan_line(parse_ctx *ctx, unsigned line, char *buf)
{
	char *base = buf, *start, *end;

	if (line == 1 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb &&
	    (unsigned char)buf[2] == 0xbf)
		base += 3; /* a UTF-8 byte order mark, skipped by libinih too */
	rstrip(base);
	start = base;
	while (isspace((unsigned char)*start))
		start++;
	if (*start == '\0' || *start == ';' || *start == '#')
		return 0;
	if (start > base) {
		ctx_fail(ctx, line, "indented line (ini continuation lines are not supported; start lines in column 1)");
		return -1;
	}
	if (*start == '[') {
		const char *rest;
		end = start + (find_chars_or_comment(start + 1, "]") - start);
		if (*end != ']') {
			ctx_fail(ctx, line, "section header without closing ']'");
			return -1;
		}
		*end = '\0';
		rest = end + 1;
		while (isspace((unsigned char)*rest))
			rest++;
		if (*rest != '\0' && *rest != ';' && *rest != '#') {
			ctx_fail(ctx, line, "text after the section header's ']'");
			return -1;
		}
		return prescan_section(ctx, line, start + 1);
	}
	end = start + (find_chars_or_comment(start, "=:") - start);
	if (*end != '=' && *end != ':') {
		ctx_fail(ctx, line, "expected 'key = value' or a [rule NAME] header");
		return -1;
	}
	*end = '\0';
	rstrip(start);
	return prescan_key(ctx, line, start, *find_chars_or_comment(end + 1, NULL) == ';');
}

/**
 * Walk the text the way libinih does: create the rules, number the key lines and reject what
 * libinih would misread (continuation lines, long lines, unknown keys). 0, or -1 with a message.
 */
static int prescan(parse_ctx *ctx, const char *text)
{
	const char *p = text;
	unsigned line = 0;

	while (*p != '\0') {
		char buf[LINE_MAX_CHARS + 1];
		size_t l = strcspn(p, "\n");

		line++;
		if (l >= sizeof buf) { /* check_line_lengths ran first; stay bounded anyway */
			ctx_fail(ctx, line, "line too long");
			return -1;
		}
		memcpy(buf, p, l);
		buf[l] = '\0';
		p += l;
		if (*p == '\n')
			p++;
		if (prescan_line(ctx, line, buf) != 0)
			return -1;
	}
	return 0;
}

/* ---- parsing: values ---- */

/** Copy a text value into a rule field of size bytes; 0 or -1 with a message. */
static int set_text(parse_ctx *ctx, unsigned line, const char *key, char *field, size_t size, const char *v)
{
	size_t n = strlen(v);

	if (n >= size) {
		ctx_fail(ctx, line, "%s is longer than %zu characters", key, size - 1);
		return -1;
	}
	if (!printable(v, 0)) {
		ctx_fail(ctx, line, "%s holds control characters", key);
		return -1;
	}
	memcpy(field, v, n + 1);
	return 0;
}

/** Parse the space-separated stage names of a stages value into a bit mask; 0 or -1 with a message. */
static int set_stages(parse_ctx *ctx, unsigned line, smtp_rule *r, const char *v)
{
	const char *p = v;
	unsigned mask = 0;

	while (*p != '\0') {
		char word[16];
		size_t l;
		smtp_stage st;

		while (*p == ' ' || *p == '\t')
			p++;
		l = strcspn(p, " \t");
		if (l == 0)
			break;
		if (l >= sizeof word) {
			ctx_fail(ctx, line, "unknown stage '%.*s' (%s)", (int)(l < QUOTE_MAX ? l : QUOTE_MAX), p,
			         "connect banner ehlo starttls ehlo_tls mail rcpt data data_end rset quit");
			return -1;
		}
		memcpy(word, p, l);
		word[l] = '\0';
		if (smtp_stage_parse(word, &st) != 0) {
			ctx_fail(ctx, line, "unknown stage '%s' (%s)", word,
			         "connect banner ehlo starttls ehlo_tls mail rcpt data data_end rset quit");
			return -1;
		}
		mask |= 1u << st;
		p += l;
	}
	if (mask == 0) {
		ctx_fail(ctx, line, "stages is empty (leave it out to mean all stages)");
		return -1;
	}
	r->stages = mask;
	return 0;
}

/** Apply one key = value to rule r (bookkeeping ri) at line; 0 or -1 with a message. */
static int apply_key(parse_ctx *ctx, smtp_rule *r, rule_info *ri, int key, unsigned line, const char *v)
{
	switch (key) {
	case K_STATE:
		if (mr_streq_ci(v, "critical"))
			r->state = SMTP_RULE_CRITICAL;
		else if (mr_streq_ci(v, "warning"))
			r->state = SMTP_RULE_WARNING;
		else if (mr_streq_ci(v, "throttle"))
			r->state = SMTP_RULE_THROTTLE;
		else if (mr_streq_ci(v, "ok"))
			r->state = SMTP_RULE_OK;
		else {
			ctx_fail(ctx, line, "bad state '%.*s' (critical, warning, throttle or ok)", QUOTE_MAX, v);
			return -1;
		}
		return 0;
	case K_STAGES:
		return set_stages(ctx, line, r, v);
	case K_PATTERN:
		if (*v == '\0') {
			ctx_fail(ctx, line, "pattern is empty");
			return -1;
		}
		if (!printable(v, 1)) {
			ctx_fail(ctx, line, "pattern holds control characters");
			return -1;
		}
		if (strlen(v) >= sizeof ri->pattern) {
			ctx_fail(ctx, line, "pattern too long");
			return -1;
		}
		memcpy(ri->pattern, v, strlen(v) + 1);
		return 0;
	case K_KIND:
		return set_text(ctx, line, "kind", r->kind, sizeof r->kind, v);
	case K_DELIST:
		return set_text(ctx, line, "delist", r->delist, sizeof r->delist, v);
	case K_DESCRIPTION:
		return set_text(ctx, line, "description", r->description, sizeof r->description, v);
	default:
		break;
	}
	ctx_fail(ctx, line, "unknown key");
	return -1;
}

/** libinih handler: apply one key = value, matched by order to the pre-scanned key lines; 1 or 0. */
static int ini_handler_cb(void *user, const char *section, const char *name, const char *value)
{
	parse_ctx *ctx = user;
	size_t k = ctx->calls++;
	const key_line *kl;

	if (ctx->failed)
		return 0;
	if (k >= ctx->nkeys) {
		ctx_fail(ctx, 0, "the ini parser found more keys than expected (at '%.*s')", QUOTE_MAX, name);
		return 0;
	}
	kl = &ctx->keys[k];
	if (!mr_streq_ci(name, key_names[kl->key]) || strcmp(section, ctx->info[kl->rule].raw) != 0) {
		ctx_fail(ctx, kl->line, "the ini parser read this line differently (key '%.*s')", QUOTE_MAX, name);
		return 0;
	}
	return apply_key(ctx, &ctx->v[kl->rule], &ctx->info[kl->rule], kl->key, kl->line, value) == 0;
}

/** Compile the patterns and check each rule as a whole; 0 or -1 with a message. */
static int finish_rules(parse_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->n; i++) {
		smtp_rule *r = &ctx->v[i];
		const rule_info *ri = &ctx->info[i];
		int rc;

		if (ri->key_line[K_PATTERN] == 0) {
			ctx_fail(ctx, ri->line, "rule [%s] has no pattern", r->name);
			return -1;
		}
		if (ri->key_line[K_STATE] == 0) {
			ctx_fail(ctx, ri->line, "rule [%s] has no state (critical, warning, throttle or ok)", r->name);
			return -1;
		}
		if (ri->key_line[K_KIND] == 0) {
			size_t l = strlen(r->name);
			if (l >= sizeof r->kind)
				l = sizeof r->kind - 1;
			memcpy(r->kind, r->name, l);
			r->kind[l] = '\0';
		}
		rc = regcomp(&r->re, ri->pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			char why[REGERR_MAX];
			(void)regerror(rc, &r->re, why, sizeof why);
			ctx_fail(ctx, ri->key_line[K_PATTERN], "pattern does not compile: %s%s", why,
			         ri->pattern_comment ? " (note: ' ;' starts a comment; write '[;]' for a literal ';')" : "");
			return -1;
		}
		ctx->ncompiled = i + 1;
	}
	return 0;
}

/** Parse rules text and append its rules to t; 0, or -1 with "ORIGIN line N: reason". */
int smtp_rules_parse(smtp_rules *t, const char *text, const char *origin, mr_buf *err)
{
	parse_ctx ctx;
	int rc = -1, irc;
	size_t i;

	memset(&ctx, 0, sizeof ctx);
	ctx.origin = origin != NULL ? origin : "rules";
	ctx.err = err;
	ctx.dst = t;
	if (t == NULL || text == NULL) {
		seterr(err, "%s: nothing to parse", ctx.origin);
		return -1;
	}
	if (check_line_lengths(&ctx, text) != 0 || prescan(&ctx, text) != 0)
		goto out;
	irc = ini_parse_string(text, ini_handler_cb, &ctx);
	if (ctx.failed)
		goto out;
	if (irc == -2) {
		ctx_fail(&ctx, 0, "out of memory");
		goto out;
	}
	if (irc != 0) {
		ctx_fail(&ctx, irc > 0 ? (unsigned)irc : 0, "not understood by the ini parser");
		goto out;
	}
	if (ctx.calls != ctx.nkeys) {
		ctx_fail(&ctx, 0, "the ini parser found fewer keys than expected");
		goto out;
	}
	if (finish_rules(&ctx) != 0)
		goto out;
	if (t->n + ctx.n > t->cap) {
		size_t ncap = t->n + ctx.n;
		smtp_rule *nv;
		if (ncap > RULES_MAX) {
			ctx_fail(&ctx, 0, "more than %d rules in all", RULES_MAX);
			goto out;
		}
		nv = realloc(t->v, ncap * sizeof *nv);
		if (nv == NULL) {
			ctx_fail(&ctx, 0, "out of memory");
			goto out;
		}
		t->v = nv;
		t->cap = ncap;
	}
	if (ctx.n > 0)
		memcpy(t->v + t->n, ctx.v, ctx.n * sizeof *ctx.v);
	t->n += ctx.n;
	ctx.ncompiled = 0; /* the compiled patterns now belong to t */
	rc = 0;
out:
	for (i = 0; i < ctx.ncompiled; i++)
		regfree(&ctx.v[i].re);
	free(ctx.v);
	free(ctx.info);
	free(ctx.keys);
	return rc;
}

/** Read and parse a rules file; 0, or -1 with a reason in err. */
int smtp_rules_load_file(smtp_rules *t, const char *path, mr_buf *err)
{
	FILE *f = NULL;
	char *text = NULL;
	size_t len = 0, got;
	int rc = -1;

	if (path == NULL) {
		seterr(err, "no rules file given");
		return -1;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		seterr(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	text = malloc(FILE_MAX_BYTES + 1);
	if (text == NULL) {
		seterr(err, "%s: out of memory", path);
		goto out;
	}
	while (len <= FILE_MAX_BYTES && (got = fread(text + len, 1, FILE_MAX_BYTES + 1 - len, f)) > 0)
		len += got;
	if (ferror(f)) {
		seterr(err, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	if (len > FILE_MAX_BYTES) {
		seterr(err, "%s: larger than %d bytes", path, FILE_MAX_BYTES);
		goto out;
	}
	text[len] = '\0';
	if (memchr(text, '\0', len) != NULL) {
		seterr(err, "%s: holds a NUL byte (not a text file?)", path);
		goto out;
	}
	rc = smtp_rules_parse(t, text, path, err);
out:
	if (f != NULL)
		fclose(f);
	free(text);
	return rc;
}

/* ---- classification ---- */

/** The extractor patterns (POSIX ERE, case-insensitive), compiled for each classification. */
enum extractor_id { X_SCODE = 0, X_ASCODE, X_LEGACY, X_ENHANCED, X_IP, X_FRONTEND, X_COUNT };

/** Extractor pattern texts, indexed by enum extractor_id; the wanted text is in the given group. */
static const struct {
	const char *re;  /**< the pattern */
	size_t group;    /**< the subexpression holding the value */
} extractors[X_COUNT] = {
	{ "\\((A?S[0-9]+)\\)", 1 },
	{ "AS\\(([0-9]+)\\)", 1 },
	{ "(^| )[2-5][0-9][0-9][ -]([245]\\.[0-9]{1,3}\\.[0-9]{1,3} )?((SC|DY|OU|RP)-[0-9]{3})", 3 },
	{ "^[2-5][0-9][0-9][ -]([245]\\.[0-9]{1,3}\\.[0-9]{1,3})( |$)", 1 },
	{ "\\[([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)\\]", 1 },
	{ "\\[([A-Z0-9]+\\.[A-Za-z0-9-]+\\.prod\\.(protection\\.)?outlook\\.com)", 1 },
};

/** Most subexpressions any extractor has, plus the whole match. */
#define X_GROUPS 5

/** Copy the text of match m in s into dst (size bytes), with prefix; 0, or -1 if it does not fit. */
static int copy_match(char *dst, size_t size, const char *prefix, const char *s, const regmatch_t *m)
{
	if (m->rm_so < 0 || m->rm_eo < m->rm_so)
		return -1;
	return mr_snprintf(dst, size, "%s%.*s", prefix, (int)(m->rm_eo - m->rm_so), s + m->rm_so);
}

/**
 * Find extractor x in text and copy its group into dst (with prefix); for X_IP, only a match that
 * is a valid IPv4 or IPv6 address counts. 1 if found, 0 if not (dst is then "").
 */
static int extract(enum extractor_id x, const char *text, char *dst, size_t size, const char *prefix)
{
	regex_t re;
	regmatch_t m[X_GROUPS];
	const char *p = text;
	int found = 0, eflags = 0;

	dst[0] = '\0';
	if (regcomp(&re, extractors[x].re, REG_EXTENDED | REG_ICASE) != 0)
		return 0;
	while (*p != '\0' && regexec(&re, p, X_GROUPS, m, eflags) == 0) {
		const regmatch_t *g = &m[extractors[x].group];
		if (g->rm_so >= 0 && copy_match(dst, size, prefix, p, g) == 0) {
			unsigned char addr[16];
			if (x != X_IP || inet_pton(AF_INET, dst, addr) == 1 || inet_pton(AF_INET6, dst, addr) == 1) {
				found = 1;
				break;
			}
		}
		dst[0] = '\0';
		if (m[0].rm_eo <= 0)
			break;
		p += m[0].rm_eo;
		eflags = REG_NOTBOL;
	}
	regfree(&re);
	return found;
}

/** Fill the verdict's code, enhanced code, IP and front end from the joined reply text. */
static void extract_all(const char *text, smtp_verdict *v)
{
	if (!extract(X_SCODE, text, v->code, sizeof v->code, "") &&
	    !extract(X_ASCODE, text, v->code, sizeof v->code, "AS"))
		(void)extract(X_LEGACY, text, v->code, sizeof v->code, "");
	(void)extract(X_ENHANCED, text, v->enhanced, sizeof v->enhanced, "");
	(void)extract(X_IP, text, v->ip, sizeof v->ip, "");
	(void)extract(X_FRONTEND, text, v->frontend, sizeof v->frontend, "");
}

/** The first rule of t that applies at stage st (all rules, or only stage-restricted ones) and matches text. */
static const smtp_rule *first_match(const smtp_rules *t, smtp_stage st, int restricted_only, const char *text)
{
	size_t i;

	if (t == NULL)
		return NULL;
	for (i = 0; i < t->n; i++) {
		const smtp_rule *r = &t->v[i];
		if (r->stages == 0 ? restricted_only : (r->stages & (1u << st)) == 0)
			continue;
		if (regexec(&r->re, text, 0, NULL, 0) == 0)
			return r;
	}
	return NULL;
}

/** Set the verdict's reason to text (cut to fit). */
static void set_reason(smtp_verdict *v, const char *text)
{
	(void)mr_snprintf(v->reason, sizeof v->reason, "%.*s", (int)(sizeof v->reason - 1), text);
}

/** Classify reply r received at stage st (see smtp_rules.h). */
void smtp_classify(const smtp_rules *t, smtp_stage st, const smtp_reply *r, mr_state throttle_state,
                   smtp_verdict *v)
{
	int cls;
	const smtp_rule *rule;

	if (v == NULL)
		return;
	memset(v, 0, sizeof *v);
	if (r == NULL) {
		v->state = MR_UNKNOWN;
		set_reason(v, "no reply");
		return;
	}
	extract_all(r->text, v);
	cls = r->code / 100;
	if (cls < 2 || cls > 5 || (int)st < 0 || st >= SMTP_STAGE_COUNT) {
		v->state = MR_UNKNOWN;
		set_reason(v, cls < 2 || cls > 5 ? "invalid reply code" : "invalid stage");
		return;
	}
	v->expected = cls == 2 || cls == 3;
	rule = first_match(t, st, v->expected, r->text);
	if (rule == NULL) {
		if (v->expected) {
			v->state = MR_OK;
			set_reason(v, "accepted");
		} else if (cls == 4) {
			v->state = MR_WARNING;
			set_reason(v, "unknown temporary reply");
		} else {
			v->state = MR_CRITICAL;
			set_reason(v, "unknown permanent reply");
		}
		return;
	}
	v->rule = rule;
	switch (rule->state) {
	case SMTP_RULE_CRITICAL:
		v->state = MR_CRITICAL;
		break;
	case SMTP_RULE_WARNING:
		v->state = MR_WARNING;
		break;
	case SMTP_RULE_THROTTLE:
		v->state = throttle_state;
		break;
	case SMTP_RULE_OK:
	default:
		v->state = MR_OK;
		break;
	}
	set_reason(v, rule->description[0] != '\0' ? rule->description : rule->kind);
}

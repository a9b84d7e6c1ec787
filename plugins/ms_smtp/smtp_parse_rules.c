/* smtp_parse_rules.c: the rules table that classifies Microsoft SMTP replies: the meaning of the
 * rules file's sections and keys (the ini reading itself is common/ini.c's), checked and compiled
 * into an ordered table. The matcher that uses the table is smtp_judge.c's. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/ini.h"
#include "smtp_parse_pattern.h"
#include "smtp_parse_rules.h"

/** The rules format's ini leniencies (doc/ms-smtp-rules.md): "key: value" and ' ;' comments. */
#define RULES_INI_FLAGS (MR_INI_INLINE_COMMENTS | MR_INI_COLON)
/** Most rules in one table. */
#define RULES_MAX 1024
/** Most characters of a user value quoted in a message. */
#define QUOTE_MAX 60
/** Largest regerror text used in messages. */
#define REGERR_MAX 160

/** The rule keys. */
enum key_id { K_STATE = 0, K_STAGES, K_PATTERN, K_KIND, K_DELIST, K_DESCRIPTION, K_SPAMHAUS, K_COUNT };

/** Key names, indexed by enum key_id. */
static const char *const key_names[K_COUNT] = { "state", "stages", "pattern", "kind", "delist", "description",
                                                "spamhaus-lookup" };

/** Per-rule bookkeeping while a rules text is parsed. */
typedef struct rule_info {
	unsigned line;                      /**< line of the [rule NAME] header */
	unsigned key_line[K_COUNT];         /**< line where each key was given, 0 if never */
	char pattern[MR_INI_LINE_MAX + 1];  /**< the pattern value, compiled once all keys are read */
	int pattern_comment;                /**< the pattern line had an inline ';' comment */
} rule_info;

/** State of one smtp_rules_parse call. */
typedef struct parse_ctx {
	mr_ini_msg msg;          /**< origin, destination and "failed" of the messages */
	const smtp_rules *dst;   /**< table the rules will join (for duplicate names) */
	smtp_rule *v;            /**< rules parsed so far (patterns not compiled until finish) */
	rule_info *info;         /**< bookkeeping parallel to v */
	size_t n;                /**< rules used */
	size_t cap;              /**< rules allocated (v and info) */
	size_t ncompiled;        /**< rules v[0..ncompiled) have a compiled pattern */
} parse_ctx;

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

/* ---- parsing: helpers ---- */

/** 1 if a pattern has no control characters but TAB; bytes >= 0x80 are allowed. */
static int pattern_printable(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
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

/* ---- parsing: rules and keys from the ini reader ---- */

/** Start a new rule for a "[rule NAME]" header (raw: the section name); 0 or -1 with a message. */
static int rule_start(parse_ctx *ctx, unsigned line, const char *raw)
{
	const char *name = raw;
	size_t len;
	long prev;
	smtp_rule *r;
	rule_info *ri;

	if (strncmp(name, "rule", 4) != 0 || !isspace((unsigned char)name[4])) {
		mr_ini_fail(&ctx->msg, line, "unknown section [%.*s] (expected [rule NAME])", QUOTE_MAX, raw);
		return -1;
	}
	name += 4;
	while (isspace((unsigned char)*name))
		name++;
	len = strlen(name);
	while (len > 0 && isspace((unsigned char)name[len - 1]))
		len--;
	if (!good_rule_name(name, len)) {
		mr_ini_fail(&ctx->msg, line, "bad rule name '%.*s' (1-%zu letters, digits, '-', '_' or '.')",
		            QUOTE_MAX, name, sizeof r->name - 1);
		return -1;
	}
	if (ctx->n >= RULES_MAX) {
		mr_ini_fail(&ctx->msg, line, "more than %d rules", RULES_MAX);
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
		mr_ini_fail(&ctx->msg, line, "rule [%s] appears twice (first at line %u)", r->name,
		            ctx->info[prev].line);
		return -1;
	}
	if (ctx->dst != NULL && rule_index(ctx->dst->v, ctx->dst->n, r->name) >= 0) {
		mr_ini_fail(&ctx->msg, line, "rule [%s] is already in the table", r->name);
		return -1;
	}
	ri->line = line;
	ctx->n++;
	return 0;
nomem:
	mr_ini_fail(&ctx->msg, line, "out of memory");
	return -1;
}

/* ---- parsing: values ---- */

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
			mr_ini_fail(&ctx->msg, line, "unknown stage '%.*s' (%s)", (int)(l < QUOTE_MAX ? l : QUOTE_MAX),
			            p, "connect banner ehlo starttls ehlo_tls mail rcpt data data_end rset quit");
			return -1;
		}
		memcpy(word, p, l);
		word[l] = '\0';
		if (smtp_stage_parse(word, &st) != 0) {
			mr_ini_fail(&ctx->msg, line, "unknown stage '%s' (%s)", word,
			            "connect banner ehlo starttls ehlo_tls mail rcpt data data_end rset quit");
			return -1;
		}
		mask |= 1u << st;
		p += l;
	}
	if (mask == 0) {
		mr_ini_fail(&ctx->msg, line, "stages is empty (leave it out to mean all stages)");
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
			mr_ini_fail(&ctx->msg, line, "bad state '%.*s' (critical, warning, throttle or ok)", QUOTE_MAX,
			            v);
			return -1;
		}
		return 0;
	case K_STAGES:
		return set_stages(ctx, line, r, v);
	case K_PATTERN:
		if (*v == '\0') {
			mr_ini_fail(&ctx->msg, line, "pattern is empty");
			return -1;
		}
		if (!pattern_printable(v)) {
			mr_ini_fail(&ctx->msg, line, "pattern holds control characters");
			return -1;
		}
		if (strlen(v) >= sizeof ri->pattern) {
			mr_ini_fail(&ctx->msg, line, "pattern too long");
			return -1;
		}
		memcpy(ri->pattern, v, strlen(v) + 1);
		return 0;
	case K_KIND:
		return mr_ini_copy_text(&ctx->msg, line, "kind", v, r->kind, sizeof r->kind);
	case K_DELIST:
		return mr_ini_copy_text(&ctx->msg, line, "delist", v, r->delist, sizeof r->delist);
	case K_DESCRIPTION:
		return mr_ini_copy_text(&ctx->msg, line, "description", v, r->description, sizeof r->description);
	case K_SPAMHAUS:
		if (mr_streq_ci(v, "yes"))
			r->spamhaus_lookup = 1;
		else if (mr_streq_ci(v, "no"))
			r->spamhaus_lookup = 0;
		else {
			mr_ini_fail(&ctx->msg, line, "bad spamhaus-lookup '%.*s' (yes or no)", QUOTE_MAX, v);
			return -1;
		}
		return 0;
	default:
		break;
	}
	mr_ini_fail(&ctx->msg, line, "unknown key");
	return -1;
}

/** ini callback: start a rule at each section, check and apply each key of the current rule; 0 or -1. */
static int on_item(void *user, const mr_ini_item *item, mr_ini_msg *msg)
{
	parse_ctx *ctx = user;
	smtp_rule *r;
	rule_info *ri;
	int key;

	(void)msg; /* the same as &ctx->msg */
	if (item->key == NULL)
		return rule_start(ctx, item->line, item->section);
	r = &ctx->v[ctx->n - 1]; /* a key always follows a section whose rule_start succeeded */
	ri = &ctx->info[ctx->n - 1];
	key = mr_ini_key_index(item->key, key_names, K_COUNT);
	if (key < 0) {
		mr_ini_fail(&ctx->msg, item->line,
		            "unknown key '%.*s' in rule [%s] (state, stages, pattern, kind, delist, description, "
		            "spamhaus-lookup)",
		            QUOTE_MAX, item->key, r->name);
		return -1;
	}
	if (ri->key_line[key] != 0) {
		mr_ini_fail(&ctx->msg, item->line, "%s given twice in rule [%s] (first at line %u)", key_names[key],
		            r->name, ri->key_line[key]);
		return -1;
	}
	ri->key_line[key] = item->line;
	if (key == K_PATTERN)
		ri->pattern_comment = item->comment;
	return apply_key(ctx, r, ri, key, item->line, item->value);
}

/** Compile the patterns and check each rule as a whole; 0 or -1 with a message. */
static int finish_rules(parse_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->n; i++) {
		smtp_rule *r = &ctx->v[i];
		const rule_info *ri = &ctx->info[i];
		const char *cost_why = NULL;
		int rc;

		if (ri->key_line[K_PATTERN] == 0) {
			mr_ini_fail(&ctx->msg, ri->line, "rule [%s] has no pattern", r->name);
			return -1;
		}
		if (ri->key_line[K_STATE] == 0) {
			mr_ini_fail(&ctx->msg, ri->line, "rule [%s] has no state (critical, warning, throttle or ok)",
			            r->name);
			return -1;
		}
		if (ri->key_line[K_KIND] == 0) {
			size_t l = strlen(r->name);
			if (l >= sizeof r->kind)
				l = sizeof r->kind - 1;
			memcpy(r->kind, r->name, l);
			r->kind[l] = '\0';
		}
		if (smtp_pattern_check(ri->pattern, &cost_why) != 0) {
			mr_ini_fail(&ctx->msg, ri->key_line[K_PATTERN], "%s", cost_why);
			return -1;
		}
		rc = regcomp(&r->re, ri->pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			char why[REGERR_MAX];
			(void)regerror(rc, &r->re, why, sizeof why);
			mr_ini_fail(&ctx->msg, ri->key_line[K_PATTERN], "pattern does not compile: %s%s", why,
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
	int rc = -1;
	size_t i;

	memset(&ctx, 0, sizeof ctx);
	ctx.msg = (mr_ini_msg){ origin != NULL ? origin : "rules", err, 0 };
	ctx.dst = t;
	/* without a table to add to, mr_ini_parse is told there is no text: "nothing to parse" */
	if (mr_ini_parse(t != NULL ? text : NULL, RULES_INI_FLAGS, on_item, &ctx, &ctx.msg) != 0 ||
	    finish_rules(&ctx) != 0)
		goto out;
	if (t->n + ctx.n > t->cap) {
		size_t ncap = t->n + ctx.n;
		smtp_rule *nv;
		if (ncap > RULES_MAX) {
			mr_ini_fail(&ctx.msg, 0, "more than %d rules in all", RULES_MAX);
			goto out;
		}
		nv = realloc(t->v, ncap * sizeof *nv);
		if (nv == NULL) {
			mr_ini_fail(&ctx.msg, 0, "out of memory");
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
	return rc;
}

/** Parse len bytes of rules text at data (no NUL needed) and append its rules to t; see smtp_parse_rules.h. */
int smtp_rules_parse_buf(smtp_rules *t, const char *data, size_t len, const char *origin, mr_buf *err)
{
	const char *nul = len > 0 ? memchr(data, '\0', len) : NULL;
	char *text;
	int rc;

	if (nul != NULL) {
		mr_buf_printf(err, "%s: a NUL byte at offset %zu: not a text file", origin != NULL ? origin : "rules",
		              (size_t)(nul - data));
		return -1;
	}
	if (len > MR_INI_FILE_MAX) {
		mr_buf_printf(err, "%s: larger than %zu bytes", origin != NULL ? origin : "rules", (size_t)MR_INI_FILE_MAX);
		return -1;
	}
	if ((text = malloc(len + 1)) == NULL) {
		mr_buf_printf(err, "%s: out of memory", origin != NULL ? origin : "rules");
		return -1;
	}
	if (len > 0)
		memcpy(text, data, len);
	text[len] = '\0';
	rc = smtp_rules_parse(t, text, origin, err);
	free(text);
	return rc;
}

/** Read and parse a rules file; 0, or -1 with a reason in err. */
int smtp_rules_load_file(smtp_rules *t, const char *path, mr_buf *err)
{
	char *text = mr_ini_read_file(path, MR_INI_FILE_MAX, err);
	int rc = text != NULL ? smtp_rules_parse(t, text, path, err) : -1;

	mr_ini_text_free(text);
	return rc;
}

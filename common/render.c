/* render.c: owns the plugin output: turning a result tree into multi-line, one-line or JSON text,
 * choosing the summary, sanitising text (pipes, control bytes, invalid UTF-8), masking secrets,
 * and writing the result to stdout. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "render.h"
#include "trace.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "secret.h"

/** Ceiling of the whole rendered output written by mr_check_output. */
#define OUTPUT_MAX ((size_t)4 * 1024 * 1024)

/** Ceiling of one sanitised string handed to jansson. */
#define JSON_TEXT_MAX OUTPUT_MAX

/** Room for one formatted number or range. */
#define NUM_MAX 400

/** Largest integer magnitude printed as a JSON integer (2^53, exact in every JSON reader). */
#define JSON_SAFE_INT 9007199254740992LL

/** Summary used when neither a summary was set nor a subcheck matches the overall state. */
#define NO_RESULTS "no results"

/** Parse "multi-line", "one-line" or "json"; 0 or -1. */
int mr_format_parse(const char *text, mr_format *out)
{
	if (text == NULL || out == NULL)
		return -1;
	if (strcmp(text, "multi-line") == 0)
		*out = MR_FMT_MULTILINE;
	else if (strcmp(text, "one-line") == 0)
		*out = MR_FMT_ONELINE;
	else if (strcmp(text, "json") == 0)
		*out = MR_FMT_JSON;
	else
		return -1;
	return 0;
}

/** Length of the valid UTF-8 sequence (2-4 bytes) at s, or 0 with *bad = bytes of its invalid start. */
static size_t utf8_valid(const unsigned char *s, size_t *bad)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		need = 1;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 2;
		if (s[0] == 0xE0)
			lo = 0xA0; /* no overlong forms */
		else if (s[0] == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 3;
		if (s[0] == 0xF0)
			lo = 0x90; /* no overlong forms */
		else if (s[0] == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (s[i] < lo || s[i] > hi) { /* also stops at the terminating NUL */
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

/** Append text sanitised: control bytes become ' ', '|' too if pipe is set, invalid UTF-8 becomes '?'; 0 or -1. */
static int put_clean(mr_buf *b, const char *text, int pipe)
{
	const unsigned char *s = (const unsigned char *)(text != NULL ? text : "");
	size_t n, bad = 1;
	char ch;

	while (*s != '\0') {
		if (*s < 0x80) {
			ch = (char)*s;
			if (*s < 0x20 || *s == 0x7f || (pipe && *s == '|'))
				ch = ' ';
			if (mr_buf_append(b, &ch, 1) != 0)
				return -1;
			s++;
			continue;
		}
		n = utf8_valid(s, &bad);
		if (n > 0) {
			if (mr_buf_append(b, (const char *)s, n) != 0)
				return -1;
			s += n;
		} else {
			if (mr_buf_append(b, "?", 1) != 0)
				return -1;
			s += bad;
		}
	}
	return 0;
}

/** The first-line text: the set summary, else the first counting top-level subcheck in state st, else "no results". */
static const char *choose_summary(const mr_check *c, mr_state st)
{
	const mr_sub *s;

	if (c->summary != NULL)
		return c->summary;
	for (s = c->root.child; s != NULL; s = s->next)
		if (!s->informational && mr_sub_state(s) == st)
			return s->text != NULL ? s->text : "";
	return NO_RESULTS;
}

/** Append "PREFIX STATE - summary[ | perfdata]\n"; 0 or -1. */
static int render_first_line(const mr_check *c, mr_buf *b)
{
	mr_state st = mr_check_state(c);
	size_t i;

	if (c->prefix[0] != '\0' && (put_clean(b, c->prefix, 1) != 0 || mr_buf_puts(b, " ") != 0))
		return -1;
	if (mr_buf_printf(b, "%s - ", mr_state_name(st)) != 0)
		return -1;
	if (put_clean(b, choose_summary(c, st), 1) != 0)
		return -1;
	for (i = 0; i < c->nperf; i++) {
		if (mr_buf_puts(b, i == 0 ? " | " : " ") != 0)
			return -1;
		if (mr_perf_format(&c->perf[i], b) != 0)
			return -1;
	}
	return mr_buf_puts(b, "\n");
}

/** Append one "\_ [STATE] text" line per subcheck of the sibling list s, depth first, two spaces per level; 0 or -1. */
static int render_subs(const mr_sub *s, int depth, mr_buf *b)
{
	int i;

	for (; s != NULL; s = s->next) {
		for (i = 1; i < depth; i++)
			if (mr_buf_puts(b, "  ") != 0)
				return -1;
		if (mr_buf_printf(b, "\\_ [%s] ", mr_state_name(mr_sub_state(s))) != 0)
			return -1;
		if (put_clean(b, s->text, 1) != 0 || mr_buf_puts(b, "\n") != 0)
			return -1;
		if (s->child != NULL && render_subs(s->child, depth + 1, b) != 0)
			return -1;
	}
	return 0;
}

/** A JSON string of text sanitised for JSON (controls and bad UTF-8 replaced, '|' kept); NULL on failure. */
static json_t *json_clean(const char *text)
{
	json_t *j = NULL;
	mr_buf t;

	mr_buf_init(&t, JSON_TEXT_MAX);
	if (put_clean(&t, text, 0) != 0)
		goto out;
	j = json_string(mr_buf_str(&t));
out:
	mr_buf_free(&t);
	return j;
}

/** A JSON number equal to the perfdata text of v (6 decimals), or null when absent or not finite; NULL on failure. */
static json_t *json_num(int present, double v)
{
	char text[NUM_MAX];
	long l;
	double d;

	if (!present || mr_format_double(v, text, sizeof(text)) != 0)
		return json_null();
	if (strchr(text, '.') == NULL && mr_parse_long(text, LONG_MIN, LONG_MAX, &l) == 0 &&
	    l >= -JSON_SAFE_INT && l <= JSON_SAFE_INT)
		return json_integer((json_int_t)l);
	if (mr_parse_double(text, -1e308, 1e308, &d) != 0)
		return NULL;
	return json_real(d);
}

/** A JSON string holding the canonical range text, or null when absent; NULL on failure. */
static json_t *json_range(int present, const mr_range *r)
{
	char text[2 * NUM_MAX];

	if (!present)
		return json_null();
	if (mr_range_format(r, text, sizeof(text)) != 0)
		return NULL;
	return json_string(text);
}

/** A JSON array of the perfdata items; NULL on failure. */
static json_t *json_perfdata(const mr_check *c)
{
	json_t *arr = json_array(), *o;
	const mr_perf *p;
	int err = 0;
	size_t i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < c->nperf && !err; i++) {
		p = &c->perf[i];
		o = json_object();
		if (o == NULL || !mr_perf_label_valid(p->label)) {
			json_decref(o);
			err = 1;
			break;
		}
		err |= json_object_set_new(o, "label", json_string(p->label));
		err |= json_object_set_new(o, "value", json_num(!p->undefined, p->value));
		err |= json_object_set_new(o, "uom", json_string(p->uom));
		err |= json_object_set_new(o, "warn", json_range(p->thr.has_warn, &p->thr.warn));
		err |= json_object_set_new(o, "crit", json_range(p->thr.has_crit, &p->thr.crit));
		err |= json_object_set_new(o, "min", json_num(p->has_min, p->min));
		err |= json_object_set_new(o, "max", json_num(p->has_max, p->max));
		err |= json_array_append_new(arr, o);
	}
	if (err) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/** A JSON array of the sibling list s and their subtrees; NULL on failure. */
static json_t *json_subs(const mr_sub *s)
{
	json_t *arr = json_array(), *o;
	int err = 0;

	if (arr == NULL)
		return NULL;
	for (; s != NULL && !err; s = s->next) {
		o = json_object();
		if (o == NULL) {
			err = 1;
			break;
		}
		err |= json_object_set_new(o, "state", json_string(mr_state_name(mr_sub_state(s))));
		err |= json_object_set_new(o, "informational", json_boolean(s->informational));
		err |= json_object_set_new(o, "text", json_clean(s->text));
		err |= json_object_set_new(o, "subchecks", json_subs(s->child));
		err |= json_array_append_new(arr, o);
	}
	if (err) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/** Append the whole result as one compact JSON object and a newline; 0 or -1. */
static int render_json(const mr_check *c, mr_buf *b)
{
	mr_state st = mr_check_state(c);
	json_t *root = json_object();
	char *text = NULL;
	int err = 0, rc = -1;

	if (root == NULL)
		goto out;
	err |= json_object_set_new(root, "prefix", json_clean(c->prefix));
	err |= json_object_set_new(root, "state", json_string(mr_state_name(st)));
	err |= json_object_set_new(root, "exit_code", json_integer((json_int_t)st));
	err |= json_object_set_new(root, "summary", json_clean(choose_summary(c, st)));
	err |= json_object_set_new(root, "subchecks", json_subs(c->root.child));
	err |= json_object_set_new(root, "perfdata", json_perfdata(c));
	if (err)
		goto out;
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	if (text == NULL)
		goto out;
	if (mr_buf_puts(b, text) != 0 || mr_buf_puts(b, "\n") != 0)
		goto out;
	rc = 0;
out:
	free(text);
	json_decref(root);
	return rc;
}

/** Render c in format f into out (appending); 0 or -1 (out unchanged). Registered secrets are masked. */
int mr_render(const mr_check *c, mr_format f, mr_buf *out)
{
	mr_buf tmp;
	size_t n;
	int rc = -1;

	mr_buf_init(&tmp, (out != NULL && out->len <= out->max) ? out->max - out->len : 0);
	if (c == NULL || out == NULL || out->len > out->max)
		goto out;
	switch (f) {
	case MR_FMT_MULTILINE:
		if (render_first_line(c, &tmp) != 0 || render_subs(c->root.child, 1, &tmp) != 0)
			goto out;
		break;
	case MR_FMT_ONELINE:
		if (render_first_line(c, &tmp) != 0)
			goto out;
		break;
	case MR_FMT_JSON:
		if (render_json(c, &tmp) != 0)
			goto out;
		break;
	default:
		goto out;
	}
	if (tmp.failed || tmp.data == NULL)
		goto out;
	n = mr_secret_mask(tmp.data, tmp.len);
	if (n > tmp.len)
		goto out;
	tmp.len = n;
	tmp.data[n] = '\0';
	rc = mr_buf_append(out, tmp.data, tmp.len);
out:
	mr_buf_free(&tmp);
	return rc;
}

/** Render c to stdout in format f and return the exit state; UNKNOWN with a fixed line if rendering fails. */
mr_state mr_check_output(const mr_check *c, mr_format f)
{
	mr_state st = MR_UNKNOWN;
	mr_buf b;

	mr_buf_init(&b, OUTPUT_MAX);
	if (c != NULL && (c->oom || mr_oom_seen())) {
		/* a part of the result or of a text in it was lost for want of memory: a partial result must not pass for whole */
		printf("%s UNKNOWN - out of memory\n", c->prefix);
	} else if (mr_render(c, f, &b) == 0) {
		fwrite(b.data, 1, b.len, stdout);
		st = mr_check_state(c);
	} else {
		if (c != NULL && c->prefix[0] != '\0')
			printf("%s ", c->prefix);
		fputs(mr_oom_seen() ? "UNKNOWN - out of memory\n" : "UNKNOWN - output could not be rendered (too large)\n",
		      stdout);
	}
	/* -v traces follow the output in multi-line mode; one-line and json must stay what they promise. */
	if (f == MR_FMT_MULTILINE)
		mr_trace_flush(stdout);
	else
		mr_trace_discard();
	fflush(stdout);
	mr_buf_free(&b);
	return st;
}

/* test_render.c: unit tests for common/result.c and common/render.c: the result tree and its state,
 * the summary choice, the exact multi-line, one-line and JSON output, text sanitising, secret masking,
 * the max_subs bound and mr_check_output on stdout. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "common/render.h"
#include "common/secret.h"
#include "tests/unit/unit_util.h"

/** Expected first line of the small tree (shared by multi-line and one-line). */
#define SMALL_LINE1 \
	"DNSBL CRITICAL - 192.0.2.10: listed on 1 of 2 zones | listed=1;10;20;0 time=0.012s rtt=U\n"

/** Expected multi-line rendering of the small tree. */
static const char small_multiline[] =
	SMALL_LINE1
	"\\_ [CRITICAL] 192.0.2.10: listed on 1 of 2 zones\n"
	"  \\_ [CRITICAL] zen.spamhaus.org: 127.0.0.2 (SBL)\n"
	"    \\_ [OK] return code 127.0.0.2\n"
	"  \\_ [OK] bl.spamcop.net: not listed\n"
	"\\_ [WARNING] list.dnswl.org: 127.0.10.0\n";

/** Expected JSON rendering of the small tree. */
static const char small_json[] =
	"{\"prefix\":\"DNSBL\",\"state\":\"CRITICAL\",\"exit_code\":2,"
	"\"summary\":\"192.0.2.10: listed on 1 of 2 zones\",\"subchecks\":["
	"{\"state\":\"CRITICAL\",\"informational\":false,\"text\":\"192.0.2.10: listed on 1 of 2 zones\",\"subchecks\":["
	"{\"state\":\"CRITICAL\",\"informational\":false,\"text\":\"zen.spamhaus.org: 127.0.0.2 (SBL)\",\"subchecks\":["
	"{\"state\":\"OK\",\"informational\":false,\"text\":\"return code 127.0.0.2\",\"subchecks\":[]}]},"
	"{\"state\":\"OK\",\"informational\":false,\"text\":\"bl.spamcop.net: not listed\",\"subchecks\":[]}]},"
	"{\"state\":\"WARNING\",\"informational\":true,\"text\":\"list.dnswl.org: 127.0.10.0\",\"subchecks\":[]}],"
	"\"perfdata\":["
	"{\"label\":\"listed\",\"value\":1,\"uom\":\"\",\"warn\":\"10\",\"crit\":\"20\",\"min\":0,\"max\":null},"
	"{\"label\":\"time\",\"value\":0.012,\"uom\":\"s\",\"warn\":null,\"crit\":null,\"min\":null,\"max\":null},"
	"{\"label\":\"rtt\",\"value\":null,\"uom\":\"s\",\"warn\":null,\"crit\":null,\"min\":null,\"max\":null}]}\n";

/** Build the small tree: a target OK whose zone child is CRITICAL, plus an informational WARNING node. */
static mr_check *small_tree(void)
{
	mr_check *c = mr_check_new("DNSBL");
	mr_sub *t, *z, *i;
	mr_perf p;

	assert_non_null(c);
	t = mr_sub_add(c, NULL, MR_OK, "%s: listed on %d of %d zones", "192.0.2.10", 1, 2);
	assert_non_null(t);
	z = mr_sub_add(c, t, MR_CRITICAL, "zen.spamhaus.org: 127.0.0.2 (SBL)");
	assert_non_null(z);
	assert_non_null(mr_sub_add(c, z, MR_OK, "return code %s", "127.0.0.2"));
	assert_non_null(mr_sub_add(c, t, MR_OK, "bl.spamcop.net: not listed"));
	i = mr_sub_add(c, NULL, MR_WARNING, "list.dnswl.org: 127.0.10.0");
	assert_non_null(i);
	mr_sub_set_informational(i);

	assert_int_equal(mr_perf_set(&p, "listed", 1, ""), 0);
	assert_int_equal(mr_range_parse("10", &p.thr.warn), 0);
	assert_int_equal(mr_range_parse("20", &p.thr.crit), 0);
	p.thr.has_warn = 1;
	p.thr.has_crit = 1;
	p.has_min = 1;
	p.min = 0;
	assert_int_equal(mr_check_add_perf(c, &p), 0);
	assert_int_equal(mr_perf_set(&p, "time", 0.012, "s"), 0);
	assert_int_equal(mr_check_add_perf(c, &p), 0);
	assert_int_equal(mr_perf_set_undefined(&p, "rtt", "s"), 0);
	assert_int_equal(mr_check_add_perf(c, &p), 0);
	return c;
}

/** Render c in format f into a fresh string the caller frees. */
static char *render_text(const mr_check *c, mr_format f)
{
	mr_buf b;
	char *s;

	mr_buf_init(&b, 1 << 20);
	assert_int_equal(mr_render(c, f, &b), 0);
	s = mr_strdup(mr_buf_str(&b));
	assert_non_null(s);
	mr_buf_free(&b);
	return s;
}

/** Assert that rendering c in format f gives exactly want. */
static void assert_render(const mr_check *c, mr_format f, const char *want)
{
	char *got = render_text(c, f);

	assert_string_equal(got, want);
	free(got);
}

/** Run mr_check_output with stdout captured; returns what it printed. */
static char *capture_output(const mr_check *c, mr_format f, mr_state *st)
{
	capture_begin();
	*st = mr_check_output(c, f);
	return capture_end();
}

/* ---- formats ----------------------------------------------------------- */

/** The three format names parse; anything else fails. */
static void format_names_parse(void **state)
{
	mr_format f = MR_FMT_JSON;

	(void)state;
	assert_int_equal(mr_format_parse("multi-line", &f), 0);
	assert_int_equal(f, MR_FMT_MULTILINE);
	assert_int_equal(mr_format_parse("one-line", &f), 0);
	assert_int_equal(f, MR_FMT_ONELINE);
	assert_int_equal(mr_format_parse("json", &f), 0);
	assert_int_equal(f, MR_FMT_JSON);
	assert_int_equal(mr_format_parse("", &f), -1);
	assert_int_equal(mr_format_parse("oneline", &f), -1);
	assert_int_equal(mr_format_parse("mp-test-json", &f), -1);
	assert_int_equal(f, MR_FMT_JSON);
}

/** Multi-line: first line with perfdata, then one "\_ [STATE] text" line per node, two spaces per level. */
static void multiline_renders_small_tree_exactly(void **state)
{
	mr_check *c = small_tree();

	(void)state;
	assert_render(c, MR_FMT_MULTILINE, small_multiline);
	mr_check_free(c);
}

/** One-line: only the first line, with perfdata. */
static void oneline_renders_first_line_only(void **state)
{
	mr_check *c = small_tree();

	(void)state;
	assert_render(c, MR_FMT_ONELINE, SMALL_LINE1);
	mr_check_free(c);
}

/** JSON: one compact object with the whole tree and perfdata, nulls for absent values. */
static void json_renders_small_tree_exactly(void **state)
{
	mr_check *c = small_tree();
	json_error_t err;
	json_t *j;
	char *got;

	(void)state;
	got = render_text(c, MR_FMT_JSON);
	assert_string_equal(got, small_json);
	j = json_loads(got, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 2);
	json_decref(j);
	free(got);
	mr_check_free(c);
}

/** Without perfdata the first line has no " | "; without subchecks the result is OK with "no results". */
static void empty_result_is_ok_no_results(void **state)
{
	mr_check *c = mr_check_new("SNDS");

	(void)state;
	assert_non_null(c);
	assert_int_equal(mr_check_state(c), MR_OK);
	assert_render(c, MR_FMT_MULTILINE, "SNDS OK - no results\n");
	assert_render(c, MR_FMT_JSON,
		      "{\"prefix\":\"SNDS\",\"state\":\"OK\",\"exit_code\":0,\"summary\":\"no results\","
		      "\"subchecks\":[],\"perfdata\":[]}\n");
	mr_check_free(c);
}

/* ---- sanitising ---------------------------------------------------------- */

/** Text with a pipe, control bytes, valid and invalid UTF-8. */
static const char dirty[] = "a|b\tc\x01" "d\x7f" "e \xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80 \xff|\xc3(\xe2\x82x\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80.";

/** Multi-line and one-line turn '|' and control bytes into spaces and bad UTF-8 into '?', keeping valid UTF-8. */
static void text_sanitised_in_text_formats(void **state)
{
	mr_check *c = mr_check_new("T");

	(void)state;
	assert_non_null(c);
	assert_non_null(mr_sub_add(c, NULL, MR_WARNING, "%s", dirty));
	assert_int_equal(mr_check_set_summary(c, "sum|mary\x1b[0m"), 0);
	assert_render(c, MR_FMT_MULTILINE,
		      "T WARNING - sum mary [0m\n"
		      "\\_ [WARNING] a b c d e \xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80 ? ?(?x?????????.\n");
	assert_render(c, MR_FMT_ONELINE, "T WARNING - sum mary [0m\n");
	mr_check_free(c);
}

/** JSON keeps '|' but replaces control bytes and bad UTF-8 the same way. */
static void text_sanitised_in_json_keeps_pipe(void **state)
{
	mr_check *c = mr_check_new("T");

	(void)state;
	assert_non_null(c);
	assert_non_null(mr_sub_add(c, NULL, MR_WARNING, "%s", dirty));
	assert_render(c, MR_FMT_JSON,
		      "{\"prefix\":\"T\",\"state\":\"WARNING\",\"exit_code\":1,"
		      "\"summary\":\"a|b c d e \xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80 ?|?(?x?????????.\","
		      "\"subchecks\":[{\"state\":\"WARNING\",\"informational\":false,"
		      "\"text\":\"a|b c d e \xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80 ?|?(?x?????????.\",\"subchecks\":[]}],"
		      "\"perfdata\":[]}\n");
	mr_check_free(c);
}

/** Line breaks in formatted text become spaces when the node is added, so every node stays one line. */
static void line_breaks_become_spaces_on_add(void **state)
{
	mr_check *c = mr_check_new("T");
	mr_sub *s;

	(void)state;
	assert_non_null(c);
	s = mr_sub_add(c, NULL, MR_OK, "one\ntwo\r\nthree%s", "\n");
	assert_non_null(s);
	assert_string_equal(s->text, "one two  three ");
	assert_int_equal(mr_check_set_summary(c, "x\ny"), 0);
	assert_string_equal(c->summary, "x y");
	assert_render(c, MR_FMT_MULTILINE, "T OK - x y\n\\_ [OK] one two  three \n");
	mr_check_free(c);
}

/** Registered secrets never appear in any format. */
static void secrets_are_masked_in_every_format(void **state)
{
	static const mr_format fmts[] = { MR_FMT_MULTILINE, MR_FMT_ONELINE, MR_FMT_JSON };
	mr_check *c = mr_check_new("SNDS");
	size_t i;
	char *got;

	(void)state;
	assert_non_null(c);
	assert_int_equal(mr_secret_register("s3cr3t-key-value"), 0);
	assert_non_null(mr_sub_add(c, NULL, MR_CRITICAL, "GET https://example/?key=s3cr3t-key-value failed"));
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		got = render_text(c, fmts[i]);
		assert_null(strstr(got, "s3cr3t-key-value"));
		assert_non_null(strstr(got, "GET https://example/?key="));
		free(got);
	}
	mr_secret_clear();
	mr_check_free(c);
}

/** A secret holding characters the renderer changes ('|', '"', '\\', control bytes) is masked in every format too. */
static void secrets_with_special_characters_are_masked_in_every_format(void **state)
{
	static const mr_format fmts[] = { MR_FMT_MULTILINE, MR_FMT_ONELINE, MR_FMT_JSON };
	static const char secret[] = "pa|ss\"wd\\1\x01z";
	mr_check *c = mr_check_new("JMRP");
	size_t i;
	char *got;

	(void)state;
	assert_non_null(c);
	assert_int_equal(mr_secret_register(secret), 0);
	assert_int_equal(mr_check_set_summary(c, "login with %s refused", secret), 0);
	assert_non_null(mr_sub_add(c, NULL, MR_CRITICAL, "password %s rejected", secret));
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		got = render_text(c, fmts[i]);
		assert_null(strstr(got, "pa|ss"));
		assert_null(strstr(got, "pa ss"));
		assert_null(strstr(got, "wd\\1"));
		assert_null(strstr(got, "wd\\\\1"));
		assert_non_null(strstr(got, "login with "));
		free(got);
	}
	mr_secret_clear();
	mr_check_free(c);
}

/** mr_sub_add_info adds a node whose state is shown but raises nothing. */
static void sub_add_info_is_informational(void **state)
{
	mr_check *c = mr_check_new("T");
	mr_sub *i;

	(void)state;
	assert_non_null(c);
	i = mr_sub_add_info(c, NULL, MR_WARNING, "note %d", 7);
	assert_non_null(i);
	assert_int_equal(mr_sub_state(i), MR_WARNING);
	assert_int_equal(mr_check_state(c), MR_OK);
	assert_render(c, MR_FMT_MULTILINE, "T OK - no results\n\\_ [WARNING] note 7\n");
	mr_check_free(c);
}

/* ---- states and summary --------------------------------------------------- */

/** Informational nodes show their state but raise neither their parent nor the overall state. */
static void informational_nodes_do_not_raise_state(void **state)
{
	mr_check *c = mr_check_new("DNSBL");
	mr_sub *t, *a, *i;

	(void)state;
	assert_non_null(c);
	t = mr_sub_add(c, NULL, MR_OK, "192.0.2.10: not listed");
	assert_non_null(t);
	a = mr_sub_add(c, t, MR_CRITICAL, "list.dnswl.org: 127.0.10.0");
	assert_non_null(a);
	mr_sub_set_informational(a);
	i = mr_sub_add(c, NULL, MR_UNKNOWN, "selftest skipped");
	assert_non_null(i);
	mr_sub_set_informational(i);
	assert_int_equal(mr_sub_state(t), MR_OK);
	assert_int_equal(mr_sub_state(a), MR_CRITICAL);
	assert_int_equal(mr_check_state(c), MR_OK);
	assert_render(c, MR_FMT_MULTILINE,
		      "DNSBL OK - 192.0.2.10: not listed\n"
		      "\\_ [OK] 192.0.2.10: not listed\n"
		      "  \\_ [CRITICAL] list.dnswl.org: 127.0.10.0\n"
		      "\\_ [UNKNOWN] selftest skipped\n");
	mr_check_free(c);
}

/** The overall state is the worst subtree state, in the order OK < UNKNOWN < WARNING < CRITICAL. */
static void overall_state_is_worst_subtree(void **state)
{
	mr_check *c = mr_check_new("X");
	mr_sub *t;

	(void)state;
	assert_non_null(c);
	assert_non_null(mr_sub_add(c, NULL, MR_OK, "a"));
	assert_int_equal(mr_check_state(c), MR_OK);
	t = mr_sub_add(c, NULL, MR_OK, "b");
	assert_non_null(t);
	assert_non_null(mr_sub_add(c, t, MR_UNKNOWN, "b1"));
	assert_int_equal(mr_check_state(c), MR_UNKNOWN);
	assert_non_null(mr_sub_add(c, t, MR_WARNING, "b2"));
	assert_int_equal(mr_sub_state(t), MR_WARNING);
	assert_int_equal(mr_check_state(c), MR_WARNING);
	assert_non_null(mr_sub_add(c, NULL, MR_UNKNOWN, "c"));
	assert_int_equal(mr_check_state(c), MR_WARNING);
	mr_check_free(c);
}

/** A forced state replaces the computed one, also as the exit state of mr_check_output. */
static void forced_state_overrides_tree(void **state)
{
	mr_check *c = mr_check_new("DNSBL");
	mr_state st = MR_OK;
	char *out;

	(void)state;
	assert_non_null(c);
	assert_non_null(mr_sub_add(c, NULL, MR_CRITICAL, "listed"));
	mr_check_set_state(c, MR_UNKNOWN);
	assert_int_equal(mr_check_state(c), MR_UNKNOWN);
	assert_render(c, MR_FMT_ONELINE, "DNSBL UNKNOWN - no results\n");
	assert_int_equal(mr_check_set_summary(c, "timeout after %d s", 15), 0);
	out = capture_output(c, MR_FMT_MULTILINE, &st);
	assert_int_equal(st, MR_UNKNOWN);
	assert_string_equal(out, "DNSBL UNKNOWN - timeout after 15 s\n\\_ [CRITICAL] listed\n");
	free(out);
	mr_check_set_state(c, MR_OK);
	assert_int_equal(mr_check_state(c), MR_OK);
	mr_check_free(c);
}

/** Summary: the set summary wins; else the first counting top-level node whose subtree state is the overall state. */
static void summary_is_set_text_or_first_worst_node(void **state)
{
	mr_check *c = mr_check_new("X");
	mr_sub *w, *i;

	(void)state;
	assert_non_null(c);
	assert_non_null(mr_sub_add(c, NULL, MR_OK, "a ok"));
	assert_non_null(mr_sub_add(c, NULL, MR_WARNING, "b warning"));
	i = mr_sub_add(c, NULL, MR_CRITICAL, "c informational critical");
	assert_non_null(i);
	mr_sub_set_informational(i);
	assert_render(c, MR_FMT_ONELINE, "X WARNING - b warning\n");
	w = mr_sub_add(c, NULL, MR_OK, "d ok with critical child");
	assert_non_null(w);
	assert_non_null(mr_sub_add(c, w, MR_CRITICAL, "d1"));
	assert_non_null(mr_sub_add(c, NULL, MR_CRITICAL, "e critical"));
	assert_render(c, MR_FMT_ONELINE, "X CRITICAL - d ok with critical child\n");
	assert_int_equal(mr_check_set_summary(c, "first"), 0);
	assert_int_equal(mr_check_set_summary(c, "%d of %d listed", 2, 5), 0);
	assert_render(c, MR_FMT_ONELINE, "X CRITICAL - 2 of 5 listed\n");
	mr_check_free(c);
}

/* ---- bounds and output ------------------------------------------------------ */

/** New results allow 100000 nodes by default; past max_subs mr_sub_add returns NULL. */
static void sub_add_refuses_past_max_subs(void **state)
{
	mr_check *c = mr_check_new("X");
	mr_sub *t;
	size_t i;

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->max_subs, 100000);
	for (i = 0; i < 100000; i++)
		assert_non_null(mr_sub_add(c, NULL, MR_OK, "n"));
	assert_null(mr_sub_add(c, NULL, MR_OK, "one too many"));
	assert_int_equal(c->nsubs, 100000);
	mr_check_free(c);

	c = mr_check_new("X");
	assert_non_null(c);
	c->max_subs = 3;
	t = mr_sub_add(c, NULL, MR_OK, "1");
	assert_non_null(t);
	assert_non_null(mr_sub_add(c, t, MR_OK, "2"));
	assert_non_null(mr_sub_add(c, t, MR_OK, "3"));
	assert_null(mr_sub_add(c, t, MR_CRITICAL, "4"));
	assert_null(mr_sub_add(c, NULL, MR_CRITICAL, "5"));
	assert_int_equal(c->nsubs, 3);
	assert_int_equal(mr_check_state(c), MR_OK);
	mr_check_free(c);
}

/** A prefix longer than 31 bytes is refused. */
static void check_new_refuses_long_prefix(void **state)
{
	(void)state;
	assert_null(mr_check_new("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"));
	assert_null(mr_check_new(NULL));
}

/** mr_render appends to existing text, and fails leaving it unchanged when the ceiling is too small. */
static void render_appends_and_fails_cleanly(void **state)
{
	mr_check *c = small_tree();
	mr_buf b;

	(void)state;
	mr_buf_init(&b, 40);
	assert_int_equal(mr_buf_puts(&b, "pre:"), 0);
	assert_int_equal(mr_render(c, MR_FMT_MULTILINE, &b), -1);
	assert_string_equal(mr_buf_str(&b), "pre:");
	mr_buf_free(&b);
	mr_buf_init(&b, 1 << 16);
	assert_int_equal(mr_buf_puts(&b, "pre:"), 0);
	assert_int_equal(mr_render(c, MR_FMT_ONELINE, &b), 0);
	assert_string_equal(mr_buf_str(&b), "pre:" SMALL_LINE1);
	mr_buf_free(&b);
	mr_check_free(c);
}

/** mr_check_output prints the rendering and returns the overall state. */
static void check_output_prints_and_returns_state(void **state)
{
	mr_check *c = small_tree();
	mr_state st = MR_OK;
	char *out;

	(void)state;
	out = capture_output(c, MR_FMT_MULTILINE, &st);
	assert_int_equal(st, MR_CRITICAL);
	assert_string_equal(out, small_multiline);
	free(out);
	mr_check_free(c);
}

/** Output over 4 MiB is replaced by a fixed UNKNOWN line; over-long node text is cut to 65536 bytes. */
static void check_output_too_large_is_unknown(void **state)
{
	mr_check *c = mr_check_new("DNSBL");
	size_t big = 70000;
	mr_state st = MR_OK;
	char *text, *out;
	mr_sub *s = NULL;
	int i;

	(void)state;
	assert_non_null(c);
	text = malloc(big + 1);
	assert_non_null(text);
	memset(text, 'x', big);
	text[big] = '\0';
	for (i = 0; i < 70; i++) {
		s = mr_sub_add(c, NULL, MR_CRITICAL, "%s", text);
		assert_non_null(s);
	}
	assert_int_equal(strlen(s->text), 65536);
	assert_string_equal(s->text + 65533, "...");
	out = capture_output(c, MR_FMT_MULTILINE, &st);
	assert_int_equal(st, MR_UNKNOWN);
	assert_string_equal(out, "DNSBL UNKNOWN - output could not be rendered (too large)\n");
	free(out);
	out = capture_output(c, MR_FMT_ONELINE, &st);
	assert_int_equal(st, MR_CRITICAL);
	assert_int_equal(strlen(out), strlen("DNSBL CRITICAL - \n") + 65536);
	free(out);
	free(text);
	mr_check_free(c);
}

/** Node text over 65536 bytes is masked before it is cut: a secret split by the cut does not leak in part. */
static void cut_text_never_shows_part_of_a_secret(void **state)
{
	const char *secret = "cut-secret-token-value";
	mr_check *c = mr_check_new("DNSBL");
	size_t big = 70000;
	mr_state st = MR_OK;
	char *text, *out;
	mr_sub *s;

	(void)state;
	assert_non_null(c);
	assert_int_equal(mr_secret_register(secret), 0);
	text = malloc(big + 1);
	assert_non_null(text);
	memset(text, 'x', big);
	memcpy(text + 65520, secret, strlen(secret)); /* crosses byte 65533, where the cut mark goes */
	text[big] = '\0';
	s = mr_sub_add(c, NULL, MR_CRITICAL, "%s", text);
	assert_non_null(s);
	assert_int_equal(strlen(s->text), 65536);
	assert_string_equal(s->text + 65533, "...");
	assert_null(strstr(s->text, "cut-sec"));
	out = capture_output(c, MR_FMT_ONELINE, &st);
	assert_int_equal(st, MR_CRITICAL);
	assert_null(strstr(out, "cut-sec"));
	assert_non_null(strstr(out, "x***x"));
	free(out);
	free(text);
	mr_check_free(c);
	mr_secret_clear();
}

/** Run the result and render tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_names_parse),
		cmocka_unit_test(multiline_renders_small_tree_exactly),
		cmocka_unit_test(oneline_renders_first_line_only),
		cmocka_unit_test(json_renders_small_tree_exactly),
		cmocka_unit_test(empty_result_is_ok_no_results),
		cmocka_unit_test(text_sanitised_in_text_formats),
		cmocka_unit_test(text_sanitised_in_json_keeps_pipe),
		cmocka_unit_test(line_breaks_become_spaces_on_add),
		cmocka_unit_test(secrets_are_masked_in_every_format),
		cmocka_unit_test(secrets_with_special_characters_are_masked_in_every_format),
		cmocka_unit_test(sub_add_info_is_informational),
		cmocka_unit_test(cut_text_never_shows_part_of_a_secret),
		cmocka_unit_test(informational_nodes_do_not_raise_state),
		cmocka_unit_test(overall_state_is_worst_subtree),
		cmocka_unit_test(forced_state_overrides_tree),
		cmocka_unit_test(summary_is_set_text_or_first_worst_node),
		cmocka_unit_test(sub_add_refuses_past_max_subs),
		cmocka_unit_test(check_new_refuses_long_prefix),
		cmocka_unit_test(render_appends_and_fails_cleanly),
		cmocka_unit_test(check_output_prints_and_returns_state),
		cmocka_unit_test(check_output_too_large_is_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

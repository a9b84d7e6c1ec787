/* help.c: owns the texts generated from the option tables: --help, --version's line, the short usage, the
 * bad-argument answer (one line, the usage and the --help hint) and the one-line runtime failure. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "options_int.h"
#include "secret.h"

/** Width of every --help and usage line. */
#define TEXT_WIDTH 80
/** Indentation of the help text under an option line. */
#define HELP_INDENT 6
/** Indentation of the continuation lines of a long example command line. */
#define EXAMPLE_INDENT 4
/** Ceiling for a generated help or usage text. */
#define TEXT_MAX (256 * 1024)

/* ---- text generation ------------------------------------------------------------------------ */

/** Append n spaces to b. */
static void put_spaces(mr_buf *b, size_t n)
{
	while (n-- > 0)
		mr_buf_append(b, " ", 1);
}

/**
 * Append one paragraph s[0..n) word-wrapped at TEXT_WIDTH: the first line starts with the text
 * `first` (first_len columns), every further line with cont spaces. Words too long for a line
 * are cut, so no line ever exceeds TEXT_WIDTH.
 */
static void wrap_para(mr_buf *b, const char *first, size_t first_len, size_t cont, const char *s, size_t n)
{
	size_t col = first_len;
	size_t i = 0;
	int empty = 1;

	if (cont + 20 > TEXT_WIDTH)
		cont = TEXT_WIDTH - 20;
	mr_buf_append(b, first, strlen(first));
	while (i < n) {
		size_t ws;
		size_t wl = 0;

		while (i < n && s[i] == ' ')
			i++;
		ws = i;
		while (i < n && s[i] != ' ')
			i++;
		wl = i - ws;
		if (wl == 0)
			break;
		while (wl > 0) {
			size_t room;
			size_t take;

			if (!empty && col + 1 + wl > TEXT_WIDTH) {
				mr_buf_puts(b, "\n");
				put_spaces(b, cont);
				col = cont;
				empty = 1;
			}
			if (!empty) {
				mr_buf_puts(b, " ");
				col++;
			}
			room = TEXT_WIDTH > col ? TEXT_WIDTH - col : 0;
			if (room == 0) {
				mr_buf_puts(b, "\n");
				put_spaces(b, cont);
				col = cont;
				room = TEXT_WIDTH - col;
			}
			take = wl < room ? wl : room;
			mr_buf_append(b, s + ws, take);
			col += take;
			ws += take;
			wl -= take;
			empty = 0;
		}
	}
	mr_buf_puts(b, "\n");
}

/**
 * Append text wrapped at TEXT_WIDTH with every line indented by indent; each '\n'-separated line
 * is its own paragraph and keeps its leading spaces (also on its continuation lines).
 */
static void wrap_text(mr_buf *b, const char *text, size_t indent)
{
	char lead[TEXT_WIDTH + 1];

	while (text != NULL) {
		const char *nl = strchr(text, '\n');
		size_t n = nl != NULL ? (size_t)(nl - text) : strlen(text);
		size_t sp = 0;
		size_t lead_len;

		while (sp < n && text[sp] == ' ')
			sp++;
		lead_len = indent + sp;
		if (lead_len > TEXT_WIDTH - 20)
			lead_len = TEXT_WIDTH - 20;
		memset(lead, ' ', lead_len);
		lead[lead_len] = '\0';
		if (sp == n)
			mr_buf_puts(b, "\n"); /* an empty line, without trailing blanks */
		else
			wrap_para(b, lead, lead_len, lead_len, text + sp, n - sp);
		text = nl != NULL ? nl + 1 : NULL;
	}
}


/** Append "Usage:" and the usage lines: the first after "  NAME ", the others aligned under it. */
static void build_usage(mr_buf *b, const mr_plugin_info *p)
{
	const char *name = mr_prog_name(p);
	const char *u = p->usage != NULL ? p->usage : "[OPTIONS]";
	char first[TEXT_WIDTH + 1];
	size_t cont = 2 + strlen(name) + 1;
	int line = 0;

	mr_buf_puts(b, "Usage:\n");
	while (u != NULL) {
		const char *nl = strchr(u, '\n');
		size_t n = nl != NULL ? (size_t)(nl - u) : strlen(u);

		if (cont > TEXT_WIDTH - 20)
			cont = TEXT_WIDTH - 20;
		if (line == 0 && mr_snprintf(first, sizeof(first), "  %s ", name) == 0) {
			wrap_para(b, first, strlen(first), cont, u, n);
		} else {
			memset(first, ' ', cont);
			first[cont] = '\0';
			wrap_para(b, first, cont, cont, u, n);
		}
		line++;
		u = nl != NULL ? nl + 1 : NULL;
	}
}

/** Append the generated help text of common option id to t. */
static void common_help(mr_buf *t, const mr_plugin_info *p, int id)
{
	char num[32];

	switch (id) {
	case C_HELP:
		mr_buf_puts(t, "Print this help and exit.");
		break;
	case C_VERSION:
		mr_buf_puts(t, "Print the version and exit.");
		break;
	case C_VERBOSE:
		mr_buf_puts(t, "Show more detail, up to three times: -v adds detail, -vv shows the "
		               "configuration, -vvv everything useful for diagnosis. Secrets are never shown.");
		break;
	case C_TIMEOUT:
		if (mr_format_double(p->default_timeout > 0 ? p->default_timeout : MR_FALLBACK_TIMEOUT, num,
		                     sizeof(num)) != 0)
			num[0] = '\0';
		mr_buf_printf(t, "Bound on the whole run in seconds (decimals allowed, at most 3600): the "
		                 "plugin answers within it with what it has, whatever the network does. "
		                 ":STATE sets the state as --timeout-result does. Default: %s.", num);
		break;
	case C_TIMEOUT_RESULT:
		mr_buf_puts(t, "State when the timeout hits: ok, warning, critical, unknown or 0-3. "
		               "Default: unknown.");
		break;
	case C_EXTRA_OPTS:
		mr_buf_printf(t, "Read options from SECTION (default: %s) of an ini FILE ('-' for stdin): "
		                 "'key = value' becomes --key=value, 'key =' becomes --key, keys may repeat, and "
		                 "command-line options win. Without @FILE: $MP_CONFIG_FILE, then "
		                 "monitoring-plugins.ini, plugins.ini or nagios-plugins.ini in each directory of "
		                 "$NAGIOS_CONFIG_PATH, then /etc/monitoring-plugins/monitoring-plugins.ini and "
		                 "the other standard places (/usr/local/etc, /etc/nagios, ...); the first that "
		                 "exists is read.", mr_prog_name(p));
		break;
	case C_FORMAT:
		mr_buf_puts(t, "multi-line (default): summary, one line per subcheck, perfdata; one-line: "
		               "the first line and perfdata only (NRPE v2); json: the whole result as one "
		               "JSON object.");
		break;
	case C_WARNING:
		mr_buf_puts(t, p->warning_help != NULL ? p->warning_help :
		               "Warning range (10, 10:, ~:10, 10:20, @10:20; ends inclusive).");
		break;
	case C_CRITICAL:
		mr_buf_puts(t, p->critical_help != NULL ? p->critical_help :
		               "Critical range (10, 10:, ~:10, 10:20, @10:20; ends inclusive).");
		break;
	default:
		break;
	}
}

/** Append the --help entry of one option: the option line, then its help wrapped and indented. */
static void build_option_help(mr_buf *b, const mr_plugin_info *p, const mr_option *o, int common)
{
	mr_buf t;

	if (o->short_name != 0)
		mr_buf_printf(b, "  -%c, --%s", o->short_name, o->long_name);
	else
		mr_buf_printf(b, "  --%s", o->long_name);
	if (o->arg == MR_ARG_REQUIRED)
		mr_buf_printf(b, "=%s", o->arg_name != NULL ? o->arg_name : "VALUE");
	else if (o->arg == MR_ARG_OPTIONAL)
		mr_buf_printf(b, "[=%s]", o->arg_name != NULL ? o->arg_name : "VALUE");
	mr_buf_puts(b, "\n");

	mr_buf_init(&t, TEXT_MAX);
	if (common)
		common_help(&t, p, o->id);
	else if (o->help != NULL)
		mr_buf_puts(&t, o->help);
	if (o->flags & MR_OPT_REPEAT)
		mr_buf_puts(&t, t.len > 0 ? " (repeatable)" : "(repeatable)");
	if (t.len > 0)
		wrap_text(b, mr_buf_str(&t), HELP_INDENT);
	mr_buf_free(&t);
}

/** Append "--long=ARG" or "-s/--long=ARG" of row o to t, ARG its placeholder or dflt. */
static void put_option_arg(mr_buf *t, const mr_option *o, const char *dflt)
{
	char name[96];

	mr_option_label(o, name, sizeof(name));
	mr_buf_printf(t, "%s=%s", name, o->arg_name != NULL ? o->arg_name : dflt);
}

/**
 * Append the "Secrets:" paragraph, generated from the secret rows: how to give each secret (a file of mode 0640,
 * root:nagios, or the same key in the --extra-opts section) and that a secret given itself on the command line
 * shows in the process list. Nothing when the plugin has no secret rows.
 */
static void build_secrets_help(mr_buf *b, const mr_plugin_info *p)
{
	const mr_option *file_rows[8];
	const mr_option *direct_rows[8];
	size_t nfile = 0;
	size_t ndirect = 0;
	size_t g;
	size_t i;
	mr_buf t;

	for (g = 0; g < p->ngroups; g++) {
		const mr_option *o;

		for (o = p->groups[g].options; o != NULL && o->long_name != NULL; o++) {
			if (!mr_option_is_secret(o) || o->arg == MR_ARG_NONE)
				continue;
			if (o->type == MR_T_SECRET_FILE && nfile < sizeof(file_rows) / sizeof(file_rows[0]))
				file_rows[nfile++] = o;
			else if (o->type != MR_T_SECRET_FILE && ndirect < sizeof(direct_rows) / sizeof(direct_rows[0]))
				direct_rows[ndirect++] = o;
		}
	}
	if (nfile == 0 && ndirect == 0)
		return;
	mr_buf_init(&t, TEXT_MAX);
	mr_buf_puts(&t, "Secrets: ");
	if (nfile > 0) {
		mr_buf_puts(&t, "give ");
		for (i = 0; i < nfile; i++) {
			mr_buf_puts(&t, i == 0 ? "" : i + 1 == nfile ? " or " : ", ");
			put_option_arg(&t, file_rows[i], "FILE");
		}
		mr_buf_printf(&t, ", a file that holds the secret on its first line (chown root:nagios, chmod 0640), or "
		                  "write '%s = FILE' in section [%s] of the --extra-opts file (keys are option names "
		                  "written in full). ", file_rows[0]->long_name, mr_prog_name(p));
	}
	for (i = 0; i < ndirect; i++) {
		mr_buf_puts(&t, i == 0 ? "" : i + 1 == ndirect ? " or " : ", ");
		put_option_arg(&t, direct_rows[i], "SECRET");
	}
	if (ndirect > 0)
		mr_buf_printf(&t, " on the command line shows in the process list: write '%s = %s' in section [%s] of the "
		                  "--extra-opts file instead.", direct_rows[0]->long_name,
		              direct_rows[0]->arg_name != NULL ? direct_rows[0]->arg_name : "SECRET", mr_prog_name(p));
	/* a trailing blank would end up at the end of the wrapped line */
	while (t.len > 0 && t.data[t.len - 1] == ' ')
		t.data[--t.len] = '\0';
	mr_buf_puts(b, "\n");
	wrap_text(b, mr_buf_str(&t), 0);
	mr_buf_free(&t);
}

/** Append the whole --help text. */
static void build_help(mr_buf *b, const mr_plugin_info *p)
{
	const mr_option *o;
	size_t g;

	mr_buf_printf(b, "%s v%s (mailrep-plugins %s)\n\n", mr_prog_name(p), PACKAGE_VERSION, PACKAGE_VERSION);
	if (p->purpose != NULL) {
		wrap_text(b, p->purpose, 0);
		mr_buf_puts(b, "\n");
	}
	build_usage(b, p);
	mr_buf_puts(b, "\nCommon options:\n");
	for (o = mr_always_options; o->long_name != NULL; o++)
		build_option_help(b, p, o, 1);
	if (p->common_flags & MR_COMMON_THRESHOLDS)
		for (o = mr_threshold_options; o->long_name != NULL; o++)
			build_option_help(b, p, o, 1);
	for (g = 0; g < p->ngroups; g++) {
		const mr_option_group *grp = &p->groups[g];
		const char *title = grp->title != NULL ? grp->title : "Options";
		size_t tl = strlen(title);

		mr_buf_printf(b, "\n%s%s\n", title, tl > 0 && title[tl - 1] == ':' ? "" : ":");
		for (o = grp->options; o != NULL && o->long_name != NULL; o++)
			build_option_help(b, p, o, 0);
	}
	build_secrets_help(b, p);
	if (p->notes != NULL) {
		mr_buf_puts(b, "\n");
		wrap_text(b, p->notes, 0);
	}
	if (p->examples != NULL && p->examples[0] != NULL) {
		size_t i;

		mr_buf_puts(b, "\nExamples:\n");
		for (i = 0; p->examples[i] != NULL; i++)
			wrap_para(b, "  ", 2, EXAMPLE_INDENT, p->examples[i], strlen(p->examples[i]));
	}
}

/** Write the text of b to stdout and flush it. */
static void print_buf(const mr_buf *b)
{
	fwrite(mr_buf_str(b), 1, b->len, stdout);
	fflush(stdout);
}

/** Print the short usage (at most 80 columns, 23 lines) to stdout. */
void mr_options_print_usage(const mr_plugin_info *p)
{
	mr_buf b;

	mr_buf_init(&b, TEXT_MAX);
	build_usage(&b, p);
	print_buf(&b);
	mr_buf_free(&b);
}

/** Print the full --help text to stdout. */
void mr_options_print_help(const mr_plugin_info *p)
{
	mr_buf b;

	mr_buf_init(&b, TEXT_MAX);
	build_help(&b, p);
	print_buf(&b);
	mr_buf_free(&b);
}

/** Print "PREFIX UNKNOWN - msg" (secrets masked), the short usage and the --help hint. */
void mr_options_print_error(const mr_plugin_info *p, const char *msg)
{
	mr_buf b;

	mr_buf_init(&b, TEXT_MAX);
	mr_buf_printf(&b, "%s UNKNOWN - %s", p->prefix != NULL ? p->prefix : "CHECK",
	              msg != NULL && *msg != '\0' ? msg : "invalid arguments");
	/* a handler may have quoted a bad value: never let a registered secret through */
	if (b.data != NULL)
		b.len = mr_secret_mask(b.data, b.len);
	mr_buf_puts(&b, "\n");
	build_usage(&b, p);
	mr_buf_printf(&b, "Try '%s --help'.\n", mr_prog_name(p));
	print_buf(&b);
	mr_buf_free(&b);
}

/** Print a runtime error as one line, secrets masked; see options.h. */
void mr_options_print_failure(const mr_plugin_info *p, const char *msg)
{
	mr_buf b;

	mr_buf_init(&b, TEXT_MAX);
	mr_buf_printf(&b, "%s UNKNOWN - %s", p->prefix != NULL ? p->prefix : "CHECK",
	              msg != NULL && *msg != '\0' ? msg : "failed");
	if (b.data != NULL)
		b.len = mr_secret_mask(b.data, b.len);
	mr_buf_puts(&b, "\n");
	print_buf(&b);
	mr_buf_free(&b);
}


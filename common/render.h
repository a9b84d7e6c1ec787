/* render.h: turns a result tree into plugin output (multi-line, one-line, json). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_RENDER_H
#define MR_RENDER_H

#include "result.h"
#include "util.h"

/** Output format chosen with --output-format. */
typedef enum mr_format {
	MR_FMT_MULTILINE = 0, /**< first line, long output lines, perfdata at the end of line one */
	MR_FMT_ONELINE,       /**< first line with perfdata only (NRPE v2) */
	MR_FMT_JSON           /**< the whole tree as one JSON object */
} mr_format;

/** Parse "multi-line", "one-line" or "json"; 0 or -1. */
int mr_format_parse(const char *text, mr_format *out);
/** Render c in format f into out (appending); 0 or -1. Secrets registered with mr_secret_register are masked. */
int mr_render(const mr_check *c, mr_format f, mr_buf *out);
/** Render c to stdout in format f, then (multi-line only) the collected -v traces; returns the exit state. */
mr_state mr_check_output(const mr_check *c, mr_format f);

#endif

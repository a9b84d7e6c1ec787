/* trace.h: -v diagnostics, masked and collected during the run, printed after the plugin output. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_TRACE_H
#define MR_TRACE_H

#include <stdarg.h>
#include <stdio.h>
#include "util.h"

/** Most bytes of trace kept; later lines are counted and dropped. */
#define MR_TRACE_MAX (512 * 1024)

/** Append one formatted line (newline added), with registered secrets masked. */
void mr_trace(const char *fmt, ...) MR_PRINTF(1, 2);
/** As mr_trace, from a va_list, with prefix (a plain string, "" for none) before the formatted text. */
void mr_vtrace(const char *prefix, const char *fmt, va_list ap) MR_PRINTF(2, 0);
/**
 * Trace raw protocol bytes as "TAG: DIR line", one trace line per line of data: CR/LF stripped, empty lines
 * skipped, registered secrets masked first, then control bytes (DEL too) shown as '?', then the line cut.
 */
void mr_trace_bytes(const char *tag, const char *dir, const char *data, size_t n);
/** Print the collected lines to f (after the plugin output, so the status line stays first) and forget them. */
void mr_trace_flush(FILE *f);
/** Forget the collected lines without printing them. */
void mr_trace_discard(void);

#endif

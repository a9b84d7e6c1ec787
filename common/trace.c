/* trace.c: collects -v diagnostic lines so that they follow the status line instead of preceding it.
 * The buffer is process-wide on purpose: traces come from deep inside modules (DNS engine, SMTP session)
 * that have no handle on the result tree, and there is one run per process. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "trace.h"

/** Longest trace line kept, in bytes; a longer line is cut after its secrets are masked. */
#define LINE_MAX_KEPT 2047

/** The collected trace text. */
static mr_buf trace_buf = { NULL, 0, 0, MR_TRACE_MAX, 0 };
/** Lines dropped because the buffer was full. */
static unsigned long trace_dropped;

/** Append prefix and one formatted line (newline added), with registered secrets masked before a long line is cut. */
void mr_vtrace(const char *prefix, const char *fmt, va_list ap)
{
	mr_buf line;
	size_t len;

	/* Mask before cutting: a secret cut in two would no longer match and half of it would be shown. */
	mr_buf_init(&line, MR_TRACE_MAX);
	if (mr_buf_puts(&line, prefix != NULL ? prefix : "") != 0 || mr_buf_vprintf(&line, fmt, ap) != 0) {
		trace_dropped++;
		goto out;
	}
	len = mr_secret_mask(line.data, line.len);
	if (len > LINE_MAX_KEPT)
		len = LINE_MAX_KEPT; /* a cut line is still worth keeping */
	if (mr_buf_append(&trace_buf, line.data, len) != 0 || mr_buf_append(&trace_buf, "\n", 1) != 0)
		trace_dropped++;
out:
	mr_buf_free(&line);
}

/** Append one formatted line (newline added), with registered secrets masked before a long line is cut. */
void mr_trace(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mr_vtrace("", fmt, ap);
	va_end(ap);
}

/** Trace one line of data (len bytes, no line end) as "TAG: DIR line", using scratch (len + 1 bytes). */
static void trace_line(const char *tag, const char *dir, const char *data, size_t len, char *scratch)
{
	size_t k;

	if (len == 0)
		return;
	memcpy(scratch, data, len);
	/* Mask first: a control byte turned into '?' or a cut inside a secret would keep it from matching. */
	len = mr_secret_mask(scratch, len);
	for (k = 0; k < len; k++)
		if ((unsigned char)scratch[k] < 0x20 || scratch[k] == 0x7f)
			scratch[k] = '?';
	if (len > LINE_MAX_KEPT)
		len = LINE_MAX_KEPT;
	scratch[len] = '\0';
	mr_trace("%s: %s %s", tag, dir, scratch);
}

/** Trace raw protocol bytes line by line as "TAG: DIR line"; see trace.h. */
void mr_trace_bytes(const char *tag, const char *dir, const char *data, size_t n)
{
	char *scratch;
	size_t start = 0;
	size_t i;

	if (tag == NULL || dir == NULL || data == NULL || n == SIZE_MAX)
		return;
	/* One allocation for the longest line: no realloc leaves a copy of a credential behind unwiped. */
	scratch = malloc(n + 1);
	if (scratch == NULL) {
		trace_dropped++;
		return;
	}
	for (i = 0; i <= n; i++) {
		size_t len;

		if (i < n && data[i] != '\n')
			continue;
		len = i - start;
		while (len > 0 && data[start + len - 1] == '\r')
			len--;
		trace_line(tag, dir, data + start, len, scratch);
		start = i + 1;
	}
	/* The scratch line may have held a credential before masking (an Authorization header): wipe it. */
	mr_wipe(scratch, n + 1);
	free(scratch);
}

/** Print the collected lines to f and forget them. */
void mr_trace_flush(FILE *f)
{
	if (trace_buf.len > 0)
		fwrite(trace_buf.data, 1, trace_buf.len, f);
	if (trace_dropped > 0)
		fprintf(f, "(%lu trace lines dropped)\n", trace_dropped);
	fflush(f);
	mr_trace_discard();
}

/** Forget the collected lines without printing them. */
void mr_trace_discard(void)
{
	mr_buf_free(&trace_buf);
	mr_buf_init(&trace_buf, MR_TRACE_MAX);
	trace_dropped = 0;
}

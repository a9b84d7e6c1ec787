/* trace.c: collects -v diagnostic lines so that they follow the status line instead of preceding it.
 * The buffer is process-wide on purpose: traces come from deep inside modules (DNS engine, SMTP session)
 * that have no handle on the result tree, and there is one run per process. */
#include <stdarg.h>
#include <stdio.h>

#include "secret.h"
#include "trace.h"

/** Longest trace line kept, in bytes; a longer line is cut after its secrets are masked. */
#define LINE_MAX_KEPT 2047

/** The collected trace text. */
static mr_buf trace_buf = { NULL, 0, 0, MR_TRACE_MAX, 0 };
/** Lines dropped because the buffer was full. */
static unsigned long trace_dropped;

/** Append one formatted line (newline added), with registered secrets masked before a long line is cut. */
void mr_trace(const char *fmt, ...)
{
	mr_buf line;
	va_list ap;
	size_t len;
	int rc;

	/* Mask before cutting: a secret cut in two would no longer match and half of it would be shown. */
	mr_buf_init(&line, MR_TRACE_MAX);
	va_start(ap, fmt);
	rc = mr_buf_vprintf(&line, fmt, ap);
	va_end(ap);
	if (rc != 0) {
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

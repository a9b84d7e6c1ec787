/* snds_parse_schema.h: the row schema shared by the SNDS CSV and JSON parsers: what each column or key holds,
 * its names in either feed, how a row is built value by value and checked, and "line N: ..." errors. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SNDS_PARSE_SCHEMA_H
#define SNDS_PARSE_SCHEMA_H

#include <stddef.h>
#include "../../common/util.h"
#include "snds_parse.h"
#include "snds_parse_values.h"

/** What a column (CSV) or key (JSON) holds. */
typedef enum col {
	COL_IGNORE = 0, /**< unknown: ignored */
	COL_IP,         /**< data: the IP; status: first and last address of a one-address row */
	COL_PSTART,     /**< activity period start (or the single activity period) */
	COL_PEND,       /**< activity period end */
	COL_RCPT,       /**< RCPT commands */
	COL_DATA,       /**< DATA commands */
	COL_RECIP,      /**< message recipients */
	COL_FILTER,     /**< filter result */
	COL_RATE,       /**< complaint rate */
	COL_TSTART,     /**< trap message period start (or the single trap period) */
	COL_TEND,       /**< trap message period end */
	COL_TRAPS,      /**< trap hits */
	COL_HELO,       /**< sample HELO */
	COL_JMR,        /**< JMR P1 sender */
	COL_COMMENTS,   /**< comments */
	COL_FIRST,      /**< status: first address */
	COL_LAST,       /**< status: last address */
	COL_BLOCKED,    /**< status: blocked flag */
	COL_REASON,     /**< status: reason */
	COL_COUNT       /**< number of kinds */
} col;

/** Which feed a parser reads. */
typedef enum feed {
	FEED_DATA,   /**< data.aspx / report/data */
	FEED_STATUS  /**< ipStatus.aspx / report/status/ip */
} feed;


/** Where an error happened: "line N" or "element N", and where to write it. */
typedef struct where {
	const char *unit;  /**< "line", "element" or "byte" */
	unsigned long n;   /**< the number */
	mr_buf *err;       /**< the caller's error buffer (may be NULL) */
} where;

/** A row being built: either kind of row, the status feed's one-address IP, the kinds seen. */
typedef struct acc {
	snds_data_row d;    /**< data row */
	snds_status_row s;  /**< status row */
	mr_addr ip;         /**< status: a single address (COL_IP) */
	unsigned seen;      /**< bit (1u << col) per kind given */
} acc;

/** Where the rows go. */
typedef struct sink {
	feed f;              /**< which feed */
	snds_data_cb dcb;    /**< data callback */
	snds_status_cb scb;  /**< status callback */
	void *user;          /**< callback argument */
	long rows;           /**< rows delivered */
} sink;

/** Results of handling one row. */
enum { ROW_OK = 0, ROW_BAD = -1, ROW_STOP = -2 };

/* ---------------------------------------------------------------- text helpers */

/** Look a column or key name up in the table of feed f (case- and separator-insensitive); COL_IGNORE if unknown. */
col snds_schema_lookup(feed f, const char *s, size_t n);
/** 1 if c holds free text (truncated, never an error). */
int snds_schema_is_lenient(col c);
/** Name of column kind c for error messages. */
const char *snds_schema_label(col c);
/** Append "UNIT N: message" to the error buffer; always -1 (ROW_BAD). */
int snds_schema_fail(const where *w, const char *fmt, ...) MR_PRINTF(2, 3);
/** Report a bad value of column c: "UNIT N: bad LABEL 'value': why"; -1. */
int snds_schema_fail_value(const where *w, col c, const char *s, size_t n, const char *why);
/** Start a row of feed f: counts not reported, nothing seen. */
void snds_schema_acc_init(acc *a, feed f);
/** Store a text value (s, n bytes) of column c into a row of feed f (append: join free text with ','); 0 or -1. */
int snds_schema_acc_text(acc *a, feed f, col c, const char *s, size_t n, int append, const where *w);
/** Check a finished row (required values, address order) and tidy its free text; 0 or -1. */
int snds_schema_acc_finish(acc *a, feed f, const where *w);
/** Hand a finished row to the callback; ROW_OK or ROW_STOP. */
int snds_schema_acc_emit(sink *k, const acc *a);

#endif

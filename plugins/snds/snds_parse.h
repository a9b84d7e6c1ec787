/* snds_parse.h: parsers of Microsoft SNDS feeds (legacy CSV, header CSV, JSON) into rows, streaming and strict. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SNDS_PARSE_H
#define SNDS_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include "../../common/addr.h"
#include "../../common/util.h"

/** What a body looks like. */
typedef enum snds_format {
	SNDS_FMT_EMPTY = 0,   /**< nothing but whitespace (and a BOM) */
	SNDS_FMT_CSV,         /**< comma-separated text (with or without a header line) */
	SNDS_FMT_JSON,        /**< a JSON array, or an object holding one ("value", "data", "items", ...) */
	SNDS_FMT_HTML,        /**< an HTML page: a moved link, an error or a sign-in page */
	SNDS_FMT_UNKNOWN      /**< anything else */
} snds_format;

/** Decide the format from the body (content_type may be NULL; the body decides when they disagree). */
snds_format snds_detect(const char *body, size_t len, const char *content_type);
/** 1 if an HTML body looks like a Microsoft sign-in page (login.microsoftonline.com, login.live.com, "Sign in"). */
int snds_is_signin_page(const char *body, size_t len);

/** SNDS filter result. */
typedef enum snds_filter {
	SNDS_FILTER_NONE = 0, /**< not reported */
	SNDS_FILTER_GREEN,    /**< spam <= 10 % */
	SNDS_FILTER_YELLOW,   /**< 10-90 % */
	SNDS_FILTER_RED       /**< > 90 % */
} snds_filter;

/** One row of the data feed. */
typedef struct snds_data_row {
	mr_addr ip;              /**< the IP (IPv4 today; IPv6 ready) */
	char period_start[32];   /**< activity period start as given */
	char period_end[32];     /**< activity period end as given ("" when the feed has one date) */
	int64_t rcpt;            /**< RCPT commands, -1 = not reported */
	int64_t data;            /**< DATA commands, -1 = not reported */
	int64_t recipients;      /**< message recipients, -1 = not reported */
	snds_filter filter;      /**< filter result */
	int complaint_known;     /**< a complaint rate was given */
	double complaint;        /**< complaint rate in percent */
	int complaint_floor;     /**< the feed said "< X%": the rate is at most complaint */
	int64_t trap_hits;       /**< trap hits, -1 = not reported (never read as zero) */
	char helo[96];           /**< sample HELO (lenient) */
	char jmr_sender[128];    /**< JMR P1 sender (lenient) */
	char comments[128];      /**< comments such as "JMR Block" (lenient) */
	char trap_start[32];     /**< trap message period start as given ("" = not reported) */
	char trap_end[32];       /**< trap message period end as given ("" = not reported or one date) */
} snds_data_row;

/** One row of the IP status feed: an inclusive range. */
typedef struct snds_status_row {
	mr_addr first;           /**< first address */
	mr_addr last;            /**< last address (>= first, same family) */
	int blocked;             /**< the range is blocked */
	char reason[160];        /**< why */
} snds_status_row;

/** Called for each parsed row; return 0 to go on, -1 to stop (the parser then returns -1, err untouched). */
typedef int (*snds_data_cb)(void *user, const snds_data_row *row);
/** Called for each parsed status row; as snds_data_cb. */
typedef int (*snds_status_cb)(void *user, const snds_status_row *row);

/**
 * Parse a data feed body of format fmt (CSV: legacy 14 fields without header, or a header line naming the
 * columns, matched case- and separator-insensitively; JSON: array of objects, keys matched the same way).
 * Streams: memory does not grow with the number of rows. Accepts CRLF, a BOM, a trailing blank line,
 * quoted or unquoted fields. Returns the number of rows, or -1 with "line N: reason" (CSV) or
 * "element N: reason" (JSON) in err at the first malformed row.
 */
long snds_parse_data(const char *body, size_t len, snds_format fmt, snds_data_cb cb, void *user, mr_buf *err);
/** Parse an IP status feed body (CSV first_ip,last_ip,blocked,reason, or JSON); as snds_parse_data. */
long snds_parse_status(const char *body, size_t len, snds_format fmt, snds_status_cb cb, void *user, mr_buf *err);

/** Name of a filter result ("GREEN", ...; "none"). */
const char *snds_filter_name(snds_filter f);

#endif

/* snds_parse_csv.h: the SNDS CSV parser (legacy headerless feeds and CSV with a header line). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SNDS_PARSE_CSV_H
#define SNDS_PARSE_CSV_H

#include "snds_parse_schema.h"

/** Stream the CSV rows of a body into the sink; the row count, or ROW_BAD / ROW_STOP. */
long snds_parse_csv(sink *k, const char *body, size_t len, mr_buf *err);
/** 1 if the line at p (up to end or LF) reads as SNDS CSV: its first field is an IP, or it names an IP column. */
int snds_parse_csv_sniff(const char *p, const char *end);

#endif

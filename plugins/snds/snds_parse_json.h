/* snds_parse_json.h: the SNDS JSON parser (an array of objects, or an object holding one). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SNDS_PARSE_JSON_H
#define SNDS_PARSE_JSON_H

#include "snds_parse_schema.h"

/** Stream the JSON rows of a body into the sink; the row count, or ROW_BAD / ROW_STOP. */
long snds_parse_json(sink *k, const char *body, size_t len, mr_buf *err);

#endif

/* snds_parse_json.c: streams SNDS JSON bodies: a top-level array of objects, or an object whose "value",
 * "data", "items", "rows" or "results" member holds that array. Elements are decoded one at a time with
 * jansson, so memory does not grow with the number of rows; keys are matched like CSV column names. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "snds_parse_json.h"

/** Skip whitespace from *p. */
static void skip_ws(const char **p, const char *end)
{
	while (*p < end && snds_value_is_ws(**p))
		(*p)++;
}

/** Store one JSON member value v of kind c into a row of feed f; 0 or -1 with the error. */
static int member_value(acc *a, feed f, col c, json_t *v, const where *w)
{
	char num[SNDS_STRICT_MAX];

	if (c == COL_IGNORE || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return snds_schema_acc_text(a, f, c, json_string_value(v), json_string_length(v), 0, w);
	a->seen |= 1u << c;
	if (f == FEED_STATUS && c == COL_BLOCKED && json_is_boolean(v)) {
		a->s.blocked = json_is_true(v) ? 1 : 0;
		return 0;
	}
	if (json_is_integer(v) && (c == COL_RCPT || c == COL_DATA || c == COL_RECIP || c == COL_TRAPS ||
				   c == COL_RATE || c == COL_BLOCKED)) {
		if (mr_snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) != 0)
			return snds_schema_fail(w, "%s out of range", snds_schema_label(c));
		return snds_schema_acc_text(a, f, c, num, strlen(num), 0, w);
	}
	if (json_is_real(v) && c == COL_RATE) {
		double d = json_real_value(v);

		if (!isfinite(d) || d < 0.0 || d > SNDS_RATE_MAX)
			return snds_schema_fail(w, "bad %s %g: out of range", snds_schema_label(c), d);
		a->d.complaint_known = 1;
		a->d.complaint = d;
		a->d.complaint_floor = 0;
		return 0;
	}
	return snds_schema_fail(w, "%s has the wrong JSON type", snds_schema_label(c));
}

/** Turn one decoded element into a row and emit it; ROW_OK, ROW_BAD or ROW_STOP. */
static int element_row(sink *k, json_t *o, const where *w)
{
	const char *key;
	json_t *v;
	acc a;
	int rc;

	if (!json_is_object(o))
		return snds_schema_fail(w, "not a JSON object");
	snds_schema_acc_init(&a, k->f);
	json_object_foreach(o, key, v) {
		col c = snds_schema_lookup(k->f, key, strlen(key));

		if (c != COL_IGNORE && (a.seen & (1u << c)) && !json_is_null(v))
			return snds_schema_fail(w, "two keys give the %s", snds_schema_label(c));
		if (member_value(&a, k->f, c, v, w) != 0)
			return ROW_BAD;
	}
	rc = snds_schema_acc_finish(&a, k->f, w);
	if (rc != 0)
		return rc;
	return snds_schema_acc_emit(k, &a);
}

/** Stream the array starting at *p ('['): decode, convert and emit one element at a time. */
static int stream_array(sink *k, const char **p, const char *end, mr_buf *err)
{
	where w = { "element", 0, err };

	(*p)++;
	skip_ws(p, end);
	if (*p < end && **p == ']') {
		(*p)++;
		return ROW_OK;
	}
	for (;;) {
		json_error_t e;
		json_t *o;
		int rc;

		w.n++;
		if (*p >= end)
			return snds_schema_fail(&w, "the JSON array is not closed");
		if (**p == ']')
			return snds_schema_fail(&w, "missing after a trailing ','");
		if (**p != '{')
			return snds_schema_fail(&w, "not a JSON object");
		o = json_loadb(*p, (size_t)(end - *p), JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &e);
		if (o == NULL)
			return snds_schema_fail(&w, "invalid JSON: %s", e.text);
		rc = element_row(k, o, &w);
		json_decref(o);
		if (rc != ROW_OK)
			return rc;
		*p += e.position;
		skip_ws(p, end);
		if (*p < end && **p == ']') {
			(*p)++;
			return ROW_OK;
		}
		if (*p >= end || **p != ',')
			return snds_schema_fail(&w, "expected ',' or ']' after the element");
		(*p)++;
		skip_ws(p, end);
	}
}

/** 1 if a normalised member name is one that may hold the rows. */
static int rows_key(const char *key)
{
	static const char *const names[] = { "value", "data", "items", "rows", "results" };
	char n[16];
	size_t i;

	snds_value_norm_name(key, strlen(key), n, sizeof n);
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(n, names[i]) == 0)
			return 1;
	return 0;
}

/** Walk the top-level object at *p ('{'), streaming the first array-valued rows member. */
static int stream_object(sink *k, const char *body, const char **p, const char *end, mr_buf *err)
{
	where w = { "byte", 0, err };
	int found = 0;

	(*p)++;
	skip_ws(p, end);
	if (*p < end && **p == '}') {
		(*p)++;
		goto out;
	}
	for (;;) {
		json_error_t e;
		json_t *key;
		int rows;

		w.n = (unsigned long)(*p - body);
		if (*p >= end || **p != '"')
			return snds_schema_fail(&w, "expected a member name in the JSON object");
		key = json_loadb(*p, (size_t)(end - *p), JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);
		if (key == NULL || !json_is_string(key)) {
			json_decref(key);
			return snds_schema_fail(&w, "invalid member name in the JSON object");
		}
		rows = !found && rows_key(json_string_value(key));
		json_decref(key);
		*p += e.position;
		skip_ws(p, end);
		if (*p >= end || **p != ':')
			return snds_schema_fail(&w, "expected ':' after a member name");
		(*p)++;
		skip_ws(p, end);
		if (rows && *p < end && **p == '[') {
			int rc = stream_array(k, p, end, err);

			if (rc != ROW_OK)
				return rc;
			found = 1;
		} else {
			json_t *skip = json_loadb(*p, (size_t)(end - *p),
						  JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);

			if (skip == NULL)
				return snds_schema_fail(&w, "invalid JSON: %s", e.text);
			json_decref(skip);
			*p += e.position;
		}
		skip_ws(p, end);
		if (*p < end && **p == ',') {
			(*p)++;
			skip_ws(p, end);
			continue;
		}
		if (*p < end && **p == '}') {
			(*p)++;
			break;
		}
		return snds_schema_fail(&w, "expected ',' or '}' in the JSON object");
	}
out:
	if (!found) {
		if (err != NULL)
			mr_buf_puts(err, "JSON object without an array of rows (\"value\", \"data\", \"items\", ...)");
		return ROW_BAD;
	}
	return ROW_OK;
}

/** Stream the JSON rows of a body into the sink; the row count, or ROW_BAD / ROW_STOP. */
long snds_parse_json(sink *k, const char *body, size_t len, mr_buf *err)
{
	const char *end = body + len, *p = body + snds_value_skip_bom_ws(body, len);
	int rc;

	if (p < end && *p == '[')
		rc = stream_array(k, &p, end, err);
	else if (p < end && *p == '{')
		rc = stream_object(k, body, &p, end, err);
	else {
		if (err != NULL)
			mr_buf_puts(err, "JSON body is neither an array nor an object");
		return ROW_BAD;
	}
	if (rc != ROW_OK)
		return rc;
	skip_ws(&p, end);
	if (p < end) {
		if (err != NULL)
			mr_buf_printf(err, "text after the JSON value at byte %zu", (size_t)(p - body));
		return ROW_BAD;
	}
	return k->rows;
}

/* ---------------------------------------------------------------- public */

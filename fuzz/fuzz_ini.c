/* fuzz_ini.c: libFuzzer target for the suite's ini reader (common/ini, mr_ini_parse): the first byte picks the
 * flags (inline comments, "key: value", indentation), the rest is the text; every item handed over is checked. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../common/ini.h"
#include "fuzz.h"

/** Check each item the parser hands over: a key line always comes with a value and a line number. */
static int on_item(void *user, const mr_ini_item *item, mr_ini_msg *msg)
{
	size_t *items = user;

	assert(item->section != NULL);
	assert((item->key == NULL) == (item->value == NULL));
	assert(item->line > 0);
	(*items)++;
	if (item->key != NULL && strcmp(item->key, "stop") == 0) {
		mr_ini_fail(msg, item->line, "stopped");
		return -1;
	}
	return 0;
}

/** Parse the input (after its flags byte) as ini text. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	mr_buf err;
	mr_ini_msg msg;
	size_t items = 0;
	unsigned flags;

	if (size < 1)
		return 0;
	flags = data[0] & 7u;
	s = fuzz_str(data + 1, size - 1);
	mr_buf_init(&err, 1024);
	msg.origin = (data[0] & 8u) ? "fuzz.ini" : NULL;
	msg.err = &err;
	msg.failed = 0;
	if (mr_ini_parse(s, flags, on_item, &items, &msg) != 0)
		assert(msg.failed);
	mr_buf_free(&err);
	free(s);
	return 0;
}

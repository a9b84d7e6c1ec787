/* fuzz_extra_opts.c: libFuzzer target for the --extra-opts reader (common/extraopts, mr_extra_opts_parse, the
 * step of mr_extra_opts_read after the file is read): the text up to the first NUL names the section, the rest is
 * the ini text. Keys are checked against a small option table as a plugin's would be. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>
#include <strings.h>

#include "../common/options.h"
#include "fuzz.h"

/** A plugin's option table in miniature: flags, options with a value, one short option. */
static int lookup(void *user, const char *key, mr_arg *arg)
{
	static const char *const with_value[] = { "warning", "critical", "timeout", "host", "zone", "t", "H" };
	static const char *const flags[] = { "verbose", "v", "no-default-zones" };
	size_t i;

	(void)user;
	for (i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (strcmp(key, with_value[i]) == 0)
			return *arg = MR_ARG_REQUIRED, 0;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(key, flags[i]) == 0)
			return *arg = MR_ARG_NONE, 0;
	return -1;
}

/** Read the input's ini text for the section it names, with and without the key check. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *start = data;
	size_t slen = fuzz_take(&data, &size, 0);
	char *section = fuzz_str(start, slen);
	char **args = NULL;
	int nargs = 0, i, pass;
	mr_buf err;

	mr_buf_init(&err, 1024);
	for (pass = 0; pass < 2; pass++) {
		mr_buf_reset(&err);
		if (mr_extra_opts_parse((const char *)data, size, "fuzz.ini", section, "check_fuzz",
		                        pass ? lookup : NULL, NULL, &args, &nargs, &err) == 0) {
			/* "--key[=value]", or "-k" and its value as the next argument */
			assert(nargs > 0 && args[0][0] == '-');
			for (i = 0; i < nargs; i++)
				assert(args[i] != NULL);
			mr_extra_opts_free(args, nargs);
		} else {
			assert(mr_buf_str(&err)[0] != '\0');
			assert(args == NULL && nargs == 0);
		}
	}
	mr_buf_free(&err);
	free(section);
	return 0;
}

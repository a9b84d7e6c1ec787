/* fuzz_extra_opts.c: libFuzzer target for the --extra-opts reader (common/extraopts, mr_extra_opts_read): the
 * text up to the first NUL names the section, the rest is the ini file (written to a scratch file: the reader
 * takes only a path today). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>

#include "../common/options.h"
#include "fuzz.h"

/** Read the input's ini text for the section it names. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *start = data;
	size_t slen = fuzz_take(&data, &size, 0);
	char *section = fuzz_str(start, slen);
	const char *path = fuzz_file(data, size);
	char spec[512];
	char **args = NULL;
	int nargs = 0, i;
	mr_buf err;

	mr_buf_init(&err, 1024);
	if (strchr(section, '@') == NULL &&
	    snprintf(spec, sizeof(spec), "%s@%s", section, path) < (int)sizeof(spec)) {
		if (mr_extra_opts_read(spec, "check_fuzz", NULL, NULL, &args, &nargs, &err) == 0) {
			assert(nargs > 0);
			for (i = 0; i < nargs; i++)
				assert(args[i] != NULL);
			mr_extra_opts_free(args, nargs);
		} else {
			assert(mr_buf_str(&err)[0] != '\0');
		}
	}
	mr_buf_free(&err);
	free(section);
	return 0;
}

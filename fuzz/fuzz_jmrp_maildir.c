/* fuzz_jmrp_maildir.c: libFuzzer target for check_jmrp's Maildir reading (plugins/jmrp/jmrp_input_maildir,
 * jmrp_read_maildir and jmrp_maildir_key) with the state file behind it: the input is up to 8 files, each
 * "[n|c]NAME\nCONTENT" (new/ or cur/, any name a file system takes), records split at NUL bytes. They are written
 * to a scratch Maildir and counted as check_jmrp counts them; the state file that run writes must load without a
 * note in the next run, and that run must count the same (the bug the first outside pass found: a name whose
 * key cleaned to nothing made every later run call the state file corrupt). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "../common/deadline.h"
#include "../plugins/jmrp/jmrp_input.h"
#include "../plugins/jmrp/jmrp_judge.h"
#include "../plugins/jmrp/jmrp_state.h"
#include "fuzz.h"

/** Most files per input. */
#define FILES_MAX 8

/** The scratch Maildir (made once) and its state file. */
static char base[256], state_path[300];

/** Make the scratch Maildir under TMPDIR once; aborts when it cannot (the target cannot run). */
static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char sub[300];

	snprintf(base, sizeof(base), "%s/fuzzmd.XXXXXX", tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(base) == NULL)
		abort();
	snprintf(sub, sizeof(sub), "%s/new", base);
	if (mkdir(sub, 0700) != 0)
		abort();
	snprintf(sub, sizeof(sub), "%s/cur", base);
	if (mkdir(sub, 0700) != 0)
		abort();
	snprintf(state_path, sizeof(state_path), "%s/state", base);
}

/** Remove every file of the scratch Maildir's sub and the state file. */
static void clean(const char *sub)
{
	char dir[300], path[600];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/%s", base, sub);
	d = opendir(dir);
	if (d == NULL)
		abort();
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	unlink(state_path);
}

/** Write one "[n|c]NAME\nCONTENT" record as a file (a name is cut at 255 bytes, '/' becomes '_'). */
static void write_record(const uint8_t *d, size_t n)
{
	char name[256], path[600];
	const uint8_t *nl;
	const char *sub;
	size_t k, i;
	int fd;

	if (n == 0)
		return;
	sub = (d[0] & 1) ? "cur" : "new";
	d++;
	n--;
	nl = n > 0 ? memchr(d, '\n', n) : NULL;
	k = nl != NULL ? (size_t)(nl - d) : n;
	if (k == 0)
		return;
	memcpy(name, d, k > 255 ? 255 : k);
	name[k > 255 ? 255 : k] = '\0';
	/* the content: what follows the '\n' */
	n = nl != NULL ? n - k - 1 : 0;
	d = nl != NULL ? nl + 1 : d + k;
	k = strlen(name);
	for (i = 0; i < k; i++)
		if (name[i] == '/')
			name[i] = '_';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return;
	snprintf(path, sizeof(path), "%s/%s/%s", base, sub, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	if (n > 0 && write(fd, d, n) < 0)
		abort();
	close(fd);
}

/** One run of check_jmrp's count over the scratch Maildir with the state file: load, read, save. */
static void run(jmrp_counter *c, jmrp_count_config *cfg, time_t since)
{
	jmrp_read_stats st;
	mr_buf err;

	memset(cfg, 0, sizeof(*cfg));
	cfg->max_details = 10;
	jmrp_counter_init(c, cfg);
	jmrp_counter_keep(c);
	jmrp_state_load(c, state_path, since);
	memset(&st, 0, sizeof(st));
	mr_buf_init(&err, 1024);
	{
		jmrp_read_config rc;

		memset(&rc, 0, sizeof(rc));
		rc.since = since;
		rc.deadline = mr_now() + 60;
		rc.known = jmrp_counter_known;
		rc.cb = jmrp_counter_message;
		rc.user = c;
		if (jmrp_read_maildir(base, &rc, &st, &err) != 0 && !c->oom) {
			fprintf(stderr, "maildir read failed: %s\n", mr_buf_str(&err));
			abort();
		}
	}
	mr_buf_reset(&err);
	if (jmrp_state_save(c, state_path, 0, &err) != 0) {
		fprintf(stderr, "state save failed: %s\n", mr_buf_str(&err));
		abort();
	}
	mr_buf_free(&err);
}

/** Write the input's files, count them twice through the state file, compare. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	jmrp_count_config cfg1, cfg2;
	jmrp_counter c1, c2;
	time_t since = time(NULL) - 86400;
	int i;

	if (!ready) {
		jmrp_parse_init();
		setup();
		ready = 1;
	}
	for (i = 0; i < FILES_MAX && size > 0; i++) {
		const uint8_t *rec = data;
		size_t k = fuzz_take(&data, &size, 0);
		write_record(rec, k);
	}
	run(&c1, &cfg1, since);
	run(&c2, &cfg2, since);
	if (c2.state_note[0] != '\0') {
		fprintf(stderr, "the state file the first run wrote drew a note: %s\n", c2.state_note);
		abort();
	}
	if (c1.complaints != c2.complaints || c1.unparsed != c2.unparsed || c1.other != c2.other) {
		fprintf(stderr, "second run counted differently: %zu/%zu/%zu then %zu/%zu/%zu\n", c1.complaints,
		        c1.unparsed, c1.other, c2.complaints, c2.unparsed, c2.other);
		abort();
	}
	jmrp_counter_free(&c1);
	jmrp_counter_free(&c2);
	clean("new");
	clean("cur");
	return 0;
}

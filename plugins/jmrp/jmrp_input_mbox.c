/* jmrp_input_mbox.c: the read-only mbox reader: splits the file at From_ lines, undoes mboxrd quoting, and hands
 * each message in the window to the callback under a key made from its bytes. The file is opened O_RDONLY (and
 * O_NOATIME where allowed, so its atime still says whether there is new mail). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/date.h"
#include "../../common/deadline.h"
#include "../../common/hash.h"
#include "jmrp_input.h"

/** One mbox message being collected. */
typedef struct mbox_msg {
	mr_buf buf;           /**< its bytes (mboxrd quoting undone), up to JMRP_MSG_MAX */
	int too_large;        /**< buf stopped at JMRP_MSG_MAX */
	uint64_t hash;        /**< mr_fnv1a64 of every raw line, From_ line included */
	unsigned long long length; /**< raw bytes, From_ line included */
	size_t number;        /**< 1-based position in the file, for the label */
	time_t arrival;       /**< date of the From_ line, or -1 */
} mbox_msg;

/** Hand the mbox message collected in mm to the callback if it is in the window; 0 or -1. Its key comes from its
 *  content (From_ line and bytes), not its place, so deleting an earlier message changes no other key. */
static int flush_message(const jmrp_read_config *rc, jmrp_read_stats *st, const mbox_msg *mm)
{
	char key[64], label[64];
	jmrp_msg m;

	st->listed++;
	if (mm->arrival == (time_t)-1 || mm->arrival < rc->since)
		return 0;
	mr_snprintf(key, sizeof(key), "mbox:%016llx:%llu", (unsigned long long)mm->hash, mm->length);
	mr_snprintf(label, sizeof(label), "message %zu", mm->number);
	if (rc->known != NULL && rc->known(rc->user, key, label, mm->arrival))
		return 0;
	m.key = key;
	m.label = label;
	m.arrival = mm->arrival;
	m.data = mm->too_large ? NULL : mr_buf_str(&mm->buf);
	m.len = mm->too_large ? 0 : mm->buf.len;
	m.why = mm->too_large ? JMRP_TOO_LARGE : NULL;
	return rc->cb(rc->user, &m);
}

/** Open the mbox for reading without updating its access time (mail clients take atime < mtime as "new mail");
 *  O_NOATIME is only allowed to the file's owner (or CAP_FOWNER), so anyone else opens it plainly. */
static int open_mbox(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);

	if (fd < 0 && errno == EPERM)
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

/** Append one body line of n bytes to mm, undoing mboxrd quoting of From_ lines (">From " -> "From "). */
static void add_body_line(mbox_msg *mm, const char *line, size_t n)
{
	const char *p = line;
	size_t len = n;

	if (line[0] == '>') {
		size_t q = 0;
		while (q < len && line[q] == '>')
			q++;
		if (len - q >= 5 && strncmp(line + q, "From ", 5) == 0) {
			p++;
			len--;
		}
	}
	if (mr_buf_append(&mm->buf, p, len) != 0)
		mm->too_large = 1;
}

/** Start collecting the next message at its From_ line. */
static void start_message(mbox_msg *mm, const char *line)
{
	/* "From SENDER DATE": the date follows the second space. */
	const char *sp = strchr(line + 5, ' ');

	mm->number++;
	mr_buf_reset(&mm->buf);
	mm->too_large = 0;
	mm->hash = MR_FNV64_INIT;
	mm->length = 0;
	mm->arrival = sp != NULL ? mr_date_parse(sp + 1) : (time_t)-1;
}

/** Read an mbox file read-only. */
int jmrp_read_mbox(const char *path, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	int fd = open_mbox(path);
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	mbox_msg mm;
	int in_msg = 0, prev_blank = 1, rc_ = 0;
	struct stat sb;

	if (fd < 0)
		return mr_buf_printf(err, "cannot read mbox %s: %s", path, strerror(errno)), -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return mr_buf_printf(err, "mbox %s is not a regular file", path), -1;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return mr_buf_printf(err, "cannot read mbox %s", path), -1;
	}
	memset(&mm, 0, sizeof(mm));
	mr_buf_init(&mm.buf, JMRP_MSG_MAX);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (prev_blank && n > 5 && strncmp(line, "From ", 5) == 0) {
			if (in_msg && flush_message(rc, st, &mm) != 0) {
				rc_ = -1;
				mr_buf_puts(err, "out of memory while counting");
				break;
			}
			if ((mm.number & 255) == 0 && mr_now() >= rc->deadline) {
				rc_ = 1;
				in_msg = 0;
				break;
			}
			in_msg = 1;
			start_message(&mm, line);
		} else if (in_msg && !mm.too_large) {
			add_body_line(&mm, line, (size_t)n);
		}
		if (in_msg) {
			mm.hash = mr_fnv1a64(line, (size_t)n, mm.hash);
			mm.length += (unsigned long long)n;
		}
		prev_blank = n == 1 || (n == 2 && line[0] == '\r');
	}
	if (rc_ == 0 && ferror(f)) {
		rc_ = -1;
		mr_buf_printf(err, "read error in mbox %s", path);
	}
	if (rc_ == 0 && in_msg && flush_message(rc, st, &mm) != 0) {
		rc_ = -1;
		mr_buf_puts(err, "out of memory while counting");
	}
	free(line);
	fclose(f);
	mr_buf_free(&mm.buf);
	return rc_;
}

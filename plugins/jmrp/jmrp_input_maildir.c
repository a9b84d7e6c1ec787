/* jmrp_input_maildir.c: the read-only Maildir reader: new/ then cur/, each message in the window handed to the
 * callback. Files are only opened for reading: no move from new/ to cur/, no flag change. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/deadline.h"
#include "../../common/hash.h"
#include "jmrp_input.h"

/** Read at most JMRP_MSG_MAX bytes of fd into buf (whose maximum is that); sets *too_large; 0 or -1. */
static int read_all(int fd, mr_buf *buf, int *too_large)
{
	char chunk[65536];

	mr_buf_reset(buf);
	*too_large = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (mr_buf_append(buf, chunk, (size_t)n) != 0) {
			*too_large = 1;
			return 0;
		}
	}
}

/** The key of a Maildir file name; see jmrp_input.h. */
int jmrp_maildir_key(const char *name, char *key, size_t size)
{
	size_t n = strcspn(name, ":");

	if (n == 0)
		n = strlen(name); /* no unique part before the flags: the whole name is all there is */
	if (n == 0 || n >= size)
		return -1;
	memcpy(key, name, n);
	key[n] = '\0';
	return 0;
}

/** Read one Maildir subdirectory (new or cur). A message is its key, the unique part of its name: a key met before
 *  in this read is skipped (a message that a mail client moves from new/ to cur/ during the scan is met twice,
 *  and two files whose names differ only in their flags are one message), so each message counts once, whether
 *  it is read now or known from the state file. The keys handed on are added to met. 0, 1 on deadline, -1 with a
 *  reason. */
static int read_subdir(const char *dir, const char *sub, const jmrp_read_config *rc, jmrp_read_stats *st,
                       mr_hash_set *met, mr_buf *buf, mr_buf *err)
{
	char path[4096], key[512], label[600];
	DIR *d;
	struct dirent *e;
	int rc_ = 0, dfd;

	if (mr_snprintf(path, sizeof(path), "%s/%s", dir, sub) != 0)
		return mr_buf_puts(err, "maildir path too long"), -1;
	d = opendir(path);
	if (d == NULL)
		return mr_buf_printf(err, "cannot read maildir %s: %s", path, strerror(errno)), -1;
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		jmrp_msg m;
		int fd, too_large = 0;

		if (e->d_name[0] == '.')
			continue;
		/* every message: under a sanitizer or on a loaded host 256 parses outlast the margin before the hard
		 * timeout, and the run would end without saving its state file (mr_now is a vDSO call) */
		if (mr_now() >= rc->deadline) {
			rc_ = 1;
			break;
		}
		if (jmrp_maildir_key(e->d_name, key, sizeof(key)) != 0)
			continue; /* longer than any file name */
		if (mr_hash_set_has(met, key))
			continue; /* the same message, met already */
		st->listed++;
		fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			if (errno == ENOENT || errno == ELOOP)
				st->vanished++;
			continue;
		}
		if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_mtime < rc->since) {
			close(fd);
			continue;
		}
		mr_snprintf(label, sizeof(label), "%s/%s", sub, e->d_name);
		if (rc->known != NULL && rc->known(rc->user, key, label, sb.st_mtime)) {
			close(fd);
		} else {
			if (read_all(fd, buf, &too_large) != 0) {
				close(fd);
				if (errno == ENOENT || errno == ESTALE)
					st->vanished++;
				continue;
			}
			close(fd);
			m.key = key;
			m.label = label;
			m.arrival = sb.st_mtime;
			m.data = too_large ? NULL : mr_buf_str(buf);
			m.len = too_large ? 0 : buf->len;
			m.why = too_large ? JMRP_TOO_LARGE : NULL;
			if (rc->cb(rc->user, &m) != 0) {
				rc_ = -1;
				break;
			}
		}
		if (mr_hash_set_add(met, key) < 0) {
			rc_ = -1;
			break;
		}
	}
	closedir(d);
	if (rc_ < 0)
		mr_buf_puts(err, "out of memory while counting");
	return rc_;
}

/** Read DIR/new and DIR/cur without changing anything. */
int jmrp_read_maildir(const char *dir, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	mr_hash_set met = { NULL, 0, 0 };
	mr_buf buf;
	int rc_;

	mr_buf_init(&buf, JMRP_MSG_MAX);
	rc_ = read_subdir(dir, "new", rc, st, &met, &buf, err);
	if (rc_ == 0)
		rc_ = read_subdir(dir, "cur", rc, st, &met, &buf, err);
	mr_hash_set_free(&met);
	mr_buf_free(&buf);
	return rc_;
}

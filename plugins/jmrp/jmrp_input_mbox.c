/* jmrp_input_mbox.c: the read-only mbox reader: splits the bytes at From_ lines in bounded memory whatever the
 * line lengths, undoes mboxrd quoting, and hands each message in the window to the callback under a key made
 * from its bytes. The file is opened O_RDONLY (and
 * O_NOATIME where allowed, so its atime still says whether there is new mail). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

/** The start of a line kept until the line's kind is known: enough for any From_ line's date. */
#define HEAD_MAX 1024
/** Bytes read from the file at a time; the deadline is checked after each. */
#define READ_CHUNK 65536

/** mbox_reader.stop after a read error, whose reason is in err already. */
#define STOP_READ_ERROR (-2)

/** What the current line is, once its start has been judged. */
enum { LINE_UNDECIDED, LINE_FROM, LINE_BODY };

/** The mbox splitter: bytes in, messages out to the callback. Its memory is bounded whatever the lines are: a
 *  line is judged on its first HEAD_MAX bytes, and a message keeps at most JMRP_MSG_MAX bytes. */
typedef struct mbox_reader {
	const jmrp_read_config *rc; /**< where messages go */
	jmrp_read_stats *st;  /**< counters */
	mbox_msg mm;          /**< the message being collected */
	int in_msg;           /**< a From_ line was met */
	int prev_blank;       /**< the line before the current one was empty (a From_ line must follow one) */
	char head[HEAD_MAX + 1]; /**< the current line's start while it is undecided (NUL-terminated on use) */
	size_t nhead;         /**< bytes in head */
	size_t line_len;      /**< bytes of the current line so far, '\n' included */
	int kind;             /**< LINE_* of the current line */
	int stop;             /**< 0 going on, 1 deadline, -1 out of memory, STOP_READ_ERROR (its reason given) */
} mbox_reader;

/** Count n bytes of the current message: its length, and its key hash over the first JMRP_MSG_MAX bytes (a
 *  longer message is told apart by its length; hashing gigabytes would only cost time). */
static void account(mbox_msg *mm, const char *p, size_t n)
{
	if (mm->length < JMRP_MSG_MAX) {
		unsigned long long room = JMRP_MSG_MAX - mm->length;
		mm->hash = mr_fnv1a64(p, n < room ? n : (size_t)room, mm->hash);
	}
	mm->length += (unsigned long long)n;
}

/** Append the start of a body line (n bytes) to mm, undoing mboxrd quoting of From_ lines (">From " ->
 *  "From "). */
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
	if (!mm->too_large && mr_buf_append(&mm->buf, p, len) != 0)
		mm->too_large = 1;
}

/** Start collecting the next message at its From_ line (NUL-terminated). */
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

/** Judge the current line by its start in head: a From_ line ends the message before and starts one, any other
 *  line of a message is body. */
static void decide(mbox_reader *r)
{
	mbox_msg *mm = &r->mm;

	r->head[r->nhead] = '\0';
	if (r->prev_blank && r->line_len > 5 && strncmp(r->head, "From ", 5) == 0) {
		if (r->in_msg && flush_message(r->rc, r->st, mm) != 0) {
			r->stop = -1;
			return;
		}
		if (mr_now() >= r->rc->deadline) {
			r->stop = 1;
			r->in_msg = 0;
			return;
		}
		r->in_msg = 1;
		r->kind = LINE_FROM;
		start_message(mm, r->head);
	} else {
		r->kind = LINE_BODY;
		if (r->in_msg)
			add_body_line(mm, r->head, r->nhead);
	}
	if (r->in_msg)
		account(mm, r->head, r->nhead);
}

/** Take n bytes of the current line (no '\n' before their last byte). */
static void line_bytes(mbox_reader *r, const char *p, size_t n)
{
	size_t keep;

	r->line_len += n;
	if (r->kind == LINE_UNDECIDED) {
		keep = n < HEAD_MAX - r->nhead ? n : HEAD_MAX - r->nhead;
		memcpy(r->head + r->nhead, p, keep);
		r->nhead += keep;
		p += keep;
		n -= keep;
		if (n == 0 && r->nhead < HEAD_MAX)
			return; /* the line may still be short: wait for its end */
		decide(r);
		if (r->stop != 0)
			return;
	}
	if (n > 0 && r->in_msg) {
		if (r->kind == LINE_BODY && !r->mm.too_large && mr_buf_append(&r->mm.buf, p, n) != 0)
			r->mm.too_large = 1;
		account(&r->mm, p, n);
	}
}

/** End the current line: judge it if it was short, and note whether it was empty. */
static void end_line(mbox_reader *r)
{
	if (r->kind == LINE_UNDECIDED)
		decide(r);
	r->prev_blank = r->line_len == 1 || (r->line_len == 2 && r->head[0] == '\r');
	r->nhead = 0;
	r->line_len = 0;
	r->kind = LINE_UNDECIDED;
}

/** Feed len bytes of the mbox to r. */
static void feed(mbox_reader *r, const char *buf, size_t len)
{
	while (len > 0 && r->stop == 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl != NULL ? (size_t)(nl - buf) + 1 : len;

		line_bytes(r, buf, take);
		if (nl != NULL && r->stop == 0)
			end_line(r);
		buf += take;
		len -= take;
	}
}

/** Start a read. */
static void reader_start(mbox_reader *r, const jmrp_read_config *rc, jmrp_read_stats *st)
{
	memset(r, 0, sizeof(*r));
	r->rc = rc;
	r->st = st;
	r->prev_blank = 1;
	mr_buf_init(&r->mm.buf, JMRP_MSG_MAX);
}

/** End a read: the last line (even without '\n') and the last message count; 0, 1 on deadline, or -1. */
static int reader_finish(mbox_reader *r, mr_buf *err)
{
	if (r->stop == 0 && r->line_len > 0)
		end_line(r);
	if (r->stop == 0 && r->in_msg && flush_message(r->rc, r->st, &r->mm) != 0)
		r->stop = -1;
	if (r->stop == -1)
		mr_buf_puts(err, "out of memory while counting");
	mr_buf_free(&r->mm.buf);
	return r->stop < 0 ? -1 : r->stop;
}

/** Split len bytes of mbox text, fed in pieces of chunk bytes (0: at once); see jmrp_input.h. */
int jmrp_read_mbox_buf(const char *data, size_t len, size_t chunk, const jmrp_read_config *rc,
                       jmrp_read_stats *st, mr_buf *err)
{
	mbox_reader r;

	reader_start(&r, rc, st);
	if (chunk == 0)
		chunk = len;
	while (len > 0 && r.stop == 0) {
		size_t n = len < chunk ? len : chunk;
		feed(&r, data, n);
		data += n;
		len -= n;
	}
	return reader_finish(&r, err);
}

/** Read an mbox from an open descriptor (not closed) called name in messages; see jmrp_input.h. */
int jmrp_read_mbox_fd(int fd, const char *name, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	mbox_reader r;
	char *buf = malloc(READ_CHUNK);
	ssize_t n;

	if (buf == NULL) {
		mr_oom_note();
		return mr_buf_puts(err, "out of memory while counting"), -1;
	}
	reader_start(&r, rc, st);
	while (r.stop == 0) {
		n = read(fd, buf, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mr_buf_printf(err, "read error in mbox %s: %s", name, strerror(errno));
			r.stop = STOP_READ_ERROR;
		} else if (n == 0) {
			break;
		} else {
			feed(&r, buf, (size_t)n);
			/* a message of gigabytes has no From_ line to stop at: the deadline is checked per chunk too */
			if (r.stop == 0 && mr_now() >= rc->deadline) {
				r.stop = 1;
				r.in_msg = 0;
			}
		}
	}
	free(buf);
	return reader_finish(&r, err);
}

/** Read an mbox file read-only. */
int jmrp_read_mbox(const char *path, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	int fd = open_mbox(path);
	struct stat sb;
	int rc_;

	if (fd < 0)
		return mr_buf_printf(err, "cannot read mbox %s: %s", path, strerror(errno)), -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return mr_buf_printf(err, "mbox %s is not a regular file", path), -1;
	}
	rc_ = jmrp_read_mbox_fd(fd, path, rc, st, err);
	close(fd);
	return rc_;
}

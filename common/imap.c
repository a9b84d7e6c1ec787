/* jmrp_mailbox.c: read-only readers of Maildir, mbox and IMAP mailboxes that hand each message in the window to
 * a callback. Nothing is ever written: Maildir files are only opened for reading (no move from new/ to cur/, no
 * flag change), the mbox is opened O_RDONLY (and O_NOATIME where allowed, so its atime still says whether there
 * is new mail), and IMAP uses EXAMINE and BODY.PEEK through libcurl. */
#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/curlio.h"
#include "../../common/deadline.h"
#include "../../common/trace.h"
#include "jmrp_mailbox.h"

/** Why a message was not read: larger than JMRP_MSG_MAX (the text spells that number out). */
#define TOO_LARGE "larger than 8388608 bytes"
_Static_assert(JMRP_MSG_MAX == 8388608, "TOO_LARGE must name JMRP_MSG_MAX");

/** Month names of asctime and IMAP dates. */
static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/** Month number 0..11 of a three-letter name, or -1. */
static int month_of(const char *s)
{
	for (int i = 0; i < 12; i++)
		if (strncasecmp(s, months[i], 3) == 0)
			return i;
	return -1;
}

/** Parse an asctime-style date ("Sat Nov 28 10:00:00 2026") or an IMAP INTERNALDATE ("28-Nov-2026 10:00:00 +0100"). */
time_t jmrp_parse_date(const char *text)
{
	struct tm tm;
	char mon[4], wday[4];
	int d, y, H, M, S, off = 0, n = 0;
	char sign = '+';

	memset(&tm, 0, sizeof(tm));
	if (sscanf(text, " %2d-%3s-%4d %2d:%2d:%2d %c%4d%n", &d, mon, &y, &H, &M, &S, &sign, &off, &n) == 8 && n > 0) {
		/* IMAP INTERNALDATE */
	} else if (sscanf(text, " %3s %3s %2d %2d:%2d:%2d %4d%n", wday, mon, &d, &H, &M, &S, &y, &n) == 7 && n > 0) {
		off = 0;
		sign = '+';
	} else {
		return (time_t)-1;
	}
	tm.tm_mon = month_of(mon);
	if (tm.tm_mon < 0 || d < 1 || d > 31 || y < 1970 || y > 2200 || H > 23 || M > 59 || S > 60 || off > 1400 ||
	    (sign != '+' && sign != '-'))
		return (time_t)-1;
	tm.tm_mday = d;
	tm.tm_year = y - 1900;
	tm.tm_hour = H;
	tm.tm_min = M;
	tm.tm_sec = S;
	{
		time_t t = timegm(&tm);
		long secs = (off / 100) * 3600L + (off % 100) * 60L;
		return sign == '+' ? t - secs : t + secs;
	}
}

/** Read at most JMRP_MSG_MAX bytes of fd into buf; sets *too_large; 0 or -1. */
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

/** FNV-1a (64 bits) over n bytes, continuing from h. */
static uint64_t fnv1a64(const char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/** First value of fnv1a64. */
#define FNV64_INIT 14695981039346656037ull

/** Hashes of the Maildir keys read from new/: a message that a mail client moves to cur/ during the scan is met
 *  twice under one key, and counted once. */
typedef struct key_set {
	uint64_t *v;          /**< fnv1a64 of each key, sorted before cur/ is read */
	size_t n;             /**< used */
	size_t cap;           /**< allocated */
} key_set;

/** Add the hash of key to the set; 0 or -1 when out of memory. */
static int key_set_add(key_set *ks, const char *key)
{
	uint64_t *v = mr_grow(ks->v, &ks->cap, ks->n, sizeof(*v), 1024);

	if (v == NULL)
		return -1;
	ks->v = v;
	ks->v[ks->n++] = fnv1a64(key, strlen(key), FNV64_INIT);
	return 0;
}

/** Compare two hashes (qsort, bsearch). */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/** 1 if the hash of key is in the (sorted) set. */
static int key_set_has(const key_set *ks, const char *key)
{
	uint64_t h = fnv1a64(key, strlen(key), FNV64_INIT);

	return ks->n > 0 && bsearch(&h, ks->v, ks->n, sizeof(h), cmp_u64) != NULL;
}

/** Read one Maildir subdirectory (new or cur): reading new/, the keys handed on are added to from_new; reading
 *  cur/, keys found there are skipped (moved meanwhile); 0, 1 on deadline, -1 with a reason. */
static int read_subdir(const char *dir, const char *sub, const jmrp_read_config *rc, jmrp_read_stats *st,
                       key_set *from_new, mr_buf *buf, mr_buf *err)
{
	char path[4096], key[512], label[600];
	DIR *d;
	struct dirent *e;
	int rc_ = 0, dfd, is_new = strcmp(sub, "new") == 0;
	size_t count = 0;

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
		char *colon;

		if (e->d_name[0] == '.')
			continue;
		if ((++count & 255) == 0 && mr_now() >= rc->deadline) {
			rc_ = 1;
			break;
		}
		/* the key is the unique part of the name: the flags after ':' change when a client reads the message */
		mr_snprintf(key, sizeof(key), "%s", e->d_name);
		colon = strchr(key, ':');
		if (colon != NULL)
			*colon = '\0';
		if (!is_new && key_set_has(from_new, key))
			continue; /* read in new/ already, moved to cur/ since */
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
			m.why = too_large ? TOO_LARGE : NULL;
			if (rc->cb(rc->user, &m) != 0) {
				rc_ = -1;
				break;
			}
		}
		if (is_new && key_set_add(from_new, key) != 0) {
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
	key_set from_new = { NULL, 0, 0 };
	mr_buf buf;
	int rc_;

	mr_buf_init(&buf, JMRP_MSG_MAX);
	rc_ = read_subdir(dir, "new", rc, st, &from_new, &buf, err);
	if (rc_ == 0) {
		if (from_new.n > 1)
			qsort(from_new.v, from_new.n, sizeof(*from_new.v), cmp_u64);
		rc_ = read_subdir(dir, "cur", rc, st, &from_new, &buf, err);
	}
	free(from_new.v);
	mr_buf_free(&buf);
	return rc_;
}

/** One mbox message being collected. */
typedef struct mbox_msg {
	mr_buf buf;           /**< its bytes (mboxrd quoting undone), up to JMRP_MSG_MAX */
	int too_large;        /**< buf stopped at JMRP_MSG_MAX */
	uint64_t hash;        /**< fnv1a64 of every raw line, From_ line included */
	unsigned long long length; /**< raw bytes, From_ line included */
	size_t number;        /**< 1-based position in the file, for the label */
	time_t arrival;       /**< date of the From_ line, or -1 */
} mbox_msg;

/** Hand the mbox message collected in mm to the callback if it is in the window; 0 or -1. Its key comes from its
 *  content (From_ line and bytes), not its place, so deleting an earlier message changes no other key. */
static int flush_mbox_message(const jmrp_read_config *rc, jmrp_read_stats *st, const mbox_msg *mm)
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
	m.why = mm->too_large ? TOO_LARGE : NULL;
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
			const char *sp;
			if (in_msg && flush_mbox_message(rc, st, &mm) != 0) {
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
			mm.number++;
			mr_buf_reset(&mm.buf);
			mm.too_large = 0;
			mm.hash = FNV64_INIT;
			mm.length = 0;
			/* "From SENDER DATE": the date follows the second space. */
			sp = strchr(line + 5, ' ');
			mm.arrival = sp != NULL ? jmrp_parse_date(sp + 1) : (time_t)-1;
		} else if (in_msg && !mm.too_large) {
			/* Undo mboxrd quoting of From_ lines inside bodies. */
			const char *p = line;
			size_t len = (size_t)n;
			if (line[0] == '>') {
				size_t q = 0;
				while (q < len && line[q] == '>')
					q++;
				if (len - q >= 5 && strncmp(line + q, "From ", 5) == 0) {
					p++;
					len--;
				}
			}
			if (mr_buf_append(&mm.buf, p, len) != 0)
				mm.too_large = 1;
		}
		if (in_msg) {
			mm.hash = fnv1a64(line, (size_t)n, mm.hash);
			mm.length += (unsigned long long)n;
		}
		prev_blank = n == 1 || (n == 2 && line[0] == '\r');
	}
	if (rc_ == 0 && ferror(f)) {
		rc_ = -1;
		mr_buf_printf(err, "read error in mbox %s", path);
	}
	if (rc_ == 0 && in_msg && flush_mbox_message(rc, st, &mm) != 0) {
		rc_ = -1;
		mr_buf_puts(err, "out of memory while counting");
	}
	free(line);
	fclose(f);
	mr_buf_free(&mm.buf);
	return rc_;
}

/* ---- IMAP --------------------------------------------------------------------------------------------------- */

/** An IMAP connection: libcurl connects, does TLS and logs in (CONNECT_ONLY); the commands are this module's. */
typedef struct imap_conn {
	CURL *h;               /**< handle holding the logged-in connection */
	mr_buf resp;           /**< the last command's whole response, literals included (bounded) */
	char errbuf[CURL_ERROR_SIZE]; /**< libcurl's error text */
	unsigned tagno;        /**< number of the next command tag */
	char status[200];      /**< the last tagged status line, e.g. "NO Mailbox doesn't exist" */
	int verbose;           /**< -v level: at 3, commands and their tagged status lines are traced */
} imap_conn;

/** What the metadata fetch says about one message, before its body is asked for. */
typedef struct imap_meta {
	unsigned long uid;     /**< the UID */
	time_t arrival;        /**< INTERNALDATE, or -1 if it was not in the answer (expunged meanwhile) */
	unsigned long long size; /**< RFC822.SIZE */
} imap_meta;

/** UIDs per metadata fetch: keeps the command line and the answer small. */
#define META_BATCH 500

/** libcurl debug callback (user: int set once login began): masked -vvv trace of the set-up, login lines hidden. */
static int imap_on_debug(CURL *h, curl_infotype type, char *data, size_t n, void *user)
{
	const char *dir = type == CURLINFO_HEADER_OUT ? ">" : type == CURLINFO_HEADER_IN ? "<" :
	                  type == CURLINFO_TEXT ? "*" : NULL;
	int *login_seen = user;
	(void)h;

	if (dir == NULL)
		return 0;
	/* LOGIN and AUTHENTICATE carry the password (AUTHENTICATE PLAIN in base64, which masking cannot see); without
	 * SASL-IR the base64 answers follow as bare lines after "+" prompts, so every later line we send is hidden. */
	if ((type == CURLINFO_HEADER_OUT && *login_seen) || memmem(data, n, "LOGIN ", 6) != NULL ||
	    memmem(data, n, "AUTHENTICATE", 12) != NULL) {
		if (type == CURLINFO_HEADER_OUT)
			*login_seen = 1;
		mr_trace("imap: > (login, not shown)");
		return 0;
	}
	mr_trace_bytes("imap", dir, data, n);
	return 0;
}

/** Scan the response from *pos for the tagged status line of tag, skipping literals; 1 found, 0 need more. */
static int imap_scan(imap_conn *c, const char *tag, size_t *pos, size_t *literal)
{
	const char *d = c->resp.data;
	size_t len = c->resp.len, tl = strlen(tag);

	while (*pos < len) {
		const char *eol;
		size_t ll;
		if (*literal > 0) {
			size_t take = len - *pos < *literal ? len - *pos : *literal;
			*pos += take;
			*literal -= take;
			continue;
		}
		eol = memmem(d + *pos, len - *pos, "\r\n", 2);
		if (eol == NULL)
			return 0;
		ll = (size_t)(eol - (d + *pos));
		if (ll > 2 && d[*pos + ll - 1] == '}') {
			/* "... {123}" announces a literal of 123 bytes after this CRLF. */
			size_t k = ll - 1;
			while (k > 0 && d[*pos + k - 1] >= '0' && d[*pos + k - 1] <= '9')
				k--;
			if (k > 0 && d[*pos + k - 1] == '{' && k < ll - 1)
				*literal = strtoul(d + *pos + k, NULL, 10);
		} else if (ll > tl && strncmp(d + *pos, tag, tl) == 0 && d[*pos + tl] == ' ') {
			mr_snprintf(c->status, sizeof(c->status), "%.*s", (int)(ll - tl - 1), d + *pos + tl + 1);
			for (char *q = c->status; *q; q++)
				if ((unsigned char)*q < 0x20)
					*q = '?';
			*pos = (size_t)(eol + 2 - d);
			return 1;
		}
		*pos = (size_t)(eol + 2 - d);
	}
	return 0;
}

/** Run one IMAP command and read its whole response (literals included); 0 on OK, -1 with a reason. */
static int imap_command(imap_conn *c, const char *cmd, double deadline, mr_buf *err)
{
	char tag[16];
	size_t pos = 0, literal = 0;
	mr_buf line;
	int rc_ = -1;

	mr_buf_reset(&c->resp);
	c->status[0] = '\0';
	mr_snprintf(tag, sizeof(tag), "M%u", ++c->tagno);
	mr_buf_init(&line, 16 + META_BATCH * 24);
	if (mr_buf_printf(&line, "%s %s\r\n", tag, cmd) != 0 ||
	    mr_curl_send_all(c->h, line.data, line.len, deadline) != 0) {
		mr_buf_printf(err, "IMAP: cannot send %.40s", cmd);
		goto out;
	}
	if (c->verbose >= 3)
		mr_trace_bytes("imap", ">", line.data, line.len);
	while (!imap_scan(c, tag, &pos, &literal)) {
		char chunk[65536];
		size_t got = 0;
		int rc = mr_curl_recv_some(c->h, chunk, sizeof(chunk), &got, deadline);
		if (rc == 1) {
			mr_buf_printf(err, "IMAP: no complete answer to %.40s in time", cmd);
			goto out;
		}
		if (rc != 0) {
			mr_buf_printf(err, "IMAP: the server closed the connection during %.40s", cmd);
			goto out;
		}
		if (mr_buf_append(&c->resp, chunk, got) != 0) {
			mr_buf_printf(err, "IMAP: answer to %.40s larger than %zu bytes", cmd, c->resp.max);
			goto out;
		}
	}
	if (c->verbose >= 3)
		mr_trace("imap: < %s %s", tag, c->status);
	if (strncmp(c->status, "OK", 2) != 0) {
		mr_buf_printf(err, "IMAP %.60s failed: %s", cmd, c->status);
		goto out;
	}
	rc_ = 0;
out:
	mr_buf_free(&line);
	return rc_;
}

/** Find "UIDVALIDITY n" in the EXAMINE response; 0 if absent. */
static unsigned long parse_uidvalidity(const char *resp)
{
	const char *p = strstr(resp, "UIDVALIDITY ");

	return p != NULL ? strtoul(p + 12, NULL, 10) : 0;
}

/** Compare UIDs (qsort, bsearch). */
static int cmp_uid(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/** Append the n sorted UIDs as an IMAP sequence set ("3,5:9,12") to out; 0 or -1. */
static int uid_set(mr_buf *out, const unsigned long *uid, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && uid[j + 1] == uid[j] + 1)
			j++;
		if (mr_buf_printf(out, i > 0 ? ",%lu" : "%lu", uid[i]) != 0 ||
		    (j > i && mr_buf_printf(out, ":%lu", uid[j]) != 0))
			return -1;
		i = j + 1;
	}
	return 0;
}

/** Fill meta (n entries, uid set, sorted) from one "UID FETCH set (UID INTERNALDATE RFC822.SIZE)"; 0 or -1. */
static int imap_fetch_meta(imap_conn *c, imap_meta *meta, size_t n, double deadline, mr_buf *err)
{
	unsigned long uids[META_BATCH];
	const char *p;
	mr_buf cmd;
	int rc_ = -1;

	mr_buf_init(&cmd, 64 + META_BATCH * 24);
	for (size_t i = 0; i < n; i++) {
		uids[i] = meta[i].uid;
		meta[i].arrival = (time_t)-1;
		meta[i].size = 0;
	}
	if (mr_buf_puts(&cmd, "UID FETCH ") != 0 || uid_set(&cmd, uids, n) != 0 ||
	    mr_buf_puts(&cmd, " (UID INTERNALDATE RFC822.SIZE)") != 0) {
		mr_buf_puts(err, "IMAP: UID set too long");
		goto out;
	}
	if (imap_command(c, cmd.data, deadline, err) != 0)
		goto out;
	/* "* 12 FETCH (UID 40 INTERNALDATE "28-Nov-2026 10:00:00 +0100" RFC822.SIZE 2519)", items in any order */
	for (p = mr_buf_str(&c->resp); *p != '\0';) {
		const char *eol = strstr(p, "\r\n"), *u, *d, *z;
		const unsigned long *hit;
		char line[512];
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		unsigned long uid;

		if (len < sizeof(line) && strncmp(p, "* ", 2) == 0) {
			memcpy(line, p, len);
			line[len] = '\0';
			u = strstr(line, " FETCH (") != NULL ? strstr(line, "UID ") : NULL;
			d = strstr(line, "INTERNALDATE \"");
			z = strstr(line, "RFC822.SIZE ");
			if (u != NULL && d != NULL && z != NULL) {
				uid = strtoul(u + 4, NULL, 10);
				hit = bsearch(&uid, uids, n, sizeof(uids[0]), cmp_uid);
				if (hit != NULL) {
					meta[hit - uids].arrival = jmrp_parse_date(d + 14);
					meta[hit - uids].size = strtoull(z + 12, NULL, 10);
				}
			}
		}
		p += eol != NULL ? len + 2 : len;
	}
	rc_ = 0;
out:
	mr_buf_free(&cmd);
	return rc_;
}

/** Hand one message whose metadata passed to the callback: its body fetched with BODY.PEEK[] unless RFC822.SIZE
 *  says it is too large; 0, or -1 with a reason. */
static int imap_fetch_body(imap_conn *c, const imap_meta *meta, const char *key, const char *label,
                           const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	char cmd[96];
	const char *r, *lit;
	jmrp_msg m;

	m.key = key;
	m.label = label;
	m.arrival = meta->arrival;
	m.data = NULL;
	m.len = 0;
	m.why = NULL;
	if (meta->size > JMRP_MSG_MAX) {
		m.why = TOO_LARGE;
		return rc->cb(rc->user, &m);
	}
	mr_snprintf(cmd, sizeof(cmd), "UID FETCH %lu (BODY.PEEK[])", meta->uid);
	if (imap_command(c, cmd, rc->deadline, err) != 0)
		return -1;
	r = mr_buf_str(&c->resp);
	lit = strstr(r, "BODY[] ");
	if (lit == NULL) {
		st->vanished++; /* expunged since the metadata fetch */
		return 0;
	}
	if (lit[7] == '{') {
		char *end;
		unsigned long long size = strtoull(lit + 8, &end, 10);
		if (*end == '}' && end[1] == '\r' && end[2] == '\n' &&
		    size <= (unsigned long long)(c->resp.len - (size_t)(end + 3 - r))) {
			m.data = end + 3;
			m.len = (size_t)size;
		}
	}
	if (m.data == NULL)
		m.why = "the IMAP server sent no message body";
	return rc->cb(rc->user, &m);
}

/** Read the messages of uids (sorted) in batches: metadata first, so that messages outside the window, known from
 *  the state file or too large are never downloaded; 0, 1 on deadline, or -1 with a reason. */
static int imap_read_uids(imap_conn *c, unsigned long validity, const unsigned long *uids, size_t nuids,
                          const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	imap_meta meta[META_BATCH];
	char key[64], label[32];

	for (size_t i = 0; i < nuids; i += META_BATCH) {
		size_t n = nuids - i < META_BATCH ? nuids - i : META_BATCH;
		if (mr_now() >= rc->deadline)
			return 1;
		for (size_t k = 0; k < n; k++)
			meta[k].uid = uids[i + k];
		if (imap_fetch_meta(c, meta, n, rc->deadline, err) != 0)
			return -1;
		for (size_t k = 0; k < n; k++) {
			if (mr_now() >= rc->deadline)
				return 1;
			st->listed++;
			if (meta[k].arrival == (time_t)-1) {
				st->vanished++; /* expunged since the search */
				continue;
			}
			if (meta[k].arrival < rc->since)
				continue;
			mr_snprintf(key, sizeof(key), "%lu/%lu", validity, meta[k].uid);
			mr_snprintf(label, sizeof(label), "UID %lu", meta[k].uid);
			if (rc->known != NULL && rc->known(rc->user, key, label, meta[k].arrival))
				continue;
			if (imap_fetch_body(c, &meta[k], key, label, rc, st, err) != 0)
				return -1;
		}
	}
	return 0;
}

/** Read an IMAP mailbox with EXAMINE and BODY.PEEK (nothing is changed). */
int jmrp_read_imap(const jmrp_imap_config *ic, const jmrp_read_config *rc, jmrp_read_stats *st, mr_buf *err)
{
	imap_conn c;
	char base[1024], mailbox[256], cmd[320], since[32];
	const char *slash;
	unsigned long validity, *uids = NULL;
	size_t nuids = 0, capuids = 0;
	struct tm tm;
	int rc_ = -1, login_seen = 0;

	memset(&c, 0, sizeof(c));
	c.verbose = rc->verbose;
	mr_buf_init(&c.resp, (size_t)JMRP_MSG_MAX + 65536);
	/* Split imaps://host[:port]/MAILBOX: libcurl gets the server URL only, so that it never SELECTs. */
	if (strncmp(ic->url, "imaps://", 8) != 0 || (slash = strchr(ic->url + 8, '/')) == NULL || slash[1] == '\0' ||
	    mr_snprintf(base, sizeof(base), "%.*s/", (int)(slash - ic->url), ic->url) != 0 ||
	    mr_snprintf(mailbox, sizeof(mailbox), "%s", slash + 1) != 0) {
		mr_buf_puts(err, "--imap must look like imaps://host[:port]/MAILBOX");
		goto out;
	}
	for (const char *q = mailbox; *q; q++)
		if ((unsigned char)*q < 0x21 || *q == '"' || *q == '\\') {
			mr_buf_puts(err, "the IMAP mailbox name has characters this plugin does not quote");
			goto out;
		}
	c.h = curl_easy_init();
	if (c.h == NULL) {
		mr_buf_puts(err, "cannot initialise libcurl");
		goto out;
	}
	/* libcurl connects, negotiates TLS and logs in; nothing is selected, so the commands below decide. */
	if (mr_curl_setup(c.h, ic->cafile, !ic->insecure, rc->deadline, c.errbuf) != 0 ||
	    curl_easy_setopt(c.h, CURLOPT_URL, base) != CURLE_OK ||
	    curl_easy_setopt(c.h, CURLOPT_CONNECT_ONLY, 1L) != CURLE_OK ||
	    curl_easy_setopt(c.h, CURLOPT_USERNAME, ic->user) != CURLE_OK ||
	    curl_easy_setopt(c.h, CURLOPT_PASSWORD, ic->password) != CURLE_OK ||
	    curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "imaps") != CURLE_OK) {
		mr_buf_puts(err, "libcurl refused the IMAP settings");
		goto out;
	}
	if (rc->verbose >= 3) {
		curl_easy_setopt(c.h, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(c.h, CURLOPT_DEBUGFUNCTION, imap_on_debug);
		curl_easy_setopt(c.h, CURLOPT_DEBUGDATA, &login_seen);
	}
	{
		CURLcode cr = curl_easy_perform(c.h);
		if (cr != CURLE_OK) {
			mr_buf why;
			mr_curl_class cls;
			mr_buf_init(&why, 1024);
			cls = mr_curl_error(cr, c.errbuf, &why);
			if (cr == CURLE_LOGIN_DENIED)
				mr_buf_printf(err, "IMAP login failed for %s: %s", ic->user, mr_buf_str(&why));
			else if (cls == MR_CURL_TLS)
				mr_buf_printf(err, "IMAP TLS or certificate problem: %s (--cafile?)", mr_buf_str(&why));
			else
				mr_buf_printf(err, "cannot connect to the IMAP server: %s", mr_buf_str(&why));
			mr_buf_free(&why);
			goto out;
		}
	}
	/* The set-up is traced; libcurl has nothing useful to say about the raw sends and receives below. */
	curl_easy_setopt(c.h, CURLOPT_VERBOSE, 0L);
	mr_snprintf(cmd, sizeof(cmd), "EXAMINE \"%s\"", mailbox);
	if (imap_command(&c, cmd, rc->deadline, err) != 0)
		goto out;
	validity = parse_uidvalidity(mr_buf_str(&c.resp));
	/* SEARCH SINCE has day granularity: ask from the day before and filter on INTERNALDATE. */
	{
		time_t t = rc->since - 86400;
		gmtime_r(&t, &tm);
	}
	mr_snprintf(since, sizeof(since), "%d-%s-%04d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
	mr_snprintf(cmd, sizeof(cmd), "UID SEARCH SINCE %s", since);
	if (imap_command(&c, cmd, rc->deadline, err) != 0)
		goto out;
	{
		const char *p = strstr(mr_buf_str(&c.resp), "* SEARCH");
		while (p != NULL && *p && *p != '\r' && *p != '\n') {
			char *end;
			unsigned long uid;
			while (*p == ' ' || (*p >= 'A' && *p <= 'Z') || *p == '*')
				p++;
			uid = strtoul(p, &end, 10);
			if (end == p)
				break;
			p = end;
			unsigned long *v = mr_grow(uids, &capuids, nuids, sizeof(*v), 256);
			if (v == NULL) {
				mr_buf_puts(err, "out of memory");
				goto out;
			}
			uids = v;
			uids[nuids++] = uid;
		}
	}
	if (nuids > 1)
		qsort(uids, nuids, sizeof(*uids), cmp_uid);
	rc_ = imap_read_uids(&c, validity, uids, nuids, rc, st, err);
out:
	if (c.h != NULL)
		curl_easy_cleanup(c.h);
	free(uids);
	mr_buf_free(&c.resp);
	return rc_;
}

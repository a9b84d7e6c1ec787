/* jmrp_state.c: reads and writes the state file: a magic first line, then one tab-separated line per message
 * (key, arrival, kind, address or "-", domain or "-", label, reason). Keys are stored escaped (jmrp_judge.h:
 * printable ASCII, never empty, never a tab or a line break). A wrong magic (or an empty file) makes the whole
 * file foreign: it is ignored and rebuilt. A bad line (a bad field, a NUL byte, a line longer than the writer
 * ever writes) is skipped alone: its message is parsed again. The file is read in bounded chunks, only if it is a
 * regular file, and written through a temporary file made with mkstemp in its directory, then renamed. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jmrp_state.h"

/** First line of a state file. */
#define STATE_MAGIC "mailrep-jmrp-state 1"
/** Longest state-file line read (longer ones are skipped): well above the longest line written, which is key,
 *  arrival, kind, address, domain, label and reason with their tabs. */
#define STATE_LINE_MAX 2048
/** Bytes read from the file at a time. */
#define STATE_CHUNK 65536

_Static_assert(STATE_LINE_MAX > JMRP_KEY_MAX + 24 + 4 + MR_ADDR_STRLEN + JMRP_DOMAIN_MAX + 2 * JMRP_TEXT_MAX + 8,
               "every line the writer makes must be readable");

/** A state file being read, line by line, from chunks of any size. */
typedef struct state_reader {
	jmrp_counter *c;                  /**< the counter whose cache is filled */
	time_t since;                     /**< entries that arrived before are dropped */
	char line[STATE_LINE_MAX + 1];    /**< the current line so far (without its '\n') */
	size_t n;                         /**< bytes in line */
	int overlong;                     /**< the current line outgrew line: it is skipped */
	unsigned long lineno;             /**< lines ended so far */
	unsigned long bad;                /**< lines skipped as bad */
	unsigned long first_bad;          /**< number of the first bad line, 0 if none */
	int foreign;                      /**< the first line is not the magic: the whole file is ignored */
} state_reader;

/** 1 if key is one the writer makes (jmrp_judge.h: non-empty, shorter than JMRP_KEY_MAX, printable ASCII). */
static int key_ok(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n >= JMRP_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e)
			return 0;
	return 1;
}

/** Parse one state-file line and keep it unless it arrived before since; 0, or -1 if bad (also a field longer
 *  than the writer ever writes, which would otherwise be cut) or out of memory (c->oom set). */
/** Parse one state-file line and keep it unless it arrived before since; 0, or -1 if corrupt (also a field longer
 *  than the writer ever writes, which would otherwise be cut) or out of memory. */
static int parse_entry(jmrp_counter *c, char *line, time_t since)
{
	char *f[7];
	int nf = 0, has_ip = 0;
	long kind;
	long long arrival;
	char *end;
	mr_addr ip;

	for (char *p = line; nf < 7; nf++) {
		f[nf] = p;
		p = strchr(p, '\t');
		if (p == NULL) {
			nf++;
			break;
		}
		*p++ = '\0';
	}
	if (nf != 7 || !key_ok(f[0]) || strlen(f[4]) >= JMRP_DOMAIN_MAX ||
	    strlen(f[5]) >= JMRP_TEXT_MAX || strlen(f[6]) >= JMRP_TEXT_MAX)
		return -1;
	errno = 0;
	arrival = strtoll(f[1], &end, 10);
	if (errno != 0 || *end != '\0' || mr_parse_long(f[2], JMRP_UNPARSED, JMRP_OTHER, &kind) != 0)
		return -1;
	memset(&ip, 0, sizeof(ip));
	if (strcmp(f[3], "-") != 0) {
		if (mr_addr_parse(f[3], &ip) != 0)
			return -1;
		has_ip = 1;
	}
	if ((time_t)arrival < since)
		return 0; /* outside the window now: forget it */
	return jmrp_counter_add_cached(c, f[0], (time_t)arrival, (int)kind, has_ip, &ip,
	                               strcmp(f[4], "-") == 0 ? "" : f[4], f[5], f[6]);
}

/** End the current line of r: the magic on line 1, an entry on every other; a bad entry is counted and skipped. */
static void end_line(state_reader *r)
{
	int ok;

	r->lineno++;
	r->line[r->n] = '\0';
	if (r->lineno == 1)
		r->foreign = r->overlong || strcmp(r->line, STATE_MAGIC) != 0;
	else if (!r->foreign) {
		ok = !r->overlong && strlen(r->line) == r->n && parse_entry(r->c, r->line, r->since) == 0;
		if (!ok && !r->c->oom && r->bad++ == 0)
			r->first_bad = r->lineno;
	}
	r->n = 0;
	r->overlong = 0;
}

/** Feed len bytes of the file to r. */
static void feed(state_reader *r, const char *buf, size_t len)
{
	while (len > 0 && !r->foreign) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl != NULL ? (size_t)(nl - buf) : len;
		if (!r->overlong && take <= STATE_LINE_MAX - r->n) {
			memcpy(r->line + r->n, buf, take);
			r->n += take;
		} else {
			r->overlong = 1; /* far longer than any line written: skipped, its bytes not kept */
		}
		if (nl == NULL)
			return;
		end_line(r);
		buf = nl + 1;
		len -= take + 1;
	}
}

/** Start reading into c's cache. */
static void reader_start(state_reader *r, jmrp_counter *c, time_t since)
{
	memset(r, 0, sizeof(*r));
	r->c = c;
	r->since = since;
	jmrp_counter_keep(c);
}

/** End the read (a last line without '\n' counts): sort the cache, or drop it if the file is foreign or empty;
 *  0, or -1 if foreign. */
static int reader_finish(state_reader *r)
{
	if (r->n > 0 || r->overlong)
		end_line(r);
	if (r->foreign || r->lineno == 0) {
		jmrp_counter_cache_drop(r->c);
		return -1;
	}
	jmrp_counter_cache_done(r->c);
	return 0;
}

/** Read state-file bytes into the cache. */
int jmrp_state_read(jmrp_counter *c, const char *buf, size_t len, time_t since, unsigned long *bad_line)
{
	state_reader r;
	int rc;

	reader_start(&r, c, since);
	feed(&r, buf, len);
	rc = reader_finish(&r);
	*bad_line = rc != 0 ? (r.lineno > 0) : r.first_bad;
	return rc;
}

/** Load the state file; a foreign one is ignored with a note, bad lines are skipped with one. */
void jmrp_state_load(jmrp_counter *c, const char *path, time_t since)
{
	state_reader r;
	struct stat sb;
	char *buf = NULL;
	ssize_t got;
	int fd, e;

	reader_start(&r, c, since);
	/* O_NONBLOCK: a FIFO given as the state file must not hang the run before it is found not to be a file */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s unreadable (%s): ignored", path,
			            strerror(errno));
		return;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s is not a regular file: ignored", path);
		goto out;
	}
	buf = malloc(STATE_CHUNK);
	if (buf == NULL) {
		c->oom = 1;
		goto out;
	}
	while ((got = read(fd, buf, STATE_CHUNK)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			jmrp_counter_cache_drop(c);
			mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s unreadable (%s): ignored", path,
			            strerror(e));
			goto out;
		}
		feed(&r, buf, (size_t)got);
	}
	if (reader_finish(&r) != 0)
		mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s is corrupt (line %d): ignored, rebuilt",
		            path, r.lineno > 0);
	else if (r.bad > 0)
		mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s: %lu bad line%s skipped (%sline %lu)",
		            path, r.bad, r.bad == 1 ? "" : "s", r.bad == 1 ? "" : "first at ", r.first_bad);
out:
	free(buf);
	close(fd);
}

/** Write the entries seen in this run (and, if partial, the cached ones not met) to path atomically; 0 or -1. */
int jmrp_state_save(const jmrp_counter *c, const char *path, int partial, mr_buf *err)
{
	char tmp[4200], addr[MR_ADDR_STRLEN];
	struct stat st;
	FILE *f;
	int fd;

	/* a device, FIFO or link given as the state file is never replaced (as root, rename would replace /dev/zero) */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return mr_buf_printf(err, "state file %s is not a regular file: not replaced", path), -1;
	/* mkstemp: a fresh name no one can foresee, made with O_EXCL and mode 0600, in the state file's directory so
	 * that the rename below stays on one file system */
	if (mr_snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) != 0)
		return mr_buf_puts(err, "state file path too long"), -1;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return mr_buf_printf(err, "cannot write state file %s: %s", path, strerror(errno)), -1;
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(tmp);
		return mr_buf_printf(err, "cannot write state file %s", path), -1;
	}
	fprintf(f, "%s\n", STATE_MAGIC);
	for (size_t i = 0; i < c->n; i++) {
		const jmrp_entry *e = &c->v[i];
		const jmrp_ip_tally *ip = &c->ipv[e->ip];
		const char *dom = c->domv[e->domain].name;
		if (!e->seen && !(partial && i < c->ncached))
			continue;
		if (!ip->has_ip || mr_addr_format(&ip->ip, addr, sizeof(addr)) != 0)
			mr_snprintf(addr, sizeof(addr), "-");
		/* the label of a complaint is never shown, so it is not kept: its field stays empty */
		fprintf(f, "%s\t%lld\t%d\t%s\t%s\t%s\t%s\n", e->key, (long long)e->arrival, e->kind, addr,
		        dom[0] ? dom : "-", e->text ? e->text : "", e->text ? jmrp_entry_why(e->text) : "");
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f)) {
		fclose(f);
		unlink(tmp);
		return mr_buf_printf(err, "cannot write state file %s", path), -1;
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return mr_buf_printf(err, "cannot replace state file %s: %s", path, strerror(e)), -1;
	}
	return 0;
}

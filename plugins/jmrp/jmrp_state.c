/* jmrp_state.c: reads and writes the state file: a magic first line, then one tab-separated line per message
 * (key, arrival, kind, address or "-", domain or "-", label, reason). A line longer than the writer ever writes,
 * a NUL byte, a bad field or a wrong magic makes the whole file corrupt: it is then ignored and rebuilt. */
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
/** Longest state-file line read (longer ones make the file corrupt): well above the longest line written, which
 *  is key, arrival, kind, address, domain, label and reason with their tabs. */
#define STATE_LINE_MAX 2048

_Static_assert(STATE_LINE_MAX > JMRP_KEY_MAX + 24 + 4 + MR_ADDR_STRLEN + JMRP_DOMAIN_MAX + 2 * JMRP_TEXT_MAX + 8,
               "every line the writer makes must be readable");

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
	if (nf != 7 || f[0][0] == '\0' || strlen(f[0]) >= JMRP_KEY_MAX || strlen(f[4]) >= JMRP_DOMAIN_MAX ||
	    strlen(f[5]) >= JMRP_TEXT_MAX || strlen(f[6]) >= JMRP_TEXT_MAX)
		return -1;
	errno = 0;
	arrival = strtoll(f[1], &end, 10);
	if (errno != 0 || *end != '\0' || mr_parse_long(f[2], 0, 2, &kind) != 0)
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

/** Check and keep line number lineno (n bytes, NUL-terminated, its '\n' included if it had one): the magic on
 *  line 1, an entry on every other; 0, or -1 if corrupt. */
static int take_line(jmrp_counter *c, char *line, size_t n, unsigned long lineno, time_t since)
{
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n > STATE_LINE_MAX || strlen(line) != n)
		return -1; /* far longer than any line written, or a NUL byte inside */
	if (lineno == 1)
		return strcmp(line, STATE_MAGIC) == 0 ? 0 : -1;
	return parse_entry(c, line, since);
}

/** End a read: sort the cache if it went well (rc 0), else drop it; returns rc. */
static int finish(jmrp_counter *c, int rc)
{
	if (rc == 0)
		jmrp_counter_cache_done(c);
	else
		jmrp_counter_cache_drop(c);
	return rc;
}

/** Read state-file bytes into the cache. */
int jmrp_state_read(jmrp_counter *c, const char *buf, size_t len, time_t since, unsigned long *bad_line)
{
	char line[STATE_LINE_MAX + 2];
	unsigned long lineno = 0;
	size_t pos = 0;

	jmrp_counter_keep(c);
	*bad_line = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
		/* a line cut here is longer than STATE_LINE_MAX, which take_line finds corrupt */
		size_t take = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
		memcpy(line, buf + pos, take);
		line[take] = '\0';
		pos += n;
		if (take_line(c, line, take, ++lineno, since) != 0) {
			*bad_line = lineno;
			return finish(c, -1);
		}
	}
	return finish(c, lineno == 0 ? -1 : 0);
}

/** Load the state file; a corrupt one is ignored with a note. */
void jmrp_state_load(jmrp_counter *c, const char *path, time_t since)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int rc = 0;

	struct stat st;
	int fd;

	jmrp_counter_keep(c);
	/* O_NONBLOCK: a FIFO must not stall the run; only a regular file is read (not /dev/zero, a FIFO...) */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno != ENOENT)
			mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s unreadable (%s): ignored", path,
			            strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s is not a regular file: ignored", path);
		close(fd);
		return;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0)
		rc = take_line(c, line, (size_t)n, ++lineno, since);
	if (finish(c, rc != 0 || lineno == 0 ? -1 : 0) != 0)
		mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s is corrupt (line %lu): ignored, rebuilt",
		            path, lineno);
	free(line);
	fclose(f);
}

/** Write the entries seen in this run (and, if partial, the cached ones not met) to path atomically; 0 or -1. */
int jmrp_state_save(const jmrp_counter *c, const char *path, int partial, mr_buf *err)
{
	char tmp[4200], addr[MR_ADDR_STRLEN];
	FILE *f;
	int fd;

	struct stat st;

	if (mr_snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) != 0)
		return mr_buf_puts(err, "state file path too long"), -1;
	/* never replace a device, FIFO or directory by a state file (as root, /dev/zero would be gone) */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return mr_buf_printf(err, "state file %s is not a regular file: not replaced", path), -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return mr_buf_printf(err, "cannot write state file %s: %s", tmp, strerror(errno)), -1;
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(tmp);
		return mr_buf_printf(err, "cannot write state file %s", tmp), -1;
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
		return mr_buf_printf(err, "cannot write state file %s", tmp), -1;
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return mr_buf_printf(err, "cannot replace state file %s: %s", path, strerror(e)), -1;
	}
	return 0;
}

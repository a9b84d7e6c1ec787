/* jmrp_count.c: counts JMRP complaints (filters, per IP and per sender), keeps the state file, builds the report. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jmrp_count.h"

/** First line of a state file. */
#define STATE_MAGIC "mailrep-jmrp-state 1"
/** Most unparsed messages listed one by one. */
#define MAX_UNPARSED_LINES 1000

/** Start a counter with a copy of cfg. */
void jmrp_counter_init(jmrp_counter *c, const jmrp_count_config *cfg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
}

/** Free the counter. */
void jmrp_counter_free(jmrp_counter *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/** Append an empty entry; NULL when out of memory. */
static jmrp_entry *new_entry(jmrp_counter *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		jmrp_entry *v = realloc(c->v, cap * sizeof(*v));
		if (v == NULL) {
			c->oom = 1;
			return NULL;
		}
		c->v = v;
		c->cap = cap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	return &c->v[c->n++];
}

/** 1 if domain d equals f or is a subdomain of f (case-insensitive). */
static int domain_matches(const char *d, const char *f)
{
	size_t ld = strlen(d), lf = strlen(f);

	if (ld == lf)
		return strcasecmp(d, f) == 0;
	return ld > lf && d[ld - lf - 1] == '.' && strcasecmp(d + ld - lf, f) == 0;
}

/** 1 if a complaint entry passes the -H and --sender-domain filters. */
static int passes(const jmrp_counter *c, const jmrp_entry *e)
{
	int ok = c->cfg.nips == 0;

	for (size_t i = 0; !ok && i < c->cfg.nips; i++)
		ok = e->has_ip && mr_cidr_contains(&c->cfg.ips[i], &e->ip);
	if (!ok)
		return 0;
	if (c->cfg.ndomains == 0)
		return 1;
	for (size_t i = 0; i < c->cfg.ndomains; i++)
		if (e->domain[0] != '\0' && domain_matches(e->domain, c->cfg.domains[i]))
			return 1;
	return 0;
}

/** Count one entry met in this run. */
static void count_entry(jmrp_counter *c, jmrp_entry *e)
{
	e->seen = 1;
	if (e->kind == JMRP_UNPARSED)
		c->unparsed++;
	else if (passes(c, e))
		c->complaints++;
	else
		c->filtered++;
}

/** Compare entries by key. */
static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const jmrp_entry *)a)->key, ((const jmrp_entry *)b)->key);
}

/** Copy src into dst (size bytes) with tabs and line breaks replaced, for the state file and output. */
static void clean_copy(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; src[i] != '\0' && i + 1 < size; i++)
		dst[i] = (src[i] == '\t' || src[i] == '\n' || src[i] == '\r') ? ' ' : src[i];
	dst[i] = '\0';
}

/** Parse one state-file line into e; 0 or -1. */
static int parse_state_line(char *line, jmrp_entry *e)
{
	char *f[7];
	int nf = 0;
	long kind;
	long long arrival;
	char *end;

	for (char *p = line; nf < 7; nf++) {
		f[nf] = p;
		p = strchr(p, '\t');
		if (p == NULL) {
			nf++;
			break;
		}
		*p++ = '\0';
	}
	if (nf != 7 || f[0][0] == '\0')
		return -1;
	errno = 0;
	arrival = strtoll(f[1], &end, 10);
	if (errno != 0 || *end != '\0' || mr_parse_long(f[2], 0, 2, &kind) != 0)
		return -1;
	memset(e, 0, sizeof(*e));
	if (mr_snprintf(e->key, sizeof(e->key), "%s", f[0]) != 0)
		return -1;
	e->arrival = (time_t)arrival;
	e->kind = (int)kind;
	if (strcmp(f[3], "-") != 0) {
		if (mr_addr_parse(f[3], &e->ip) != 0)
			return -1;
		e->has_ip = 1;
	}
	clean_copy(e->domain, sizeof(e->domain), strcmp(f[4], "-") == 0 ? "" : f[4]);
	clean_copy(e->label, sizeof(e->label), f[5]);
	clean_copy(e->why, sizeof(e->why), f[6]);
	return 0;
}

/** Load the state file; a corrupt one is ignored with a note. */
void jmrp_state_load(jmrp_counter *c, const char *path, time_t since)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;

	if (f == NULL) {
		if (errno != ENOENT)
			mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s unreadable (%s): ignored", path,
			            strerror(errno));
		return;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		jmrp_entry *e;
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (lineno == 1) {
			if (strcmp(line, STATE_MAGIC) != 0)
				goto corrupt;
			continue;
		}
		e = new_entry(c);
		if (e == NULL || parse_state_line(line, e) != 0)
			goto corrupt;
		if (e->arrival < since)
			c->n--; /* outside the window now: forget it */
	}
	if (lineno == 0)
		goto corrupt;
	free(line);
	fclose(f);
	qsort(c->v, c->n, sizeof(*c->v), cmp_key);
	c->ncached = c->n;
	return;
corrupt:
	mr_snprintf(c->state_note, sizeof(c->state_note), "state file %s is corrupt (line %lu): ignored, rebuilt",
	            path, lineno);
	c->n = 0;
	free(line);
	fclose(f);
}

/** Write the entries seen in this run to path atomically; 0 or -1 with a reason. */
int jmrp_state_save(const jmrp_counter *c, const char *path, mr_buf *err)
{
	char tmp[4200], addr[MR_ADDR_STRLEN];
	FILE *f;
	int fd;

	if (mr_snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) != 0)
		return mr_buf_puts(err, "state file path too long"), -1;
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
		if (!e->seen)
			continue;
		if (!e->has_ip || mr_addr_format(&e->ip, addr, sizeof(addr)) != 0)
			mr_snprintf(addr, sizeof(addr), "-");
		fprintf(f, "%s\t%lld\t%d\t%s\t%s\t%s\t%s\n", e->key, (long long)e->arrival, e->kind, addr,
		        e->domain[0] ? e->domain : "-", e->label, e->why);
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

/** jmrp_known_cb: 1 (and the cached record counted) if key is in the state file. */
int jmrp_counter_known(void *counter, const char *key, const char *label, time_t arrival)
{
	jmrp_counter *c = counter;
	jmrp_entry probe, *e;

	if (c->ncached == 0 || mr_snprintf(probe.key, sizeof(probe.key), "%s", key) != 0)
		return 0;
	e = bsearch(&probe, c->v, c->ncached, sizeof(*c->v), cmp_key);
	if (e == NULL || e->seen)
		return 0;
	e->arrival = arrival;
	clean_copy(e->label, sizeof(e->label), label); /* new/ may have become cur/ */
	count_entry(c, e);
	return 1;
}

/** jmrp_msg_cb: parse one message and count it. */
int jmrp_counter_message(void *counter, const jmrp_msg *m)
{
	jmrp_counter *c = counter;
	jmrp_complaint comp;
	jmrp_entry *e = new_entry(c);

	if (e == NULL)
		return -1;
	clean_copy(e->key, sizeof(e->key), m->key);
	clean_copy(e->label, sizeof(e->label), m->label);
	e->arrival = m->arrival;
	if (m->data == NULL) {
		e->kind = JMRP_UNPARSED;
		mr_snprintf(e->why, sizeof(e->why), "larger than %d bytes", JMRP_MSG_MAX);
		c->too_large++;
	} else {
		jmrp_parse(m->data, m->len, &comp);
		e->kind = comp.kind;
		e->has_ip = comp.has_ip;
		e->ip = comp.source_ip;
		clean_copy(e->domain, sizeof(e->domain), comp.domain);
		clean_copy(e->why, sizeof(e->why), comp.kind == JMRP_UNPARSED ? comp.why : "");
	}
	count_entry(c, e);
	return 0;
}

/** A name and how often it occurred. */
typedef struct tally {
	const jmrp_entry *e;   /**< an entry carrying the name */
	size_t n;              /**< occurrences */
} tally;

/** Compare counted entries by IP (entries without IP last). */
static int cmp_ip(const void *a, const void *b)
{
	const jmrp_entry *x = *(const jmrp_entry *const *)a, *y = *(const jmrp_entry *const *)b;

	if (x->has_ip != y->has_ip)
		return y->has_ip - x->has_ip;
	return x->has_ip ? mr_addr_cmp(&x->ip, &y->ip) : 0;
}

/** Compare counted entries by domain. */
static int cmp_domain(const void *a, const void *b)
{
	return strcmp((*(const jmrp_entry *const *)a)->domain, (*(const jmrp_entry *const *)b)->domain);
}

/** Order tallies by count, highest first. */
static int cmp_tally(const void *a, const void *b)
{
	const tally *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

/** Group the sorted list by cmp into tallies (highest first); returns how many groups. */
static size_t group(const jmrp_entry **list, size_t n, int (*cmp)(const void *, const void *), tally *out)
{
	size_t g = 0;

	for (size_t i = 0; i < n; i++) {
		if (g > 0 && cmp(&list[i], &out[g - 1].e) == 0) {
			out[g - 1].n++;
			continue;
		}
		out[g].e = list[i];
		out[g].n = 1;
		g++;
	}
	qsort(out, g, sizeof(*out), cmp_tally);
	return g;
}

/** Add one informational line; 0 or -1. */
static int info_line(mr_check *chk, mr_state st, const char *text)
{
	mr_sub *s = mr_sub_add(chk, NULL, st, "%s", text);

	if (s == NULL)
		return -1;
	mr_sub_set_informational(s);
	return 0;
}

/** Fill the result: summary, state, long output and perfdata; 0 or -1. */
int jmrp_counter_report(jmrp_counter *c, const jmrp_report_config *rc, mr_check *chk)
{
	const jmrp_entry **list = NULL;
	tally *ips = NULL, *doms = NULL;
	size_t n = 0, nip = 0, ndom = 0, distinct_ips = 0, shown = 0;
	mr_state st = MR_OK;
	double rate = 0;
	char addr[MR_ADDR_STRLEN], line[512];
	int rc_ = -1;
	mr_buf sum;
	mr_perf p;

	mr_buf_init(&sum, 1024);
	list = calloc(c->n + 1, sizeof(*list));
	ips = calloc(c->n + 1, sizeof(*ips));
	doms = calloc(c->n + 1, sizeof(*doms));
	if (list == NULL || ips == NULL || doms == NULL)
		goto out;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].seen && c->v[i].kind != JMRP_UNPARSED && passes(c, &c->v[i]))
			list[n++] = &c->v[i];
	qsort(list, n, sizeof(*list), cmp_ip);
	nip = group(list, n, cmp_ip, ips);
	for (size_t i = 0; i < nip; i++)
		distinct_ips += ips[i].e->has_ip;
	qsort(list, n, sizeof(*list), cmp_domain);
	ndom = group(list, n, cmp_domain, doms);

	if (rc->thr->has_warn || rc->thr->has_crit)
		st = mr_thresholds_state(rc->thr, (double)c->complaints);
	if (rc->sent > 0) {
		rate = 100.0 * (double)c->complaints / (double)rc->sent;
		st = mr_state_worst(st, mr_thresholds_state(rc->rate, rate));
	}
	for (size_t i = 0; i < nip && i < c->cfg.max_details; i++) {
		if (!ips[i].e->has_ip) {
			mr_snprintf(line, sizeof(line), "no source IP: %zu complaint%s", ips[i].n, ips[i].n == 1 ? "" : "s");
		} else {
			if (mr_addr_format(&ips[i].e->ip, addr, sizeof(addr)) != 0)
				mr_snprintf(addr, sizeof(addr), "?");
			mr_snprintf(line, sizeof(line), "%s: %zu complaint%s", addr, ips[i].n, ips[i].n == 1 ? "" : "s");
		}
		if (info_line(chk, MR_OK, line) != 0)
			goto out;
	}
	for (size_t i = 0; i < ndom && i < c->cfg.max_details; i++) {
		mr_snprintf(line, sizeof(line), "sender %s: %zu complaint%s",
		            doms[i].e->domain[0] ? doms[i].e->domain : "(unknown)", doms[i].n, doms[i].n == 1 ? "" : "s");
		if (info_line(chk, MR_OK, line) != 0)
			goto out;
	}
	for (size_t i = 0; i < c->n; i++) {
		const jmrp_entry *e = &c->v[i];
		if (!e->seen || e->kind != JMRP_UNPARSED)
			continue;
		if (shown++ >= MAX_UNPARSED_LINES)
			continue;
		mr_snprintf(line, sizeof(line), "unparsed: %s: %s", e->label, e->why);
		if (info_line(chk, MR_UNKNOWN, line) != 0)
			goto out;
	}
	if (shown > MAX_UNPARSED_LINES) {
		mr_snprintf(line, sizeof(line), "%zu more unparsed messages not listed", shown - MAX_UNPARSED_LINES);
		if (info_line(chk, MR_UNKNOWN, line) != 0)
			goto out;
	}
	if (rc->st->vanished > 0) {
		mr_snprintf(line, sizeof(line), "%zu message%s vanished while reading (moved or deleted meanwhile)",
		            rc->st->vanished, rc->st->vanished == 1 ? "" : "s");
		if (info_line(chk, MR_OK, line) != 0)
			goto out;
	}
	if (rc->sent > 0) {
		char r[64];
		if (mr_format_double(rate, r, sizeof(r)) != 0)
			mr_snprintf(r, sizeof(r), "?");
		mr_snprintf(line, sizeof(line), "rate: %s%% of %ld sent", r, rc->sent);
		if (info_line(chk, mr_thresholds_state(rc->rate, rate), line) != 0)
			goto out;
	}
	if (c->state_note[0] != '\0' && info_line(chk, MR_OK, c->state_note) != 0)
		goto out;

	mr_buf_printf(&sum, "%zu complaint%s in the last %s (%zu IP%s)", c->complaints, c->complaints == 1 ? "" : "s",
	              rc->window, distinct_ips, distinct_ips == 1 ? "" : "s");
	if (nip > 0 && ips[0].e->has_ip && mr_addr_format(&ips[0].e->ip, addr, sizeof(addr)) == 0)
		mr_buf_printf(&sum, ", top %s: %zu", addr, ips[0].n);
	if (rc->sent > 0) {
		char r[64];
		if (mr_format_double(rate, r, sizeof(r)) == 0)
			mr_buf_printf(&sum, ", rate %s%%", r);
	}
	if (c->unparsed > 0)
		mr_buf_printf(&sum, ", %zu unparsed", c->unparsed);
	if (mr_check_set_summary(chk, "%s", mr_buf_str(&sum)) != 0)
		goto out;
	mr_check_set_state(chk, st);
	if (mr_perf_set(&p, "complaints", (double)c->complaints, "") != 0)
		goto out;
	p.thr = *rc->thr;
	if (mr_check_add_perf(chk, &p) != 0 || mr_perf_set(&p, "ips", (double)distinct_ips, "") != 0 ||
	    mr_check_add_perf(chk, &p) != 0 || mr_perf_set(&p, "unparsed", (double)c->unparsed, "") != 0 ||
	    mr_check_add_perf(chk, &p) != 0 || mr_perf_set(&p, "time", rc->elapsed, "s") != 0 ||
	    mr_check_add_perf(chk, &p) != 0)
		goto out;
	rc_ = 0;
out:
	free(list);
	free(ips);
	free(doms);
	mr_buf_free(&sum);
	return rc_;
}

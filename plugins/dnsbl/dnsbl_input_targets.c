/* dnsbl_targets.c: parses check_dnsbl targets and keeps the expanded list of address ranges and domains. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsbl_targets.h"

/** Longest line accepted in a targets file. */
#define LINE_MAX_LEN 512

/** Release every spec and unit. */
void dnsbl_targets_free(dnsbl_targets *t)
{
	free(t->spec);
	free(t->unit);
	memset(t, 0, sizeof(*t));
}

/** Append a spec to the list; 0 or -1 when out of memory. */
static int push_spec(dnsbl_targets *t, const dnsbl_tspec *s)
{
	dnsbl_tspec *v = mr_grow(t->spec, &t->capspec, t->nspec, sizeof(*v), 16);

	if (v == NULL)
		return -1;
	t->spec = v;
	t->spec[t->nspec++] = *s;
	return 0;
}

/** 1 if text consists only of digits and dots (so it must be an IPv4 address). */
static int looks_ipv4(const char *text)
{
	if (*text == '\0')
		return 0;
	for (; *text; text++)
		if (!isdigit((unsigned char)*text) && *text != '.')
			return 0;
	return 1;
}

/** Parse one -H value (IPv4, IPv6, CIDR or host name) and append it; 0 or -1 with a reason. */
int dnsbl_targets_add_host(dnsbl_targets *t, const char *text, mr_buf *err)
{
	dnsbl_tspec s;
	const char *why = NULL;

	memset(&s, 0, sizeof(s));
	if (strchr(text, '/') != NULL || strchr(text, ':') != NULL || looks_ipv4(text)) {
		if (mr_cidr_parse(text, &s.cidr, &why) != 0) {
			mr_buf_printf(err, "invalid address or range '%s': %s", text,
			              why ? why : "not an IPv4/IPv6 address or CIDR range");
			return -1;
		}
		s.kind = DNSBL_T_CIDR;
	} else if (mr_hostname_normalise(text, s.name, sizeof(s.name), &why) == 0) {
		s.kind = DNSBL_T_HOST;
	} else {
		mr_buf_printf(err, "invalid target '%s': not an IP address, CIDR range or host name (%s)", text, why);
		return -1;
	}
	if (push_spec(t, &s) != 0) {
		mr_buf_puts(err, "out of memory");
		return -1;
	}
	return 0;
}

/** Append a --mx domain or a --domain name; 0 or -1 with a reason. */
int dnsbl_targets_add_name(dnsbl_targets *t, dnsbl_tkind kind, const char *text, mr_buf *err)
{
	dnsbl_tspec s;
	const char *why = NULL;

	memset(&s, 0, sizeof(s));
	if (mr_hostname_normalise(text, s.name, sizeof(s.name), &why) != 0 || looks_ipv4(text)) {
		mr_buf_printf(err, "invalid domain name '%s'%s%s", text, why ? ": " : "", why ? why : "");
		return -1;
	}
	s.kind = kind;
	if (push_spec(t, &s) != 0) {
		mr_buf_puts(err, "out of memory");
		return -1;
	}
	return 0;
}

/** Strip a '#' comment and surrounding blanks from line in place; return the start of the content. */
static char *trim_line(char *line)
{
	char *hash = strchr(line, '#'), *end;

	if (hash != NULL)
		*hash = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return line;
}

/** Read a targets file: one -H value per line, '#' comments, blank lines ignored; 0 or -1 with "FILE line N: reason". */
int dnsbl_targets_add_file(dnsbl_targets *t, const char *path, mr_buf *err)
{
	char line[LINE_MAX_LEN];
	unsigned long lineno = 0;
	int rc = -1;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		mr_buf_printf(err, "cannot read targets file %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *content;
		mr_buf why;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			mr_buf_printf(err, "%s line %lu: line too long", path, lineno);
			goto out;
		}
		content = trim_line(line);
		if (*content == '\0')
			continue;
		mr_buf_init(&why, 512);
		if (dnsbl_targets_add_host(t, content, &why) != 0) {
			mr_buf_printf(err, "%s line %lu: %s", path, lineno, mr_buf_str(&why));
			mr_buf_free(&why);
			goto out;
		}
		mr_buf_free(&why);
	}
	if (ferror(f)) {
		mr_buf_printf(err, "cannot read targets file %s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

/** Append an expanded unit; refuses (-1, reason) when the total would pass max_targets. */
int dnsbl_targets_add_unit(dnsbl_targets *t, const dnsbl_unit *u, uint64_t max_targets, mr_buf *err)
{
	dnsbl_unit *v;

	if (u->size > max_targets || t->total > max_targets - u->size) {
		mr_buf_printf(err, "the targets expand to more than %llu addresses (--max-targets)",
		              (unsigned long long)max_targets);
		return -1;
	}
	v = mr_grow(t->unit, &t->capunit, t->nunit, sizeof(*v), 16);
	if (v == NULL) {
		mr_buf_puts(err, "out of memory");
		return -1;
	}
	t->unit = v;
	t->unit[t->nunit] = *u;
	t->unit[t->nunit].first = t->total;
	t->total += u->size;
	t->nunit++;
	return 0;
}

/** Find the unit holding target index i (binary search); NULL if out of range. */
const dnsbl_unit *dnsbl_targets_unit_of(const dnsbl_targets *t, uint64_t i)
{
	size_t lo = 0, hi = t->nunit;

	if (i >= t->total)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->unit[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return &t->unit[lo];
}

/** The address of target i inside unit u (not for domain or failed units). */
void dnsbl_unit_addr(const dnsbl_unit *u, uint64_t i, mr_addr *out)
{
	*out = u->cidr.base;
	/* i - first < the unit's size: the sum stays inside the range, it cannot wrap */
	(void)mr_addr_add(out, i - u->first);
}

/** Print target i for output: "192.0.2.5", "192.0.2.5 (mail.example.com)" or the domain; 0 or -1. */
int dnsbl_target_label(const dnsbl_targets *t, uint64_t i, char *dst, size_t size)
{
	const dnsbl_unit *u = dnsbl_targets_unit_of(t, i);
	char addr[MR_ADDR_STRLEN];
	mr_addr a;

	if (u == NULL)
		return -1;
	if (u->is_domain || u->failed)
		return mr_snprintf(dst, size, "%s", u->name);
	dnsbl_unit_addr(u, i, &a);
	if (mr_addr_format(&a, addr, sizeof(addr)) != 0)
		return -1;
	if (u->name[0] != '\0')
		return mr_snprintf(dst, size, "%s (%s)", addr, u->name);
	return mr_snprintf(dst, size, "%s", addr);
}

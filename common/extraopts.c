/* extraopts.c: owns --extra-opts=[section][@file]: the Monitoring Plugins ini search path, reading
 * and checking the ini text, and turning a section's keys into command-line arguments. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "options.h"
#include "secret.h"

/** Largest ini file read, in bytes. */
#define INI_FILE_MAX (1024 * 1024)
/** Longest line (without its line end) that inih reads whole: its buffer also holds CR, LF and NUL. */
#define LINE_MAX_CHARS (INI_MAX_LINE - 3)
/** Longest section name inih keeps whole (its section buffer has 50 bytes). */
#define SECTION_MAX_CHARS 49
/** Longest path built from $NAGIOS_CONFIG_PATH. */
#define INI_PATH_MAX 4096

/** File names tried in each directory of $NAGIOS_CONFIG_PATH, in order. */
static const char *const dir_names[] = {
	"monitoring-plugins.ini",
	"plugins.ini",
	"nagios-plugins.ini",
};

/** The standard places, in order, after $MP_CONFIG_FILE and $NAGIOS_CONFIG_PATH. */
static const char *const default_files[] = {
	"/usr/local/etc/monitoring-plugins/monitoring-plugins.ini",
	"/usr/local/etc/monitoring-plugins.ini",
	"/etc/monitoring-plugins/monitoring-plugins.ini",
	"/etc/monitoring-plugins.ini",
	"/etc/nagios/plugins.ini",
	"/usr/local/nagios/etc/plugins.ini",
	"/usr/local/etc/nagios/plugins.ini",
	"/etc/opt/nagios/plugins.ini",
	"/etc/nagios-plugins.ini",
	"/usr/local/etc/nagios-plugins.ini",
	"/etc/opt/nagios-plugins.ini",
};

/** What the inih callback collects for the wanted section. */
typedef struct collect {
	const char *section;  /**< wanted section name */
	char **args;          /**< arguments built so far, owned */
	int nargs;            /**< used entries of args */
	int cap;              /**< allocated entries of args */
	int keys;             /**< keys seen in the wanted section */
	int failed;           /**< out of memory */
} collect;

/** 1 if path names an existing file system object (the search takes the first that exists). */
static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/** Find the ini file on the search path into dst; 0, or -1 with a reason in err. */
static int find_default_file(char *dst, size_t size, mr_buf *err)
{
	const char *env = getenv("MP_CONFIG_FILE");
	size_t i;

	if (env != NULL && *env != '\0' && exists(env)) {
		if (mr_snprintf(dst, size, "%s", env) != 0) {
			mr_buf_puts(err, "$MP_CONFIG_FILE is too long");
			return -1;
		}
		return 0;
	}
	env = getenv("NAGIOS_CONFIG_PATH");
	while (env != NULL && *env != '\0') {
		size_t len = strcspn(env, ":");

		if (len > 0 && len < INI_PATH_MAX) {
			for (i = 0; i < sizeof(dir_names) / sizeof(dir_names[0]); i++) {
				if (mr_snprintf(dst, size, "%.*s/%s", (int)len, env, dir_names[i]) == 0 && exists(dst))
					return 0;
			}
		}
		env += len;
		if (*env == ':')
			env++;
	}
	for (i = 0; i < sizeof(default_files) / sizeof(default_files[0]); i++) {
		if (exists(default_files[i]) && mr_snprintf(dst, size, "%s", default_files[i]) == 0)
			return 0;
	}
	mr_buf_puts(err, "no ini file found ($MP_CONFIG_FILE, $NAGIOS_CONFIG_PATH and the standard places "
	                 "such as /etc/monitoring-plugins/monitoring-plugins.ini)");
	return -1;
}

/** Read all of fd (at most INI_FILE_MAX bytes) into a new NUL-terminated buffer; 0, or -1 with reason. */
static int read_fd(int fd, const char *name, char **data, size_t *len, mr_buf *err)
{
	size_t cap = 8192;
	size_t got = 0;
	char *buf = malloc(cap + 1);
	int rc = -1;

	if (buf == NULL) {
		mr_buf_printf(err, "%s: out of memory", name);
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (got == cap) {
			char *bigger;

			if (cap > INI_FILE_MAX) {
				mr_buf_printf(err, "%s: larger than %d bytes", name, INI_FILE_MAX);
				goto out;
			}
			cap *= 2;
			bigger = realloc(buf, cap + 1);
			if (bigger == NULL) {
				mr_buf_printf(err, "%s: out of memory", name);
				goto out;
			}
			buf = bigger;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mr_buf_printf(err, "%s: cannot read: %s", name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > INI_FILE_MAX)
			break;
	}
	if (got > INI_FILE_MAX) {
		mr_buf_printf(err, "%s: larger than %d bytes", name, INI_FILE_MAX);
		goto out;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
	rc = 0;
out:
	if (buf != NULL) {
		memset(buf, 0, got);
		free(buf);
	}
	return rc;
}

/** Read the ini file (or stdin for "-") into memory; 0, or -1 with a reason in err. */
static int load_file(const char *file, char **data, size_t *len, mr_buf *err)
{
	int fd;
	int rc;

	if (strcmp(file, "-") == 0)
		return read_fd(STDIN_FILENO, "stdin", data, len, err);
	/* blocking: a FIFO such as bash's <(...) must be waited for, not refused */
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		mr_buf_printf(err, "%s: cannot open: %s", file, strerror(errno));
		return -1;
	}
	rc = read_fd(fd, file, data, len, err);
	close(fd);
	return rc;
}

/** 1 for the blanks trimmed around ini lines, keys and values. */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/** 1 if s[0..n) is an option name: letters, digits, '-' and '_', not starting with '-'. */
static int valid_key(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '-' || s[0] == '_')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_'))
			return 0;
	}
	return 1;
}

/** 1 if s[0..n) holds a blank followed by ';', which inih would cut off as an inline comment. */
static int has_inline_comment(const char *s, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (s[i] == ';' && is_blank(s[i - 1]))
			return 1;
	return 0;
}

/**
 * Check every line of the ini text and write a canonical copy for inih into out (one output line
 * per input line, so line numbers agree): "[name]", "key=value" or an empty line. inih's own
 * leniencies (indented continuation lines, "key: value", inline comments, long lines cut in two,
 * truncated section names) therefore never apply. Sets *seen if the wanted section exists.
 * 0, or -1 with "NAME line N: reason" in err; values are never quoted in errors.
 */
static int check_lines(const char *name, const char *data, size_t len, const char *wanted, char *out,
                       int *seen, mr_buf *err)
{
	const char *p = data;
	const char *end = data + len;
	const char *reason = NULL;
	size_t o = 0;
	int lineno = 0;
	int in_section = 0;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p;
		const char *e = nl != NULL ? nl : end;

		lineno++;
		p = nl != NULL ? nl + 1 : end;
		if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
			reason = "NUL byte";
			goto bad;
		}
		if (e > s && e[-1] == '\r')
			e--;
		if ((size_t)(e - s) > LINE_MAX_CHARS) {
			mr_buf_printf(err, "%s line %d: line too long (at most %d characters)", name, lineno,
			              LINE_MAX_CHARS);
			return -1;
		}
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		if (s == e || *s == ';' || *s == '#') {
			/* blank line or comment */
		} else if (*s == '[') {
			const char *ns = s + 1;
			const char *ne = memchr(s, ']', (size_t)(e - s));
			const char *rest;

			if (ne == NULL) {
				reason = "section header without ']'";
				goto bad;
			}
			rest = ne + 1;
			while (rest < e && is_blank(*rest))
				rest++;
			if (rest < e && *rest != ';' && *rest != '#') {
				reason = "text after a section header";
				goto bad;
			}
			while (ns < ne && is_blank(*ns))
				ns++;
			while (ne > ns && is_blank(ne[-1]))
				ne--;
			if (ns == ne) {
				reason = "empty section name";
				goto bad;
			}
			if (ne - ns > SECTION_MAX_CHARS) {
				reason = "section name too long";
				goto bad;
			}
			if (memchr(ns, '[', (size_t)(ne - ns)) != NULL || memchr(ns, ';', (size_t)(ne - ns)) != NULL) {
				reason = "invalid section name";
				goto bad;
			}
			in_section = 1;
			if (strlen(wanted) == (size_t)(ne - ns) && memcmp(ns, wanted, (size_t)(ne - ns)) == 0)
				*seen = 1;
			out[o++] = '[';
			memcpy(out + o, ns, (size_t)(ne - ns));
			o += (size_t)(ne - ns);
			out[o++] = ']';
		} else {
			const char *eq = memchr(s, '=', (size_t)(e - s));
			const char *ke;
			const char *vs;

			if (eq == NULL) {
				reason = "line without '='";
				goto bad;
			}
			if (!in_section) {
				reason = "content before the first section";
				goto bad;
			}
			ke = eq;
			while (ke > s && is_blank(ke[-1]))
				ke--;
			if (!valid_key(s, (size_t)(ke - s))) {
				reason = "invalid option name (letters, digits, '-' and '_' only)";
				goto bad;
			}
			vs = eq + 1;
			while (vs < e && is_blank(*vs))
				vs++;
			if (has_inline_comment(vs, (size_t)(e - vs))) {
				reason = "a ';' after a blank inside a value would start a comment";
				goto bad;
			}
			memcpy(out + o, s, (size_t)(ke - s));
			o += (size_t)(ke - s);
			out[o++] = '=';
			memcpy(out + o, vs, (size_t)(e - vs));
			o += (size_t)(e - vs);
		}
		out[o++] = '\n';
	}
	out[o] = '\0';
	return 0;
bad:
	mr_buf_printf(err, "%s line %d: %s", name, lineno, reason);
	return -1;
}

/** A new string joining a, b, c and d (c and d may be NULL); NULL on allocation failure. */
static char *concat(const char *a, const char *b, const char *c, const char *d)
{
	const char *parts[4];
	size_t lens[4];
	size_t total = 0;
	size_t i;
	char *s;

	parts[0] = a;
	parts[1] = b;
	parts[2] = c != NULL ? c : "";
	parts[3] = d != NULL ? d : "";
	for (i = 0; i < 4; i++) {
		lens[i] = strlen(parts[i]);
		total += lens[i];
	}
	s = malloc(total + 1);
	if (s == NULL)
		return NULL;
	total = 0;
	for (i = 0; i < 4; i++) {
		memcpy(s + total, parts[i], lens[i]);
		total += lens[i];
	}
	s[total] = '\0';
	return s;
}

/** Append an owned argument to the collection; 0, or -1 (argument freed) on allocation failure. */
static int push_arg(collect *c, char *arg)
{
	if (arg == NULL)
		return -1;
	if (c->nargs == c->cap) {
		int ncap = c->cap > 0 ? c->cap * 2 : 16;
		char **bigger = realloc(c->args, (size_t)ncap * sizeof(*bigger));

		if (bigger == NULL) {
			mr_secret_free(arg);
			return -1;
		}
		c->args = bigger;
		c->cap = ncap;
	}
	c->args[c->nargs++] = arg;
	return 0;
}

/** inih callback: turn each key of the wanted section into "--key[=value]" or "-k [value]"; 1, or 0 on failure. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	collect *c = user;
	int rc;

	if (strcmp(section, c->section) != 0)
		return 1;
	c->keys++;
	if (value == NULL)
		value = "";
	if (name[1] == '\0') {
		/* a one-letter key is a short option: "-k" and the value as the next argument */
		rc = push_arg(c, concat("-", name, NULL, NULL));
		if (rc == 0 && *value != '\0')
			rc = push_arg(c, mr_strdup(value));
	} else if (*value != '\0') {
		rc = push_arg(c, concat("--", name, "=", value));
	} else {
		rc = push_arg(c, concat("--", name, NULL, NULL));
	}
	if (rc != 0) {
		c->failed = 1;
		return 0;
	}
	return 1;
}

/** Split SPEC "[section][@file]" into an owned section (default plugin_name) and file (NULL: search). */
static int parse_spec(const char *spec, const char *plugin_name, char **section, char **file, mr_buf *err)
{
	const char *at;
	size_t slen;

	*section = NULL;
	*file = NULL;
	if (spec == NULL)
		spec = "";
	at = strchr(spec, '@');
	slen = at != NULL ? (size_t)(at - spec) : strlen(spec);
	if (at != NULL && at[1] == '\0') {
		mr_buf_puts(err, "empty file name after '@'");
		return -1;
	}
	if (slen > 0) {
		*section = malloc(slen + 1);
		if (*section != NULL) {
			memcpy(*section, spec, slen);
			(*section)[slen] = '\0';
		}
	} else {
		*section = mr_strdup(plugin_name);
	}
	if (at != NULL)
		*file = mr_strdup(at + 1);
	if (*section == NULL || (at != NULL && *file == NULL)) {
		free(*section);
		free(*file);
		*section = NULL;
		*file = NULL;
		mr_buf_puts(err, "out of memory");
		return -1;
	}
	return 0;
}

/** Read the ini arguments for --extra-opts=spec; 0, or -1 with "FILE line N: reason". */
int mr_extra_opts_read(const char *spec, const char *plugin_name, char ***args, int *nargs, mr_buf *err)
{
	char found[INI_PATH_MAX];
	collect c;
	char *section = NULL;
	char *file = NULL;
	char *data = NULL;
	char *text = NULL;
	const char *name;
	size_t len = 0;
	int seen = 0;
	int rc = -1;
	int prc;

	memset(&c, 0, sizeof(c));
	*args = NULL;
	*nargs = 0;
	if (plugin_name == NULL || *plugin_name == '\0') {
		mr_buf_puts(err, "no default section");
		goto out;
	}
	if (parse_spec(spec, plugin_name, &section, &file, err) != 0)
		goto out;
	if (file == NULL) {
		if (find_default_file(found, sizeof(found), err) != 0)
			goto out;
		name = found;
	} else {
		name = file;
	}
	if (load_file(name, &data, &len, err) != 0)
		goto out;
	if (strcmp(name, "-") == 0)
		name = "stdin";
	text = malloc(len + 2);
	if (text == NULL) {
		mr_buf_printf(err, "%s: out of memory", name);
		goto out;
	}
	if (check_lines(name, data, len, section, text, &seen, err) != 0)
		goto out;
	c.section = section;
	prc = ini_parse_string(text, on_key, &c);
	if (c.failed) {
		mr_buf_printf(err, "%s: out of memory", name);
		goto out;
	}
	if (prc > 0) {
		mr_buf_printf(err, "%s line %d: cannot parse", name, prc);
		goto out;
	}
	if (prc != 0) {
		mr_buf_printf(err, "%s: cannot parse", name);
		goto out;
	}
	if (!seen) {
		mr_buf_printf(err, "%s: section [%s] not found", name, section);
		goto out;
	}
	if (c.keys == 0) {
		mr_buf_printf(err, "%s: section [%s] is empty", name, section);
		goto out;
	}
	*args = c.args;
	*nargs = c.nargs;
	c.args = NULL;
	c.nargs = 0;
	rc = 0;
out:
	mr_extra_opts_free(c.args, c.nargs);
	if (data != NULL) {
		memset(data, 0, len);
		free(data);
	}
	if (text != NULL) {
		memset(text, 0, len + 2);
		free(text);
	}
	free(section);
	free(file);
	return rc;
}

/** Wipe and free a vector returned by mr_extra_opts_read. */
void mr_extra_opts_free(char **args, int nargs)
{
	int i;

	if (args == NULL)
		return;
	for (i = 0; i < nargs; i++)
		mr_secret_free(args[i]);
	free(args);
}

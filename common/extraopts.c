/* extraopts.c: owns --extra-opts=[section][@file]: the Monitoring Plugins ini search path and
 * turning a section's keys into command-line arguments (reading and checking the ini text is
 * common/ini.c's job). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini.h"
#include "options.h"
#include "secret.h"

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

/** Longest key quoted in a message. */
#define KEY_QUOTE_MAX 64

/** What the ini callback collects for the wanted section. */
typedef struct collect {
	const char *section;  /**< wanted section name */
	mr_extra_opts_lookup lookup; /**< says which keys are options, or NULL to take every key */
	void *lookup_user;    /**< its argument */
	char **args;          /**< arguments built so far, owned */
	int nargs;            /**< used entries of args */
	int cap;              /**< allocated entries of args */
	const char *plugin;   /**< the plugin's name, for messages */
	int keys;             /**< keys seen in the wanted section */
	int seen;             /**< the wanted section exists */
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

/**
 * Check a key against the plugin's options: it must name one exactly (never a getopt abbreviation),
 * a flag takes no value and an option with an argument needs one. 0, or -1 after a message that
 * names the key and never the value (it may be a secret given to the wrong key).
 */
static int check_key(const collect *c, const mr_ini_item *item, mr_ini_msg *msg)
{
	mr_arg arg = MR_ARG_NONE;
	int w = KEY_QUOTE_MAX;

	if (c->lookup == NULL)
		return 0;
	if (c->lookup(c->lookup_user, item->key, &arg) != 0) {
		mr_ini_fail(msg, item->line, "'%.*s' in [%.*s%s] is no option of %s (keys are option names written in full)",
		            w, item->key, KEY_QUOTE_MAX, c->section, mr_cut_mark(c->section, KEY_QUOTE_MAX), c->plugin);
		return -1;
	}
	if (arg == MR_ARG_NONE && *item->value != '\0') {
		mr_ini_fail(msg, item->line, "'%.*s' takes no value (write '%.*s =')", w, item->key, w, item->key);
		return -1;
	}
	if (arg == MR_ARG_REQUIRED && *item->value == '\0') {
		mr_ini_fail(msg, item->line, "'%.*s' needs a value ('%.*s = VALUE')", w, item->key, w, item->key);
		return -1;
	}
	return 0;
}

/** ini callback (the wanted section only): note it; turn each key into "--key[=value]" or "-k [value]". */
static int on_item(void *user, const mr_ini_item *item, mr_ini_msg *msg)
{
	collect *c = user;
	const char *value = item->value;
	int rc;

	if (item->key == NULL) {
		c->seen = 1;
		return 0;
	}
	if (check_key(c, item, msg) != 0)
		return -1;
	c->keys++;
	if (item->key[1] == '\0') {
		/* a one-letter key is a short option: "-k" and the value as the next argument */
		rc = push_arg(c, concat("-", item->key, NULL, NULL));
		if (rc == 0 && *value != '\0')
			rc = push_arg(c, mr_strdup(value));
	} else if (*value != '\0') {
		rc = push_arg(c, concat("--", item->key, "=", value));
	} else {
		rc = push_arg(c, concat("--", item->key, NULL, NULL));
	}
	if (rc != 0) {
		mr_ini_fail(msg, 0, "out of memory");
		return -1;
	}
	return 0;
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
int mr_extra_opts_read(const char *spec, const char *plugin_name, mr_extra_opts_lookup lookup, void *user,
                       char ***args, int *nargs, mr_buf *err)
{
	char found[INI_PATH_MAX];
	char *section = NULL;
	char *file = NULL;
	char *data = NULL;
	const char *name;
	int rc = -1;

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
	if (strcmp(name, "-") == 0) {
		name = "stdin";
		data = mr_ini_read_fd(STDIN_FILENO, name, MR_INI_FILE_MAX, err);
	} else {
		data = mr_ini_read_file(name, MR_INI_FILE_MAX, err);
	}
	if (data == NULL)
		goto out;
	rc = mr_extra_opts_parse(data, strlen(data), name, section, plugin_name, lookup, user, args, nargs, err);
out:
	mr_ini_text_free(data);
	free(section);
	free(file);
	return rc;
}

/** Turn the section of an ini text into arguments; see options.h. */
int mr_extra_opts_parse(const char *text, size_t len, const char *name, const char *section, const char *plugin_name,
                        mr_extra_opts_lookup lookup, void *user, char ***args, int *nargs, mr_buf *err)
{
	collect c;
	mr_ini_msg msg;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	*args = NULL;
	*nargs = 0;
	/* Only the asked section is read (other sections of a shared file may hold anything); its lines
	 * may be indented as in Monitoring Plugins' files; no inline comments, no "key: value". */
	c.section = section;
	c.plugin = plugin_name;
	c.lookup = lookup;
	c.lookup_user = user;
	msg.origin = name;
	msg.err = err;
	msg.failed = 0;
	if (mr_ini_parse_buf(text, len, section, MR_INI_INDENT_OK, on_item, &c, &msg) != 0)
		goto out;
	if (!c.seen) {
		mr_buf_printf(err, "%.*s%s: section [%.*s%s] not found", MR_QUOTED_NAME(name),
		              KEY_QUOTE_MAX, section, mr_cut_mark(section, KEY_QUOTE_MAX));
		goto out;
	}
	if (c.keys == 0) {
		mr_buf_printf(err, "%.*s%s: section [%.*s%s] is empty", MR_QUOTED_NAME(name),
		              KEY_QUOTE_MAX, section, mr_cut_mark(section, KEY_QUOTE_MAX));
		goto out;
	}
	*args = c.args;
	*nargs = c.nargs;
	c.args = NULL;
	c.nargs = 0;
	rc = 0;
out:
	mr_extra_opts_free(c.args, c.nargs);
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

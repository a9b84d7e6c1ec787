/* options.h: the shared option table, --help/--version/usage text and --extra-opts merging. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_OPTIONS_H
#define MR_OPTIONS_H

#include <stddef.h>

#include "range.h"
#include "render.h"
#include "state.h"
#include "util.h"

/** Whether an option takes an argument. */
typedef enum mr_arg {
	MR_ARG_NONE = 0,  /**< a flag */
	MR_ARG_REQUIRED,  /**< --name=VALUE or --name VALUE */
	MR_ARG_OPTIONAL   /**< --name or --name=VALUE only */
} mr_arg;

/** Option flags. */
enum {
	MR_OPT_REPEAT = 1u << 0, /**< may be given more than once (said in --help) */
	MR_OPT_SECRET = 1u << 1  /**< the value is a secret or names a secret's file: masked in every message from the
	                              moment it is read, never quoted; implied by MR_T_SECRET and MR_T_SECRET_FILE */
};

/** How a row's value is checked and stored; offsets (off, off2) are into the group's cfg. */
typedef enum mr_opt_type {
	MR_T_CUSTOM = 0,  /**< the group's handler stores it (zone specs, dates, names the plugin checks) */
	MR_T_FLAG,        /**< int at off = 1 */
	MR_T_SET,         /**< int at off = (int)lo: one of several flags writing the same field (-4/-6) */
	MR_T_STRING,      /**< const char * at off: the argument itself (it lives until exit) */
	MR_T_FILE,        /**< const char * at off; the file must be readable now */
	MR_T_SECRET_FILE, /**< const char * at off: a file holding a secret, read later (mr_plugin_secret) */
	MR_T_SECRET,      /**< const char * at off, registered for masking as soon as it is read */
	MR_T_STATE,       /**< mr_state at off: ok, warning, critical, unknown or 0-3 */
	MR_T_RANGE,       /**< mr_range at off, and int at off2 set to 1 */
	MR_T_COUNT,       /**< long at off, a whole number from lo to hi */
	MR_T_SECONDS,     /**< double at off, seconds from lo to hi, decimals allowed */
	MR_T_DURATION,    /**< long seconds at off: N with s, m, h or d, 1 s to hi s; const char * text at off2 */
	MR_T_CIDR_LIST,   /**< mr_cidr array at off, size_t count at off2, at most hi entries */
	MR_T_DOMAIN_LIST, /**< const char * array at off, size_t count at off2, at most hi host or domain names */
	MR_T_CHOICE       /**< int at off = values[i] for the argument words[i] */
} mr_opt_type;

/** One row of an option table; a table ends with MR_OPTION_END (long_name NULL). */
typedef struct mr_option {
	const char *long_name;  /**< "zone" for --zone */
	int short_name;         /**< 'z', or 0 for none */
	mr_arg arg;             /**< argument kind */
	const char *arg_name;   /**< placeholder in --help, e.g. "ZONE[=CODES]" */
	const char *help;       /**< help text; wrapped to 80 columns */
	int id;                 /**< passed to the group's handler (MR_T_CUSTOM rows) */
	unsigned flags;         /**< MR_OPT_* */
	mr_opt_type type;       /**< how the value is checked and stored */
	size_t off;             /**< where it is stored: offsetof into the group's cfg */
	size_t off2;            /**< second field (range flag, list count, duration text) */
	double lo;              /**< lowest value (count, seconds), or the value of MR_T_SET */
	double hi;              /**< highest value, longest duration in seconds, or most list entries */
	const char *const *words; /**< MR_T_CHOICE: the accepted words, ended by NULL */
	const int *values;      /**< MR_T_CHOICE: the value stored for each word */
} mr_option;

/** The row that ends an option table. */
#define MR_OPTION_END { .long_name = NULL }
/** Where a typed row stores its value: MR_AT(config type, member). */
#define MR_AT(type, member) offsetof(type, member)

/**
 * Handler of a group's options: store arg (NULL for flags) for option id into cfg.
 * Returns 0, or -1 with a one-line reason (without the option name) in err.
 */
typedef int (*mr_option_handler)(void *cfg, int id, const char *arg, mr_buf *err);

/** A titled group of options with one handler, e.g. the plugin's own or the DNS group. */
typedef struct mr_option_group {
	const char *title;          /**< heading in --help */
	const mr_option *options;   /**< table, ended by a NULL long_name */
	mr_option_handler handle;   /**< stores values into cfg */
	void *cfg;                  /**< passed to handle */
} mr_option_group;

/** Which common options a plugin offers beyond the always-present ones. */
enum {
	MR_COMMON_THRESHOLDS = 1u << 0  /**< -w/--warning and -c/--critical */
};

/** What a plugin tells the option parser about itself. */
typedef struct mr_plugin_info {
	const char *name;            /**< "check_dnsbl": program name, default ini section */
	const char *prefix;          /**< "DNSBL": first word of every output */
	const char *purpose;         /**< one paragraph for --help */
	const char *usage;           /**< usage text after the program name, may hold \n */
	const char *notes;           /**< text printed after the options in --help, or NULL */
	double default_timeout;      /**< seconds */
	unsigned common_flags;       /**< MR_COMMON_* */
	const char *warning_help;    /**< help for -w when MR_COMMON_THRESHOLDS */
	const char *critical_help;   /**< help for -c when MR_COMMON_THRESHOLDS */
	const mr_option_group *groups; /**< the plugin's option groups */
	size_t ngroups;              /**< number of groups */
	const char *const *examples; /**< command lines for the "Examples:" section of --help, ended by NULL */
} mr_plugin_info;

/** Values of the common options after parsing. */
typedef struct mr_common {
	int verbose;                 /**< 0..3 */
	double timeout;              /**< seconds, > 0 */
	mr_state timeout_state;      /**< state when the timeout hits */
	mr_format format;            /**< output format */
	mr_thresholds thr;           /**< -w/-c */
} mr_common;

/** Outcome of mr_options_parse. */
typedef enum mr_parse_status {
	MR_PARSE_OK = 0,   /**< run the check */
	MR_PARSE_EXIT,     /**< --help or --version was printed: exit UNKNOWN */
	MR_PARSE_ERROR,    /**< err holds "--option: reason"; print it with the usage, exit UNKNOWN */
	MR_PARSE_FAIL      /**< a runtime error (an ini file, a file option that cannot be read): err is one line,
	                        printed without the usage (mr_options_print_failure), exit UNKNOWN */
} mr_parse_status;

/**
 * Merge --extra-opts ini arguments (inserted after argv[0]) and parse everything.
 * Fills common with defaults first, then calls the groups' handlers in argument order.
 * Prints --help/--version itself. The merged vector lives in new memory (ini secrets do
 * not reach /proc/PID/cmdline); the vector is freed before return, but the ini argument
 * strings stay alive until exit (handlers may keep pointers to them) and are wiped and
 * freed by an atexit handler. Errors name the option ("-t/--timeout: ..." or "--rate: ...")
 * and end with " (from --extra-opts)" when the bad argument came from an ini file. Ini keys must name
 * options exactly (never getopt abbreviations). The values of secret rows (MR_OPT_SECRET) are
 * registered for masking as they are read.
 */
mr_parse_status mr_options_parse(const mr_plugin_info *p, int argc, char **argv,
                                 mr_common *common, mr_buf *err);

/**
 * The timeout the command line gives itself, before the options are parsed: the last valid -t/--timeout (in any
 * spelling getopt takes) before "--", and --timeout-result, replace *timeout and *st (which hold the defaults).
 * Reading the options (an --extra-opts FIFO, a file an option names) is bounded by it.
 */
void mr_options_early_timeout(int argc, char **argv, double *timeout, mr_state *st);

/**
 * Check and store arg (NULL for flags) by the row's type into the group config cfg (MR_T_CUSTOM rows are the
 * handler's). Returns 0; -1 with the one message of the type (without the option name) in why; or -2 when the
 * value is well-formed but names a file that cannot be read now (a runtime error, not a bad argument).
 */
int mr_option_store(const mr_option *o, void *cfg, const char *arg, mr_buf *why);
/** Parse a state word (ok, warning, critical, unknown or 0-3) into *st; 0, or -1 with the message in why. */
int mr_option_state(const char *arg, mr_state *st, mr_buf *why);

/** Print the short usage (at most 80 columns, 23 lines) to stdout. */
void mr_options_print_usage(const mr_plugin_info *p);
/** Print the full --help text (version line, purpose, usage, all options, notes) to stdout. */
void mr_options_print_help(const mr_plugin_info *p);
/** Print the bad-argument answer: "PREFIX UNKNOWN - msg", then the short usage. */
void mr_options_print_error(const mr_plugin_info *p, const char *msg);
/** Print a runtime error as its one line: "PREFIX UNKNOWN - msg", secrets masked, no usage. */
void mr_options_print_failure(const mr_plugin_info *p, const char *msg);
/** Write "-s/--long" or "--long" for row o into dst (size bytes). */
void mr_option_label(const mr_option *o, char *dst, size_t size);
/** 1 if row o's value is a secret or names a secret's file (MR_OPT_SECRET, MR_T_SECRET, MR_T_SECRET_FILE). */
int mr_option_is_secret(const mr_option *o);
/** 1 if the string at p is (inside) an argument read from an --extra-opts ini file, else 0. */
int mr_options_from_ini(const char *p);
/** " (from --extra-opts)" if the argument at p came from an ini file, else "": the end of a message about it. */
const char *mr_options_origin(const char *p);

/** Whether key names an option exactly (long name, or the letter of a short one): 0 with its argument kind in
 *  *arg, or -1 when no option has that name. */
typedef int (*mr_extra_opts_lookup)(void *user, const char *key, mr_arg *arg);

/**
 * Read the ini arguments for --extra-opts=spec (spec may be NULL or "" for the default). Only the asked section
 * is read. With lookup, every key must name an option exactly, a flag takes no value and an option with an
 * argument needs one. 0, or -1 with "FILE line N: reason" (never a value) or "FILE: reason" in err.
 */
int mr_extra_opts_read(const char *spec, const char *plugin_name, mr_extra_opts_lookup lookup, void *user,
                       char ***args, int *nargs, mr_buf *err);
/** The parse step of mr_extra_opts_read on len bytes of ini text called name in messages: the arguments of
 *  section (which must exist and hold a key), checked with lookup (may be NULL); 0, or -1 with the reason. */
int mr_extra_opts_parse(const char *text, size_t len, const char *name, const char *section, const char *plugin_name,
                        mr_extra_opts_lookup lookup, void *user, char ***args, int *nargs, mr_buf *err);
/** Free the vector returned by mr_extra_opts_read. */
void mr_extra_opts_free(char **args, int nargs);

#endif

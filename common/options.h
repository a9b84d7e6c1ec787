/* options.h: the shared option table, --help/--version/usage text and --extra-opts merging. */
#ifndef MR_OPTIONS_H
#define MR_OPTIONS_H

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
	MR_OPT_SECRET = 1u << 1  /**< the value is a secret: registered for masking as soon as it is read */
};

/** One row of an option table; a table ends with a row whose long_name is NULL. */
typedef struct mr_option {
	const char *long_name;  /**< "zone" for --zone */
	int short_name;         /**< 'z', or 0 for none */
	mr_arg arg;             /**< argument kind */
	const char *arg_name;   /**< placeholder in --help, e.g. "ZONE[=CODES]" */
	const char *help;       /**< help text; wrapped to 80 columns */
	int id;                 /**< passed to the group's handler */
	unsigned flags;         /**< MR_OPT_* */
} mr_option;

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
	MR_PARSE_ERROR     /**< err holds "--option: reason"; print it with the usage, exit UNKNOWN */
} mr_parse_status;

/**
 * Merge --extra-opts ini arguments (inserted after argv[0]) and parse everything.
 * Fills common with defaults first, then calls the groups' handlers in argument order.
 * Prints --help/--version itself. The merged vector lives in new memory (ini secrets do
 * not reach /proc/PID/cmdline); the vector is freed before return, but the ini argument
 * strings stay alive until exit (handlers may keep pointers to them) and are wiped and
 * freed by an atexit handler. Errors name the option ("-t/--timeout: ..." or "--rate: ...")
 * and end with " (from --extra-opts)" when the bad argument came from an ini file.
 */
mr_parse_status mr_options_parse(const mr_plugin_info *p, int argc, char **argv,
                                 mr_common *common, mr_buf *err);

/**
 * The common start of every plugin's main: parse the options (printing --help, --version or the bad-argument
 * answer itself) and arm the hard timeout just before -t. Returns 1 when the check should run, 0 when main
 * must return MR_UNKNOWN at once.
 */
int mr_plugin_begin(const mr_plugin_info *p, int argc, char **argv, mr_common *common);

/**
 * The common end of every plugin's main. With c NULL (it could not be made) prints "PREFIX UNKNOWN - out of
 * memory". Else, when failure is given, it becomes the summary and the state is --timeout-result's if timed_out,
 * UNKNOWN if not. Then the hard timeout is cancelled and c printed in the chosen format. Returns the exit state.
 */
mr_state mr_plugin_finish(const mr_plugin_info *p, const mr_common *common, mr_check *c, const char *failure,
                          int timed_out);

/** Print the short usage (at most 80 columns, 23 lines) to stdout. */
void mr_options_print_usage(const mr_plugin_info *p);
/** Print the full --help text (version line, purpose, usage, all options, notes) to stdout. */
void mr_options_print_help(const mr_plugin_info *p);
/** Print the bad-argument answer: "PREFIX UNKNOWN - msg", then the short usage. */
void mr_options_print_error(const mr_plugin_info *p, const char *msg);

/** Read the ini arguments for --extra-opts=spec (spec may be NULL or "" for the default); 0, or -1 with reason. */
int mr_extra_opts_read(const char *spec, const char *plugin_name, char ***args, int *nargs, mr_buf *err);
/** Free the vector returned by mr_extra_opts_read. */
void mr_extra_opts_free(char **args, int nargs);

#endif

/* plugin.h: the one entry point of every plugin: declare the info, the option rows, what needs initialising
 * and the hooks; mr_plugin_main parses, arms -t, initialises, runs, renders and returns the exit state. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_PLUGIN_H
#define MR_PLUGIN_H

#include "options.h"
#include "result.h"

struct mr_dns;

/** Something the frame initialises once before the run and cleans up after it (libcurl). */
typedef struct mr_plugin_service {
	const char *what;       /**< named in the one failure line "PREFIX UNKNOWN - cannot initialise WHAT" */
	int (*init)(void);      /**< 0, or -1 when it cannot be initialised */
	void (*cleanup)(void);  /**< undoes init after the output is written */
} mr_plugin_service;

/** The DNS set-up of a plugin that resolves: mr_dns_need in dnsopt.c (only resolving plugins link it). */
typedef struct mr_plugin_dns_ops {
	void (*init)(void *dns_cfg);                                 /**< set the DNS config's defaults */
	void (*group)(mr_option_group *g, void *dns_cfg);            /**< the DNS option group */
	struct mr_dns *(*open)(void *dns_cfg, int verbose, mr_buf *err); /**< the resolver, or NULL with err */
	void (*close)(struct mr_dns *d);                             /**< free the resolver */
} mr_plugin_dns_ops;

/** The state of one run, handed to the plugin's hooks. */
typedef struct mr_plugin_ctx {
	const struct mr_plugin *plugin; /**< the plugin being run */
	mr_plugin_info info;            /**< its info with the frame's option groups filled in */
	mr_common common;               /**< the common options (-v, -t, -w/-c, --output-format ...) */
	double start;                   /**< monotonic time the run began */
	double deadline;                /**< soft deadline: stop working and render by then */
	mr_check *check;                /**< the result tree the run fills */
	void *dns_cfg;                  /**< the plugin's DNS config (inside its cfg), or NULL */
	struct mr_dns *dns;             /**< resolver made by mr_plugin_dns(), or NULL */
	char *secrets[4];               /**< secrets read by mr_plugin_secret(), freed at the end */
	size_t nsecrets;                /**< used */
	const mr_plugin_service *services[2]; /**< services to initialise (info's and mr_plugin_need()'s) */
	size_t nservices;               /**< used */
	char *failure;                  /**< the run's failure text (mr_plugin_fail), or NULL */
	int timed_out;                  /**< the failure is a timeout: state of --timeout-result */
} mr_plugin_ctx;

/** Outcomes of a plugin's prepare hook. */
enum {
	MR_PREPARE_OK = 0,      /**< go on and run */
	MR_PREPARE_BAD = -1,    /**< bad arguments: err is printed with the usage, exit UNKNOWN; but after
	                             mr_plugin_fail (or a failed mr_plugin_secret) the failure is a runtime error:
	                             its one line is printed without the usage */
	MR_PREPARE_DONE = 1     /**< the hook answered itself (e.g. --list-zones): exit UNKNOWN without more output */
};

/** A plugin as the frame runs it. */
typedef struct mr_plugin {
	mr_plugin_info info;            /**< texts, default -t and common options (groups are the frame's) */
	const char *title;              /**< heading of the plugin's own options in --help */
	const mr_option *options;       /**< the plugin's own rows (typed, or MR_T_CUSTOM for handle) */
	mr_option_handler handle;       /**< stores the MR_T_CUSTOM rows, or NULL if there are none */
	const mr_plugin_dns_ops *dns;   /**< &mr_dns_need for the DNS group and mr_plugin_dns(), or NULL */
	size_t dns_off;                 /**< with dns: offset of the mr_dns_config in cfg */
	const mr_option *tls_options;   /**< the shared TLS rows this plugin offers (tlsopt.h), or NULL */
	size_t tls_off;                 /**< with tls_options: offset of the mr_tls_config in cfg */
	const mr_plugin_service *service; /**< initialised before every run, or NULL (see mr_plugin_need) */
	/** Check option combinations after parsing, with ctx->check made: MR_PREPARE_OK, _BAD (reason in err)
	 *  or _DONE; may be NULL. */
	int (*prepare)(mr_plugin_ctx *ctx, void *cfg, mr_buf *err);
	/** The check: fill ctx->check; on failure call mr_plugin_fail() and return -1, else return 0. */
	int (*run)(mr_plugin_ctx *ctx, void *cfg);
	/** Free what prepare and run kept in cfg, after the output is written; may be NULL. */
	void (*cleanup)(void *cfg);
} mr_plugin;

/**
 * Run plugin p with its config cfg (defaults already set by the caller): parse argv and --extra-opts, arm the
 * hard timeout (-t), make the result tree, prepare, initialise the services, run, render, clean up. Returns the
 * exit state; --help, --version and bad arguments return MR_UNKNOWN after printing their answer.
 */
mr_state mr_plugin_main(const mr_plugin *p, void *cfg, int argc, char **argv);

/**
 * The one failure call of a run: the formatted text becomes the summary and the state is --timeout-result's
 * when timed_out, UNKNOWN otherwise (applied when the run returns). The first call wins. Returns -1.
 *
 * Timeouts: --timeout-result and -t SECONDS:STATE apply to every timeout a run detects, not only to -t's own
 * bound. A plugin whose shorter bound expires (a per-stage or per-query timeout, the soft deadline) either
 * ends the run with mr_plugin_fail(ctx, 1, ...), or, when it reports the timeout in a subcheck and goes on,
 * gives that subcheck mr_plugin_timeout_state(ctx). Only failures that are no timeout pass timed_out 0.
 */
int mr_plugin_fail(mr_plugin_ctx *ctx, int timed_out, const char *fmt, ...) MR_PRINTF(3, 4);
/** The state a timeout of this run gets: --timeout-result or -t's :STATE (default UNKNOWN). */
mr_state mr_plugin_timeout_state(const mr_plugin_ctx *ctx);
/** 1 once the run's soft deadline has passed (a failure then is a timeout), else 0. */
int mr_plugin_timed_out(const mr_plugin_ctx *ctx);
/** The resolver of a MR_NEED_DNS plugin, made on first use; NULL after recording the failure (return -1). */
struct mr_dns *mr_plugin_dns(mr_plugin_ctx *ctx);
/**
 * Read the secret file named by a MR_T_SECRET_FILE row's value path (masked from now on, freed by the frame).
 * NULL after mr_plugin_fail with one line that names the option and never the path ("--key-file: cannot open
 * the file given: No such file or directory", " (from --extra-opts)" when the path came from an ini file), also
 * copied to err. A file every user can read, or owned by neither root nor the running user, adds an
 * informational WARNING line.
 */
const char *mr_plugin_secret(mr_plugin_ctx *ctx, const char *path, mr_buf *err);
/** From prepare: also initialise service s before the run (e.g. libcurl only for an IMAP source); 0 or -1. */
int mr_plugin_need(mr_plugin_ctx *ctx, const mr_plugin_service *s);

#endif

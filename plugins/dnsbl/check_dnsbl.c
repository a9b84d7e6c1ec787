/* check_dnsbl.c: is an address, range, host, MX or domain listed on DNS block lists? (options, run, render) */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/deadline.h"
#include "../../common/dns.h"
#include "../../common/ini.h"
#include "../../common/plugin.h"
#include "dnsbl_input.h"
#include "dnsbl_input_targets.h"
#include "dnsbl_outcome.h"
#include "../../common/spamhaus.h"
#include "dnsbl_parse_catalogue.h"
#include "dnsbl_parse_spamhaus.h"
#include "dnsbl_parse_zonespec.h"
#include "dnsbl_report.h"
#include "dnsbl_report_zones.h"

/** Most zone specs (-z, --allow-zone) on one command line. */
#define MAX_ZONE_SPECS 256
/** Most -F / --targets-file options. */
#define MAX_TARGET_FILES 64
/** Most per-pair details kept in memory. */
#define MAX_STORED_DETAILS 20000

/** Ids of check_dnsbl's options that its handler stores. */
enum { OPT_HOST = 1, OPT_MX, OPT_TARGETS_FILE, OPT_DOMAIN, OPT_ZONE, OPT_ALLOW_ZONE };

/** A -F file, read by prepare (a file that cannot be read is a runtime error, not an argument error). */
typedef struct target_file {
	const char *path;                 /**< as given */
	size_t pos;                       /**< target specs before it on the command line */
} target_file;

/** Everything check_dnsbl reads from its options. */
typedef struct dnsbl_config {
	dnsbl_targets targets;            /**< target specs */
	target_file files[MAX_TARGET_FILES]; /**< -F files in command-line order */
	size_t nfiles;                    /**< used */
	long max_targets;                 /**< --max-targets */
	const char *zones_file;           /**< --zones-file */
	int no_default_zones;             /**< --no-default-zones */
	dnsbl_zone_spec specs[MAX_ZONE_SPECS]; /**< -z / --allow-zone */
	size_t nspecs;                    /**< used */
	int list_zones;                   /**< --list-zones */
	const char *dqs_key;              /**< --dqs-key (registered as a secret) */
	const char *dqs_key_file;         /**< --dqs-key-file */
	int selftest;                     /**< --selftest */
	long max_details;                 /**< --max-details */
	mr_dns_config dns;                /**< DNS group */
	dnsbl_catalogue cat;              /**< the zones queried (built by prepare) */
	const char *key;                  /**< the DQS key in use (--dqs-key or read from --dqs-key-file), or NULL */
} dnsbl_config;

/** check_dnsbl's own options. */
static const mr_option dnsbl_options[] = {
	{ .long_name = "host", .short_name = 'H', .arg = MR_ARG_REQUIRED, .arg_name = "TARGET", .id = OPT_HOST,
	  .flags = MR_OPT_REPEAT,
	  .help = "IPv4 or IPv6 address, CIDR range (v4 or v6) or host name (every A and AAAA record) to check" },
	{ .long_name = "mx", .arg = MR_ARG_REQUIRED, .arg_name = "DOMAIN", .id = OPT_MX, .flags = MR_OPT_REPEAT,
	  .help = "check every address of every MX host of DOMAIN (of DOMAIN itself if it has no MX)" },
	{ .long_name = "targets-file", .short_name = 'F', .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "read targets from FILE, one per line, '#' starts a comment", .id = OPT_TARGETS_FILE,
	  .flags = MR_OPT_REPEAT },
	{ .long_name = "domain", .arg = MR_ARG_REQUIRED, .arg_name = "NAME", .id = OPT_DOMAIN, .flags = MR_OPT_REPEAT,
	  .help = "a domain name to look up on domain-based lists (DBL, RHSBL)" },
	{ .long_name = "max-targets", .arg = MR_ARG_REQUIRED, .arg_name = "N",
	  .help = "refuse (UNKNOWN) a run that expands to more than N addresses (default 65536)",
	  .type = MR_T_COUNT, .off = MR_AT(dnsbl_config, max_targets), .lo = 1, .hi = 16777216 },
	{ .long_name = "zones-file", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "replace the built-in zone catalogue by FILE (same ini format)",
	  .type = MR_T_STRING, .off = MR_AT(dnsbl_config, zones_file) },
	{ .long_name = "no-default-zones", .help = "do not use the built-in zone catalogue",
	  .type = MR_T_FLAG, .off = MR_AT(dnsbl_config, no_default_zones) },
	{ .long_name = "zone", .short_name = 'z', .arg = MR_ARG_REQUIRED, .arg_name = "ZONE[=CODES][:FLAG]...",
	  .help = "add a block list; CODES in Postfix syntax (127.0.0.[2..11] or 127.0.0.[2;4;10]): only matching "
	          "answers count as listings; FLAGs in any order: 'warning' or 'critical' (a listing's state, default "
	          "critical) and the zone's kind: 'ipv4', 'ipv6', 'ip' (both) or 'domain' (DBL, RHSBL: for --domain "
	          "and host names); a zone of the catalogue keeps its kind unless a flag says otherwise, other zones "
	          "are ipv4; e.g. -z v6.example:ipv6 or -z dbl.example=127.0.1.[2..99]:domain:warning",
	  .id = OPT_ZONE, .flags = MR_OPT_REPEAT },
	{ .long_name = "allow-zone", .arg = MR_ARG_REQUIRED, .arg_name = "ZONE[=CODES][:FLAG]...",
	  .help = "add an allow-list (DNSWL), with the kind flags of -z; a listing there is good news and never raises "
	          "the state; a target that only allow-lists are asked about is OK when none lists it",
	  .id = OPT_ALLOW_ZONE, .flags = MR_OPT_REPEAT },
	{ .long_name = "list-zones", .help = "print the zone catalogue that would be used, then exit",
	  .type = MR_T_FLAG, .off = MR_AT(dnsbl_config, list_zones) },
	{ .long_name = "dqs-key", .arg = MR_ARG_REQUIRED, .arg_name = "KEY",
	  .help = "query Spamhaus zones through the Data Query Service with this key (visible in the process list: "
	          "prefer --dqs-key-file or --extra-opts)",
	  .type = MR_T_SECRET, .off = MR_AT(dnsbl_config, dqs_key) },
	{ .long_name = "dqs-key-file", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "read the Spamhaus DQS key from FILE",
	  .type = MR_T_SECRET_FILE, .off = MR_AT(dnsbl_config, dqs_key_file) },
	{ .long_name = "selftest",
	  .help = "first probe each zone with the RFC 5782 test entries (127.0.0.2 listed, 127.0.0.1 not); a zone "
	          "that fails is reported as broken and left out, never reported as a listing",
	  .type = MR_T_FLAG, .off = MR_AT(dnsbl_config, selftest) },
	{ .long_name = "max-details", .arg = MR_ARG_REQUIRED, .arg_name = "N",
	  .help = "show at most N targets in the long output (default 50)",
	  .type = MR_T_COUNT, .off = MR_AT(dnsbl_config, max_details), .lo = 0, .hi = 100000 },
	MR_OPTION_END
};

/** Store one of check_dnsbl's own options into the config. */
static int handle_option(void *cfgp, int id, const char *arg, mr_buf *err)
{
	dnsbl_config *cfg = cfgp;

	switch (id) {
	case OPT_HOST:
		return dnsbl_targets_add_host(&cfg->targets, arg, err);
	case OPT_MX:
		return dnsbl_targets_add_name(&cfg->targets, DNSBL_T_MX, arg, err);
	case OPT_DOMAIN:
		return dnsbl_targets_add_name(&cfg->targets, DNSBL_T_DOMAIN, arg, err);
	case OPT_TARGETS_FILE:
		if (cfg->nfiles == MAX_TARGET_FILES)
			return mr_buf_printf(err, "more than %d targets files", MAX_TARGET_FILES), -1;
		cfg->files[cfg->nfiles].path = arg;
		cfg->files[cfg->nfiles].pos = cfg->targets.nspec;
		cfg->nfiles++;
		return 0;
	case OPT_ZONE:
	case OPT_ALLOW_ZONE:
		if (cfg->nspecs == MAX_ZONE_SPECS)
			return mr_buf_printf(err, "more than %d zones", MAX_ZONE_SPECS), -1;
		cfg->specs[cfg->nspecs].text = arg;
		cfg->specs[cfg->nspecs].allow = id == OPT_ALLOW_ZONE;
		cfg->nspecs++;
		return 0;
	default:
		return mr_buf_puts(err, "internal error: unknown option"), -1;
	}
}

/** Read the -F files into the target list at their places; MR_PREPARE_OK, or _BAD (after mr_plugin_fail when a
 *  file cannot be read). */
static int load_target_files(mr_plugin_ctx *ctx, dnsbl_config *cfg, mr_buf *err)
{
	size_t shift = 0;

	for (size_t i = 0; i < cfg->nfiles; i++) {
		size_t before = cfg->targets.nspec;
		mr_buf why;
		int rc;

		mr_buf_init(&why, 1024);
		rc = dnsbl_targets_add_file(&cfg->targets, cfg->files[i].pos + shift, cfg->files[i].path, &why);
		if (rc == -2)
			mr_plugin_fail(ctx, 0, "--targets-file: %s", mr_buf_str(&why));
		else if (rc != 0)
			mr_buf_puts(err, mr_buf_str(&why));
		mr_buf_free(&why);
		if (rc != 0)
			return MR_PREPARE_BAD;
		shift += cfg->targets.nspec - before;
	}
	return MR_PREPARE_OK;
}

/** Cross-option checks: read -F and --zones-file, build the catalogue, --list-zones, a target, the shape of
 *  --dqs-key; MR_PREPARE_* (a file that cannot be read: one line after mr_plugin_fail). */
static int prepare(mr_plugin_ctx *ctx, void *cfgp, mr_buf *err)
{
	dnsbl_config *cfg = cfgp;
	dnsbl_zone_sources src = { NULL, cfg->zones_file, cfg->no_default_zones, cfg->specs, cfg->nspecs };
	char *zones_text = NULL;
	int rc = MR_PREPARE_BAD;

	if (load_target_files(ctx, cfg, err) != MR_PREPARE_OK)
		goto out;
	if (cfg->zones_file != NULL) {
		mr_buf why;
		mr_buf_init(&why, 1024);
		zones_text = mr_ini_read_file(cfg->zones_file, MR_INI_FILE_MAX, &why);
		if (zones_text == NULL)
			mr_plugin_fail(ctx, 0, "--zones-file: %s", mr_buf_str(&why));
		mr_buf_free(&why);
		if (zones_text == NULL)
			goto out;
		src.zones_text = zones_text;
	}
	if (dnsbl_catalogue_build(&cfg->cat, &src, err) != 0)
		goto out;
	if (cfg->list_zones) {
		(void)dnsbl_list_zones(&cfg->cat, stdout);
		rc = MR_PREPARE_DONE;
		goto out;
	}
	if (cfg->targets.nspec == 0) {
		mr_buf_puts(err, "no target: give -H, --mx, -F or --domain");
		goto out;
	}
	if (cfg->dqs_key != NULL && mr_spamhaus_dqs_key_valid(cfg->dqs_key) != 0) {
		mr_buf_puts(err, "--dqs-key: a Spamhaus DQS key is 26 letters or digits");
		goto out;
	}
	rc = MR_PREPARE_OK;
out:
	mr_ini_text_free(zones_text);
	return rc;
}

/** Set cfg->key from --dqs-key or the first line of --dqs-key-file (a runtime error names the file, never the
 *  key); 0, or -1 after mr_plugin_fail. */
static int read_key(mr_plugin_ctx *ctx, dnsbl_config *cfg)
{
	mr_buf err;
	int rc = 0;

	cfg->key = cfg->dqs_key;
	if (cfg->dqs_key_file == NULL)
		return 0;
	mr_buf_init(&err, 1024);
	cfg->key = mr_plugin_secret(ctx, cfg->dqs_key_file, &err);
	if (cfg->key == NULL)
		rc = mr_plugin_fail(ctx, 0, "--dqs-key-file: %s", mr_buf_str(&err));
	else if (mr_spamhaus_dqs_key_valid(cfg->key) != 0)
		rc = mr_plugin_fail(ctx, 0, "--dqs-key-file: the file holds no Spamhaus DQS key (26 letters or digits)");
	mr_buf_free(&err);
	return rc;
}

/** Run the check and fill the result tree; 0, or -1 after mr_plugin_fail (no resolver, out of memory). */
static int run(mr_plugin_ctx *ctx, void *cfgp)
{
	dnsbl_config *cfg = cfgp;
	dnsbl_run_config rcfg;
	dnsbl_report_config rep;
	dnsbl_outcome o;
	mr_dns *d;
	mr_buf err;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	mr_buf_init(&err, 4096);
	if (read_key(ctx, cfg) != 0)
		goto out;
	d = mr_plugin_dns(ctx);
	if (d == NULL)
		goto out;
	memset(&rcfg, 0, sizeof(rcfg));
	rcfg.zones = &cfg->cat;
	rcfg.targets = &cfg->targets;
	rcfg.dqs_key = cfg->key;
	rcfg.selftest = cfg->selftest;
	rcfg.max_targets = (uint64_t)cfg->max_targets;
	rcfg.max_stored = MAX_STORED_DETAILS;
	rcfg.verbose = ctx->common.verbose;
	rcfg.deadline = ctx->deadline;
	if (dnsbl_run(d, &rcfg, &o, &err) != 0) {
		mr_plugin_fail(ctx, 0, "%s", mr_buf_str(&err));
		goto out;
	}
	memset(&rep, 0, sizeof(rep));
	rep.zones = &cfg->cat;
	rep.o = &o;
	rep.thr = &ctx->common.thr;
	rep.verbose = ctx->common.verbose;
	rep.max_details = (size_t)cfg->max_details;
	rep.timeout_state = ctx->common.timeout_state;
	rep.timeout = ctx->common.timeout;
	rep.elapsed = mr_now() - ctx->start;
	if (dnsbl_report(&rep, ctx->check) != 0) {
		mr_plugin_fail(ctx, 0, "out of memory while building the output");
		goto out;
	}
	rc = 0;
out:
	dnsbl_outcome_free(&o);
	mr_buf_free(&err);
	return rc;
}

/** Free the catalogue and the targets. */
static void cleanup(void *cfgp)
{
	dnsbl_config *cfg = cfgp;

	dnsbl_catalogue_free(&cfg->cat);
	dnsbl_targets_free(&cfg->targets);
}

/** Examples for --help. */
static const char *const examples[] = {
	"check_dnsbl -H 192.0.2.25 -H 2001:db8::25",
	"check_dnsbl -H 198.51.100.0/24 -w 0 -c 1",
	"check_dnsbl --mx=example.com --dqs-key-file=/etc/nagios/dqs.key",
	"check_dnsbl --domain=example.com -z dbl.spamhaus.org --no-default-zones",
	"check_dnsbl -H 2001:db8::25 -z v6.example:ipv6 -z dbl.example:domain:warning --domain=example.com",
	NULL
};

/** check_dnsbl as the plugin frame runs it. */
static const mr_plugin plugin = {
	.info = {
		.name = "check_dnsbl",
		.prefix = "DNSBL",
		.purpose = "Checks whether IP addresses, ranges, host names, a domain's MX hosts or domain names are "
		           "listed on DNS block lists. Queries run concurrently; an error answer of a list (SERVFAIL, "
		           "REFUSED, timeout, error codes such as 127.255.255.254, answers outside 127.0.0.0/8) is "
		           "never reported as a listing.",
		.usage = "-H TARGET|--mx=DOMAIN|-F FILE|--domain=NAME\n"
		         "[-z ZONE[=CODES][:FLAG]...]... [-s SERVER[:PORT]]... [--selftest]\n"
		         "[--dqs-key-file=FILE] [-w RANGE] [-c RANGE] [-t SECONDS]",
		.notes = "Without -w/-c a target's state is the worst severity of the zones listing it. With -w or -c "
		         "the ranges apply to the number of zones listing the target, e.g. -w 0 -c 2 warns at 1 or 2 "
		         "listings and is critical from 3. Zone errors never change the state; they are shown in the "
		         "long output and counted in the 'errors' perfdata.",
		.default_timeout = 15,
		.common_flags = MR_COMMON_THRESHOLDS,
		.warning_help = "warning range on the number of zones listing a target",
		.critical_help = "critical range on the number of zones listing a target",
		.examples = examples,
	},
	.title = "Targets and zones",
	.options = dnsbl_options,
	.handle = handle_option,
	.dns = &mr_dns_need,
	.dns_off = MR_AT(dnsbl_config, dns),
	.prepare = prepare,
	.run = run,
	.cleanup = cleanup,
};

/** Entry point: set the defaults and hand over to the plugin frame. */
int main(int argc, char **argv)
{
	dnsbl_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	dnsbl_catalogue_init(&cfg.cat);
	cfg.max_targets = 65536;
	cfg.max_details = 50;
	return (int)mr_plugin_main(&plugin, &cfg, argc, argv);
}

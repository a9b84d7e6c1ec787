/* check_dnsbl.c: is an address, range, host, MX or domain listed on DNS block lists? (options, run, render) */
#include <stdlib.h>
#include <string.h>

#include "../../common/deadline.h"
#include "../../common/dns.h"
#include "../../common/options.h"
#include "../../common/render.h"
#include "../../common/result.h"
#include "../../common/secret.h"
#include "dnsbl_input.h"
#include "dnsbl_input_targets.h"
#include "dnsbl_outcome.h"
#include "dnsbl_parse_catalogue.h"
#include "dnsbl_parse_zonespec.h"
#include "dnsbl_report.h"
#include "dnsbl_report_zones.h"

/** Most zone specs (-z, --allow-zone) on one command line. */
#define MAX_ZONE_SPECS 256
/** Most per-pair details kept in memory. */
#define MAX_STORED_DETAILS 20000

/** Option ids of check_dnsbl's own group. */
enum {
	OPT_HOST = 1, OPT_MX, OPT_TARGETS_FILE, OPT_DOMAIN, OPT_MAX_TARGETS, OPT_ZONES_FILE, OPT_NO_DEFAULT,
	OPT_ZONE, OPT_ALLOW_ZONE, OPT_LIST_ZONES, OPT_DQS_KEY, OPT_DQS_KEY_FILE, OPT_SELFTEST, OPT_MAX_DETAILS
};

/** A -z or --allow-zone argument, kept in command-line order. */
typedef struct zone_spec {
	const char *text;   /**< ZONE[=CODES][:SEVERITY] */
	int allow;          /**< from --allow-zone */
} zone_spec;

/** Everything check_dnsbl reads from its options. */
typedef struct dnsbl_config {
	dnsbl_targets targets;            /**< target specs */
	long max_targets;                 /**< --max-targets */
	const char *zones_file;           /**< --zones-file */
	int no_default_zones;             /**< --no-default-zones */
	zone_spec specs[MAX_ZONE_SPECS];  /**< -z / --allow-zone */
	size_t nspecs;                    /**< used */
	int list_zones;                   /**< --list-zones */
	const char *dqs_key;              /**< --dqs-key (registered as a secret) */
	const char *dqs_key_file;         /**< --dqs-key-file */
	int selftest;                     /**< --selftest */
	long max_details;                 /**< --max-details */
	mr_dns_config dns;                /**< DNS group */
} dnsbl_config;

/** check_dnsbl's own options. */
static const mr_option dnsbl_options[] = {
	{ "host", 'H', MR_ARG_REQUIRED, "TARGET",
	  "IPv4 or IPv6 address, CIDR range (v4 or v6) or host name (every A and AAAA record) to check",
	  OPT_HOST, MR_OPT_REPEAT },
	{ "mx", 0, MR_ARG_REQUIRED, "DOMAIN", "check every address of every MX host of DOMAIN (of DOMAIN itself if it has no MX)", OPT_MX, MR_OPT_REPEAT },
	{ "targets-file", 'F', MR_ARG_REQUIRED, "FILE", "read targets from FILE, one per line, '#' starts a comment",
	  OPT_TARGETS_FILE, MR_OPT_REPEAT },
	{ "domain", 0, MR_ARG_REQUIRED, "NAME", "a domain name to look up on domain-based lists (DBL, RHSBL)",
	  OPT_DOMAIN, MR_OPT_REPEAT },
	{ "max-targets", 0, MR_ARG_REQUIRED, "N",
	  "refuse (UNKNOWN) a run that expands to more than N addresses (default 65536)", OPT_MAX_TARGETS, 0 },
	{ "zones-file", 0, MR_ARG_REQUIRED, "FILE", "replace the built-in zone catalogue by FILE (same ini format)",
	  OPT_ZONES_FILE, 0 },
	{ "no-default-zones", 0, MR_ARG_NONE, NULL, "do not use the built-in zone catalogue", OPT_NO_DEFAULT, 0 },
	{ "zone", 'z', MR_ARG_REQUIRED, "ZONE[=CODES][:warning]",
	  "add a block list; CODES in Postfix syntax (127.0.0.[2..11] or 127.0.0.[2;4;10]): only matching "
	  "answers count as listings; a listing is CRITICAL unless ':warning' is given",
	  OPT_ZONE, MR_OPT_REPEAT },
	{ "allow-zone", 0, MR_ARG_REQUIRED, "ZONE[=CODES]",
	  "add an allow-list (DNSWL); a listing there is good news and never raises the state", OPT_ALLOW_ZONE,
	  MR_OPT_REPEAT },
	{ "list-zones", 0, MR_ARG_NONE, NULL, "print the zone catalogue that would be used, then exit",
	  OPT_LIST_ZONES, 0 },
	{ "dqs-key", 0, MR_ARG_REQUIRED, "KEY",
	  "query Spamhaus zones through the Data Query Service with this key (visible in the process list: "
	  "prefer --dqs-key-file or --extra-opts)", OPT_DQS_KEY, MR_OPT_SECRET },
	{ "dqs-key-file", 0, MR_ARG_REQUIRED, "FILE", "read the Spamhaus DQS key from FILE", OPT_DQS_KEY_FILE, 0 },
	{ "selftest", 0, MR_ARG_NONE, NULL,
	  "first probe each zone with the RFC 5782 test entries (127.0.0.2 listed, 127.0.0.1 not); a zone that "
	  "fails is reported as broken and left out, never reported as a listing", OPT_SELFTEST, 0 },
	{ "max-details", 0, MR_ARG_REQUIRED, "N", "show at most N targets in the long output (default 50)",
	  OPT_MAX_DETAILS, 0 },
	{ NULL, 0, MR_ARG_NONE, NULL, NULL, 0, 0 }
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
		return dnsbl_targets_add_file(&cfg->targets, arg, err);
	case OPT_MAX_TARGETS:
		if (mr_parse_long(arg, 1, 16777216, &cfg->max_targets) != 0)
			return mr_buf_printf(err, "invalid number '%s' (1 to 16777216)", arg), -1;
		return 0;
	case OPT_MAX_DETAILS:
		if (mr_parse_long(arg, 0, 100000, &cfg->max_details) != 0)
			return mr_buf_printf(err, "invalid number '%s' (0 to 100000)", arg), -1;
		return 0;
	case OPT_ZONES_FILE:
		cfg->zones_file = arg;
		return 0;
	case OPT_NO_DEFAULT:
		cfg->no_default_zones = 1;
		return 0;
	case OPT_ZONE:
	case OPT_ALLOW_ZONE:
		if (cfg->nspecs == MAX_ZONE_SPECS)
			return mr_buf_printf(err, "more than %d zones", MAX_ZONE_SPECS), -1;
		cfg->specs[cfg->nspecs].text = arg;
		cfg->specs[cfg->nspecs].allow = id == OPT_ALLOW_ZONE;
		cfg->nspecs++;
		return 0;
	case OPT_LIST_ZONES:
		cfg->list_zones = 1;
		return 0;
	case OPT_DQS_KEY:
		cfg->dqs_key = arg;
		return 0;
	case OPT_DQS_KEY_FILE:
		cfg->dqs_key_file = arg;
		return 0;
	case OPT_SELFTEST:
		cfg->selftest = 1;
		return 0;
	default:
		return mr_buf_puts(err, "internal error: unknown option"), -1;
	}
}

/** Build the zone catalogue from the default or --zones-file and the -z/--allow-zone specs; 0 or -1. */
static int build_catalogue(const dnsbl_config *cfg, dnsbl_catalogue *cat, mr_buf *err)
{
	if (cfg->zones_file != NULL) {
		if (dnsbl_catalogue_load_file(cat, cfg->zones_file, err) != 0)
			return -1;
	} else if (!cfg->no_default_zones) {
		if (dnsbl_catalogue_parse(cat, dnsbl_default_catalogue, "built-in catalogue", err) != 0)
			return -1;
	}
	for (size_t i = 0; i < cfg->nspecs; i++) {
		mr_buf why;
		mr_buf_init(&why, 512);
		if (dnsbl_catalogue_add_spec(cat, cfg->specs[i].text, cfg->specs[i].allow, &why) != 0) {
			mr_buf_printf(err, "%s: %s", cfg->specs[i].allow ? "--allow-zone" : "-z/--zone", mr_buf_str(&why));
			mr_buf_free(&why);
			return -1;
		}
		mr_buf_free(&why);
	}
	if (cat->n == 0) {
		mr_buf_puts(err, "no zones to query: give -z/--zone or drop --no-default-zones");
		return -1;
	}
	return 0;
}

/** Check that a DQS key has the documented shape (26 letters or digits); 0 or -1. */
static int valid_dqs_key(const char *key)
{
	size_t n = strlen(key);

	if (n != 26)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') || (key[i] >= '0' && key[i] <= '9')))
			return -1;
	return 0;
}

/** Print the catalogue for --list-zones. */
static void list_zones(const dnsbl_catalogue *cat)
{
	mr_buf b;

	mr_buf_init(&b, 1 << 20);
	if (dnsbl_catalogue_print(cat, &b) == 0) {
		/* a zone named KEY.zen.dq.spamhaus.net holds a DQS key */
		b.len = mr_secret_mask(b.data, b.len);
		fputs(mr_buf_str(&b), stdout);
	}
	mr_buf_free(&b);
}

/** Run the check and fill the result tree; returns 0, or -1 with a reason for an UNKNOWN answer in err. */
static int run_check(dnsbl_config *cfg, const mr_common *common, dnsbl_catalogue *cat, const char *dqs_key,
                     double start, mr_check *c, mr_buf *err)
{
	dnsbl_run_config rcfg;
	dnsbl_report_config rep;
	dnsbl_outcome o;
	mr_dns *d;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	d = mr_dns_new(&cfg->dns, err);
	if (d == NULL)
		return -1;
	memset(&rcfg, 0, sizeof(rcfg));
	rcfg.zones = cat;
	rcfg.targets = &cfg->targets;
	rcfg.dqs_key = dqs_key;
	rcfg.selftest = cfg->selftest;
	rcfg.max_targets = (uint64_t)cfg->max_targets;
	rcfg.max_stored = MAX_STORED_DETAILS;
	rcfg.verbose = common->verbose;
	rcfg.deadline = mr_soft_deadline(start, common->timeout);
	if (dnsbl_run(d, &rcfg, &o, err) != 0)
		goto out;
	memset(&rep, 0, sizeof(rep));
	rep.zones = cat;
	rep.o = &o;
	rep.thr = &common->thr;
	rep.verbose = common->verbose;
	rep.max_details = (size_t)cfg->max_details;
	rep.timeout_state = common->timeout_state;
	rep.timeout = common->timeout;
	rep.elapsed = mr_now() - start;
	if (dnsbl_report(&rep, c) != 0) {
		mr_buf_puts(err, "out of memory while building the output");
		goto out;
	}
	rc = 0;
out:
	dnsbl_outcome_free(&o);
	mr_dns_free(d);
	return rc;
}

/** Entry point: parse options, run the check, render, exit with the state. */
int main(int argc, char **argv)
{
	dnsbl_config cfg;
	mr_option_group groups[2];
	mr_plugin_info info = {
		.name = "check_dnsbl",
		.prefix = "DNSBL",
		.purpose = "Checks whether IP addresses, ranges, host names, a domain's MX hosts or domain names are "
		           "listed on DNS block lists. Queries run concurrently; an error answer of a list (SERVFAIL, "
		           "REFUSED, timeout, error codes such as 127.255.255.254, answers outside 127.0.0.0/8) is "
		           "never reported as a listing.",
		.usage = "-H TARGET|--mx=DOMAIN|-F FILE|--domain=NAME\n"
		         "[-z ZONE[=CODES]]... [-s SERVER[:PORT]]... [--selftest]\n"
		         "[--dqs-key-file=FILE] [-w RANGE] [-c RANGE] [-t SECONDS]",
		.notes = "Without -w/-c a target's state is the worst severity of the zones listing it. With -w or -c "
		         "the ranges apply to the number of zones listing the target, e.g. -w 0 -c 2 warns at 1 or 2 "
		         "listings and is critical from 3. Zone errors never change the state; they are shown in the "
		         "long output and counted in the 'errors' perfdata.",
		.default_timeout = 15,
		.common_flags = MR_COMMON_THRESHOLDS,
		.warning_help = "warning range on the number of zones listing a target",
		.critical_help = "critical range on the number of zones listing a target",
		.groups = groups,
		.ngroups = 2,
	};
	mr_common common;
	mr_check *c = NULL;
	dnsbl_catalogue cat;
	char *key_from_file = NULL;
	const char *dqs_key, *failure = NULL;
	mr_state st = MR_UNKNOWN;
	double start = mr_now();
	mr_buf err;

	memset(&cfg, 0, sizeof(cfg));
	mr_buf_init(&err, 4096);
	dnsbl_catalogue_init(&cat);
	cfg.max_targets = 65536;
	cfg.max_details = 50;
	mr_dns_config_init(&cfg.dns);
	groups[0] = (mr_option_group){ "Targets and zones", dnsbl_options, handle_option, &cfg };
	mr_dns_option_group(&groups[1], &cfg.dns);

	if (!mr_plugin_begin(&info, argc, argv, &common))
		goto out;
	cfg.dns.verbose = common.verbose;
	if (build_catalogue(&cfg, &cat, &err) != 0) {
		mr_options_print_error(&info, mr_buf_str(&err));
		goto out;
	}
	if (cfg.list_zones) {
		list_zones(&cat);
		goto out;
	}
	if (cfg.targets.nspec == 0) {
		mr_options_print_error(&info, "no target: give -H, --mx, -F or --domain");
		goto out;
	}
	c = mr_check_new(info.prefix);
	if (c == NULL) {
		st = mr_plugin_finish(&info, &common, NULL, NULL, 0);
		goto out;
	}
	dqs_key = cfg.dqs_key;
	if (cfg.dqs_key_file != NULL) {
		key_from_file = mr_check_read_secret(c, cfg.dqs_key_file, &err);
		if (key_from_file == NULL) {
			mr_options_print_error(&info, mr_buf_str(&err));
			goto out;
		}
		dqs_key = key_from_file;
	}
	if (dqs_key != NULL && valid_dqs_key(dqs_key) != 0) {
		mr_options_print_error(&info, "--dqs-key: a Spamhaus DQS key is 26 letters or digits");
		goto out;
	}
	/* A failure before any result (no resolver, out of memory) is the summary, UNKNOWN. */
	if (run_check(&cfg, &common, &cat, dqs_key, start, c, &err) != 0)
		failure = mr_buf_str(&err);
	st = mr_plugin_finish(&info, &common, c, failure, 0);
out:
	mr_check_free(c);
	mr_secret_free(key_from_file);
	dnsbl_catalogue_free(&cat);
	dnsbl_targets_free(&cfg.targets);
	mr_buf_free(&err);
	return (int)st;
}

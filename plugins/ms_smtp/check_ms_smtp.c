/* check_ms_smtp.c: does Microsoft's consumer mail accept mail from this IP? The options, the plugin declaration
 * and the glue that hands each domain to smtp_input_probe and the results to smtp_report. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "../../common/addr.h"
#include "../../common/deadline.h"
#include "../../common/dns.h"
#include "../../common/plugin.h"
#include "../../common/spamhaus.h"
#include "../../common/tlsopt.h"
#include "smtp_input_probe.h"
#include "smtp_input_spamhaus.h"
#include "smtp_judge.h"
#include "smtp_judge_spamhaus.h"
#include "smtp_parse_mailbox.h"
#include "smtp_parse_rules.h"
#include "smtp_report.h"

/** Most --domain options. */
#define MAX_DOMAINS 8

/** Ids of check_ms_smtp's options that its handler checks and stores. */
enum { OPT_HOST = 1, OPT_BIND, OPT_EHLO, OPT_FROM, OPT_RCPT };

/** Everything check_ms_smtp reads from its options. */
typedef struct ms_config {
	const char *domains[MAX_DOMAINS]; /**< --domain, default hotmail.com */
	size_t ndomains;                  /**< used */
	const char *host;                 /**< --host */
	long port;                        /**< --port */
	const char *bind;                 /**< --bind */
	const char *ehlo;                 /**< --ehlo */
	const char *from;                 /**< --from */
	const char *rcpt;                 /**< --rcpt */
	int send;                         /**< --send */
	int tls;                          /**< --starttls: an smtp_tls_mode */
	mr_tls_config tlsopt;             /**< TLS group: --tls-verify, --cafile */
	int ipv6;                         /**< -6 */
	const char *rules_file;           /**< --rules-file */
	mr_state throttle_state;          /**< --throttle-state */
	double stage_timeout;             /**< --stage-timeout, 0 = half of -t */
	int no_spamhaus;                  /**< --no-spamhaus-lookup */
	const char *dqs_key_file;         /**< --dqs-key-file: the Spamhaus DQS key for the ZEN lookup */
	mr_dns_config dns;                /**< DNS group (MX lookups) */
	smtp_rules rules;                 /**< reply classification (loaded by prepare) */
	char ehlo_name[256];              /**< EHLO name in use */
	char from_addr[320];              /**< MAIL FROM address in use */
} ms_config;

/** --starttls words and their modes. */
static const char *const starttls_words[] = { "auto", "require", "never", NULL };
/** The smtp_tls_mode of each --starttls word. */
static const int starttls_modes[] = { SMTP_TLS_AUTO, SMTP_TLS_REQUIRE, SMTP_TLS_NEVER };

/** check_ms_smtp's own options. */
static const mr_option ms_options[] = {
	{ .long_name = "domain", .short_name = 'd', .arg = MR_ARG_REQUIRED, .arg_name = "DOMAIN",
	  .help = "Microsoft domain whose MX to probe (default hotmail.com; also outlook.com, live.com, msn.com)",
	  .flags = MR_OPT_REPEAT, .type = MR_T_DOMAIN_LIST, .off = MR_AT(ms_config, domains),
	  .off2 = MR_AT(ms_config, ndomains), .hi = MAX_DOMAINS },
	{ .long_name = "host", .short_name = 'H', .arg = MR_ARG_REQUIRED, .arg_name = "HOST",
	  .help = "connect to HOST instead of looking up the MX", .id = OPT_HOST },
	{ .long_name = "port", .short_name = 'p', .arg = MR_ARG_REQUIRED, .arg_name = "PORT",
	  .help = "TCP port (default 25)", .type = MR_T_COUNT, .off = MR_AT(ms_config, port), .lo = 1, .hi = 65535 },
	{ .long_name = "bind", .short_name = 'b', .arg = MR_ARG_REQUIRED, .arg_name = "ADDRESS",
	  .help = "source address of the connection: the sending IP being checked (the output always names the "
	          "address used)", .id = OPT_BIND },
	{ .long_name = "ehlo", .short_name = 'e', .arg = MR_ARG_REQUIRED, .arg_name = "NAME",
	  .help = "EHLO name (default this host's FQDN); use the PTR name of the sending IP", .id = OPT_EHLO },
	{ .long_name = "from", .short_name = 'f', .arg = MR_ARG_REQUIRED, .arg_name = "ADDRESS",
	  .help = "MAIL FROM address (default postmaster@ the EHLO name)", .id = OPT_FROM },
	{ .long_name = "rcpt", .short_name = 'r', .arg = MR_ARG_REQUIRED, .arg_name = "ADDRESS",
	  .help = "RCPT TO: a mailbox you own at Microsoft; without it the probe stops after MAIL FROM",
	  .id = OPT_RCPT },
	{ .long_name = "send",
	  .help = "after RCPT is accepted, send a small dated test message (DATA); without it the probe ends with "
	          "RSET and QUIT and sends no mail", .type = MR_T_FLAG, .off = MR_AT(ms_config, send) },
	{ .long_name = "starttls", .arg = MR_ARG_REQUIRED, .arg_name = "auto|require|never",
	  .help = "use STARTTLS when offered (auto, default), insist on it (require: CRITICAL without it, nothing "
	          "is sent in clear) or never",
	  .type = MR_T_CHOICE, .off = MR_AT(ms_config, tls), .words = starttls_words, .values = starttls_modes },
	{ .long_name = "ipv4", .short_name = '4', .help = "connect over IPv4 (default)",
	  .type = MR_T_SET, .off = MR_AT(ms_config, ipv6), .lo = 0 },
	{ .long_name = "ipv6", .short_name = '6', .help = "connect over IPv6, for IPv6 sending addresses",
	  .type = MR_T_SET, .off = MR_AT(ms_config, ipv6), .lo = 1 },
	{ .long_name = "rules-file", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "replace the built-in table that classifies Microsoft's replies (ini format)",
	  .type = MR_T_STRING, .off = MR_AT(ms_config, rules_file) },
	{ .long_name = "throttle-state", .arg = MR_ARG_REQUIRED, .arg_name = "STATE",
	  .help = "state for temporary reputation throttling (4.7.650-652 and alike), default warning",
	  .type = MR_T_STATE, .off = MR_AT(ms_config, throttle_state) },
	{ .long_name = "stage-timeout", .arg = MR_ARG_REQUIRED, .arg_name = "SECONDS",
	  .help = "time allowed for each SMTP stage (default: half of -t), always within -t",
	  .type = MR_T_SECONDS, .off = MR_AT(ms_config, stage_timeout), .lo = 0.1, .hi = 3600 },
	{ .long_name = "no-spamhaus-lookup",
	  .help = "after a block (S3140, S3150, a Spamhaus reply), do not look the sending IP up on Spamhaus ZEN "
	          "(by default one query, within -t, through the DNS options below)",
	  .type = MR_T_FLAG, .off = MR_AT(ms_config, no_spamhaus) },
	{ .long_name = "dqs-key-file", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "file holding a Spamhaus Data Query Service key: the ZEN lookup then asks "
	          "KEY.zen.dq.spamhaus.net (needed behind public resolvers); the key is never shown",
	  .type = MR_T_SECRET_FILE, .off = MR_AT(ms_config, dqs_key_file) },
	MR_OPTION_END
};

/** Store one of check_ms_smtp's own options into the config. */
static int handle_option(void *cfgp, int id, const char *arg, mr_buf *err)
{
	ms_config *cfg = cfgp;
	const char *why = NULL;
	mr_addr a;

	switch (id) {
	case OPT_HOST:
		if (mr_addr_parse(arg, &a) != 0 && mr_hostname_check(arg, &why) != 0)
			return mr_buf_printf(err, "invalid host '%s': not an IP address, and as a name: %s", arg, why), -1;
		cfg->host = arg;
		return 0;
	case OPT_BIND:
		if (mr_addr_parse(arg, &a) != 0)
			return mr_buf_printf(err, "'%s' is not an IPv4 or IPv6 address", arg), -1;
		cfg->bind = arg;
		return 0;
	case OPT_EHLO:
		if (mr_hostname_check(arg, &why) != 0)
			return mr_buf_printf(err, "invalid EHLO name '%s': %s", arg, why), -1;
		cfg->ehlo = arg;
		return 0;
	case OPT_FROM:
	case OPT_RCPT:
		if (!smtp_mailbox_valid(arg))
			return mr_buf_printf(err, "'%s' is not a mail address (local@domain, no spaces or <>)", arg), -1;
		*(id == OPT_FROM ? &cfg->from : &cfg->rcpt) = arg;
		return 0;
	default:
		return mr_buf_puts(err, "internal error: unknown option"), -1;
	}
}

/** The probe settings that every connection of the run shares, from cfg and the common options. */
static void probe_settings(const ms_config *cfg, const mr_common *common, double deadline, smtp_probe_config *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->port = cfg->port;
	pc->bind = cfg->bind;
	pc->ipv6 = cfg->ipv6;
	pc->ehlo = cfg->ehlo_name;
	pc->from = cfg->from_addr;
	pc->rcpt = cfg->rcpt;
	pc->send_data = cfg->send;
	pc->tls = (smtp_tls_mode)cfg->tls;
	pc->tls_verify = cfg->tlsopt.verify;
	pc->cafile = cfg->tlsopt.cafile;
	pc->stage_timeout = cfg->stage_timeout > 0 ? cfg->stage_timeout : common->timeout / 2;
	pc->deadline = deadline;
	pc->timeout_state = common->timeout_state;
	pc->verbose = common->verbose;
}

/** Load the rules and check the option combinations; MR_PREPARE_OK or MR_PREPARE_BAD with the reason. */
static int prepare(mr_plugin_ctx *ctx, void *cfgp, mr_buf *err)
{
	ms_config *cfg = cfgp;

	if (cfg->rules_file != NULL ? smtp_rules_load_file(&cfg->rules, cfg->rules_file, err) != 0
	                            : smtp_rules_parse(&cfg->rules, smtp_default_rules, "built-in rules", err) != 0)
		return MR_PREPARE_BAD;
	if (cfg->send && cfg->rcpt == NULL)
		return mr_buf_puts(err, "--send needs -r/--rcpt"), MR_PREPARE_BAD;
	/* With -H and no -d, the output names the host probed rather than a domain that was not looked up. */
	if (cfg->ndomains == 0)
		cfg->domains[cfg->ndomains++] = cfg->host != NULL ? cfg->host : "hotmail.com";
	if (cfg->ehlo == NULL)
		smtp_local_fqdn(cfg->ehlo_name, sizeof(cfg->ehlo_name));
	else
		mr_snprintf(cfg->ehlo_name, sizeof(cfg->ehlo_name), "%s", cfg->ehlo);
	if (cfg->from == NULL) {
		if (mr_snprintf(cfg->from_addr, sizeof(cfg->from_addr), "postmaster@%s", cfg->ehlo_name) != 0)
			return mr_buf_puts(err, "EHLO name too long for a MAIL FROM address"), MR_PREPARE_BAD;
	} else {
		mr_snprintf(cfg->from_addr, sizeof(cfg->from_addr), "%s", cfg->from);
	}
	return MR_PREPARE_OK;
}

/** The resolver for the Spamhaus lookup: the run's, or one of its own in *own; NULL with the reason in err. */
static mr_dns *zen_resolver(mr_plugin_ctx *ctx, ms_config *cfg, mr_dns *run_dns, mr_dns **own, mr_buf *err)
{
	if (run_dns != NULL)
		return run_dns;
	if (*own == NULL) {
		cfg->dns.verbose = ctx->common.verbose;
		*own = mr_dns_new(&cfg->dns, err);
	}
	return *own;
}

/** After a block: look ip up on Spamhaus ZEN (one query within the run's deadline) and judge the answer. */
static void zen_check(mr_plugin_ctx *ctx, ms_config *cfg, mr_dns *run_dns, mr_dns **own, const char *key,
                      const char *ip, smtp_zen_verdict *zv)
{
	smtp_zen_answer ans;
	mr_buf err;
	mr_dns *d;

	mr_buf_init(&err, 256);
	d = zen_resolver(ctx, cfg, run_dns, own, &err);
	smtp_zen_lookup(d, ip, key, ctx->deadline, &ans);
	smtp_zen_judge(&ans, zv);
	if (d == NULL)
		mr_snprintf(zv->text, sizeof(zv->text), "no resolver: %s", mr_buf_str(&err));
	mr_buf_free(&err);
}

/** Probe each domain (or --host), look a blocked IP up on Spamhaus ZEN and report; 0, or -1 after mr_plugin_fail. */
static int run(mr_plugin_ctx *ctx, void *cfgp)
{
	ms_config *cfg = cfgp;
	mr_dns *dns = NULL, *own_dns = NULL;
	const char *key = NULL;
	smtp_probe_config base;
	smtp_domain_probe *dp = NULL;
	smtp_judgement *j = NULL;
	smtp_zen_verdict zv;
	smtp_report rep;
	mr_buf err;
	int rc = -1, not_local = 0;

	mr_buf_init(&err, 512);
	if (cfg->dqs_key_file != NULL && !cfg->no_spamhaus) {
		if ((key = mr_plugin_secret(ctx, cfg->dqs_key_file, &err)) == NULL)
			goto fail;
		if (mr_spamhaus_dqs_key_valid(key) != 0) {
			/* The file's name is not shown either: users have been seen to give the key itself. */
			mr_buf_puts(&err, "--dqs-key-file: the file holds no Spamhaus DQS key (26 letters or digits)");
			goto fail;
		}
	}
	if (cfg->host == NULL && (dns = mr_plugin_dns(ctx)) == NULL)
		goto out;
	if ((dp = malloc(sizeof(*dp))) == NULL || (j = malloc(sizeof(*j))) == NULL) {
		mr_buf_puts(&err, "out of memory");
		goto fail;
	}
	probe_settings(cfg, &ctx->common, ctx->deadline, &base);
	smtp_report_init(&rep, ctx->check, &ctx->common.thr, ctx->common.verbose);
	for (size_t i = 0; i < cfg->ndomains && mr_now() < ctx->deadline; i++) {
		const char *ip;
		int named;

		smtp_probe_domain(&base, cfg->host, dns, cfg->domains[i], dp);
		if (!dp->found) {
			smtp_report_lookup_failed(&rep, cfg->domains[i], dp->why);
			continue;
		}
		if (dp->res.end == SMTP_END_NOT_LOCAL) {
			not_local = 1;
			break;
		}
		smtp_judge_probe(&dp->res, &dp->pc, &cfg->rules, cfg->throttle_state, j);
		ip = smtp_judge_sending_ip(&dp->res, j, &named);
		if (!cfg->no_spamhaus && smtp_judge_wants_spamhaus(j) && ip != NULL)
			zen_check(ctx, cfg, dns, &own_dns, key, ip, &zv);
		smtp_report_add_judged(&rep, cfg->domains[i], &dp->res, &dp->pc, j,
		                       !cfg->no_spamhaus && smtp_judge_wants_spamhaus(j) && ip != NULL ? &zv : NULL);
	}
	smtp_report_finish(&rep, mr_now() - ctx->start, ctx->common.timeout_state, mr_now() >= ctx->deadline);
	if (not_local) {
		mr_buf_printf(&err, "-b/--bind %s is not an address of this host: %s", cfg->bind, SMTP_NOT_LOCAL_ADVICE);
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	rc = mr_plugin_fail(ctx, 0, "%s", mr_buf_str(&err));
out:
	mr_dns_free(own_dns);
	free(j);
	free(dp);
	mr_buf_free(&err);
	return rc;
}

/** Free the rules. */
static void cleanup(void *cfgp)
{
	ms_config *cfg = cfgp;

	smtp_rules_free(&cfg->rules);
}

/** Examples for --help. */
static const char *const examples[] = {
	"check_ms_smtp -b 192.0.2.25 -e mail.example.com",
	"check_ms_smtp -b 192.0.2.25 -e mail.example.com -r probe@outlook.com",
	"check_ms_smtp -6 -b 2001:db8::25 -e mail.example.com -d outlook.com",
	"check_ms_smtp -b 192.0.2.25 -e mail.example.com --starttls=require",
	NULL
};

/** check_ms_smtp as the plugin frame runs it. */
static const mr_plugin plugin = {
	.info = {
		.name = "check_ms_smtp",
		.prefix = "MS_SMTP",
		.purpose = "Speaks SMTP to Microsoft's MX (Outlook.com, Hotmail) from the monitored sending address "
		           "and classifies the answer: block list (S3140, S3150, SC-00x, 5.7.606-649, ...) is "
		           "CRITICAL, reputation throttling is --throttle-state, and it names where to request "
		           "delisting. Without --send no mail is sent: the probe ends with RSET and QUIT.",
		.usage = "[-d DOMAIN]... [-H HOST] [-p PORT] [-b ADDRESS] [-e NAME]\n"
		         "[-f ADDRESS] [-r ADDRESS] [--send] [--starttls=auto|require|never]\n"
		         "[-4|-6] [--no-spamhaus-lookup] [--dqs-key-file=FILE]\n"
		         "[-w RANGE] [-c RANGE] [-t SECONDS]",
		.notes = "Probe rarely: repeated connections that stop after RCPT TO look like address harvesting "
		         "to Microsoft, which blocks such senders (SC-002, namespace mining). Probe only a mailbox "
		         "you own (-r), hourly or less, and stop probing after an SC-002. Use the PTR name of the "
		         "sending IP as EHLO name (-e) to avoid 5.7.506 Bad HELO. A probe that cannot reach "
		         "Microsoft at all (refused, unreachable: often an outbound port 25 filter) is UNKNOWN; "
		         "every timeout, of a stage or of the run, gets the state of --timeout-result. After a "
		         "block the sending IP (the one Microsoft's reply names, else the local address) is looked "
		         "up on Spamhaus ZEN: Microsoft refuses IPs that Spamhaus lists, so delist there first. "
		         "Run the check on the host that owns the -b address (in Icinga: command_endpoint).",
		.default_timeout = 10,
		.common_flags = MR_COMMON_THRESHOLDS,
		.warning_help = "warning range on the whole dialogue's time in seconds",
		.critical_help = "critical range on the whole dialogue's time in seconds",
		.examples = examples,
	},
	.title = "Probe",
	.options = ms_options,
	.handle = handle_option,
	.dns = &mr_dns_need,
	.dns_off = MR_AT(ms_config, dns),
	.tls_options = mr_tls_smtp_options,
	.tls_off = MR_AT(ms_config, tlsopt),
	.service = &mr_curl_service,
	.prepare = prepare,
	.run = run,
	.cleanup = cleanup,
};

/** Entry point: set the defaults and hand over to the plugin frame. */
int main(int argc, char **argv)
{
	ms_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.port = 25;
	cfg.throttle_state = MR_WARNING;
	smtp_rules_init(&cfg.rules);
	return (int)mr_plugin_main(&plugin, &cfg, argc, argv);
}

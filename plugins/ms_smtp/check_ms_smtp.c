/* check_ms_smtp.c: does Microsoft's consumer mail accept mail from this IP? (options, MX lookup, probe, verdict) */
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <curl/curl.h>

#include "../../common/addr.h"
#include "../../common/deadline.h"
#include "../../common/dns.h"
#include "../../common/options.h"
#include "../../common/render.h"
#include "../../common/result.h"
#include "smtp_mx.h"
#include "smtp_report.h"
#include "smtp_parse_rules.h"
#include "smtp_input_curl.h"

/** Most --domain options. */
#define MAX_DOMAINS 8
/** Most MX hosts or addresses tried per domain. */
#define MAX_CANDIDATES 6

/** Option ids of check_ms_smtp's own group. */
enum {
	OPT_DOMAIN = 1, OPT_HOST, OPT_PORT, OPT_BIND, OPT_EHLO, OPT_FROM, OPT_RCPT, OPT_SEND, OPT_STARTTLS,
	OPT_TLS_VERIFY, OPT_CAFILE, OPT_V4, OPT_V6, OPT_RULES_FILE, OPT_THROTTLE_STATE, OPT_STAGE_TIMEOUT
};

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
	smtp_tls_mode tls;                /**< --starttls */
	int tls_verify;                   /**< --tls-verify */
	const char *cafile;               /**< --cafile */
	int ipv6;                         /**< -6 */
	const char *rules_file;           /**< --rules-file */
	mr_state throttle_state;          /**< --throttle-state */
	double stage_timeout;             /**< --stage-timeout, 0 = half of -t */
	mr_dns_config dns;                /**< DNS group (MX lookups) */
} ms_config;

/** check_ms_smtp's own options. */
static const mr_option ms_options[] = {
	{ "domain", 'd', MR_ARG_REQUIRED, "DOMAIN",
	  "Microsoft domain whose MX to probe (default hotmail.com; also outlook.com, live.com, msn.com)",
	  OPT_DOMAIN, MR_OPT_REPEAT },
	{ "host", 'H', MR_ARG_REQUIRED, "HOST", "connect to HOST instead of looking up the MX", OPT_HOST, 0 },
	{ "port", 'p', MR_ARG_REQUIRED, "PORT", "TCP port (default 25)", OPT_PORT, 0 },
	{ "bind", 'b', MR_ARG_REQUIRED, "ADDRESS",
	  "source address of the connection: the sending IP being checked (the output always names the "
	  "address used)", OPT_BIND, 0 },
	{ "ehlo", 'e', MR_ARG_REQUIRED, "NAME",
	  "EHLO name (default this host's FQDN); use the PTR name of the sending IP", OPT_EHLO, 0 },
	{ "from", 'f', MR_ARG_REQUIRED, "ADDRESS", "MAIL FROM address (default postmaster@ the EHLO name)",
	  OPT_FROM, 0 },
	{ "rcpt", 'r', MR_ARG_REQUIRED, "ADDRESS",
	  "RCPT TO: a mailbox you own at Microsoft; without it the probe stops after MAIL FROM", OPT_RCPT, 0 },
	{ "send", 0, MR_ARG_NONE, NULL,
	  "after RCPT is accepted, send a small dated test message (DATA); without it the probe ends with RSET "
	  "and QUIT and sends no mail", OPT_SEND, 0 },
	{ "starttls", 0, MR_ARG_REQUIRED, "auto|require|never",
	  "use STARTTLS when offered (auto, default), insist on it (require: CRITICAL without it, nothing is "
	  "sent in clear) or never", OPT_STARTTLS, 0 },
	{ "tls-verify", 0, MR_ARG_NONE, NULL, "verify the server certificate and its name", OPT_TLS_VERIFY, 0 },
	{ "cafile", 0, MR_ARG_REQUIRED, "FILE", "CA certificates for --tls-verify (default: the system's)",
	  OPT_CAFILE, 0 },
	{ "ipv4", '4', MR_ARG_NONE, NULL, "connect over IPv4 (default)", OPT_V4, 0 },
	{ "ipv6", '6', MR_ARG_NONE, NULL, "connect over IPv6, for IPv6 sending addresses", OPT_V6, 0 },
	{ "rules-file", 0, MR_ARG_REQUIRED, "FILE",
	  "replace the built-in table that classifies Microsoft's replies (ini format)", OPT_RULES_FILE, 0 },
	{ "throttle-state", 0, MR_ARG_REQUIRED, "STATE",
	  "state for temporary reputation throttling (4.7.650-652 and alike), default warning",
	  OPT_THROTTLE_STATE, 0 },
	{ "stage-timeout", 0, MR_ARG_REQUIRED, "SECONDS",
	  "time allowed for each SMTP stage (default: half of -t), always within -t", OPT_STAGE_TIMEOUT, 0 },
	{ NULL, 0, MR_ARG_NONE, NULL, NULL, 0, 0 }
};

/** 1 if s is a plausible mail address that is safe inside MAIL FROM:<> or RCPT TO:<>. */
static int valid_mailbox(const char *s)
{
	const char *at = strrchr(s, '@');

	if (at == NULL || at == s || at[1] == '\0' || strlen(s) > 254)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '<' || *s == '>' || *s == 0x7f)
			return 0;
	return 1;
}

/** Store one of check_ms_smtp's own options into the config. */
static int handle_option(void *cfgp, int id, const char *arg, mr_buf *err)
{
	ms_config *cfg = cfgp;
	const char *why = NULL;
	mr_addr a;

	switch (id) {
	case OPT_DOMAIN:
		if (mr_hostname_check(arg, &why) != 0)
			return mr_buf_printf(err, "invalid domain '%s': %s", arg, why), -1;
		if (cfg->ndomains == MAX_DOMAINS)
			return mr_buf_printf(err, "at most %d domains", MAX_DOMAINS), -1;
		cfg->domains[cfg->ndomains++] = arg;
		return 0;
	case OPT_HOST:
		if (mr_addr_parse(arg, &a) != 0 && mr_hostname_check(arg, &why) != 0)
			return mr_buf_printf(err, "invalid host '%s': not an IP address, and as a name: %s", arg, why), -1;
		cfg->host = arg;
		return 0;
	case OPT_PORT:
		if (mr_parse_long(arg, 1, 65535, &cfg->port) != 0)
			return mr_buf_printf(err, "invalid port '%s' (1 to 65535)", arg), -1;
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
		if (!valid_mailbox(arg))
			return mr_buf_printf(err, "'%s' is not a mail address (local@domain, no spaces or <>)", arg), -1;
		*(id == OPT_FROM ? &cfg->from : &cfg->rcpt) = arg;
		return 0;
	case OPT_SEND:
		cfg->send = 1;
		return 0;
	case OPT_STARTTLS:
		if (strcmp(arg, "auto") == 0)
			cfg->tls = SMTP_TLS_AUTO;
		else if (strcmp(arg, "require") == 0)
			cfg->tls = SMTP_TLS_REQUIRE;
		else if (strcmp(arg, "never") == 0)
			cfg->tls = SMTP_TLS_NEVER;
		else
			return mr_buf_printf(err, "'%s' is not auto, require or never", arg), -1;
		return 0;
	case OPT_TLS_VERIFY:
		cfg->tls_verify = 1;
		return 0;
	case OPT_CAFILE:
		if (access(arg, R_OK) != 0)
			return mr_buf_printf(err, "cannot read '%s'", arg), -1;
		cfg->cafile = arg;
		return 0;
	case OPT_V4:
	case OPT_V6:
		cfg->ipv6 = id == OPT_V6;
		return 0;
	case OPT_RULES_FILE:
		cfg->rules_file = arg;
		return 0;
	case OPT_THROTTLE_STATE:
		if (mr_state_parse(arg, &cfg->throttle_state) != 0)
			return mr_buf_printf(err, "'%s' is not ok, warning, critical, unknown or 0-3", arg), -1;
		return 0;
	case OPT_STAGE_TIMEOUT:
		if (mr_parse_double(arg, 0.1, 3600, &cfg->stage_timeout) != 0)
			return mr_buf_printf(err, "invalid number of seconds '%s'", arg), -1;
		return 0;
	default:
		return mr_buf_puts(err, "internal error: unknown option"), -1;
	}
}

/** This host's fully qualified name, or its plain host name; into dst. */
static void local_fqdn(char *dst, size_t size)
{
	char host[256];
	struct addrinfo hints, *ai = NULL;

	if (gethostname(host, sizeof(host) - 1) != 0)
		mr_snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai != NULL && ai->ai_canonname != NULL &&
	    mr_hostname_check(ai->ai_canonname, NULL) == 0 && mr_snprintf(dst, size, "%s", ai->ai_canonname) == 0) {
		freeaddrinfo(ai);
		return;
	}
	if (ai != NULL)
		freeaddrinfo(ai);
	if (mr_snprintf(dst, size, "%s", host) != 0)
		mr_snprintf(dst, size, "localhost");
}

/** Probe one domain (or --host) and add its subcheck to the report. */
static void probe_domain(const ms_config *cfg, const mr_common *common, mr_dns *dns, const smtp_rules *rules,
                         const char *domain, const char *ehlo, const char *from, double deadline,
                         smtp_report *rep)
{
	smtp_candidate cand[MAX_CANDIDATES];
	size_t ncand = 0;
	smtp_probe_config pc;
	smtp_probe_result res; /* about 90 KB: one probe at a time */
	char why[256] = "";

	memset(&pc, 0, sizeof(pc));
	pc.port = cfg->port;
	pc.bind = cfg->bind;
	pc.ipv6 = cfg->ipv6;
	pc.ehlo = ehlo;
	pc.from = from;
	pc.rcpt = cfg->rcpt;
	pc.send_data = cfg->send;
	pc.tls = cfg->tls;
	pc.tls_verify = cfg->tls_verify;
	pc.cafile = cfg->cafile;
	pc.stage_timeout = cfg->stage_timeout > 0 ? cfg->stage_timeout : common->timeout / 2;
	pc.deadline = deadline;
	pc.verbose = common->verbose;
	if (cfg->host != NULL) {
		mr_snprintf(cand[0].host, sizeof(cand[0].host), "%s", cfg->host);
		cand[0].addr[0] = '\0';
		ncand = 1;
	} else {
		ncand = smtp_mx_candidates(dns, domain, cfg->ipv6, deadline, cand, MAX_CANDIDATES, why, sizeof(why));
	}
	if (ncand == 0) {
		smtp_report_lookup_failed(rep, domain, why);
		return;
	}
	for (size_t i = 0; i < ncand; i++) {
		pc.host = cand[i].host;
		pc.connect_addr = cand[i].addr[0] ? cand[i].addr : NULL;
		smtp_probe_run(&pc, &res);
		/* Fall back to the next MX only when this one could not be reached at all. */
		if (!(res.end == SMTP_END_CONNECT_FAILED ||
		      (res.end == SMTP_END_TIMEOUT && res.last == SMTP_STAGE_CONNECT)) || mr_now() >= deadline)
			break;
	}
	smtp_report_add(rep, domain, &res, &pc, rules, cfg->throttle_state);
}

/** Entry point: parse options, probe each domain, render, exit with the state. */
int main(int argc, char **argv)
{
	ms_config cfg;
	mr_option_group groups[2];
	mr_plugin_info info = {
		.name = "check_ms_smtp",
		.prefix = "MS_SMTP",
		.purpose = "Speaks SMTP to Microsoft's MX (Outlook.com, Hotmail) from the monitored sending address "
		           "and classifies the answer: block list (S3140, S3150, SC-00x, 5.7.606-649, ...) is "
		           "CRITICAL, reputation throttling is --throttle-state, and it names where to request "
		           "delisting. Without --send no mail is sent: the probe ends with RSET and QUIT.",
		.usage = "[-d DOMAIN]... [-H HOST] [-p PORT] [-b ADDRESS] [-e NAME]\n"
		         "[-f ADDRESS] [-r ADDRESS] [--send] [--starttls=auto|require|never]\n"
		         "[-4|-6] [-w RANGE] [-c RANGE] [-t SECONDS]",
		.notes = "Probe rarely: repeated connections that stop after RCPT TO look like address harvesting "
		         "to Microsoft, which blocks such senders (SC-002, namespace mining). Probe only a mailbox "
		         "you own (-r), hourly or less, and stop probing after an SC-002. Use the PTR name of the "
		         "sending IP as EHLO name (-e) to avoid 5.7.506 Bad HELO. A probe that cannot reach "
		         "Microsoft at all (refused, unreachable, timeout: often an outbound port 25 filter) is "
		         "UNKNOWN.",
		.default_timeout = 10,
		.common_flags = MR_COMMON_THRESHOLDS,
		.warning_help = "warning range on the whole dialogue's time in seconds",
		.critical_help = "critical range on the whole dialogue's time in seconds",
		.groups = groups,
		.ngroups = 2,
	};
	mr_common common;
	mr_check *c = NULL;
	mr_dns *dns = NULL;
	smtp_rules rules;
	smtp_report rep;
	const char *failure = NULL;
	mr_state st = MR_UNKNOWN;
	char ehlo[256], from[320];
	double start = mr_now(), deadline;
	mr_buf err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.port = 25;
	cfg.throttle_state = MR_WARNING;
	mr_buf_init(&err, 4096);
	smtp_rules_init(&rules);
	mr_dns_config_init(&cfg.dns);
	groups[0] = (mr_option_group){ "Probe", ms_options, handle_option, &cfg };
	mr_dns_option_group(&groups[1], &cfg.dns);

	if (!mr_plugin_begin(&info, argc, argv, &common))
		goto out;
	if (cfg.rules_file != NULL ? smtp_rules_load_file(&rules, cfg.rules_file, &err) != 0
	                           : smtp_rules_parse(&rules, smtp_default_rules, "built-in rules", &err) != 0) {
		mr_options_print_error(&info, mr_buf_str(&err));
		goto out;
	}
	if (cfg.send && cfg.rcpt == NULL) {
		mr_options_print_error(&info, "--send needs -r/--rcpt");
		goto out;
	}
	/* With -H and no -d, the output names the host probed rather than a domain that was not looked up. */
	if (cfg.ndomains == 0)
		cfg.domains[cfg.ndomains++] = cfg.host != NULL ? cfg.host : "hotmail.com";
	if (cfg.ehlo == NULL)
		local_fqdn(ehlo, sizeof(ehlo));
	else
		mr_snprintf(ehlo, sizeof(ehlo), "%s", cfg.ehlo);
	if (cfg.from == NULL) {
		if (mr_snprintf(from, sizeof(from), "postmaster@%s", ehlo) != 0) {
			mr_options_print_error(&info, "EHLO name too long for a MAIL FROM address");
			goto out;
		}
	} else {
		mr_snprintf(from, sizeof(from), "%s", cfg.from);
	}
	cfg.dns.verbose = common.verbose;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fputs("MS_SMTP UNKNOWN - cannot initialise libcurl\n", stdout);
		goto out;
	}
	c = mr_check_new(info.prefix);
	if (c == NULL) {
		st = mr_plugin_finish(&info, &common, NULL, NULL, 0);
		curl_global_cleanup();
		goto out;
	}
	deadline = mr_soft_deadline(start, common.timeout);
	if (cfg.host == NULL && (dns = mr_dns_new(&cfg.dns, &err)) == NULL)
		failure = mr_buf_str(&err);
	if (cfg.host != NULL || dns != NULL) {
		smtp_report_init(&rep, c, &common.thr, common.verbose);
		for (size_t i = 0; i < cfg.ndomains && mr_now() < deadline; i++)
			probe_domain(&cfg, &common, dns, &rules, cfg.domains[i], ehlo, from, deadline, &rep);
		smtp_report_finish(&rep, mr_now() - start, common.timeout_state, mr_now() >= deadline);
	}
	st = mr_plugin_finish(&info, &common, c, failure, 0);
	curl_global_cleanup();
out:
	mr_dns_free(dns);
	mr_check_free(c);
	smtp_rules_free(&rules);
	mr_buf_free(&err);
	return (int)st;
}

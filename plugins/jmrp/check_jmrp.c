/* check_jmrp.c: how many Microsoft JMRP junk complaints arrived? (options, read the mailbox, count, render) */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>

#include "../../common/deadline.h"
#include "../../common/options.h"
#include "../../common/render.h"
#include "../../common/result.h"
#include "../../common/secret.h"
#include "jmrp_input.h"
#include "jmrp_judge.h"
#include "jmrp_parse.h"
#include "jmrp_report.h"
#include "jmrp_state.h"

/** Most -H and --sender-domain options each. */
#define MAX_FILTERS 128

/** Option ids of check_jmrp's own group. */
enum {
	OPT_MAILDIR = 1, OPT_MBOX, OPT_IMAP, OPT_IMAP_USER, OPT_IMAP_PASSWORD_FILE, OPT_WINDOW, OPT_IP, OPT_DOMAIN,
	OPT_SENT, OPT_RATE_W, OPT_RATE_C, OPT_STATE_FILE, OPT_CAFILE, OPT_INSECURE, OPT_MAX_DETAILS
};

/** Everything check_jmrp reads from its options. */
typedef struct jmrp_config {
	const char *maildir;            /**< -M */
	const char *mbox;               /**< --mbox */
	const char *imap;               /**< --imap */
	const char *imap_user;          /**< --imap-user */
	const char *imap_password_file; /**< --imap-password-file */
	char window_text[32];           /**< --window as given */
	long window;                    /**< seconds */
	mr_cidr ips[MAX_FILTERS];       /**< -H */
	size_t nips;                    /**< used */
	const char *domains[MAX_FILTERS]; /**< --sender-domain */
	size_t ndomains;                /**< used */
	long sent;                      /**< --sent */
	mr_thresholds rate;             /**< --rate-warning / --rate-critical */
	const char *state_file;         /**< --state-file */
	const char *cafile;             /**< --cafile */
	int insecure;                   /**< --insecure */
	long max_details;               /**< --max-details */
} jmrp_config;

/** check_jmrp's own options. */
static const mr_option jmrp_options[] = {
	{ "maildir", 'M', MR_ARG_REQUIRED, "DIR", "read the Maildir DIR (new/ and cur/; arrival = delivery time)",
	  OPT_MAILDIR, 0 },
	{ "mbox", 0, MR_ARG_REQUIRED, "FILE", "read the mbox FILE (arrival = date of the From_ line)", OPT_MBOX, 0 },
	{ "imap", 0, MR_ARG_REQUIRED, "URL", "read an IMAP mailbox over TLS: imaps://host[:port]/MAILBOX "
	  "(read-only: EXAMINE and BODY.PEEK)", OPT_IMAP, 0 },
	{ "imap-user", 0, MR_ARG_REQUIRED, "NAME", "IMAP login name", OPT_IMAP_USER, 0 },
	{ "imap-password-file", 0, MR_ARG_REQUIRED, "FILE", "read the IMAP password from FILE (mode 600)",
	  OPT_IMAP_PASSWORD_FILE, 0 },
	{ "window", 0, MR_ARG_REQUIRED, "DURATION", "count complaints that arrived in this window: N with s, m, h or "
	  "d (default 24h)", OPT_WINDOW, 0 },
	{ "ip", 'H', MR_ARG_REQUIRED, "ADDRESS|CIDR", "count only complaints about these source IPs", OPT_IP,
	  MR_OPT_REPEAT },
	{ "sender-domain", 0, MR_ARG_REQUIRED, "DOMAIN", "count only complaints whose sender or reported domain is "
	  "DOMAIN or below it", OPT_DOMAIN, MR_OPT_REPEAT },
	{ "sent", 0, MR_ARG_REQUIRED, "N", "messages sent in the window, to turn counts into a rate", OPT_SENT, 0 },
	{ "rate-warning", 0, MR_ARG_REQUIRED, "RANGE", "complaint rate in percent of --sent", OPT_RATE_W, 0 },
	{ "rate-critical", 0, MR_ARG_REQUIRED, "RANGE", "complaint rate in percent of --sent", OPT_RATE_C, 0 },
	{ "state-file", 0, MR_ARG_REQUIRED, "FILE", "remember messages already parsed, so repeated runs stay cheap "
	  "(written atomically)", OPT_STATE_FILE, 0 },
	{ "cafile", 0, MR_ARG_REQUIRED, "FILE", "CA certificates for the IMAP server", OPT_CAFILE, 0 },
	{ "insecure", 0, MR_ARG_NONE, NULL, "do not verify the IMAP server certificate (tests only)", OPT_INSECURE, 0 },
	{ "max-details", 0, MR_ARG_REQUIRED, "N", "list at most N IPs and N senders (default 10)", OPT_MAX_DETAILS, 0 },
	{ NULL, 0, MR_ARG_NONE, NULL, NULL, 0, 0 }
};

/** Parse a duration N[s|m|h|d] into seconds; 0 or -1. */
static int parse_window(const char *s, long *out)
{
	char num[24];
	size_t n = strlen(s);
	long mult = 1, v;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's': mult = 1; num[n - 1] = '\0'; break;
	case 'm': mult = 60; num[n - 1] = '\0'; break;
	case 'h': mult = 3600; num[n - 1] = '\0'; break;
	case 'd': mult = 86400; num[n - 1] = '\0'; break;
	default: break;
	}
	if (mr_parse_long(num, 1, 3650L * 86400 / mult, &v) != 0)
		return -1;
	*out = v * mult;
	return 0;
}

/** Store one of check_jmrp's own options into the config. */
static int handle_option(void *cfgp, int id, const char *arg, mr_buf *err)
{
	jmrp_config *cfg = cfgp;
	const char *why = NULL;

	switch (id) {
	case OPT_MAILDIR: cfg->maildir = arg; return 0;
	case OPT_MBOX: cfg->mbox = arg; return 0;
	case OPT_IMAP:
		if (strncmp(arg, "imaps://", 8) != 0)
			return mr_buf_puts(err, "only imaps://host[:port]/MAILBOX is accepted (TLS)"), -1;
		cfg->imap = arg;
		return 0;
	case OPT_IMAP_USER: cfg->imap_user = arg; return 0;
	case OPT_IMAP_PASSWORD_FILE: cfg->imap_password_file = arg; return 0;
	case OPT_WINDOW:
		if (parse_window(arg, &cfg->window) != 0)
			return mr_buf_printf(err, "'%s' is not a duration (N with s, m, h or d)", arg), -1;
		mr_snprintf(cfg->window_text, sizeof(cfg->window_text), "%s", arg);
		return 0;
	case OPT_IP:
		if (cfg->nips == MAX_FILTERS)
			return mr_buf_printf(err, "at most %d", MAX_FILTERS), -1;
		if (mr_cidr_parse(arg, &cfg->ips[cfg->nips], &why) != 0)
			return mr_buf_printf(err, "invalid address or range '%s': %s", arg, why ? why : "not an IP"), -1;
		cfg->nips++;
		return 0;
	case OPT_DOMAIN:
		if (cfg->ndomains == MAX_FILTERS)
			return mr_buf_printf(err, "at most %d", MAX_FILTERS), -1;
		if (mr_hostname_check(arg, &why) != 0)
			return mr_buf_printf(err, "invalid domain '%s': %s", arg, why), -1;
		cfg->domains[cfg->ndomains++] = arg;
		return 0;
	case OPT_SENT:
		if (mr_parse_long(arg, 1, 1000000000000L, &cfg->sent) != 0)
			return mr_buf_printf(err, "'%s' is not a positive number", arg), -1;
		return 0;
	case OPT_RATE_W:
	case OPT_RATE_C:
		if (mr_range_parse(arg, id == OPT_RATE_W ? &cfg->rate.warn : &cfg->rate.crit) != 0)
			return mr_buf_printf(err, "invalid range '%s'", arg), -1;
		*(id == OPT_RATE_W ? &cfg->rate.has_warn : &cfg->rate.has_crit) = 1;
		return 0;
	case OPT_STATE_FILE: cfg->state_file = arg; return 0;
	case OPT_CAFILE: cfg->cafile = arg; return 0;
	case OPT_INSECURE: cfg->insecure = 1; return 0;
	case OPT_MAX_DETAILS:
		if (mr_parse_long(arg, 0, 100000, &cfg->max_details) != 0)
			return mr_buf_printf(err, "invalid number '%s'", arg), -1;
		return 0;
	default:
		return mr_buf_puts(err, "internal error: unknown option"), -1;
	}
}

/** Check the combination of options; 0 or -1 with a reason. */
static int check_config(const jmrp_config *cfg, mr_buf *err)
{
	int sources = (cfg->maildir != NULL) + (cfg->mbox != NULL) + (cfg->imap != NULL);

	if (sources != 1)
		return mr_buf_puts(err, sources == 0 ? "no mailbox: give -M/--maildir, --mbox or --imap"
		                                      : "give exactly one of -M/--maildir, --mbox and --imap"), -1;
	if (cfg->imap != NULL && (cfg->imap_user == NULL || cfg->imap_password_file == NULL))
		return mr_buf_puts(err, "--imap needs --imap-user and --imap-password-file"), -1;
	if ((cfg->rate.has_warn || cfg->rate.has_crit) && cfg->sent == 0)
		return mr_buf_puts(err, "--rate-warning/--rate-critical need --sent"), -1;
	return 0;
}

/** Write the state file (partial: also the cached entries a run that stopped early did not reach); a failure
 *  becomes an informational WARNING line, never the run's result. */
static void save_state(const jmrp_counter *counter, const char *path, int partial, mr_check *c)
{
	mr_buf why;

	mr_buf_init(&why, 4096);
	if (jmrp_state_save(counter, path, partial, &why) != 0)
		mr_sub_add_info(c, NULL, MR_WARNING, "%s", mr_buf_str(&why));
	mr_buf_free(&why);
}

/** Read the source and count; 0, or -1 with an UNKNOWN reason. */
static int run_check(const jmrp_config *cfg, const mr_common *common, double start, mr_check *c, mr_buf *err)
{
	jmrp_count_config cc = { cfg->ips, cfg->nips, cfg->domains, cfg->ndomains, (size_t)cfg->max_details };
	jmrp_counter counter;
	jmrp_read_config rc;
	jmrp_read_stats st;
	jmrp_report_config rep;
	char *password = NULL;
	int rc_ = -1, r;

	memset(&st, 0, sizeof(st));
	jmrp_counter_init(&counter, &cc);
	memset(&rc, 0, sizeof(rc));
	rc.since = time(NULL) - cfg->window;
	rc.deadline = mr_soft_deadline(start, common->timeout);
	rc.known = cfg->state_file != NULL ? jmrp_counter_known : NULL;
	rc.cb = jmrp_counter_message;
	rc.user = &counter;
	rc.verbose = common->verbose;
	if (cfg->state_file != NULL)
		jmrp_state_load(&counter, cfg->state_file, rc.since);
	if (cfg->maildir != NULL) {
		r = jmrp_read_maildir(cfg->maildir, &rc, &st, err);
	} else if (cfg->mbox != NULL) {
		r = jmrp_read_mbox(cfg->mbox, &rc, &st, err);
	} else {
		jmrp_imap_config ic = { cfg->imap, cfg->imap_user, NULL, cfg->cafile, cfg->insecure };
		password = mr_check_read_secret(c, cfg->imap_password_file, err);
		if (password == NULL)
			goto out;
		ic.password = password;
		r = jmrp_read_imap(&ic, &rc, &st, err);
	}
	if (r < 0 || counter.oom) {
		if (r == 0) /* the reader went on; a table or the list of unparsed messages could not grow */
			mr_buf_puts(err, "out of memory");
		goto out;
	}
	if (r > 0) {
		mr_buf_printf(err, "timed out after %zu messages (-t %g)", st.listed, common->timeout);
		if (cfg->state_file != NULL) /* keep what this run learnt, so the next one goes on from there */
			save_state(&counter, cfg->state_file, 1, c);
		goto out;
	}
	memset(&rep, 0, sizeof(rep));
	rep.thr = &common->thr;
	rep.sent = cfg->sent;
	rep.rate = &cfg->rate;
	rep.window = cfg->window_text;
	rep.st = &st;
	rep.elapsed = mr_now() - start;
	if (jmrp_report_build(&counter, &rep, c) != 0) {
		mr_buf_puts(err, "out of memory while reporting");
		goto out;
	}
	if (cfg->state_file != NULL)
		save_state(&counter, cfg->state_file, 0, c);
	rc_ = 0;
out:
	mr_secret_free(password);
	jmrp_counter_free(&counter);
	return rc_;
}

/** Entry point: parse options, read and count, render, exit with the state. */
int main(int argc, char **argv)
{
	jmrp_config cfg;
	mr_option_group group;
	mr_plugin_info info = {
		.name = "check_jmrp",
		.prefix = "JMRP",
		.purpose = "Counts Microsoft JMRP (Junk Mail Reporting Program) complaints in the mailbox that "
		           "receives them: legacy Hotmail reports and RFC 5965 ARF reports, per time window, per source "
		           "IP and per sender. A rising count is the earliest sign of a coming block. The mailbox is "
		           "only read, never changed.",
		.usage = "-M DIR|--mbox=FILE|--imap=URL [--window=DURATION] [-H ADDRESS|CIDR]...\n"
		         "[--sender-domain=DOMAIN]... [-w RANGE] [-c RANGE] [--sent=N] [-t SECONDS]",
		.notes = "Messages that are no recognisable complaint are counted as 'unparsed' and listed, never "
		         "dropped. Recipient addresses of the complaints and the IMAP password never appear in the "
		         "output. Give the password in a file or with --extra-opts.",
		.default_timeout = 10,
		.common_flags = MR_COMMON_THRESHOLDS,
		.warning_help = "warning range on the number of complaints in the window",
		.critical_help = "critical range on the number of complaints in the window",
		.groups = &group,
		.ngroups = 1,
	};
	mr_common common;
	mr_check *c = NULL;
	mr_state st = MR_UNKNOWN;
	double start = mr_now();
	int mime = 0, curl = 0;
	const char *failure = NULL;
	mr_buf err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.window = 86400;
	cfg.max_details = 10;
	mr_snprintf(cfg.window_text, sizeof(cfg.window_text), "24h");
	mr_buf_init(&err, 4096);
	group = (mr_option_group){ "Mailbox and counting", jmrp_options, handle_option, &cfg };
	if (!mr_plugin_begin(&info, argc, argv, &common))
		goto out;
	if (check_config(&cfg, &err) != 0) {
		mr_options_print_error(&info, mr_buf_str(&err));
		goto out;
	}
	c = mr_check_new(info.prefix);
	if (c == NULL) {
		st = mr_plugin_finish(&info, &common, NULL, NULL, 0);
		goto out;
	}
	jmrp_parse_init();
	mime = 1;
	if (cfg.imap != NULL) { /* only the IMAP reader uses libcurl */
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			fputs("JMRP UNKNOWN - cannot initialise libcurl (out of memory?)\n", stdout);
			goto out;
		}
		curl = 1;
	}
	if (run_check(&cfg, &common, start, c, &err) != 0)
		failure = mr_buf_str(&err);
	st = mr_plugin_finish(&info, &common, c, failure, mr_now() >= mr_soft_deadline(start, common.timeout));
out:
	if (curl)
		curl_global_cleanup();
	if (mime)
		jmrp_parse_shutdown();
	mr_check_free(c);
	mr_buf_free(&err);
	return (int)st;
}

/* check_jmrp.c: how many Microsoft JMRP junk complaints arrived? (options, read the mailbox, count, render) */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../common/deadline.h"
#include "../../common/plugin.h"
#include "../../common/secret.h"
#include "../../common/tlsopt.h"
#include "jmrp_input.h"
#include "jmrp_judge.h"
#include "jmrp_parse.h"
#include "jmrp_report.h"
#include "jmrp_state.h"

/** Most -H and --sender-domain options each. */
#define MAX_FILTERS 128

/** Ids of check_jmrp's options that its handler checks and stores. */
enum { OPT_IMAP = 1 };

/** Everything check_jmrp reads from its options. */
typedef struct jmrp_config {
	const char *maildir;            /**< -M */
	const char *mbox;               /**< --mbox */
	const char *imap;               /**< --imap */
	const char *imap_user;          /**< --imap-user */
	const char *imap_password_file; /**< --imap-password-file */
	const char *window_text;        /**< --window as given */
	long window;                    /**< seconds */
	mr_cidr ips[MAX_FILTERS];       /**< -H */
	size_t nips;                    /**< used */
	const char *domains[MAX_FILTERS]; /**< --sender-domain */
	size_t ndomains;                /**< used */
	long sent;                      /**< --sent */
	mr_thresholds rate;             /**< --rate-warning / --rate-critical */
	const char *state_file;         /**< --state-file */
	mr_tls_config tls;              /**< TLS group: --cafile, --insecure */
	long max_details;               /**< --max-details */
	int mime;                       /**< 1 once GMime is initialised */
} jmrp_config;

/** check_jmrp's own options. */
static const mr_option jmrp_options[] = {
	{ .long_name = "maildir", .short_name = 'M', .arg = MR_ARG_REQUIRED, .arg_name = "DIR",
	  .help = "read the Maildir DIR (new/ and cur/; arrival = delivery time)",
	  .type = MR_T_STRING, .off = MR_AT(jmrp_config, maildir) },
	{ .long_name = "mbox", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "read the mbox FILE (arrival = date of the From_ line)",
	  .type = MR_T_STRING, .off = MR_AT(jmrp_config, mbox) },
	{ .long_name = "imap", .arg = MR_ARG_REQUIRED, .arg_name = "URL", .id = OPT_IMAP,
	  .help = "read an IMAP mailbox over TLS: imaps://host[:port]/MAILBOX, the name percent-encoded as in "
	          "imaps://host/Junk%20Reports (read-only: EXAMINE and BODY.PEEK)" },
	{ .long_name = "imap-user", .arg = MR_ARG_REQUIRED, .arg_name = "NAME", .help = "IMAP login name",
	  .type = MR_T_STRING, .off = MR_AT(jmrp_config, imap_user) },
	{ .long_name = "imap-password-file", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "read the IMAP password from FILE (not readable by others)",
	  .type = MR_T_SECRET_FILE, .off = MR_AT(jmrp_config, imap_password_file) },
	{ .long_name = "window", .arg = MR_ARG_REQUIRED, .arg_name = "DURATION",
	  .help = "count complaints that arrived in this window: N with s, m, h or d (default 24h)",
	  .type = MR_T_DURATION, .off = MR_AT(jmrp_config, window), .off2 = MR_AT(jmrp_config, window_text),
	  .hi = 3650.0 * 86400 },
	{ .long_name = "ip", .short_name = 'H', .arg = MR_ARG_REQUIRED, .arg_name = "ADDRESS|CIDR",
	  .help = "count only complaints about these source IPs", .flags = MR_OPT_REPEAT, .type = MR_T_CIDR_LIST,
	  .off = MR_AT(jmrp_config, ips), .off2 = MR_AT(jmrp_config, nips), .hi = MAX_FILTERS },
	{ .long_name = "sender-domain", .arg = MR_ARG_REQUIRED, .arg_name = "DOMAIN",
	  .help = "count only complaints whose sender or reported domain is DOMAIN or below it",
	  .flags = MR_OPT_REPEAT, .type = MR_T_DOMAIN_LIST, .off = MR_AT(jmrp_config, domains),
	  .off2 = MR_AT(jmrp_config, ndomains), .hi = MAX_FILTERS },
	{ .long_name = "sent", .arg = MR_ARG_REQUIRED, .arg_name = "N",
	  .help = "messages sent in the window, to turn counts into a rate",
	  .type = MR_T_COUNT, .off = MR_AT(jmrp_config, sent), .lo = 1, .hi = 1000000000000.0 },
	{ .long_name = "rate-warning", .arg = MR_ARG_REQUIRED, .arg_name = "RANGE",
	  .help = "complaint rate in percent of --sent", .type = MR_T_RANGE, .off = MR_AT(jmrp_config, rate.warn),
	  .off2 = MR_AT(jmrp_config, rate.has_warn) },
	{ .long_name = "rate-critical", .arg = MR_ARG_REQUIRED, .arg_name = "RANGE",
	  .help = "complaint rate in percent of --sent", .type = MR_T_RANGE, .off = MR_AT(jmrp_config, rate.crit),
	  .off2 = MR_AT(jmrp_config, rate.has_crit) },
	{ .long_name = "state-file", .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "remember messages already parsed, so repeated runs stay cheap (written atomically)",
	  .type = MR_T_STRING, .off = MR_AT(jmrp_config, state_file) },
	{ .long_name = "max-details", .arg = MR_ARG_REQUIRED, .arg_name = "N",
	  .help = "list at most N IPs and N senders (default 10)",
	  .type = MR_T_COUNT, .off = MR_AT(jmrp_config, max_details), .lo = 0, .hi = 100000 },
	MR_OPTION_END
};

/** Store one of check_jmrp's own options into the config. */
static int handle_option(void *cfgp, int id, const char *arg, mr_buf *err)
{
	jmrp_config *cfg = cfgp;

	switch (id) {
	case OPT_IMAP:
		if (strncmp(arg, "imaps://", 8) != 0)
			return mr_buf_puts(err, "only imaps://host[:port]/MAILBOX is accepted (TLS)"), -1;
		cfg->imap = arg;
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

/** The mailbox the options name; for IMAP the password is read here; 0, or -1 with a reason. */
static int source_of(mr_plugin_ctx *ctx, const jmrp_config *cfg, jmrp_source *src, mr_buf *err)
{
	memset(src, 0, sizeof(*src));
	src->maildir = cfg->maildir;
	src->mbox = cfg->mbox;
	if (cfg->imap == NULL)
		return 0;
	src->imap = (jmrp_imap_config){ cfg->imap, cfg->imap_user, NULL, cfg->tls.cafile, cfg->tls.insecure };
	src->imap.password = mr_plugin_secret(ctx, cfg->imap_password_file, err);
	return src->imap.password != NULL ? 0 : -1;
}

/** Read the source and count; 0, or -1 with an UNKNOWN reason. */
static int run_check(mr_plugin_ctx *ctx, const jmrp_config *cfg, mr_buf *err)
{
	jmrp_count_config cc = { cfg->ips, cfg->nips, cfg->domains, cfg->ndomains, (size_t)cfg->max_details };
	jmrp_report_config rep = { &ctx->common.thr, cfg->sent, &cfg->rate, cfg->window_text, NULL, 0 };
	time_t since = time(NULL) - cfg->window;
	jmrp_counter counter;
	jmrp_read_stats st;
	jmrp_source src;
	int rc = -1, r;

	memset(&st, 0, sizeof(st));
	jmrp_counter_init(&counter, &cc);
	if (cfg->state_file != NULL)
		jmrp_state_load(&counter, cfg->state_file, since);
	if (source_of(ctx, cfg, &src, err) != 0)
		goto out;
	r = jmrp_count_source(&counter, &src, since, ctx->deadline, ctx->common.verbose, &st, err);
	if (r > 0) {
		mr_buf_printf(err, "timed out after %zu message%s (-t %g)", st.listed, st.listed == 1 ? "" : "s",
		              ctx->common.timeout);
		if (cfg->state_file != NULL) /* keep what this run learnt, so the next one goes on from there */
			save_state(&counter, cfg->state_file, 1, ctx->check);
	}
	if (r != 0)
		goto out;
	rep.st = &st;
	rep.elapsed = mr_now() - ctx->start;
	if (jmrp_report_build(&counter, &rep, ctx->check) != 0) {
		mr_buf_puts(err, "out of memory while reporting");
		goto out;
	}
	if (cfg->state_file != NULL)
		save_state(&counter, cfg->state_file, 0, ctx->check);
	rc = 0;
out:
	jmrp_counter_free(&counter);
	return rc;
}

/** Check the option combinations, start GMime and ask for libcurl for IMAP; MR_PREPARE_OK or _BAD. */
static int prepare(mr_plugin_ctx *ctx, void *cfgp, mr_buf *err)
{
	jmrp_config *cfg = cfgp;

	if (check_config(cfg, err) != 0)
		return MR_PREPARE_BAD;
	jmrp_parse_init();
	cfg->mime = 1;
	if (cfg->imap != NULL && mr_plugin_need(ctx, &mr_curl_service) != 0) /* only the IMAP reader uses libcurl */
		return mr_buf_puts(err, "internal error: too many services"), MR_PREPARE_BAD;
	return MR_PREPARE_OK;
}

/** Read and count; 0, or -1 after mr_plugin_fail (a timeout once the deadline has passed). */
static int run(mr_plugin_ctx *ctx, void *cfgp)
{
	mr_buf err;
	int rc = 0;

	mr_buf_init(&err, 4096);
	if (run_check(ctx, cfgp, &err) != 0)
		rc = mr_plugin_fail(ctx, mr_plugin_timed_out(ctx), "%s", mr_buf_str(&err));
	mr_buf_free(&err);
	return rc;
}

/** Shut GMime down if prepare started it. */
static void cleanup(void *cfgp)
{
	jmrp_config *cfg = cfgp;

	if (cfg->mime)
		jmrp_parse_shutdown();
}

/** Examples for --help. */
static const char *const examples[] = {
	"check_jmrp -M /srv/jmrp/Maildir",
	"check_jmrp -M /srv/jmrp/Maildir --window=7d -w 5 -c 20",
	"check_jmrp -M /srv/jmrp/Maildir -H 192.0.2.0/24 --sent=50000 --rate-warning=0.1",
	"check_jmrp --mbox=/var/mail/jmrp --state-file=/var/tmp/jmrp.state",
	NULL
};

/** check_jmrp as the plugin frame runs it. */
static const mr_plugin plugin = {
	.info = {
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
		         "output. Give the IMAP password in a file, never itself: --imap-password-file=FILE, or the "
		         "line 'imap-password-file = FILE' in the plugin's section of the --extra-opts ini file.",
		.default_timeout = 10,
		.common_flags = MR_COMMON_THRESHOLDS,
		.warning_help = "warning range on the number of complaints in the window",
		.critical_help = "critical range on the number of complaints in the window",
		.examples = examples,
	},
	.title = "Mailbox and counting",
	.options = jmrp_options,
	.handle = handle_option,
	.tls_options = mr_tls_imap_options,
	.tls_off = MR_AT(jmrp_config, tls),
	.prepare = prepare,
	.run = run,
	.cleanup = cleanup,
};

/** Entry point: set the defaults and hand over to the plugin frame. */
int main(int argc, char **argv)
{
	jmrp_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.window = 86400;
	cfg.window_text = "24h";
	cfg.max_details = 10;
	return (int)mr_plugin_main(&plugin, &cfg, argc, argv);
}

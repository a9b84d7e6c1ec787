/* plugin.c: owns the run of a plugin from argv to the exit state: option groups, the hard timeout, the result
 * tree, the services (libcurl), the run's one failure call, rendering and clean-up. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "options_int.h"
#include "plugin.h"
#include "secret.h"

/** Room for a bad-argument or failure message. */
#define MSG_MAX 4096
/** Most option groups: the plugin's own, TLS and DNS. */
#define MAX_GROUPS 3

/** Record the run's failure; see plugin.h. */
int mr_plugin_fail(mr_plugin_ctx *ctx, int timed_out, const char *fmt, ...)
{
	mr_buf b;
	va_list ap;

	if (ctx->failure != NULL)
		return -1;
	mr_buf_init(&b, MSG_MAX);
	va_start(ap, fmt);
	mr_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	ctx->failure = strdup(b.len > 0 ? mr_buf_str(&b) : "out of memory");
	ctx->timed_out = timed_out;
	mr_buf_free(&b);
	return -1;
}

/** 1 once the soft deadline has passed; see plugin.h. */
int mr_plugin_timed_out(const mr_plugin_ctx *ctx)
{
	return mr_now() >= ctx->deadline;
}

/** The resolver, made on first use; see plugin.h. */
struct mr_dns *mr_plugin_dns(mr_plugin_ctx *ctx)
{
	const mr_plugin *p = ctx->plugin;
	mr_buf err;

	if (ctx->dns != NULL || p->dns == NULL || ctx->dns_cfg == NULL)
		return ctx->dns;
	mr_buf_init(&err, MSG_MAX);
	ctx->dns = p->dns->open(ctx->dns_cfg, ctx->common.verbose, &err);
	if (ctx->dns == NULL)
		mr_plugin_fail(ctx, 0, "%s", mr_buf_str(&err));
	mr_buf_free(&err);
	return ctx->dns;
}

/** The state a timeout of this run gets; see plugin.h. */
mr_state mr_plugin_timeout_state(const mr_plugin_ctx *ctx)
{
	return ctx->common.timeout_state;
}

/** Write the label of the secret-file row whose stored value is path ("-k/--key-file") into dst; "secret file"
 *  when no row holds it. */
static void secret_label(const mr_plugin_ctx *ctx, const char *path, char *dst, size_t size)
{
	size_t g;

	for (g = 0; g < ctx->info.ngroups; g++) {
		const mr_option_group *grp = &ctx->info.groups[g];
		const mr_option *o;

		for (o = grp->options; o != NULL && o->long_name != NULL; o++) {
			if (o->type == MR_T_SECRET_FILE && grp->cfg != NULL &&
			    *(const char *const *)(const void *)((const char *)grp->cfg + o->off) == path) {
				mr_option_label(o, dst, size);
				return;
			}
		}
	}
	if (mr_snprintf(dst, size, "secret file") != 0 && size > 0)
		dst[0] = '\0';
}

/** Read a secret file for the run; see plugin.h. */
const char *mr_plugin_secret(mr_plugin_ctx *ctx, const char *path, mr_buf *err)
{
	char name[96];
	mr_buf why;
	int loose = 0;
	char *s = NULL;

	secret_label(ctx, path, name, sizeof(name));
	mr_buf_init(&why, MSG_MAX);
	if (ctx->nsecrets == sizeof(ctx->secrets) / sizeof(ctx->secrets[0]))
		mr_buf_puts(&why, "internal error: too many secret files");
	else
		s = mr_secret_read_file(path, &loose, &why);
	if (s == NULL) {
		/* the path is never quoted: it may be the secret itself, given where a file name belongs */
		mr_plugin_fail(ctx, 0, "%s: %s%s", name, mr_buf_str(&why), mr_options_origin(path));
		mr_buf_puts(err, ctx->failure != NULL ? ctx->failure : mr_buf_str(&why));
		mr_buf_free(&why);
		return NULL;
	}
	mr_buf_free(&why);
	ctx->secrets[ctx->nsecrets++] = s;
	if ((loose & MR_SECRET_LOOSE_OTHERS) && ctx->check != NULL)
		mr_sub_add_info(ctx->check, NULL, MR_WARNING, "%s: every user can read the file given; chmod o-rwx it "
		                "(root:nagios, mode 0640, is the advice)", name);
	if ((loose & MR_SECRET_LOOSE_OWNER) && ctx->check != NULL)
		mr_sub_add_info(ctx->check, NULL, MR_WARNING, "%s: the file given belongs to a user who is neither root "
		                "nor the one running this plugin and who can change it; chown root:nagios it", name);
	return s;
}

/** Add a service to initialise before the run; see plugin.h. */
int mr_plugin_need(mr_plugin_ctx *ctx, const mr_plugin_service *s)
{
	size_t i;

	for (i = 0; i < ctx->nservices; i++)
		if (ctx->services[i] == s)
			return 0;
	if (ctx->nservices == sizeof(ctx->services) / sizeof(ctx->services[0]))
		return -1;
	ctx->services[ctx->nservices++] = s;
	return 0;
}

/** Fill groups[] and ctx->info from p and cfg: the plugin's own group, then TLS, then DNS. */
static void build_groups(mr_plugin_ctx *ctx, const mr_plugin *p, void *cfg, mr_option_group *groups)
{
	size_t n = 0;

	groups[n++] = (mr_option_group){ p->title, p->options, p->handle, cfg };
	if (p->tls_options != NULL)
		groups[n++] = (mr_option_group){ "TLS", p->tls_options, NULL, (char *)cfg + p->tls_off };
	if (p->dns != NULL) {
		ctx->dns_cfg = (char *)cfg + p->dns_off;
		p->dns->init(ctx->dns_cfg);
		p->dns->group(&groups[n++], ctx->dns_cfg);
	}
	ctx->info = p->info;
	ctx->info.groups = groups;
	ctx->info.ngroups = n;
}

/** Arm the last-resort alarm for a run bounded by t seconds: it fires 50 ms before, so its line is out within t. */
static void arm_hard_timeout(const mr_plugin_ctx *ctx, double t, mr_state st)
{
	mr_hard_timeout_arm_shown(t > 0.1 ? t - 0.05 : t, t, st, ctx->info.prefix);
}

/** Parse the options and arm the hard timeout just before -t; 1 to run, 0 to return UNKNOWN at once. */
static int begin(mr_plugin_ctx *ctx, int argc, char **argv)
{
	mr_buf err;
	mr_parse_status st;
	mr_state early_state = MR_UNKNOWN;
	double early = ctx->info.default_timeout > 0 ? ctx->info.default_timeout : MR_FALLBACK_TIMEOUT;

	mr_buf_init(&err, MSG_MAX);
	/* Reading --extra-opts may wait on a FIFO that nobody writes: bound that by the command line's -t, or by the
	 * default one (rearmed below once every option is known). */
	mr_options_early_timeout(argc, argv, &early, &early_state);
	arm_hard_timeout(ctx, early, early_state);
	st = mr_options_parse(&ctx->info, argc, argv, &ctx->common, &err);
	if (st == MR_PARSE_ERROR)
		mr_options_print_error(&ctx->info, mr_buf_str(&err));
	else if (st == MR_PARSE_FAIL)
		mr_options_print_failure(&ctx->info, mr_buf_str(&err));
	mr_buf_free(&err);
	if (st != MR_PARSE_OK)
		return 0;
	arm_hard_timeout(ctx, ctx->common.timeout, ctx->common.timeout_state);
	ctx->deadline = mr_soft_deadline(ctx->start, ctx->common.timeout);
	return 1;
}

/** Stop the hard timeout, apply the failure and print the result; the exit state. */
static mr_state finish(mr_plugin_ctx *ctx)
{
	mr_check *c = ctx->check;

	mr_hard_timeout_cancel();
	if (c != NULL && ctx->failure != NULL) {
		if (mr_check_set_summary(c, "%s", ctx->failure) != 0)
			c = NULL;
		mr_check_set_state(c, ctx->timed_out ? ctx->common.timeout_state : MR_UNKNOWN);
	}
	if (c == NULL) {
		printf("%s UNKNOWN - out of memory\n", ctx->info.prefix);
		return MR_UNKNOWN;
	}
	return mr_check_output(c, ctx->common.format);
}

/** Initialise the services in order; 0, or -1 after printing the one failure line (those done are kept). */
static int init_services(mr_plugin_ctx *ctx, size_t *done)
{
	for (*done = 0; *done < ctx->nservices; (*done)++) {
		if (ctx->services[*done]->init() != 0) {
			printf("%s UNKNOWN - cannot initialise %s\n", ctx->info.prefix, ctx->services[*done]->what);
			return -1;
		}
	}
	return 0;
}

/** Run a plugin from argv to the exit state; see plugin.h. */
mr_state mr_plugin_main(const mr_plugin *p, void *cfg, int argc, char **argv)
{
	mr_option_group groups[MAX_GROUPS];
	mr_plugin_ctx ctx;
	mr_state st = MR_UNKNOWN;
	size_t done = 0;
	size_t i;
	mr_buf err;

	memset(&ctx, 0, sizeof(ctx));
	mr_buf_init(&err, MSG_MAX);
	ctx.plugin = p;
	ctx.start = mr_now();
	build_groups(&ctx, p, cfg, groups);
	if (p->service != NULL)
		mr_plugin_need(&ctx, p->service);
	if (!begin(&ctx, argc, argv))
		goto out;
	ctx.check = mr_check_new(ctx.info.prefix);
	if (ctx.check == NULL) {
		st = finish(&ctx);
		goto out;
	}
	if (p->prepare != NULL) {
		int r = p->prepare(&ctx, cfg, &err);

		if (r != MR_PREPARE_OK && ctx.failure != NULL) {
			/* a runtime failure (a secret file that cannot be read): its one line, no usage */
			st = finish(&ctx);
			goto out;
		}
		if (r == MR_PREPARE_BAD)
			mr_options_print_error(&ctx.info, mr_buf_str(&err));
		if (r != MR_PREPARE_OK)
			goto out;
	}
	if (init_services(&ctx, &done) != 0)
		goto out;
	if (p->run(&ctx, cfg) != 0 && ctx.failure == NULL)
		mr_plugin_fail(&ctx, 0, "internal error: the run failed without a reason");
	st = finish(&ctx);
out:
	mr_hard_timeout_cancel();
	if (p->cleanup != NULL)
		p->cleanup(cfg);
	if (ctx.dns != NULL)
		p->dns->close(ctx.dns);
	while (done > 0)
		ctx.services[--done]->cleanup();
	for (i = 0; i < ctx.nsecrets; i++)
		mr_secret_free(ctx.secrets[i]);
	mr_check_free(ctx.check);
	free(ctx.failure);
	mr_buf_free(&err);
	return st;
}

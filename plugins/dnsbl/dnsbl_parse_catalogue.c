/* dnsbl_parse_catalogue.c: the zone catalogue's file format: the meaning of its ini sections and keys
 * (the ini reading itself is common/ini.c's), checks of each zone as a whole, and loading a file. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/ini.h"
#include "../../common/spamhaus.h"
#include "dnsbl_parse_catalogue.h"
#include "dnsbl_parse_codes.h"
#include "dnsbl_parse_spamhaus.h"

/** The catalogue format's ini leniencies (doc/zone-catalogue.md): "key: value" and ' ;' comments. */
#define CATALOGUE_INI_FLAGS (MR_INI_INLINE_COMMENTS | MR_INI_COLON)

/** The catalogue keys. */
enum key_id {
	K_TYPE = 0, K_IPV4, K_IPV6, K_ROLE, K_SEVERITY, K_LISTING, K_CODE, K_ERROR,
	K_NEEDS, K_DELIST, K_DESCRIPTION, K_DQS, K_COUNT
};

/** Key names, indexed by enum key_id. */
static const char *const key_names[K_COUNT] = {
	"type", "ipv4", "ipv6", "role", "severity", "listing", "code", "error",
	"needs", "delist", "description", "dqs"
};

/** Per-zone bookkeeping while a catalogue text is parsed. */
typedef struct zone_info {
	unsigned line;              /**< line of the [zone] header */
	unsigned key_line[K_COUNT]; /**< line where each key was last given, 0 if never */
} zone_info;

/** State of one dnsbl_catalogue_parse call. */
typedef struct parse_ctx {
	mr_ini_msg msg;            /**< origin, destination and "failed" of the messages */
	const dnsbl_catalogue *dst;/**< catalogue the zones will join (for duplicates) */
	dnsbl_catalogue zones;     /**< zones parsed so far */
	zone_info *info;           /**< bookkeeping parallel to zones.v */
	size_t info_cap;           /**< allocated entries of info */
} parse_ctx;

/** Start a new zone for a [section] header at line; 0 or -1 with a message. */
static int zone_start(parse_ctx *ctx, unsigned line, const char *section)
{
	char name[DNSBL_ZONE_MAX + 1];
	const char *why = NULL;
	zone_info *zi;
	long prev;

	dnsbl_spamhaus_register_key(section, strlen(section));
	if (mr_hostname_normalise(section, name, sizeof name, &why) != 0) {
		mr_ini_fail(&ctx->msg, line, "[%.*s]: %s", DNSBL_QUOTE_MAX, section, why);
		return -1;
	}
	prev = dnsbl_catalogue_index(&ctx->zones, name);
	if (prev >= 0) {
		mr_ini_fail(&ctx->msg, line, "zone [%s] appears twice (first at line %u)", name,
		            ctx->info[prev].line);
		return -1;
	}
	if (ctx->dst != NULL && dnsbl_catalogue_index(ctx->dst, name) >= 0) {
		mr_ini_fail(&ctx->msg, line, "zone [%s] is already in the catalogue", name);
		return -1;
	}
	if (dnsbl_catalogue_reserve(&ctx->zones, 1) != 0)
		goto nomem;
	if (ctx->info_cap < ctx->zones.cap) {
		zone_info *ni = realloc(ctx->info, ctx->zones.cap * sizeof *ni);
		if (ni == NULL)
			goto nomem;
		ctx->info = ni;
		ctx->info_cap = ctx->zones.cap;
	}
	dnsbl_zone_defaults(&ctx->zones.v[ctx->zones.n], name);
	zi = &ctx->info[ctx->zones.n];
	memset(zi, 0, sizeof *zi);
	zi->line = line;
	ctx->zones.n++;
	return 0;
nomem:
	mr_ini_fail(&ctx->msg, line, "out of memory");
	return -1;
}

/** Parse yes|no (any case) into *out; 0 or -1. */
static int parse_bool(const char *v, int *out)
{
	if (mr_streq_ci(v, "yes")) {
		*out = 1;
		return 0;
	}
	if (mr_streq_ci(v, "no")) {
		*out = 0;
		return 0;
	}
	return -1;
}

/** Parse "CODES text" of a code= or error= line into set; 0 or -1 with a message. */
static int set_codes_with_text(parse_ctx *ctx, unsigned line, const char *key, dnsbl_codeset *set,
                               const char *v, int need_text)
{
	char codes[MR_INI_LINE_MAX + 1];
	char meaning[sizeof set->v[0].text];
	char what[32];
	size_t cl = strcspn(v, " \t");
	const char *text = v + cl;
	mr_buf why;
	int rc = -1;

	mr_buf_init(&why, 256);
	while (isspace((unsigned char)*text))
		text++;
	if (cl == 0 || cl >= sizeof codes) {
		mr_ini_fail(&ctx->msg, line, "%s needs answer codes", key);
		goto out;
	}
	if (need_text && *text == '\0') {
		mr_ini_fail(&ctx->msg, line, "%s needs a meaning after the codes", key);
		goto out;
	}
	if (mr_snprintf(what, sizeof what, "%s meaning", key) != 0 ||
	    mr_ini_copy_text(&ctx->msg, line, what, text, meaning, sizeof meaning) != 0)
		goto out;
	memcpy(codes, v, cl);
	codes[cl] = '\0';
	if (dnsbl_codes_parse_text(codes, set, meaning, &why) != 0) {
		mr_ini_fail(&ctx->msg, line, "%s: %s", key, mr_buf_str(&why));
		goto out;
	}
	rc = 0;
out:
	mr_buf_free(&why);
	return rc;
}

/** Apply one key = value to zone z (bookkeeping zi) at line; 0 or -1 with a message. */
static int apply_key(parse_ctx *ctx, dnsbl_zone *z, zone_info *zi, int key, unsigned line, const char *v)
{
	const char *kn = key_names[key];
	int b;

	if (key != K_LISTING && key != K_CODE && key != K_ERROR && zi->key_line[key] != 0) {
		mr_ini_fail(&ctx->msg, line, "%s given twice in zone [%s] (first at line %u)", kn, z->name,
		            zi->key_line[key]);
		return -1;
	}
	zi->key_line[key] = line;
	switch (key) {
	case K_TYPE:
		if (mr_streq_ci(v, "ip"))
			z->kind = DNSBL_KIND_IP;
		else if (mr_streq_ci(v, "domain"))
			z->kind = DNSBL_KIND_DOMAIN;
		else
			goto bad;
		return 0;
	case K_IPV4:
	case K_IPV6:
		if (parse_bool(v, &b) != 0)
			goto bad;
		*(key == K_IPV4 ? &z->ipv4 : &z->ipv6) = b;
		return 0;
	case K_ROLE:
		if (mr_streq_ci(v, "block"))
			z->allow = 0;
		else if (mr_streq_ci(v, "allow"))
			z->allow = 1;
		else
			goto bad;
		return 0;
	case K_SEVERITY:
		if (mr_streq_ci(v, "critical"))
			z->severity = MR_CRITICAL;
		else if (mr_streq_ci(v, "warning"))
			z->severity = MR_WARNING;
		else
			goto bad;
		return 0;
	case K_LISTING: {
		mr_buf why;
		int rc;
		mr_buf_init(&why, 256);
		rc = dnsbl_codes_parse(v, &z->listing, &why);
		if (rc != 0)
			mr_ini_fail(&ctx->msg, line, "listing: %s", mr_buf_str(&why));
		mr_buf_free(&why);
		return rc;
	}
	case K_CODE:
		return set_codes_with_text(ctx, line, "code", &z->meaning, v, 1);
	case K_ERROR:
		return set_codes_with_text(ctx, line, "error", &z->errors, v, 0);
	case K_NEEDS:
		return mr_ini_copy_text(&ctx->msg, line, kn, v, z->needs, sizeof z->needs);
	case K_DELIST:
		return mr_ini_copy_text(&ctx->msg, line, kn, v, z->delist, sizeof z->delist);
	case K_DESCRIPTION:
		return mr_ini_copy_text(&ctx->msg, line, kn, v, z->description, sizeof z->description);
	case K_DQS: {
		const char *ds = mr_spamhaus_dataset_named(v);
		if (ds != NULL) {
			memcpy(z->dqs, ds, strlen(ds) + 1);
			return 0;
		}
		mr_ini_fail(&ctx->msg, line, "bad dqs '%.*s' (zen, sbl, xbl, sbl-xbl, pbl, authbl, dbl or zrd)",
		            DNSBL_QUOTE_MAX, v);
		return -1;
	}
	default:
		break;
	}
bad:
	{
		static const char *const allowed[K_COUNT] = {
			"ip or domain", "yes or no", "yes or no", "block or allow", "critical or warning"
		};
		mr_ini_fail(&ctx->msg, line, "bad %s '%.*s' (%s)", kn, DNSBL_QUOTE_MAX, v,
		            key < K_COUNT && allowed[key] != NULL ? allowed[key] : "?");
	}
	return -1;
}

/** ini callback: start a zone at each section, apply each key to the current zone; 0 or -1. */
static int on_item(void *user, const mr_ini_item *item, mr_ini_msg *msg)
{
	parse_ctx *ctx = user;
	size_t i;
	int key;

	(void)msg; /* the same as &ctx->msg */
	if (item->key == NULL)
		return zone_start(ctx, item->line, item->section);
	i = ctx->zones.n - 1; /* a key always follows a section whose zone_start succeeded */
	key = mr_ini_key_index(item->key, key_names, K_COUNT);
	if (key < 0) {
		mr_ini_fail(&ctx->msg, item->line, "unknown key '%.*s' in zone [%s]", DNSBL_QUOTE_MAX, item->key,
		            ctx->zones.v[i].name);
		return -1;
	}
	return apply_key(ctx, &ctx->zones.v[i], &ctx->info[i], key, item->line, item->value);
}

/** Report a zone-level problem at the line of key (or of the header); always -1. */
static int zone_fail(parse_ctx *ctx, size_t i, int key, const char *reason)
{
	const zone_info *zi = &ctx->info[i];
	unsigned line = key >= 0 && zi->key_line[key] != 0 ? zi->key_line[key] : zi->line;

	mr_ini_fail(&ctx->msg, line, "zone [%s]: %s", ctx->zones.v[i].name, reason);
	return -1;
}

/** Check each parsed zone as a whole and apply Spamhaus knowledge; 0 or -1 with a message. */
static int finish_zones(parse_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->zones.n; i++) {
		dnsbl_zone *z = &ctx->zones.v[i];
		const zone_info *zi = &ctx->info[i];
		if (zi->key_line[K_TYPE] == 0)
			return zone_fail(ctx, i, -1, "no type (type = ip or type = domain)");
		if (z->kind == DNSBL_KIND_DOMAIN) {
			if (zi->key_line[K_IPV4] != 0)
				return zone_fail(ctx, i, K_IPV4, "ipv4 applies to ip zones only");
			if (zi->key_line[K_IPV6] != 0)
				return zone_fail(ctx, i, K_IPV6, "ipv6 applies to ip zones only");
			z->ipv4 = 0;
			z->ipv6 = 0;
		} else if (!z->ipv4 && !z->ipv6) {
			return zone_fail(ctx, i, K_IPV4, "ipv4 and ipv6 are both no");
		}
		if (zi->key_line[K_DQS] != 0 && !dnsbl_is_spamhaus(z->name))
			return zone_fail(ctx, i, K_DQS, "dqs applies to Spamhaus zones only");
		dnsbl_zone_apply_spamhaus(z);
	}
	return 0;
}

/** Parse catalogue text and append its zones to c; 0, or -1 with "ORIGIN line N: reason". */
int dnsbl_catalogue_parse(dnsbl_catalogue *c, const char *text, const char *origin, mr_buf *err)
{
	parse_ctx ctx;
	int rc = -1;

	memset(&ctx, 0, sizeof ctx);
	ctx.msg = (mr_ini_msg){ origin != NULL ? origin : "catalogue", err, 0 };
	ctx.dst = c;
	/* without a catalogue to add to, mr_ini_parse is told there is no text: "nothing to parse" */
	if (mr_ini_parse(c != NULL ? text : NULL, CATALOGUE_INI_FLAGS, on_item, &ctx, &ctx.msg) != 0 ||
	    finish_zones(&ctx) != 0)
		goto out;
	if (dnsbl_catalogue_reserve(c, ctx.zones.n) != 0) {
		mr_ini_fail(&ctx.msg, 0, "too many zones or out of memory");
		goto out;
	}
	if (ctx.zones.n > 0)
		memcpy(c->v + c->n, ctx.zones.v, ctx.zones.n * sizeof *c->v);
	c->n += ctx.zones.n;
	/* The zones now belong to c: drop only the array. */
	free(ctx.zones.v);
	dnsbl_catalogue_init(&ctx.zones);
	rc = 0;
out:
	dnsbl_catalogue_free(&ctx.zones);
	free(ctx.info);
	return rc;
}

/** Parse catalogue text buf[0..len); see the header. */
int dnsbl_catalogue_parse_buf(dnsbl_catalogue *c, const char *buf, size_t len, const char *origin, mr_buf *err)
{
	const char *nul = buf != NULL ? memchr(buf, '\0', len) : NULL;
	char *text;
	int rc;

	if (nul != NULL) {
		unsigned line = 1;
		for (const char *p = buf; p < nul; p++)
			line += *p == '\n';
		mr_buf_printf(err, "%s line %u: NUL byte (not a text file)", origin != NULL ? origin : "catalogue", line);
		return -1;
	}
	text = malloc(len + 1);
	if (text == NULL) {
		mr_buf_puts(err, "out of memory");
		return -1;
	}
	if (len > 0)
		memcpy(text, buf, len);
	text[len] = '\0';
	rc = dnsbl_catalogue_parse(c, text, origin, err);
	free(text);
	return rc;
}


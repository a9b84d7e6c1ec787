/* dnsbl_parse_zonespec.c: the -z / --allow-zone spec ZONE[=CODES][:FLAG]...: adds a zone to the
 * catalogue or overrides a catalogue zone's settings; and the run's catalogue built from its sources. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include "dnsbl_parse_catalogue.h"
#include "dnsbl_parse_codes.h"
#include "dnsbl_parse_spamhaus.h"
#include "dnsbl_parse_zonespec.h"

/** Longest -z / --allow-zone spec. */
#define SPEC_MAX 512

/** The kind of zone one kind flag names. */
typedef struct kind_flag {
	const char *word;    /**< the flag */
	dnsbl_kind kind;     /**< ip or domain */
	int ipv4;            /**< asked about IPv4 targets */
	int ipv6;            /**< asked about IPv6 targets */
} kind_flag;

/** The kind flags of interface.md. */
static const kind_flag kind_flags[] = {
	{ "ipv4", DNSBL_KIND_IP, 1, 0 },
	{ "ipv6", DNSBL_KIND_IP, 0, 1 },
	{ "ip", DNSBL_KIND_IP, 1, 1 },
	{ "domain", DNSBL_KIND_DOMAIN, 0, 0 },
};

/** What the flags of one spec say; a NULL member was not given. */
typedef struct spec_flags {
	const char *severity_word;   /**< "warning" or "critical", or NULL */
	mr_state severity;           /**< the severity it names */
	const kind_flag *kind;       /**< the kind flag, or NULL */
} spec_flags;

/** Read the ':'-separated flags in text (changed in place) into f; 0, or -1 with the reason in why. */
static int parse_flags(char *text, spec_flags *f, char *why, size_t size)
{
	char *word = text;

	memset(f, 0, sizeof *f);
	for (;;) {
		char *next = strchr(word, ':');
		const kind_flag *k = NULL;
		if (next != NULL)
			*next = '\0';
		for (size_t i = 0; i < sizeof kind_flags / sizeof kind_flags[0] && k == NULL; i++)
			if (mr_streq_ci(word, kind_flags[i].word))
				k = &kind_flags[i];
		if (word[0] == '\0') {
			(void)mr_snprintf(why, size, "empty flag after ':'");
			return -1;
		} else if (k != NULL) {
			if (f->kind != NULL && f->kind != k) {
				int both_ip = f->kind->kind == DNSBL_KIND_IP && k->kind == DNSBL_KIND_IP;
				(void)mr_snprintf(why, size, "two kinds given (%s and %s%s)", f->kind->word, k->word,
				                  both_ip ? "; use ':ip' for both IPv4 and IPv6" : "");
				return -1;
			}
			f->kind = k;
		} else if (mr_streq_ci(word, "warning") || mr_streq_ci(word, "critical")) {
			const char *w = mr_streq_ci(word, "warning") ? "warning" : "critical";
			if (f->severity_word != NULL && strcmp(f->severity_word, w) != 0) {
				(void)mr_snprintf(why, size, "two severities given (warning and critical)");
				return -1;
			}
			f->severity_word = w;
			f->severity = w[0] == 'w' ? MR_WARNING : MR_CRITICAL;
		} else {
			(void)mr_snprintf(why, size, "unknown flag '%.*s' (use warning, critical, ipv4, ipv6, ip or domain)",
			                  DNSBL_QUOTE_MAX, word);
			return -1;
		}
		if (next == NULL)
			return 0;
		word = next + 1;
	}
}

/** Give z the kind of flag k. */
static void set_kind(dnsbl_zone *z, const kind_flag *k)
{
	z->kind = k->kind;
	z->ipv4 = k->ipv4;
	z->ipv6 = k->ipv6;
}

/** If the built-in catalogue knows a zone called name, give z its kind (type, ipv4, ipv6). */
static void builtin_kind(dnsbl_zone *z, const char *name)
{
	dnsbl_catalogue known;
	mr_buf ignored;
	long idx;

	dnsbl_catalogue_init(&known);
	mr_buf_init(&ignored, 256);
	if (dnsbl_catalogue_parse(&known, dnsbl_default_catalogue, "built-in catalogue", &ignored) == 0 &&
	    (idx = dnsbl_catalogue_index(&known, name)) >= 0) {
		z->kind = known.v[idx].kind;
		z->ipv4 = known.v[idx].ipv4;
		z->ipv6 = known.v[idx].ipv6;
	}
	mr_buf_free(&ignored);
	dnsbl_catalogue_free(&known);
}

/** The kind a new zone called name gets without a kind flag: the built-in catalogue's, Spamhaus knowledge, else
 *  IPv4; applies Spamhaus knowledge to z. */
static void new_zone_kind(dnsbl_zone *z, const char *name)
{
	if (dnsbl_is_spamhaus(name)) {
		const char *ds;
		z->ipv6 = 1;
		dnsbl_zone_apply_spamhaus(z);
		ds = dnsbl_spamhaus_dataset(z);
		if (ds != NULL && (strcmp(ds, "dbl") == 0 || strcmp(ds, "zrd") == 0)) {
			z->kind = DNSBL_KIND_DOMAIN;
			z->ipv4 = 0;
			z->ipv6 = 0;
		}
	}
	builtin_kind(z, name);
}

/** Append a zone from a -z / --allow-zone spec ZONE[=CODES][:FLAG]...; 0, or -1 with a reason. */
int dnsbl_catalogue_add_spec(dnsbl_catalogue *c, const char *spec, int allow, mr_buf *err)
{
	const char *opt = allow ? "--allow-zone" : "-z";
	char buf[SPEC_MAX], name[DNSBL_ZONE_MAX + 1], why_flags[160];
	char *colon, *eq, *codes = NULL;
	const char *why = NULL;
	spec_flags flags;
	dnsbl_codeset listing;
	dnsbl_zone z;
	long idx;
	size_t n;
	int rc = -1;

	memset(&listing, 0, sizeof listing);
	memset(&flags, 0, sizeof flags);
	if (c == NULL || spec == NULL) {
		dnsbl_seterr(err, "%s: no zone given", opt);
		return -1;
	}
	dnsbl_spamhaus_register_key(spec, strcspn(spec, ":="));
	n = strlen(spec);
	if (n >= sizeof buf) {
		dnsbl_seterr(err, "%s '%.*s...': longer than %zu characters", opt, DNSBL_QUOTE_MAX, spec, sizeof buf - 1);
		return -1;
	}
	memcpy(buf, spec, n + 1);
	colon = strchr(buf, ':');
	if (colon != NULL) {
		*colon = '\0';
		if (parse_flags(colon + 1, &flags, why_flags, sizeof why_flags) != 0) {
			dnsbl_seterr(err, "%s '%.*s': %s", opt, DNSBL_QUOTE_MAX, spec, why_flags);
			return -1;
		}
	}
	if (flags.severity_word == NULL)
		flags.severity = MR_CRITICAL;
	eq = strchr(buf, '=');
	if (eq != NULL) {
		*eq = '\0';
		codes = eq + 1;
	}
	if (mr_hostname_normalise(buf, name, sizeof name, &why) != 0) {
		dnsbl_seterr(err, "%s '%.*s': %s", opt, DNSBL_QUOTE_MAX, spec, why);
		return -1;
	}
	if (codes != NULL) {
		mr_buf why_codes;
		int bad;
		if (codes[0] == '\0') {
			dnsbl_seterr(err, "%s '%.*s': empty CODES after '='", opt, DNSBL_QUOTE_MAX, spec);
			goto out;
		}
		mr_buf_init(&why_codes, 256);
		bad = dnsbl_codes_parse(codes, &listing, &why_codes) != 0;
		if (bad)
			dnsbl_seterr(err, "%s '%.*s': %s", opt, DNSBL_QUOTE_MAX, spec, mr_buf_str(&why_codes));
		mr_buf_free(&why_codes);
		if (bad)
			goto out;
	}
	idx = dnsbl_catalogue_index(c, name);
	if (idx >= 0) {
		/* Replace the catalogue zone's settings; keep what it knows (kind unless a flag says otherwise,
		 * meanings, texts). */
		dnsbl_zone *old = &c->v[idx];
		old->severity = flags.severity;
		old->allow = allow ? 1 : 0;
		if (flags.kind != NULL)
			set_kind(old, flags.kind);
		if (codes != NULL) {
			dnsbl_codeset_free(&old->listing);
			old->listing = listing;
			memset(&listing, 0, sizeof listing);
		}
		dnsbl_zone_apply_spamhaus(old);
		rc = 0;
		goto out;
	}
	if (dnsbl_catalogue_reserve(c, 1) != 0) {
		dnsbl_seterr(err, "%s '%.*s': too many zones or out of memory", opt, DNSBL_QUOTE_MAX, spec);
		goto out;
	}
	dnsbl_zone_defaults(&z, name);
	z.severity = flags.severity;
	z.allow = allow ? 1 : 0;
	z.listing = listing;
	memset(&listing, 0, sizeof listing);
	if (mr_snprintf(z.description, sizeof z.description, "added with %s", opt) != 0)
		z.description[0] = '\0';
	new_zone_kind(&z, name);
	if (flags.kind != NULL)
		set_kind(&z, flags.kind);
	c->v[c->n++] = z;
	rc = 0;
out:
	dnsbl_codeset_free(&listing);
	return rc;
}

/** Build the run's catalogue from its sources; see the header. */
int dnsbl_catalogue_build(dnsbl_catalogue *cat, const dnsbl_zone_sources *src, mr_buf *err)
{
	if (src->zones_text != NULL) {
		if (dnsbl_catalogue_parse_buf(cat, src->zones_text, strlen(src->zones_text), src->zones_origin, err) != 0)
			return -1;
	} else if (!src->no_default_zones) {
		if (dnsbl_catalogue_parse(cat, dnsbl_default_catalogue, "built-in catalogue", err) != 0)
			return -1;
	}
	for (size_t i = 0; i < src->nspecs; i++) {
		mr_buf why;
		int bad;
		mr_buf_init(&why, 512);
		bad = dnsbl_catalogue_add_spec(cat, src->specs[i].text, src->specs[i].allow, &why) != 0;
		if (bad)
			mr_buf_printf(err, "%s: %s", src->specs[i].allow ? "--allow-zone" : "-z/--zone", mr_buf_str(&why));
		mr_buf_free(&why);
		if (bad)
			return -1;
	}
	if (cat->n == 0) {
		mr_buf_puts(err, "no zones to query: give -z/--zone or drop --no-default-zones");
		return -1;
	}
	return 0;
}

/* dnsbl_parse_zonespec.c: the -z / --allow-zone spec ZONE[=CODES][:FLAG]...: adds a zone to the
 * catalogue or overrides a catalogue zone's settings; and the run's catalogue built from its sources. */

#include <string.h>

#include "dnsbl_parse_catalogue.h"
#include "dnsbl_parse_codes.h"
#include "dnsbl_parse_spamhaus.h"
#include "dnsbl_parse_zonespec.h"

/** Longest -z / --allow-zone spec. */
#define SPEC_MAX 512

/** Append a zone from a -z / --allow-zone spec ZONE[=CODES][:warning|:critical]; 0, or -1 with a reason. */
int dnsbl_catalogue_add_spec(dnsbl_catalogue *c, const char *spec, int allow, mr_buf *err)
{
	const char *opt = allow ? "--allow-zone" : "-z";
	char buf[SPEC_MAX], name[DNSBL_ZONE_MAX + 1];
	char *colon, *eq, *codes = NULL;
	const char *why = NULL;
	mr_state severity = MR_CRITICAL;
	dnsbl_codeset listing;
	dnsbl_zone z;
	long idx;
	size_t n;
	int rc = -1;

	memset(&listing, 0, sizeof listing);
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
		if (mr_streq_ci(colon + 1, "warning")) {
			severity = MR_WARNING;
		} else if (mr_streq_ci(colon + 1, "critical")) {
			severity = MR_CRITICAL;
		} else {
			dnsbl_seterr(err, "%s '%.*s': unknown severity '%.*s' (use :warning or :critical)", opt, DNSBL_QUOTE_MAX,
			       spec, DNSBL_QUOTE_MAX, colon + 1);
			return -1;
		}
	}
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
		/* Replace the catalogue zone's settings; keep what it knows (kind, meanings, texts). */
		dnsbl_zone *old = &c->v[idx];
		old->severity = severity;
		old->allow = allow ? 1 : 0;
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
	z.severity = severity;
	z.allow = allow ? 1 : 0;
	z.listing = listing;
	memset(&listing, 0, sizeof listing);
	if (mr_snprintf(z.description, sizeof z.description, "added with %s", opt) != 0)
		z.description[0] = '\0';
	if (dnsbl_is_spamhaus(name)) {
		const char *ds;
		z.ipv6 = 1;
		dnsbl_zone_apply_spamhaus(&z);
		ds = dnsbl_spamhaus_dataset(&z);
		if (ds != NULL && (strcmp(ds, "dbl") == 0 || strcmp(ds, "zrd") == 0)) {
			z.kind = DNSBL_KIND_DOMAIN;
			z.ipv4 = 0;
			z.ipv6 = 0;
		}
	}
	c->v[c->n++] = z;
	rc = 0;
out:
	dnsbl_codeset_free(&listing);
	return rc;
}


/** Build the run's catalogue from its sources; see the header. */
int dnsbl_catalogue_build(dnsbl_catalogue *cat, const dnsbl_zone_sources *src, mr_buf *err)
{
	if (src->zones_file != NULL) {
		if (dnsbl_catalogue_load_file(cat, src->zones_file, err) != 0)
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

/* dnsbl_parse_spamhaus.c: built-in Spamhaus knowledge that the catalogue parser applies to a zone
 * (datasets, answer meanings, error codes, default listing codes, DQS names and keys). */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "../../common/secret.h"
#include "dnsbl_parse_spamhaus.h"

/** Spamhaus DQS dataset names (also the first label of the public zones). */
static const char *const spamhaus_datasets[] = {
	"zen", "sbl", "xbl", "sbl-xbl", "pbl", "authbl", "dbl", "zrd"
};

/** One known Spamhaus answer code: the datasets that use it and its meaning. */
typedef struct spamhaus_code {
	const char *datasets; /**< space-separated dataset names */
	uint32_t lo;          /**< first code */
	uint32_t hi;          /**< last code */
	const char *text;     /**< meaning */
} spamhaus_code;

/** Meanings of Spamhaus answer codes (dnsbl-facts.md section 3). */
static const spamhaus_code spamhaus_meanings[] = {
	{ "sbl sbl-xbl zen", DNSBL_CODE(127, 0, 0, 2), DNSBL_CODE(127, 0, 0, 2), "SBL: Spamhaus Block List (spam source or operation)" },
	{ "sbl sbl-xbl zen", DNSBL_CODE(127, 0, 0, 3), DNSBL_CODE(127, 0, 0, 3), "CSS: low-reputation sender (automated)" },
	{ "xbl sbl-xbl zen", DNSBL_CODE(127, 0, 0, 4), DNSBL_CODE(127, 0, 0, 4), "XBL: exploited or infected host" },
	{ "xbl sbl-xbl zen", DNSBL_CODE(127, 0, 0, 5), DNSBL_CODE(127, 0, 0, 7), "XBL (former code)" },
	{ "sbl sbl-xbl zen", DNSBL_CODE(127, 0, 0, 9), DNSBL_CODE(127, 0, 0, 9), "DROP: hijacked or criminal network" },
	{ "pbl zen", DNSBL_CODE(127, 0, 0, 10), DNSBL_CODE(127, 0, 0, 10), "PBL: ISP policy, no direct mail from this range" },
	{ "pbl zen", DNSBL_CODE(127, 0, 0, 11), DNSBL_CODE(127, 0, 0, 11), "PBL: Spamhaus policy, no direct mail from here" },
	{ "sbl zen", DNSBL_CODE(127, 0, 0, 30), DNSBL_CODE(127, 0, 0, 30), "BCL: botnet controller" },
	{ "authbl", DNSBL_CODE(127, 0, 0, 20), DNSBL_CODE(127, 0, 0, 20), "AuthBL: bot using stolen SMTP credentials" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 2), DNSBL_CODE(127, 0, 1, 2), "DBL: spam domain" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 3), DNSBL_CODE(127, 0, 1, 3), "DBL: spammed redirector domain" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 4), DNSBL_CODE(127, 0, 1, 4), "DBL: phishing domain" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 5), DNSBL_CODE(127, 0, 1, 5), "DBL: malware domain" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 6), DNSBL_CODE(127, 0, 1, 6), "DBL: botnet C&C domain" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 102), DNSBL_CODE(127, 0, 1, 102), "DBL: abused legitimate domain (spam)" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 103), DNSBL_CODE(127, 0, 1, 103), "DBL: abused spammed redirector domain" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 104), DNSBL_CODE(127, 0, 1, 104), "DBL: abused legitimate domain (phishing)" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 105), DNSBL_CODE(127, 0, 1, 105), "DBL: abused legitimate domain (malware)" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 106), DNSBL_CODE(127, 0, 1, 106), "DBL: abused legitimate domain (botnet C&C)" },
	{ "zrd", DNSBL_CODE(127, 0, 2, 2), DNSBL_CODE(127, 0, 2, 24), "ZRD: domain first seen in the last 24 hours" },
};

/** The domain-list error of DBL and ZRD, and the error codes every Spamhaus zone may answer (this order is
 * the order of --list-zones). */
static const spamhaus_code spamhaus_errors[] = {
	{ "dbl zrd", DNSBL_CODE(127, 0, 1, 255), DNSBL_CODE(127, 0, 1, 255), "IP query to a domain list" },
	{ "*", DNSBL_CODE(127, 255, 255, 252), DNSBL_CODE(127, 255, 255, 252), "typo in the DNSBL zone name" },
	{ "*", DNSBL_CODE(127, 255, 255, 254), DNSBL_CODE(127, 255, 255, 254), "public/open or unattributable resolver" },
	{ "*", DNSBL_CODE(127, 255, 255, 255), DNSBL_CODE(127, 255, 255, 255), "too many queries (rate limit)" },
};

/** Default listing codes of Spamhaus datasets without a listing= (Postfix guidance). */
static const spamhaus_code spamhaus_listing[] = {
	{ "zen", DNSBL_CODE(127, 0, 0, 2), DNSBL_CODE(127, 0, 0, 11), "" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 2), DNSBL_CODE(127, 0, 1, 99), "" },
	{ "dbl", DNSBL_CODE(127, 0, 1, 102), DNSBL_CODE(127, 0, 1, 106), "" },
	{ "zrd", DNSBL_CODE(127, 0, 2, 2), DNSBL_CODE(127, 0, 2, 24), "" },
};

/** 1 if word w appears in the space-separated list (or the list is "*"). */
static int word_in(const char *list, const char *w)
{
	size_t wl = strlen(w);
	const char *p = list;

	if (strcmp(list, "*") == 0)
		return 1;
	while (*p != '\0') {
		size_t l = strcspn(p, " ");
		if (l == wl && wl > 0 && strncmp(p, w, l) == 0)
			return 1;
		p += l;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/** If text[0..n) is a DQS zone name KEY.NAME.dq.spamhaus.net (any case, final dot allowed), register KEY
 * for masking as written and lower-cased: the key is a secret however it reaches the plugin. */
void dnsbl_spamhaus_register_key(const char *text, size_t n)
{
	static const char dq[] = ".dq.spamhaus.net";
	size_t l = sizeof dq - 1, ds, ks, i;
	char lower[DNSBL_ZONE_MAX + 2], key[64];

	if (n > 0 && text[n - 1] == '.')
		n--;
	if (n <= l || n >= sizeof lower)
		return;
	for (i = 0; i < n; i++)
		lower[i] = (char)tolower((unsigned char)text[i]);
	lower[n] = '\0';
	if (strcmp(lower + n - l, dq) != 0)
		return;
	/* ds: start of NAME; ks: start of KEY, the label before it */
	for (ds = n - l; ds > 0 && lower[ds - 1] != '.'; ds--)
		;
	if (ds < 2)
		return;
	for (ks = ds - 1; ks > 0 && lower[ks - 1] != '.'; ks--)
		;
	if (ds - 1 - ks == 0 || ds - 1 - ks >= sizeof key)
		return;
	memcpy(key, text + ks, ds - 1 - ks);
	key[ds - 1 - ks] = '\0';
	(void)mr_secret_register(key);
	memcpy(key, lower + ks, ds - 1 - ks);
	(void)mr_secret_register(key);
}

/** 1 if name (normalised) is spamhaus.org or lies under spamhaus.org or spamhaus.net. */
int dnsbl_is_spamhaus(const char *name)
{
	static const char *const suffixes[] = { ".spamhaus.org", ".spamhaus.net" };
	size_t n = strlen(name), i;

	if (strcmp(name, "spamhaus.org") == 0)
		return 1;
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t l = strlen(suffixes[i]);
		if (n > l && strcmp(name + n - l, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

/** The known dataset named by the first label of name, or NULL. */
static const char *first_label_dataset(const char *name)
{
	size_t l = strcspn(name, "."), i;

	for (i = 0; i < sizeof spamhaus_datasets / sizeof spamhaus_datasets[0]; i++)
		if (strlen(spamhaus_datasets[i]) == l && strncmp(name, spamhaus_datasets[i], l) == 0)
			return spamhaus_datasets[i];
	return NULL;
}

/** The Spamhaus dataset a zone serves (dqs field, first label, or DQS form KEY.NAME.dq.spamhaus.net), or NULL. */
const char *dnsbl_spamhaus_dataset(const dnsbl_zone *z)
{
	static const char dq[] = ".dq.spamhaus.net";
	size_t n = strlen(z->name), l = strlen(dq), i;
	const char *ds;

	if (z->dqs[0] != '\0') {
		for (i = 0; i < sizeof spamhaus_datasets / sizeof spamhaus_datasets[0]; i++)
			if (strcmp(z->dqs, spamhaus_datasets[i]) == 0)
				return spamhaus_datasets[i];
		return NULL;
	}
	ds = first_label_dataset(z->name);
	if (ds != NULL)
		return ds;
	if (n > l && strcmp(z->name + n - l, dq) == 0) {
		/* KEY.NAME.dq.spamhaus.net: NAME is the label just before ".dq". */
		size_t end = n - l, s = end;
		while (s > 0 && z->name[s - 1] != '.')
			s--;
		for (i = 0; i < sizeof spamhaus_datasets / sizeof spamhaus_datasets[0]; i++)
			if (strlen(spamhaus_datasets[i]) == end - s &&
			    strncmp(z->name + s, spamhaus_datasets[i], end - s) == 0)
				return spamhaus_datasets[i];
	}
	return NULL;
}

/** Add the table entries for dataset ds that set does not cover yet; 0 or -1. */
static int add_known(dnsbl_codeset *set, const spamhaus_code *tab, size_t n, const char *ds)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!word_in(tab[i].datasets, ds != NULL ? ds : ""))
			continue;
		if (dnsbl_codeset_find(set, tab[i].lo) != NULL)
			continue;
		if (dnsbl_codeset_add(set, tab[i].lo, tab[i].hi, tab[i].text) != 0)
			return -1;
	}
	return 0;
}

/** Meaning of a 127.255.255.0/24 error code as every Spamhaus zone uses it, or NULL. */
const char *dnsbl_errnet_meaning(uint32_t code)
{
	size_t i;

	for (i = 0; i < sizeof spamhaus_errors / sizeof spamhaus_errors[0]; i++)
		if (strcmp(spamhaus_errors[i].datasets, "*") == 0 && spamhaus_errors[i].lo <= code &&
		    code <= spamhaus_errors[i].hi)
			return spamhaus_errors[i].text;
	return NULL;
}

/** Apply Spamhaus knowledge to z if its name is a Spamhaus zone. */
void dnsbl_zone_apply_spamhaus(dnsbl_zone *z)
{
	const char *ds;

	if (z == NULL || !dnsbl_is_spamhaus(z->name))
		return;
	z->spamhaus = 1;
	if (z->dqs[0] == '\0') {
		const char *first = first_label_dataset(z->name);
		if (first != NULL)
			memcpy(z->dqs, first, strlen(first) + 1);
	}
	ds = dnsbl_spamhaus_dataset(z);
	/* Allocation failures leave the zone without some meanings: harmless for a void function. */
	(void)add_known(&z->errors, spamhaus_errors, sizeof spamhaus_errors / sizeof spamhaus_errors[0], ds);
	if (ds != NULL) {
		(void)add_known(&z->meaning, spamhaus_meanings, sizeof spamhaus_meanings / sizeof spamhaus_meanings[0], ds);
		if (z->listing.n == 0)
			(void)add_known(&z->listing, spamhaus_listing,
			                sizeof spamhaus_listing / sizeof spamhaus_listing[0], ds);
	}
}


/** The known dataset called name (any case), in its canonical spelling, or NULL. */
const char *dnsbl_spamhaus_dataset_named(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof spamhaus_datasets / sizeof spamhaus_datasets[0]; i++)
		if (mr_streq_ci(name, spamhaus_datasets[i]))
			return spamhaus_datasets[i];
	return NULL;
}

/** 0 if key has the documented shape of a Spamhaus DQS key (26 letters or digits), else -1. */
int dnsbl_dqs_key_valid(const char *key)
{
	size_t n = strlen(key);

	if (n != 26)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') || (key[i] >= '0' && key[i] <= '9')))
			return -1;
	return 0;
}

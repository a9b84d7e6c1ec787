/* dnsbl_parse_spamhaus.c: applies the suite's Spamhaus knowledge (common/spamhaus) to a catalogue zone:
 * which dataset a zone serves, its meanings and error codes, default listing codes, DQS keys masked. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "../../common/secret.h"
#include "../../common/spamhaus.h"
#include "dnsbl_parse_spamhaus.h"

/** Default listing codes of Spamhaus datasets without a listing= (Postfix guidance). */
static const mr_spamhaus_code spamhaus_listing[] = {
	{ "zen", DNSBL_CODE(127, 0, 0, 2), DNSBL_CODE(127, 0, 0, 11), "", NULL },
	{ "dbl", DNSBL_CODE(127, 0, 1, 2), DNSBL_CODE(127, 0, 1, 99), "", NULL },
	{ "dbl", DNSBL_CODE(127, 0, 1, 102), DNSBL_CODE(127, 0, 1, 106), "", NULL },
	{ "zrd", DNSBL_CODE(127, 0, 2, 2), DNSBL_CODE(127, 0, 2, 24), "", NULL },
};

/** If text[0..n) is a DQS zone name KEY.NAME.dq.spamhaus.net (any case, final dot allowed), register KEY
 * for masking as written and lower-cased: the key is a secret however it reaches the plugin. */
void dnsbl_spamhaus_register_key(const char *text, size_t n)
{
	static const char dq[] = MR_SPAMHAUS_DQS_SUFFIX;
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
	return mr_spamhaus_dataset_span(name, strcspn(name, "."));
}

/** The Spamhaus dataset a zone serves (dqs field, first label, or DQS form KEY.NAME.dq.spamhaus.net), or NULL. */
const char *dnsbl_spamhaus_dataset(const dnsbl_zone *z)
{
	static const char dq[] = MR_SPAMHAUS_DQS_SUFFIX;
	size_t n = strlen(z->name), l = strlen(dq);
	const char *ds;

	if (z->dqs[0] != '\0')
		return mr_spamhaus_dataset_span(z->dqs, strlen(z->dqs));
	ds = first_label_dataset(z->name);
	if (ds != NULL)
		return ds;
	if (n > l && strcmp(z->name + n - l, dq) == 0) {
		/* KEY.NAME.dq.spamhaus.net: NAME is the label just before ".dq". */
		size_t end = n - l, s = end;
		while (s > 0 && z->name[s - 1] != '.')
			s--;
		return mr_spamhaus_dataset_span(z->name + s, end - s);
	}
	return NULL;
}

/** Add the table entries for dataset ds that set does not cover yet; 0 or -1. */
static int add_known(dnsbl_codeset *set, const mr_spamhaus_code *tab, size_t n, const char *ds)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!mr_spamhaus_serves(&tab[i], ds != NULL ? ds : ""))
			continue;
		if (dnsbl_codeset_find(set, tab[i].lo) != NULL)
			continue;
		if (dnsbl_codeset_add(set, tab[i].lo, tab[i].hi, tab[i].text) != 0)
			return -1;
	}
	return 0;
}

/** Apply Spamhaus knowledge to z if its name is a Spamhaus zone. */
void dnsbl_zone_apply_spamhaus(dnsbl_zone *z)
{
	const mr_spamhaus_code *errors, *meanings;
	size_t nerrors, nmeanings;
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
	errors = mr_spamhaus_errors(&nerrors);
	meanings = mr_spamhaus_meanings(&nmeanings);
	/* Allocation failures leave the zone without some meanings: harmless for a void function. */
	(void)add_known(&z->errors, errors, nerrors, ds);
	if (ds != NULL) {
		(void)add_known(&z->meaning, meanings, nmeanings, ds);
		if (z->listing.n == 0)
			(void)add_known(&z->listing, spamhaus_listing,
			                sizeof spamhaus_listing / sizeof spamhaus_listing[0], ds);
	}
}


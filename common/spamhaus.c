/* spamhaus.c: the suite's Spamhaus knowledge: datasets, answer-code and error-code tables with their
 * meanings (dnsbl-facts.md section 3), zone names (public and DQS) and the DQS key shape. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "spamhaus.h"
#include "util.h"

/** Shorter name for the code macro inside the tables. */
#define C4 MR_SPAMHAUS_CODE

/** Spamhaus dataset names (the first label of the public zones, the NAME of the DQS zones). */
static const char *const datasets[] = {
	"zen", "sbl", "xbl", "sbl-xbl", "pbl", "authbl", "dbl", "zrd"
};

/** Meanings of Spamhaus listing codes. */
static const mr_spamhaus_code meanings[] = {
	{ "sbl sbl-xbl zen", C4(127, 0, 0, 2), C4(127, 0, 0, 2), "SBL: Spamhaus Block List (spam source or operation)",
	  "SBL: Spamhaus Block List" },
	{ "sbl sbl-xbl zen", C4(127, 0, 0, 3), C4(127, 0, 0, 3), "CSS: low-reputation sender (automated)",
	  "CSS: low-reputation sender" },
	{ "xbl sbl-xbl zen", C4(127, 0, 0, 4), C4(127, 0, 0, 4), "XBL: exploited or infected host", NULL },
	{ "xbl sbl-xbl zen", C4(127, 0, 0, 5), C4(127, 0, 0, 7), "XBL (former code)", "XBL: exploited or infected host" },
	{ "sbl sbl-xbl zen", C4(127, 0, 0, 9), C4(127, 0, 0, 9), "DROP: hijacked or criminal network", NULL },
	{ "pbl zen", C4(127, 0, 0, 10), C4(127, 0, 0, 10), "PBL: ISP policy, no direct mail from this range", NULL },
	{ "pbl zen", C4(127, 0, 0, 11), C4(127, 0, 0, 11), "PBL: Spamhaus policy, no direct mail from here", NULL },
	{ "sbl zen", C4(127, 0, 0, 30), C4(127, 0, 0, 30), "BCL: botnet controller", NULL },
	{ "authbl", C4(127, 0, 0, 20), C4(127, 0, 0, 20), "AuthBL: bot using stolen SMTP credentials", NULL },
	{ "dbl", C4(127, 0, 1, 2), C4(127, 0, 1, 2), "DBL: spam domain", NULL },
	{ "dbl", C4(127, 0, 1, 3), C4(127, 0, 1, 3), "DBL: spammed redirector domain", NULL },
	{ "dbl", C4(127, 0, 1, 4), C4(127, 0, 1, 4), "DBL: phishing domain", NULL },
	{ "dbl", C4(127, 0, 1, 5), C4(127, 0, 1, 5), "DBL: malware domain", NULL },
	{ "dbl", C4(127, 0, 1, 6), C4(127, 0, 1, 6), "DBL: botnet C&C domain", NULL },
	{ "dbl", C4(127, 0, 1, 102), C4(127, 0, 1, 102), "DBL: abused legitimate domain (spam)", NULL },
	{ "dbl", C4(127, 0, 1, 103), C4(127, 0, 1, 103), "DBL: abused spammed redirector domain", NULL },
	{ "dbl", C4(127, 0, 1, 104), C4(127, 0, 1, 104), "DBL: abused legitimate domain (phishing)", NULL },
	{ "dbl", C4(127, 0, 1, 105), C4(127, 0, 1, 105), "DBL: abused legitimate domain (malware)", NULL },
	{ "dbl", C4(127, 0, 1, 106), C4(127, 0, 1, 106), "DBL: abused legitimate domain (botnet C&C)", NULL },
	{ "zrd", C4(127, 0, 2, 2), C4(127, 0, 2, 24), "ZRD: domain first seen in the last 24 hours", NULL },
};

/** The domain-list error of DBL and ZRD, and the error codes every Spamhaus zone may answer (this order is
 * the order of check_dnsbl --list-zones). */
static const mr_spamhaus_code errors[] = {
	{ "dbl zrd", C4(127, 0, 1, 255), C4(127, 0, 1, 255), "IP query to a domain list", NULL },
	{ "*", C4(127, 255, 255, 252), C4(127, 255, 255, 252), "typo in the DNSBL zone name", "typo in the zone name" },
	{ "*", MR_SPAMHAUS_ERR_RESOLVER, MR_SPAMHAUS_ERR_RESOLVER, "public/open or unattributable resolver",
	  "query through a public, open or unattributable resolver" },
	{ "*", C4(127, 255, 255, 255), C4(127, 255, 255, 255), "too many queries (rate limit)", NULL },
};

/** The listing rows; see spamhaus.h. */
const mr_spamhaus_code *mr_spamhaus_meanings(size_t *n)
{
	*n = sizeof meanings / sizeof meanings[0];
	return meanings;
}

/** The error rows; see spamhaus.h. */
const mr_spamhaus_code *mr_spamhaus_errors(size_t *n)
{
	*n = sizeof errors / sizeof errors[0];
	return errors;
}

/** 1 if row c applies to dataset ds; see spamhaus.h. */
int mr_spamhaus_serves(const mr_spamhaus_code *c, const char *ds)
{
	size_t wl = strlen(ds);
	const char *p = c->datasets;

	if (strcmp(p, "*") == 0)
		return 1;
	while (*p != '\0') {
		size_t l = strcspn(p, " ");
		if (l == wl && wl > 0 && strncmp(p, ds, l) == 0)
			return 1;
		p += l;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/** The listing row of ds holding code; see spamhaus.h. */
const mr_spamhaus_code *mr_spamhaus_meaning(const char *ds, uint32_t code)
{
	for (size_t i = 0; i < sizeof meanings / sizeof meanings[0]; i++)
		if (meanings[i].lo <= code && code <= meanings[i].hi && mr_spamhaus_serves(&meanings[i], ds))
			return &meanings[i];
	return NULL;
}

/** The row of a 127.255.255.x error code; see spamhaus.h. */
const mr_spamhaus_code *mr_spamhaus_error(uint32_t code)
{
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		if (strcmp(errors[i].datasets, "*") == 0 && errors[i].lo <= code && code <= errors[i].hi)
			return &errors[i];
	return NULL;
}

/** The brief meaning of c; see spamhaus.h. */
const char *mr_spamhaus_brief(const mr_spamhaus_code *c)
{
	return c->brief != NULL ? c->brief : c->text;
}

/** The dataset spelled exactly s[0..n); see spamhaus.h. */
const char *mr_spamhaus_dataset_span(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof datasets / sizeof datasets[0]; i++)
		if (strlen(datasets[i]) == n && strncmp(s, datasets[i], n) == 0)
			return datasets[i];
	return NULL;
}

/** The dataset called name in any case; see spamhaus.h. */
const char *mr_spamhaus_dataset_named(const char *name)
{
	for (size_t i = 0; i < sizeof datasets / sizeof datasets[0]; i++)
		if (mr_streq_ci(name, datasets[i]))
			return datasets[i];
	return NULL;
}

/** 0 if key has the shape of a DQS key; see spamhaus.h. */
int mr_spamhaus_dqs_key_valid(const char *key)
{
	size_t n = strlen(key);

	if (n != 26)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') || (key[i] >= '0' && key[i] <= '9')))
			return -1;
	return 0;
}

/** The public or DQS zone of ds; see spamhaus.h. */
int mr_spamhaus_zone(const char *ds, const char *dqs_key, char *out, size_t size)
{
	if (dqs_key != NULL && dqs_key[0] != '\0')
		return mr_snprintf(out, size, "%s.%s%s", dqs_key, ds, MR_SPAMHAUS_DQS_SUFFIX) == 0 ? 0 : -1;
	return mr_snprintf(out, size, "%s%s", ds, MR_SPAMHAUS_PUBLIC_SUFFIX) == 0 ? 0 : -1;
}

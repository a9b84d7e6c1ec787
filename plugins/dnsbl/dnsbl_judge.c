/* dnsbl_judge.c: the verdict: turns one zone's DNS answer for one target into listed, not listed,
 * other code or error, with the raw codes and a human reason (dnsbl-facts.md section 4). */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include "../../common/spamhaus.h"
#include "dnsbl_judge.h"
#include "dnsbl_parse_spamhaus.h"

/** Explanation and advice for 127.255.255.254 (own recursive resolver or DQS key). */
const char dnsbl_public_resolver_advice[] =
	"The list refuses queries that come from public or unattributable resolvers "
	"(such as 8.8.8.8, 1.1.1.1 or a cloud provider's shared resolver): query through "
	"your own recursive resolver with -s, or use a Spamhaus DQS key with --dqs-key-file.";

/** 127.0.0.1: never a listing (RFC 5782). */
#define CODE_LOOPBACK 0x7f000001u
/** 127.255.255.254: public or unattributable resolver. */
#define CODE_PUBLIC_RESOLVER 0x7ffffffeu
/** Mask and value of 127.255.255.0/24, which carries errors only. */
#define ERRNET_MASK 0xffffff00u
/** Network of 127.255.255.0/24. */
#define ERRNET 0x7fffff00u

/** How one A value is classed. */
typedef enum answer_class {
	CLS_LISTING = 0, /**< counts as a listing */
	CLS_OTHER,       /**< valid 127/8 answer outside the listing codes */
	CLS_ERROR        /**< error of the zone */
} answer_class;

/** A bounded "; "-joined list of reason parts. */
typedef struct joined {
	char s[512]; /**< text, NUL-terminated */
	size_t len;  /**< bytes used */
	int cut;     /**< a part did not fit */
} joined;

/** Append part to j, separated by "; "; mark j cut when it does not fit. */
static void joined_add(joined *j, const char *part)
{
	size_t pl = strlen(part), sep = j->len > 0 ? 2 : 0;

	if (j->len + sep + pl >= sizeof j->s) {
		j->cut = 1;
		return;
	}
	if (sep)
		memcpy(j->s + j->len, "; ", 2);
	memcpy(j->s + j->len + sep, part, pl + 1);
	j->len += sep + pl;
}

/** Copy text into the verdict's reason, ending in "..." when it was cut or does not fit. */
static void reason_set(dnsbl_verdict *v, const char *text, int cut)
{
	size_t n = strlen(text), max = sizeof v->reason - 1;

	if (n > max || cut) {
		size_t keep = n > max - 3 ? max - 3 : n;
		memcpy(v->reason, text, keep);
		memcpy(v->reason + keep, "...", 4);
		return;
	}
	memcpy(v->reason, text, n + 1);
}

/** Write code in dotted form into dst. */
static void code_format(uint32_t code, char *dst, size_t size)
{
	if (mr_snprintf(dst, size, "%u.%u.%u.%u", (unsigned)(code >> 24), (unsigned)((code >> 16) & 0xff),
	                (unsigned)((code >> 8) & 0xff), (unsigned)(code & 0xff)) != 0)
		dst[0] = '\0';
}

/** Write "CODE TEXT" (or just CODE) into dst. */
static void code_with_text(char *dst, size_t size, const char *code, const char *text)
{
	int rc;

	if (text != NULL && text[0] != '\0')
		rc = mr_snprintf(dst, size, "%s %s", code, text);
	else
		rc = mr_snprintf(dst, size, "%s", code);
	if (rc != 0)
		dst[0] = '\0';
}

/** Class one A value for zone z (may be NULL) and describe it in part; sets *public_resolver. */
static answer_class classify(const dnsbl_zone *z, uint32_t code, char *part, size_t size, int *public_resolver)
{
	char dotted[16];
	const dnsbl_code *e, *m;
	int rc;

	code_format(code, dotted, sizeof dotted);
	if ((code >> 24) != 127) {
		rc = mr_snprintf(part, size, "answer %s outside 127.0.0.0/8 (hijacked, parked or rewritten zone)",
		                 dotted);
		if (rc != 0)
			part[0] = '\0';
		return CLS_ERROR;
	}
	if (code == CODE_LOOPBACK) {
		code_with_text(part, size, "127.0.0.1 is never a listing (RFC 5782); query refused?", NULL);
		return CLS_ERROR;
	}
	e = z != NULL ? dnsbl_codeset_find(&z->errors, code) : NULL;
	if ((code & ERRNET_MASK) == ERRNET) {
		/* the zone's own meaning, else the Spamhaus convention */
		const mr_spamhaus_code *sc = mr_spamhaus_error(code);
		const char *text = e != NULL && e->text[0] != '\0' ? e->text : sc != NULL ? sc->text : NULL;
		if (code == CODE_PUBLIC_RESOLVER)
			*public_resolver = 1;
		if (text != NULL)
			rc = mr_snprintf(part, size, "%s: %s", dotted, text);
		else
			rc = mr_snprintf(part, size, "%s error (127.255.255.0/24 is never a listing)", dotted);
		if (rc != 0)
			part[0] = '\0';
		return CLS_ERROR;
	}
	if (e != NULL) {
		if (e->text[0] != '\0')
			rc = mr_snprintf(part, size, "%s: %s", dotted, e->text);
		else
			rc = mr_snprintf(part, size, "%s error code of this zone", dotted);
		if (rc != 0)
			part[0] = '\0';
		return CLS_ERROR;
	}
	m = z != NULL ? dnsbl_codeset_find(&z->meaning, code) : NULL;
	code_with_text(part, size, dotted, m != NULL ? m->text : NULL);
	if (z != NULL && z->listing.n > 0 && dnsbl_codeset_find(&z->listing, code) == NULL)
		return CLS_OTHER;
	return CLS_LISTING;
}

/** Judge the answer of zone z for one target. */
void dnsbl_judge(const dnsbl_zone *z, mr_dns_status status, const uint32_t *a, size_t na, dnsbl_verdict *v)
{
	joined parts[3];
	int seen[3] = { 0, 0, 0 };
	size_t i, j;

	memset(v, 0, sizeof *v);
	memset(parts, 0, sizeof parts);
	if (status != MR_DNS_NOERROR && status != MR_DNS_NXDOMAIN) {
		const char *name = mr_dns_status_name(status);
		v->kind = DNSBL_ERROR;
		reason_set(v, name != NULL ? name : "DNS error", 0);
		return;
	}
	if (status == MR_DNS_NXDOMAIN) {
		v->kind = DNSBL_NOT_LISTED;
		return;
	}
	if (a == NULL || na == 0) {
		v->kind = DNSBL_NOT_LISTED;
		reason_set(v, "NOERROR without A record", 0);
		return;
	}
	for (i = 0; i < na; i++) {
		char part[192];
		answer_class cls;
		int dup = 0;
		for (j = 0; j < i && !dup; j++)
			dup = a[j] == a[i];
		if (dup)
			continue;
		cls = classify(z, a[i], part, sizeof part, &v->public_resolver);
		seen[cls] = 1;
		joined_add(&parts[cls], part);
	}
	/* An error anywhere spoils the whole answer; otherwise one listing is enough. */
	if (seen[CLS_ERROR]) {
		v->kind = DNSBL_ERROR;
		reason_set(v, parts[CLS_ERROR].s, parts[CLS_ERROR].cut);
	} else if (seen[CLS_LISTING]) {
		v->kind = DNSBL_LISTED;
		reason_set(v, parts[CLS_LISTING].s, parts[CLS_LISTING].cut);
	} else {
		v->kind = DNSBL_OTHER_CODE;
		reason_set(v, parts[CLS_OTHER].s, parts[CLS_OTHER].cut);
	}
}

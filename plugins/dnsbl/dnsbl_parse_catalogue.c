/* dnsbl_zones.c: the DNSBL zone catalogue: the meaning of its ini sections and keys (the ini
 * reading itself is common/ini.c's), the -z / --allow-zone spec, Postfix answer-code syntax,
 * built-in Spamhaus knowledge and --list-zones. */

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/addr.h"
#include "../../common/ini.h"
#include "../../common/secret.h"
#include "dnsbl_zones.h"

/** The catalogue format's ini leniencies (doc/zone-catalogue.md): "key: value" and ' ;' comments. */
#define CATALOGUE_INI_FLAGS (MR_INI_INLINE_COMMENTS | MR_INI_COLON)
/** Most separate ranges one code pattern may expand to. */
#define PATTERN_MAX_RANGES 4096
/** Most items in one bracketed octet list. */
#define OCTET_MAX_ITEMS 32
/** Most entries in one code set. */
#define CODESET_MAX 65536
/** Most zones in one catalogue. */
#define CATALOGUE_MAX 4096
/** Longest -z / --allow-zone spec. */
#define SPEC_MAX 512
/** Most characters of a user value quoted in a message. */
#define QUOTE_MAX 60

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

/** Spamhaus DQS dataset names (also the first label of the public zones). */
static const char *const spamhaus_datasets[] = {
	"zen", "sbl", "xbl", "sbl-xbl", "pbl", "authbl", "dbl", "zrd"
};

/** Build a host-order IPv4 code from its octets. */
#define CODE(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/** One known Spamhaus answer code: the datasets that use it and its meaning. */
typedef struct spamhaus_code {
	const char *datasets; /**< space-separated dataset names */
	uint32_t lo;          /**< first code */
	uint32_t hi;          /**< last code */
	const char *text;     /**< meaning */
} spamhaus_code;

/** Meanings of Spamhaus answer codes (dnsbl-facts.md section 3). */
static const spamhaus_code spamhaus_meanings[] = {
	{ "sbl sbl-xbl zen", CODE(127, 0, 0, 2), CODE(127, 0, 0, 2), "SBL: Spamhaus Block List (spam source or operation)" },
	{ "sbl sbl-xbl zen", CODE(127, 0, 0, 3), CODE(127, 0, 0, 3), "CSS: low-reputation sender (automated)" },
	{ "xbl sbl-xbl zen", CODE(127, 0, 0, 4), CODE(127, 0, 0, 4), "XBL: exploited or infected host" },
	{ "xbl sbl-xbl zen", CODE(127, 0, 0, 5), CODE(127, 0, 0, 7), "XBL (former code)" },
	{ "sbl sbl-xbl zen", CODE(127, 0, 0, 9), CODE(127, 0, 0, 9), "DROP: hijacked or criminal network" },
	{ "pbl zen", CODE(127, 0, 0, 10), CODE(127, 0, 0, 10), "PBL: ISP policy, no direct mail from this range" },
	{ "pbl zen", CODE(127, 0, 0, 11), CODE(127, 0, 0, 11), "PBL: Spamhaus policy, no direct mail from here" },
	{ "sbl zen", CODE(127, 0, 0, 30), CODE(127, 0, 0, 30), "BCL: botnet controller" },
	{ "authbl", CODE(127, 0, 0, 20), CODE(127, 0, 0, 20), "AuthBL: bot using stolen SMTP credentials" },
	{ "dbl", CODE(127, 0, 1, 2), CODE(127, 0, 1, 2), "DBL: spam domain" },
	{ "dbl", CODE(127, 0, 1, 3), CODE(127, 0, 1, 3), "DBL: spammed redirector domain" },
	{ "dbl", CODE(127, 0, 1, 4), CODE(127, 0, 1, 4), "DBL: phishing domain" },
	{ "dbl", CODE(127, 0, 1, 5), CODE(127, 0, 1, 5), "DBL: malware domain" },
	{ "dbl", CODE(127, 0, 1, 6), CODE(127, 0, 1, 6), "DBL: botnet C&C domain" },
	{ "dbl", CODE(127, 0, 1, 102), CODE(127, 0, 1, 102), "DBL: abused legitimate domain (spam)" },
	{ "dbl", CODE(127, 0, 1, 103), CODE(127, 0, 1, 103), "DBL: abused spammed redirector domain" },
	{ "dbl", CODE(127, 0, 1, 104), CODE(127, 0, 1, 104), "DBL: abused legitimate domain (phishing)" },
	{ "dbl", CODE(127, 0, 1, 105), CODE(127, 0, 1, 105), "DBL: abused legitimate domain (malware)" },
	{ "dbl", CODE(127, 0, 1, 106), CODE(127, 0, 1, 106), "DBL: abused legitimate domain (botnet C&C)" },
	{ "zrd", CODE(127, 0, 2, 2), CODE(127, 0, 2, 24), "ZRD: domain first seen in the last 24 hours" },
};

/** The domain-list error of DBL and ZRD, and the error codes every Spamhaus zone may answer (this order is
 * the order of --list-zones). */
static const spamhaus_code spamhaus_errors[] = {
	{ "dbl zrd", CODE(127, 0, 1, 255), CODE(127, 0, 1, 255), "IP query to a domain list" },
	{ "*", CODE(127, 255, 255, 252), CODE(127, 255, 255, 252), "typo in the DNSBL zone name" },
	{ "*", CODE(127, 255, 255, 254), CODE(127, 255, 255, 254), "public/open or unattributable resolver" },
	{ "*", CODE(127, 255, 255, 255), CODE(127, 255, 255, 255), "too many queries (rate limit)" },
};

/** Default listing codes of Spamhaus datasets without a listing= (Postfix guidance). */
static const spamhaus_code spamhaus_listing[] = {
	{ "zen", CODE(127, 0, 0, 2), CODE(127, 0, 0, 11), "" },
	{ "dbl", CODE(127, 0, 1, 2), CODE(127, 0, 1, 99), "" },
	{ "dbl", CODE(127, 0, 1, 102), CODE(127, 0, 1, 106), "" },
	{ "zrd", CODE(127, 0, 2, 2), CODE(127, 0, 2, 24), "" },
};

/** A set of octet values: sorted, merged inclusive ranges. */
typedef struct octet_set {
	unsigned lo[OCTET_MAX_ITEMS]; /**< range starts */
	unsigned hi[OCTET_MAX_ITEMS]; /**< range ends */
	size_t n;                     /**< ranges used */
} octet_set;

/** A Postfix code pattern: one octet set per octet. */
typedef struct pattern {
	octet_set o[4]; /**< first to last octet */
} pattern;

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

/** Append a formatted message to err, if there is one. */
static void seterr(mr_buf *err, const char *fmt, ...) MR_PRINTF(2, 3);

/** Append a formatted message to err, if there is one. */
static void seterr(mr_buf *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	(void)mr_buf_vprintf(err, fmt, ap);
	va_end(ap);
}

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

/* ---- code sets ---- */

/** Append one range with a meaning; 0 or -1. */
int dnsbl_codeset_add(dnsbl_codeset *set, uint32_t lo, uint32_t hi, const char *text)
{
	dnsbl_code *e;
	size_t tl = text != NULL ? strlen(text) : 0;

	if (set == NULL || lo > hi || tl >= sizeof set->v[0].text)
		return -1;
	if (set->n == set->cap) {
		size_t ncap = set->cap != 0 ? set->cap * 2 : 8;
		dnsbl_code *nv;
		if (set->n >= CODESET_MAX)
			return -1;
		nv = realloc(set->v, ncap * sizeof *nv);
		if (nv == NULL)
			return -1;
		set->v = nv;
		set->cap = ncap;
	}
	e = &set->v[set->n++];
	memset(e, 0, sizeof *e);
	e->lo = lo;
	e->hi = hi;
	if (tl > 0)
		memcpy(e->text, text, tl);
	return 0;
}

/** The first entry containing code, or NULL. */
const dnsbl_code *dnsbl_codeset_find(const dnsbl_codeset *set, uint32_t code)
{
	size_t i;

	if (set == NULL)
		return NULL;
	for (i = 0; i < set->n; i++)
		if (set->v[i].lo <= code && code <= set->v[i].hi)
			return &set->v[i];
	return NULL;
}

/** Free a code set's entries. */
void dnsbl_codeset_free(dnsbl_codeset *set)
{
	if (set == NULL)
		return;
	free(set->v);
	set->v = NULL;
	set->n = 0;
	set->cap = 0;
}

/* ---- Postfix code syntax ---- */

/** Sort an octet set's ranges and merge overlapping or adjacent ones. */
static void octet_normalise(octet_set *o)
{
	size_t i, j, k;

	for (i = 1; i < o->n; i++) {
		unsigned lo = o->lo[i], hi = o->hi[i];
		for (j = i; j > 0 && o->lo[j - 1] > lo; j--) {
			o->lo[j] = o->lo[j - 1];
			o->hi[j] = o->hi[j - 1];
		}
		o->lo[j] = lo;
		o->hi[j] = hi;
	}
	for (i = 0, k = 0; i < o->n; i++) {
		if (k > 0 && o->lo[i] <= o->hi[k - 1] + 1) {
			if (o->hi[i] > o->hi[k - 1])
				o->hi[k - 1] = o->hi[i];
			continue;
		}
		o->lo[k] = o->lo[i];
		o->hi[k] = o->hi[i];
		k++;
	}
	o->n = k;
}

/** Parse a decimal octet 0..255 from s[0..len); 0 or -1. */
static int octet_number(const char *s, size_t len, unsigned *out)
{
	char tmp[4];
	long v;
	size_t i;

	if (len == 0 || len > 3)
		return -1;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (mr_parse_long(tmp, 0, 255, &v) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/** Report a bad code pattern: "bad answer codes 'SPEC': reason". */
static void codes_fail(mr_buf *err, const char *spec, const char *fmt, ...) MR_PRINTF(3, 4);

/** Report a bad code pattern: "bad answer codes 'SPEC': reason". */
static void codes_fail(mr_buf *err, const char *spec, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	(void)mr_buf_printf(err, "bad answer codes '%.*s': ", QUOTE_MAX, spec);
	va_start(ap, fmt);
	(void)mr_buf_vprintf(err, fmt, ap);
	va_end(ap);
}

/** Parse one list item "N" or "N..M" of s[0..len) into o; 0 or -1 with a message. */
static int octet_item(const char *spec, const char *s, size_t len, octet_set *o, mr_buf *err)
{
	size_t i;
	unsigned lo, hi;

	for (i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			break;
	if (i + 1 < len) {
		if (octet_number(s, i, &lo) != 0 || octet_number(s + i + 2, len - i - 2, &hi) != 0) {
			codes_fail(err, spec, "'%.*s' is not a range N..M of numbers 0-255", (int)len, s);
			return -1;
		}
		if (lo > hi) {
			codes_fail(err, spec, "range %u..%u runs backwards", lo, hi);
			return -1;
		}
	} else {
		if (octet_number(s, len, &lo) != 0) {
			codes_fail(err, spec, "'%.*s' is not a number 0-255", (int)len, s);
			return -1;
		}
		hi = lo;
	}
	if (o->n >= OCTET_MAX_ITEMS) {
		codes_fail(err, spec, "more than %d items in one [...] list", OCTET_MAX_ITEMS);
		return -1;
	}
	o->lo[o->n] = lo;
	o->hi[o->n] = hi;
	o->n++;
	return 0;
}

/** Parse one octet "N", "[N..M]" or "[A;B..C;...]" of s[0..len) into o; 0 or -1 with a message. */
static int octet_parse(const char *spec, const char *s, size_t len, octet_set *o, mr_buf *err)
{
	memset(o, 0, sizeof *o);
	if (len == 0) {
		codes_fail(err, spec, "empty octet");
		return -1;
	}
	if (s[0] == '[') {
		const char *p, *end = s + len - 1;
		if (*end != ']' || len < 3) {
			codes_fail(err, spec, "'%.*s' is not a [...] list", (int)len, s);
			return -1;
		}
		p = s + 1;
		for (;;) {
			const char *q = p;
			while (q < end && *q != ';')
				q++;
			if (q == p) {
				codes_fail(err, spec, "empty item in '%.*s'", (int)len, s);
				return -1;
			}
			if (octet_item(spec, p, (size_t)(q - p), o, err) != 0)
				return -1;
			if (q == end)
				break;
			p = q + 1;
		}
	} else if (octet_item(spec, s, len, o, err) != 0) {
		return -1;
	}
	octet_normalise(o);
	return 0;
}

/** Split spec into four octet strings at dots outside brackets; 0 or -1 with a message. */
static int split_octets(const char *spec, const char *start[4], size_t len[4], mr_buf *err)
{
	const char *p, *s = spec;
	size_t k = 0;
	int depth = 0;

	for (p = spec;; p++) {
		char ch = *p;
		if (ch == '[') {
			if (depth) {
				codes_fail(err, spec, "nested '['");
				return -1;
			}
			depth = 1;
		} else if (ch == ']') {
			if (!depth) {
				codes_fail(err, spec, "']' without '['");
				return -1;
			}
			depth = 0;
		} else if ((ch == '.' && !depth) || ch == '\0') {
			if (ch == '\0' && depth) {
				codes_fail(err, spec, "missing ']'");
				return -1;
			}
			if (k == 4) {
				codes_fail(err, spec, "more than four octets");
				return -1;
			}
			start[k] = s;
			len[k] = (size_t)(p - s);
			k++;
			s = p + 1;
			if (ch == '\0')
				break;
		} else if (!isdigit((unsigned char)ch) && ch != ';' && ch != '.') {
			codes_fail(err, spec, "unexpected character '%c'%s", isprint((unsigned char)ch) ? ch : '?',
			           isspace((unsigned char)ch) ? " (no blanks allowed)" : "");
			return -1;
		}
	}
	if (k != 4) {
		codes_fail(err, spec, "expected four octets such as 127.0.0.2 or 127.0.0.[2..11]");
		return -1;
	}
	return 0;
}

/** Parse a Postfix code pattern into set, each range carrying text; 0, or -1 (set unchanged) with a message. */
static int codes_parse_text(const char *spec, dnsbl_codeset *set, const char *text, mr_buf *err)
{
	const char *start[4];
	size_t len[4], n0, added = 0, i, j, k;
	octet_set o[4];
	unsigned b, c;
	int rc = -1;

	if (spec == NULL || set == NULL) {
		seterr(err, "no answer codes given");
		return -1;
	}
	n0 = set->n;
	if (spec[0] == '\0') {
		codes_fail(err, spec, "empty");
		goto out;
	}
	if (split_octets(spec, start, len, err) != 0)
		goto out;
	for (i = 0; i < 4; i++)
		if (octet_parse(spec, start[i], len[i], &o[i], err) != 0)
			goto out;
	if (o[0].n != 1 || o[0].lo[0] != 127 || o[0].hi[0] != 127) {
		codes_fail(err, spec, "answer codes must lie in 127.0.0.0/8");
		goto out;
	}
	for (i = 0; i < o[1].n; i++)
		for (b = o[1].lo[i]; b <= o[1].hi[i]; b++)
			for (j = 0; j < o[2].n; j++)
				for (c = o[2].lo[j]; c <= o[2].hi[j]; c++)
					for (k = 0; k < o[3].n; k++) {
						uint32_t lo = CODE(127, b, c, o[3].lo[k]);
						uint32_t hi = CODE(127, b, c, o[3].hi[k]);
						if (set->n > n0 && set->v[set->n - 1].hi + 1 == lo) {
							set->v[set->n - 1].hi = hi;
							continue;
						}
						if (++added > PATTERN_MAX_RANGES) {
							codes_fail(err, spec, "expands to more than %d separate ranges",
							           PATTERN_MAX_RANGES);
							goto out;
						}
						if (dnsbl_codeset_add(set, lo, hi, text) != 0) {
							codes_fail(err, spec, "out of memory");
							goto out;
						}
					}
	rc = 0;
out:
	if (rc != 0)
		set->n = n0;
	return rc;
}

/** Parse Postfix code syntax into set; 0, or -1 with reason. */
int dnsbl_codes_parse(const char *spec, dnsbl_codeset *set, mr_buf *err)
{
	return codes_parse_text(spec, set, "", err);
}

/* ---- zone names and Spamhaus knowledge ---- */

/** If text[0..n) is a DQS zone name KEY.NAME.dq.spamhaus.net (any case, final dot allowed), register KEY
 * for masking as written and lower-cased: the key is a secret however it reaches the plugin. */
static void register_dqs_key(const char *text, size_t n)
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
static int is_spamhaus(const char *name)
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
static const char *spamhaus_dataset(const dnsbl_zone *z)
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

	if (z == NULL || !is_spamhaus(z->name))
		return;
	z->spamhaus = 1;
	if (z->dqs[0] == '\0') {
		const char *first = first_label_dataset(z->name);
		if (first != NULL)
			memcpy(z->dqs, first, strlen(first) + 1);
	}
	ds = spamhaus_dataset(z);
	/* Allocation failures leave the zone without some meanings: harmless for a void function. */
	(void)add_known(&z->errors, spamhaus_errors, sizeof spamhaus_errors / sizeof spamhaus_errors[0], ds);
	if (ds != NULL) {
		(void)add_known(&z->meaning, spamhaus_meanings, sizeof spamhaus_meanings / sizeof spamhaus_meanings[0], ds);
		if (z->listing.n == 0)
			(void)add_known(&z->listing, spamhaus_listing,
			                sizeof spamhaus_listing / sizeof spamhaus_listing[0], ds);
	}
}

/* ---- catalogue ---- */

/** Initialise an empty catalogue. */
void dnsbl_catalogue_init(dnsbl_catalogue *c)
{
	memset(c, 0, sizeof *c);
}

/** Free one zone's code sets. */
static void zone_free(dnsbl_zone *z)
{
	dnsbl_codeset_free(&z->listing);
	dnsbl_codeset_free(&z->meaning);
	dnsbl_codeset_free(&z->errors);
}

/** Free the zones and their code sets. */
void dnsbl_catalogue_free(dnsbl_catalogue *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		zone_free(&c->v[i]);
	free(c->v);
	dnsbl_catalogue_init(c);
}

/** Make room for extra more zones; 0 or -1. */
static int catalogue_reserve(dnsbl_catalogue *c, size_t extra)
{
	size_t ncap = c->cap != 0 ? c->cap : 8;
	dnsbl_zone *nv;

	if (extra > CATALOGUE_MAX || c->n + extra > CATALOGUE_MAX)
		return -1;
	if (c->n + extra <= c->cap)
		return 0;
	while (ncap < c->n + extra)
		ncap *= 2;
	nv = realloc(c->v, ncap * sizeof *nv);
	if (nv == NULL)
		return -1;
	c->v = nv;
	c->cap = ncap;
	return 0;
}

/** Index of the zone called name in c, or -1. */
static long catalogue_index(const dnsbl_catalogue *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return (long)i;
	return -1;
}

/** Fill z with the defaults of a new ip zone named name (already normalised). */
static void zone_defaults(dnsbl_zone *z, const char *name)
{
	memset(z, 0, sizeof *z);
	memcpy(z->name, name, strlen(name) + 1);
	z->kind = DNSBL_KIND_IP;
	z->ipv4 = 1;
	z->ipv6 = 0;
	z->severity = MR_CRITICAL;
}

/* ---- catalogue text: zones and keys from the ini reader, checks ---- */

/** Start a new zone for a [section] header at line; 0 or -1 with a message. */
static int zone_start(parse_ctx *ctx, unsigned line, const char *section)
{
	char name[DNSBL_ZONE_MAX + 1];
	const char *why = NULL;
	zone_info *zi;
	long prev;

	register_dqs_key(section, strlen(section));
	if (mr_hostname_normalise(section, name, sizeof name, &why) != 0) {
		mr_ini_fail(&ctx->msg, line, "[%.*s]: %s", QUOTE_MAX, section, why);
		return -1;
	}
	prev = catalogue_index(&ctx->zones, name);
	if (prev >= 0) {
		mr_ini_fail(&ctx->msg, line, "zone [%s] appears twice (first at line %u)", name,
		            ctx->info[prev].line);
		return -1;
	}
	if (ctx->dst != NULL && catalogue_index(ctx->dst, name) >= 0) {
		mr_ini_fail(&ctx->msg, line, "zone [%s] is already in the catalogue", name);
		return -1;
	}
	if (catalogue_reserve(&ctx->zones, 1) != 0)
		goto nomem;
	if (ctx->info_cap < ctx->zones.cap) {
		zone_info *ni = realloc(ctx->info, ctx->zones.cap * sizeof *ni);
		if (ni == NULL)
			goto nomem;
		ctx->info = ni;
		ctx->info_cap = ctx->zones.cap;
	}
	zone_defaults(&ctx->zones.v[ctx->zones.n], name);
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
	if (codes_parse_text(codes, set, meaning, &why) != 0) {
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
		size_t i;
		for (i = 0; i < sizeof spamhaus_datasets / sizeof spamhaus_datasets[0]; i++)
			if (mr_streq_ci(v, spamhaus_datasets[i])) {
				memcpy(z->dqs, spamhaus_datasets[i], strlen(spamhaus_datasets[i]) + 1);
				return 0;
			}
		mr_ini_fail(&ctx->msg, line, "bad dqs '%.*s' (zen, sbl, xbl, sbl-xbl, pbl, authbl, dbl or zrd)",
		            QUOTE_MAX, v);
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
		mr_ini_fail(&ctx->msg, line, "bad %s '%.*s' (%s)", kn, QUOTE_MAX, v,
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
		mr_ini_fail(&ctx->msg, item->line, "unknown key '%.*s' in zone [%s]", QUOTE_MAX, item->key,
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
		if (zi->key_line[K_DQS] != 0 && !is_spamhaus(z->name))
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
	if (catalogue_reserve(c, ctx.zones.n) != 0) {
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

/** Read and parse a catalogue file; 0, or -1 with a reason in err. */
int dnsbl_catalogue_load_file(dnsbl_catalogue *c, const char *path, mr_buf *err)
{
	char *text = mr_ini_read_file(path, MR_INI_FILE_MAX, err);
	int rc = text != NULL ? dnsbl_catalogue_parse(c, text, path, err) : -1;

	mr_ini_text_free(text);
	return rc;
}

/* ---- -z / --allow-zone specs ---- */

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
		seterr(err, "%s: no zone given", opt);
		return -1;
	}
	register_dqs_key(spec, strcspn(spec, ":="));
	n = strlen(spec);
	if (n >= sizeof buf) {
		seterr(err, "%s '%.*s...': longer than %zu characters", opt, QUOTE_MAX, spec, sizeof buf - 1);
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
			seterr(err, "%s '%.*s': unknown severity '%.*s' (use :warning or :critical)", opt, QUOTE_MAX,
			       spec, QUOTE_MAX, colon + 1);
			return -1;
		}
	}
	eq = strchr(buf, '=');
	if (eq != NULL) {
		*eq = '\0';
		codes = eq + 1;
	}
	if (mr_hostname_normalise(buf, name, sizeof name, &why) != 0) {
		seterr(err, "%s '%.*s': %s", opt, QUOTE_MAX, spec, why);
		return -1;
	}
	if (codes != NULL) {
		mr_buf why_codes;
		int bad;
		if (codes[0] == '\0') {
			seterr(err, "%s '%.*s': empty CODES after '='", opt, QUOTE_MAX, spec);
			goto out;
		}
		mr_buf_init(&why_codes, 256);
		bad = dnsbl_codes_parse(codes, &listing, &why_codes) != 0;
		if (bad)
			seterr(err, "%s '%.*s': %s", opt, QUOTE_MAX, spec, mr_buf_str(&why_codes));
		mr_buf_free(&why_codes);
		if (bad)
			goto out;
	}
	idx = catalogue_index(c, name);
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
	if (catalogue_reserve(c, 1) != 0) {
		seterr(err, "%s '%.*s': too many zones or out of memory", opt, QUOTE_MAX, spec);
		goto out;
	}
	zone_defaults(&z, name);
	z.severity = severity;
	z.allow = allow ? 1 : 0;
	z.listing = listing;
	memset(&listing, 0, sizeof listing);
	if (mr_snprintf(z.description, sizeof z.description, "added with %s", opt) != 0)
		z.description[0] = '\0';
	if (is_spamhaus(name)) {
		const char *ds;
		z.ipv6 = 1;
		dnsbl_zone_apply_spamhaus(&z);
		ds = spamhaus_dataset(&z);
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

/* ---- --list-zones ---- */

/** Printer state: patterns merged so far, not printed yet. */
typedef struct pattern_out {
	mr_buf *out;      /**< destination */
	const char *key;  /**< ini key of the lines */
	const char *text; /**< meaning printed after each pattern, "" for none */
	pattern done;     /**< finished pattern, may still absorb the next finished one */
	pattern cur;      /**< pattern being grown from consecutive ranges */
	int have_done;    /**< done is valid */
	int have_cur;     /**< cur is valid */
} pattern_out;

/** 1 if two octet sets are equal. */
static int octet_equal(const octet_set *a, const octet_set *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->lo[i] != b->lo[i] || a->hi[i] != b->hi[i])
			return 0;
	return 1;
}

/** Append an octet set in Postfix form: "N", "[N..M]" or "[A;B..C]". */
static void octet_print(mr_buf *out, const octet_set *o)
{
	size_t i;

	if (o->n == 1 && o->lo[0] == o->hi[0]) {
		(void)mr_buf_printf(out, "%u", o->lo[0]);
		return;
	}
	(void)mr_buf_puts(out, "[");
	for (i = 0; i < o->n; i++) {
		if (i > 0)
			(void)mr_buf_puts(out, ";");
		if (o->lo[i] == o->hi[i])
			(void)mr_buf_printf(out, "%u", o->lo[i]);
		else
			(void)mr_buf_printf(out, "%u..%u", o->lo[i], o->hi[i]);
	}
	(void)mr_buf_puts(out, "]");
}

/** Print p as one "key = PATTERN text" line. */
static void pattern_print(const pattern_out *po, const pattern *p)
{
	int i;

	(void)mr_buf_printf(po->out, "%-11s = ", po->key);
	for (i = 0; i < 4; i++) {
		if (i > 0)
			(void)mr_buf_puts(po->out, ".");
		octet_print(po->out, &p->o[i]);
	}
	if (po->text[0] != '\0')
		(void)mr_buf_printf(po->out, " %s", po->text);
	(void)mr_buf_puts(po->out, "\n");
}

/** Merge q into p when the two differ in at most one octet (their union is again a pattern); 1 if merged. */
static int pattern_merge(pattern *p, const pattern *q)
{
	int i, diff = -1, ndiff = 0;
	octet_set *o;
	size_t j;

	for (i = 0; i < 4; i++)
		if (!octet_equal(&p->o[i], &q->o[i])) {
			diff = i;
			ndiff++;
		}
	if (ndiff == 0)
		return 1;
	if (ndiff > 1 || p->o[diff].n + q->o[diff].n > OCTET_MAX_ITEMS)
		return 0;
	o = &p->o[diff];
	for (j = 0; j < q->o[diff].n; j++) {
		o->lo[o->n] = q->o[diff].lo[j];
		o->hi[o->n] = q->o[diff].hi[j];
		o->n++;
	}
	octet_normalise(o);
	return 1;
}

/** Retire the pattern being grown: merge it into the finished one or print that and keep it. */
static void pattern_retire(pattern_out *po)
{
	if (!po->have_cur)
		return;
	po->have_cur = 0;
	if (po->have_done && pattern_merge(&po->done, &po->cur))
		return;
	if (po->have_done)
		pattern_print(po, &po->done);
	po->done = po->cur;
	po->have_done = 1;
}

/** Print whatever is still pending. */
static void pattern_flush(pattern_out *po)
{
	pattern_retire(po);
	if (po->have_done)
		pattern_print(po, &po->done);
	po->have_done = 0;
}

/** Add a pattern: grow the current one when they differ in one octet only, else start a new one. */
static void pattern_push(pattern_out *po, const pattern *p)
{
	if (po->have_cur && pattern_merge(&po->cur, p))
		return;
	pattern_retire(po);
	po->cur = *p;
	po->have_cur = 1;
}

/** Split [lo,hi] into octet-aligned blocks, each one pattern, and push them. */
static void range_push(pattern_out *po, uint32_t lo, uint32_t hi)
{
	uint64_t cur = lo;

	while (cur <= hi) {
		unsigned level, pos, i;
		uint64_t size = 1, span, top, last, nblocks;
		pattern p;

		for (level = 3; level > 0; level--) {
			size = (uint64_t)1 << (8 * level);
			if (cur % size == 0 && cur + size - 1 <= hi)
				break;
		}
		if (level == 0)
			size = 1;
		span = size * 256;
		top = cur / span * span + span - 1;
		last = top < hi ? top : hi;
		nblocks = (last - cur + 1) / size;
		pos = 3 - level;
		memset(&p, 0, sizeof p);
		for (i = 0; i < 4; i++) {
			unsigned shift = 8 * (3 - i);
			unsigned v = (unsigned)((cur >> shift) & 0xff);
			p.o[i].n = 1;
			if (i < pos) {
				p.o[i].lo[0] = v;
				p.o[i].hi[0] = v;
			} else if (i == pos) {
				p.o[i].lo[0] = v;
				p.o[i].hi[0] = v + (unsigned)nblocks - 1;
			} else {
				p.o[i].lo[0] = 0;
				p.o[i].hi[0] = 255;
			}
		}
		pattern_push(po, &p);
		cur += nblocks * size;
	}
}

/** Print a code set as "key = PATTERN [text]" lines, one run of equal texts at a time. */
static void codeset_print(mr_buf *out, const char *key, const dnsbl_codeset *set)
{
	size_t i = 0;

	while (i < set->n) {
		pattern_out po;
		size_t j = i;
		memset(&po, 0, sizeof po);
		po.out = out;
		po.key = key;
		po.text = set->v[i].text;
		while (j < set->n && strcmp(set->v[j].text, set->v[i].text) == 0) {
			range_push(&po, set->v[j].lo, set->v[j].hi);
			j++;
		}
		pattern_flush(&po);
		i = j;
	}
}

/** Print one free-text field, or a "(none)" comment when empty. */
static void text_print(mr_buf *out, const char *key, const char *v)
{
	if (v[0] != '\0')
		(void)mr_buf_printf(out, "%-11s = %s\n", key, v);
	else
		(void)mr_buf_printf(out, "; %-9s = (none)\n", key);
}

/** Print one zone as an ini block that dnsbl_catalogue_parse reads back. */
static void zone_print(mr_buf *out, const dnsbl_zone *z)
{
	(void)mr_buf_printf(out, "[%s]\n", z->name);
	text_print(out, "description", z->description);
	(void)mr_buf_printf(out, "%-11s = %s\n", "type", z->kind == DNSBL_KIND_DOMAIN ? "domain" : "ip");
	if (z->kind == DNSBL_KIND_IP) {
		(void)mr_buf_printf(out, "%-11s = %s\n", "ipv4", z->ipv4 ? "yes" : "no");
		(void)mr_buf_printf(out, "%-11s = %s\n", "ipv6", z->ipv6 ? "yes" : "no");
	}
	(void)mr_buf_printf(out, "%-11s = %s\n", "role", z->allow ? "allow" : "block");
	(void)mr_buf_printf(out, "%-11s = %s\n", "severity", z->severity == MR_WARNING ? "warning" : "critical");
	if (z->listing.n > 0)
		codeset_print(out, "listing", &z->listing);
	else
		(void)mr_buf_puts(out, "; listing   = (any 127.0.0.0/8 answer that is no error)\n");
	codeset_print(out, "code", &z->meaning);
	codeset_print(out, "error", &z->errors);
	if (z->spamhaus || z->dqs[0] != '\0')
		text_print(out, "dqs", z->dqs);
	text_print(out, "needs", z->needs);
	text_print(out, "delist", z->delist);
	if (z->spamhaus)
		(void)mr_buf_puts(out, "; Spamhaus zone: built-in error codes, meanings and DQS rewriting apply\n");
}

/** Print the catalogue for --list-zones (one block per zone); 0 or -1. */
int dnsbl_catalogue_print(const dnsbl_catalogue *c, mr_buf *out)
{
	size_t i;

	if (c == NULL || out == NULL)
		return -1;
	for (i = 0; i < c->n; i++) {
		if (i > 0)
			(void)mr_buf_puts(out, "\n");
		zone_print(out, &c->v[i]);
	}
	return out->failed ? -1 : 0;
}

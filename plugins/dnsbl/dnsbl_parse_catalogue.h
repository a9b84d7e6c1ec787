/* dnsbl_zones.h: the DNSBL zone catalogue: file format, built-in default, -z/--allow-zone specs, listing codes. */
#ifndef DNSBL_ZONES_H
#define DNSBL_ZONES_H

#include <stddef.h>
#include "../../common/addr.h"
#include "../../common/state.h"
#include "../../common/util.h"

/** Longest zone name without NUL. */
#define DNSBL_ZONE_MAX MR_HOSTNAME_MAX

/** What a zone is queried with. */
typedef enum dnsbl_kind {
	DNSBL_KIND_IP = 0,   /**< reversed IPv4 octets / IPv6 nibbles */
	DNSBL_KIND_DOMAIN    /**< a domain name (DBL, RHSBL) */
} dnsbl_kind;

/** An inclusive range of IPv4 answer codes with an optional meaning. */
typedef struct dnsbl_code {
	uint32_t lo;          /**< first code, host byte order (127.0.0.2 = 0x7f000002) */
	uint32_t hi;          /**< last code */
	char text[96];        /**< meaning, "" if none */
} dnsbl_code;

/** A list of code ranges. */
typedef struct dnsbl_codeset {
	dnsbl_code *v;        /**< entries, owned */
	size_t n;             /**< used */
	size_t cap;           /**< allocated */
} dnsbl_codeset;

/** One zone of the catalogue. */
typedef struct dnsbl_zone {
	char name[DNSBL_ZONE_MAX + 1]; /**< zone suffix, lower case, no final dot */
	dnsbl_kind kind;       /**< ip or domain */
	int ipv4;              /**< answers for IPv4 targets (ip zones) */
	int ipv6;              /**< answers for IPv6 targets (ip zones) */
	int allow;             /**< allow-list: a listing is good news */
	mr_state severity;     /**< MR_CRITICAL or MR_WARNING for a listing */
	dnsbl_codeset listing; /**< answers that count as listings; empty = every valid 127/8 answer */
	dnsbl_codeset meaning; /**< meanings of answer codes (for output) */
	dnsbl_codeset errors;  /**< the zone's own error codes, beyond 127.0.0.1 and 127.255.255.0/24 */
	int spamhaus;          /**< Spamhaus knowledge applies (error texts, DQS rewriting) */
	char dqs[16];          /**< DQS dataset name ("zen", "dbl", ...) or "" */
	char needs[96];        /**< key or registration needed, "" if none */
	char delist[160];      /**< delisting / lookup URL, "" if none */
	char description[96];  /**< short description */
} dnsbl_zone;

/** An ordered list of zones. */
typedef struct dnsbl_catalogue {
	dnsbl_zone *v;         /**< zones, owned */
	size_t n;              /**< used */
	size_t cap;            /**< allocated */
} dnsbl_catalogue;

/** The built-in catalogue text (data/dnsbl-zones.ini compiled in). */
extern const char dnsbl_default_catalogue[];

/** Initialise an empty catalogue. */
void dnsbl_catalogue_init(dnsbl_catalogue *c);
/** Free the zones and their code sets. */
void dnsbl_catalogue_free(dnsbl_catalogue *c);
/**
 * Parse catalogue text (ini: one [zone] section each) and append its zones to c.
 * origin names the file in messages. 0, or -1 with "ORIGIN line N: reason" in err.
 */
int dnsbl_catalogue_parse(dnsbl_catalogue *c, const char *text, const char *origin, mr_buf *err);
/** Read and parse a catalogue file; 0, or -1 with a reason in err. */
int dnsbl_catalogue_load_file(dnsbl_catalogue *c, const char *path, mr_buf *err);
/** Append a zone from a -z / --allow-zone spec ZONE[=CODES][:warning]; 0, or -1 with a reason. */
int dnsbl_catalogue_add_spec(dnsbl_catalogue *c, const char *spec, int allow, mr_buf *err);
/** Print the catalogue for --list-zones (one block per zone); 0 or -1. */
int dnsbl_catalogue_print(const dnsbl_catalogue *c, mr_buf *out);

/** Parse Postfix code syntax "127.0.0.2", "127.0.0.[2..11]", "127.0.0.[2;4;10]", "127.0.[0..1].[2..5]" into set; 0, or -1 with reason. */
int dnsbl_codes_parse(const char *spec, dnsbl_codeset *set, mr_buf *err);
/** Append one range with a meaning; 0 or -1. */
int dnsbl_codeset_add(dnsbl_codeset *set, uint32_t lo, uint32_t hi, const char *text);
/** The first entry containing code, or NULL. */
const dnsbl_code *dnsbl_codeset_find(const dnsbl_codeset *set, uint32_t code);
/** Free a code set's entries. */
void dnsbl_codeset_free(dnsbl_codeset *set);

/** Meaning of a 127.255.255.0/24 error code as every Spamhaus zone uses it (the convention for other zones too), or NULL. */
const char *dnsbl_errnet_meaning(uint32_t code);
/** Apply Spamhaus knowledge to z if its name is a Spamhaus zone (error codes, meanings, dqs name). */
void dnsbl_zone_apply_spamhaus(dnsbl_zone *z);

#endif

/* dnsbl_input_targets.h: check_dnsbl targets: parsing -H/--mx/-F/--domain into specs, and expanding the specs
 * (resolving host names and MX domains) into the list of targets. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_INPUT_TARGETS_H
#define DNSBL_INPUT_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include "../../common/addr.h"
#include "../../common/dns.h"
#include "../../common/util.h"

/** Longest host or domain name without NUL. */
#define DNSBL_NAME_MAX MR_HOSTNAME_MAX

/** What a target specification names. */
typedef enum dnsbl_tkind {
	DNSBL_T_CIDR = 0,  /**< an address or CIDR range */
	DNSBL_T_HOST,      /**< a host name: every A and AAAA */
	DNSBL_T_MX,        /**< a mail domain: every address of every MX host */
	DNSBL_T_DOMAIN     /**< a domain for domain-based lists */
} dnsbl_tkind;

/** One target as given by the user. */
typedef struct dnsbl_tspec {
	dnsbl_tkind kind;               /**< see dnsbl_tkind */
	mr_cidr cidr;                   /**< DNSBL_T_CIDR */
	char name[DNSBL_NAME_MAX + 1];  /**< other kinds: lower case, no final dot */
} dnsbl_tspec;

/** One unit of the expanded plan: a range of addresses, one domain, or a target that failed to resolve. */
typedef struct dnsbl_unit {
	int is_domain;                   /**< a domain target */
	int failed;                      /**< resolution failed: one UNKNOWN target, reason in fail */
	mr_cidr cidr;                    /**< addresses, when neither domain nor failed */
	uint64_t size;                   /**< number of targets in this unit */
	uint64_t first;                  /**< index of this unit's first target */
	uint16_t zones;                  /**< zones asked about each of its targets (apply, not broken); set by the run */
	char name[DNSBL_NAME_MAX + 1];   /**< origin host name, the domain, or the failed name; "" for plain addresses */
	char fail[160];                  /**< reason when failed */
} dnsbl_unit;

/** The targets as given by the user (-H, --mx, -F, --domain); main owns it. */
typedef struct dnsbl_targets {
	dnsbl_tspec *spec;  /**< specs in the order given */
	size_t nspec;       /**< used */
	size_t capspec;     /**< allocated */
} dnsbl_targets;

/** The expanded target list: units in the order of the specs; the outcome owns it. */
typedef struct dnsbl_units {
	dnsbl_unit *unit;   /**< expanded units */
	size_t nunit;       /**< used */
	size_t capunit;     /**< allocated */
	uint64_t total;     /**< targets over all units */
} dnsbl_units;

/** Release every spec. */
void dnsbl_targets_free(dnsbl_targets *t);
/** Parse one -H value (IPv4, IPv6, CIDR or host name) and append it; 0 or -1 with a reason. */
int dnsbl_targets_add_host(dnsbl_targets *t, const char *text, mr_buf *err);
/** Append a --mx domain or a --domain name; 0 or -1 with a reason. */
int dnsbl_targets_add_name(dnsbl_targets *t, dnsbl_tkind kind, const char *text, mr_buf *err);
/**
 * Parse targets text buf[0..len) (need not end in NUL): one -H value per line (LF or CR LF), '#' comments, blank
 * lines ignored, at most 510 characters a line, no NUL byte; 0 or -1 with "ORIGIN line N: reason".
 */
int dnsbl_targets_add_buf(dnsbl_targets *t, const char *buf, size_t len, const char *origin, mr_buf *err);
/**
 * Read a targets file (at most 64 MiB), parse it with dnsbl_targets_add_buf and put its specs at position pos of
 * the list (where -F stood among -H, --mx and --domain); 0, -1 with "PATH line N: reason" (bad content), or -2
 * with "PATH: reason" (the file cannot be read, or out of memory).
 */
int dnsbl_targets_add_file(dnsbl_targets *t, size_t pos, const char *path, mr_buf *err);
/**
 * Resolve the host names and MX domains of t with engine d until deadline and append the units of every spec,
 * in spec order, to out; 0, or -1 with a reason (more than max_targets targets, out of memory).
 */
int dnsbl_targets_expand(mr_dns *d, const dnsbl_targets *t, uint64_t max_targets, double deadline,
                         dnsbl_units *out, mr_buf *err);

/** Release every unit. */
void dnsbl_units_free(dnsbl_units *l);
/** Append an expanded unit; refuses (-1, reason) when the total would pass max_targets. */
int dnsbl_units_add(dnsbl_units *l, const dnsbl_unit *u, uint64_t max_targets, mr_buf *err);
/** Find the unit holding target index i (binary search); NULL if out of range. */
const dnsbl_unit *dnsbl_units_find(const dnsbl_units *l, uint64_t i);
/** The address of target i inside unit u (not for domain or failed units). */
void dnsbl_unit_addr(const dnsbl_unit *u, uint64_t i, mr_addr *out);
/** Print target i for output: "192.0.2.5", "192.0.2.5 (mail.example.com)" or the domain; 0 or -1. */
int dnsbl_target_label(const dnsbl_units *l, uint64_t i, char *dst, size_t size);

#endif

/* dnsbl_parse_catalogue.h: the zone catalogue's ini file format and the built-in default catalogue. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_PARSE_CATALOGUE_H
#define DNSBL_PARSE_CATALOGUE_H

#include "../../common/util.h"
#include "dnsbl_parse_zone.h"

/** The built-in catalogue text (data/dnsbl-zones.ini compiled in). */
extern const char dnsbl_default_catalogue[];

/**
 * Parse catalogue text (ini: one [zone] section each) and append its zones to c.
 * origin names the file in messages. 0, or -1 with "ORIGIN line N: reason" in err.
 */
int dnsbl_catalogue_parse(dnsbl_catalogue *c, const char *text, const char *origin, mr_buf *err);
/**
 * Parse catalogue text buf[0..len) (need not end in NUL; a NUL byte inside is refused as "ORIGIN line N: NUL
 * byte") as dnsbl_catalogue_parse does; 0, or -1 with a reason in err.
 */
int dnsbl_catalogue_parse_buf(dnsbl_catalogue *c, const char *buf, size_t len, const char *origin, mr_buf *err);

#endif

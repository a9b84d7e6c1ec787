/* dnsbl_parse_zonespec.h: the -z / --allow-zone spec ZONE[=CODES][:SEVERITY]. */
#ifndef DNSBL_PARSE_ZONESPEC_H
#define DNSBL_PARSE_ZONESPEC_H

#include "../../common/util.h"
#include "dnsbl_parse_zone.h"

/** Append a zone from a -z / --allow-zone spec ZONE[=CODES][:warning]; 0, or -1 with a reason. */
int dnsbl_catalogue_add_spec(dnsbl_catalogue *c, const char *spec, int allow, mr_buf *err);

#endif

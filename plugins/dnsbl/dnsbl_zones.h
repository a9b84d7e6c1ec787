/* dnsbl_zones.h: compatibility header: the zone catalogue's modules under their old single name, until
 * check_dnsbl.c includes dnsbl_parse_catalogue.h, dnsbl_parse_zonespec.h and dnsbl_report_zones.h. */
#ifndef DNSBL_ZONES_H
#define DNSBL_ZONES_H

#include "dnsbl_parse_catalogue.h"
#include "dnsbl_parse_zonespec.h"
#include "dnsbl_report_zones.h"

#endif

/* dnsbl_report_zones.h: --list-zones: the catalogue printed in its own ini format. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_REPORT_ZONES_H
#define DNSBL_REPORT_ZONES_H

#include <stdio.h>

#include "../../common/util.h"
#include "dnsbl_parse_zone.h"

/** Print the catalogue for --list-zones (one block per zone); 0 or -1. */
int dnsbl_catalogue_print(const dnsbl_catalogue *c, mr_buf *out);

/** Write the catalogue for --list-zones to out with every registered secret (a DQS key in a zone name)
 *  masked; 0 or -1. */
int dnsbl_list_zones(const dnsbl_catalogue *c, FILE *out);

#endif

/* dnsbl_parse_spamhaus.h: built-in Spamhaus knowledge applied to catalogue zones (codes, meanings, DQS). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DNSBL_PARSE_SPAMHAUS_H
#define DNSBL_PARSE_SPAMHAUS_H

#include <stddef.h>
#include <stdint.h>
#include "dnsbl_parse_zone.h"

/** 1 if name (normalised) is spamhaus.org or lies under spamhaus.org or spamhaus.net. */
int dnsbl_is_spamhaus(const char *name);
/** The Spamhaus dataset a zone serves (dqs field, first label, or DQS form KEY.NAME.dq.spamhaus.net), or NULL. */
const char *dnsbl_spamhaus_dataset(const dnsbl_zone *z);
/** If text[0..n) is a DQS zone name KEY.NAME.dq.spamhaus.net, register KEY as a secret (as written and lower-cased). */
void dnsbl_spamhaus_register_key(const char *text, size_t n);
/** Apply Spamhaus knowledge to z if its name is a Spamhaus zone (error codes, meanings, dqs name). */
void dnsbl_zone_apply_spamhaus(dnsbl_zone *z);

#endif

/* dnsbl_targets.h: compatibility header: the target specs (dnsbl_input_targets.h) under their old name, until
 * check_dnsbl.c includes dnsbl_input_targets.h. */
#ifndef DNSBL_TARGETS_H
#define DNSBL_TARGETS_H

#include "dnsbl_input_targets.h"

#endif

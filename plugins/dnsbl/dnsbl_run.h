/* dnsbl_run.h: compatibility header: the query run (dnsbl_input.h) and the outcome it writes (dnsbl_outcome.h)
 * under their old name, until check_dnsbl.c includes those two headers. */
#ifndef DNSBL_RUN_H
#define DNSBL_RUN_H

#include "dnsbl_input.h"
#include "dnsbl_outcome.h"

#endif

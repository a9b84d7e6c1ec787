/* jmrp_mailbox.h: transitional: the mailbox readers now live in jmrp_input.h (with jmrp_input_*.c); delete this
 * file once check_jmrp.c includes jmrp_input.h. */
#ifndef JMRP_MAILBOX_H
#define JMRP_MAILBOX_H

#include "jmrp_input.h"

#endif

/* smtp_rules.h: transitional alias while check_ms_smtp.c includes the old name; use smtp_parse_rules.h. */
#ifndef SMTP_RULES_H
#define SMTP_RULES_H

#include "smtp_parse_rules.h"

#endif

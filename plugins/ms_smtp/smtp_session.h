/* smtp_session.h: transitional alias while check_ms_smtp.c includes the old name; use smtp_input_curl.h. */
#ifndef SMTP_SESSION_H
#define SMTP_SESSION_H

#include "smtp_input_curl.h"
#include "smtp_input_session.h"

#endif

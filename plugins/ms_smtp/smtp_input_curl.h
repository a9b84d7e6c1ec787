/* smtp_input_curl.h: runs one SMTP probe over a libcurl connection (the production transport of the dialogue). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_INPUT_CURL_H
#define SMTP_INPUT_CURL_H

#include "smtp_input_session.h"

/** Connect with libcurl (greeting, EHLO, STARTTLS, EHLO), then run smtp_dialogue_run over the connection. */
void smtp_probe_run(const smtp_probe_config *cfg, smtp_probe_result *res);

#endif

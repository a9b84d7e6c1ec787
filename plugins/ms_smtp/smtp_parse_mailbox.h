/* smtp_parse_mailbox.h: checks the mail addresses given for MAIL FROM and RCPT TO. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SMTP_PARSE_MAILBOX_H
#define SMTP_PARSE_MAILBOX_H

/** 1 if s is a plausible mail address that is safe inside MAIL FROM:<> or RCPT TO:<>, else 0. */
int smtp_mailbox_valid(const char *s);

#endif

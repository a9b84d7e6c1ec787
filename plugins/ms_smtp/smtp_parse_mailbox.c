/* smtp_parse_mailbox.c: checks the mail addresses given for MAIL FROM and RCPT TO: local@domain, at most
 * 254 bytes, nothing that could break out of the angle brackets of the command. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "smtp_parse_mailbox.h"

/** 1 if s is a plausible mail address that is safe inside MAIL FROM:<> or RCPT TO:<>. */
int smtp_mailbox_valid(const char *s)
{
	const char *at = strrchr(s, '@');

	if (at == NULL || at == s || at[1] == '\0' || strlen(s) > 254)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '<' || *s == '>' || *s == 0x7f)
			return 0;
	return 1;
}

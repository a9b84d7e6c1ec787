/* smtp_input_probe.c: probes one domain for check_ms_smtp: the MX candidates (or --host), one connection
 * at a time over smtp_input_curl, falling back to the next candidate only when a host cannot be reached;
 * and the local FQDN used as the default EHLO name. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../common/addr.h"
#include "../../common/deadline.h"
#include "../../common/util.h"
#include "smtp_input_curl.h"
#include "smtp_input_probe.h"

/** 1 if the connection never reached the server (refused, unreachable, no TCP connection in time). */
static int unreachable(const smtp_probe_result *res)
{
	return res->end == SMTP_END_CONNECT_FAILED || (res->end == SMTP_END_TIMEOUT && res->last == SMTP_STAGE_CONNECT);
}

/** Probe domain (or host); see smtp_input_probe.h. */
void smtp_probe_domain(const smtp_probe_config *base, const char *host, mr_dns *dns, const char *domain,
                       smtp_domain_probe *out)
{
	smtp_candidate cand[SMTP_MAX_CANDIDATES];
	size_t ncand;

	memset(&out->where, 0, sizeof(out->where));
	out->pc = *base;
	out->found = 0;
	out->why[0] = '\0';
	if (host != NULL) {
		mr_snprintf(cand[0].host, sizeof(cand[0].host), "%s", host);
		cand[0].addr[0] = '\0';
		ncand = 1;
	} else {
		ncand = smtp_mx_candidates(dns, domain, base->ipv6, base->deadline, cand, SMTP_MAX_CANDIDATES, out->why,
		                           sizeof(out->why));
	}
	if (ncand == 0)
		return;
	out->found = 1;
	for (size_t i = 0; i < ncand; i++) {
		out->where = cand[i];
		out->pc.host = out->where.host;
		out->pc.connect_addr = out->where.addr[0] ? out->where.addr : NULL;
		smtp_probe_run(&out->pc, &out->res);
		/* Fall back to the next MX only when this one could not be reached at all. */
		if (!unreachable(&out->res) || mr_now() >= base->deadline)
			break;
	}
}

/** This host's fully qualified name, or its plain host name; into dst. */
void smtp_local_fqdn(char *dst, size_t size)
{
	char host[256];
	struct addrinfo hints, *ai = NULL;

	if (gethostname(host, sizeof(host) - 1) != 0)
		mr_snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai != NULL && ai->ai_canonname != NULL &&
	    mr_hostname_check(ai->ai_canonname, NULL) == 0 && mr_snprintf(dst, size, "%s", ai->ai_canonname) == 0) {
		freeaddrinfo(ai);
		return;
	}
	if (ai != NULL)
		freeaddrinfo(ai);
	if (mr_snprintf(dst, size, "%s", host) != 0)
		mr_snprintf(dst, size, "localhost");
}

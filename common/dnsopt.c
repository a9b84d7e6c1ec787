/*
 * dnsopt.c: DNS resolver settings: defaults, the server address syntax,
 * the resolv.conf reader and the DNS option group shared by the plugins
 * that resolve (-s/--server, --resolv-conf, --query-timeout, --retries,
 * --concurrency, --rate).
 */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "ini.h"
#include "options.h"
#include "plugin.h"

/** Port used when a server is given without one. */
#define DNS_PORT 53
/** Longest address text accepted between the brackets or before the port. */
#define HOST_MAX 64

/** Ids of the DNS options. */
enum {
	OPT_SERVER = 1,      /**< -s, --server */
	OPT_RESOLV_CONF,     /**< --resolv-conf */
	OPT_QUERY_TIMEOUT,   /**< --query-timeout */
	OPT_RETRIES,         /**< --retries */
	OPT_CONCURRENCY,     /**< --concurrency */
	OPT_RATE             /**< --rate */
};

/** Defaults: 2 s per attempt, 2 retries, 100 in flight, no rate limit, servers from resolv.conf. */
void mr_dns_config_init(mr_dns_config *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof *cfg);
	cfg->nservers = 0;
	cfg->resolv_conf = NULL;
	cfg->query_timeout = 2.0;
	cfg->retries = 2;
	cfg->concurrency = 100;
	cfg->rate = 0;
	cfg->verbose = 0;
}

/** Fill server from a plain address text and a port; 0, or -1 if host is not an address. */
static int server_set(mr_dns_server *server, const char *host, unsigned port)
{
	mr_dns_server s;
	char text[MR_ADDR_STRLEN];
	mr_addr a;

	memset(&s, 0, sizeof s);
	if (mr_addr_parse(host, &a) != 0 || mr_addr_to_sockaddr(&a, port, &s.sa, &s.salen) != 0 ||
	    mr_addr_format(&a, text, sizeof text) != 0 ||
	    mr_snprintf(s.text, sizeof s.text, a.family == AF_INET6 ? "[%s]:%u" : "%s:%u", text, port) < 0)
		return -1;
	*server = s;
	return 0;
}

/** Copy n bytes of s into a HOST_MAX buffer as a string; 0, or -1 if too long. */
static int copy_host(char *dst, const char *s, size_t n)
{
	if (n == 0 || n >= HOST_MAX)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/** Split ADDRESS[:PORT] or [IPv6][:PORT] and fill server. */
int mr_dns_server_parse(const char *text, mr_dns_server *server)
{
	char host[HOST_MAX];
	const char *port_text = NULL;
	const char *colon;
	long port = DNS_PORT;

	if (!text || !server || !*text)
		return -1;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || copy_host(host, text + 1, (size_t)(close - text - 1)) < 0 || !strchr(host, ':'))
			return -1;
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1] != '\0')
			return -1;
	} else {
		colon = strchr(text, ':');
		if (colon && strchr(colon + 1, ':')) {
			/* Two or more colons: a bare IPv6 address, no port. */
			if (copy_host(host, text, strlen(text)) < 0)
				return -1;
		} else if (colon) {
			if (copy_host(host, text, (size_t)(colon - text)) < 0)
				return -1;
			port_text = colon + 1;
		} else if (copy_host(host, text, strlen(text)) < 0) {
			return -1;
		}
	}
	if (port_text && mr_parse_long(port_text, 1, 65535, &port) < 0)
		return -1;
	return server_set(server, host, (unsigned)port);
}

/** If line is "nameserver ADDRESS ...", store ADDRESS (zone suffix dropped) in host; 1, else 0. */
static int nameserver_line(const char *line, char *host)
{
	static const char kw[] = "nameserver";
	const char *p = line;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, kw, sizeof kw - 1) != 0 || (p[sizeof kw - 1] != ' ' && p[sizeof kw - 1] != '\t'))
		return 0;
	p += sizeof kw - 1;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t\r\n%#;");
	return copy_host(host, p, n) == 0;
}

/** Add the usable nameserver lines of the resolv.conf text (len bytes) to cfg; see dns.h. */
int mr_dns_parse_resolv_conf(mr_dns_config *cfg, const char *text, size_t len, const char *name, mr_buf *err)
{
	const char *p = text, *end = text + len;
	int found = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char line[HOST_MAX + 64];
		char host[HOST_MAX];
		mr_dns_server s;

		/* a nameserver line longer than this holds no usable address; its start is enough to tell */
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl != NULL ? nl + 1 : end;
		if (memchr(line, '\0', n) != NULL || !nameserver_line(line, host))
			continue;
		/* Plain addresses only: resolv.conf has no port syntax. */
		if (host[0] == '[' || server_set(&s, host, DNS_PORT) < 0)
			continue;
		found++;
		if (cfg->nservers < MR_DNS_MAX_SERVERS)
			cfg->servers[cfg->nservers++] = s;
	}
	if (!found) {
		mr_buf_printf(err, "no nameserver line in %s", name);
		return -1;
	}
	return 0;
}

/** Add the usable nameserver lines of path to cfg, up to MR_DNS_MAX_SERVERS. */
int mr_dns_read_resolv_conf(mr_dns_config *cfg, const char *path, mr_buf *err)
{
	char *text;
	int rc;

	if (!cfg || !path) {
		mr_buf_puts(err, "no resolv.conf file given");
		return -1;
	}
	/* bounded: a device or /proc file named by mistake is refused, not read for ever */
	text = mr_ini_read_file(path, MR_RESOLV_CONF_MAX, err);
	if (text == NULL)
		return -1;
	rc = mr_dns_parse_resolv_conf(cfg, text, strlen(text), path, err);
	mr_ini_text_free(text);
	return rc;
}

/** The DNS option table. */
static const mr_option dns_options[] = {
	{ .long_name = "server", .short_name = 's', .arg = MR_ARG_REQUIRED, .arg_name = "ADDRESS[:PORT]",
	  .help = "DNS resolver to ask: an IPv4 or IPv6 address with an optional port, such as "
	  "192.0.2.53, 192.0.2.53:5353, 2001:db8::53 or [2001:db8::53]:5353 (port 53 by "
	  "default). Repeat for failover: each retry goes to the next resolver in the order "
	  "given. Default: the nameservers of /etc/resolv.conf.",
	  .id = OPT_SERVER, .flags = MR_OPT_REPEAT },
	{ .long_name = "resolv-conf", .short_name = 0, .arg = MR_ARG_REQUIRED, .arg_name = "FILE",
	  .help = "Use the nameserver lines of FILE (resolv.conf syntax, port 53) instead of "
	  "/etc/resolv.conf when no --server is given.",
	  .id = OPT_RESOLV_CONF, .flags = 0 },
	{ .long_name = "query-timeout", .short_name = 0, .arg = MR_ARG_REQUIRED, .arg_name = "SECONDS",
	  .help = "Seconds to wait for the reply to each attempt, decimals allowed, from 0.05 to 60 "
	  "(default 2).",
	  .id = OPT_QUERY_TIMEOUT, .flags = 0 },
	{ .long_name = "retries", .short_name = 0, .arg = MR_ARG_REQUIRED, .arg_name = "N",
	  .help = "Attempts after the first when a query times out or gets SERVFAIL, REFUSED or "
	  "FORMERR, each to the next resolver, from 0 to 10 (default 2).",
	  .id = OPT_RETRIES, .flags = 0 },
	{ .long_name = "concurrency", .short_name = 0, .arg = MR_ARG_REQUIRED, .arg_name = "N",
	  .help = "Most queries in flight at once, from 1 to 10000 (default 100).",
	  .id = OPT_CONCURRENCY, .flags = 0 },
	{ .long_name = "rate", .short_name = 0, .arg = MR_ARG_REQUIRED, .arg_name = "QPS",
	  .help = "Most queries sent per second, retries included, decimals allowed; 0 means no "
	  "limit (default 0). Lists such as Spamhaus limit the query volume per resolver.",
	  .id = OPT_RATE, .flags = 0 },
	MR_OPTION_END
};

/** Store the value of DNS option id into the mr_dns_config at vcfg; 0, or -1 with a reason in err. */
static int dns_option_handle(void *vcfg, int id, const char *arg, mr_buf *err)
{
	mr_dns_config *cfg = vcfg;
	long l;
	double v;

	if (!cfg || !arg) {
		mr_buf_puts(err, "a value is required");
		return -1;
	}
	switch (id) {
	case OPT_SERVER:
		if (cfg->nservers >= MR_DNS_MAX_SERVERS) {
			mr_buf_printf(err, "at most %d resolvers may be given", MR_DNS_MAX_SERVERS);
			return -1;
		}
		if (mr_dns_server_parse(arg, &cfg->servers[cfg->nservers]) < 0) {
			mr_buf_printf(err, "'%s' is not ADDRESS, ADDRESS:PORT or [IPv6]:PORT "
			              "with a numeric IP address and a port from 1 to 65535", arg);
			return -1;
		}
		cfg->nservers++;
		return 0;
	case OPT_RESOLV_CONF: {
		/* Read it now, so that a bad file is a bad argument; its servers are kept for mr_dns_new (used only
		 * when no -s is given), which then does not read the file again. */
		mr_dns_config probe;
		mr_dns_config_init(&probe);
		if (mr_dns_read_resolv_conf(&probe, arg, err) != 0)
			return -1;
		cfg->resolv_conf = arg; /* option strings live until exit (options.h) */
		memcpy(cfg->resolv_servers, probe.servers, probe.nservers * sizeof probe.servers[0]);
		cfg->nresolv = probe.nservers;
		return 0;
	}
	case OPT_QUERY_TIMEOUT:
		if (mr_parse_double(arg, 0.05, 60.0, &v) < 0) {
			mr_buf_printf(err, "'%s' is not a number of seconds from 0.05 to 60", arg);
			return -1;
		}
		cfg->query_timeout = v;
		return 0;
	case OPT_RETRIES:
		if (mr_parse_long(arg, 0, 10, &l) < 0) {
			mr_buf_printf(err, "'%s' is not a whole number from 0 to 10", arg);
			return -1;
		}
		cfg->retries = (int)l;
		return 0;
	case OPT_CONCURRENCY:
		if (mr_parse_long(arg, 1, 10000, &l) < 0) {
			mr_buf_printf(err, "'%s' is not a whole number from 1 to 10000", arg);
			return -1;
		}
		cfg->concurrency = (int)l;
		return 0;
	case OPT_RATE:
		if (mr_parse_double(arg, 0.0, 1000000.0, &v) < 0) {
			mr_buf_printf(err, "'%s' is not a number of queries per second (0 or more, "
			              "0 = no limit)", arg);
			return -1;
		}
		cfg->rate = v;
		return 0;
	default:
		mr_buf_puts(err, "unknown DNS option");
		return -1;
	}
}

/** Describe the DNS options for the shared option parser. */
void mr_dns_option_group(struct mr_option_group *g, mr_dns_config *cfg)
{
	if (!g)
		return;
	g->title = "DNS";
	g->options = dns_options;
	g->handle = dns_option_handle;
	g->cfg = cfg;
}

/** mr_plugin_dns_ops.init: the DNS defaults. */
static void need_init(void *cfg)
{
	mr_dns_config_init(cfg);
}

/** mr_plugin_dns_ops.group: the DNS option group. */
static void need_group(mr_option_group *g, void *cfg)
{
	mr_dns_option_group(g, cfg);
}

/** mr_plugin_dns_ops.open: the resolver, tracing at the run's -v level. */
static mr_dns *need_open(void *vcfg, int verbose, mr_buf *err)
{
	mr_dns_config *cfg = vcfg;

	cfg->verbose = verbose;
	return mr_dns_new(cfg, err);
}

/** The DNS set-up a resolving plugin hands to the plugin frame. */
const mr_plugin_dns_ops mr_dns_need = { need_init, need_group, need_open, mr_dns_free };

/* dns.h: concurrent DNS queries on one thread over libldns (sockets, ids, poll, retries, failover, TCP, rate). */
#ifndef MR_DNS_H
#define MR_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <ldns/ldns.h>
#include "addr.h"
#include "util.h"

/** Most resolvers that one run may use. */
#define MR_DNS_MAX_SERVERS 8

/** One resolver address. */
typedef struct mr_dns_server {
	struct sockaddr_storage sa; /**< address and port */
	socklen_t salen;            /**< length of sa */
	char text[MR_ADDR_STRLEN + 8]; /**< "192.0.2.1:53" or "[2001:db8::1]:53" for messages */
} mr_dns_server;

/** Resolver settings, filled by the DNS option group or by hand. */
typedef struct mr_dns_config {
	mr_dns_server servers[MR_DNS_MAX_SERVERS]; /**< in failover order */
	size_t nservers;        /**< 0 = read resolv_conf in mr_dns_new */
	const char *resolv_conf;/**< file with nameserver lines, default /etc/resolv.conf */
	double query_timeout;   /**< seconds per attempt, default 2 */
	int retries;            /**< further attempts after the first, default 2 */
	int concurrency;        /**< queries in flight, default 100 */
	double rate;            /**< queries (attempts) per second, 0 = no limit */
	int verbose;            /**< at 3 (-vvv) one masked "dns: " line per query event on stdout */
} mr_dns_config;

/** Fill cfg with the defaults. */
void mr_dns_config_init(mr_dns_config *cfg);
/** Parse ADDRESS, ADDRESS:PORT, [V6]:PORT or V6 into server (default port 53); 0 or -1. */
int mr_dns_server_parse(const char *text, mr_dns_server *server);
/** Add the nameservers of a resolv.conf file to cfg; 0, or -1 with a reason in err. */
int mr_dns_read_resolv_conf(mr_dns_config *cfg, const char *path, mr_buf *err);

/** How a query ended. */
typedef enum mr_dns_status {
	MR_DNS_NOERROR = 0, /**< rcode NOERROR; pkt holds the answer (maybe empty: NODATA) */
	MR_DNS_NXDOMAIN,    /**< name does not exist */
	MR_DNS_SERVFAIL,    /**< every attempt failed with SERVFAIL */
	MR_DNS_REFUSED,     /**< refused */
	MR_DNS_RCODE,       /**< another error rcode (FORMERR, NOTIMP, ...) in rcode */
	MR_DNS_TIMEOUT,     /**< no valid reply within the attempts */
	MR_DNS_BADREPLY,    /**< only malformed replies (unparsable, truncated over TCP, ...) */
	MR_DNS_CANCELLED    /**< the run's deadline came first */
} mr_dns_status;

/** The outcome handed to a query's callback. */
typedef struct mr_dns_result {
	mr_dns_status status;   /**< see mr_dns_status */
	int rcode;              /**< DNS rcode of the last reply, -1 if none */
	const ldns_pkt *pkt;    /**< the reply for NOERROR/NXDOMAIN, valid only during the callback */
	int attempts;           /**< attempts sent */
	int tcp;                /**< answered over TCP after truncation */
	const char *server;     /**< text of the server that answered (or was last asked) */
} mr_dns_result;

typedef struct mr_dns mr_dns;

/** Callback for one finished query; called exactly once per submitted query. */
typedef void (*mr_dns_cb)(void *user, const char *qname, ldns_rr_type type, const mr_dns_result *r);
/** Producer: submit at most one more query with mr_dns_submit and return 1, or return 0 when there are no more. */
typedef int (*mr_dns_feed)(void *feed_user, mr_dns *d);

/** Create an engine (opens sockets, reads resolv.conf if needed); NULL with a reason in err. */
mr_dns *mr_dns_new(const mr_dns_config *cfg, mr_buf *err);
/** Close sockets and free the engine; pending queries are dropped without callbacks. NULL allowed. */
void mr_dns_free(mr_dns *d);
/** Queue a query for name (absolute or not; a final dot is added) and type; cb gets user. 0 or -1 (bad name, no memory). */
int mr_dns_submit(mr_dns *d, const char *name, ldns_rr_type type, mr_dns_cb cb, void *user);
/**
 * Run until every queued query and everything feed produces has finished, or until
 * the monotonic time `deadline`. Queries still open at the deadline get MR_DNS_CANCELLED.
 * Callbacks may submit further queries. Returns 0 when all finished, 1 if the deadline hit.
 */
int mr_dns_run(mr_dns *d, double deadline, mr_dns_feed feed, void *feed_user);

/** Counters of one engine. */
typedef struct mr_dns_stats {
	uint64_t queries;    /**< queries finished (each callback) */
	uint64_t attempts;   /**< datagrams and TCP queries sent */
	uint64_t timeouts;   /**< attempts that timed out */
	uint64_t tcp;        /**< TCP fallbacks */
	uint64_t stray;      /**< replies dropped for wrong id, question or sender */
} mr_dns_stats;
/** Copy the engine's counters into st. */
void mr_dns_get_stats(const mr_dns *d, mr_dns_stats *st);

/** Extract A and/or AAAA addresses from the answer section (any owner: CNAME chains); count stored, at most max. */
size_t mr_dns_answer_addrs(const ldns_pkt *pkt, mr_addr *out, size_t max);
/** Join the TXT strings of the answer section (records separated by " / ") into out; 0 or -1. */
int mr_dns_answer_txt(const ldns_pkt *pkt, mr_buf *out);
/** One MX record. */
typedef struct mr_dns_mx {
	unsigned pref;              /**< preference, lower first */
	char host[256];             /**< exchange name without final dot */
} mr_dns_mx;
/** Extract MX records sorted by preference (stable); count stored, at most max. */
size_t mr_dns_answer_mx(const ldns_pkt *pkt, mr_dns_mx *out, size_t max);
/** The mail hosts of domain from its MX query's result (RFC 5321 5.1, RFC 7505): the MX hosts by preference, or the
 *  domain itself when it has no MX; 0 with a reason naming domain in why if the lookup failed, the domain does not
 *  exist or it has a null MX. */
size_t mr_dns_mail_hosts(const mr_dns_result *r, const char *domain, mr_dns_mx *out, size_t max, char *why,
                         size_t whylen);
/** Human-readable status ("timeout", "SERVFAIL", ...). */
const char *mr_dns_status_name(mr_dns_status s);

/* The DNS option group shared by plugins that resolve (check_dnsbl, check_ms_smtp):
 * -s/--server (repeatable), --resolv-conf, --query-timeout, --retries, --concurrency, --rate. */
struct mr_option_group;
/** Fill g with the DNS option group storing into cfg (an initialised mr_dns_config). */
void mr_dns_option_group(struct mr_option_group *g, mr_dns_config *cfg);
struct mr_plugin_dns_ops;
/** The DNS set-up (defaults, option group, resolver) a resolving plugin declares for the plugin frame. */
extern const struct mr_plugin_dns_ops mr_dns_need;

#endif

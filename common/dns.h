/* dns.h: concurrent DNS queries on one thread over libldns (sockets, ids, poll, retries, failover, TCP, rate). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
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
	size_t nservers;        /**< 0 = use resolv_servers, or read resolv_conf in mr_dns_new */
	const char *resolv_conf;/**< file with nameserver lines, default /etc/resolv.conf */
	mr_dns_server resolv_servers[MR_DNS_MAX_SERVERS]; /**< resolv_conf's, when --resolv-conf read it already */
	size_t nresolv;         /**< used in resolv_servers (0: not read yet) */
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
/** Largest resolv.conf read, in bytes (glibc's own files are a few hundred). */
#define MR_RESOLV_CONF_MAX 65536
/** Add the nameservers of a resolv.conf file (at most MR_RESOLV_CONF_MAX bytes) to cfg; 0, or -1 with a reason. */
int mr_dns_read_resolv_conf(mr_dns_config *cfg, const char *path, mr_buf *err);
/** As mr_dns_read_resolv_conf for len bytes of resolv.conf text called name in messages (NUL bytes allowed). */
int mr_dns_parse_resolv_conf(mr_dns_config *cfg, const char *text, size_t len, const char *name, mr_buf *err);

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

/* The reply check: a pure function of the question asked and the bytes that came back. */

/** The question a reply must answer: message id, absolute name, type and class. */
typedef struct mr_dns_question {
	uint16_t id;            /**< id of the message sent */
	const ldns_rdf *qname;  /**< absolute name asked (compared case-insensitively) */
	ldns_rr_type type;      /**< type asked */
	ldns_rr_class qclass;   /**< class asked (IN) */
} mr_dns_question;

/** What a reply is to the question it arrived for. */
typedef enum mr_dns_reply_kind {
	MR_DNS_REPLY_ANSWER = 0, /**< the answer (QR set, id and question match, not truncated): pkt set */
	MR_DNS_REPLY_TRUNCATED,  /**< the answer, but truncated (TC): to be asked again over TCP */
	MR_DNS_REPLY_STRAY,      /**< a DNS message that is not the answer: id, QR or question differ */
	MR_DNS_REPLY_MALFORMED   /**< not a DNS message (shorter than a header, unparsable) */
} mr_dns_reply_kind;

/** The outcome of mr_dns_reply_check. */
typedef struct mr_dns_reply {
	mr_dns_reply_kind kind; /**< see mr_dns_reply_kind */
	int rcode;              /**< rcode for ANSWER and TRUNCATED, else -1 */
	mr_dns_status status;   /**< class of rcode for ANSWER: NOERROR, NXDOMAIN, SERVFAIL, REFUSED or RCODE */
	ldns_pkt *pkt;          /**< the parsed answer for ANSWER (the caller frees it), else NULL */
} mr_dns_reply;

/** Judge the len bytes of buf as a reply to q into out; returns out->kind. Never reads beyond len. */
mr_dns_reply_kind mr_dns_reply_check(const mr_dns_question *q, const uint8_t *buf, size_t len, mr_dns_reply *out);
/** TCP framing: the length of the message that the 2-byte prefix announces, or 0 if it is shorter than a header. */
size_t mr_dns_tcp_length(const uint8_t prefix[2]);

/* The scripted transport: instead of sockets, a function answers each message the engine sends. Time is then
 * virtual: when no reply is pending the engine jumps to the next deadline instead of waiting. */

/** One message the engine sends, as shown to a script. */
typedef struct mr_dns_ask {
	const char *name;       /**< name as submitted */
	ldns_rr_type type;      /**< type asked */
	uint16_t id;            /**< message id of this attempt */
	int tcp;                /**< 1 for the TCP redo of a truncated reply */
	int attempt;            /**< messages sent for this query so far, this one included (1 = first) */
	size_t server;          /**< index of the server asked in the configuration */
	const uint8_t *wire;    /**< the query message as sent */
	size_t len;             /**< its length */
} mr_dns_ask;

/** Collects a script's replies to one message. */
typedef struct mr_dns_replies mr_dns_replies;

/**
 * A script: answer ask by adding replies to out (none: silence, the attempt times out). Returns 0, or -1 when
 * the message cannot be sent at all (unreachable network, TCP connection refused). It must not call the engine.
 */
typedef int (*mr_dns_script)(void *user, const mr_dns_ask *ask, mr_dns_replies *out);

/** Use script instead of sockets for every later message of d (call before mr_dns_run); 0 or -1. */
int mr_dns_set_script(mr_dns *d, mr_dns_script script, void *user);
/** Add one reply message: a datagram from the server asked (cut at 65535 bytes, as recvfrom would), or over TCP
 *  the message with its 2-byte length prefix (at most 65535 bytes). 0 or -1 (too big, out of memory). */
int mr_dns_reply_add(mr_dns_replies *out, const uint8_t *msg, size_t len);
/** Over TCP, add raw stream bytes without a length prefix (over UDP the same as mr_dns_reply_add). 0 or -1. */
int mr_dns_reply_add_raw(mr_dns_replies *out, const uint8_t *bytes, size_t len);
/** Over TCP, keep the connection open after the bytes added (the attempt then times out); no-op over UDP. */
void mr_dns_reply_hold(mr_dns_replies *out);
/** Add the reply to ask (its id and question) with rcode, TC if truncated, and the answer records given as
 *  zone-file lines separated by newlines (NULL for none). 0 or -1 (unparsable record, out of memory). */
int mr_dns_reply_answer(mr_dns_replies *out, const mr_dns_ask *ask, int rcode, int truncated, const char *answers);

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

/*
 * dns.c: the concurrent DNS query engine (dns.h) on one thread.
 *
 * Owns its UDP sockets (a small lazily opened pool per address family), the
 * per-socket id index, the queue of submitted queries, the in-flight slots,
 * per-attempt deadlines, failover over the configured servers, the TCP
 * fallback after truncation and the rate limit. libldns only builds and
 * parses packets; all I/O is non-blocking and driven by one poll() loop.
 * Whether a reply answers a query is a pure function (mr_dns_reply_check).
 * A scripted transport (mr_dns_set_script) can replace the sockets: a
 * function then answers each message, on a virtual clock. Also holds the
 * answer helpers (addresses, TXT, MX) and status names.
 */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "idmap.h"
#include "trace.h"
#include "deadline.h"

/** UDP sockets per address family. */
#define SOCKS_PER_FAMILY 4
/** Families in the socket pool: [0] IPv4, [1] IPv6. */
#define NFAMILIES 2
/** Total pool size. */
#define NSOCKS (SOCKS_PER_FAMILY * NFAMILIES)
/** Largest DNS message (UDP datagram or TCP payload). */
#define MAXMSG 65535
/** Datagrams read from one socket before the loop services deadlines again. */
#define READ_BURST 256
/** Largest concurrency the 16-bit slot index can address. */
#define MAX_CONCURRENCY 10000
/** Size of the random byte pool refilled from getrandom(). */
#define RANDPOOL 256
/** Size of a DNS header. */
#define HEADER_LEN 12
/** Most bytes a script may queue as one TCP stream. */
#define MAX_SCRIPT_STREAM (1 << 20)
/** Most datagrams a script may queue as replies to one message. */
#define MAX_SCRIPT_DATAGRAMS 65536

/** Where a query stands. */
enum qstate {
	Q_QUEUED = 0,   /**< submitted, no slot yet (fifo list) */
	Q_READY,        /**< has a slot, waits to send its next attempt (ready list) */
	Q_IDLE,         /**< has a slot, between two steps, in no list (never seen outside one call) */
	Q_UDP,          /**< datagram sent, waits for a reply (wait list) */
	Q_TCP_CONNECT,  /**< TCP connect in progress (wait list) */
	Q_TCP_WRITE,    /**< sending the length-prefixed query (wait list) */
	Q_TCP_READLEN,  /**< reading the 2-byte reply length (wait list) */
	Q_TCP_READ      /**< reading the reply body (wait list) */
};

/** One submitted query and its attempt state. */
typedef struct query {
	struct query *prev;    /**< neighbour in the list the query is in */
	struct query *next;    /**< neighbour in the list the query is in */
	char *name;            /**< name as submitted, handed to the callback */
	ldns_rdf *qname;       /**< absolute name, for matching replies */
	ldns_rr_type type;     /**< query type */
	mr_dns_cb cb;          /**< completion callback */
	void *user;            /**< callback argument */
	uint8_t *wire;         /**< query message (id patched per attempt) */
	size_t wirelen;        /**< length of wire */
	enum qstate state;     /**< see enum qstate */
	unsigned slot;         /**< index in slots while it has one */
	int tries;             /**< attempts of the budget started (1 + retries at most) */
	int sent;              /**< messages sent, UDP and TCP (result.attempts) */
	size_t server;         /**< server of the current attempt */
	int sock;              /**< pool socket of the outstanding datagram, -1 if none */
	uint16_t id;           /**< id of the outstanding message */
	int want_tcp;          /**< the next send is the TCP redo of a truncated reply */
	int tcp;               /**< a TCP exchange was made */
	double deadline;       /**< end of the current attempt */
	int rcode;             /**< rcode of the last reply, -1 if none */
	int got_reply;         /**< some attempt got a reply */
	mr_dns_status last;    /**< class of the last reply */
	int tfd;               /**< TCP socket, -1 if none */
	uint8_t *tbuf;         /**< TCP send buffer, then receive buffer */
	size_t tlen;           /**< bytes to send or receive in tbuf */
	size_t toff;           /**< bytes done in tbuf */
	uint8_t lenbuf[2];     /**< reply length prefix being read */
	uint8_t *sbuf;         /**< scripted TCP stream from the server, NULL if none */
	size_t slen;           /**< bytes in sbuf */
	size_t soff;           /**< bytes of sbuf consumed */
	int stream;            /**< the scripted stream still waits to be read */
	int hold;              /**< the scripted connection stays open after the stream */
} query;

/** A scripted datagram waiting to be delivered. */
typedef struct inmsg {
	struct inmsg *next;    /**< next in arrival order */
	int sock;              /**< pool socket it arrives on */
	size_t len;            /**< bytes in data */
	uint8_t data[];        /**< the datagram */
} inmsg;

/** A doubly linked list of queries. */
typedef struct qlist {
	query *head;   /**< oldest */
	query *tail;   /**< newest */
	size_t count;  /**< members */
} qlist;

/** One UDP socket of the pool. */
typedef struct udp_sock {
	int fd;            /**< socket, -1 until opened (always -1 under a script) */
	int open;          /**< in use: fd opened, or ids ready under a script */
	mr_idmap ids;      /**< ids in flight on this socket -> slot + 1 of the query waiting */
} udp_sock;

/** The engine. */
struct mr_dns {
	mr_dns_config cfg;      /**< settings (servers resolved) */
	size_t concurrency;     /**< slots */
	query **slots;          /**< started queries by slot */
	unsigned *freeslots;    /**< stack of free slot numbers */
	size_t nfree;           /**< entries on freeslots */
	qlist fifo;             /**< submitted, not started */
	qlist ready;            /**< started, waiting to send */
	qlist wait;             /**< in flight, in send order (oldest deadline first) */
	size_t ntcp;            /**< queries in a TCP state */
	udp_sock socks[NSOCKS]; /**< the UDP pool */
	unsigned next_sock[NFAMILIES]; /**< round-robin position per family */
	struct pollfd *pfds;    /**< poll set */
	long *pslot;            /**< slot of each TCP poll entry, -1 for a UDP socket */
	uint8_t *rbuf;          /**< datagram receive buffer */
	double tokens;          /**< rate-limit bucket */
	double burst;           /**< bucket size */
	double token_time;      /**< time of the last refill */
	mr_dns_feed feed;       /**< producer of the current run, NULL when exhausted */
	void *feed_user;        /**< producer argument */
	uint64_t submitted;     /**< queries ever submitted */
	uint8_t rpool[RANDPOOL];/**< random bytes */
	size_t rpos;            /**< next unused byte of rpool */
	uint64_t rstate;        /**< fallback generator state */
	int in_run;             /**< mr_dns_run is active */
	mr_dns_stats stats;     /**< counters */
	mr_dns_script script;   /**< scripted transport, NULL for sockets */
	void *script_user;      /**< its argument */
	double vclock;          /**< virtual monotonic time under a script */
	inmsg *in_head;         /**< scripted datagrams not yet delivered, oldest first */
	inmsg *in_tail;         /**< newest of them */
};

/** A script's reply collector for one message. */
struct mr_dns_replies {
	mr_dns *d;              /**< the engine */
	query *q;               /**< the query asking */
	int sock;               /**< pool socket of a datagram, -1 over TCP */
	int tcp;                /**< the message went over TCP */
	size_t count;           /**< datagrams added */
};

/** The engine's monotonic time: the virtual clock under a script. */
static double now_of(const mr_dns *d)
{
	return d->script ? d->vclock : mr_now();
}

/** Append q to the tail of l. */
static void list_push(qlist *l, query *q)
{
	q->next = NULL;
	q->prev = l->tail;
	if (l->tail)
		l->tail->next = q;
	else
		l->head = q;
	l->tail = q;
	l->count++;
}

/** Unlink q from l. */
static void list_remove(qlist *l, query *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		l->head = q->next;
	if (q->next)
		q->next->prev = q->prev;
	else
		l->tail = q->prev;
	q->prev = q->next = NULL;
	l->count--;
}

/** Remove and return the head of l, or NULL. */
static query *list_pop(qlist *l)
{
	query *q = l->head;

	if (q)
		list_remove(l, q);
	return q;
}

/** Print one "dns: " trace line at -vvv. */
MR_PRINTF(2, 3)
static void trace(const mr_dns *d, const char *fmt, ...)
{
	va_list ap;

	if (d->cfg.verbose < 3)
		return;
	/* mr_vtrace masks secrets (a key in a zone name) before it cuts a long line. */
	va_start(ap, fmt);
	mr_vtrace("dns: ", fmt, ap);
	va_end(ap);
}

/** Name of an RR type for traces. */
static const char *type_name(ldns_rr_type t)
{
	const ldns_rr_descriptor *desc = ldns_rr_descript((uint16_t)t);

	return desc && desc->_name ? desc->_name : "TYPE?";
}

/** Next 64 bits of the fallback generator (splitmix64), used only if getrandom fails. */
static uint64_t fallback_next(mr_dns *d)
{
	uint64_t z = (d->rstate += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/** Refill the random pool from the kernel, or from the fallback generator. */
static void refill_random(mr_dns *d)
{
	size_t got = 0;

	while (got < sizeof d->rpool) {
		ssize_t n = getrandom(d->rpool + got, sizeof d->rpool - got, GRND_NONBLOCK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	while (got < sizeof d->rpool) {
		uint64_t v = fallback_next(d);
		size_t k = sizeof d->rpool - got < sizeof v ? sizeof d->rpool - got : sizeof v;

		memcpy(d->rpool + got, &v, k);
		got += k;
	}
	d->rpos = 0;
}

/** A random 16-bit value. */
static uint16_t random16(mr_dns *d)
{
	uint16_t v;

	if (d->rpos + 2 > sizeof d->rpool)
		refill_random(d);
	v = (uint16_t)(d->rpool[d->rpos] << 8 | d->rpool[d->rpos + 1]);
	d->rpos += 2;
	return v;
}

/** Pool family index of a server address (0 IPv4, 1 IPv6). */
static int family_index(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

/** Open pool socket i for family if needed; 0 or -1 (errno set). */
static int sock_open(mr_dns *d, int i, int family)
{
	udp_sock *s = &d->socks[i];
	int buf = 1 << 20;

	if (s->open)
		return 0;
	/* Every slot may wait on this one socket. */
	if (!s->ids.e && mr_idmap_init(&s->ids, d->concurrency) < 0)
		return -1;
	if (!d->script) {
		s->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (s->fd < 0)
			return -1;
		/* Best effort: a bigger receive buffer survives bursts of replies. */
		(void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
	}
	s->open = 1;
	return 0;
}

/** Take the lowest free slot for q. */
static void slot_take(mr_dns *d, query *q)
{
	q->slot = d->freeslots[--d->nfree];
	d->slots[q->slot] = q;
}

/** Give q's slot back. */
static void slot_release(mr_dns *d, query *q)
{
	d->slots[q->slot] = NULL;
	d->freeslots[d->nfree++] = q->slot;
}

/** Forget q's outstanding datagram id, if any. */
static void id_release(mr_dns *d, query *q)
{
	if (q->sock >= 0) {
		mr_idmap_del(&d->socks[q->sock].ids, q->id);
		q->sock = -1;
	}
}

/** Close q's TCP connection and buffer, if any. */
static void tcp_close(mr_dns *d, query *q)
{
	if (q->tfd >= 0) {
		close(q->tfd);
		q->tfd = -1;
	}
	free(q->tbuf);
	q->tbuf = NULL;
	q->tlen = q->toff = 0;
	free(q->sbuf);
	q->sbuf = NULL;
	q->slen = q->soff = 0;
	q->stream = q->hold = 0;
	if (q->state >= Q_TCP_CONNECT)
		d->ntcp--;
}

/** Free a query object and everything it owns (not its list membership). */
static void query_free(query *q)
{
	if (!q)
		return;
	if (q->tfd >= 0)
		close(q->tfd);
	free(q->tbuf);
	free(q->sbuf);
	free(q->wire);
	ldns_rdf_deep_free(q->qname);
	free(q->name);
	free(q);
}

/** Detach q from whatever list, socket index, TCP state and slot it holds. */
static void query_detach(mr_dns *d, query *q)
{
	switch (q->state) {
	case Q_QUEUED:
		list_remove(&d->fifo, q);
		return;
	case Q_READY:
		list_remove(&d->ready, q);
		break;
	case Q_IDLE:
		break;
	case Q_UDP:
		list_remove(&d->wait, q);
		id_release(d, q);
		break;
	default:
		list_remove(&d->wait, q);
		tcp_close(d, q);
		break;
	}
	slot_release(d, q);
}

/** Finish q with status st (pkt for NOERROR/NXDOMAIN, consumed): run the callback once and free q. */
static void finish(mr_dns *d, query *q, mr_dns_status st, ldns_pkt *pkt)
{
	mr_dns_result r;

	query_detach(d, q);
	memset(&r, 0, sizeof r);
	r.status = st;
	r.rcode = q->rcode;
	r.pkt = (st == MR_DNS_NOERROR || st == MR_DNS_NXDOMAIN) ? pkt : NULL;
	r.attempts = q->sent;
	r.tcp = q->tcp;
	r.server = d->cfg.servers[q->server].text;
	d->stats.queries++;
	trace(d, "done %s %s: %s after %d attempt(s)", q->name, type_name(q->type),
	      mr_dns_status_name(st), q->sent);
	if (q->cb)
		q->cb(q->user, q->name, q->type, &r);
	ldns_pkt_free(pkt);
	query_free(q);
}

/** The status a query ends with when its attempts are used up. */
static mr_dns_status final_status(const query *q)
{
	return q->got_reply ? q->last : MR_DNS_TIMEOUT;
}

/**
 * The current attempt of q (Q_IDLE: out of every list, id and TCP released)
 * ended without a usable answer: schedule the next attempt or finish.
 */
static void next_attempt(mr_dns *d, query *q)
{
	q->want_tcp = 0;
	if (q->tries < 1 + d->cfg.retries) {
		q->state = Q_READY;
		list_push(&d->ready, q);
		return;
	}
	finish(d, q, final_status(q), NULL);
}

/** Take q out of the wait list and release its id or TCP connection. */
static void attempt_end(mr_dns *d, query *q)
{
	list_remove(&d->wait, q);
	if (q->state == Q_UDP)
		id_release(d, q);
	else
		tcp_close(d, q);
	q->state = Q_IDLE;
}

/** Put q (Q_IDLE) back into the ready list to redo the attempt over TCP. */
static void want_tcp(mr_dns *d, query *q)
{
	q->want_tcp = 1;
	q->state = Q_READY;
	list_push(&d->ready, q);
}

/** Record a reply of class cls (rcode or -1) for q's attempt. */
static void note_reply(query *q, mr_dns_status cls, int rcode)
{
	q->got_reply = 1;
	q->last = cls;
	if (rcode >= 0)
		q->rcode = rcode;
}

/** 1 if p's question section is exactly the question q (name case-insensitive, type, class). */
static int question_matches(const mr_dns_question *q, const ldns_pkt *p)
{
	const ldns_rr_list *qs = ldns_pkt_question(p);
	const ldns_rr *rr;

	if (!qs || ldns_rr_list_rr_count(qs) != 1 || !q->qname)
		return 0;
	rr = ldns_rr_list_rr(qs, 0);
	if (!rr || !ldns_rr_owner(rr))
		return 0;
	return ldns_rr_get_type(rr) == q->type && ldns_rr_get_class(rr) == q->qclass &&
	       ldns_dname_compare(ldns_rr_owner(rr), q->qname) == 0;
}

/** Class of an error rcode. */
static mr_dns_status rcode_class(int rcode)
{
	switch (rcode) {
	case LDNS_RCODE_NOERROR:
		return MR_DNS_NOERROR;
	case LDNS_RCODE_NXDOMAIN:
		return MR_DNS_NXDOMAIN;
	case LDNS_RCODE_SERVFAIL:
		return MR_DNS_SERVFAIL;
	case LDNS_RCODE_REFUSED:
		return MR_DNS_REFUSED;
	default:
		return MR_DNS_RCODE;
	}
}

/** Judge buf as a reply to q: malformed, stray, truncated or the answer (parsed into out->pkt). */
mr_dns_reply_kind mr_dns_reply_check(const mr_dns_question *q, const uint8_t *buf, size_t len, mr_dns_reply *out)
{
	ldns_pkt *p = NULL;

	memset(out, 0, sizeof *out);
	out->kind = MR_DNS_REPLY_MALFORMED;
	out->rcode = -1;
	out->status = MR_DNS_BADREPLY;
	if (!q || !buf || len < HEADER_LEN)
		return out->kind;
	if (ldns_wire2pkt(&p, buf, len) != LDNS_STATUS_OK || !p) {
		ldns_pkt_free(p);
		return out->kind;
	}
	if (!ldns_pkt_qr(p) || ldns_pkt_id(p) != q->id || !question_matches(q, p)) {
		ldns_pkt_free(p);
		out->kind = MR_DNS_REPLY_STRAY;
		return out->kind;
	}
	out->rcode = (int)ldns_pkt_get_rcode(p);
	out->status = rcode_class(out->rcode);
	if (ldns_pkt_tc(p)) {
		ldns_pkt_free(p);
		out->kind = MR_DNS_REPLY_TRUNCATED;
		return out->kind;
	}
	out->pkt = p;
	out->kind = MR_DNS_REPLY_ANSWER;
	return out->kind;
}

/** The length a TCP prefix announces, 0 if shorter than a header. */
size_t mr_dns_tcp_length(const uint8_t prefix[2])
{
	size_t n = (size_t)prefix[0] << 8 | prefix[1];

	return n < HEADER_LEN ? 0 : n;
}

/**
 * Act on a reply to q's attempt (q is in the wait list). via_tcp says which transport.
 * Returns 0 if the reply was taken (q moved on or finished), -1 if it is stray (UDP only; q keeps waiting).
 */
static int handle_reply(mr_dns *d, query *q, const uint8_t *data, size_t len, int via_tcp)
{
	mr_dns_question qq;
	mr_dns_reply r;

	qq.id = q->id;
	qq.qname = q->qname;
	qq.type = q->type;
	qq.qclass = LDNS_RR_CLASS_IN;
	switch (mr_dns_reply_check(&qq, data, len, &r)) {
	case MR_DNS_REPLY_MALFORMED:
		trace(d, "malformed reply for %s from %s", q->name, d->cfg.servers[q->server].text);
		attempt_end(d, q);
		note_reply(q, MR_DNS_BADREPLY, -1);
		next_attempt(d, q);
		return 0;
	case MR_DNS_REPLY_STRAY:
		if (!via_tcp)
			return -1;
		trace(d, "TCP reply for %s from %s does not match the query", q->name,
		      d->cfg.servers[q->server].text);
		attempt_end(d, q);
		note_reply(q, MR_DNS_BADREPLY, -1);
		next_attempt(d, q);
		return 0;
	case MR_DNS_REPLY_TRUNCATED:
	case MR_DNS_REPLY_ANSWER:
		break;
	}
	trace(d, "reply for %s %s from %s%s: rcode %d%s", q->name, type_name(q->type),
	      d->cfg.servers[q->server].text, via_tcp ? " over TCP" : "", r.rcode,
	      r.kind == MR_DNS_REPLY_TRUNCATED ? " truncated" : "");
	attempt_end(d, q);
	if (r.kind == MR_DNS_REPLY_TRUNCATED) {
		if (via_tcp) {
			note_reply(q, MR_DNS_BADREPLY, r.rcode);
			next_attempt(d, q);
		} else {
			want_tcp(d, q);
		}
		return 0;
	}
	if (r.status == MR_DNS_NOERROR || r.status == MR_DNS_NXDOMAIN) {
		note_reply(q, r.status, r.rcode);
		finish(d, q, q->last, r.pkt);
		return 0;
	}
	ldns_pkt_free(r.pkt);
	note_reply(q, r.status, r.rcode);
	next_attempt(d, q);
	return 0;
}

/** Show q's message (over TCP if tcp, else on pool socket sock) to the script; 0, or -1 if it could not go. */
static int script_ask(mr_dns *d, query *q, int tcp, int sock)
{
	mr_dns_ask a;
	mr_dns_replies r;

	memset(&a, 0, sizeof a);
	a.name = q->name;
	a.type = q->type;
	a.id = q->id;
	a.tcp = tcp;
	a.attempt = q->sent;
	a.server = q->server;
	a.wire = tcp ? q->tbuf + 2 : q->wire;
	a.len = q->wirelen;
	memset(&r, 0, sizeof r);
	r.d = d;
	r.q = q;
	r.sock = tcp ? -1 : sock;
	r.tcp = tcp;
	return d->script(d->script_user, &a, &r) < 0 ? -1 : 0;
}

/** Pick a pool socket of the family and an id unused on it; socket index or -1. */
static int pick_socket(mr_dns *d, int family, uint16_t *id)
{
	int f = family_index(family);
	int i = (int)(f * SOCKS_PER_FAMILY + d->next_sock[f]);
	uint16_t v;

	d->next_sock[f] = (d->next_sock[f] + 1) % SOCKS_PER_FAMILY;
	if (sock_open(d, i, family) < 0)
		return -1;
	/* Id 0 is never used: it is what broken or scripted servers answer with. */
	do
		v = random16(d);
	while (v == 0 || mr_idmap_get(&d->socks[i].ids, v) != 0);
	*id = v;
	return i;
}

/** Send q's next UDP attempt (q is Q_IDLE). */
static void send_udp(mr_dns *d, query *q, double now)
{
	const mr_dns_server *srv;
	uint16_t id;
	int i, err;
	ssize_t n;

	q->server = (size_t)q->tries % d->cfg.nservers;
	q->tries++;
	srv = &d->cfg.servers[q->server];
	i = pick_socket(d, srv->sa.ss_family, &id);
	q->sent++;
	d->stats.attempts++;
	if (i < 0) {
		trace(d, "cannot open a socket for %s: %s", srv->text, strerror(errno));
		next_attempt(d, q);
		return;
	}
	q->id = id;
	q->wire[0] = (uint8_t)(id >> 8);
	q->wire[1] = (uint8_t)(id & 0xff);
	if (d->script) {
		/* The id is taken before the script runs: its replies arrive later, in wait_events. */
		n = script_ask(d, q, 0, i) < 0 ? -1 : (ssize_t)q->wirelen;
		err = n < 0 ? ENETUNREACH : 0;
	} else {
		do
			n = sendto(d->socks[i].fd, q->wire, q->wirelen, 0, (const struct sockaddr *)&srv->sa,
			           srv->salen);
		while (n < 0 && errno == EINTR);
		err = n < 0 ? errno : 0;
	}
	trace(d, "send %s %s to %s id %u attempt %d", q->name, type_name(q->type), srv->text,
	      (unsigned)id, q->tries);
	if (n < 0 && err != EAGAIN && err != EWOULDBLOCK && err != ENOBUFS) {
		/* Unreachable network or similar: this attempt cannot get a reply. */
		trace(d, "sendto %s: %s", srv->text, strerror(err));
		next_attempt(d, q);
		return;
	}
	/* A datagram dropped for a full buffer (EAGAIN/ENOBUFS) is like one lost on the way. */
	q->sock = i;
	mr_idmap_put(&d->socks[i].ids, id, q->slot + 1);
	q->state = Q_UDP;
	q->deadline = now + d->cfg.query_timeout;
	list_push(&d->wait, q);
}

/** Start the TCP redo of q's truncated attempt to the same server (q is Q_IDLE). */
static void send_tcp(mr_dns *d, query *q, double now)
{
	const mr_dns_server *srv = &d->cfg.servers[q->server];
	uint16_t id = random16(d);
	int fd;

	q->want_tcp = 0;
	q->sent++;
	q->tcp = 1;
	d->stats.attempts++;
	d->stats.tcp++;
	q->tbuf = malloc(q->wirelen + 2);
	if (!q->tbuf)
		mr_oom_note();
	fd = d->script ? -1 : socket(srv->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!q->tbuf || (fd < 0 && !d->script)) {
		if (fd >= 0)
			close(fd);
		free(q->tbuf);
		q->tbuf = NULL;
		next_attempt(d, q);
		return;
	}
	q->id = id;
	q->tbuf[0] = (uint8_t)(q->wirelen >> 8);
	q->tbuf[1] = (uint8_t)(q->wirelen & 0xff);
	memcpy(q->tbuf + 2, q->wire, q->wirelen);
	q->tbuf[2] = (uint8_t)(id >> 8);
	q->tbuf[3] = (uint8_t)(id & 0xff);
	q->tlen = q->wirelen + 2;
	q->toff = 0;
	q->tfd = fd;
	d->ntcp++;
	trace(d, "send %s %s to %s over TCP id %u", q->name, type_name(q->type), srv->text, (unsigned)id);
	q->state = Q_TCP_CONNECT;
	q->deadline = now + d->cfg.query_timeout;
	list_push(&d->wait, q);
	if (d->script) {
		/* Connected and sent at once; the scripted stream is read in wait_events. */
		if (script_ask(d, q, 1, -1) < 0) {
			trace(d, "connect %s: %s", srv->text, strerror(ECONNREFUSED));
			attempt_end(d, q);
			next_attempt(d, q);
			return;
		}
		free(q->tbuf);
		q->tbuf = NULL;
		q->tlen = 2;
		q->toff = 0;
		q->state = Q_TCP_READLEN;
		q->stream = 1;
		return;
	}
	if (connect(fd, (const struct sockaddr *)&srv->sa, srv->salen) == 0)
		q->state = Q_TCP_WRITE;
	else if (errno != EINPROGRESS && errno != EINTR) {
		trace(d, "connect %s: %s", srv->text, strerror(errno));
		attempt_end(d, q);
		next_attempt(d, q);
	}
}

/** Take a rate-limit token at time now; 1 if one was available. */
static int take_token(mr_dns *d, double now)
{
	if (d->cfg.rate <= 0)
		return 1;
	if (now > d->token_time) {
		d->tokens += (now - d->token_time) * d->cfg.rate;
		if (d->tokens > d->burst)
			d->tokens = d->burst;
		d->token_time = now;
	}
	if (d->tokens < 1.0)
		return 0;
	d->tokens -= 1.0;
	return 1;
}

/** Time at which the next rate-limit token is available. */
static double next_token_time(const mr_dns *d)
{
	if (d->cfg.rate <= 0 || d->tokens >= 1.0)
		return d->token_time;
	return d->token_time + (1.0 - d->tokens) / d->cfg.rate;
}

/** Give free slots to queued queries, oldest first. */
static void start_queued(mr_dns *d)
{
	while (d->fifo.head && d->nfree > 0) {
		query *q = list_pop(&d->fifo);

		slot_take(d, q);
		q->state = Q_READY;
		list_push(&d->ready, q);
	}
}

/** Start queries, send attempts as the rate allows and ask the feed for more while there is room. */
static void pump(mr_dns *d, double now)
{
	for (;;) {
		int progress = 0;

		start_queued(d);
		while (d->ready.head && take_token(d, now)) {
			query *q = list_pop(&d->ready);

			q->state = Q_IDLE;
			if (q->want_tcp)
				send_tcp(d, q, now);
			else
				send_udp(d, q, now);
			progress = 1;
		}
		if (d->feed && (d->concurrency - d->nfree) + d->fifo.count < d->concurrency) {
			uint64_t before = d->submitted;

			if (!d->feed(d->feed_user, d))
				d->feed = NULL;
			if (d->submitted != before)
				progress = 1;
		}
		if (!progress)
			break;
	}
}

/** Attempts whose deadline passed move on to the next attempt (oldest first). */
static void expire(mr_dns *d, double now)
{
	while (d->wait.head && d->wait.head->deadline <= now) {
		query *q = d->wait.head;

		trace(d, "timeout %s %s at %s%s", q->name, type_name(q->type),
		      d->cfg.servers[q->server].text, q->state == Q_UDP ? "" : " (TCP)");
		d->stats.timeouts++;
		attempt_end(d, q);
		next_attempt(d, q);
	}
}

/** 1 if the sockaddr from equals server srv (family, address, port). */
static int same_sender(const struct sockaddr_storage *from, socklen_t fromlen, const mr_dns_server *srv)
{
	if (from->ss_family != srv->sa.ss_family)
		return 0;
	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)from;
		const struct sockaddr_in *b = (const struct sockaddr_in *)&srv->sa;

		return fromlen >= (socklen_t)sizeof *a && a->sin_port == b->sin_port &&
		       a->sin_addr.s_addr == b->sin_addr.s_addr;
	}
	if (from->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)from;
		const struct sockaddr_in6 *b = (const struct sockaddr_in6 *)&srv->sa;

		return fromlen >= (socklen_t)sizeof *a && a->sin6_port == b->sin6_port &&
		       memcmp(&a->sin6_addr, &b->sin6_addr, sizeof a->sin6_addr) == 0;
	}
	return 0;
}

/** Hand datagram buf of n bytes that arrived on pool socket i to its query, or count it stray. from is the
 *  sender (NULL under a script: the server asked). */
static void udp_datagram(mr_dns *d, int i, const uint8_t *buf, size_t n, const struct sockaddr_storage *from,
                         socklen_t fromlen)
{
	uint16_t id, ref;
	query *q;

	if (n < HEADER_LEN) {
		d->stats.stray++;
		return;
	}
	id = (uint16_t)(buf[0] << 8 | buf[1]);
	ref = (uint16_t)mr_idmap_get(&d->socks[i].ids, id);
	q = ref ? d->slots[ref - 1] : NULL;
	if (!q || q->state != Q_UDP || q->sock != i || q->id != id ||
	    (from && !same_sender(from, fromlen, &d->cfg.servers[q->server]))) {
		d->stats.stray++;
		trace(d, "stray reply id %u dropped", (unsigned)id);
		return;
	}
	if (handle_reply(d, q, buf, n, 0) < 0) {
		d->stats.stray++;
		trace(d, "stray reply id %u for %s dropped (question or flags differ)", (unsigned)id, q->name);
	}
}

/** Read the waiting datagrams of pool socket i and hand matching ones to their queries. */
static void read_udp(mr_dns *d, int i)
{
	int k;

	for (k = 0; k < READ_BURST && d->socks[i].fd >= 0; k++) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from;
		ssize_t n;

		n = recvfrom(d->socks[i].fd, d->rbuf, MAXMSG, 0, (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break; /* EAGAIN, or an error queued by ICMP: nothing to read */
		}
		udp_datagram(d, i, d->rbuf, (size_t)n, &from, fromlen);
	}
}

/** The TCP exchange of q failed (connect, reset, early close): the attempt ends, malformed if bad. */
static void tcp_fail(mr_dns *d, query *q, int malformed, const char *why)
{
	trace(d, "TCP to %s for %s: %s", d->cfg.servers[q->server].text, q->name, why);
	attempt_end(d, q);
	if (malformed)
		note_reply(q, MR_DNS_BADREPLY, -1);
	next_attempt(d, q);
}

/**
 * q's TCP buffer is full: after the 2-byte prefix, get ready for the message it announces; after the
 * message, act on it. 1 when the exchange is over (q may be gone), 0 to read on.
 */
static int tcp_take(mr_dns *d, query *q)
{
	uint8_t *msg;
	size_t mlen;

	if (q->state == Q_TCP_READLEN) {
		mlen = mr_dns_tcp_length(q->lenbuf);
		if (mlen == 0) {
			tcp_fail(d, q, 1, "reply too short");
			return 1;
		}
		q->tbuf = malloc(mlen);
		if (!q->tbuf) {
			mr_oom_note();
			tcp_fail(d, q, 0, "out of memory");
			return 1;
		}
		q->tlen = mlen;
		q->toff = 0;
		q->state = Q_TCP_READ;
		return 0;
	}
	/* Whole reply read; handle_reply ends the attempt (and the connection via tcp_close). */
	msg = q->tbuf;
	mlen = q->tlen;
	q->tbuf = NULL;
	(void)handle_reply(d, q, msg, mlen, 1);
	free(msg);
	return 1;
}

/** Advance q's TCP exchange after poll reported revents. */
static void tcp_progress(mr_dns *d, query *q, short revents)
{
	ssize_t n;

	if (q->state == Q_TCP_CONNECT) {
		int err = 0;
		socklen_t len = sizeof err;

		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return;
		if (getsockopt(q->tfd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			tcp_fail(d, q, 0, strerror(err));
			return;
		}
		q->state = Q_TCP_WRITE;
	}
	if (q->state == Q_TCP_WRITE) {
		while (q->toff < q->tlen) {
			n = send(q->tfd, q->tbuf + q->toff, q->tlen - q->toff, MSG_NOSIGNAL);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			if (n <= 0) {
				tcp_fail(d, q, 0, n < 0 ? strerror(errno) : "connection closed");
				return;
			}
			q->toff += (size_t)n;
		}
		free(q->tbuf);
		q->tbuf = NULL;
		q->tlen = 2;
		q->toff = 0;
		q->state = Q_TCP_READLEN;
		return; /* wait for POLLIN */
	}
	if (!(revents & (POLLIN | POLLERR | POLLHUP)))
		return;
	for (;;) {
		uint8_t *dst = q->state == Q_TCP_READLEN ? q->lenbuf : q->tbuf;

		n = recv(q->tfd, dst + q->toff, q->tlen - q->toff, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			int some = q->state == Q_TCP_READ || q->toff > 0;

			tcp_fail(d, q, some, n < 0 ? strerror(errno) : "connection closed");
			return;
		}
		q->toff += (size_t)n;
		if (q->toff < q->tlen)
			continue;
		if (tcp_take(d, q))
			return;
	}
}

/** Read q's scripted TCP stream through the same framing; the connection closes after it unless held. */
static void tcp_script_input(mr_dns *d, query *q)
{
	q->stream = 0;
	while (q->soff < q->slen) {
		uint8_t *dst = q->state == Q_TCP_READLEN ? q->lenbuf : q->tbuf;
		size_t k = q->slen - q->soff < q->tlen - q->toff ? q->slen - q->soff : q->tlen - q->toff;

		memcpy(dst + q->toff, q->sbuf + q->soff, k);
		q->toff += k;
		q->soff += k;
		if (q->toff == q->tlen && tcp_take(d, q))
			return;
	}
	if (!q->hold)
		tcp_fail(d, q, q->state == Q_TCP_READ || q->toff > 0, "connection closed");
}

/** 1 when nothing is queued, started or still to come from the feed. */
static int idle(const mr_dns *d)
{
	return d->fifo.count == 0 && d->nfree == d->concurrency && !d->feed;
}

/** Cancel every queued and started query (callbacks may submit more: those are cancelled too). */
static void cancel_all(mr_dns *d)
{
	query *q;

	d->feed = NULL;
	for (;;) {
		if ((q = d->wait.head) == NULL && (q = d->ready.head) == NULL && (q = d->fifo.head) == NULL)
			break;
		finish(d, q, MR_DNS_CANCELLED, NULL);
	}
}

/** The started query in slot that still has TCP socket fd, or NULL if it moved on meanwhile. */
static query *tcp_query_at(const mr_dns *d, long slot, int fd)
{
	query *q = d->slots[slot];

	return q && q->state >= Q_TCP_CONNECT && q->tfd == fd ? q : NULL;
}

/** Under a script: deliver the queued datagrams and TCP streams, or when there are none jump to time next. */
static void script_deliver(mr_dns *d, double next)
{
	int any = 0;
	inmsg *m;
	size_t s;

	while ((m = d->in_head) != NULL) {
		d->in_head = m->next;
		if (!d->in_head)
			d->in_tail = NULL;
		udp_datagram(d, m->sock, m->data, m->len, NULL, 0);
		free(m);
		any = 1;
	}
	for (s = 0; d->ntcp > 0 && s < d->concurrency; s++) {
		query *q = d->slots[s];

		if (q && q->state >= Q_TCP_CONNECT && q->stream) {
			tcp_script_input(d, q);
			any = 1;
		}
	}
	if (!any)
		d->vclock = next > d->vclock ? next : d->vclock + 1e-6;
}

/** Wait in poll() until the next event or deadline and process what arrived. */
static void wait_events(mr_dns *d, double deadline)
{
	double now = now_of(d);
	double next = deadline;
	nfds_t n = 0;
	nfds_t k;
	int i;

	if (d->wait.head && d->wait.head->deadline < next)
		next = d->wait.head->deadline;
	if (d->ready.head && next_token_time(d) < next)
		next = next_token_time(d);
	if (d->script) {
		script_deliver(d, next);
		return;
	}
	for (i = 0; i < NSOCKS; i++) {
		if (d->socks[i].fd < 0)
			continue;
		d->pfds[n].fd = d->socks[i].fd;
		d->pfds[n].events = POLLIN;
		d->pfds[n].revents = 0;
		d->pslot[n] = -1;
		n++;
	}
	if (d->ntcp > 0) {
		size_t s;

		for (s = 0; s < d->concurrency; s++) {
			query *q = d->slots[s];

			if (!q || q->state < Q_TCP_CONNECT)
				continue;
			d->pfds[n].fd = q->tfd;
			d->pfds[n].events = (q->state == Q_TCP_CONNECT || q->state == Q_TCP_WRITE) ? POLLOUT : POLLIN;
			d->pfds[n].revents = 0;
			d->pslot[n] = (long)s;
			n++;
		}
	}
	/* A time already reached is handled without waiting; else the wait is rounded up (mr_ms_until). */
	if (poll(d->pfds, n, next <= now ? 0 : (int)mr_ms_until(next)) <= 0)
		return; /* timeout, or EINTR: the loop re-checks the clock */
	/*
	 * Handling one entry may finish other queries, but no new socket or query
	 * starts here (callbacks only queue), so a slot still holding a TCP query
	 * with the same descriptor is the same exchange.
	 */
	for (k = 0; k < n; k++) {
		query *q;

		if (!d->pfds[k].revents)
			continue;
		if (d->pslot[k] < 0) {
			for (i = 0; i < NSOCKS; i++)
				if (d->socks[i].fd == d->pfds[k].fd)
					read_udp(d, i);
			continue;
		}
		q = tcp_query_at(d, d->pslot[k], d->pfds[k].fd);
		if (q)
			tcp_progress(d, q, d->pfds[k].revents);
	}
}

/** Create an engine: copy cfg, read resolv.conf when no server is given, allocate the slots. */
mr_dns *mr_dns_new(const mr_dns_config *cfg, mr_buf *err)
{
	mr_dns *d = NULL;
	mr_buf why;
	size_t i;
	int ok = 0;

	mr_buf_init(&why, 512);
	if (!cfg) {
		mr_buf_puts(err, "no DNS configuration");
		goto out;
	}
	if (!(cfg->query_timeout > 0) || cfg->retries < 0 || cfg->concurrency < 1 ||
	    cfg->concurrency > MAX_CONCURRENCY || !(cfg->rate >= 0) || cfg->nservers > MR_DNS_MAX_SERVERS) {
		mr_buf_puts(err, "invalid DNS settings (timeout, retries, concurrency, rate or servers)");
		goto out;
	}
	d = calloc(1, sizeof *d);
	if (!d) {
		mr_oom_note();
		mr_buf_puts(err, "out of memory");
		goto out;
	}
	d->cfg = *cfg;
	for (i = 0; i < NSOCKS; i++)
		d->socks[i].fd = -1;
	if (d->cfg.nservers == 0 && d->cfg.nresolv > 0) {
		/* --resolv-conf was read when the option was checked: not again */
		memcpy(d->cfg.servers, d->cfg.resolv_servers, d->cfg.nresolv * sizeof d->cfg.servers[0]);
		d->cfg.nservers = d->cfg.nresolv;
	} else if (d->cfg.nservers == 0) {
		const char *path = d->cfg.resolv_conf ? d->cfg.resolv_conf : "/etc/resolv.conf";

		if (mr_dns_read_resolv_conf(&d->cfg, path, &why) < 0 || d->cfg.nservers == 0) {
			mr_buf_printf(err, "no DNS server: %s",
			              why.len ? mr_buf_str(&why) : "no nameserver line found");
			goto out;
		}
	}
	d->concurrency = (size_t)d->cfg.concurrency;
	d->slots = calloc(d->concurrency, sizeof *d->slots);
	d->freeslots = calloc(d->concurrency, sizeof *d->freeslots);
	d->pfds = calloc(d->concurrency + NSOCKS, sizeof *d->pfds);
	d->pslot = calloc(d->concurrency + NSOCKS, sizeof *d->pslot);
	d->rbuf = malloc(MAXMSG);
	if (!d->slots || !d->freeslots || !d->pfds || !d->pslot || !d->rbuf) {
		mr_oom_note();
		mr_buf_puts(err, "out of memory");
		goto out;
	}
	for (i = 0; i < d->concurrency; i++)
		d->freeslots[i] = (unsigned)(d->concurrency - 1 - i);
	d->nfree = d->concurrency;
	d->burst = d->cfg.rate / 10.0 > 1.0 ? d->cfg.rate / 10.0 : 1.0;
	d->tokens = d->burst;
	d->token_time = mr_now();
	d->rstate = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)d;
	d->rpos = sizeof d->rpool;
	ok = 1;
out:
	mr_buf_free(&why);
	if (!ok) {
		mr_dns_free(d);
		d = NULL;
	}
	return d;
}

/** Free every query of list l without callbacks. */
static void free_list(qlist *l)
{
	query *q;

	while ((q = list_pop(l)) != NULL)
		query_free(q);
}

/** Close every socket and free the engine and its unfinished queries (no callbacks). */
void mr_dns_free(mr_dns *d)
{
	int i;

	if (!d)
		return;
	while (d->in_head) {
		inmsg *m = d->in_head;

		d->in_head = m->next;
		free(m);
	}
	free_list(&d->fifo);
	free_list(&d->ready);
	free_list(&d->wait);
	/* Started queries in no list do not exist outside callbacks. */
	for (i = 0; i < NSOCKS; i++) {
		if (d->socks[i].fd >= 0)
			close(d->socks[i].fd);
		mr_idmap_free(&d->socks[i].ids);
	}
	free(d->slots);
	free(d->freeslots);
	free(d->pfds);
	free(d->pslot);
	free(d->rbuf);
	free(d);
}

/**
 * Build q's query message once, straight from its absolute name: a header with RD set and one question
 * (name, type, class IN), no EDNS; the id is patched per attempt. What ldns_pkt_query_new and
 * ldns_pkt2wire would give, without their dozen allocations per query. 0 or -1.
 */
static int build_wire(query *q)
{
	size_t nlen = ldns_rdf_size(q->qname);
	uint8_t *w;

	q->wirelen = HEADER_LEN + nlen + 4;
	w = q->wire = calloc(1, q->wirelen);
	if (!w) {
		mr_oom_note();
		return -1;
	}
	w[2] = 0x01; /* RD */
	w[5] = 1;    /* QDCOUNT */
	memcpy(w + HEADER_LEN, ldns_rdf_data(q->qname), nlen);
	w += HEADER_LEN + nlen;
	w[0] = (uint8_t)((unsigned)q->type >> 8);
	w[1] = (uint8_t)((unsigned)q->type & 0xff);
	w[2] = 0;
	w[3] = LDNS_RR_CLASS_IN;
	return 0;
}

/** Validate name, build its query message once and queue it. */
int mr_dns_submit(mr_dns *d, const char *name, ldns_rr_type type, mr_dns_cb cb, void *user)
{
	query *q = NULL;
	char abs[260];
	size_t len;
	int rc = -1;

	if (!d || !name)
		goto out;
	len = strlen(name);
	if (len == 0 || len > 254)
		goto out;
	if (name[len - 1] == '.') {
		if (mr_snprintf(abs, sizeof abs, "%s", name) < 0)
			goto out;
	} else if (mr_snprintf(abs, sizeof abs, "%s.", name) < 0) {
		goto out;
	}
	q = calloc(1, sizeof *q);
	if (!q) {
		mr_oom_note();
		goto out;
	}
	q->tfd = -1;
	q->sock = -1;
	q->rcode = -1;
	q->last = MR_DNS_TIMEOUT;
	q->type = type;
	q->cb = cb;
	q->user = user;
	q->name = mr_strdup(name);
	q->qname = ldns_dname_new_frm_str(abs);
	if (!q->name || !q->qname || ldns_rdf_get_type(q->qname) != LDNS_RDF_TYPE_DNAME)
		goto out;
	if (build_wire(q) < 0)
		goto out;
	q->state = Q_QUEUED;
	list_push(&d->fifo, q);
	d->submitted++;
	q = NULL;
	rc = 0;
out:
	query_free(q);
	return rc;
}

/** The poll loop: deadlines, sends, feed, replies, until all is done or the run deadline. */
int mr_dns_run(mr_dns *d, double deadline, mr_dns_feed feed, void *feed_user)
{
	if (!d || d->in_run)
		return 1;
	d->in_run = 1;
	d->feed = feed;
	d->feed_user = feed_user;
	for (;;) {
		double now = now_of(d);

		if (now < deadline) {
			expire(d, now);
			pump(d, now);
		}
		if (idle(d))
			break;
		if (now >= deadline) {
			cancel_all(d);
			d->in_run = 0;
			return 1;
		}
		wait_events(d, deadline);
	}
	d->in_run = 0;
	return 0;
}

/** Switch d to a scripted transport. */
int mr_dns_set_script(mr_dns *d, mr_dns_script script, void *user)
{
	int i;

	if (!d || !script || d->in_run)
		return -1;
	for (i = 0; i < NSOCKS; i++)
		if (d->socks[i].open)
			return -1; /* sockets are in use already */
	d->script = script;
	d->script_user = user;
	d->vclock = mr_now();
	d->token_time = d->vclock;
	return 0;
}

/** Append len bytes to q's scripted stream, within MAX_SCRIPT_STREAM; 0 or -1. */
static int stream_append(query *q, const uint8_t *bytes, size_t len)
{
	uint8_t *nb;

	if (len > MAX_SCRIPT_STREAM - q->slen)
		return -1;
	if (len == 0)
		return 0;
	nb = realloc(q->sbuf, q->slen + len);
	if (!nb)
		return -1;
	q->sbuf = nb;
	memcpy(q->sbuf + q->slen, bytes, len);
	q->slen += len;
	return 0;
}

/** Queue one datagram for out's socket, cut at MAXMSG; 0 or -1. */
static int inbox_add(mr_dns_replies *out, const uint8_t *msg, size_t len)
{
	inmsg *m;

	if (out->count >= MAX_SCRIPT_DATAGRAMS)
		return -1;
	if (len > MAXMSG)
		len = MAXMSG;
	m = malloc(sizeof *m + (len ? len : 1));
	if (!m)
		return -1;
	m->next = NULL;
	m->sock = out->sock;
	m->len = len;
	if (len)
		memcpy(m->data, msg, len);
	if (out->d->in_tail)
		out->d->in_tail->next = m;
	else
		out->d->in_head = m;
	out->d->in_tail = m;
	out->count++;
	return 0;
}

/** Add one reply message (framed over TCP). */
int mr_dns_reply_add(mr_dns_replies *out, const uint8_t *msg, size_t len)
{
	uint8_t prefix[2];

	if (!out || (!msg && len))
		return -1;
	if (!out->tcp)
		return inbox_add(out, msg, len);
	if (len > MAXMSG)
		return -1;
	prefix[0] = (uint8_t)(len >> 8);
	prefix[1] = (uint8_t)(len & 0xff);
	if (stream_append(out->q, prefix, 2) < 0)
		return -1;
	return stream_append(out->q, msg, len);
}

/** Add raw bytes (TCP stream) or one datagram. */
int mr_dns_reply_add_raw(mr_dns_replies *out, const uint8_t *bytes, size_t len)
{
	if (!out || (!bytes && len))
		return -1;
	return out->tcp ? stream_append(out->q, bytes, len) : inbox_add(out, bytes, len);
}

/** Keep a scripted TCP connection open after its bytes. */
void mr_dns_reply_hold(mr_dns_replies *out)
{
	if (out && out->tcp)
		out->q->hold = 1;
}

/** Add the reply to ask with rcode, TC and the answer records given as zone-file lines. */
int mr_dns_reply_answer(mr_dns_replies *out, const mr_dns_ask *ask, int rcode, int truncated, const char *answers)
{
	ldns_pkt *p = NULL;
	uint8_t *wire = NULL;
	size_t wlen = 0;
	char *copy = NULL;
	char *line, *save = NULL;
	int rc = -1;

	if (!out || !ask || !ask->wire || ldns_wire2pkt(&p, ask->wire, ask->len) != LDNS_STATUS_OK || !p)
		goto out;
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_tc(p, truncated != 0);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	if (answers) {
		copy = mr_strdup(answers);
		if (!copy)
			goto out;
		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			ldns_rr *rr = NULL;

			if (ldns_rr_new_frm_str(&rr, line, 3600, NULL, NULL) != LDNS_STATUS_OK || !rr)
				goto out;
			if (!ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr)) {
				ldns_rr_free(rr);
				goto out;
			}
		}
	}
	if (ldns_pkt2wire(&wire, p, &wlen) != LDNS_STATUS_OK)
		goto out;
	rc = mr_dns_reply_add(out, wire, wlen);
out:
	free(wire);
	free(copy);
	ldns_pkt_free(p);
	return rc;
}

/** Copy the counters. */
void mr_dns_get_stats(const mr_dns *d, mr_dns_stats *st)
{
	if (!st)
		return;
	if (!d) {
		memset(st, 0, sizeof *st);
		return;
	}
	*st = d->stats;
}

/** Collect A and AAAA data of the answer section. */
size_t mr_dns_answer_addrs(const ldns_pkt *pkt, mr_addr *out, size_t max)
{
	const ldns_rr_list *an;
	size_t i, n = 0;

	if (!pkt || !out)
		return 0;
	an = ldns_pkt_answer(pkt);
	for (i = 0; an && i < ldns_rr_list_rr_count(an) && n < max; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		const ldns_rdf *rd;
		ldns_rr_type t = ldns_rr_get_type(rr);

		if ((t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA) || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
		    ldns_rr_rd_count(rr) < 1)
			continue;
		rd = ldns_rr_rdf(rr, 0);
		memset(&out[n], 0, sizeof out[n]);
		if (t == LDNS_RR_TYPE_A && ldns_rdf_get_type(rd) == LDNS_RDF_TYPE_A && ldns_rdf_size(rd) == 4) {
			out[n].family = AF_INET;
			memcpy(out[n].b, ldns_rdf_data(rd), 4);
			n++;
		} else if (t == LDNS_RR_TYPE_AAAA && ldns_rdf_get_type(rd) == LDNS_RDF_TYPE_AAAA &&
		           ldns_rdf_size(rd) == 16) {
			out[n].family = AF_INET6;
			memcpy(out[n].b, ldns_rdf_data(rd), 16);
			n++;
		}
	}
	return n;
}

/** Append n bytes of s to out, cut at out's ceiling; NUL bytes become '?'. 0, 1 when cut, -1 on error. */
static int append_bounded(mr_buf *out, const uint8_t *s, size_t n)
{
	size_t room = out->max > out->len ? out->max - out->len : 0;
	size_t i, take = n < room ? n : room;
	char chunk[256];
	size_t c = 0;

	for (i = 0; i < take; i++) {
		chunk[c++] = s[i] ? (char)s[i] : '?';
		if (c == sizeof chunk || i + 1 == take) {
			if (mr_buf_append(out, chunk, c) < 0)
				return -1;
			c = 0;
		}
	}
	return take < n ? 1 : 0;
}

/** Join the TXT records of the answer section, cut at the buffer ceiling. */
int mr_dns_answer_txt(const ldns_pkt *pkt, mr_buf *out)
{
	const ldns_rr_list *an;
	size_t i, j;
	int records = 0;

	if (!pkt || !out)
		return -1;
	an = ldns_pkt_answer(pkt);
	for (i = 0; an && i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		int r;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT)
			continue;
		if (records++ > 0) {
			r = append_bounded(out, (const uint8_t *)" / ", 3);
			if (r < 0)
				return -1;
			if (r > 0)
				return 0; /* ceiling reached: the text is cut there */
		}
		for (j = 0; j < ldns_rr_rd_count(rr); j++) {
			const ldns_rdf *rd = ldns_rr_rdf(rr, j);
			const uint8_t *data = ldns_rdf_data(rd);
			size_t size = ldns_rdf_size(rd);

			if (!data || size < 1 || (size_t)data[0] + 1 > size)
				continue;
			r = append_bounded(out, data + 1, data[0]);
			if (r < 0)
				return -1;
			if (r > 0)
				return 0;
		}
	}
	return 0;
}

/** Collect MX records, keeping the most preferred ones in stable order. */
size_t mr_dns_answer_mx(const ldns_pkt *pkt, mr_dns_mx *out, size_t max)
{
	const ldns_rr_list *an;
	size_t i, n = 0;

	if (!pkt || !out || max == 0)
		return 0;
	an = ldns_pkt_answer(pkt);
	for (i = 0; an && i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		mr_dns_mx mx;
		char *host;
		size_t hl, pos;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX || ldns_rr_rd_count(rr) < 2 ||
		    ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) != LDNS_RDF_TYPE_INT16 ||
		    ldns_rdf_get_type(ldns_rr_rdf(rr, 1)) != LDNS_RDF_TYPE_DNAME)
			continue;
		memset(&mx, 0, sizeof mx);
		mx.pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		host = ldns_rdf2str(ldns_rr_rdf(rr, 1));
		if (!host)
			continue;
		hl = strlen(host);
		if (hl > 0 && host[hl - 1] == '.')
			host[--hl] = '\0';
		if (mr_snprintf(mx.host, sizeof mx.host, "%s", host) < 0) {
			free(host);
			continue;
		}
		free(host);
		/* Stable insertion: after every stored record of the same or lower preference. */
		pos = n;
		while (pos > 0 && out[pos - 1].pref > mx.pref)
			pos--;
		if (pos >= max)
			continue;
		if (n == max)
			n--; /* drop the last (highest preference) to make room */
		memmove(&out[pos + 1], &out[pos], (n - pos) * sizeof *out);
		out[pos] = mx;
		n++;
	}
	return n;
}

/** The mail hosts of domain from its MX query's result (RFC 5321 5.1, RFC 7505); 0 with a reason on failure. */
size_t mr_dns_mail_hosts(const mr_dns_result *r, const char *domain, mr_dns_mx *out, size_t max, char *why,
                         size_t whylen)
{
	size_t n;

	if (r->status == MR_DNS_NXDOMAIN) {
		mr_snprintf(why, whylen, "%s does not exist (NXDOMAIN)", domain);
		return 0;
	}
	if (r->status != MR_DNS_NOERROR || r->pkt == NULL) {
		mr_snprintf(why, whylen, "MX lookup of %s failed (%s from %s)", domain, mr_dns_status_name(r->status),
		            r->server ? r->server : "the resolver");
		return 0;
	}
	n = mr_dns_answer_mx(r->pkt, out, max);
	if (n >= 1 && out[0].host[0] == '\0') {
		mr_snprintf(why, whylen, "%s has a null MX: it accepts no mail", domain);
		return 0;
	}
	if (n == 0 && max > 0) {
		/* No MX records: the domain itself is the mail host. */
		out[0].pref = 0;
		if (mr_snprintf(out[0].host, sizeof out[0].host, "%s", domain) != 0) {
			mr_snprintf(why, whylen, "domain name too long");
			return 0;
		}
		n = 1;
	}
	return n;
}

/** Text for a status, as shown to users. */
const char *mr_dns_status_name(mr_dns_status s)
{
	switch (s) {
	case MR_DNS_NOERROR:
		return "NOERROR";
	case MR_DNS_NXDOMAIN:
		return "NXDOMAIN";
	case MR_DNS_SERVFAIL:
		return "SERVFAIL";
	case MR_DNS_REFUSED:
		return "REFUSED";
	case MR_DNS_RCODE:
		return "error rcode";
	case MR_DNS_TIMEOUT:
		return "timeout";
	case MR_DNS_BADREPLY:
		return "malformed reply";
	case MR_DNS_CANCELLED:
		return "cancelled (run deadline)";
	}
	return "unknown status";
}

/* http.h: one HTTPS GET with libcurl: TLS verification, bounded body and redirects, User-Agent, masked errors. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef MR_HTTP_H
#define MR_HTTP_H

#include <stddef.h>
#include "util.h"

/** Settings of a request. */
typedef struct mr_http_config {
	const char *cafile;      /**< CA bundle, or NULL for the system's */
	int insecure;            /**< skip certificate verification (tests only) */
	long max_redirects;      /**< redirects followed, default 3 */
	size_t max_body;         /**< largest body accepted */
	const char *user_agent;  /**< User-Agent header */
	double deadline;         /**< monotonic time by which the request must end */
	int verbose;             /**< at 3, the exchange is traced (masked) */
} mr_http_config;

/** How a request ended. */
typedef enum mr_http_status {
	MR_HTTP_OK = 0,          /**< a response arrived (any HTTP status) */
	MR_HTTP_NET,             /**< connection failed (DNS, refused, reset) */
	MR_HTTP_TLS,             /**< TLS handshake or certificate verification failed */
	MR_HTTP_TIMEOUT,         /**< no complete response before the deadline */
	MR_HTTP_TOO_LARGE,       /**< the body passed max_body */
	MR_HTTP_REDIRECTS        /**< more redirects than max_redirects */
} mr_http_status;

/** A response. Free with mr_http_response_free. */
typedef struct mr_http_response {
	long code;               /**< HTTP status code */
	char content_type[128];  /**< Content-Type, "" if none */
	mr_buf body;             /**< the body, bounded by max_body */
	long redirects;          /**< redirects followed */
} mr_http_response;

/** Fill cfg with defaults (3 redirects, 32 MiB, a mailrep-plugins User-Agent, a deadline 30 s from now). */
void mr_http_config_init(mr_http_config *cfg);
/**
 * GET url, with "Authorization: Bearer TOKEN" when bearer is not NULL. On anything but MR_HTTP_OK, err holds one
 * line without the URL (registered secrets masked). resp is always initialised; free it afterwards.
 */
mr_http_status mr_http_get(const mr_http_config *cfg, const char *url, const char *bearer, mr_http_response *resp,
                           mr_buf *err);
/** Free a response's body. */
void mr_http_response_free(mr_http_response *resp);

#endif

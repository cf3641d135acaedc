/*
 * http.h -- the HTTP(S) service: an HTTP/1.1 adapter on the connection
 * layer (conn.c accepts, limits and encrypts; http.c answers).
 */
#ifndef HEARTH_HTTP_H
#define HEARTH_HTTP_H

#include "hearth.h"
#include "http-request.h"

/* Largest request body (Content-Length); larger: 413. */
#define HTTP_MAX_BODY		65536
/* What one request may hold in the input buffer, head and body. */
#define HTTP_MAX_REQUEST	(HTTP_REQ_MAX_HEAD + HTTP_MAX_BODY)

extern const struct proto_ops http_ops;

void	 http_init(struct server *);
void	 http_free(struct server *);

#endif

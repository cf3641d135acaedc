/*
 * http-ws.h -- IRC over WebSocket: the opening handshake on HTTP(S)
 * (RFC 6455 §4; the IRCv3 WebSocket specification's subprotocols).
 */
#ifndef HEARTH_HTTP_WS_H
#define HEARTH_HTTP_WS_H

#include <event2/buffer.h>

#include "http-request.h"

struct conn;

/* Where the HTTP(S) listeners take IRC over WebSocket. */
#define HTTP_WS_PATH	"/irc"

/*
 * RQ (parsed from the start of IN), if it is a WebSocket handshake
 * (HTTP_WS_PATH, or anything on a websocket listener): answered, and
 * on success C is an IRC connection from here on (the head drained
 * from IN).  Returns CONN_OK or CONN_GONE, or -1 when RQ is for HTTP.
 */
int	 http_ws_try(struct conn *, struct evbuffer *in,
	    const struct http_request *rq);

#endif

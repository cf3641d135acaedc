/*
 * ws.h -- WebSocket (RFC 6455) as a transport of the connection layer.
 *
 * Like TLS and COMPRESS, a filter under the line reader: frames in,
 * one line per message out to the protocol; the protocol's lines out,
 * one frame each.  The framing is wslay's.  Who answers the opening
 * handshake is the caller's business (http-ws.c); conn_websocket()
 * puts the filter in place.
 */
#ifndef HEARTH_WS_H
#define HEARTH_WS_H

#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>

struct conn;
struct conn_ws;

/* RFC 6455 §7.4.1 close codes the server sends itself. */
#define WS_CLOSE_NORMAL		1000
#define WS_CLOSE_GOING_AWAY	1001

/* Length of a Sec-WebSocket-Accept value, with its NUL. */
#define WS_ACCEPT_LEN		29

/*
 * A filter over UNDER for C: messages of at most MAX_MSG bytes in
 * (longer: close 1009), frames out, text (BINARY 0; non-UTF-8 bytes
 * become U+FFFD) or binary.  Sets c->ws; NULL on failure.
 */
struct bufferevent *ws_filter_new(struct conn *c, struct bufferevent *under,
	    int binary, size_t max_msg);
/* Send a close frame with CODE (once; nothing is sent after it). */
void	 ws_close(struct conn_ws *, uint16_t code);
/* The close handshake ended or the peer broke the protocol. */
int	 ws_finished(const struct conn_ws *);
/*
 * Sec-WebSocket-Accept for the client's KEY (RFC 6455 §4.2.2): 0 with
 * the value in OUT (WS_ACCEPT_LEN bytes), -1 when KEY is not 16 bytes
 * in base64.
 */
int	 ws_accept_key(const char *key, char *out);

#endif

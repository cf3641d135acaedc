/*
 * http-ws.c -- IRC over WebSocket: the opening handshake (RFC 6455 §4).
 *
 * A request for HTTP_WS_PATH on the HTTP(S) listeners, or any request
 * on a websocket(s) listener, is a WebSocket handshake.  A valid one is
 * answered 101 with the subprotocol of the IRCv3 WebSocket
 * specification the client preferred (binary.ircv3.net or
 * text.ircv3.net; none asked for: text), and conn_websocket() turns
 * the connection into an IRC connection under the WebSocket framing:
 * from there on it is the IRC service's like any other, with IRC's
 * limits, and HTTP forgets it.  An invalid one gets a plain-text HTTP
 * error naming what was wrong, and the connection closes.
 *
 * Origin: a browser names the page that opens the socket.  The
 * server's own origins (the Host the request came to, and server_name
 * on each HTTPS port) are always allowed; websocket_origins lists more
 * (a web client on another site: Kiwi IRC, gamja), "*" any.  Without
 * an Origin the client is not a browser page and nothing is checked:
 * cross-site WebSocket hijacking needs a browser.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "http-ws.h"
#include "log.h"
#include "ws.h"

/* Answer CODE with TEXT (and EXTRA header lines) and close. */
static int
ws_refuse(struct conn *c, int code, const char *reason, const char *extra,
    const char *text)
{
	log_info("conn=%llu proto=%s websocket handshake refused: %d %s",
	    (unsigned long long)c->id, proto_name(c->proto), code, text);
	conn_printf(c, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "%s"
	    "Connection: close\r\n\r\n%s\n", code, reason, strlen(text) + 1,
	    extra != NULL ? extra : "", text);
	conn_close(c, reason);
	return CONN_GONE;
}

/*
 * ORIGIN (N bytes) as compared: lower case, without the scheme's
 * default port.  0 with it in OUT, -1 when it is no scheme://host.
 */
static int
origin_norm(const char *origin, size_t n, char *out, size_t len)
{
	size_t	i, k;

	if (n == 0 || n >= len)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)origin[i]);
	out[n] = '\0';
	while (n > 0 && out[n - 1] == '/')
		out[--n] = '\0';
	if (strncmp(out, "https://", 8) == 0)
		k = 8;
	else if (strncmp(out, "http://", 7) == 0)
		k = 7;
	else
		return -1;
	if (out[k] == '\0')
		return -1;
	if (k == 8 && n > 4 && strcmp(out + n - 4, ":443") == 0)
		out[n - 4] = '\0';
	else if (k == 7 && n > 3 && strcmp(out + n - 3, ":80") == 0)
		out[n - 3] = '\0';
	return 0;
}

/* Is ORIGIN (normalised) the same as SCHEME://HOST? */
static int
origin_is(const char *origin, const char *scheme, const char *host)
{
	char	want[512], norm[512];
	int	n;

	n = snprintf(want, sizeof want, "%s://%s", scheme, host);
	if (n < 0 || (size_t)n >= sizeof want ||
	    origin_norm(want, (size_t)n, norm, sizeof norm) != 0)
		return 0;
	return strcmp(origin, norm) == 0;
}

static int
origin_allowed(struct conn *c, const struct http_request *rq,
    const char *value)
{
	struct server	*srv = c->srv;
	const char	*p, *list = srv->cf->websocket_origins;
	char		 origin[512], item[512], host[300];
	size_t		 n, i;

	if (origin_norm(value, strlen(value), origin, sizeof origin) != 0)
		return 0;
	/* The page came from this server, at the address it asked. */
	if (rq->host != NULL && origin_is(origin, conn_is_tls(c) ? "https" :
	    "http", rq->host))
		return 1;
	for (i = 0; i < srv->nlisteners; i++) {
		if (listener_proto(srv->listeners[i]) != PROTO_HTTPS)
			continue;
		snprintf(host, sizeof host, "%s:%d", srv->cf->server_name,
		    listener_port(srv->listeners[i]));
		if (origin_is(origin, "https", host))
			return 1;
	}
	for (p = list != NULL ? list : ""; *p != '\0'; p += n) {
		p += strspn(p, " \t,");
		if ((n = strcspn(p, " \t,")) == 0)
			break;
		if (n == 1 && *p == '*')
			return 1;
		if (origin_norm(p, n, item, sizeof item) == 0 &&
		    strcmp(item, origin) == 0)
			return 1;
	}
	return 0;
}

/*
 * The subprotocol the client prefers among ours (every
 * Sec-WebSocket-Protocol field, in order), or NULL for none.
 */
static const char *
pick_subprotocol(const struct http_request *rq)
{
	const char	*v;
	size_t		 i, n;

	for (i = 0; i < rq->nfields; i++) {
		if (strcasecmp(rq->fields[i].name, "Sec-WebSocket-Protocol")
		    != 0)
			continue;
		for (v = rq->fields[i].value; *v != '\0'; v += n) {
			v += strspn(v, " \t,");
			n = strcspn(v, " \t,");
			if (n == 16 && strncmp(v, "binary.ircv3.net", n) == 0)
				return "binary.ircv3.net";
			if (n == 14 && strncmp(v, "text.ircv3.net", n) == 0)
				return "text.ircv3.net";
		}
	}
	return NULL;
}

/* Is RQ's target HTTP_WS_PATH (with or without a query)? */
static int
ws_path(const struct http_request *rq)
{
	size_t	n = strlen(HTTP_WS_PATH);

	return strncmp(rq->target, HTTP_WS_PATH, n) == 0 &&
	    (rq->target[n] == '\0' || rq->target[n] == '?');
}

int
http_ws_try(struct conn *c, struct evbuffer *in, const struct http_request *rq)
{
	const char	*v, *key, *origin, *proto;
	char		 accept[WS_ACCEPT_LEN];
	int		 own = c->proto == PROTO_WS || c->proto == PROTO_WSS;

	if (!own && !ws_path(rq))
		return -1;
	if (c->srv->shutting_down)
		return ws_refuse(c, 503, "Service Unavailable", NULL,
		    "Shutting down");
	if (rq->method != HTTP_M_GET)
		return ws_refuse(c, 405, "Method Not Allowed",
		    "Allow: GET\r\n", "A WebSocket opens with GET");
	v = http_request_field(rq, "Upgrade");
	if (rq->minor < 1 || v == NULL || !http_list_has(v, "websocket") ||
	    (v = http_request_field(rq, "Connection")) == NULL ||
	    !http_list_has(v, "upgrade"))
		return ws_refuse(c, 426, "Upgrade Required",
		    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
		    "Sec-WebSocket-Version: 13\r\n",
		    "This address takes IRC over WebSocket (RFC 6455): "
		    "connect with a WebSocket client");
	if ((v = http_request_field(rq, "Sec-WebSocket-Version")) == NULL ||
	    strcmp(v, "13") != 0)
		return ws_refuse(c, 426, "Upgrade Required",
		    "Sec-WebSocket-Version: 13\r\n",
		    "Unsupported Sec-WebSocket-Version: only 13 (RFC 6455)");
	if ((key = http_request_field(rq, "Sec-WebSocket-Key")) == NULL ||
	    ws_accept_key(key, accept) != 0)
		return ws_refuse(c, 400, "Bad Request", NULL,
		    "Sec-WebSocket-Key missing or not 16 bytes in base64");
	if (rq->content_length > 0)
		return ws_refuse(c, 400, "Bad Request", NULL,
		    "A WebSocket handshake has no body");
	if ((origin = http_request_field(rq, "Origin")) != NULL &&
	    !origin_allowed(c, rq, origin))
		return ws_refuse(c, 403, "Forbidden", NULL,
		    "Origin not allowed here (the operator can add it to "
		    "websocket_origins)");
	proto = pick_subprotocol(rq);
	conn_printf(c, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: %s\r\n"
	    "%s%s%s\r\n", accept,
	    proto != NULL ? "Sec-WebSocket-Protocol: " : "",
	    proto != NULL ? proto : "", proto != NULL ? "\r\n" : "");
	log_debug("conn=%llu websocket handshake subprotocol=%s",
	    (unsigned long long)c->id, proto != NULL ? proto : "none");
	/* The head is answered (RQ's strings pointed into it until now). */
	evbuffer_drain(in, rq->head_len);
	if (conn_websocket(c, proto != NULL && proto[0] == 'b',
	    conn_is_tls(c) ? PROTO_IRCS : PROTO_IRC) != 0) {
		conn_close(c, "WebSocket set-up failed");
		return CONN_GONE;
	}
	return CONN_OK;
}

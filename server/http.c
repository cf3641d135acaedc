/*
 * http.c -- the HTTP(S) service on evhttp.
 *
 * Two evhttp instances at most: one for plain listeners and one whose
 * bufferevents are wrapped in TLS.  Request limits are set on both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/ssl.h>

#include "http.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_MAX_HEADERS	8192
#define HTTP_MAX_BODY		65536
#define HTTP_TIMEOUT		30

struct http_server {
	struct evhttp	*plain;
	struct evhttp	*tls;
};

static void
http_healthz(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b;

	(void)arg;
	b = evbuffer_new();
	evbuffer_add_printf(b, "ok\n");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
http_notfound(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b;

	(void)arg;
	b = evbuffer_new();
	evbuffer_add_printf(b, "Not found\n");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_send_reply(req, 404, "Not Found", b);
	evbuffer_free(b);
}

/* evhttp asks for a bufferevent per connection: wrap it in TLS. */
static struct bufferevent *
http_tls_bevcb(struct event_base *base, void *arg)
{
	struct server	*srv = arg;
	SSL		*ssl;

	if ((ssl = SSL_new(srv->tls_ctx)) == NULL)
		return NULL;
	return bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

static struct evhttp *
http_make(struct server *srv, int tls)
{
	struct evhttp	*h;

	if ((h = evhttp_new(srv->base)) == NULL)
		return NULL;
	evhttp_set_max_headers_size(h, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(h, HTTP_MAX_BODY);
	evhttp_set_timeout(h, HTTP_TIMEOUT);
	evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_cb(h, "/healthz", http_healthz, srv);
	evhttp_set_gencb(h, http_notfound, srv);
	if (tls)
		evhttp_set_bevcb(h, http_tls_bevcb, srv);
	return h;
}

int
http_listen(struct server *srv, int fd, int tls)
{
	struct evhttp	**hp;

	if (srv->http == NULL)
		srv->http = xcalloc(1, sizeof *srv->http);
	hp = tls ? &srv->http->tls : &srv->http->plain;
	if (*hp == NULL && (*hp = http_make(srv, tls)) == NULL) {
		log_warnx("http: evhttp_new failed");
		return -1;
	}
	if (evhttp_accept_socket_with_handle(*hp, fd) == NULL) {
		log_warnx("http: cannot accept on socket");
		return -1;
	}
	return 0;
}

void
http_free(struct server *srv)
{
	if (srv->http == NULL)
		return;
	if (srv->http->plain != NULL)
		evhttp_free(srv->http->plain);
	if (srv->http->tls != NULL)
		evhttp_free(srv->http->tls);
	free(srv->http);
	srv->http = NULL;
}

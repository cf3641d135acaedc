/*
 * http-int.h -- what the files of the HTTP service share (private to
 * server/http/).
 *
 *   http.c          the adapter on conn (keep-alive, pipelining, the
 *                   request deadline, bodies), the route table and the
 *                   dispatcher, sending, the document cache, the rate
 *                   limit, HTTP Basic and feed tokens, redirects to HTTPS
 *   http-session.c  the web door's cookies: the session of a request, the
 *                   form cookie, form tokens (CSRF) and the form helper
 *   http-page.c     the HTML page shell, error pages, the landing page,
 *                   /style.css and /robots.txt
 *   http-feeds.c    events (Atom, iCalendar), group, thread and doctor
 *                   feeds, a member's export (/me)
 *   http-account.c  sign in, sign out, sign up and a member's account page
 *                   (password, language, export, erasure)
 *   http-post.c     writing: a new story, a reply, a report
 *   http-reader.c   the web reader: groups, threads, articles
 *   http-landing.c  the landing page (the front door) and /clients
 *   http-chat.c     the web chat: rooms, a room's page, its script and
 *                   stylesheet, one-time chat tokens
 *
 * A route (http-target.h names the paths) is a row of http.c's table: a
 * generator, the methods it takes (others: 405 with Allow), how long a
 * shared cache may keep it, and flags.  A generator writes a body into
 * OUT, sets *LASTMOD and *CTYPE, and returns 0 or an HTTP_GEN_* code;
 * HTTP_SENT means it queued the whole response itself (a form's answer,
 * a redirect), or nothing yet when hr->wait is set (a password check
 * runs on a worker; the request is dispatched again when it is done).
 */
#ifndef HEARTH_HTTP_INT_H
#define HEARTH_HTTP_INT_H

#include <stdint.h>
#include <time.h>

#include <event2/buffer.h>
#include <libxml/xmlwriter.h>

#include "form.h"
#include "hearth.h"
#include "http-request.h"
#include "http-target.h"
#include "websession.h"

/* Generator results besides 0. */
#define HTTP_NOT_FOUND		1	/* 404 */
#define HTTP_BAD		2	/* 400 */
#define HTTP_AUTH_NEEDED	3	/* 401 (Basic), or the sign-in page */
#define HTTP_SENT		4	/* the response is queued (or waits) */
#define HTTP_FORBIDDEN		5	/* 403 */

/* Route flags. */
#define ROUTE_WEB	0x01	/* a page of the web door: plain HTTP is
				   redirected to HTTPS, the session cookie
				   is read, the language negotiated, errors
				   are HTML pages */
#define ROUTE_PERSONAL	0x02	/* never cached by us or anyone else */

/* The Content-Security-Policy of every page of the web door. */
#define HTTP_CSP	"default-src 'self'; script-src 'self'; " \
			"style-src 'self'; img-src 'self' data:; " \
			"connect-src 'self'; object-src 'none'; " \
			"base-uri 'none'; form-action 'self'; " \
			"frame-ancestors 'none'"

/* Method bits of a route. */
#define M_GET		0x01	/* GET and HEAD */
#define M_POST		0x02

/* The session cookie and the form cookie (signed-out forms). */
#define HTTP_SESSION_COOKIE	"hearth_session"
#define HTTP_FORM_COOKIE	"hearth_form"

/* One request and the response being made for it. */
struct http_req {
	struct server		*srv;
	struct conn		*c;
	const struct http_request *rq;		/* NULL: no request parsed */
	int			 head;		/* HEAD: no body */
	int			 keep_alive;	/* persistent after this */
	int			 minor;		/* the request's HTTP/1.x */
	char			 hdrs[3072];	/* response fields so far */
	size_t			 hlen;
	enum http_route_id	 route;
	const char		*path;		/* the route's path */
	const char		*arg;		/* the decoded name in a prefix
						   route, "" otherwise */
	char			*arg_enc;	/* ARG encoded for links */
	int64_t			 before;	/* ?before=N, 0 if absent */
	int64_t			 page;		/* ?page=N, 0 if absent */
	char			 host[256];	/* for absolute links */
	int			 https;
	int			 level;		/* access: 0 public, 1 member,
						   2 moderator */
	char			 account[64];	/* signed in as, or "" */
	int64_t			 account_id;	/* its id, or 0 */
	char			 role[16];	/* its role (sessions), or "" */
	int64_t			 token_id;	/* feed token used, or 0 */
	char			 prefix[48];	/* "/t/TOKEN" of a token URL */
	int			 wait;		/* a password check runs: no
						   answer yet, dispatch again */
	int			 replay;	/* this is that second time */
	/*
	 * The language of a page: the member's, else the browser's
	 * Accept-Language, else the operator's; vary_lang set when the
	 * document depends on it.
	 */
	const char		*lang;
	int			 vary_lang;
	/* The web door (http-session.c). */
	char			 sid[WEBSESSION_ID_LEN + 1]; /* the session
						   cookie, when it is live */
	char			 formc[WEBSESSION_ID_LEN + 1]; /* the form
						   cookie, or "" */
	char			 token[WEBSESSION_TOKEN_LEN + 1]; /* form
						   token for this page, or "" */
	const char		*body;		/* a POST's body */
	size_t			 body_len;
	struct form		*form;		/* ... parsed; NULL otherwise */
	int			 personal;	/* not to be cached: a form,
						   a member's page */
	int			 noindex;	/* a page of a group that is
						   not public */
};

typedef int (*http_gen_fn)(struct http_req *, struct evbuffer *out,
    time_t *lastmod, const char **ctype);

/* http.c */
const char	*http_req_field(struct http_req *, const char *name);
/* Add a response field; values come from us, never from the client. */
void		 http_add_header(struct http_req *, const char *k,
		    const char *v);
/*
 * Queue the response: status line, HR's fields, Date, Content-Length
 * and Connection, then LEN bytes of DATA (none for HEAD or 304).
 */
void		 http_send(struct http_req *, int code, const char *reason,
		    const void *data, size_t len);
/* A short text/plain answer (feeds, errors outside the web pages). */
void		 http_send_text(struct http_req *, int code,
		    const char *reason, const char *text);
/* 303 See Other to LOCATION (a path of ours), e.g. after a form. */
void		 http_redirect(struct http_req *, int code,
		    const char *location);
/* "https://host" or "http://host" of this request (xmalloc'd). */
char		*http_base_url(struct http_req *);
/* The same with a feed token's "/t/TOKEN" after it. */
char		*http_feed_base_url(struct http_req *);
/* Host name part of hr->host (no port). */
void		 http_host_only(struct http_req *, char *buf, size_t len);
/* The port of the first listener of protocol P, or -1. */
int		 http_listener_port(struct server *, enum proto p);
/*
 * May this request carry a password or a session: TLS, or loopback
 * while the operator allows plaintext there (auth_channel_ok()).
 */
int		 http_secure(struct http_req *);
/*
 * Check NAME/PASSWORD through auth_login_start() (the throttles, scrypt
 * on a worker, bans).  The first time it starts the check and returns
 * AUTH_PENDING with hr->wait set (the generator returns HTTP_SENT); the
 * request is then dispatched again and the same call returns the
 * verdict: AUTH_OK (hr->account, account_id, level and role filled),
 * AUTH_BAD, AUTH_THROTTLED, AUTH_BANNED (BAN describes it), AUTH_BUSY
 * or AUTH_ERROR.  KEY (the request's credentials, e.g. the form body)
 * ties the verdict to this request.
 */
int		 http_login(struct http_req *, const void *key, size_t keylen,
		    const char *name, const char *password, char *ban,
		    size_t banlen);

/*
 * Hash a new PASSWORD on a worker (auth_hash_start()) as http_login()
 * checks one: AUTH_PENDING with hr->wait set the first time; on the
 * replay AUTH_OK with *OUT (valid until the request is answered), or
 * AUTH_ERROR; AUTH_BUSY at once when the queue is full.  KEY ties the
 * answer to this request.
 */
struct pw_secret;
int		 http_hash(struct http_req *, const void *key, size_t keylen,
		    const char *password, const struct pw_secret **out);

/* http-session.c */
/*
 * Read the session cookie (only over http_secure()): a live session
 * fills hr->account, account_id, level, role and sid.  And the form
 * cookie into hr->formc.
 */
void		 http_session_read(struct http_req *);
/* Start a session for hr->account_id: a new id, the cookie set. */
int		 http_session_start(struct http_req *);
/* End this request's session, the cookie cleared. */
void		 http_session_end(struct http_req *);
/*
 * The form token for this page (made on first use; a signed-out
 * visitor without a form cookie gets one, and the page becomes
 * personal).  NULL when no randomness.
 */
const char	*http_form_token(struct http_req *);
/*
 * Does this POST carry the right form token (field "csrf") and, when
 * the browser says where it comes from (Origin), come from us?
 */
int		 http_form_ok(struct http_req *);
/*
 * Open <form method="post" action="ACTION" [class="CLS"]> with the
 * hidden token field; the caller writes the fields and closes it with
 * html_end().
 */
int		 http_form_open(struct http_req *, xmlTextWriterPtr w,
		    const char *action, const char *cls);

/* http-page.c: writing HTML (every text and attribute escaped) */
int		 html_el(xmlTextWriterPtr, const char *name);
int		 html_end(xmlTextWriterPtr);	/* with an end tag */
int		 html_void_end(xmlTextWriterPtr); /* <br>, <meta>, <input> */
int		 html_attr(xmlTextWriterPtr, const char *name,
		    const char *value);
int		 html_text(xmlTextWriterPtr, const char *text);
int		 html_link(xmlTextWriterPtr, const char *href,
		    const char *text);
/* <TAG>TEXT</TAG> */
int		 html_wrap(xmlTextWriterPtr, const char *tag,
		    const char *text);
/* <label for=ID>LABEL</label><input type name id [autocomplete]> */
int		 html_input(xmlTextWriterPtr, const char *label,
		    const char *type, const char *name, const char *id,
		    const char *autocomplete, const char *value);
int		 html_button(xmlTextWriterPtr, const char *text);

/*
 * A page of the web door.  page_open() writes the document up to and
 * into <main>: the language (hr->lang), the title ("TITLE - site"), the
 * stylesheet, the header with the site name and the navigation
 * (groups, rooms, sign in / sign up, or the member's name and sign
 * out), the crisis hotline; page_close() ends <main>, writes the footer
 * (hotline, disclaimer) and the document into OUT and sets *CTYPE.
 * After a failure page_abort() frees it.
 */
struct page {
	struct http_req		*hr;
	xmlBufferPtr		 buf;
	xmlTextWriterPtr	 w;
	const char		*L;	/* the page's language */
};
int		 page_open(struct page *, struct http_req *,
		    const char *title);
int		 page_close(struct page *, struct evbuffer *out,
		    const char **ctype);
void		 page_abort(struct page *);
/*
 * Send an HTML error page (CODE REASON, with MESSAGE in the page's
 * language); falls back to text when the page cannot be made.
 */
void		 http_error_page(struct http_req *, int code,
		    const char *reason, const char *message);
/* Choose hr->lang: the member's, Accept-Language, the operator's. */
void		 http_page_lang(struct http_req *);

/* http-account.c: what the web door's forms share */
/*
 * A form field in <div class="field">: its label, a HINT (may be
 * NULL), the input (TYPE "textarea" for a text area) and, when ERROR
 * (already in the page's language), the error right after it, the
 * field marked aria-invalid and described by both.
 */
int		 html_field(xmlTextWriterPtr, const char *label,
		    const char *type, const char *name,
		    const char *autocomplete, const char *value,
		    const char *hint, const char *error);
/* <p class=CLS role=status|alert>TEXT</p> ("notice", "error", ...). */
int		 html_notice(xmlTextWriterPtr, const char *cls,
		    const char *text);
/* Send the page in OUT with CODE, never cached; returns HTTP_SENT. */
int		 page_send(struct http_req *, int code, const char *reason,
		    struct evbuffer *out, const char *ctype);
/*
 * A page drawn again (a form with its errors): MADE is what its
 * generator returned into OUT; sent as page_send() does when 0.  OUT is
 * freed; returns HTTP_SENT, or -1 when the page could not be made.
 */
int		 page_made(struct http_req *, int made, int code,
		    const char *reason, struct evbuffer *out,
		    const char *ctype);
/*
 * The two halves of page_open(), for a page that adds to the head (a
 * feed link, a stylesheet): page_head() leaves the head open,
 * page_body() closes it and opens <main>.
 */
int		 page_head(struct page *, struct http_req *,
		    const char *title);
int		 page_body(struct page *);

/* http-feeds.c: articles as people read them */
/* news: URL of a Message-ID (RFC 5538), xmalloc'd. */
char		*http_news_url(const char *msgid);
/* The display name of a From header, never its address (xmalloc'd). */
char		*http_from_name(const char *from);
/* The last Message-ID in a References header (xmalloc'd), or NULL. */
char		*http_last_reference(const char *refs);
/*
 * The web reader's address of an article: "/articles/ID" with the
 * Message-ID's inside percent-encoded (xmalloc'd).
 */
char		*http_article_path(const char *msgid);

/* The generators, by file. */
int	gen_landing(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_style(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_robots(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_events_atom(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_events_ics(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_group_feed(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_thread_feed(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_doctor_feed(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_me_json(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_me_mbox(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_signin(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_signout(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_signup(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_account(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_password(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_language(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_timezone(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_export(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_erase(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
/* http-post.c */
int	gen_post(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_reply(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_report(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
/* The reader's links: reply and report under an article ... */
int	http_write_actions(struct http_req *, xmlTextWriterPtr,
	    const char *msgid);
/* ... and a new story in a group that takes them. */
int	http_write_new_story(struct http_req *, xmlTextWriterPtr,
	    const char *group);
int	gen_groups(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_group(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_thread(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_article(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
/* http-landing.c */
int	gen_clients(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
/* http-chat.c */
int	gen_chat(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_chat_room(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_chat_token(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_chat_js(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
int	gen_chat_css(struct http_req *, struct evbuffer *, time_t *,
	    const char **);
/* The rooms a page lists (not secret), in store order. */
int	chat_room_listed(const char *modes);

#endif

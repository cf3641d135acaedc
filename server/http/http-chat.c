/*
 * http-chat.c -- the web chat (issue 16): the rooms, a room's page, the
 * script that talks IRC over the WebSocket (/irc) and its stylesheet,
 * and the one-time chat tokens that sign the script in.
 *
 * Signing in without giving the script the session: the session cookie
 * is HttpOnly and stays so.  The chat page (signed in on the web, over
 * HTTPS or loopback) carries the page's form token; the script sends it
 * back in a same-origin POST to /chat/token and gets a chat token
 * (chattoken.h: 256 bits, 60 seconds by default, once, for this account only,
 * kept as a keyed hash), which it gives the IRC server as the password
 * of SASL PLAIN.  A cross-site page can neither read the form token nor
 * the answer (no CORS), so it cannot get a token; a token that leaks
 * from the page is useless a minute later or after its one use.
 *
 * The script is chat.js, served as written (no build step, nothing from
 * elsewhere); the page's Content-Security-Policy (http.c) lets no other
 * script run.  Its texts come from the page, in the member's language.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "chattoken.h"
#include "config.h"
#include "events.h"
#include "http-int.h"
#include "i18n.h"
#include "log.h"
#include "store.h"
#include "tz.h"
#include "xmalloc.h"

#include "chat-js.h"

static const char chat_css[] =
    ".chat-log{list-style:none;margin:0;padding:.25rem 0;"
    "border:1px solid var(--line);border-radius:4px;min-height:12rem;"
    "max-height:60vh;overflow-y:auto}\n"
    ".chat-log li{padding:.3rem .6rem;border-bottom:1px solid var(--line);"
    "overflow-wrap:anywhere}\n"
    ".chat-log li.history{opacity:.85}\n"
    ".chat-log li.sep{font-style:italic;color:var(--muted);"
    "text-align:center}\n"
    ".chat-log .nick{font-weight:700;margin-right:.4rem}\n"
    ".chat-log time{color:var(--muted);font-size:.85rem;"
    "margin-right:.4rem}\n"
    ".chat-log .text{white-space:pre-wrap}\n"
    ".chat-log button.report{min-height:32px;margin:0 0 0 .5rem;"
    "padding:0 .5rem;font-size:.85rem;background:transparent;"
    "color:var(--link);border:1px solid var(--line)}\n"
    ".chat-log form{margin:.4rem 0}\n"
    ".chat-log form button{margin:.3rem .5rem 0 0}\n"
    ".chat-status{color:var(--muted);margin:.5rem 0}\n"
    ".chat-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;"
    "margin-top:.75rem}\n"
    ".chat-form label{flex:1 0 100%;font-weight:600}\n"
    ".chat-form input{flex:1 1 12rem;max-width:none}\n"
    ".chat-form button{margin-top:0}\n"
    ".chat-notice{border-left:4px solid var(--ok);padding:.3rem .6rem}\n";

/* "/NAME?v=HASH" of a static text: a new text is a new address. */
static void
versioned(const char *name, const char *text, size_t len, char *out,
    size_t outlen)
{
	unsigned char	md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)text, len, md);
	snprintf(out, outlen, "%s?v=%02x%02x%02x%02x%02x", name, md[0], md[1],
	    md[2], md[3], md[4]);
}

int
gen_chat_js(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	evbuffer_add(out, chat_js, sizeof chat_js - 1);
	*lastmod = hr->srv->started;
	*ctype = "text/javascript; charset=utf-8";
	return 0;
}

int
gen_chat_css(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	evbuffer_add(out, chat_css, sizeof chat_css - 1);
	*lastmod = hr->srv->started;
	*ctype = "text/css; charset=utf-8";
	return 0;
}

/* Is a room with MODES listed on pages?  Secret rooms (+s) are not. */
int
chat_room_listed(const char *modes)
{
	return modes == NULL || strchr(modes, 's') == NULL;
}

/* Finding one listed room by name. */
struct room_find {
	const char	*name;		/* "#room" */
	char		*topic;		/* found: its topic */
	int		 found;
};

static void
room_find_cb(const struct room_info *r, void *arg)
{
	struct room_find *rf = arg;

	if (rf->found || !chat_room_listed(r->modes) ||
	    strcasecmp(r->name, rf->name) != 0)
		return;
	rf->found = 1;
	rf->topic = xstrdup(r->topic != NULL ? r->topic : "");
}

struct chat_list {
	xmlTextWriterPtr	 w;
	struct http_req		*hr;
	int			 rc;
};

static void
chat_list_room(const struct room_info *r, void *arg)
{
	struct chat_list *cl = arg;
	xmlTextWriterPtr w = cl->w;
	struct event_info ev;
	char		 enc[512], when[64], *u;

	if (!chat_room_listed(r->modes) || cl->rc != 0 ||
	    http_segment_encode(r->name + 1, strlen(r->name + 1), enc,
	    sizeof enc) < 0)
		return;
	xasprintf(&u, "/chat/%s", enc);
	if (html_el(w, "li") != 0 || html_link(w, u, r->name) != 0 ||
	    html_text(w, " \u2014 ") != 0 ||
	    html_text(w, i18n(cl->hr->lang, r->topic)) != 0)
		cl->rc = -1;
	free(u);
	if (cl->rc == 0 && event_next_in_room(cl->hr->srv, r->name, 7 * 86400,
	    &ev)) {
		tz_when(ev.starts, when, sizeof when);
		xasprintf(&u, i18n(cl->hr->lang, "Next: %s, %s"), ev.title,
		    when);
		event_info_clear(&ev);
		if (html_text(w, " \u00b7 ") != 0 || html_wrap(w, "em", u) != 0)
			cl->rc = -1;
		free(u);
	}
	if (cl->rc == 0 && html_end(w) != 0)
		cl->rc = -1;
}

/* GET /chat: the rooms, each linked to its chat page. */
int
gen_chat(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct page	 p;
	struct chat_list cl;

	if (page_open(&p, hr, i18n(hr->lang, "Meetup rooms")) != 0)
		return -1;
	memset(&cl, 0, sizeof cl);
	cl.w = p.w;
	cl.hr = hr;
	if (html_wrap(p.w, "h1", i18n(p.L, "Meetup rooms")) != 0 ||
	    html_wrap(p.w, "p", i18n(p.L, "Live conversations with other "
	    "members. Choose a room to join it in your browser.")) != 0 ||
	    html_el(p.w, "ul") != 0 || html_attr(p.w, "class", "groups") != 0)
		goto fail;
	store_room_list(hr->srv->store, chat_list_room, &cl);
	if (cl.rc != 0 || html_end(p.w) != 0 || html_el(p.w, "p") != 0 ||
	    html_link(p.w, "/clients", i18n(p.L, "Or use your own IRC "
	    "client")) != 0 || html_end(p.w) != 0)
		goto fail;
	*lastmod = hr->srv->started;
	return page_close(&p, out, ctype);
fail:
	page_abort(&p);
	return -1;
}

/* data-s-KEY="TEXT": a text of the script, in the page's language. */
static int
chat_string(xmlTextWriterPtr w, const char *L, const char *key,
    const char *msgid)
{
	char	name[64];

	snprintf(name, sizeof name, "data-s-%s", key);
	return html_attr(w, name, i18n(L, msgid));
}

/* The texts chat.js shows (chat.js reads them by key). */
static const struct {
	const char	*key;
	const char	*msgid;
} chat_strings[] = {
	{ "connecting", N_("Connecting\u2026") },
	{ "signing-in", N_("Signing in\u2026") },
	{ "joined", N_("You are in the room. New messages appear below.") },
	{ "history", N_("Earlier messages") },
	{ "lost", N_("The connection was lost.") },
	{ "reconnect", N_("Reconnect") },
	{ "failed", N_("Could not sign in to the chat. Reload the page and "
	    "try again.") },
	{ "no-token", N_("Could not start the chat: are you still signed "
	    "in? Reload the page.") },
	{ "report", N_("Report") },
	{ "report-label", N_("Why are you reporting this message? "
	    "(optional)") },
	{ "report-send", N_("Send report") },
	{ "cancel", N_("Cancel") },
	{ "report-of", N_("Report the message from %s") },
	{ "server", N_("Server: %s") },
	{ "joins", N_("%s joined the room") },
	{ "leaves", N_("%s left the room") },
};

/* The chat itself: log, status, the form; chat.js makes it live. */
static int
chat_ui(struct http_req *hr, struct page *p, const char *room)
{
	xmlTextWriterPtr w = p->w;
	const char	*L = p->L, *tok;
	char		*s;
	size_t		 i;

	if ((tok = http_form_token(hr)) == NULL)
		return -1;
	if (html_el(w, "section") != 0 || html_attr(w, "id", "chat") != 0 ||
	    html_attr(w, "data-room", room) != 0 ||
	    html_attr(w, "data-csrf", tok) != 0 ||
	    html_attr(w, "data-ws", "/irc") != 0 ||
	    html_attr(w, "data-service", hr->srv->cf->service_nick) != 0 ||
	    html_attr(w, "aria-label", i18n(L, "Chat")) != 0)
		return -1;
	for (i = 0; i < sizeof chat_strings / sizeof chat_strings[0]; i++)
		if (chat_string(w, L, chat_strings[i].key,
		    chat_strings[i].msgid) != 0)
			return -1;
	xasprintf(&s, i18n(L, "Messages in %s"), room);
	if (html_el(w, "p") != 0 || html_attr(w, "id", "chat-status") != 0 ||
	    html_attr(w, "class", "chat-status") != 0 ||
	    html_attr(w, "role", "status") != 0 ||
	    html_text(w, i18n(L, "The chat needs JavaScript; it starts when "
	    "the page has loaded.")) != 0 || html_end(w) != 0 ||
	    html_el(w, "ol") != 0 || html_attr(w, "id", "chat-log") != 0 ||
	    html_attr(w, "class", "chat-log") != 0 ||
	    html_attr(w, "aria-live", "polite") != 0 ||
	    html_attr(w, "aria-label", s) != 0 ||
	    html_attr(w, "tabindex", "0") != 0 || html_end(w) != 0) {
		free(s);
		return -1;
	}
	free(s);
	if (html_el(w, "form") != 0 || html_attr(w, "id", "chat-form") != 0 ||
	    html_attr(w, "class", "chat-form") != 0 ||
	    html_attr(w, "action", "#") != 0 ||
	    html_el(w, "label") != 0 || html_attr(w, "for", "chat-input") != 0 ||
	    html_text(w, i18n(L, "Your message")) != 0 || html_end(w) != 0 ||
	    html_el(w, "input") != 0 || html_attr(w, "type", "text") != 0 ||
	    html_attr(w, "id", "chat-input") != 0 ||
	    html_attr(w, "name", "text") != 0 ||
	    html_attr(w, "maxlength", "400") != 0 ||
	    html_attr(w, "autocomplete", "off") != 0 ||
	    html_attr(w, "disabled", "disabled") != 0 ||
	    html_void_end(w) != 0 ||
	    html_el(w, "button") != 0 || html_attr(w, "type", "submit") != 0 ||
	    html_attr(w, "id", "chat-send") != 0 ||
	    html_attr(w, "disabled", "disabled") != 0 ||
	    html_text(w, i18n(L, "Send")) != 0 || html_end(w) != 0 ||
	    html_end(w) != 0)
		return -1;
	if (html_el(w, "p") != 0 || html_attr(w, "class", "muted") != 0 ||
	    html_text(w, i18n(L, "Be kind. Use Report on a message that "
	    "worries you: only the moderators see who reported.")) != 0 ||
	    html_end(w) != 0 || html_end(w) != 0)
		return -1;
	return 0;
}

/*
 * GET /chat/ROOM: the chat page of #ROOM.  Signed in on the web over a
 * secure connection: the chat and its script; otherwise how to get
 * there.  A secret or unknown room is 404.
 */
int
gen_chat_room(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct room_find rf;
	struct page	 p;
	xmlTextWriterPtr w;
	char		*room, js[64], css[64];
	int		 live;

	memset(&rf, 0, sizeof rf);
	xasprintf(&room, "%s%s", hr->arg[0] == '#' ? "" : "#", hr->arg);
	rf.name = room;
	store_room_list(hr->srv->store, room_find_cb, &rf);
	if (!rf.found) {
		free(room);
		return HTTP_NOT_FOUND;
	}
	/* The chat needs a web session (its form token) and a safe wire. */
	live = hr->sid[0] != '\0' && http_secure(hr);
	if (page_head(&p, hr, room) != 0)
		goto fail0;
	w = p.w;
	if (live) {
		versioned("/chat.css", chat_css, sizeof chat_css - 1, css,
		    sizeof css);
		if (html_el(w, "link") != 0 ||
		    html_attr(w, "rel", "stylesheet") != 0 ||
		    html_attr(w, "href", css) != 0 || html_void_end(w) != 0)
			goto fail;
	}
	if (page_body(&p) != 0 || html_wrap(w, "h1", room) != 0 ||
	    html_el(w, "p") != 0 || html_attr(w, "class", "muted") != 0 ||
	    html_text(w, i18n(p.L, rf.topic)) != 0 || html_end(w) != 0)
		goto fail;
	if (live) {
		if (chat_ui(hr, &p, room) != 0)
			goto fail;
		versioned("/chat.js", chat_js, sizeof chat_js - 1, js,
		    sizeof js);
		if (html_el(w, "script") != 0 || html_attr(w, "src", js) != 0 ||
		    html_end(w) != 0)
			goto fail;
	} else if (hr->account[0] == '\0' || hr->sid[0] == '\0') {
		if (html_el(w, "p") != 0 ||
		    html_text(w, i18n(p.L, "To talk in this room, ")) != 0 ||
		    html_link(w, "/signin", i18n(p.L, "sign in")) != 0 ||
		    html_text(w, i18n(p.L, " or ")) != 0 ||
		    html_link(w, "/signup", i18n(p.L, "create an account"))
		    != 0 || html_text(w, ".") != 0 || html_end(w) != 0)
			goto fail;
	} else if (html_wrap(w, "p", i18n(p.L, "The chat needs an encrypted "
	    "(HTTPS) connection, which this server does not offer.")) != 0)
		goto fail;
	if (html_el(w, "p") != 0 || html_link(w, "/chat", i18n(p.L, "All "
	    "rooms")) != 0 || html_text(w, " \u00b7 ") != 0 ||
	    html_link(w, "/clients", i18n(p.L, "Or use your own IRC client"))
	    != 0 || html_end(w) != 0)
		goto fail;
	free(room);
	free(rf.topic);
	*lastmod = hr->srv->started;
	return page_close(&p, out, ctype);
fail:
	page_abort(&p);
fail0:
	free(room);
	free(rf.topic);
	return -1;
}

/* S as a JSON string (quotes included) onto OUT. */
static void
json_str(struct evbuffer *out, const char *s)
{
	const unsigned char *p;

	evbuffer_add(out, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			evbuffer_add_printf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			evbuffer_add_printf(out, "\\u%04x", *p);
		else
			evbuffer_add(out, p, 1);
	}
	evbuffer_add(out, "\"", 1);
}

/*
 * POST /chat/token (the form token checked by the dispatcher): a
 * one-time chat token for the signed-in member, as JSON
 * {"account": NAME, "token": TOKEN, "expires_in": SECONDS}, never cached.
 * Only for a web session (not HTTP Basic) over a secure connection.
 */
int
gen_chat_token(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	char	token[CHATTOKEN_LEN + 1];

	*lastmod = time(NULL);
	if (hr->sid[0] == '\0' || hr->account_id <= 0)
		return HTTP_FORBIDDEN;
	if (!http_secure(hr))
		return HTTP_FORBIDDEN;
	if (chattoken_make(hr->srv, hr->account_id, token) != 0) {
		http_add_header(hr, "Retry-After", "5");
		http_send_text(hr, 503, "Service Unavailable",
		    "No chat token now: try again in a moment");
		return HTTP_SENT;
	}
	evbuffer_add_printf(out, "{\"account\":");
	json_str(out, hr->account);
	evbuffer_add_printf(out, ",\"token\":\"%s\",\"expires_in\":%d}\n",
	    token, hr->srv->cf->chat_token_lifetime);
	OPENSSL_cleanse(token, sizeof token);
	*ctype = "application/json";
	return 0;
}
